package order_test

import (
	"testing"

	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/promotion"
)

// A customer's grade discount is in the checkout's breakdown, the order is
// placed at exactly that total, and the order keeps the discount: on the
// order, in its stored breakdown and in its lines' discounts.
func TestPlaceWithGradeDiscount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                 string
		grade                string
		coupon               string
		wantGrade, wantTotal int64
	}{
		// 2 × 12,000 = 24,000 + 3,000 shipping.
		{name: "lowest grade", grade: "welcome", wantTotal: 27000},
		{name: "gold: 10 %", grade: "gold", wantGrade: 2400, wantTotal: 24600},
		{name: "gold and a coupon after it", grade: "gold", coupon: "WELCOME", wantGrade: 2400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := ordertest.NewShop(t)
			ctx := t.Context()
			staff := sh.Staff(t, "boss@example.com")
			if _, err := sh.Promos.UpdateGrade(ctx, staff, "gold", promotion.GradeChange{Name: "골드", EarnPermille: 30,
				MinSpend: 1000000, DiscountPercent: 10}); err != nil {
				t.Fatal(err)
			}
			v := sh.Product(t, "말랑 다크초콜릿", 12000, 10)
			u := sh.Customer(t, "kim@example.com")
			if err := sh.Promos.SetGrade(ctx, staff, u, tt.grade); err != nil {
				t.Fatal(err)
			}
			sh.Add(t, u, v, 2)
			in := order.PlaceInput{UserID: u, IdempotencyKey: "checkout-1", AddressID: sh.Address(t, u), CouponCode: tt.coupon,
				PaymentMethod: "card", Channel: order.PCWeb}
			p, err := sh.Orders.Preview(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			b := p.Breakdown
			if b.GradeDiscount != tt.wantGrade || (tt.coupon == "" && b.Total != tt.wantTotal) {
				t.Fatalf("preview grade discount %d, total %d; want %d, %d", b.GradeDiscount, b.Total, tt.wantGrade, tt.wantTotal)
			}
			if tt.coupon != "" && (b.Discount == 0 || b.Total != 24000-b.GradeDiscount-b.Discount+3000) {
				t.Fatalf("preview with coupon = %+v", b)
			}
			shown := b.Total
			in.ExpectedTotal = &shown
			placed, err := sh.Place(ctx, in)
			if err != nil {
				t.Fatalf("placing at the total shown: %v", err)
			}
			o, err := sh.Orders.Get(ctx, u, placed.ID)
			if err != nil {
				t.Fatal(err)
			}
			if o.Total != shown || o.GradeDiscount != tt.wantGrade || o.Breakdown.GradeDiscount != tt.wantGrade || o.Discount != b.Discount {
				t.Fatalf("stored order total %d, grade discount %d (breakdown %d), coupon %d; want %d, %d, %d",
					o.Total, o.GradeDiscount, o.Breakdown.GradeDiscount, o.Discount, shown, tt.wantGrade, b.Discount)
			}
			var lines int64
			for _, l := range o.Lines {
				lines += l.Discount
			}
			if lines != o.GradeDiscount+o.Discount {
				t.Fatalf("lines' discounts %d, want grade %d + coupon %d", lines, o.GradeDiscount, o.Discount)
			}
		})
	}
}
