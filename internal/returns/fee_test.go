package returns_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/payment/paymenttest"
	"github.com/mallang/mallang/internal/returns"
)

// settingsFee is the shop's settings as the returns service reads them.
type settingsFee struct{ won atomic.Int64 }

func (s *settingsFee) ReturnFee(context.Context) int64 { return s.won.Load() }

// A change-of-mind return costs the fee set in the shop's settings when it
// is asked for; a request already made keeps the fee it was told.
func TestFeeFollowsTheSettings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fee := &settingsFee{}
	fee.won.Store(4000)
	rs := returns.NewService(f.D, returns.Deps{Orders: f.Orders, Payments: f.pays, Media: f.media, Carriers: f.Shipping,
		Audit: audit.New(f.D, f.Clock.Now), Keyring: f.KR, Mailer: f.Outbox, Customers: paymenttest.Contacts{D: f.D}},
		returns.Config{Fee: 6000, BaseURL: "http://shop.test", Fees: fee}, f.Clock.Now, slog.New(slog.DiscardHandler))
	ctx := t.Context()
	if got := rs.Fee(ctx); got != 4000 {
		t.Fatalf("Fee = %d, want the settings' 4000", got)
	}
	tea := f.Product(t, "말랑 루이보스", 20000, 10)
	ask := func() returns.Return {
		o := f.delivered(t, false, tea)
		rt, err := rs.Request(ctx, returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
			LineIDs: []int64{o.Lines[0].ID}, Reason: returns.ChangeOfMind})
		if err != nil {
			t.Fatal(err)
		}
		return rt
	}
	first := ask()
	fee.won.Store(2500)
	second := ask()
	if first.Fee != 4000 || second.Fee != 2500 {
		t.Fatalf("fees = %d, %d; want 4000 then 2500", first.Fee, second.Fee)
	}
	if again, err := rs.Get(ctx, first.ID); err != nil || again.Fee != 4000 {
		t.Fatalf("first request now = %+v, %v", again.Fee, err)
	}
}
