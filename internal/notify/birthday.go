package notify

import (
	"time"

	"github.com/mallang/mallang/internal/fault"
)

// BirthdayCoupon tells a customer who agreed to marketing mail of the
// coupon the shop gave for their birthday; it is advertising (광고) and
// carries the link that withdraws the consent. Its data is a
// BirthdayCouponData.
const BirthdayCoupon Template = "birthday-coupon"

// BirthdayCouponData fills BirthdayCoupon.
type BirthdayCouponData struct {
	Name    string // may be empty
	Code    string // the coupon's code, the customer's own
	Percent bool   // Amount is a percentage, capped by MaxDiscount (0: no cap)
	Amount  int64
	// MaxDiscount caps a percent coupon, in won; 0 is no cap.
	MaxDiscount int64
	MinOrder    int64     // the smallest order it applies to, in won; 0 none
	Until       time.Time // the last day it can be used
	URL         string    // the storefront
	Unsubscribe string    // the link that ends marketing mail without signing in
}

// UnsubscribeLink makes the mail marketing mail with its one-click
// unsubscribe headers.
func (d BirthdayCouponData) UnsubscribeLink() string { return d.Unsubscribe }

// Validate returns a *fault.Invalid unless the code, amount and last day
// are set and both links absolute.
func (d BirthdayCouponData) Validate() error {
	var inv fault.Invalid
	if d.Code == "" {
		inv.Add("code", "is required")
	}
	if d.Amount < 1 {
		inv.Add("amount", "must be positive")
	}
	if d.Until.IsZero() {
		inv.Add("until", "is required")
	}
	checkURL(&inv, d.URL)
	var un fault.Invalid
	checkURL(&un, d.Unsubscribe)
	if un.Err() != nil {
		inv.Add("unsubscribe", "must be an absolute http or https link")
	}
	return inv.Err()
}
