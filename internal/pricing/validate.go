package pricing

import (
	"cmp"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/fault"
)

// MaxRemoteAreas caps the remote-area ranges a shop may define; the list is
// scanned for every quote.
const MaxRemoteAreas = 200

// ValidPostcode reports whether s is a Korean postcode: exactly five ASCII
// digits (the national basic-area number in use since August 2015).
func ValidPostcode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Validate checks the rules as staff would save them and returns
// *fault.Invalid naming each bad field: negative or absurd fees, a missing
// area name, postcodes that are not five digits, a range whose From is after
// its To, and ranges that overlap (a postcode must map to one surcharge).
func (r ShippingRules) Validate() error {
	var v fault.Invalid
	r.validate(&v, "")
	return v.Err()
}

func (r ShippingRules) validate(v *fault.Invalid, prefix string) {
	checkAmount(v, prefix+"base_fee", r.BaseFee)
	checkAmount(v, prefix+"free_over", r.FreeOver)
	if len(r.Remote) > MaxRemoteAreas {
		v.Add(prefix+"remote", fmt.Sprintf("must have at most %d ranges", MaxRemoteAreas))
		return
	}
	valid := make([]int, 0, len(r.Remote)) // indexes of well-formed ranges, checked for overlaps
	for i, a := range r.Remote {
		f := fmt.Sprintf("%sremote[%d].", prefix, i)
		ok := true
		switch n := utf8.RuneCountInString(a.Name); {
		case n == 0:
			v.Add(f+"name", "must not be empty")
		case n > 50:
			v.Add(f+"name", "must be at most 50 characters")
		}
		if !ValidPostcode(a.From) {
			v.Add(f+"from", "must be a 5-digit postcode")
			ok = false
		}
		if !ValidPostcode(a.To) {
			v.Add(f+"to", "must be a 5-digit postcode")
			ok = false
		}
		if ok && a.From > a.To {
			v.Add(f+"to", "must not be before the start of the range")
			ok = false
		}
		checkAmount(v, f+"surcharge", a.Surcharge)
		if ok {
			valid = append(valid, i)
		}
	}
	// Five-digit strings compare like the numbers they spell, so sorting by
	// From and comparing neighbours finds every overlap.
	slices.SortStableFunc(valid, func(a, b int) int { return cmp.Compare(r.Remote[a].From, r.Remote[b].From) })
	for k := 1; k < len(valid); k++ {
		prev, cur := r.Remote[valid[k-1]], r.Remote[valid[k]]
		if cur.From <= prev.To {
			v.Add(fmt.Sprintf("%sremote[%d].from", prefix, valid[k]),
				fmt.Sprintf("overlaps the range %s–%s (%s)", prev.From, prev.To, prev.Name))
		}
	}
}

// checkAmount requires 0 ≤ n ≤ MaxAmount.
func checkAmount(v *fault.Invalid, field string, n int64) {
	switch {
	case n < 0:
		v.Add(field, "must not be negative")
	case n > MaxAmount:
		v.Add(field, "is too large")
	}
}

// validate checks the input's shape. Whether a coupon or points apply to
// this order is not checked here: that is a Problem, not an error.
func (in *Input) validate() error {
	var v fault.Invalid
	if len(in.Lines) == 0 {
		v.Add("lines", "must have at least one line")
	}
	var subtotal int64
	for i, l := range in.Lines {
		f := fmt.Sprintf("lines[%d].", i)
		lineOK := true
		if l.Quantity < 1 {
			v.Add(f+"quantity", "must be at least 1")
			lineOK = false
		} else if l.Quantity > MaxAmount {
			v.Add(f+"quantity", "is too large")
			lineOK = false
		}
		if l.UnitPrice < 0 {
			v.Add(f+"unit_price", "must not be negative")
			lineOK = false
		} else if l.UnitPrice > MaxAmount {
			v.Add(f+"unit_price", "is too large")
			lineOK = false
		}
		if !lineOK {
			continue
		}
		// Divide rather than multiply so the check itself cannot overflow.
		if l.UnitPrice > 0 && l.Quantity > MaxAmount/l.UnitPrice {
			v.Add(f+"quantity", "makes the line total too large")
			continue
		}
		subtotal += l.UnitPrice * l.Quantity // ≤ 2·MaxAmount before the check below
		if subtotal > MaxAmount {
			v.Add("lines", "make the order total too large")
			subtotal = MaxAmount // keep summing without overflow; the error is recorded
		}
	}
	in.Shipping.validate(&v, "shipping.")
	if in.Postcode != "" && !ValidPostcode(in.Postcode) {
		v.Add("postcode", "must be a 5-digit postcode")
	}
	if c := in.Coupon; c != nil {
		switch c.Kind {
		case CouponFixed:
			if c.Amount < 1 {
				v.Add("coupon.amount", "must be at least 1")
			} else if c.Amount > MaxAmount {
				v.Add("coupon.amount", "is too large")
			}
		case CouponPercent:
			if c.Amount < 1 || c.Amount > 100 {
				v.Add("coupon.amount", "must be a percentage from 1 to 100")
			}
		default:
			v.Add("coupon.kind", `must be "fixed" or "percent"`)
		}
		checkAmount(&v, "coupon.max_discount", c.MaxDiscount)
		checkAmount(&v, "coupon.min_order", c.MinOrder)
	}
	for i, g := range in.Gifts {
		f := fmt.Sprintf("gifts[%d].", i)
		checkAmount(&v, f+"threshold", g.Threshold)
		if g.Gift.Quantity < 0 {
			v.Add(f+"gift.quantity", "must not be negative")
		} else if g.Gift.Quantity > MaxAmount {
			v.Add(f+"gift.quantity", "is too large")
		}
	}
	checkAmount(&v, "points.min_spend", in.Points.MinSpend)
	if p := in.Points.MaxSpendPercent; p < 0 || p > 100 {
		v.Add("points.max_spend_percent", "must be a percentage from 0 to 100")
	}
	if p := in.Points.EarnPermille; p < 0 || p > 1000 {
		v.Add("points.earn_permille", "must be from 0 to 1000")
	}
	if p := in.GradeDiscountPercent; p < 0 || p > MaxGradeDiscountPercent {
		v.Add("grade_discount_percent", fmt.Sprintf("must be a percentage from 0 to %d", MaxGradeDiscountPercent))
	}
	checkAmount(&v, "points_balance", in.PointsBalance)
	checkAmount(&v, "points_to_use", in.PointsToUse)
	return v.Err()
}

func invalid(field, message string) error {
	return &fault.Invalid{Fields: map[string]string{field: message}}
}
