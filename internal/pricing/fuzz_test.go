package pricing

import (
	"math/rand/v2"
	"testing"

	"github.com/mallang/mallang/internal/fault"
)

// FuzzQuote builds an input from a few numbers and checks the invariants of
// every breakdown (see checkInvariants): the total is never negative and
// equals its formula, line discounts sum to the discount, and so on. Inputs
// Quote rejects must be rejected as *fault.Invalid, never by a panic.
// Run it with: go test -fuzz FuzzQuote ./internal/pricing
func FuzzQuote(f *testing.F) {
	// price, qty, lines, sellers, kind, amount, cap, minOrder, baseFee,
	// freeOver, perSeller, postcode, points, balance, percent, minSpend, earn,
	// grade (the grade discount in percent)
	f.Add(int64(12900), int64(2), uint8(3), uint8(2), uint8(0), int64(3000), int64(0), int64(0), int64(3000), int64(50000), true, uint32(63000), int64(1000), int64(5000), int8(50), int64(1000), int16(10), int8(10))
	f.Add(int64(1), int64(1), uint8(7), uint8(3), uint8(1), int64(33), int64(2), int64(0), int64(0), int64(0), false, uint32(40240), int64(0), int64(0), int8(0), int64(0), int16(0), int8(0))
	f.Add(int64(1_000_000), int64(1000), uint8(1), uint8(1), uint8(1), int64(100), int64(0), int64(0), int64(3000), int64(1), true, uint32(99999), int64(1_000_000_000), int64(1_000_000_000), int8(100), int64(0), int16(1000), int8(50))
	f.Add(int64(0), int64(5), uint8(2), uint8(1), uint8(0), int64(5000), int64(0), int64(10), int64(2500), int64(0), true, uint32(0), int64(10), int64(100), int8(10), int64(0), int16(5), int8(5))
	f.Add(int64(-1), int64(0), uint8(0), uint8(0), uint8(2), int64(-5), int64(-1), int64(-1), int64(-3000), int64(-1), false, uint32(123456), int64(-1), int64(-1), int8(-1), int64(-1), int16(-1), int8(-1))
	f.Add(MaxAmount, int64(1), uint8(1), uint8(1), uint8(1), int64(99), int64(0), int64(0), MaxAmount, MaxAmount, true, uint32(63644), MaxAmount, MaxAmount, int8(100), MaxAmount, int16(1000), int8(51))
	f.Fuzz(func(t *testing.T, price, qty int64, n, sellers, kind uint8, amount, maxDiscount, minOrder, baseFee, freeOver int64, perSeller bool, postcode uint32, points, balance int64, percent int8, minSpend int64, earn int16, grade int8) {
		in := Input{
			Shipping: ShippingRules{BaseFee: baseFee, FreeOver: freeOver, PerSeller: perSeller, Remote: []RemoteArea{
				{Name: "제주", From: "63000", To: "63644", Surcharge: 3000},
				{Name: "도서산간", From: "40200", To: "40240", Surcharge: 5000},
			}},
			Points:        PointsRules{MinSpend: minSpend, MaxSpendPercent: int(percent), EarnPermille: int(earn)},
			PointsBalance: balance,
			PointsToUse:   points,
			// Any rate: outside 0–50 it must be refused as invalid.
			GradeDiscountPercent: int(grade),
			Gifts:                []GiftRule{{ID: 1, Threshold: minOrder, Gift: Line{Name: "사은품", SellerID: 99}}},
		}
		if postcode <= 99999 {
			in.Postcode = string(rune('0'+postcode/10000%10)) + string(rune('0'+postcode/1000%10)) +
				string(rune('0'+postcode/100%10)) + string(rune('0'+postcode/10%10)) + string(rune('0'+postcode%10))
		}
		for i := range int64(n % 16) {
			// Vary the lines so shares, sellers and eligibility differ.
			p := price
			if p > 0 {
				p = price/(i+1) + i
			}
			in.Lines = append(in.Lines, Line{
				ID: i + 1, ProductID: i + 1, CategoryID: i % 3,
				SellerID: i % int64(max(1, sellers%5)), UnitPrice: p, Quantity: qty + i%2,
			})
		}
		switch kind % 4 {
		case 1:
			in.Coupon = &Coupon{ID: 9, Kind: CouponFixed, Amount: amount, MaxDiscount: maxDiscount, MinOrder: minOrder}
		case 2:
			in.Coupon = &Coupon{ID: 9, Kind: CouponPercent, Amount: amount, MaxDiscount: maxDiscount, MinOrder: minOrder, CategoryIDs: []int64{1}}
		case 3:
			in.Coupon = &Coupon{ID: 9, Kind: CouponFixed, Amount: amount, MinOrder: minOrder, ProductIDs: []int64{2, 3}}
		}
		b, err := Quote(in)
		if err == nil && (grade < 0 || grade > MaxGradeDiscountPercent) {
			t.Fatalf("Quote with a %d %% grade discount = nil error, want invalid", grade)
		}
		if err != nil {
			if _, ok := fault.AsInvalid(err); !ok {
				t.Fatalf("Quote = %v, want nil or *fault.Invalid", err)
			}
			return
		}
		checkInvariants(t, in, b)
	})
}

// TestQuoteRandomCarts checks the invariants of many random carts with a
// grade discount, coupons, gifts, shipping and points, from a fixed seed
// (the fuzz seeds above are only a handful).
func TestQuoteRandomCarts(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(66, 2026))
	for range 3000 {
		in := Input{
			Shipping: ShippingRules{BaseFee: r.Int64N(5000), FreeOver: r.Int64N(100000), PerSeller: r.IntN(2) == 0,
				Remote: []RemoteArea{{Name: "제주", From: "63000", To: "63644", Surcharge: 3000}}},
			Points:               PointsRules{MinSpend: r.Int64N(3) * 1000, MaxSpendPercent: r.IntN(101), EarnPermille: r.IntN(60)},
			PointsBalance:        r.Int64N(50000),
			PointsToUse:          r.Int64N(60000),
			GradeDiscountPercent: r.IntN(MaxGradeDiscountPercent + 1),
			Gifts:                []GiftRule{{ID: 1, Threshold: r.Int64N(80000), Gift: Line{Name: "사은품", SellerID: 1}}},
		}
		if r.IntN(2) == 0 {
			in.Postcode = "63001"
		}
		for i := range 1 + r.IntN(6) {
			in.Lines = append(in.Lines, Line{ID: int64(i + 1), ProductID: int64(i + 1), CategoryID: int64(i % 3),
				SellerID: int64(1 + r.IntN(3)), UnitPrice: r.Int64N(60000), Quantity: 1 + r.Int64N(4), TaxFree: r.IntN(4) == 0})
		}
		switch r.IntN(4) {
		case 1:
			in.Coupon = &Coupon{ID: 9, Kind: CouponFixed, Amount: 1 + r.Int64N(20000), MinOrder: r.Int64N(50000)}
		case 2:
			in.Coupon = &Coupon{ID: 9, Kind: CouponPercent, Amount: 1 + r.Int64N(100), MaxDiscount: r.Int64N(10000), CategoryIDs: []int64{1}}
		case 3:
			in.Coupon = &Coupon{ID: 9, Kind: CouponFixed, Amount: 1 + r.Int64N(5000), ProductIDs: []int64{2, 3}}
		}
		b, err := Quote(in)
		if err != nil {
			t.Fatalf("Quote(%+v) = %v", in, err)
		}
		checkInvariants(t, in, b)
		if t.Failed() {
			t.Fatalf("input: %+v", in)
		}
	}
}
