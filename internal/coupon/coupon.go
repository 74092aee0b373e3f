// Package coupon manages discount coupons: staff create them with a code, a
// validity period and usage limits; customers enter the code at checkout;
// placing an order redeems the coupon in the order's transaction and
// cancelling it releases the use.
//
// What a coupon takes off, and whether an order's contents qualify (minimum
// order, categories, products), is internal/pricing's to decide; this package
// answers whether the coupon may be used by this customer now, and keeps the
// total and per-customer limits under concurrency.
package coupon

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

// Coupon kinds, as internal/pricing knows them.
const (
	KindFixed   = pricing.CouponFixed   // Amount won off
	KindPercent = pricing.CouponPercent // Amount percent off, capped by MaxDiscount
)

// Limits of what staff may enter.
const (
	MaxName    = 100
	MaxTargets = 200
)

// Coupon is a coupon as stored. Amounts are in won, except Amount of a
// percent coupon, which is a percentage (1–100).
type Coupon struct {
	ID   int64
	Code string // upper-case
	Name string
	Kind string // KindFixed or KindPercent
	// Amount is won off for a fixed coupon and percent off for a percent one.
	Amount int64
	// MaxDiscount caps a percent coupon's discount; 0 means no cap.
	MaxDiscount int64
	// MinOrder is the smallest eligible subtotal the coupon applies to.
	MinOrder int64
	StartsAt time.Time
	// EndsAt is when the coupon stops being usable; zero means never.
	EndsAt time.Time
	// TotalLimit is how many orders may use the coupon; 0 means no limit.
	TotalLimit int64
	// PerCustomerLimit is how many orders of one customer may use it.
	PerCustomerLimit int64
	// UsedCount is how many orders use it now (released uses excluded).
	UsedCount int64
	Active    bool
	// CategoryIDs and ProductIDs restrict the coupon to lines in these
	// categories (and their subcategories) or of these products; both empty
	// means the whole order.
	CategoryIDs []int64
	ProductIDs  []int64
	// UserID is the one customer who may use the coupon (a birthday
	// coupon, see Issue); 0 is anyone with the code.
	UserID    int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NewCoupon is what staff enter to create a coupon.
type NewCoupon struct {
	// Code is what customers type; it is stored upper-case and matched
	// whatever the case.
	Code        string
	Name        string
	Kind        string
	Amount      int64
	MaxDiscount int64
	MinOrder    int64
	// StartsAt zero means now.
	StartsAt time.Time
	// EndsAt zero means the coupon does not expire.
	EndsAt time.Time
	// TotalLimit 0 means no limit.
	TotalLimit int64
	// PerCustomerLimit 0 means the default, 1.
	PerCustomerLimit int64
	CategoryIDs      []int64
	ProductIDs       []int64
}

var codeRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{2,31}$`)

// NormalizeCode is code as stored: trimmed and upper-case.
func NormalizeCode(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}

// normalize checks in, with now as the default start, and returns it with
// the code upper-cased, ids sorted without duplicates and defaults filled in.
// Messages are keyed by the form's field names.
func (in NewCoupon) normalize(now time.Time) (NewCoupon, error) {
	v := &fault.Invalid{}
	in.Code = NormalizeCode(in.Code)
	if !codeRE.MatchString(in.Code) {
		v.Add("code", "must be 3 to 32 letters, digits, hyphens or underscores, starting with a letter or digit")
	}
	in.Name = strings.TrimSpace(in.Name)
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		v.Add("name", "is required")
	case n > MaxName:
		v.Add("name", fmt.Sprintf("must be at most %d characters", MaxName))
	}
	switch in.Kind {
	case KindFixed:
		if in.Amount < 1 {
			v.Add("amount", "must be at least 1 won")
		} else if in.Amount > pricing.MaxAmount {
			v.Add("amount", "is too large")
		}
		if in.MaxDiscount != 0 {
			v.Add("max_discount", "applies to percent coupons only")
		}
	case KindPercent:
		if in.Amount < 1 || in.Amount > 100 {
			v.Add("amount", "must be a percentage from 1 to 100")
		}
		if in.MaxDiscount < 0 {
			v.Add("max_discount", "must not be negative")
		} else if in.MaxDiscount > pricing.MaxAmount {
			v.Add("max_discount", "is too large")
		}
	default:
		v.Add("kind", "must be fixed or percent")
	}
	if in.MinOrder < 0 {
		v.Add("min_order", "must not be negative")
	} else if in.MinOrder > pricing.MaxAmount {
		v.Add("min_order", "is too large")
	}
	if in.StartsAt.IsZero() {
		in.StartsAt = now
	}
	in.StartsAt = in.StartsAt.UTC()
	if !in.EndsAt.IsZero() {
		in.EndsAt = in.EndsAt.UTC()
		if !in.EndsAt.After(in.StartsAt) {
			v.Add("ends_at", "must be after the start")
		}
	}
	if in.TotalLimit < 0 {
		v.Add("total_limit", "must not be negative")
	}
	switch {
	case in.PerCustomerLimit < 0:
		v.Add("per_customer_limit", "must not be negative")
	case in.PerCustomerLimit == 0:
		in.PerCustomerLimit = 1
	}
	in.CategoryIDs = uniqueIDs(in.CategoryIDs)
	in.ProductIDs = uniqueIDs(in.ProductIDs)
	if len(in.CategoryIDs)+len(in.ProductIDs) > MaxTargets {
		v.Add("targets", fmt.Sprintf("must be at most %d categories and products", MaxTargets))
	}
	if slices.ContainsFunc(in.CategoryIDs, func(id int64) bool { return id < 1 }) {
		v.Add("category_ids", "contains a category that does not exist")
	}
	if slices.ContainsFunc(in.ProductIDs, func(id int64) bool { return id < 1 }) {
		v.Add("product_ids", "contains a product that does not exist")
	}
	if err := v.Err(); err != nil {
		return NewCoupon{}, err
	}
	return in, nil
}

func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// The reasons, under the key "coupon", that a coupon cannot be used. Each
// tells the customer what happened in words they can act on.
const (
	reasonUnknown    = "is not a valid coupon code"
	reasonInactive   = "is no longer offered"
	reasonNotStarted = "cannot be used yet"
	reasonExpired    = "has expired"
	reasonUsedUp     = "has been used up"
	reasonUsedByYou  = "has already been used on your account"
)

// refusalTo is the reason customer userID cannot use c at now, ignoring
// the per-customer limit; "" when they can. Another customer's own coupon
// is unknown to them.
func (c Coupon) refusalTo(userID int64, now time.Time) string {
	switch {
	case c.UserID != 0 && c.UserID != userID:
		return reasonUnknown
	case !c.Active:
		return reasonInactive
	case now.Before(c.StartsAt):
		return reasonNotStarted
	case !c.EndsAt.IsZero() && !now.Before(c.EndsAt):
		return reasonExpired
	case c.TotalLimit > 0 && c.UsedCount >= c.TotalLimit:
		return reasonUsedUp
	}
	return ""
}

func refused(reason string) error {
	return &fault.Invalid{Fields: map[string]string{"coupon": reason}}
}

// pricing is the coupon as internal/pricing takes it.
func (c Coupon) pricing() pricing.Coupon {
	return pricing.Coupon{
		ID: c.ID, Code: c.Code, Kind: c.Kind, Amount: c.Amount, MaxDiscount: c.MaxDiscount,
		MinOrder: c.MinOrder, CategoryIDs: c.CategoryIDs, ProductIDs: c.ProductIDs,
	}
}
