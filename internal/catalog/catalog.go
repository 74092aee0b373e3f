// Package catalog holds the shop's categories, products, options, variants
// and product images, the listing queries of the storefront and the API
// (filter, sort, paginate) and product search that finds Korean substrings.
package catalog

import (
	"time"

	"github.com/mallang/mallang/internal/money"
)

// ProductType says how a product is delivered.
type ProductType string

// Product types.
const (
	Physical     ProductType = "physical"
	Digital      ProductType = "digital"
	Subscription ProductType = "subscription"
)

// Status says whether a product is shown on the storefront.
type Status string

// Product statuses. Only active products are listed and shown.
const (
	Draft    Status = "draft"
	Active   Status = "active"
	Archived Status = "archived"
)

// Category is a node of the category tree. ParentID is 0 for a top-level
// category.
type Category struct {
	ID       int64
	ParentID int64
	Slug     string
	Name     string // Korean, the shop's main language
	NameEN   string // English; empty means use Name
	Position int
	// Hidden categories, their descendants and their products are not on
	// the storefront; only the back office sees them (AdminCategories).
	Hidden   bool
	Children []*Category
}

// Product is what listings show of a product. Price is what a buyer pays for
// the cheapest active variant (its sale price when it has one); ListPrice is
// that variant's regular price, so ListPrice > Price means the product is on
// sale.
type Product struct {
	ID          int64
	SellerID    int64
	SellerName  string
	CategoryID  int64
	Name        string
	NameEN      string // English; "" means use Name
	Summary     string
	Description string // sanitised HTML; empty in List results, which do not read it
	Type        ProductType
	Status      Status
	Featured    bool
	TaxFree     bool // VAT-exempt (면세); read with the product's detail, false in listings
	// The fields below are read with the product's detail and are zero in
	// listings. SoldOut is set by staff by hand: the product is listed and
	// shown but not sold, whatever its stock; Ships is false for goods that need no delivery
	// (always for digital ones). SEOTitle and SEODesc, when set, replace the
	// name and summary in the page's <title> and meta description.
	SoldOut   bool
	Ships     bool
	SEOTitle  string
	SEODesc   string
	Price     money.Amount
	ListPrice money.Amount
	InStock   bool
	// Reviews is the count of the product's visible reviews and Rating
	// their average in hundredths of a star (450 = 4.5; 0 without
	// reviews), both kept by internal/review.
	Reviews      int64
	Rating       int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Image        *Image // the first image, nil when the product has none
	CategoryPath []Category
}

// OnSale reports whether the product sells below its regular price.
func (p Product) OnSale() bool { return onSale(p.ListPrice, p.Price) }

// DiscountPercent is the whole-number discount shown beside a sale price.
func (p Product) DiscountPercent() int64 { return discountPercent(p.ListPrice, p.Price) }

// onSale is the shop's one rule for a sale, for products and variants
// alike: the price paid is below the regular price.
func onSale(regular, now money.Amount) bool { return regular.Minor > now.Minor }

// discountPercent is the discount of now against regular in whole percent,
// rounded down (a third off shows 33%), or 0 when not on sale.
func discountPercent(regular, now money.Amount) int64 {
	if !onSale(regular, now) || regular.Minor == 0 {
		return 0
	}
	return (regular.Minor - now.Minor) * 100 / regular.Minor
}

// Option is one axis a product varies on (size, colour) with the values its
// variants use, in order.
type Option struct {
	Position int // 1 to 3: the variant's Options index + 1
	Name     string
	Values   []string
}

// Variant is one buyable form of a product, with its own SKU, price and stock.
type Variant struct {
	ID        int64
	ProductID int64
	SKU       string
	Options   [3]string
	Price     money.Amount  // regular price
	SalePrice *money.Amount // nil when not on sale
	Stock     int64
	Active    bool
	Position  int
	// SoldOut is true when the product is sold out by hand (Product.SoldOut):
	// no variant of it is buyable, whatever its stock.
	SoldOut bool
}

// Effective is what a buyer pays for the variant.
func (v Variant) Effective() money.Amount {
	if v.SalePrice != nil {
		return *v.SalePrice
	}
	return v.Price
}

// OnSale reports whether the variant sells below its regular price, by the
// rule products follow.
func (v Variant) OnSale() bool { return onSale(v.Price, v.Effective()) }

// DiscountPercent is the whole-number discount shown beside the variant's
// sale price, by the rule products follow.
func (v Variant) DiscountPercent() int64 { return discountPercent(v.Price, v.Effective()) }

// Buyable reports whether the variant can be put in a cart.
func (v Variant) Buyable() bool { return v.Active && !v.SoldOut && v.Stock > 0 }

// Image is a product image stored in the media bucket under Key. Thumbnails
// exist once ThumbsReady is true.
type Image struct {
	ID          int64
	ProductID   int64
	Position    int
	Key         string
	ContentType string
	Width       int
	Height      int
	Alt         string
	ThumbsReady bool
}

// ProductDetail is everything the product page shows.
type ProductDetail struct {
	Product
	Options  []Option
	Variants []Variant
	Images   []Image
	// Wishes and Questions are how many customers wished the product and
	// how many questions it has; the wishlist and the product questions
	// keep them on the product's row.
	Wishes, Questions int64
}
