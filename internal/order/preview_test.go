package order_test

import (
	"reflect"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
)

func TestPreview(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	for _, c := range []coupon.NewCoupon{
		{Code: "BIG5", Name: "십만원 이상 5천원", Kind: coupon.KindFixed, Amount: 5000, MinOrder: 100000},
		{Code: "TEN", Name: "10%", Kind: coupon.KindPercent, Amount: 10},
	} {
		if _, err := sh.Coupons.Create(t.Context(), audit.Actor{}, c); err != nil {
			t.Fatal(err)
		}
	}
	s := sh.Orders
	user := sh.Customer(t, "preview@example.com")
	addr := sh.Address(t, user)

	if _, err := s.Preview(t.Context(), order.PlaceInput{UserID: user}); err == nil {
		t.Fatal("an empty cart previewed")
	} else if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["cart"] == "" {
		t.Fatalf("empty cart: %v", err)
	}
	v := sh.Product(t, "미리보기 초콜릿", 12000, 5)
	sh.Add(t, user, v, 2)
	sh.Give(t, user, 3000)
	stockBefore := sh.Stock(t, v)

	tests := []struct {
		name            string
		in              order.PlaceInput
		discount, total int64
		problemField    string
	}{
		{"plain", order.PlaceInput{}, 0, 24000 + 3000, ""},
		{"with address", order.PlaceInput{AddressID: addr}, 0, 27000, ""},
		{"coupon applies", order.PlaceInput{CouponCode: "TEN"}, 2400, 24000 - 2400 + 3000, ""},
		{"coupon under its minimum", order.PlaceInput{CouponCode: "BIG5"}, 0, 27000, "coupon"},
		{"unknown coupon", order.PlaceInput{CouponCode: "NOPE"}, 0, 27000, "coupon"},
		{"points", order.PlaceInput{PointsToUse: 2000}, 0, 25000, ""},
		{"points over the balance", order.PlaceInput{PointsToUse: 9000}, 0, 24000, "points"},
		// A typed postcode prices the remote-area surcharge even before the
		// rest of the address is filled in: the total shown is the total
		// charged once the address is complete.
		{"Jeju postcode typed alone", order.PlaceInput{Address: &order.Address{Postcode: "63000"}}, 0, 27000 + 3000, ""},
		{"Jeju postcode, bad phone", order.PlaceInput{Address: &order.Address{Recipient: "김말랑", Phone: "12", Postcode: " 63000 "}}, 0, 30000, ""},
		{"postcode not yet valid", order.PlaceInput{Address: &order.Address{Postcode: "630"}}, 0, 27000, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.UserID = user
			p, err := s.Preview(t.Context(), in)
			if err != nil {
				t.Fatal(err)
			}
			b := p.Breakdown
			if b.Discount != tt.discount || b.Total != tt.total || p.PointsBalance != 3000 || len(p.Lines) != 1 {
				t.Fatalf("breakdown %+v (balance %d, %d lines)", b, p.PointsBalance, len(p.Lines))
			}
			got := ""
			for _, pr := range b.Problems {
				got = pr.Field
			}
			if got != tt.problemField {
				t.Fatalf("problems %+v, want one for %q", b.Problems, tt.problemField)
			}
		})
	}
	var uses int
	q := sh.D.Read()
	if err := q.GetContext(t.Context(), &uses, `SELECT COUNT(*) FROM coupon_redemptions`); err != nil {
		t.Fatal(err)
	}
	if sh.Stock(t, v) != stockBefore || uses != 0 || sh.CartLines(t, user) != 1 {
		t.Fatal("a preview changed stock, coupons or the cart")
	}
}

// TestPlaceReturnsTheStoredOrder: Place builds its answer in memory instead
// of reading the order back; it must be the order Get reads.
func TestPlaceReturnsTheStoredOrder(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	if _, err := sh.Coupons.Create(t.Context(), audit.Actor{}, coupon.NewCoupon{Code: "TEN", Name: "10%", Kind: coupon.KindPercent, Amount: 10}); err != nil {
		t.Fatal(err)
	}
	s := sh.Orders
	user := sh.Customer(t, "stored@example.com")
	addr := sh.Address(t, user)
	v1, v2 := sh.Product(t, "저장 확인 초콜릿", 12000, 5), sh.Product(t, "저장 확인 쿠키", 3500, 5)
	sh.Add(t, user, v1, 2)
	sh.Add(t, user, v2, 1)
	sh.Give(t, user, 2000)
	placed, err := sh.Place(t.Context(), order.PlaceInput{UserID: user, IdempotencyKey: "stored-1", AddressID: addr,
		DeliveryNote: "경비실에 맡겨 주세요", CouponCode: "TEN", PointsToUse: 1000, PaymentMethod: "card", Channel: order.PCWeb})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(t.Context(), user, placed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if placed.Shipments == nil {
		placed.Shipments = got.Shipments
	}
	if !reflect.DeepEqual(placed, got) {
		t.Fatalf("Place returned\n%+v\nGet reads\n%+v", placed, got)
	}
}
