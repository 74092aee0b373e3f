package payment_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/payment"
)

// liveTerms is a TermsSource staff change while the test runs.
type liveTerms struct {
	mu sync.Mutex
	t  payment.Terms
}

func (l *liveTerms) PaymentTerms(context.Context) payment.Terms {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.t
}

func (l *liveTerms) set(t payment.Terms) {
	l.mu.Lock()
	l.t = t
	l.mu.Unlock()
}

// The terms in the shop's settings decide, at every checkout, which ways to
// pay are offered, the account a transfer goes to and its deadline: a
// method switched off is left out and refused.
func TestTermsSwitchMethodsAndAccount(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	terms := &liveTerms{t: payment.Terms{Bank: ordertest.Bank, DepositWithin: 24 * time.Hour}}
	pays := payment.NewService(sh.D, sh.PaymentDeps(), payment.Config{BaseURL: "http://shop.test", Terms: terms},
		[]payment.Provider{&scripted{}}, sh.Clock.Now, slog.New(slog.DiscardHandler))
	ctx := t.Context()
	if got := pays.AllMethods(); !slices.Equal(got, []string{payment.BankTransfer, "scripted"}) {
		t.Fatalf("AllMethods = %v", got)
	}
	tests := []struct {
		name    string
		terms   payment.Terms
		methods []string
	}{
		{"all on", payment.Terms{Bank: ordertest.Bank}, []string{payment.BankTransfer, "scripted"}},
		{"provider off", payment.Terms{Bank: ordertest.Bank, Off: []string{"scripted"}}, []string{payment.BankTransfer}},
		{"bank transfer off", payment.Terms{Bank: ordertest.Bank, Off: []string{payment.BankTransfer}}, []string{"scripted"}},
		{"no account", payment.Terms{}, []string{"scripted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			terms.set(tt.terms)
			if got := pays.Methods(ctx); !slices.Equal(got, tt.methods) {
				t.Fatalf("Methods = %v, want %v", got, tt.methods)
			}
			for _, m := range []string{payment.BankTransfer, "scripted"} {
				if pays.Enabled(ctx, m) != slices.Contains(tt.methods, m) {
					t.Errorf("Enabled(%s) = %v", m, !slices.Contains(tt.methods, m))
				}
			}
			_, err := pays.PrepareTransfer(ctx, "", nil)
			if inv, ok := fault.AsInvalid(err); slices.Contains(tt.methods, payment.BankTransfer) == ok || (ok && inv.Fields["payment_method"] == "") {
				t.Errorf("PrepareTransfer = %v", err)
			}
			o := sh.PlaceOne(t, sh.Product(t, "말랑 머그 "+tt.name, 12000, 10), 1)
			_, err = pays.Start(ctx, payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: "scripted"})
			if inv, ok := fault.AsInvalid(err); slices.Contains(tt.methods, "scripted") == ok || (ok && inv.Fields["payment_method"] == "") {
				t.Errorf("Start with scripted = %v", err)
			}
		})
	}

	other := payment.BankAccount{Bank: "새은행", Account: "999-999", Holder: "(주)말랑"}
	terms.set(payment.Terms{Bank: other, DepositWithin: 24 * time.Hour})
	if b, _ := pays.Bank(ctx); b != other {
		t.Fatalf("Bank = %+v, want the settings' account", b)
	}
	o := sh.PlaceOne(t, sh.Product(t, "말랑 컵", 9000, 10), 1)
	st, err := pays.Start(ctx, payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: payment.BankTransfer})
	if err != nil || st.Attempt.Deposit == nil || st.Attempt.Deposit.Account != "999-999" ||
		!st.Attempt.Deposit.Due.Equal(sh.Clock.Now().UTC().Add(24*time.Hour)) {
		t.Fatalf("transfer = %+v, %v; want the settings' account due in 24h", st.Attempt.Deposit, err)
	}
}
