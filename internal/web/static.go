package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/fault"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file, served under a name that carries a
// hash of its content (style.3f9a1c2b.css) so browsers may cache it for a
// year and a new release is fetched at once.
type asset struct {
	name        string // hashed file name
	contentType string
	etag        string
	body        []byte
}

// assets indexes the embedded files by their hashed and their plain names.
type assets struct {
	hashed map[string]*asset
	plain  map[string]*asset
}

func newAssets() *assets {
	a := &assets{hashed: map[string]*asset{}, plain: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:4])
		base := path.Base(p)
		ext := path.Ext(base)
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		as := &asset{
			name:        strings.TrimSuffix(base, ext) + "." + h + ext,
			contentType: ct,
			etag:        `"` + hex.EncodeToString(sum[:8]) + `"`,
			body:        body,
		}
		a.hashed[as.name] = as
		a.plain[base] = as
		return nil
	})
	if err != nil {
		panic("web: read embedded static files: " + err.Error()) // the binary itself is broken
	}
	return a
}

// url is the path of the embedded file called name (as in the static
// folder), with its content hash.
func (a *assets) url(name string) string {
	if as, ok := a.plain[name]; ok {
		return "/static/" + as.name
	}
	return "/static/" + name
}

// static serves an embedded file. Under its hashed name it is immutable and
// cached for a year; under its plain name (or a stale hash, after a release)
// caches must revalidate.
func (h *Handler) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	as, ok := h.assets.hashed[name]
	cache := "public, max-age=31536000, immutable"
	if !ok {
		as, ok = h.assets.plain[unhash(name)]
		cache = "public, max-age=300, must-revalidate"
	}
	if !ok {
		// Only a miss looks at the language: a file is the same in every
		// language, and must not vary by it in caches.
		h.serveError(w, r, h.locales[pickLang(w, r)], fault.ErrNotFound)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", as.contentType)
	hd.Set("Cache-Control", cache)
	hd.Set("ETag", as.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(as.body))
}

// favicon answers /favicon.ico, which browsers ask for on pages that name
// no icon (the back office, plain-text responses), with the shop's icon.
func (h *Handler) favicon(w http.ResponseWriter, r *http.Request) {
	as := h.assets.plain["favicon.svg"]
	hd := w.Header()
	hd.Set("Content-Type", as.contentType)
	hd.Set("Cache-Control", "public, max-age=86400")
	hd.Set("ETag", as.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(as.body))
}

// unhash turns style.0a1b2c3d.css into style.css; other names are returned
// unchanged.
func unhash(name string) string {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	if i := strings.LastIndexByte(stem, '.'); i > 0 && len(stem)-i-1 == 8 {
		return stem[:i] + ext
	}
	return name
}
