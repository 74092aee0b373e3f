package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The Link header of a listing is built from the parameters the listing
// knows, in their parsed form; whatever else the request carries is not
// copied into the answer's headers.
func TestListLinksCarryKnownParametersOnly(t *testing.T) {
	t.Parallel()
	mux, _, _ := seeded(t, seedProducts)
	long := strings.Repeat("가", 300)
	link := func(query string) string {
		return "<" + testBaseURL + "/api/v1/products?" + query + ">"
	}
	tests := []struct {
		name, query string
		want        []string
	}{
		{"unknown parameters", "per_page=7&lang=" + url.QueryEscape(long) + "&utm_source=" + strings.Repeat("x", 500),
			[]string{link("page=1&per_page=7") + `; rel="first"`, link("page=2&per_page=7") + `; rel="next"`, link("page=6&per_page=7") + `; rel="last"`}},
		{"filters in their parsed form", "per_page=+20&in_stock=yes&sort=price_asc&min_price=0&max_price=%2099999&q=%20%20Product%20&x=1",
			[]string{link("in_stock=true&max_price=99999&min_price=0&page=1&per_page=20&q=Product&sort=price_asc") + `; rel="first"`}},
		{"defaults left out", "page=2&per_page=24&sort=newest&in_stock=false&featured=0",
			[]string{link("page=1") + `; rel="first"`, link("page=1") + `; rel="prev"`, link("page=2") + `; rel="last"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := get(t, mux, http.MethodGet, "/api/v1/products?"+tt.query)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			got := rec.Header().Get("Link")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Link lacks %s:\n%s", w, got)
				}
			}
			for _, bad := range []string{"lang", "utm_source", "x="} {
				if strings.Contains(got, bad) {
					t.Errorf("Link copies %s from the request: %.200s", bad, got)
				}
			}
		})
	}
}

// A request line or headers beyond sensible limits are refused before any
// handler runs, with a body a person can read in Korean and English.
func TestOversizedRequestsAreRefused(t *testing.T) {
	t.Parallel()
	mux, _, _ := seeded(t, 1)
	korean := url.QueryEscape(strings.Repeat("초콜릿", 1000)) // 3,000 characters, 27 KB escaped
	tests := []struct {
		name    string
		target  string
		headers map[string]string
		want    int
		body    []string
	}{
		{"3,000 Korean characters in the query", "/api/v1/products?lang=" + korean, nil,
			http.StatusRequestURITooLong, []string{"주소", "The request URI is longer than"}},
		{"a long page path", "/products/" + strings.Repeat("a", 9000), nil,
			http.StatusRequestURITooLong, []string{"주소", "The request URI is longer than"}},
		{"headers too large", "/api/v1/products", map[string]string{"X-Padding": strings.Repeat("a", 20000), "Cookie": "c=" + strings.Repeat("b", 20000)},
			http.StatusRequestHeaderFieldsTooLarge, []string{"헤더", "The request headers are larger than"}},
		{"a sensible request", "/api/v1/products?q=" + url.QueryEscape(strings.Repeat("초", 100)), map[string]string{"Cookie": "c=" + strings.Repeat("b", 4000)},
			http.StatusOK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, tt.target, nil)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d: %.300s", rec.Code, tt.want, rec.Body)
			}
			for _, w := range tt.body {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("body lacks %q: %s", w, rec.Body)
				}
			}
			if n := headerBytes(rec.Header()); n > 4096 {
				t.Errorf("the answer's headers are %d bytes", n)
			}
		})
	}
}

func headerBytes(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(fmt.Sprintf("%s: %s\r\n", k, v))
		}
	}
	return n
}
