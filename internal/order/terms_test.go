package order_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/payment/paymenttest"
)

// confirmDays is the shop's settings as the order service reads them: the
// days staff set, changed while the test runs.
type confirmDays struct{ n atomic.Int64 }

func (c *confirmDays) ConfirmAfter(context.Context) time.Duration {
	return time.Duration(c.n.Load()) * 24 * time.Hour
}

// The hourly job confirms delivered orders after the days set in the
// shop's settings at the time it runs, not those the service started with.
func TestConfirmDeliveredFollowsTheSettings(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	days := &confirmDays{}
	days.n.Store(7)
	orders := order.NewService(sh.D, order.Deps{Catalog: sh.Cat, Cart: sh.Carts, Addresses: sh.Addr, Coupons: sh.Coupons,
		Points: sh.Points, Shipping: sh.Shipping, Promotions: sh.Promos, Keyring: sh.KR, SearchKey: []byte("order tests: search key"), Audit: audit.New(sh.D, sh.Clock.Now),
		Mailer: sh.Outbox, Customers: paymenttest.Contacts{D: sh.D}, Sales: sh.Stats},
		order.Config{ConfirmAfter: 30 * 24 * time.Hour, BaseURL: "http://shop.test", Terms: days}, sh.Clock.Now, slog.New(slog.DiscardHandler))
	o := delivered(t, sh, sh.Product(t, "말랑 둥굴레차", 12000, 10))
	sh.Clock.Advance(3*24*time.Hour + time.Minute)
	if n, err := orders.ConfirmDelivered(t.Context()); err != nil || n != 0 {
		t.Fatalf("after 3 of 7 days: %d confirmed, %v", n, err)
	}
	days.n.Store(3) // staff shorten it to 3 days
	if n, err := orders.ConfirmDelivered(t.Context()); err != nil || n != 1 {
		t.Fatalf("after 3 of 3 days: %d confirmed, %v", n, err)
	}
	if got, err := orders.AdminGet(t.Context(), o.ID); err != nil || got.Status != order.Completed {
		t.Fatalf("order = %s, %v", got.Status, err)
	}
}
