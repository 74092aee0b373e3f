// Package observe gives every request an id, a structured access log line
// and Prometheus metrics, and turns a panic in a handler into a logged 500
// instead of a dropped connection.
package observe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type ctxKey struct{}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// WithRequestID returns ctx carrying id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// LogHandler wraps h so that every record logged with a request's context
// carries its request_id.
func LogHandler(h slog.Handler) slog.Handler { return reqIDHandler{h} }

type reqIDHandler struct{ slog.Handler }

func (h reqIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h reqIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return reqIDHandler{h.Handler.WithAttrs(as)}
}

func (h reqIDHandler) WithGroup(name string) slog.Handler {
	return reqIDHandler{h.Handler.WithGroup(name)}
}

// Metrics are the HTTP server's Prometheus collectors.
type Metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewMetrics registers the HTTP collectors on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mallang_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mallang_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

// statusWriter remembers the status code and whether anything was written.
type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if code >= 100 && code < 200 {
		w.ResponseWriter.WriteHeader(code) // informational: may come several times
		return
	}
	if w.wrote {
		return // the status is already on the wire; a second one means nothing
	}
	w.code, w.wrote = code, true
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.code, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Middleware wraps next with request ids, panic recovery, access logging and
// metrics. accessLog decides whether every request is logged at info level.
func Middleware(next http.Handler, log *slog.Logger, m *Metrics, accessLog bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validID(id) {
			id = newID()
		}
		ctx := WithRequestID(r.Context(), id)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.ErrorContext(ctx, "handler panicked", "panic", p, "method", r.Method, "path", r.URL.Path)
				if !sw.wrote {
					sw.Header().Set("Content-Type", "text/plain; charset=utf-8")
					sw.WriteHeader(http.StatusInternalServerError)
					_, _ = sw.Write([]byte("일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.\nSomething went wrong on our side. Please try again shortly.\nrequest id: " + id + "\n"))
				}
			}
			code := sw.code
			if !sw.wrote {
				code = http.StatusOK
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			elapsed := time.Since(start)
			if m != nil {
				m.requests.WithLabelValues(route, r.Method, strconv.Itoa(code)).Inc()
				m.latency.WithLabelValues(route).Observe(elapsed.Seconds())
			}
			if accessLog || code >= 500 {
				level := slog.LevelInfo
				if code >= 500 {
					level = slog.LevelError
				}
				log.Log(ctx, level, "request", "method", r.Method, "path", r.URL.Path, "route", route,
					"status", code, "duration_ms", float64(elapsed.Microseconds())/1000)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
