package web

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/content"
	"github.com/mallang/mallang/internal/fault"
)

// robots serves GET /robots.txt: crawl everything except search results and
// the back office, and find the sitemap.
func (h *Handler) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = io.WriteString(w, "User-agent: *\nAllow: /\nDisallow: /search\nDisallow: /admin/\nDisallow: /seller/\n\nSitemap: "+h.absolute("/sitemap.xml")+"\n")
}

// sitemap serves GET /sitemap.xml: the home page, every category and every
// active product with its last change. A shop with more products than one
// sitemap may hold gets a sitemap index instead, pointing to slices of
// SitemapSize products (/sitemaps/products-1.xml, …), the first of which also
// lists the home page and the categories.
func (h *Handler) sitemap(w http.ResponseWriter, r *http.Request, _ *locale) error {
	ctx := r.Context()
	total, err := h.activeProducts(ctx)
	if err != nil {
		return err
	}
	size := h.cfg.SitemapSize
	if total <= size {
		return h.writeSitemap(w, r, 0, 0, true)
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	bw.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for n := 1; (n-1)*size < total; n++ {
		bw.WriteString("<sitemap><loc>")
		_ = xml.EscapeText(bw, []byte(h.absolute("/sitemaps/products-"+strconv.Itoa(n)+".xml")))
		bw.WriteString("</loc></sitemap>\n")
	}
	bw.WriteString("</sitemapindex>\n")
	if err := bw.Flush(); err != nil {
		h.log.DebugContext(ctx, "sitemap write", "err", err)
	}
	return nil
}

// sitemapSlice serves GET /sitemaps/products-{n}.xml, the n-th slice of the
// products named by the sitemap index.
func (h *Handler) sitemapSlice(w http.ResponseWriter, r *http.Request, _ *locale) error {
	num, ok := strings.CutSuffix(r.PathValue("file"), ".xml")
	num, prefixed := strings.CutPrefix(num, "products-")
	ok = ok && prefixed
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 || n > 100_000 {
		return fmt.Errorf("sitemap %q: %w", r.PathValue("file"), fault.ErrNotFound)
	}
	total, err := h.activeProducts(r.Context())
	if err != nil {
		return err
	}
	size := h.cfg.SitemapSize
	if n > 1 && (n-1)*size >= total {
		return fmt.Errorf("sitemap slice %d of %d products: %w", n, total, fault.ErrNotFound)
	}
	return h.writeSitemap(w, r, (n-1)*size, size, n == 1)
}

// activeProducts is the number of products the sitemap lists.
func (h *Handler) activeProducts(ctx context.Context) (int, error) {
	res, err := h.cat.List(ctx, catalog.ListQuery{PerPage: 1})
	if err != nil {
		return 0, fmt.Errorf("count products for the sitemap: %w", err)
	}
	return res.Total, nil
}

// writeSitemap streams a urlset of limit products after offset (limit 0:
// all), with the home page and categories first when pages is true. It
// streams, so a large catalog costs no memory; an error after the first
// byte aborts the response so that a crawler sees a broken file rather than
// a short one.
func (h *Handler) writeSitemap(w http.ResponseWriter, r *http.Request, offset, limit int, pages bool) error {
	ctx := r.Context()
	tree, err := h.categories(ctx)
	if err != nil {
		return err
	}
	var more []content.SitemapEntry
	if pages {
		if more, err = h.sitemapContent(ctx); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString(xml.Header)
	bw.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	if pages {
		url := func(loc string) {
			bw.WriteString("<url><loc>")
			_ = xml.EscapeText(bw, []byte(loc))
			bw.WriteString("</loc></url>\n")
		}
		url(h.absolute("/"))
		for _, c := range tree.all {
			url(h.absolute(categoryURL(c.Slug)))
		}
		h.writeContentURLs(bw, more)
	}
	base := h.absolute("/products/")
	var buf []byte
	err = h.cat.SitemapProducts(ctx, offset, limit, func(id int64, updated time.Time) error {
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
	return nil
}
