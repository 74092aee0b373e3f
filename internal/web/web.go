// Package web serves the storefront: server-rendered pages written as templ
// components, Korean by default with an English switch, responsive and
// complete without JavaScript. It holds no SQL and no business rules; every
// page is built from the catalog service's answers.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
)

// Catalog is what the storefront needs of the catalog; *catalog.Service
// implements it.
type Catalog interface {
	// Categories returns the top-level categories with their Children.
	Categories(ctx context.Context) ([]*catalog.Category, error)
	// CategoryBySlug returns fault.ErrNotFound for an unknown slug.
	CategoryBySlug(ctx context.Context, slug string) (catalog.Category, error)
	// List filters, sorts and paginates active products; an unknown
	// category slug is a *fault.Invalid naming "category".
	List(ctx context.Context, q catalog.ListQuery) (catalog.ListResult, error)
	// Product returns fault.ErrNotFound for an unknown or hidden product.
	Product(ctx context.Context, id int64) (catalog.ProductDetail, error)
	// SitemapProducts calls fn for active products in id order, skipping
	// offset of them and stopping after limit (0: no limit).
	SitemapProducts(ctx context.Context, offset, limit int, fn func(id int64, updated time.Time) error) error
	// Suggest returns the product names closest to a search that found
	// nothing, closest first; none when nothing is close.
	Suggest(ctx context.Context, query string) ([]string, error)
}

// Config shapes the storefront.
type Config struct {
	// BaseURL is the shop's public address without a trailing slash
	// ("https://shop.example.com"); canonical links, Open Graph images and
	// the sitemap are absolute URLs under it.
	BaseURL string
	// Shop gives the shop's settings at every page: the name in the header
	// and titles, the logo, and the business information, customer centre
	// and legal links of the footer. Nil shows the name "Mallang" and no
	// business information.
	Shop Shop
	// Tagline describes the shop in the home page's meta description; empty
	// uses a translated default.
	Tagline string
	// PerPage is the number of products on a listing page when the request
	// does not ask for another; 0 leaves the catalog's default.
	PerPage int
	// HomeProducts is the number of products in each home page section; 0
	// means 8.
	HomeProducts int
	// CategoryTTL is how long the category tree is cached between reloads;
	// 0 means one minute. Listing pages never query categories otherwise.
	CategoryTTL time.Duration
	// SitemapSize is the most product addresses in one sitemap file; a shop
	// with more gets a sitemap index at /sitemap.xml pointing to
	// /sitemaps/products-N.xml files. 0 means 40,000 (the protocol allows
	// 50,000).
	SitemapSize int
	// Now is the shop's clock (required): the month of the points page, the
	// footer's year and the age of the cached category tree.
	Now func() time.Time
	// Preparing reports whether the demo catalog is still loading: the home
	// page then says that the shop is being prepared, and the category tree
	// is not cached, so the demo's categories show as soon as they exist.
	// Nil means never.
	Preparing func() bool
}

// Handler serves the storefront pages. Create it with New and add its routes
// to a mux with Register. It is safe for concurrent use.
type Handler struct {
	cfg     Config
	cat     Catalog
	log     *slog.Logger
	locales [2]*locale // indexed by lang
	assets  *assets
	css     string // the stylesheet's hashed path
	icon    string // the favicon's hashed path

	tree   atomic.Pointer[categoryTree]
	treeMu sync.Mutex // held while the category tree reloads

	acc      AccountDeps         // set by EnableAccounts
	sessions *scs.SessionManager // nil until EnableAccounts
	content  Content             // nil until EnableContent
	// attendance is nil until EnableAttendance.
	attendance Attendance
	// unsubscribe is nil until EnableUnsubscribe.
	unsubscribe Unsubscriber
	engage      *EngageDeps // nil until EnableEngagement
	// grades is nil until EnableGrades.
	grades Grades
	// ownCoupons is nil until EnableOwnCoupons.
	ownCoupons OwnCoupons
	// reviews is nil until EnableReviews.
	reviews Reviews
}

// New returns the storefront handler. cat is normally *catalog.Service.
func New(cfg Config, cat Catalog, log *slog.Logger) *Handler {
	if cfg.Now == nil {
		panic("web: New without Config.Now")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Shop == nil {
		cfg.Shop = fixedShop{ShopName: "Mallang"}
	}
	if cfg.HomeProducts <= 0 {
		cfg.HomeProducts = 8
	}
	if cfg.CategoryTTL <= 0 {
		cfg.CategoryTTL = time.Minute
	}
	if cfg.SitemapSize <= 0 {
		cfg.SitemapSize = 40_000
	}
	if log == nil {
		panic("web: New without a logger")
	}
	msgs := newMessages()
	as := newAssets()
	return &Handler{
		cfg:     cfg,
		cat:     cat,
		log:     log,
		locales: [2]*locale{newLocale(langKo, msgs), newLocale(langEn, msgs)},
		assets:  as,
		css:     as.url("style.css"),
		icon:    as.url("favicon.svg"),
	}
}

// Register adds the storefront's routes to mux. It registers the catch-all
// "GET /" that renders the 404 page, so other routes on the same mux must
// carry a method too ("GET /healthz", not "/healthz"): net/http rejects a
// method-less pattern that overlaps "GET /" as a conflict.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /{$}", h.serve(h.home))
	mux.Handle("GET /categories/{slug}", h.serve(h.category))
	mux.Handle("GET /products/{id}", h.serve(h.product))
	mux.Handle("GET /search", h.serve(h.search))
	mux.Handle("GET /sitemap.xml", h.serveKo(h.sitemap))
	mux.Handle("GET /sitemaps/{file}", h.serveKo(h.sitemapSlice))
	mux.HandleFunc("GET /robots.txt", h.robots)
	mux.HandleFunc("GET /static/{file}", h.static)
	mux.HandleFunc("GET /favicon.ico", h.favicon)
	h.registerLegal(mux)
	if h.sessions != nil {
		h.registerAccounts(mux)
	}
	if h.content != nil {
		h.registerContent(mux)
	}
	mux.Handle("GET /", h.serve(notFound))
}

// notFound is the page of every address nothing else serves.
func notFound(http.ResponseWriter, *http.Request, *locale) error { return fault.ErrNotFound }

// categoryTree is one load of the category tree with its indexes.
type categoryTree struct {
	roots  []*catalog.Category
	bySlug map[string]*catalog.Category
	parent map[int64]*catalog.Category
	all    []*catalog.Category // depth first, in display order
	nav    [2][]link           // the header's top-level links, by lang; shared, do not modify
	home   [2][]homeCategory   // the home page's category links, by lang; shared, do not modify
	loaded time.Time
	// preparing says the tree was loaded while the demo was loading; such a
	// tree is never served from the cache.
	preparing bool
}

// newCategoryTree indexes roots and names their links in each of locales.
func newCategoryTree(roots []*catalog.Category, now time.Time, locales [2]*locale) *categoryTree {
	t := &categoryTree{
		roots:  roots,
		bySlug: map[string]*catalog.Category{},
		parent: map[int64]*catalog.Category{},
		loaded: now,
	}
	var walk func(parent *catalog.Category, cs []*catalog.Category)
	walk = func(parent *catalog.Category, cs []*catalog.Category) {
		for _, c := range cs {
			t.bySlug[c.Slug] = c
			if parent != nil {
				t.parent[c.ID] = parent
			}
			t.all = append(t.all, c)
			walk(c, c.Children)
		}
	}
	walk(nil, roots)
	for l, lc := range locales {
		t.nav[l] = make([]link, 0, len(roots))
		t.home[l] = make([]homeCategory, 0, len(roots))
		for _, c := range roots {
			top := link{Label: lc.categoryName(c.Name, c.NameEN), URL: categoryURL(c.Slug)}
			t.nav[l] = append(t.nav[l], top)
			hc := homeCategory{link: top}
			for _, s := range c.Children {
				hc.Children = append(hc.Children, link{Label: lc.categoryName(s.Name, s.NameEN), URL: categoryURL(s.Slug)})
			}
			t.home[l] = append(t.home[l], hc)
		}
	}
	return t
}

// path returns c's ancestors from the root down to c itself.
func (t *categoryTree) path(c *catalog.Category) []*catalog.Category {
	var p []*catalog.Category
	for n := c; n != nil && len(p) < 32; n = t.parent[n.ID] {
		p = append(p, n)
	}
	for i, j := 0, len(p)-1; i < j; i, j = i+1, j-1 {
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// categories returns the cached category tree, reloading it once it is
// older than Config.CategoryTTL. While one request reloads, the others keep
// using the stale tree; a failed reload keeps the old tree and is logged.
func (h *Handler) categories(ctx context.Context) (*categoryTree, error) {
	t := h.tree.Load()
	if t != nil && !t.preparing && h.cfg.Now().Sub(t.loaded) < h.cfg.CategoryTTL {
		return t, nil
	}
	if t != nil {
		if !h.treeMu.TryLock() {
			return t, nil
		}
	} else {
		h.treeMu.Lock()
	}
	defer h.treeMu.Unlock()
	if cur := h.tree.Load(); cur != t {
		return cur, nil // someone else reloaded meanwhile
	}
	return h.reloadCategories(ctx, t)
}

// reloadCategories loads the tree now; the caller holds treeMu. stale, when
// not nil, is served if the load fails.
func (h *Handler) reloadCategories(ctx context.Context, stale *categoryTree) (*categoryTree, error) {
	preparing := h.preparing()
	roots, err := h.cat.Categories(ctx)
	if err != nil {
		if stale != nil && !errors.Is(err, context.Canceled) {
			h.log.ErrorContext(ctx, "reload categories", "err", err)
			return stale, nil
		}
		return nil, fmt.Errorf("load categories: %w", err)
	}
	t := newCategoryTree(roots, h.cfg.Now(), h.locales)
	t.preparing = preparing
	h.tree.Store(t)
	return t, nil
}

// preparing reports whether the demo catalog is still loading.
func (h *Handler) preparing() bool { return h.cfg.Preparing != nil && h.cfg.Preparing() }

// refreshCategories reloads the tree at once unless it was loaded in the
// last second; the category page calls it when a slug the catalog knows is
// missing from the cache (a category created since the last load).
func (h *Handler) refreshCategories(ctx context.Context) (*categoryTree, error) {
	h.treeMu.Lock()
	defer h.treeMu.Unlock()
	t := h.tree.Load()
	if t != nil && h.cfg.Now().Sub(t.loaded) < time.Second {
		return t, nil
	}
	return h.reloadCategories(ctx, t)
}
