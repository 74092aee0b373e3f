package web

import (
	"bufio"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"time"
)

// robots serves GET /robots.txt: crawl everything except search results and
// the back office, and find the sitemap.
func (h *Handler) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = io.WriteString(w, "User-agent: *\nAllow: /\nDisallow: /search\nDisallow: /admin/\nDisallow: /seller/\n\nSitemap: "+h.absolute("/sitemap.xml")+"\n")
}

// sitemap serves GET /sitemap.xml: the home page, every category and every
// active product with its last change. It streams, so a large catalog costs
// no memory; an error after the first byte aborts the response so that a
// crawler sees a broken file rather than a short one.
func (h *Handler) sitemap(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tree, err := h.categories(ctx)
	if err != nil {
		h.serverError(w, r, h.locales[langKo], err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString(xml.Header)
	bw.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	url := func(loc, lastmod string) {
		bw.WriteString("<url><loc>")
		_ = xml.EscapeText(bw, []byte(loc))
		bw.WriteString("</loc>")
		if lastmod != "" {
			bw.WriteString("<lastmod>")
			bw.WriteString(lastmod)
			bw.WriteString("</lastmod>")
		}
		bw.WriteString("</url>\n")
	}
	url(h.absolute("/"), "")
	for _, c := range tree.all {
		url(h.absolute(categoryURL(c.Slug)), "")
	}
	base := h.absolute("/products/")
	var buf []byte
	err = h.cat.SitemapProducts(ctx, func(id int64, updated time.Time) error {
		buf = strconv.AppendInt(append(buf[:0], base...), id, 10)
		bw.WriteString("<url><loc>")
		_ = xml.EscapeText(bw, buf)
		bw.WriteString("</loc><lastmod>")
		bw.Write(updated.UTC().AppendFormat(buf[:0], time.RFC3339))
		bw.WriteString("</lastmod></url>\n")
		return nil
	})
	if err != nil {
		h.log.ErrorContext(ctx, "sitemap", "err", err)
		panic(http.ErrAbortHandler)
	}
	bw.WriteString("</urlset>\n")
	if err := bw.Flush(); err != nil {
		h.log.DebugContext(ctx, "sitemap write", "err", err)
	}
}
