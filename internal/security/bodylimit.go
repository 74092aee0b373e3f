package security

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// TooLargeFunc answers a request whose declared body (Content-Length) is
// larger than limit bytes, before anything of the body is read: status 413
// and a message naming the limit, in the answer format of the area that
// registered the route (a page, a problem document).
type TooLargeFunc func(w http.ResponseWriter, r *http.Request, limit int64)

type limitKey struct{}

// bodyLimit is one request's limit. Limit changes it before the body is
// read; the first read fixes it.
type bodyLimit struct {
	n int64
}

// limitedBody enforces the request's limit on its body. The limit is taken
// at the first read, so a route's Limit (which runs after BodyLimits) can
// still change it. A body declared larger than the limit fails at once,
// reading nothing; one that runs past it fails at the first byte over, both
// with *http.MaxBytesError.
type limitedBody struct {
	w     http.ResponseWriter
	body  io.ReadCloser
	limit *bodyLimit
	cl    int64
	r     io.ReadCloser // nil until the first read
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.r == nil {
		if b.cl > b.limit.n {
			return 0, &http.MaxBytesError{Limit: b.limit.n}
		}
		b.r = http.MaxBytesReader(b.w, b.body, b.limit.n)
	}
	return b.r.Read(p)
}

func (b *limitedBody) Close() error { return b.body.Close() }

// BodyLimits caps the body of every request at def bytes, unless the route
// that handles it declares its own limit with Limit. Reading past the limit
// fails with *http.MaxBytesError (see TooLarge), and so does the first read
// of a body whose Content-Length is over it, without reading any of it; the
// handler answers 413 through its usual error mapping. It must wrap the mux
// that routes to the Limit handlers.
func BodyLimits(next http.Handler, def int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		l := &bodyLimit{n: def}
		r = r.WithContext(context.WithValue(r.Context(), limitKey{}, l))
		r.Body = &limitedBody{w: w, body: r.Body, limit: l, cl: r.ContentLength}
		next.ServeHTTP(w, r)
	})
}

// Limit is how a route declares a body limit of its own, at registration:
//
//	mux.Handle("POST /account/orders/{number}/returns", security.Limit(24<<20, h.tooLarge, page))
//
// A request whose Content-Length is over n is answered by tooLarge at once,
// nothing of its body read; a body sent without a length (chunked) that
// runs past n fails the handler's read with *http.MaxBytesError. Outside
// BodyLimits, Limit caps the body itself.
func Limit(n int64, tooLarge TooLargeFunc, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l, ok := r.Context().Value(limitKey{}).(*bodyLimit); ok {
			l.n = n
		} else if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, n)
		}
		if r.ContentLength > n {
			tooLarge(w, r, n)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// TooLarge reports whether err comes from a body over its limit, and the
// limit in bytes.
func TooLarge(err error) (limit int64, ok bool) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return tooBig.Limit, true
	}
	return 0, false
}

// Megabytes writes n bytes as megabytes (of 2^20 bytes) for the messages
// about limits: "24", "1.5", "0.06" — at most two decimals, rounded down.
func Megabytes(n int64) string {
	hundredths := n * 100 / (1 << 20)
	s := strconv.FormatInt(hundredths/100, 10)
	if frac := hundredths % 100; frac != 0 {
		f := strconv.FormatInt(frac+100, 10)[1:]
		s += "." + strings.TrimRight(f, "0")
	}
	return s
}
