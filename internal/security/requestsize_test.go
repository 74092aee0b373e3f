package security

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRequestSize(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := RequestSize(ok)
	// headerSize counts "Name: value\r\n" per value.
	pad := func(total int) string { return strings.Repeat("a", total-len("X-Pad: \r\n")) }
	tests := []struct {
		name   string
		uri    string
		header string // X-Pad's value
		want   int
		body   string
	}{
		{"small", "/products?q=a", "", http.StatusNoContent, ""},
		{"request URI at the limit", "/" + strings.Repeat("a", MaxRequestURIBytes-1), "", http.StatusNoContent, ""},
		{"request URI a byte over", "/" + strings.Repeat("a", MaxRequestURIBytes), "", http.StatusRequestURITooLong, "요청 주소가 너무 깁니다"},
		{"headers at the limit", "/", pad(MaxHeaderBytes), http.StatusNoContent, ""},
		{"headers a byte over", "/", pad(MaxHeaderBytes + 1), http.StatusRequestHeaderFieldsTooLarge, "요청 헤더가 너무 큽니다"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, tt.uri, nil)
			req.Header = http.Header{}
			if tt.header != "" {
				req.Header.Set("X-Pad", tt.header)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("body %q lacks %q", rec.Body, tt.body)
			}
			if tt.body != "" && rec.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type = %q", rec.Header().Get("Content-Type"))
			}
		})
	}
}
