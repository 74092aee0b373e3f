package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/money"
)

// productView is the product page.
type productView struct {
	P        *catalog.ProductDetail
	Crumbs   []link
	Main     *catalog.Image
	Gallery  []*catalog.Image // the images after the first
	Variants []variantView
	Chooser  bool         // more than one variant: show the choice form
	Selected *variantView // the variant whose price and stock lead the page
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
}

// variantView is one variant in the choice form.
type variantView struct {
	ID            int64
	Label         string // "색상: 블랙 · 사이즈: M"
	SKU           string
	Now, Regular  string
	OnSale        bool
	Discount      int64
	Stock         string // 품절, 재고 있음, 3개 남음
	Buyable, Low  bool
	Checked       bool
	InputID       string
	StockTestAttr string
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
	tree, err := h.categories(ctx)
	if err != nil {
		return err
	}
	d, err := h.cat.Product(ctx, id)
	if err != nil {
		return err
	}
	if d.Status != catalog.Active {
		return fmt.Errorf("product %d is %s: %w", id, d.Status, fault.ErrNotFound)
	}

	d.Name = lc.productName(d.Name, d.NameEN)
	path := productURL(id)
	title := d.Name
	if d.SEOTitle != "" { // staff's own title for search engines
		title = d.SEOTitle
	}
	p := h.newPage(r, lc, tree, title, path, nil)
	p.OGType = "product"
	p.Description = d.Summary
	if d.SEODesc != "" {
		p.Description = d.SEODesc
	}
	if p.Description == "" {
		p.Description = plainText(d.Description, 155)
	}
	v := &productView{P: &d, Ship: lc.T("ship." + string(d.Type)), Listed: lc.F("product.listed", lc.Date(d.CreatedAt)), CanBuy: h.sessions != nil}
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

	want, wantErr := int64(0), error(nil)
	if s := r.URL.Query().Get("variant"); s != "" {
		want, wantErr = strconv.ParseInt(s, 10, 64)
	}
	for _, vr := range d.Variants {
		if !vr.Active {
			continue
		}
		vv := variantView{
			ID:      vr.ID,
			Label:   variantLabel(d.Options, vr),
			SKU:     vr.SKU,
			Now:     vr.Effective().String(),
			Regular: vr.Price.String(),
			OnSale:  vr.Effective().Minor < vr.Price.Minor,
			Buyable: vr.Buyable(),
			InputID: "variant-" + strconv.FormatInt(vr.ID, 10),
		}
		if vv.OnSale && vr.Price.Minor > 0 {
			vv.Discount = (vr.Price.Minor - vr.Effective().Minor) * 100 / vr.Price.Minor
		}
		switch {
		case !vv.Buyable:
			vv.Stock, vv.StockTestAttr = lc.T("stock.soldout"), "soldout"
		case vr.Stock <= lowStock:
			vv.Stock, vv.Low, vv.StockTestAttr = lc.F("stock.low", vr.Stock), true, "low"
		default:
			vv.Stock, vv.StockTestAttr = lc.T("stock.in"), "in"
		}
		if vr.ID == want && want != 0 {
			vv.Checked = true
		}
		v.Variants = append(v.Variants, vv)
	}
	v.Chooser = len(v.Variants) > 1
	sel := -1
	for i := range v.Variants {
		if v.Variants[i].Checked {
			sel = i
		}
	}
	if (want != 0 || wantErr != nil) && sel < 0 {
		p.Notices = append(p.Notices, notice{Field: "variant", Text: lc.T("notice.variant")})
	}
	if sel < 0 && !v.Chooser && len(v.Variants) == 1 {
		sel = 0
	}
	if sel >= 0 {
		v.Variants[sel].Checked = true
		v.Selected = &v.Variants[sel]
		v.Now, v.Regular, v.OnSale, v.Discount = v.Selected.Now, v.Selected.Regular, v.Selected.OnSale, v.Selected.Discount
	} else {
		v.Now, v.Regular, v.OnSale, v.Discount = d.Price.String(), d.ListPrice.String(), d.OnSale(), d.DiscountPercent()
		// Preselect the first variant that can be bought, without claiming
		// its price: the page leads with the product's lowest price.
		for i := range v.Variants {
			if v.Variants[i].Buyable {
				v.Variants[i].Checked = true
				break
			}
		}
	}
	v.LD = templ.JSONScript("product-ld", h.productLD(&d, path, v)).WithType("application/ld+json")
	h.render(w, r, lc, http.StatusOK, productPage(p, v))
	return nil
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
