package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/review"
)

// productView is the product page.
type productView struct {
	P        *catalog.ProductDetail
	Crumbs   []link
	Main     *catalog.Image
	Gallery  []*catalog.Image // the images after the first
	Variants []variantView    // the active variants
	Chooser  bool             // more than one variant: show the choice form
	// Options shows the chooser as one select per option dimension
	// (Selects), with OptionData for static/options.js; without it the
	// chooser is one select of the variants.
	Options    bool
	Selects    []optionSelect
	OptionData templ.Component
	Selected   *variantView // the variant whose price and stock lead the page
	Buyable    bool         // some variant can be bought
	// Price shows the selected variant, or the product's cheapest price.
	Now, Regular string
	OnSale       bool
	Discount     int64
	Ship         string
	Listed       string
	LD           templ.Component
	// CanBuy shows the add-to-cart form: the shop has accounts, and with
	// them carts.
	CanBuy bool
	Engage *engageView // wishes, questions, recently viewed (engage.go)
	// Reviews is the reviews section; nil without the review service.
	Reviews *reviewSection
}

// variantView is one active variant of the product.
type variantView struct {
	ID           int64
	Label        string // "색상: 블랙 · 사이즈: M"
	SKU          string
	Now, Regular string
	OnSale       bool
	Discount     int64
	Stock        string // 품절, 재고 있음, 3개 남음
	Buyable, Low bool
	Checked      bool
}

// lowStock is the stock at or below which the page says how many are left.
const lowStock = 5

// product serves GET /products/{id}.
func (h *Handler) product(w http.ResponseWriter, r *http.Request, lc *locale) error {
	ctx := r.Context()
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("product id %q: %w", raw, fault.ErrNotFound)
	}
	if s := strconv.FormatInt(id, 10); s != raw { // "007", "+7"
		u := productURL(id)
		if r.URL.RawQuery != "" {
			u += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, u, http.StatusMovedPermanently)
		return nil
	}
	d, err := h.activeProduct(ctx, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	c := choiceFrom(q, d.Options)
	var notices []notice
	var variant int64
	if s := q.Get("variant"); s != "" { // a variant's own address, as in the structured data
		want, err := strconv.ParseInt(s, 10, 64)
		i := slices.IndexFunc(d.Variants, func(v catalog.Variant) bool { return v.Active && v.ID == want })
		if err != nil || i < 0 {
			notices = append(notices, notice{Field: "variant", Text: lc.T("notice.variant")})
		} else {
			c, variant = d.Variants[i].Options, want
		}
	}
	return h.showProduct(w, r, lc, &d, c, variant, notices, http.StatusOK)
}

// activeProduct returns the product a buyer may see; drafts and archived
// products are fault.ErrNotFound.
func (h *Handler) activeProduct(ctx context.Context, id int64) (catalog.ProductDetail, error) {
	d, err := h.cat.Product(ctx, id)
	if err != nil {
		return d, err
	}
	if d.Status != catalog.Active {
		return d, fmt.Errorf("product %d is %s: %w", id, d.Status, fault.ErrNotFound)
	}
	return d, nil
}

// showProduct renders the product page of d with the options c chosen
// (partly or not at all) or the variant of that id (of a product whose
// variants have no option values), the notices and status; a complete
// choice leads the page with its variant's price and stock, or says why it
// cannot be bought.
func (h *Handler) showProduct(w http.ResponseWriter, r *http.Request, lc *locale, d *catalog.ProductDetail, c optionChoice, variant int64, notices []notice, status int) error {
	tree, err := h.categories(r.Context())
	if err != nil {
		return err
	}
	id := d.ID
	d.Name = lc.productName(d.Name, d.NameEN)
	path := productURL(id)
	title := d.Name
	if d.SEOTitle != "" { // staff's own title for search engines
		title = d.SEOTitle
	}
	p := h.newPage(r, lc, tree, title, path, nil)
	p.Notices = append(p.Notices, notices...)
	p.OGType = "product"
	p.Description = d.Summary
	if d.SEODesc != "" {
		p.Description = d.SEODesc
	}
	if p.Description == "" {
		p.Description = plainText(d.Description, 155)
	}
	v := &productView{P: d, Ship: lc.T("ship." + string(d.Type)), Listed: lc.F("product.listed", lc.Date(d.CreatedAt)), CanBuy: h.sessions != nil}
	if strings.HasPrefix(v.Ship, "ship.") { // an unknown type
		v.Ship = lc.T("ship.physical")
	}
	for _, c := range d.CategoryPath {
		v.Crumbs = append(v.Crumbs, link{Label: lc.categoryName(c.Name, c.NameEN), URL: categoryURL(c.Slug)})
	}
	if len(d.Images) > 0 {
		v.Main = &d.Images[0]
		for i := range d.Images[1:] {
			v.Gallery = append(v.Gallery, &d.Images[i+1])
		}
		p.OGImage = h.absolute(imageURL(v.Main, media.Large))
	} else if d.Image != nil {
		v.Main = d.Image
		p.OGImage = h.absolute(imageURL(v.Main, media.Large))
	}

	active := activeVariants(d.Variants)
	opts := withValues(d.Options, active)
	for _, vr := range active {
		v.Variants = append(v.Variants, newVariantView(lc, opts, vr))
	}
	v.Chooser = len(v.Variants) > 1
	v.Options = v.Chooser && hasOptions(opts, active)
	sel := -1
	switch {
	case len(v.Variants) == 1:
		sel = 0
	case v.Options && c.complete(opts):
		msg, vr := optionProblem(lc, opts, active, c)
		if msg != "" {
			p.Notices = append(p.Notices, notice{Field: "option", Text: msg})
		} else if vr != nil {
			sel = slices.IndexFunc(v.Variants, func(vv variantView) bool { return vv.ID == vr.ID })
		}
	case !v.Options && variant != 0:
		sel = slices.IndexFunc(v.Variants, func(vv variantView) bool { return vv.ID == variant })
	}
	lead := optionEntry{Now: lc.Money(d.Price), Regular: lc.Money(d.ListPrice), OnSale: d.OnSale()}
	if lead.OnSale {
		lead.Discount = lc.discount(d.DiscountPercent())
	}
	if sel >= 0 {
		v.Variants[sel].Checked = true
		v.Selected = &v.Variants[sel]
		v.Now, v.Regular, v.OnSale, v.Discount = v.Selected.Now, v.Selected.Regular, v.Selected.OnSale, v.Selected.Discount
	} else {
		v.Now, v.Regular, v.OnSale, v.Discount = lc.Money(d.Price), lc.Money(d.ListPrice), d.OnSale(), d.DiscountPercent()
	}
	if v.Options {
		v.Selects = optionSelects(lc, opts, active, c)
		v.OptionData = templ.JSONScript("product-options", newOptionData(lc, opts, active, v.Variants, lead))
		p.Scripts = append(p.Scripts, h.assets.url("options.js"))
	}
	v.Buyable = slices.ContainsFunc(v.Variants, func(vv variantView) bool { return vv.Buyable })
	if v.Reviews, err = h.productReviews(r, lc, id, review.Summary{Count: d.Reviews, Average: d.Rating}); err != nil {
		return err
	}
	v.LD = templ.JSONScript("product-ld", h.productLD(d, path, v)).WithType("application/ld+json")
	v.Engage = h.engageSection(w, r, lc, d)
	h.render(w, r, lc, status, productPage(p, v))
	return nil
}

// newVariantView describes the active variant vr for the page.
func newVariantView(lc *locale, opts []catalog.Option, vr catalog.Variant) variantView {
	vv := variantView{
		ID:       vr.ID,
		Label:    variantLabel(opts, vr),
		SKU:      vr.SKU,
		Now:      lc.Money(vr.Effective()),
		Regular:  lc.Money(vr.Price),
		OnSale:   vr.OnSale(),
		Discount: vr.DiscountPercent(),
		Buyable:  vr.Buyable(),
	}
	switch {
	case !vv.Buyable:
		vv.Stock = lc.T("stock.soldout")
	case vr.Stock <= lowStock:
		vv.Stock, vv.Low = lc.F("stock.low", vr.Stock), true
	default:
		vv.Stock = lc.T("stock.in")
	}
	return vv
}

// variantLabel names a variant by its option values: "색상: 블랙 · 사이즈: M",
// or its SKU when the product has no options.
func variantLabel(opts []catalog.Option, v catalog.Variant) string {
	var b strings.Builder
	for _, o := range opts {
		if o.Position < 1 || o.Position > len(v.Options) || v.Options[o.Position-1] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" · ")
		}
		b.WriteString(o.Name)
		b.WriteString(": ")
		b.WriteString(v.Options[o.Position-1])
	}
	if b.Len() == 0 {
		for _, s := range v.Options {
			if s != "" {
				if b.Len() > 0 {
					b.WriteString(" / ")
				}
				b.WriteString(s)
			}
		}
	}
	if b.Len() == 0 {
		return v.SKU
	}
	return b.String()
}

// ldProduct is schema.org Product structured data.
type ldProduct struct {
	Context     string    `json:"@context"`
	Type        string    `json:"@type"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Image       []string  `json:"image,omitempty"`
	SKU         string    `json:"sku,omitempty"`
	URL         string    `json:"url"`
	Category    string    `json:"category,omitempty"`
	Brand       *ldThing  `json:"brand,omitempty"`
	Offers      []ldOffer `json:"offers,omitempty"`
}

type ldThing struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type ldOffer struct {
	Type          string   `json:"@type"`
	SKU           string   `json:"sku,omitempty"`
	Name          string   `json:"name,omitempty"`
	Price         string   `json:"price"`
	PriceCurrency string   `json:"priceCurrency"`
	Availability  string   `json:"availability"`
	URL           string   `json:"url"`
	Seller        *ldThing `json:"seller,omitempty"`
}

func (h *Handler) productLD(d *catalog.ProductDetail, path string, v *productView) ldProduct {
	ld := ldProduct{
		Context:     "https://schema.org",
		Type:        "Product",
		Name:        d.Name,
		Description: plainText(d.Description, 5000),
		URL:         h.absolute(path),
	}
	if ld.Description == "" {
		ld.Description = d.Summary
	}
	for i := range d.Images {
		ld.Image = append(ld.Image, h.absolute(imageURL(&d.Images[i], media.Large)))
	}
	if len(ld.Image) == 0 && v.Main != nil {
		ld.Image = []string{h.absolute(imageURL(v.Main, media.Large))}
	}
	if n := len(d.CategoryPath); n > 0 {
		ld.Category = d.CategoryPath[n-1].Name
	}
	var seller *ldThing
	if d.SellerName != "" {
		seller = &ldThing{Type: "Organization", Name: d.SellerName}
		ld.Brand = &ldThing{Type: "Brand", Name: d.SellerName}
	}
	for _, vr := range d.Variants {
		if !vr.Active {
			continue
		}
		avail := "https://schema.org/OutOfStock"
		if vr.Buyable() {
			avail = "https://schema.org/InStock"
		}
		ld.Offers = append(ld.Offers, ldOffer{
			Type:          "Offer",
			SKU:           vr.SKU,
			Name:          variantLabel(d.Options, vr),
			Price:         decimal(vr.Effective()),
			PriceCurrency: string(vr.Effective().Currency),
			Availability:  avail,
			URL:           ld.URL + "?variant=" + strconv.FormatInt(vr.ID, 10),
			Seller:        seller,
		})
	}
	if len(ld.Offers) == 1 {
		ld.SKU = ld.Offers[0].SKU
		ld.Offers[0].URL = ld.URL
	}
	return ld
}

// decimal writes a as a plain decimal number (12900, 12.50), as schema.org
// prices are written.
func decimal(a money.Amount) string {
	return strings.ReplaceAll(a.Number(), ",", "")
}
