package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/settings"
)

// legalVersionLink is one version in a legal page's list.
type legalVersionLink struct {
	Label     string
	URL       string
	Effective string
	Current   bool // the version in force
	Shown     bool // the version on this page
	Upcoming  bool
}

// legalView is a legal document's page: one version's text and the list
// of every version.
type legalView struct {
	Title      string
	Version    string
	Effective  string
	Paragraphs []string
	Old        bool   // an earlier (or upcoming) version, not the one in force
	OldNotice  string // says which
	CurrentURL string // the page of the version in force
	Versions   []legalVersionLink
	Empty      bool // nothing published yet
}

// registerLegal adds the terms of use and the privacy policy: the version
// in force at /terms and /privacy, each version at /terms/{n}.
func (h *Handler) registerLegal(mux *http.ServeMux) {
	for _, d := range settings.Documents {
		mux.Handle("GET /"+string(d), h.serve(func(w http.ResponseWriter, r *http.Request, lc *locale) error {
			return h.legal(w, r, lc, d, 0)
		}))
		mux.Handle("GET /"+string(d)+"/{version}", h.serve(func(w http.ResponseWriter, r *http.Request, lc *locale) error {
			n, err := strconv.ParseInt(r.PathValue("version"), 10, 64)
			if err != nil || n < 1 {
				return fault.ErrNotFound
			}
			return h.legal(w, r, lc, d, n)
		}))
	}
}

// legal serves version n of doc, or the version in force for 0.
func (h *Handler) legal(w http.ResponseWriter, r *http.Request, lc *locale, doc settings.Document, n int64) error {
	ctx := r.Context()
	tree, err := h.categories(ctx)
	if err != nil {
		return err
	}
	shop := h.cfg.Shop
	v := &legalView{Title: lc.T("legal." + string(doc)), CurrentURL: "/" + string(doc)}
	cur, err := shop.CurrentLegal(ctx, doc)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		v.Empty = true
	case err != nil:
		return err
	}
	shown := cur
	if n > 0 {
		if shown, err = shop.LegalVersion(ctx, doc, n); err != nil {
			return err
		}
		v.Empty = false
	}
	list, err := shop.LegalVersions(ctx, doc)
	if err != nil {
		return err
	}
	path := "/" + string(doc)
	if !v.Empty {
		v.Version = lc.F("legal.version", settings.VersionLabel(shown.Version))
		v.Effective = lc.F("legal.effective", lc.Date(shown.EffectiveAt))
		v.Paragraphs = paragraphs(shown.Body)
		v.Old = shown.Version != cur.Version
		if shown.EffectiveAt.After(h.cfg.Now()) {
			v.OldNotice = lc.F("legal.upcoming.notice", lc.Date(shown.EffectiveAt))
		} else {
			v.OldNotice = lc.F("legal.old", lc.Date(shown.EffectiveAt))
		}
		if n > 0 {
			path += "/" + strconv.FormatInt(n, 10)
		}
	}
	now := h.cfg.Now()
	for _, lv := range list {
		v.Versions = append(v.Versions, legalVersionLink{Label: settings.VersionLabel(lv.Version),
			URL: "/" + string(doc) + "/" + strconv.FormatInt(lv.Version, 10), Effective: lc.Date(lv.EffectiveAt),
			Current: lv.Version == cur.Version && !v.Empty, Shown: lv.Version == shown.Version, Upcoming: lv.EffectiveAt.After(now)})
	}
	p := h.newPage(r, lc, tree, v.Title, path, nil)
	p.NoIndex = v.Old
	h.render(w, r, lc, http.StatusOK, legalPage(p, v))
	return nil
}

// paragraphs splits plain text at blank lines; single line breaks stay
// inside a paragraph (the page keeps them).
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
