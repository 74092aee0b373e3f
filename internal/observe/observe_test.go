package observe

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestMiddleware(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(LogHandler(slog.NewJSONHandler(&logs, nil)))
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /products/{id}", func(w http.ResponseWriter, r *http.Request) {
		if RequestID(r.Context()) == "" {
			t.Error("no request id in the handler's context")
		}
		w.WriteHeader(http.StatusTeapot)
	})
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) { panic("kaput") })
	h := Middleware(mux, log, m, true)

	tests := []struct {
		name, path, reqID string
		wantCode          int
		wantRoute         string
		keepID            bool
	}{
		{"route label is the pattern", "/products/7", "", http.StatusTeapot, "GET /products/{id}", false},
		{"a clean incoming id is kept", "/products/8", "abc-123", http.StatusTeapot, "GET /products/{id}", true},
		{"a dirty incoming id is replaced", "/products/9", "<script>", http.StatusTeapot, "GET /products/{id}", false},
		{"panic becomes 500", "/boom", "", http.StatusInternalServerError, "GET /boom", false},
		{"unknown route", "/nowhere", "", http.StatusNotFound, "unmatched", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.path, nil)
			if tt.reqID != "" {
				req.Header.Set("X-Request-Id", tt.reqID)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantCode {
				t.Fatalf("status %d, want %d", rec.Code, tt.wantCode)
			}
			id := rec.Header().Get("X-Request-Id")
			if id == "" || (tt.keepID && id != tt.reqID) || (!tt.keepID && id == tt.reqID) {
				t.Fatalf("X-Request-Id = %q (incoming %q)", id, tt.reqID)
			}
			if !strings.Contains(logs.String(), `"request_id":"`+id+`"`) {
				t.Fatalf("log lacks request id %s: %s", id, logs.String())
			}
			if n := testutil.ToFloat64(m.requests.WithLabelValues(tt.wantRoute, "GET", itoa(tt.wantCode))); n < 1 {
				t.Fatalf("no request counted for route %q", tt.wantRoute)
			}
		})
	}
	if !strings.Contains(logs.String(), "kaput") {
		t.Fatal("the panic was not logged")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
