package api_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/app/apptest"
)

// These tests check the API's routes and its documentation pages through the
// whole shop (apptest), as a client or a browser gets them.

// cacheDocsAsset is how long the documentation's scripts may be cached.
const cacheDocsAsset = "public, max-age=86400"

func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	mux := apptest.New(t, apptest.Options{}).Handler()
	tests := []struct {
		method, target string
		status         int
	}{
		{http.MethodGet, "/api/v1/", http.StatusNotFound},
		{http.MethodGet, "/api/v1/nope", http.StatusNotFound},
		{http.MethodGet, "/api/v1/products/1/nope", http.StatusNotFound},
		{http.MethodGet, "/api/v1/docs/assets/missing.js", http.StatusNotFound},
		{http.MethodGet, "/api/v1/docs/assets/index.html", http.StatusNotFound},
		{http.MethodPost, "/api/v1/nope", http.StatusNotFound},
		{http.MethodPost, "/api/v1/products", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/api/v1/products/1", http.StatusMethodNotAllowed},
		{http.MethodPut, "/api/v1/categories", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			t.Parallel()
			rec := get(t, mux, tt.method, tt.target)
			decodeProblem(t, rec, tt.status)
			if tt.status == http.StatusMethodNotAllowed && rec.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow = %q", rec.Header().Get("Allow"))
			}
		})
	}
	// The storefront keeps everything outside /api/v1/.
	if rec := get(t, mux, http.MethodGet, "/api/v2/products"); rec.Code != http.StatusNotFound || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("GET /api/v2/products = %d %s, want the storefront's page", rec.Code, rec.Header().Get("Content-Type"))
	}
}

func TestDocsOffline(t *testing.T) {
	t.Parallel()
	mux := apptest.New(t, apptest.Options{}).Handler()
	rec := get(t, mux, http.MethodGet, "/api/v1/docs")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /api/v1/docs = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "connect-src 'self' " + testBaseURL + ";"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	page := rec.Body.String()
	if strings.Contains(page, "://") {
		t.Errorf("docs page names another host:\n%s", page)
	}
	refs := regexp.MustCompile(`(?:src|href|data-url)="([^"]*)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 3 {
		t.Fatalf("docs page loads %d files, want the stylesheet, scripts and document", len(refs))
	}
	for _, ref := range refs {
		u := ref[1]
		if !strings.HasPrefix(u, "/api/v1/docs/assets/") && u != "/api/v1/openapi.json" {
			t.Errorf("docs page refers to %q, outside our own paths", u)
			continue
		}
		a := get(t, mux, http.MethodGet, u)
		if a.Code != http.StatusOK || a.Body.Len() == 0 {
			t.Errorf("GET %s = %d", u, a.Code)
			continue
		}
		body := a.Body.String()
		switch {
		case strings.HasSuffix(u, ".css"):
			// Stylesheets load nothing from elsewhere: no @import, and url()
			// only of data: URIs.
			if strings.Contains(body, "@import") || regexp.MustCompile(`url\(\s*['"]?(https?:)?//`).MatchString(body) {
				t.Errorf("%s loads from another host", u)
			}
		case strings.HasSuffix(u, ".js"):
			if regexp.MustCompile(`\b(?:src|href)\s*=\s*["']https?://`).MatchString(body) {
				t.Errorf("%s refers to a script or style on another host", u)
			}
			if a.Header().Get("Cache-Control") != cacheDocsAsset || a.Header().Get("ETag") == "" {
				t.Errorf("%s: Cache-Control %q, ETag %q", u, a.Header().Get("Cache-Control"), a.Header().Get("ETag"))
			}
		}
	}
	// Swagger UI would send the document to validator.swagger.io unless told
	// not to.
	init := get(t, mux, http.MethodGet, "/api/v1/docs/assets/init.js").Body.String()
	if !strings.Contains(init, "validatorUrl: null") {
		t.Errorf("init.js does not switch off the online validator")
	}
}

func TestDocsAssetCaching(t *testing.T) {
	t.Parallel()
	mux := apptest.New(t, apptest.Options{}).Handler()
	const u = "/api/v1/docs/assets/swagger-ui-bundle.js"
	first := get(t, mux, http.MethodGet, u)
	etag := first.Header().Get("ETag")

	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	req.Header.Set("If-None-Match", etag)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", rec.Code)
	}

	req = httptest.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	req.Header.Set("Accept-Encoding", "br, gzip")
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Body.Len() >= first.Body.Len()/2 {
		t.Fatalf("gzip: Content-Encoding %q, %d bytes of %d", rec.Header().Get("Content-Encoding"), rec.Body.Len(), first.Body.Len())
	}
	if rec.Header().Get("ETag") == etag {
		t.Errorf("gzip variant has the identity ETag")
	}
}
