package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/kakaopay"
	"github.com/mallang/mallang/internal/payment/kakaopay/kakaopaytest"
	"github.com/mallang/mallang/internal/payment/toss"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

// These tests run the payment endpoints over the real payment service with
// bank transfer and the built-in test provider (and, where a provider must
// refuse or stay silent, Toss and KakaoPay against their fake APIs,
// tosstest and kakaopaytest), on the same real services and database
// as the order tests.

// tossShop is a test shop with Toss Payments enabled against the fake Toss
// API (tosstest), the way the adapter's own tests run it.
func tossShop(t *testing.T) (*fixture, *tosstest.Server) {
	t.Helper()
	fake := tosstest.NewServer()
	t.Cleanup(fake.Close)
	p, err := toss.New(toss.Config{SecretKey: tosstest.SecretKey, ClientKey: tosstest.ClientKey, BaseURL: fake.URL()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return newShop(t, p), fake
}

// payByToss starts paying order o by card through Toss, plays the customer
// approving in Toss's window and settles it as the return would; it
// returns Toss's paymentKey.
func (f *fixture) payByToss(t *testing.T, fake *tosstest.Server, c checkoutCustomer, o api.Order) string {
	t.Helper()
	st := decode[api.StartedPayment](t, f.start(t, c, o.Number, map[string]any{"method": "toss"}), http.StatusCreated)
	q := fake.Authorize(st.Reference, o.Total, "카드")
	if a, err := f.pays.Confirm(t.Context(), "toss", st.Reference, q); err != nil || a.Status != payment.AttemptPaid {
		t.Fatalf("confirm = %+v, %v", a, err)
	}
	return q.Get("paymentKey")
}

// cancelAtToss cancels amount of the payment in Toss itself (as the shop's
// staff could in Toss's dashboard), so the shop's records no longer match
// Toss's.
func cancelAtToss(t *testing.T, fake *tosstest.Server, paymentKey string, amount int64) {
	t.Helper()
	body := strings.NewReader(fmt.Sprintf(`{"cancelReason":"대시보드에서 취소","cancelAmount":%d}`, amount))
	r, err := http.NewRequestWithContext(t.Context(), http.MethodPost, fake.URL()+tosstest.CancelPath(paymentKey), body)
	if err != nil {
		t.Fatal(err)
	}
	r.SetBasicAuth(tosstest.SecretKey, "")
	r.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("cancel at Toss: %d", res.StatusCode)
	}
}

// placed places an order for c of one unit of each variant, to be paid
// with method, and returns it.
func (f *fixture) placed(t *testing.T, c checkoutCustomer, method string, variants ...int64) api.Order {
	t.Helper()
	for _, v := range variants {
		f.add(t, c, v, 1)
	}
	f.n++
	return decode[api.Order](t, f.place(t, c, "pay-"+strconv.Itoa(f.n), map[string]any{"address_id": c.addressID, "payment_method": method}),
		http.StatusCreated)
}

func paymentsPath(number string) string { return "/api/v1/orders/" + number + "/payments" }

func refundPath(id int64) string {
	return "/api/v1/admin/orders/" + strconv.FormatInt(id, 10) + "/refunds"
}

// start posts body to the order's payments.
func (f *fixture) start(t *testing.T, c checkoutCustomer, number string, body any) *httptest.ResponseRecorder {
	t.Helper()
	return f.do(t, req{method: "POST", path: paymentsPath(number), token: c.token, body: body})
}

// pay starts paying order number with provider and settles it as the
// provider's return would, and returns the attempt's reference.
func (f *fixture) pay(t *testing.T, c checkoutCustomer, o api.Order, provider string) string {
	t.Helper()
	st := decode[api.StartedPayment](t, f.start(t, c, o.Number, map[string]any{"method": provider}), http.StatusCreated)
	q := f.tp.Approve(st.Reference, o.Total)
	a, err := f.pays.Confirm(t.Context(), provider, st.Reference, q)
	if err != nil || a.Status != payment.AttemptPaid {
		t.Fatalf("confirm = %+v, %v", a, err)
	}
	return st.Reference
}

// staff gives c the role with perms ("" for none) as a superuser does in
// the back office, which ends c's sign-ins, and gives c a staff token got
// with the second factor in place of the customer token.
func (f *fixture) staff(t *testing.T, c *checkoutCustomer, role, perms string) {
	t.Helper()
	m := f.makeStaff(t, c.id, account.Role(role), account.ParsePermissions(perms)...)
	c.token = f.staffToken(t, m).AccessToken
}

func TestPaymentMethods(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	// No token needed: the checkout page shows them before anything else.
	got := decode[api.PaymentMethods](t, f.do(t, req{method: "GET", path: "/api/v1/payment-methods"}), http.StatusOK)
	want := api.PaymentMethods{
		Methods: []api.PaymentMethod{
			{Key: "bank_transfer", LabelKO: "무통장입금", LabelEN: "Bank transfer"},
			{Key: "testpay", LabelKO: "테스트 결제", LabelEN: "Test payment"},
		},
		BankAccount: &api.BankAccount{Bank: "말랑은행", Account: "123-456", Holder: "(주)말랑"},
		Notice:      testBuyerProtection,
	}
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("methods:\n%s\nwant\n%s", g, w)
	}
}

func TestStartBankTransfer(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	choco := f.product(t, "말랑 다크초콜릿", 12000, 10, false)
	o := f.placed(t, c, "card", choco)

	body := map[string]any{"method": "bank_transfer", "depositor": "김말랑",
		"cash_receipt": map[string]any{"purpose": "income_deduction", "identity": "010-1234-5678"}}
	rec := f.start(t, c, o.Number, body)
	st := decode[api.StartedPayment](t, rec, http.StatusCreated)
	if loc := rec.Header().Get("Location"); loc != testBaseURL+paymentsPath(o.Number) {
		t.Errorf("Location = %q", loc)
	}
	if st.Provider != "bank_transfer" || st.Status != "awaiting_deposit" || st.Amount != o.Total || st.Currency != "KRW" ||
		!strings.HasPrefix(st.Reference, o.Number+"-") || st.RedirectURL != nil || st.Script != nil || st.PaidAt != nil {
		t.Errorf("started = %+v", st)
	}
	if !st.CreatedAt.Equal(f.clock.Now()) {
		t.Errorf("created_at = %v, want %v", st.CreatedAt, f.clock.Now())
	}
	wantDue := f.clock.Now().Add(testDepositWithin)
	if d := st.Deposit; d == nil || d.Bank != "말랑은행" || d.Account != "123-456" || d.Holder != "(주)말랑" ||
		d.Depositor != "김말랑" || d.Notice != testBuyerProtection || !d.Due.Equal(wantDue) {
		t.Errorf("deposit = %+v, want due %v", st.Deposit, wantDue)
	}
	got := decode[api.Order](t, f.do(t, req{method: "GET", path: "/api/v1/orders/" + o.Number, token: c.token}), http.StatusOK)
	if got.Status != "awaiting_deposit" || got.PayBy == nil || !got.PayBy.Equal(wantDue) {
		t.Errorf("order = %s, pay by %v", got.Status, got.PayBy)
	}

	// Asking again (a double tap) gives the same instructions.
	again := decode[api.StartedPayment](t, f.start(t, c, o.Number, body), http.StatusCreated)
	if again.Reference != st.Reference {
		t.Errorf("again = %s, want %s", again.Reference, st.Reference)
	}

	rec = f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token})
	ps := decode[api.OrderPayments](t, rec, http.StatusOK)
	if len(ps.Attempts) != 1 || ps.Attempts[0].Reference != st.Reference || ps.Attempts[0].Deposit == nil || len(ps.Refunds) != 0 {
		t.Errorf("payments = %+v", ps)
	}
	want := &api.CashReceipt{Purpose: "income_deduction", Identity: "*******5678", Requested: true, Amount: o.Total, Status: "pending"}
	if mustJSON(t, ps.CashReceipt) != mustJSON(t, want) {
		t.Errorf("cash receipt = %+v", ps.CashReceipt)
	}
	if strings.Contains(rec.Body.String(), "01012345678") || strings.Contains(rec.Body.String(), "confirmed_by") {
		t.Errorf("the payments show what they must not: %s", rec.Body)
	}
}

// Twenty requests to start a bank transfer at once (a double tap, an app's
// retries) record one transfer, with one cash receipt for an order of
// ₩100,000 or more, and every answer is a 201 with its instructions.
func TestConcurrentBankTransferStarts(t *testing.T) {
	t.Parallel()
	for _, price := range []int64{120000, 12000} {
		t.Run(strconv.FormatInt(price, 10), func(t *testing.T) {
			t.Parallel()
			f := newShop(t)
			c := f.checkoutCustomer(t, minjiEmail)
			o := f.placed(t, c, "card", f.product(t, "말랑 원두 선물 세트", price, 10, false))
			const n = 20
			recs := make([]*httptest.ResponseRecorder, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					<-start
					recs[i] = f.start(t, c, o.Number, map[string]any{"method": "bank_transfer", "depositor": "김말랑"})
				})
			}
			close(start)
			wg.Wait()

			ps := decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
			if len(ps.Attempts) != 1 || ps.Attempts[0].Status != "awaiting_deposit" || ps.Attempts[0].Deposit == nil {
				t.Fatalf("%d attempts, want one transfer awaited: %+v", len(ps.Attempts), ps.Attempts)
			}
			want := ps.Attempts[0]
			for i, rec := range recs {
				st := decode[api.StartedPayment](t, rec, http.StatusCreated)
				if st.Reference != want.Reference || st.Deposit == nil || !st.Deposit.Due.Equal(want.Deposit.Due) ||
					!st.CreatedAt.Equal(want.CreatedAt) {
					t.Errorf("start %d = %s (%+v, created %v), want %s", i, st.Reference, st.Deposit, st.CreatedAt, want.Reference)
				}
			}
			if (ps.CashReceipt != nil) != (o.Total >= payment.MandatoryCashReceipt) {
				t.Errorf("cash receipt = %+v for a total of %d", ps.CashReceipt, o.Total)
			}
		})
	}
}

func TestStartTestpay(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	choco := f.product(t, "말랑 다크초콜릿", 12000, 10, false)
	o := f.placed(t, c, "testpay", choco)

	st := decode[api.StartedPayment](t, f.start(t, c, o.Number, map[string]any{"method": "testpay", "mobile": true}), http.StatusCreated)
	if st.Provider != "testpay" || st.Status != "prepared" || st.Amount != o.Total || st.ChargeAmount != o.Total ||
		st.ChargeCurrency != "KRW" || st.Deposit != nil || st.Script != nil ||
		st.RedirectURL == nil || *st.RedirectURL != testBaseURL+"/pay/testpay/"+st.Reference {
		t.Errorf("started = %+v (redirect %v)", st, st.RedirectURL)
	}
	if !st.CreatedAt.Equal(f.clock.Now()) {
		t.Errorf("created_at = %v, want %v", st.CreatedAt, f.clock.Now())
	}

	// The customer pays in the window and comes back.
	a, err := f.pays.Confirm(t.Context(), "testpay", st.Reference, f.tp.Approve(st.Reference, o.Total))
	if err != nil || a.Status != payment.AttemptPaid {
		t.Fatalf("confirm = %+v, %v", a, err)
	}
	ps := decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
	if len(ps.Attempts) != 1 || ps.CashReceipt != nil {
		t.Fatalf("payments = %+v", ps)
	}
	if at := ps.Attempts[0]; at.Status != "paid" || at.Method != "테스트 카드" || at.PaidAt == nil || at.Reference != st.Reference || at.Refunded != 0 {
		t.Errorf("attempt = %+v", at)
	}
	if got := decode[api.Order](t, f.do(t, req{method: "GET", path: "/api/v1/orders/" + o.Number, token: c.token}), http.StatusOK); got.Status != "paid" {
		t.Errorf("order = %s", got.Status)
	}
	p := wantProblem(t, f.start(t, c, o.Number, map[string]any{"method": "testpay"}), http.StatusConflict)
	if !strings.Contains(p.Detail, "does not wait for payment") {
		t.Errorf("detail = %q", p.Detail)
	}
}

func TestStartPaymentRefusals(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	other := f.checkoutCustomer(t, "other@example.com")
	choco := f.product(t, "말랑 다크초콜릿", 12000, 10, false)
	o := f.placed(t, c, "card", choco)

	tests := []struct {
		name      string
		as        checkoutCustomer
		number    string
		body      any
		status    int
		locations []string
	}{
		{"not offered", c, o.Number, map[string]any{"method": "cash"}, http.StatusUnprocessableEntity, []string{"body.method"}},
		{"no method", c, o.Number, map[string]any{}, http.StatusUnprocessableEntity, []string{"body.method"}},
		{"depositor too long", c, o.Number, map[string]any{"method": "bank_transfer", "depositor": strings.Repeat("김", 31)},
			http.StatusUnprocessableEntity, []string{"body.depositor"}},
		{"bad receipt number", c, o.Number, map[string]any{"method": "bank_transfer",
			"cash_receipt": map[string]any{"purpose": "expense_proof", "identity": "123-45-67890"}},
			http.StatusUnprocessableEntity, []string{"body.cash_receipt.identity"}},
		{"bad receipt purpose", c, o.Number, map[string]any{"method": "bank_transfer",
			"cash_receipt": map[string]any{"purpose": "gift", "identity": "010-1234-5678"}},
			http.StatusUnprocessableEntity, []string{"body.cash_receipt.purpose"}},
		{"someone else's order", other, o.Number, map[string]any{"method": "bank_transfer"}, http.StatusNotFound, nil},
		{"no such order", c, "20261130-ZZZZZZZZ", map[string]any{"method": "bank_transfer"}, http.StatusNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.start(t, tt.as, tt.number, tt.body)
			wantProblem(t, rec, tt.status, tt.locations...)
			if strings.Contains(rec.Body.String(), "123-45-67890") || strings.Contains(rec.Body.String(), "010-1234-5678") {
				t.Errorf("the problem repeats the number: %s", rec.Body)
			}
		})
	}
	wantProblem(t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: other.token}), http.StatusNotFound)
	wantProblem(t, f.do(t, req{method: "POST", path: paymentsPath(o.Number), body: map[string]any{"method": "bank_transfer"}}), http.StatusUnauthorized)
	// Nothing was started.
	if ps := decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK); len(ps.Attempts) != 0 || ps.CashReceipt != nil {
		t.Errorf("payments after refusals = %+v", ps)
	}
}

// A bank transfer is refused with a 409 that says why while a card payment
// of the order waits for the provider's word.
func TestStartTransferWhileCardSettles(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	o := f.placed(t, c, "testpay", f.product(t, "말랑 다크초콜릿", 12000, 10, false))
	st := decode[api.StartedPayment](t, f.start(t, c, o.Number, map[string]any{"method": "testpay"}), http.StatusCreated)
	// The provider did not answer the confirm; a job will look it up.
	q := f.d.Write()
	if _, err := q.ExecContext(t.Context(), q.Rebind(`UPDATE payment_attempts SET status = 'pending' WHERE reference = ?`), st.Reference); err != nil {
		t.Fatal(err)
	}
	p := wantProblem(t, f.start(t, c, o.Number, map[string]any{"method": "bank_transfer"}), http.StatusConflict)
	if !strings.Contains(p.Detail, "still being confirmed") {
		t.Errorf("detail = %q", p.Detail)
	}
	ps := decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
	if len(ps.Attempts) != 1 || ps.Attempts[0].Status != "pending" {
		t.Errorf("payments = %+v", ps.Attempts)
	}
}

// A provider that refuses to prepare the payment: KakaoPay answers the
// ready call of a shop configured with a merchant code it does not know
// with its error code, which the problem and the failed attempt carry.
func TestStartPaymentDeclined(t *testing.T) {
	t.Parallel()
	fake := kakaopaytest.NewServer()
	t.Cleanup(fake.Close)
	p, err := kakaopay.New(kakaopay.Config{SecretKey: kakaopaytest.SecretKey, CID: "TC0UNKNOWN", BaseURL: fake.URL()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := newShop(t, p)
	c := f.checkoutCustomer(t, minjiEmail)
	choco := f.product(t, "말랑 다크초콜릿", 12000, 10, false)
	o := f.placed(t, c, "kakaopay", choco)

	rec := f.start(t, c, o.Number, map[string]any{"method": "kakaopay"})
	p2 := wantProblem(t, rec, http.StatusBadGateway)
	var pp api.ProviderProblem
	if err := json.Unmarshal(rec.Body.Bytes(), &pp); err != nil {
		t.Fatal(err)
	}
	code := strconv.Itoa(kakaopaytest.CodeBadRequest)
	if pp.ProviderCode != code || pp.ProviderMessage != "cid가 올바르지 않습니다." ||
		p2.Type != "about:blank" || p2.Instance != paymentsPath(o.Number) || !strings.Contains(p2.Detail, "cid가 올바르지 않습니다.") {
		t.Errorf("problem = %s", rec.Body)
	}
	ps := decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
	if len(ps.Attempts) != 1 || ps.Attempts[0].Status != "failed" || ps.Attempts[0].FailureCode != code {
		t.Errorf("payments = %+v", ps)
	}
}

func TestCancelPaidOrder(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	choco := f.product(t, "말랑 다크초콜릿", 12000, 10, false)
	o := f.placed(t, c, "testpay", choco)
	f.pay(t, c, o, "testpay")

	rec := f.do(t, req{method: "POST", path: "/api/v1/orders/" + o.Number + "/cancel", token: c.token, body: map[string]any{"reason": "마음이 바뀌었어요"}})
	got := decode[api.Order](t, rec, http.StatusOK)
	if got.Status != "cancelled" || got.CanCancel || got.CancelledAt == nil {
		t.Errorf("cancelled = %+v", got.OrderSummary)
	}
	if last := got.History[len(got.History)-1]; last.To != "cancelled" || last.Actor != "customer" || last.Reason != "마음이 바뀌었어요" {
		t.Errorf("history = %+v", got.History)
	}
	ps := decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
	if len(ps.Attempts) != 1 || ps.Attempts[0].Status != "refunded" || ps.Attempts[0].Refunded != o.Total {
		t.Errorf("attempts = %+v", ps.Attempts)
	}
	if len(ps.Refunds) != 1 || ps.Refunds[0].Amount != o.Total || ps.Refunds[0].Status != "done" || !ps.Refunds[0].OrderCancelled ||
		!strings.HasPrefix(ps.Refunds[0].ProviderRefundID, "tpr_") {
		t.Errorf("refunds = %+v", ps.Refunds)
	}
	if s := f.stock(t, choco); s != 10 {
		t.Errorf("stock = %d, want 10", s)
	}
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/orders/" + o.Number + "/cancel", token: c.token}), http.StatusConflict)

	// An unpaid order is simply cancelled.
	unpaid := f.placed(t, c, "testpay", choco)
	if got := decode[api.Order](t, f.do(t, req{method: "POST", path: "/api/v1/orders/" + unpaid.Number + "/cancel", token: c.token}), http.StatusOK); got.Status != "cancelled" {
		t.Errorf("unpaid cancelled = %s", got.Status)
	}
}

func TestStaffRefund(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	admin := f.checkoutCustomer(t, "staff@example.com")
	f.staff(t, &admin, "staff", "orders")
	clerk := f.checkoutCustomer(t, "clerk@example.com")
	f.staff(t, &clerk, "staff", "catalog")
	choco := f.product(t, "말랑 다크초콜릿", 12000, 10, false)
	jelly := f.product(t, "말랑 젤리", 3000, 10, false)
	o := f.placed(t, c, "testpay", choco, jelly)
	f.pay(t, c, o, "testpay")
	id := orderID(t, f, o.Number)
	jellyLine := o.Lines[1].ID
	refund := func(as checkoutCustomer, orderID int64, body any) *httptest.ResponseRecorder {
		return f.do(t, req{method: "POST", path: refundPath(orderID), token: as.token, body: body})
	}
	one := map[string]any{"line_ids": []int64{jellyLine}, "reason": "젤리 파손"}

	for _, who := range []struct {
		name string
		as   checkoutCustomer
	}{{"customer", c}, {"staff without the orders permission", clerk}} {
		t.Run(who.name, func(t *testing.T) {
			wantProblem(t, refund(who.as, id, one), http.StatusForbidden)
		})
	}

	tests := []struct {
		name      string
		orderID   int64
		body      any
		status    int
		locations []string
	}{
		{"no reason", id, map[string]any{"line_ids": []int64{jellyLine}}, http.StatusUnprocessableEntity, []string{"body.reason"}},
		{"blank reason", id, map[string]any{"line_ids": []int64{jellyLine}, "reason": "   "}, http.StatusUnprocessableEntity, []string{"body.reason"}},
		{"reason too long", id, map[string]any{"reason": strings.Repeat("가", 201)}, http.StatusUnprocessableEntity, []string{"body.reason"}},
		{"not a line of the order", id, map[string]any{"line_ids": []int64{999999}, "reason": "파손"}, http.StatusUnprocessableEntity, []string{"body.line_ids"}},
		{"no such order", 999999, one, http.StatusNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, refund(admin, tt.orderID, tt.body), tt.status, tt.locations...)
		})
	}

	rf := decode[api.PaymentRefund](t, refund(admin, id, one), http.StatusCreated)
	if rf.ID == 0 || rf.Amount != 3000 || rf.Status != "done" || rf.OrderCancelled || rf.Points != 0 {
		t.Errorf("refund = %+v", rf)
	}
	got := decode[api.Order](t, f.do(t, req{method: "GET", path: "/api/v1/orders/" + o.Number, token: c.token}), http.StatusOK)
	if got.Status != "partially_refunded" || got.Lines[1].Status != "refunded" || got.Lines[0].Status == "refunded" {
		t.Errorf("order = %s, lines %+v", got.Status, got.Lines)
	}
	ps := decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
	if len(ps.Refunds) != 1 || ps.Refunds[0].ID != rf.ID || ps.Attempts[0].Status != "partially_refunded" || ps.Attempts[0].Refunded != 3000 {
		t.Errorf("payments = %+v", ps)
	}
	// The same line again is refused; the rest of the order is refunded by
	// a superuser, who needs no permission list.
	wantProblem(t, refund(admin, id, one), http.StatusUnprocessableEntity, "body.line_ids")
	f.staff(t, &clerk, "superuser", "")
	rest := decode[api.PaymentRefund](t, refund(clerk, id, map[string]any{"reason": "전체 환불"}), http.StatusCreated)
	if rest.Amount != o.Total-3000 || rest.Status != "done" {
		t.Errorf("rest = %+v", rest)
	}

	t.Run("unpaid order", func(t *testing.T) {
		unpaid := f.placed(t, c, "testpay", choco)
		p := wantProblem(t, refund(admin, orderID(t, f, unpaid.Number), map[string]any{"reason": "환불"}), http.StatusConflict)
		if !strings.Contains(p.Detail, "cannot be refunded") {
			t.Errorf("detail = %q", p.Detail)
		}
	})
}

// A refund meets Toss's refusal (502 naming Toss's code, recorded as
// failed) and then Toss's silence (202 naming the refund, which the
// payment service finishes later, never a 500 nor a second refund).
func TestRefundProviderTrouble(t *testing.T) {
	t.Parallel()
	f, fake := tossShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	admin := f.checkoutCustomer(t, "staff@example.com")
	f.staff(t, &admin, "staff", "orders")
	choco := f.product(t, "말랑 다크초콜릿", 12000, 10, false)
	o := f.placed(t, c, "toss", choco)
	key := f.payByToss(t, fake, c, o)
	id := orderID(t, f, o.Number)
	body := map[string]any{"reason": "고객 요청"}

	// The payment was cancelled in Toss's dashboard: Toss refuses to cancel
	// it again.
	cancelAtToss(t, fake, key, o.Total)
	rec := f.do(t, req{method: "POST", path: refundPath(id), token: admin.token, body: body})
	wantProblem(t, rec, http.StatusBadGateway)
	var pp api.ProviderProblem
	if err := json.Unmarshal(rec.Body.Bytes(), &pp); err != nil || pp.ProviderCode != "ALREADY_CANCELED_PAYMENT" || pp.ProviderMessage == "" {
		t.Errorf("problem = %s (%v)", rec.Body, err)
	}
	// The customer's cancel meets the same refusal; the order stays paid.
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/orders/" + o.Number + "/cancel", token: c.token}), http.StatusBadGateway)
	if got := decode[api.Order](t, f.do(t, req{method: "GET", path: "/api/v1/orders/" + o.Number, token: c.token}), http.StatusOK); got.Status != "paid" {
		t.Errorf("order after refusals = %s", got.Status)
	}

	fake.FailNext(tosstest.CancelPath(key), http.StatusInternalServerError)
	rec = f.do(t, req{method: "POST", path: refundPath(id), token: admin.token, body: body})
	if rec.Code != http.StatusAccepted || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d, %s: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	var pending api.RefundPendingProblem
	if err := json.Unmarshal(rec.Body.Bytes(), &pending); err != nil {
		t.Fatal(err)
	}
	if pending.Status != http.StatusAccepted || pending.RefundID == 0 || pending.Type != "about:blank" ||
		pending.Instance != refundPath(id) || !strings.Contains(pending.Detail, "not known") {
		t.Errorf("pending = %s", rec.Body)
	}
	ps := decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
	// The two refusals are recorded as failed, the last as requested.
	if n := len(ps.Refunds); n != 3 || ps.Refunds[n-1].ID != pending.RefundID || ps.Refunds[n-1].Status != "requested" ||
		ps.Refunds[0].Status != "failed" || ps.Refunds[1].Status != "failed" {
		t.Errorf("refunds = %+v", ps.Refunds)
	}
	// Asking again cannot refund twice.
	wantProblem(t, f.do(t, req{method: "POST", path: refundPath(id), token: admin.token, body: body}), http.StatusConflict)

	// A customer cancelling a paid order meets the same silence: 202.
	second := f.placed(t, c, "toss", choco)
	key = f.payByToss(t, fake, c, second)
	fake.FailNext(tosstest.CancelPath(key), http.StatusServiceUnavailable)
	rec = f.do(t, req{method: "POST", path: "/api/v1/orders/" + second.Number + "/cancel", token: c.token})
	pending = api.RefundPendingProblem{}
	if err := json.Unmarshal(rec.Body.Bytes(), &pending); err != nil || rec.Code != http.StatusAccepted || pending.RefundID == 0 {
		t.Errorf("cancel without an answer = %d %s", rec.Code, rec.Body)
	}
}

func TestPaymentsOpenAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), "GET", "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	type operation struct {
		OperationID string                `json:"operationId"`
		Description string                `json:"description"`
		Tags        []string              `json:"tags"`
		Security    []map[string][]string `json:"security"`
		Responses   map[string]struct {
			Content map[string]struct {
				Schema struct {
					Ref string `json:"$ref"`
				} `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	}
	var doc struct {
		Paths map[string]map[string]operation `json:"paths"`
		Tags  []struct {
			Name string `json:"name"`
		} `json:"tags"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		method, path, id, tag string
		authed                bool
		codes                 []string
	}{
		{"get", "/api/v1/payment-methods", "list-payment-methods", "Payments", false, []string{"200"}},
		{"post", "/api/v1/orders/{number}/payments", "start-payment", "Payments", true, []string{"201", "401", "404", "409", "422", "502"}},
		{"get", "/api/v1/orders/{number}/payments", "list-order-payments", "Payments", true, []string{"200", "401", "404"}},
		{"post", "/api/v1/admin/orders/{id}/refunds", "refund-order", "Admin", true, []string{"201", "202", "401", "403", "404", "409", "422", "502"}},
		{"post", "/api/v1/orders/{number}/cancel", "cancel-order", "Orders", true, []string{"200", "202", "409", "502"}},
	}
	for _, w := range want {
		op, ok := doc.Paths[w.path][w.method]
		if !ok {
			t.Errorf("%s %s is not documented", w.method, w.path)
			continue
		}
		if op.OperationID != w.id || len(op.Tags) != 1 || op.Tags[0] != w.tag || (len(op.Security) == 1) != w.authed || op.Description == "" {
			t.Errorf("%s %s = %+v", w.method, w.path, op)
		}
		for _, code := range w.codes {
			if _, ok := op.Responses[code]; !ok {
				t.Errorf("%s %s: no %s response", w.method, w.path, code)
			}
		}
	}
	refund := doc.Paths["/api/v1/admin/orders/{id}/refunds"]["post"]
	if ref := refund.Responses["502"].Content["application/problem+json"].Schema.Ref; !strings.HasSuffix(ref, "/ProviderProblem") {
		t.Errorf("502 schema = %q", ref)
	}
	if ref := refund.Responses["202"].Content["application/problem+json"].Schema.Ref; !strings.HasSuffix(ref, "/RefundPendingProblem") {
		t.Errorf("202 schema = %q", ref)
	}
	tags := map[string]bool{}
	for _, tg := range doc.Tags {
		tags[tg.Name] = true
	}
	if !tags["Payments"] || !tags["Admin"] {
		t.Errorf("tags = %+v", doc.Tags)
	}
	for _, s := range []string{"provider_code", "buyer_protection_notice", "REJECT_CARD_COMPANY", "*******5678"} {
		if !strings.Contains(rec.Body.String(), s) {
			t.Errorf("the document lacks %q", s)
		}
	}
}

// A paid bank-transfer order cancelled by its customer through the API:
// without a refund account, or with a bad one, 422 names the fields and
// nothing changes; with one, the order is cancelled and its refund waits
// for the shop's transfer (awaiting_transfer, the account masked), until
// staff record it through the admin operation.
func TestCancelTransferOrder(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	admin := f.checkoutCustomer(t, "staff@example.com")
	f.staff(t, &admin, "staff", "orders")
	choco := f.product(t, "말랑 다크초콜릿", 12000, 10, false)
	o := f.placed(t, c, "card", choco)
	decode[api.StartedPayment](t, f.start(t, c, o.Number, map[string]any{"method": "bank_transfer", "depositor": "김민지"}), http.StatusCreated)
	if _, err := f.pays.ConfirmDeposit(t.Context(), audit.Actor{UserID: admin.id, Email: "staff@example.com"}, orderID(t, f, o.Number), ""); err != nil {
		t.Fatal(err)
	}
	cancel := "/api/v1/orders/" + o.Number + "/cancel"
	wantProblem(t, f.do(t, req{method: "POST", path: cancel, token: c.token, body: map[string]any{"reason": "변심"}}),
		http.StatusUnprocessableEntity, "body.refund_account.bank", "body.refund_account.holder", "body.refund_account.number")
	wantProblem(t, f.do(t, req{method: "POST", path: cancel, token: c.token, body: map[string]any{
		"refund_account": map[string]any{"bank": "088", "number": "110-12x", "holder": "김민지"}}}),
		http.StatusUnprocessableEntity, "body.refund_account.number")
	ps := decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
	if len(ps.Refunds) != 0 || ps.Attempts[0].Status != "paid" {
		t.Fatalf("refused cancels changed the payments: %+v", ps)
	}

	got := decode[api.Order](t, f.do(t, req{method: "POST", path: cancel, token: c.token, body: map[string]any{"reason": "변심",
		"refund_account": map[string]any{"bank": "088", "number": "110-123-456789", "holder": "김민지"}}}), http.StatusOK)
	if got.Status != "cancelled" {
		t.Fatalf("order = %s", got.Status)
	}
	ps = decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
	if len(ps.Refunds) != 1 || ps.Refunds[0].Status != "awaiting_transfer" || ps.Refunds[0].RefundAccount != "신한은행 ****6789" ||
		ps.Refunds[0].ProviderRefundID != "" || ps.Refunds[0].TransferredAt != nil || ps.Attempts[0].Status != "paid" {
		t.Fatalf("payments = %+v", ps)
	}
	transfer := "/api/v1/admin/refunds/" + strconv.FormatInt(ps.Refunds[0].ID, 10) + "/transfer"
	wantProblem(t, f.do(t, req{method: "POST", path: transfer, token: c.token}), http.StatusForbidden)
	wantProblem(t, f.do(t, req{method: "POST", path: transfer, token: admin.token, body: map[string]any{"memo": "a\nb"}}),
		http.StatusUnprocessableEntity, "body.memo")
	rf := decode[api.PaymentRefund](t, f.do(t, req{method: "POST", path: transfer, token: admin.token,
		body: map[string]any{"memo": "신한 이체"}}), http.StatusOK)
	if rf.Status != "done" || rf.ProviderRefundID != "transfer" || rf.TransferredAt == nil || strings.Contains(fmt.Sprint(rf), "456789") {
		t.Fatalf("refund = %+v", rf)
	}
	wantProblem(t, f.do(t, req{method: "POST", path: transfer, token: admin.token}), http.StatusConflict)
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/admin/refunds/999999/transfer", token: admin.token}), http.StatusNotFound)
	ps = decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
	if ps.Refunds[0].Status != "done" || ps.Attempts[0].Status != "refunded" || ps.Attempts[0].Refunded != o.Total {
		t.Fatalf("payments after the transfer = %+v", ps)
	}
}
