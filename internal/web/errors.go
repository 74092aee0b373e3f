package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/a-h/templ"

	"github.com/mallang/mallang/internal/observe"
)

// render writes a page with status. Rendering streams into w, so a failure
// here is a client that went away; it is logged at debug level only.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, lc *locale, status int, c templ.Component) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Language", lc.lang.Code())
	if hd.Get("Cache-Control") == "no-store" {
		// A private page (the account area) stays out of every cache.
	} else if status == http.StatusOK {
		hd.Set("Cache-Control", "no-cache")
	} else {
		hd.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		h.log.DebugContext(r.Context(), "render page", "path", r.URL.Path, "err", err)
	}
}

// notFound serves the 404 page for routes nothing else matched and for
// malformed ids.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.notFoundIn(w, r, h.locales[pickLang(w, r)])
}

// notFoundIn renders the 404 page in lc, with the category links when they
// can be had: the page still works without them.
func (h *Handler) notFoundIn(w http.ResponseWriter, r *http.Request, lc *locale) {
	tree, err := h.categories(r.Context())
	if err != nil {
		h.log.WarnContext(r.Context(), "404 page without categories", "err", err)
		tree = nil
	}
	h.notFoundPage(w, r, lc, tree)
}

// notFoundPage answers 404 with a search box and links home and to the
// categories.
func (h *Handler) notFoundPage(w http.ResponseWriter, r *http.Request, lc *locale, tree *categoryTree) {
	p := h.newPage(r, lc, tree, lc.T("nf.title"), localPath(r.URL), nil)
	p.NoIndex = true
	h.render(w, r, lc, http.StatusNotFound, notFoundBody(p))
}

// serverError logs err once with the request id and answers 500 with a
// friendly page that tells nothing internal. A request the client
// cancelled is not an error worth a log line.
func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, lc *locale, err error) {
	ctx := r.Context()
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return
	}
	h.log.ErrorContext(ctx, "storefront page failed", "method", r.Method, "path", r.URL.Path, "err", err)
	p := h.newPage(r, lc, h.tree.Load(), lc.T("err.title"), localPath(r.URL), nil)
	p.NoIndex = true
	retry := localPath(r.URL)
	if r.URL.RawQuery != "" {
		retry += "?" + r.URL.RawQuery
	}
	h.render(w, r, lc, http.StatusInternalServerError, serverErrorBody(p, observe.RequestID(ctx), retry))
}
