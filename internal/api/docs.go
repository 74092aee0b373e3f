package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
)

// docsFiles is the docs page and what it loads: Swagger UI's built files
// vendored from npm (see docsui/README.md) and our page and start script.
//
//go:embed docsui/index.html docsui/init.js docsui/swagger-ui-bundle.js docsui/swagger-ui.css
//go:embed docsui/LICENSE docsui/NOTICE docsui/swagger-ui-bundle.js.LICENSE.txt
var docsFiles embed.FS

// Cache lifetimes of the docs. Asset names carry no version, so they are
// revalidated daily through their ETag; the page itself hourly.
const (
	cacheDocsPage  = "public, max-age=3600"
	cacheDocsAsset = "public, max-age=86400"
)

// docsCSP lets the docs page run only our own scripts and styles (Swagger UI
// sets inline styles) and fetch only from our origin, so a browser enforces
// what the tests check: the page needs no other host.
const docsCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'%s; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// asset is a file served from memory with an ETag and, for the large text
// files, a gzip variant made on first use.
type asset struct {
	contentType string
	body        []byte
	etag        string

	gzipOnce sync.Once
	gz       []byte // nil when gzip does not help
}

func newAsset(contentType string, body []byte) *asset {
	sum := sha256.Sum256(body)
	return &asset{contentType: contentType, body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
}

func (f *asset) gzipped() []byte {
	f.gzipOnce.Do(func() {
		if len(f.body) < 1024 || !strings.HasPrefix(f.contentType, "text/") && !strings.Contains(f.contentType, "json") {
			return
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = zw.Write(f.body)
		if zw.Close() == nil && b.Len() < len(f.body) {
			f.gz = b.Bytes()
		}
	})
	return f.gz
}

// serve writes f with cacheControl, answering conditional and range
// requests through http.ServeContent.
func (f *asset) serve(w http.ResponseWriter, r *http.Request, cacheControl string) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	body, etag := f.body, f.etag
	if gz := f.gzipped(); gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			return strings.ReplaceAll(params, " ", "") != "q=0"
		}
	}
	return false
}

// registerDocs loads the embedded docs files and adds their routes:
// /api/v1/docs (the page) and /api/v1/docs/assets/{name}.
func (a *API) registerDocs() {
	types := map[string]string{
		".html": "text/html; charset=utf-8",
		".js":   "text/javascript; charset=utf-8",
		".css":  "text/css; charset=utf-8",
		".txt":  "text/plain; charset=utf-8",
		"":      "text/plain; charset=utf-8", // LICENSE, NOTICE
	}
	entries, err := docsFiles.ReadDir("docsui")
	if err != nil {
		panic("api: read embedded docs: " + err.Error())
	}
	a.docs = make(map[string]*asset, len(entries))
	for _, e := range entries {
		b, err := docsFiles.ReadFile("docsui/" + e.Name())
		if err != nil {
			panic("api: read embedded docs: " + err.Error())
		}
		a.docs[e.Name()] = newAsset(types[path.Ext(e.Name())], b)
	}

	csp := strings.Replace(docsCSP, "%s", a.connectSrc(), 1)
	page := a.docs["index.html"]
	a.mux.HandleFunc("GET "+Prefix+"/docs", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		page.serve(w, r, cacheDocsPage)
	})
	a.mux.HandleFunc("GET "+Prefix+"/docs/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix+"/docs", http.StatusMovedPermanently)
	})
	a.mux.HandleFunc("GET "+Prefix+"/docs/assets/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		f, ok := a.docs[name]
		if !ok || name == "index.html" {
			writeProblem(w, r, newProblem(http.StatusNotFound, "There is no docs asset with this name."))
			return
		}
		f.serve(w, r, cacheDocsAsset)
	})
}

// connectSrc adds the base URL's origin to the docs page's connect-src when
// it has one, so that "Try it out" reaches the server the document names
// even when the page was opened through another address.
func (a *API) connectSrc() string {
	u, err := url.Parse(a.cfg.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return " " + u.Scheme + "://" + u.Host
}
