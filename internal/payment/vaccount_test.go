package payment_test

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/portone"
	"github.com/mallang/mallang/internal/payment/portone/portonetest"
	"github.com/mallang/mallang/internal/payment/toss"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

// 가상계좌 is offered when a provider issues virtual accounts, by the first
// of them (Toss before PortOne), and its window is asked for an account due
// in the shop's transfer deadline, in whole hours rounded down.
func TestVirtualAccountMethod(t *testing.T) {
	t.Parallel()
	tossFake, portoneFake := tosstest.NewServer(), portonetest.NewServer()
	t.Cleanup(func() { tossFake.Close(); portoneFake.Close() })
	tp, err := toss.New(toss.Config{SecretKey: tosstest.SecretKey, ClientKey: tosstest.ClientKey, BaseURL: tossFake.URL()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pp, err := portone.New(portone.Config{APISecret: portonetest.APISecret, StoreID: portonetest.StoreID,
		ChannelKey: portonetest.ChannelKey, BaseURL: portoneFake.URL()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		providers []payment.Provider
		within    time.Duration
		methods   []string
		issuer    string // "" when virtual_account is refused
		hours     int
	}{
		{"toss and portone", []payment.Provider{pp, tp}, 72 * time.Hour, []string{"toss", "portone", "virtual_account"}, "toss", 72},
		{"portone only", []payment.Provider{pp}, 36*time.Hour + 30*time.Minute, []string{"portone", "virtual_account"}, "portone", 36},
		{"under an hour", []payment.Provider{tp}, 30 * time.Minute, []string{"toss", "virtual_account"}, "toss", 1},
		{"no issuer", []payment.Provider{&scripted{}}, 72 * time.Hour, []string{"scripted"}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := ordertest.NewShop(t)
			pays := payment.NewService(sh.D, sh.PaymentDeps(), payment.Config{BaseURL: "http://shop.test", DepositWithin: tt.within},
				tt.providers, sh.Clock.Now, slog.New(slog.DiscardHandler))
			if got := pays.Methods(t.Context()); !slices.Equal(got, tt.methods) {
				t.Fatalf("Methods = %v, want %v", got, tt.methods)
			}
			o := sh.PlaceOne(t, sh.Product(t, "말랑 머그", 12000, 10), 1)
			st, err := pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: payment.VirtualAccount})
			if tt.issuer == "" {
				if _, ok := fault.AsInvalid(err); !ok {
					t.Fatalf("Start = %+v, %v; want the method refused", st, err)
				}
				return
			}
			if err != nil || st.Attempt.Provider != tt.issuer || st.Attempt.Method != "가상계좌" || st.Script == nil {
				t.Fatalf("Start = %+v, %v", st, err)
			}
			var hours any
			switch tt.issuer {
			case "toss":
				if st.Script.Params["method"] != "VIRTUAL_ACCOUNT" {
					t.Errorf("toss method = %v", st.Script.Params["method"])
				}
				hours = st.Script.Params["virtualAccount"].(map[string]any)["validHours"]
			case "portone":
				if st.Script.Params["payMethod"] != "VIRTUAL_ACCOUNT" {
					t.Errorf("portone payMethod = %v", st.Script.Params["payMethod"])
				}
				va := st.Script.Params["virtualAccount"].(map[string]any)
				hours = va["accountExpiry"].(map[string]any)["validHours"]
			}
			if hours != tt.hours {
				t.Errorf("validHours = %v, want %d", hours, tt.hours)
			}
			if got, err := sh.Orders.AdminGet(t.Context(), o.ID); err != nil || got.Status != order.PendingPayment {
				t.Errorf("order after the window opened = %s, %v", got.Status, err)
			}
		})
	}
}
