package security

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHeadersAndCrossOrigin(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := Headers(CrossOrigin(ok), false)
	tests := []struct {
		name, method, site, origin string
		want                       int
	}{
		{"same-origin post", "POST", "same-origin", "", http.StatusNoContent},
		{"cross-site post", "POST", "cross-site", "https://evil.example", http.StatusForbidden},
		{"cross-site get is harmless", "GET", "cross-site", "", http.StatusNoContent},
		{"non-browser post", "POST", "", "", http.StatusNoContent},
		{"foreign origin without fetch metadata", "DELETE", "", "https://evil.example", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tt.method, "http://shop.example/cart", nil)
			if tt.site != "" {
				req.Header.Set("Sec-Fetch-Site", tt.site)
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if rec.Header().Get("Content-Security-Policy") != ContentSecurityPolicy || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("security headers missing: %v", rec.Header())
			}
		})
	}
}
