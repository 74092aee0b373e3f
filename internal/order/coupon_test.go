package order_test

import (
	"sync"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
)

// Ten customers check out at once with a coupon that has three uses left:
// three orders use it, the others are refused with the coupon's reason and
// keep their stock, and cancelling one order gives its use back.
func TestPlaceCouponAtLimit(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	cs := sh.Coupons
	c, err := cs.Create(t.Context(), audit.Actor{}, coupon.NewCoupon{Code: "SPRING3", Name: "봄맞이 3천원", Kind: "fixed", Amount: 3000, TotalLimit: 3})
	if err != nil {
		t.Fatal(err)
	}
	v := sh.Product(t, "말랑 린넨 셔츠", 30000, 100)
	const buyers = 10
	ins := make([]order.PlaceInput, buyers)
	for i := range ins {
		u := sh.Customer(t, "coupon"+ordertest.Key(i)+"@example.com")
		sh.Add(t, u, v, 1)
		ins[i] = order.PlaceInput{UserID: u, IdempotencyKey: ordertest.Key(i), AddressID: sh.Address(t, u), CouponCode: "spring3",
			PaymentMethod: "card", Channel: order.PCWeb}
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	placed := make(chan order.Order, buyers)
	refused := make(chan error, buyers)
	for _, in := range ins {
		wg.Go(func() {
			<-start
			o, err := sh.Place(t.Context(), in)
			if err != nil {
				refused <- err
				return
			}
			placed <- o
		})
	}
	close(start)
	wg.Wait()
	close(placed)
	close(refused)
	var got []order.Order
	for o := range placed {
		if o.CouponID != c.ID || o.Discount != 3000 || o.Total != 30000 {
			t.Errorf("order = %+v", o)
		}
		got = append(got, o)
	}
	for err := range refused {
		if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["coupon"] == "" {
			t.Errorf("Place = %v, want a coupon refusal", err)
		}
	}
	if len(got) != 3 {
		t.Fatalf("%d orders with the coupon, want 3", len(got))
	}
	if s := sh.Stock(t, v); s != 97 {
		t.Errorf("stock = %d, want 97", s)
	}
	if _, err := sh.Orders.RequestCancel(t.Context(), got[0].UserID, got[0].ID, "쿠폰 반환 확인"); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Check(t.Context(), "SPRING3", sh.Customer(t, "late@example.com")); err != nil {
		t.Errorf("after a cancel the coupon is still refused: %v", err)
	}
}
