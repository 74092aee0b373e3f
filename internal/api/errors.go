package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/observe"
	"github.com/mallang/mallang/internal/ratelimit"
)

// problemType is the RFC 9457 "type" of every problem the API returns: the
// status code and title say all there is to say.
const problemType = "about:blank"

// problem maps err, returned by a service, to the RFC 9457 problem the client
// receives. It is the one place where fault kinds become status codes:
//
//	*fault.Invalid          → 422, one entry in errors per field, located at in+"."+field
//	ratelimit.ErrLimited    → 429 with Retry-After (seconds) when the error carries the wait
//	fault.ErrNotFound       → 404
//	fault.ErrConflict       → 409
//	fault.ErrForbidden      → 403
//	fault.ErrUnauthenticated → 401
//	anything else           → 500 with a generic body, logged here, once
//
// The payment endpoints add two answers of their own (payments.go): a
// provider's refusal is a 502 ProviderProblem, a refund the provider did not
// answer a 202 RefundPendingProblem.
//
// in names where the fields of an Invalid came from: "query", "path" or
// "body". Messages of an Invalid are written to be shown to users; nothing
// else of err reaches the client.
func (a *API) problem(ctx context.Context, err error, in string) error {
	if inv, ok := fault.AsInvalid(err); ok {
		return invalidProblem(inv, nil, in)
	}
	// A refused attempt is also fault.ErrConflict; it is told apart first.
	if errors.Is(err, ratelimit.ErrLimited) {
		return limitedProblem(err)
	}
	if b, ok := account.AsBlocked(err); ok {
		return newProblem(http.StatusForbidden, "The shop has blocked this account: it cannot sign in or place orders. "+
			"Reason (이용 제한 사유): "+b.Reason)
	}
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return newProblem(http.StatusNotFound, "The requested resource does not exist.")
	case errors.Is(err, fault.ErrConflict):
		return newProblem(http.StatusConflict, "The request conflicts with the current state of the resource.")
	case errors.Is(err, fault.ErrForbidden):
		return newProblem(http.StatusForbidden, "You may not do this.")
	case errors.Is(err, fault.ErrUnauthenticated):
		return newProblem(http.StatusUnauthorized, "Sign in first.")
	}
	if ctx.Err() != nil {
		// The client went away or the deadline passed: nobody reads the
		// answer, and it is not a fault of ours worth an error log.
		a.log.InfoContext(ctx, "api request ended early", "err", err)
	} else {
		// observe.LogHandler adds the request_id from ctx to the record.
		a.log.ErrorContext(ctx, "api request failed", "err", err)
	}
	detail := "Something went wrong on our side. Please try again later."
	if id := observe.RequestID(ctx); id != "" {
		detail += " If it persists, quote request id " + id + "."
	}
	return newProblem(http.StatusInternalServerError, detail)
}

// limitedProblem is the 429 for a refused attempt: the Retry-After header in
// seconds and the wait in whole minutes in the detail, when err carries it.
func limitedProblem(err error) error {
	d, ok := ratelimit.RetryAfter(err)
	if !ok || d <= 0 {
		return newProblem(http.StatusTooManyRequests, "too many attempts; try again later")
	}
	unit, n := "minutes", ratelimit.Minutes(d)
	if n == 1 {
		unit = "minute"
	}
	p := newProblem(http.StatusTooManyRequests, fmt.Sprintf("too many attempts; try again in %d %s", n, unit))
	secs := int64((d + time.Second - 1) / time.Second)
	return huma.ErrorWithHeaders(p, http.Header{"Retry-After": {strconv.FormatInt(secs, 10)}})
}

// invalidProblem is the 422 for inv, its errors sorted by field so that the
// body is stable. at maps a field to the location the client reads
// ("coupon" → "body.coupon_code"); a field not in at is located at
// in+"."+field.
func invalidProblem(inv *fault.Invalid, at map[string]string, in string) *huma.ErrorModel {
	p := newProblem(http.StatusUnprocessableEntity, "The request has invalid input; see errors.")
	fields := make([]string, 0, len(inv.Fields))
	for f := range inv.Fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		loc, ok := at[f]
		if !ok {
			loc = in + "." + f
		}
		p.Errors = append(p.Errors, &huma.ErrorDetail{Location: loc, Message: inv.Fields[f]})
	}
	return p
}

func newProblem(status int, detail string) *huma.ErrorModel {
	return &huma.ErrorModel{
		Type:   problemType,
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
	}
}

// completeProblem is a huma transformer that fills in the parts of a problem
// huma leaves out — its type and the instance, the request's path — for the
// problems our handlers return and for those huma makes itself (for example
// a path parameter that is not a number).
func completeProblem(ctx huma.Context, _ string, v any) (any, error) {
	var p *huma.ErrorModel
	switch e := v.(type) {
	case *huma.ErrorModel:
		p = e
	case *ProviderProblem:
		p = &e.ErrorModel
	case *RefundPendingProblem:
		p = &e.ErrorModel
	case *AccountProblem:
		p = &e.ErrorModel
	}
	if p != nil && p.Status == http.StatusRequestEntityTooLarge {
		// huma's own 413, for a body sent without a length that ran past
		// the operation's MaxBodyBytes: our message, naming the limit.
		if op := ctx.Operation(); op != nil {
			p.Detail = tooLargeProblem(op.MaxBodyBytes).Detail
		}
	}
	if p != nil {
		if p.Type == "" {
			p.Type = problemType
		}
		for _, e := range p.Errors {
			locateMissing(e)
			// huma echoes the offending value; a body may hold a password
			// or personal data, which a problem must not repeat.
			if e != nil && (e.Location == "body" || strings.HasPrefix(e.Location, "body.")) {
				e.Value = nil
			}
		}
		if p.Instance == "" {
			u := ctx.URL()
			p.Instance = u.Path
		}
	}
	return v, nil
}

// locateMissing points huma's "required property is missing" error at the
// property itself ("body.recipient") rather than at the object holding it
// ("body"), so that every per-field error of a body names its JSON field.
func locateMissing(e *huma.ErrorDetail) {
	if e == nil {
		return
	}
	name, ok := strings.CutPrefix(e.Message, "expected required property ")
	if !ok {
		return
	}
	name, ok = strings.CutSuffix(name, " to be present")
	if ok && name != "" && !strings.ContainsAny(name, " .") {
		e.Location += "." + name
	}
}

// writeProblem writes p outside huma, for requests no operation handles.
func writeProblem(w http.ResponseWriter, r *http.Request, p *huma.ErrorModel) {
	p.Instance = r.URL.Path
	b, err := json.Marshal(p)
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// unknownRoute answers every request under /api/v1/ that no operation
// handles: 405 with an Allow header when the path exists for other methods,
// otherwise 404.
func (a *API) unknownRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := a.mux.Handler(probe); pattern != "" && pattern != Prefix+"/" {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeProblem(w, r, newProblem(http.StatusMethodNotAllowed, "This resource does not support this method; see the Allow header."))
		return
	}
	writeProblem(w, r, newProblem(http.StatusNotFound, "There is no API resource at this path."))
}
