package web

import (
	"net/http"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/media"
)

// homeView is the home page: new and featured products and the category
// tree.
type homeView struct {
	New, Featured []catalog.Product
	Categories    []homeCategory
	Banners       []bannerItem
	// Preparing says the demo catalog is still loading.
	Preparing bool
}

type homeCategory struct {
	link
	Children []link
}

// home serves GET /.
func (h *Handler) home(w http.ResponseWriter, r *http.Request, lc *locale) error {
	ctx := r.Context()
	tree, err := h.categories(ctx)
	if err != nil {
		return err
	}
	// Featured products are those that can be bought; the new products
	// leave out the featured ones, so no product shows twice.
	n := h.cfg.HomeProducts
	featured, err := h.cat.List(ctx, catalog.ListQuery{Featured: true, InStock: true, Sort: catalog.SortNewest, Page: 1, PerPage: n})
	if err != nil {
		return err
	}
	fresh, err := h.cat.List(ctx, catalog.ListQuery{Sort: catalog.SortNewest, Page: 1, PerPage: n + len(featured.Products)})
	if err != nil {
		return err
	}
	fresh.Products = notIn(fresh.Products, featured.Products, n)
	v := &homeView{New: fresh.Products, Featured: featured.Products, Categories: tree.home[lc.lang], Banners: h.banners(ctx),
		Preparing: h.preparing()}

	p := h.newPage(r, lc, tree, "", "/", nil)
	p.Description = h.cfg.Tagline
	if p.Description == "" {
		p.Description = lc.F("home.tagline", p.Shop)
	}
	for _, list := range [][]catalog.Product{v.Featured, v.New} {
		if len(list) > 0 && list[0].Image != nil && p.OGImage == "" {
			p.OGImage = h.absolute(imageURL(list[0].Image, media.Large))
		}
	}
	h.render(w, r, lc, http.StatusOK, homePage(p, v))
	return nil
}

// notIn returns the first n of ps that are not in shown.
func notIn(ps, shown []catalog.Product, n int) []catalog.Product {
	seen := make(map[int64]bool, len(shown))
	for _, p := range shown {
		seen[p.ID] = true
	}
	out := make([]catalog.Product, 0, n)
	for _, p := range ps {
		if !seen[p.ID] && len(out) < n {
			out = append(out, p)
		}
	}
	return out
}
