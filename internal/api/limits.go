package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/security"
)

// Every operation declares its body limit as its MaxBodyBytes; the shop's
// body-limit middleware (security.BodyLimits) caps bodies at its default
// until ServeHTTP raises or lowers the cap to the operation's own.

// indexLimits records the MaxBodyBytes of every operation declared so far
// under the pattern the operation is routed by ("POST /api/v1/orders/{number}/returns").
func (a *API) indexLimits() {
	limits := map[string]int64{}
	for path, item := range a.huma.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch} {
			if op != nil && op.MaxBodyBytes > 0 {
				limits[op.Method+" "+path] = op.MaxBodyBytes
			}
		}
	}
	a.limits = limits
}

// limited serves r with the body limit of the operation it is routed to:
// a declared length over it is answered at once (tooLarge).
func (a *API) limited(w http.ResponseWriter, r *http.Request) {
	_, pattern := a.mux.Handler(r)
	n, ok := a.limits[pattern]
	if !ok {
		a.mux.ServeHTTP(w, r)
		return
	}
	security.Limit(n, tooLarge, a.mux).ServeHTTP(w, r)
}

// tooLarge is the 413 problem of a body over the operation's limit.
func tooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	writeProblem(w, r, tooLargeProblem(limit))
}

func tooLargeProblem(limit int64) *huma.ErrorModel {
	mb := security.Megabytes(limit)
	return newProblem(http.StatusRequestEntityTooLarge,
		"요청 본문이 최대 크기 "+mb+"MB를 넘습니다. The request body is larger than the limit of "+mb+" MB.")
}
