package api

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/money"
)

// The types below are the JSON bodies of the API and, through huma, the
// schemas of the OpenAPI document; their doc tags are what clients read.
// Field names are snake_case and never change meaning within /api/v1.

// Money is an amount as the API shows it.
type Money struct {
	Amount    int64  `json:"amount" doc:"The amount in the currency's minor unit, as an integer. KRW has no minor unit, so 12900 is ₩12,900." example:"12900"`
	Currency  string `json:"currency" doc:"ISO 4217 currency code." example:"KRW"`
	Formatted string `json:"formatted" doc:"The amount as the shop shows it." example:"₩12,900"`
}

func newMoney(a money.Amount) Money {
	return Money{Amount: a.Minor, Currency: string(a.Currency), Formatted: a.String()}
}

// Image is a product image with absolute URLs of the original and of each
// thumbnail size.
type Image struct {
	URL             string            `json:"url" format:"uri" doc:"The original image." example:"https://shop.example.com/media/products/1/a.jpg"`
	Width           int               `json:"width" doc:"Width of the original in pixels." example:"1200"`
	Height          int               `json:"height" doc:"Height of the original in pixels." example:"1200"`
	Alt             string            `json:"alt" doc:"Text alternative for the image."`
	Thumbnails      map[string]string `json:"thumbnails" doc:"Thumbnail URLs by size: sm (longest side 200 px), md (480 px), lg (960 px). Until thumbnails_ready is true every size points at the original."`
	ThumbnailsReady bool              `json:"thumbnails_ready" doc:"Whether the thumbnails have been made."`
}

func (a *API) newImage(im catalog.Image) Image {
	orig := a.mediaURL(im.Key)
	out := Image{
		URL:             orig,
		Width:           im.Width,
		Height:          im.Height,
		Alt:             im.Alt,
		Thumbnails:      make(map[string]string, len(media.Sizes)),
		ThumbnailsReady: im.ThumbsReady,
	}
	for _, s := range media.Sizes {
		if im.ThumbsReady {
			out.Thumbnails[string(s)] = a.mediaURL(media.ThumbKey(im.Key, s))
		} else {
			out.Thumbnails[string(s)] = orig
		}
	}
	return out
}

// mediaURL is the absolute URL of the media object stored under key, each
// path segment escaped.
func (a *API) mediaURL(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return a.absURL(media.URLPrefix + strings.Join(segs, "/"))
}

// CategoryRef names a category on a product's path from the root.
type CategoryRef struct {
	ID   int64  `json:"id" example:"3"`
	Slug string `json:"slug" example:"snacks"`
	Name string `json:"name" example:"과자·간식"`
}

// Product is a product as listings show it.
type Product struct {
	ID              int64     `json:"id" example:"1"`
	URL             string    `json:"url" format:"uri" doc:"This product's detail in the API." example:"https://shop.example.com/api/v1/products/1"`
	Name            string    `json:"name" example:"다크초콜릿세트"`
	NameEN          string    `json:"name_en" doc:"The English name; the Korean one when there is none." example:"Dark chocolate set"`
	Summary         string    `json:"summary" doc:"One line about the product, plain text."`
	Type            string    `json:"type" enum:"physical,digital,subscription" doc:"How the product is delivered."`
	CategoryID      int64     `json:"category_id" example:"3"`
	SellerID        int64     `json:"seller_id" example:"1"`
	SellerName      string    `json:"seller_name" example:"말랑"`
	Featured        bool      `json:"featured" doc:"Whether the shop features the product on its home page."`
	Price           Money     `json:"price" doc:"What a buyer pays for the cheapest active variant, its sale price when it has one."`
	ListPrice       Money     `json:"list_price" doc:"That variant's regular price; above price when the product is on sale."`
	OnSale          bool      `json:"on_sale"`
	DiscountPercent int64     `json:"discount_percent" doc:"Whole-number discount of price against list_price; 0 when not on sale." example:"20"`
	InStock         bool      `json:"in_stock" doc:"Whether at least one active variant has stock."`
	ReviewCount     int64     `json:"review_count" doc:"Number of the product's visible reviews."`
	Rating          int64     `json:"rating" doc:"Average rating of those reviews in hundredths of a star (450 is 4.5 stars); 0 without reviews." example:"450"`
	Image           *Image    `json:"image" doc:"The first image, null when the product has none."`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func (a *API) newProduct(p catalog.Product) Product {
	out := Product{
		ID:              p.ID,
		URL:             a.absURL(Prefix + "/products/" + strconv.FormatInt(p.ID, 10)),
		Name:            p.Name,
		NameEN:          p.NameEN,
		Summary:         p.Summary,
		Type:            string(p.Type),
		CategoryID:      p.CategoryID,
		SellerID:        p.SellerID,
		SellerName:      p.SellerName,
		Featured:        p.Featured,
		Price:           newMoney(p.Price),
		ListPrice:       newMoney(p.ListPrice),
		OnSale:          p.OnSale(),
		DiscountPercent: p.DiscountPercent(),
		InStock:         p.InStock,
		ReviewCount:     p.Reviews,
		Rating:          p.Rating,
		CreatedAt:       p.CreatedAt.UTC(),
		UpdatedAt:       p.UpdatedAt.UTC(),
	}
	if out.NameEN == "" {
		out.NameEN = p.Name
	}
	if p.Image != nil {
		im := a.newImage(*p.Image)
		out.Image = &im
	}
	return out
}

// ProductDetail is everything the API tells about one product.
type ProductDetail struct {
	Product
	Description  string        `json:"description" doc:"The description as sanitised HTML."`
	CategoryPath []CategoryRef `json:"category_path" nullable:"false" doc:"The product's category and its ancestors, root first."`
	Options      []Option      `json:"options" nullable:"false" doc:"The axes the variants differ on, in order; empty for a product with a single variant."`
	Variants     []Variant     `json:"variants" nullable:"false"`
	Images       []Image       `json:"images" nullable:"false" doc:"Every image in display order; the first is the product's image."`
}

// Option is one axis a product varies on, with the values its variants use.
type Option struct {
	Name   string   `json:"name" example:"사이즈"`
	Values []string `json:"values" nullable:"false" example:"[\"S\",\"M\",\"L\"]"`
}

// Variant is one buyable form of a product.
type Variant struct {
	ID        int64             `json:"id" example:"11"`
	SKU       string            `json:"sku" example:"CHOCO-DARK-M"`
	Options   map[string]string `json:"options" doc:"The variant's value for each option, by option name." example:"{\"사이즈\":\"M\"}"`
	Price     Money             `json:"price" doc:"The regular price."`
	SalePrice *Money            `json:"sale_price,omitempty" doc:"The sale price; absent when the variant is not on sale."`
	Stock     int64             `json:"stock" doc:"Units in stock."`
	Active    bool              `json:"active" doc:"Whether the variant is sold at all."`
	Buyable   bool              `json:"buyable" doc:"Whether the variant is active and in stock, so it can be put in a cart."`
}

func (a *API) newProductDetail(d catalog.ProductDetail) ProductDetail {
	out := ProductDetail{
		Product:      a.newProduct(d.Product),
		Description:  d.Description,
		CategoryPath: make([]CategoryRef, 0, len(d.CategoryPath)),
		Options:      make([]Option, 0, len(d.Options)),
		Variants:     make([]Variant, 0, len(d.Variants)),
		Images:       make([]Image, 0, len(d.Images)),
	}
	for _, c := range d.CategoryPath {
		out.CategoryPath = append(out.CategoryPath, CategoryRef{ID: c.ID, Slug: c.Slug, Name: c.Name})
	}
	for _, o := range d.Options {
		out.Options = append(out.Options, Option{Name: o.Name, Values: optionValues(o, d.Variants)})
	}
	for _, v := range d.Variants {
		out.Variants = append(out.Variants, newVariant(v, d.Options))
	}
	for _, im := range d.Images {
		out.Images = append(out.Images, a.newImage(im))
	}
	return out
}

// optionValues is o.Values or, when the catalog left them out, the values
// the variants use on o in the order they first appear, so that a client
// can offer every choice without reading all variants.
func optionValues(o catalog.Option, vs []catalog.Variant) []string {
	if len(o.Values) > 0 {
		return o.Values
	}
	vals := []string{}
	i := o.Position - 1
	if i < 0 || i >= len(catalog.Variant{}.Options) {
		return vals
	}
	for _, v := range vs {
		if val := v.Options[i]; val != "" && !slices.Contains(vals, val) {
			vals = append(vals, val)
		}
	}
	return vals
}

func newVariant(v catalog.Variant, opts []catalog.Option) Variant {
	out := Variant{
		ID:      v.ID,
		SKU:     v.SKU,
		Options: make(map[string]string, len(opts)),
		Price:   newMoney(v.Price),
		Stock:   v.Stock,
		Active:  v.Active,
		Buyable: v.Buyable(),
	}
	for _, o := range opts {
		if i := o.Position - 1; i >= 0 && i < len(v.Options) && v.Options[i] != "" {
			out.Options[o.Name] = v.Options[i]
		}
	}
	if v.OnSale() {
		m := newMoney(v.Effective())
		out.SalePrice = &m
	}
	return out
}

// Category is a node of the category tree.
type Category struct {
	ID          int64      `json:"id" example:"3"`
	Slug        string     `json:"slug" doc:"The category's key in URLs and in the category filter of the product listing." example:"snacks"`
	Name        string     `json:"name" doc:"The Korean name." example:"과자·간식"`
	NameEN      string     `json:"name_en" doc:"The English name; the Korean one when there is none." example:"Snacks"`
	ProductsURL string     `json:"products_url" format:"uri" doc:"The API listing of this category's products, its subcategories included."`
	Children    []Category `json:"children" nullable:"false" doc:"Subcategories, in display order."`
}

func (a *API) newCategory(c *catalog.Category) Category {
	out := Category{
		ID:          c.ID,
		Slug:        c.Slug,
		Name:        c.Name,
		NameEN:      c.NameEN,
		ProductsURL: a.absURL(Prefix + "/products?category=" + url.QueryEscape(c.Slug)),
		Children:    make([]Category, 0, len(c.Children)),
	}
	if out.NameEN == "" {
		out.NameEN = c.Name
	}
	for _, ch := range c.Children {
		out.Children = append(out.Children, a.newCategory(ch))
	}
	return out
}
