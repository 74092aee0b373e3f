package pricing

import (
	"math/bits"
	"slices"
)

// Quote computes the breakdown. It returns *fault.Invalid for malformed
// input (no lines, quantity < 1, negative prices, amounts over MaxAmount, a
// bad coupon, gift, points or shipping-rule definition, a postcode that is
// not five digits); a coupon that does not apply (minimum order not met, no
// eligible lines) or points that break the rules (over balance, under
// MinSpend, over MaxSpendPercent) are NOT errors: they are left out, or
// clamped, and reported in Problems with a clear message each, so the
// checkout page can show them. Order placement should refuse a quote with
// Problems, so the buyer never pays an amount other than the one shown.
//
// The steps, in order: subtotal; the grade discount, GradeDiscountPercent
// of the subtotal rounded down, shared out per line; coupon discount on the
// eligible lines' amounts after their grade share, shared out per line;
// gifts, by the subtotal after discount; shipping per
// shipment (per seller or one per order) on that shipment's subtotal after
// discount; remote surcharge per shipment; points, clamped to the balance and
// to MaxSpendPercent of (subtotal − discount), dropped under MinSpend; total;
// points to earn on the total, rounded down. Gift lines cost nothing, take no
// discount and never add a shipment; each names its rule. Lines marked
// NoShipping (digital goods) belong to no shipment either.
func Quote(in Input) (Breakdown, error) {
	if err := in.validate(); err != nil {
		return Breakdown{}, err
	}
	var b Breakdown
	b.Lines = make([]PricedLine, 0, len(in.Lines)+len(in.Gifts))
	for _, l := range in.Lines {
		t := l.UnitPrice * l.Quantity // bounded by validate
		b.Lines = append(b.Lines, PricedLine{Line: l, LineTotal: t})
		b.Subtotal += t
	}
	if pct := int64(in.GradeDiscountPercent); pct > 0 && b.Subtotal > 0 {
		b.GradeDiscount = b.Subtotal * pct / 100 // ≤ 5·10^13; rounds down to whole won
		all := make([]int, len(b.Lines))
		for i := range all {
			all[i] = i
		}
		spread(b.GradeDiscount, b.Subtotal, all, b.Lines)
		for i := range b.Lines {
			b.Lines[i].GradeDiscount = b.Lines[i].Discount
		}
	}
	if in.Coupon != nil {
		if p, ok := applyCoupon(*in.Coupon, b.Lines); ok {
			b.CouponID = in.Coupon.ID
			for _, l := range b.Lines {
				b.Discount += l.Discount - l.GradeDiscount
			}
		} else {
			b.Problems = append(b.Problems, p)
		}
	}
	afterDiscount := b.Subtotal - b.GradeDiscount - b.Discount
	paid := len(b.Lines) // lines before paid are bought; gifts follow
	for _, g := range in.Gifts {
		if afterDiscount < g.Threshold {
			continue
		}
		l := g.Gift
		l.UnitPrice = 0
		if l.Quantity == 0 {
			l.Quantity = 1
		}
		b.Lines = append(b.Lines, PricedLine{Line: l, Gift: true, GiftRule: g.ID})
	}
	b.Shipments = shipments(in.Shipping, in.Postcode, b.Lines[:paid])
	for _, s := range b.Shipments {
		b.Shipping += s.Fee
		b.RemoteSurcharge += s.RemoteSurcharge
		// Many sellers with absurd fees could pass MaxAmount only here;
		// checking each step keeps every sum, and the total, in range.
		if b.Shipping > MaxAmount || b.RemoteSurcharge > MaxAmount {
			return Breakdown{}, invalid("shipping", "makes the order total too large")
		}
	}
	used, problems := pointsToUse(in, afterDiscount)
	b.PointsUsed = used
	b.Problems = append(b.Problems, problems...)
	b.Total = afterDiscount + b.Shipping + b.RemoteSurcharge - b.PointsUsed
	b.PointsToEarn = b.Total * int64(in.Points.EarnPermille) / 1000 // ≤ 3·10^15: no overflow
	var taxFree int64
	for _, l := range b.Lines[:paid] {
		if l.TaxFree {
			taxFree += l.LineTotal - l.Discount
		}
	}
	if charged := afterDiscount + b.Shipping + b.RemoteSurcharge; charged > 0 {
		b.TaxFree = mulDiv(taxFree, b.Total, charged)
	}
	return b, nil
}

// applyCoupon adds each eligible line's share of the coupon discount to its
// Discount, or returns the problem that keeps the coupon from applying (and
// changes nothing). The coupon is on what the lines cost after the grade
// discount: the eligible amount, the minimum order and the shares are
// compared with and spread over LineTotal − Discount.
func applyCoupon(c Coupon, lines []PricedLine) (Problem, bool) {
	eligible := make([]int, 0, len(lines))
	var base int64
	for i, l := range lines {
		if c.covers(l.Line) {
			eligible = append(eligible, i)
			base += l.LineTotal - l.Discount
		}
	}
	if len(eligible) == 0 || base == 0 {
		return problem("coupon", ProblemCouponNoLines, 0), false
	}
	if base < c.MinOrder {
		return problem("coupon", ProblemCouponMinOrder, c.MinOrder), false
	}
	var d int64
	switch c.Kind {
	case CouponFixed:
		d = c.Amount
	case CouponPercent:
		d = base * c.Amount / 100 // ≤ 10^14; rounds down to whole won
		if c.MaxDiscount > 0 && d > c.MaxDiscount {
			d = c.MaxDiscount
		}
	}
	// A coupon never discounts more than the goods it covers.
	d = min(d, base)
	spread(d, base, eligible, lines)
	return Problem{}, true
}

// covers reports whether the coupon applies to l: every line when the coupon
// names no categories and no products, otherwise the lines in one of its
// categories or of one of its products.
func (c Coupon) covers(l Line) bool {
	if len(c.CategoryIDs) == 0 && len(c.ProductIDs) == 0 {
		return true
	}
	return slices.Contains(c.CategoryIDs, l.CategoryID) || slices.Contains(c.ProductIDs, l.ProductID)
}

// spread adds shares of discount d to the eligible lines' Discount in
// proportion to what each still costs (LineTotal − Discount; base is their
// sum, d ≤ base), rounding each share down. The won left over by rounding
// (fewer than the number of lines) go to the line that costs most, the
// first of equals; a line never takes more than it costs (which only tiny
// lines could reach), so any rest moves on to the next. The shares then sum
// exactly to d, and a per-line refund never exceeds what the line cost.
func spread(d, base int64, eligible []int, lines []PricedLine) {
	left := make(map[int]int64, len(eligible)) // what each line costs before this discount
	for _, i := range eligible {
		left[i] = lines[i].LineTotal - lines[i].Discount
	}
	var given int64
	for _, i := range eligible {
		s := mulDiv(d, left[i], base)
		lines[i].Discount += s
		given += s
	}
	order := slices.Clone(eligible)
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case left[a] > left[b]:
			return -1
		case left[a] < left[b]:
			return 1
		}
		return 0
	})
	for _, i := range order {
		rest := d - given
		if rest == 0 {
			break
		}
		add := min(rest, lines[i].LineTotal-lines[i].Discount)
		lines[i].Discount += add
		given += add
	}
}

// mulDiv returns floor(a × b / c) for 0 ≤ a, b and 0 < c with a ≤ c or
// b ≤ c, computing the product in 128 bits: a share of a 10^12 discount of
// a 10^12 line does not fit in int64.
func mulDiv(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, _ := bits.Div64(hi, lo, uint64(c)) // hi < c because the quotient fits in 64 bits
	return int64(q)
}

// shipments groups the bought lines that ship into shipments — one per seller, in the
// order the sellers first appear, or one for the order — and prices each.
// The free-over threshold is compared with the shipment's subtotal after its
// lines' discount shares: what the buyer actually pays for the goods.
func shipments(r ShippingRules, postcode string, lines []PricedLine) []Shipment {
	var out []Shipment
	at := map[int64]int{}
	for _, l := range lines {
		if l.NoShipping {
			continue
		}
		seller := int64(0)
		if r.PerSeller {
			seller = l.SellerID
		}
		i, ok := at[seller]
		if !ok {
			i = len(out)
			at[seller] = i
			out = append(out, Shipment{SellerID: seller})
		}
		out[i].Subtotal += l.LineTotal - l.Discount
	}
	area, hasArea := r.remoteArea(postcode)
	for i := range out {
		s := &out[i]
		if r.FreeOver == 0 || s.Subtotal < r.FreeOver {
			s.Fee = r.BaseFee
		}
		if hasArea {
			s.RemoteArea = area.Name
			s.RemoteSurcharge = area.Surcharge
		}
	}
	return out
}

// remoteArea returns the first area whose range holds postcode. An empty
// postcode (no address chosen yet) is in no area.
func (r ShippingRules) remoteArea(postcode string) (RemoteArea, bool) {
	if postcode == "" {
		return RemoteArea{}, false
	}
	for _, a := range r.Remote {
		if a.From <= postcode && postcode <= a.To {
			return a, true
		}
	}
	return RemoteArea{}, false
}

// pointsToUse applies the points rules to what the customer asked for: more
// than the balance is clamped to the balance, more than MaxSpendPercent of
// base is clamped to that cap, and an amount under
// MinSpend — as asked or after clamping — is dropped. base is the goods
// after the grade and coupon discounts. Each step that changes
// the amount adds a problem. Points never pay for shipping, so the total
// stays at or above the shipping fees.
func pointsToUse(in Input, base int64) (int64, []Problem) {
	use := in.PointsToUse
	if use == 0 {
		return 0, nil
	}
	var ps []Problem
	if use > in.PointsBalance {
		use = in.PointsBalance
		ps = append(ps, problem("points", ProblemPointsBalance, in.PointsBalance))
	}
	pct := int64(in.Points.MaxSpendPercent)
	if pct == 0 {
		pct = 100
	}
	if limit := base * pct / 100; use > limit {
		use = limit
		ps = append(ps, problem("points", ProblemPointsMaxPercent, limit))
	}
	if use > 0 && use < in.Points.MinSpend {
		use = 0
		ps = append(ps, problem("points", ProblemPointsMinSpend, in.Points.MinSpend))
	}
	return use, ps
}
