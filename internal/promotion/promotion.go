// Package promotion keeps the shop's promotion settings: membership grades
// (the points earn rate of each customer, evaluated monthly from what they
// spent), the rules for spending points at checkout, and gifts with
// purchase. It gives internal/order the pricing rules it needs through
// PointsRules and Gifts; what those rules do to an order's price is
// internal/pricing's to decide.
//
// Amounts are whole won; times are stored and compared in UTC. See
// docs/decisions/0026-promotions.md.
package promotion

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

// Limits of what staff may enter.
const (
	MaxName         = 100  // characters of a gift rule's name
	MaxGiftQuantity = 99   // units of a variant one rule gives
	MaxValidDays    = 3650 // ten years: longer-lived points are a liability, not a promotion
)

// Grade is a membership grade. Grades are ordered by Position, lowest first;
// the lowest grade is every customer's until another is earned or assigned.
type Grade struct {
	ID   int64
	Code string // stable key: "welcome", "silver", "gold", "vip"
	Name string // shown to customers, Korean
	// Position orders the grades, lowest first.
	Position int
	// EarnPermille is the points earned per 1,000 won paid (10 = 1 %).
	EarnPermille int
	// MinSpend is what a customer must spend, in won, within the evaluation
	// window to reach the grade; 0 for the lowest grade.
	MinSpend int64
	// DiscountPercent is the grade's discount, 0–50 %, on the goods of an
	// order before coupons (internal/pricing applies it).
	DiscountPercent int
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Settings are the shop's rules for spending points.
type Settings struct {
	// PointsMinSpend is the fewest points spent at once; 0 means no minimum.
	PointsMinSpend int64
	// PointsMaxPercent is the share, 1–100 %, of an order's goods after
	// discount that points may pay.
	PointsMaxPercent int
	// PointsValidDays is how many days points earned by an order stay
	// spendable.
	PointsValidDays int
}

// DefaultSettings are the settings in force until staff save their own:
// points are spent from 1,000 up, may pay the whole order and stay valid for
// a year.
func DefaultSettings() Settings {
	return Settings{PointsMinSpend: 1000, PointsMaxPercent: 100, PointsValidDays: 365}
}

// Validate returns *fault.Invalid naming each bad field: points_min_spend
// negative or above pricing.MaxAmount, points_max_percent outside 1–100,
// points_valid_days outside 1–MaxValidDays.
func (st Settings) Validate() error {
	v := &fault.Invalid{}
	switch {
	case st.PointsMinSpend < 0:
		v.Add("points_min_spend", "must not be negative")
	case st.PointsMinSpend > pricing.MaxAmount:
		v.Add("points_min_spend", "is too large")
	}
	if st.PointsMaxPercent < 1 || st.PointsMaxPercent > 100 {
		v.Add("points_max_percent", "must be a percentage from 1 to 100")
	}
	if st.PointsValidDays < 1 || st.PointsValidDays > MaxValidDays {
		v.Add("points_valid_days", fmt.Sprintf("must be from 1 to %d days", MaxValidDays))
	}
	return v.Err()
}

// Gift is a gift-with-purchase rule as stored.
type Gift struct {
	ID   int64
	Name string
	// Threshold is the order subtotal after discount, in won, from which the
	// gift is added.
	Threshold int64
	VariantID int64
	Quantity  int64
	StartsAt  time.Time
	// EndsAt is when the rule stops; zero means never.
	EndsAt    time.Time
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// runs reports whether g is active and within its period at now.
func (g Gift) runs(now time.Time) bool {
	return g.Active && !now.Before(g.StartsAt) && (g.EndsAt.IsZero() || now.Before(g.EndsAt))
}

// NewGift is what staff enter to create a gift rule.
type NewGift struct {
	Name      string
	Threshold int64
	VariantID int64
	// Quantity 0 means 1.
	Quantity int64
	// StartsAt zero means now.
	StartsAt time.Time
	// EndsAt zero means the rule does not end.
	EndsAt time.Time
}

// normalize checks in, with now as the default start, and returns it with
// the name trimmed, defaults filled in and times in UTC to the microsecond.
// Whether the variant exists is checked by the service.
func (in NewGift) normalize(now time.Time) (NewGift, error) {
	v := &fault.Invalid{}
	in.Name = strings.TrimSpace(in.Name)
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		v.Add("name", "is required")
	case n > MaxName:
		v.Add("name", fmt.Sprintf("must be at most %d characters", MaxName))
	}
	switch {
	case in.Threshold < 0:
		v.Add("threshold", "must not be negative")
	case in.Threshold > pricing.MaxAmount:
		v.Add("threshold", "is too large")
	}
	if in.VariantID < 1 {
		v.Add("variant_id", "is required")
	}
	switch {
	case in.Quantity == 0:
		in.Quantity = 1
	case in.Quantity < 0:
		v.Add("quantity", "must be at least 1")
	case in.Quantity > MaxGiftQuantity:
		v.Add("quantity", fmt.Sprintf("must be at most %d", MaxGiftQuantity))
	}
	if in.StartsAt.IsZero() {
		in.StartsAt = now
	}
	// PostgreSQL keeps microseconds: truncate so that what is checked is
	// what is stored.
	in.StartsAt = in.StartsAt.UTC().Truncate(time.Microsecond)
	if !in.EndsAt.IsZero() {
		in.EndsAt = in.EndsAt.UTC().Truncate(time.Microsecond)
		if !in.EndsAt.After(in.StartsAt) {
			v.Add("ends_at", "must be after the start")
		}
	}
	if err := v.Err(); err != nil {
		return NewGift{}, err
	}
	return in, nil
}
