package backoffice

import (
	"embed"
	"net/http"

	"github.com/mallang/mallang/internal/security"
	"github.com/mallang/mallang/internal/security/honeypot"
)

// The decoy is the login page at /admin: it looks like any admin panel's,
// records every submission with the trap and always answers "invalid
// username or password". It has no session, sets no cookie and checks no
// password — not even a real staff member's.

//go:embed static
var staticFS embed.FS

// decoyCSS is where the decoy's style sheet is served, under /admin like a
// real panel's assets.
const decoyCSS = "/admin/assets/login.css"

// decoyForm shows the fake login page (and its style sheet).
func (h *Handler) decoyForm(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == decoyCSS {
		serveFile(w, "static/decoy.css", "text/css; charset=utf-8")
		return
	}
	h.renderDecoy(w, r, "", false)
}

// decoySubmit records the attempt: IP, user agent and username, never the
// password. The answer is the same whatever happens.
func (h *Handler) decoySubmit(w http.ResponseWriter, r *http.Request) {
	username := cut(r.PostFormValue("username"), 4*honeypot.MaxUsername)
	_, err := h.deps.Trap.Record(r.Context(), honeypot.Attempt{IP: security.ClientIP(r), UserAgent: r.UserAgent(), Username: username})
	if err != nil {
		h.log.WarnContext(r.Context(), "honeypot attempt not recorded", "err", err)
	}
	h.renderDecoy(w, r, username, true)
}

func (h *Handler) renderDecoy(w http.ResponseWriter, r *http.Request, username string, failed bool) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Robots-Tag", "noindex, nofollow")
	w.WriteHeader(http.StatusOK)
	if err := decoyPage(decoyCSS, username, failed).Render(r.Context(), w); err != nil {
		h.log.DebugContext(r.Context(), "render decoy", "err", err)
	}
}

// static serves the back office's style sheet.
func (h *Handler) static(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("file") != "style.css" {
		http.NotFound(w, r)
		return
	}
	serveFile(w, "static/style.css", "text/css; charset=utf-8")
}

func serveFile(w http.ResponseWriter, name, contentType string) {
	b, err := staticFS.ReadFile(name)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}
