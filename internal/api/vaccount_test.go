package api_test

import (
	"net/http"
	"testing"

	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/toss"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

// A virtual account through the API: the method is listed, starting it
// gives the script that opens Toss's window on a virtual account with the
// shop's deadline, and once Toss issued it the order and its payments say
// where to send how much by when — the account's deadline is the order's
// pay_by.
func TestStartVirtualAccount(t *testing.T) {
	t.Parallel()
	fake := tosstest.NewServer()
	t.Cleanup(fake.Close)
	p, err := toss.New(toss.Config{SecretKey: tosstest.SecretKey, ClientKey: tosstest.ClientKey, BaseURL: fake.URL()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := newShop(t, p)
	ms := decode[api.PaymentMethods](t, f.do(t, req{method: "GET", path: "/api/v1/payment-methods"}), http.StatusOK)
	found := false
	for _, m := range ms.Methods {
		found = found || m == api.PaymentMethod{Key: "virtual_account", LabelKO: "가상계좌", LabelEN: "Virtual account"}
	}
	if !found {
		t.Fatalf("methods = %+v, want virtual_account", ms.Methods)
	}

	c := f.checkoutCustomer(t, minjiEmail)
	choco := f.product(t, "말랑 다크초콜릿", 12000, 10, false)
	o := f.placed(t, c, payment.VirtualAccount, choco)
	st := decode[api.StartedPayment](t, f.start(t, c, o.Number, map[string]any{"method": "virtual_account"}), http.StatusCreated)
	if st.Provider != "toss" || st.Method != "가상계좌" || st.Status != "prepared" || st.Script == nil ||
		st.Script.Params["method"] != "VIRTUAL_ACCOUNT" {
		t.Fatalf("started = %+v, script %+v", st, st.Script)
	}
	va, _ := st.Script.Params["virtualAccount"].(map[string]any)
	if va["validHours"] != float64(48) { // apptest.DepositWithin
		t.Fatalf("virtualAccount = %v, want validHours 48", va)
	}

	a, err := f.pays.Confirm(t.Context(), "toss", st.Reference, fake.AuthorizeVirtualAccountFor(st.Reference, o.Total, 48))
	if err != nil || a.Status != payment.AttemptAwaitingDeposit {
		t.Fatalf("confirm = %+v, %v", a, err)
	}
	got := decode[api.Order](t, f.do(t, req{method: "GET", path: "/api/v1/orders/" + o.Number, token: c.token}), http.StatusOK)
	ps := decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
	if len(ps.Attempts) != 1 || ps.Attempts[0].Deposit == nil {
		t.Fatalf("payments = %+v", ps)
	}
	at, d := ps.Attempts[0], ps.Attempts[0].Deposit
	if got.Status != "awaiting_deposit" || got.PayBy == nil || !got.PayBy.Equal(d.Due) {
		t.Errorf("order %s pay_by %v, account due %v", got.Status, got.PayBy, d.Due)
	}
	if at.Status != "awaiting_deposit" || at.Method != "가상계좌" || at.Amount != o.Total ||
		d.Bank != "신한은행" || d.Account != a.Deposit.Account || d.Holder == "" {
		t.Errorf("attempt = %+v, deposit %+v", at, d)
	}
}
