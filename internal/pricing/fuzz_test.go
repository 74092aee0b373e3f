package pricing

import (
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
	// freeOver, perSeller, postcode, points, balance, percent, minSpend, earn
	f.Add(int64(12900), int64(2), uint8(3), uint8(2), uint8(0), int64(3000), int64(0), int64(0), int64(3000), int64(50000), true, uint32(63000), int64(1000), int64(5000), int8(50), int64(1000), int16(10))
	f.Add(int64(1), int64(1), uint8(7), uint8(3), uint8(1), int64(33), int64(2), int64(0), int64(0), int64(0), false, uint32(40240), int64(0), int64(0), int8(0), int64(0), int16(0))
	f.Add(int64(1_000_000), int64(1000), uint8(1), uint8(1), uint8(1), int64(100), int64(0), int64(0), int64(3000), int64(1), true, uint32(99999), int64(1_000_000_000), int64(1_000_000_000), int8(100), int64(0), int16(1000))
	f.Add(int64(0), int64(5), uint8(2), uint8(1), uint8(0), int64(5000), int64(0), int64(10), int64(2500), int64(0), true, uint32(0), int64(10), int64(100), int8(10), int64(0), int16(5))
	f.Add(int64(-1), int64(0), uint8(0), uint8(0), uint8(2), int64(-5), int64(-1), int64(-1), int64(-3000), int64(-1), false, uint32(123456), int64(-1), int64(-1), int8(-1), int64(-1), int16(-1))
	f.Add(MaxAmount, int64(1), uint8(1), uint8(1), uint8(1), int64(99), int64(0), int64(0), MaxAmount, MaxAmount, true, uint32(63644), MaxAmount, MaxAmount, int8(100), MaxAmount, int16(1000))
	f.Fuzz(func(t *testing.T, price, qty int64, n, sellers, kind uint8, amount, maxDiscount, minOrder, baseFee, freeOver int64, perSeller bool, postcode uint32, points, balance int64, percent int8, minSpend int64, earn int16) {
		in := Input{
			Shipping: ShippingRules{BaseFee: baseFee, FreeOver: freeOver, PerSeller: perSeller, Remote: []RemoteArea{
				{Name: "제주", From: "63000", To: "63644", Surcharge: 3000},
				{Name: "도서산간", From: "40200", To: "40240", Surcharge: 5000},
			}},
			Points:        PointsRules{MinSpend: minSpend, MaxSpendPercent: int(percent), EarnPermille: int(earn)},
			PointsBalance: balance,
			PointsToUse:   points,
			Gifts:         []GiftRule{{ID: 1, Threshold: minOrder, Gift: Line{Name: "사은품", SellerID: 99}}},
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
		if err != nil {
			if _, ok := fault.AsInvalid(err); !ok {
				t.Fatalf("Quote = %v, want nil or *fault.Invalid", err)
			}
			return
		}
		checkInvariants(t, in, b)
	})
}
