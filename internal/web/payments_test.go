package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/payment"
)

// checkoutWith adds variant v to the cart and places the order with the
// payment form fields pay, returning the answer to "place".
func (s *accountShop) checkoutWith(t *testing.T, b *browser, v int64, pay url.Values) response {
	t.Helper()
	wantStatus(t, b.post("/cart/add", url.Values{"variant": {id(v)}, "quantity": {"1"}}), http.StatusSeeOther, "/cart?added=1")
	r := b.get("/checkout")
	wantStatus(t, r, http.StatusOK, "")
	form := url.Values{"key": {keyRE.FindStringSubmatch(r.body)[1]}, "address": {"new"}, "recipient": {"김민지"},
		"phone": {"010-1234-5678"}, "postcode": {"06236"}, "line1": {"서울 강남구 테헤란로 123"}, "action": {"place"}}
	for k, vs := range pay {
		form[k] = vs
	}
	return b.post("/checkout", form)
}

var orderPathRE = regexp.MustCompile(`^/account/orders/(\d{8}-[0-9A-Z]{8})`)

func TestPayWithTestProvider(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	f := catalogtest.Seed(t, s.cat, 8)
	b := s.member(t, signupForm)
	r := s.checkoutWith(t, b, s.variantOf(t, f, 0), url.Values{"payment": {"testpay"}})
	wantStatus(t, r, http.StatusSeeOther, "")
	window := strings.TrimPrefix(r.header.Get("Location"), s.srv.URL)
	if !strings.HasPrefix(window, "/pay/testpay/") {
		t.Fatalf("checkout went to %q, want the test window", window)
	}
	ref := strings.TrimPrefix(window, "/pay/testpay/")
	number := payment.OrderNumber(ref)
	r = b.get(window)
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, `data-testid="testpay-amount"`, "4,000원") // ₩1,000 and ₩3,000 shipping

	// Declining leads to the provider's reason and a way to pay again.
	r = b.post(window, url.Values{"action": {"decline"}})
	wantStatus(t, r, http.StatusSeeOther, "")
	r = b.get(r.header.Get("Location"))
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, `data-testid="pay-message"`, "카드사에서 결제를 거절했습니다", `href="/account/orders/`+number+`/pay"`)

	// Paying again: approve, come back, and the order is paid, once.
	r = b.post("/account/orders/"+number+"/pay", url.Values{"payment": {"testpay"}})
	wantStatus(t, r, http.StatusSeeOther, "")
	window = strings.TrimPrefix(r.header.Get("Location"), s.srv.URL)
	r = b.post(window, url.Values{"action": {"approve"}, "amount": {"4000"}})
	wantStatus(t, r, http.StatusSeeOther, "")
	back := r.header.Get("Location")
	for range 2 { // the customer refreshes the return page
		wantStatus(t, b.get(back), http.StatusSeeOther, "/account/orders/"+number+"?paid=1")
	}
	r = b.get("/account/orders/" + number + "?paid=1")
	mustContain(t, r.body, "결제가 완료되었습니다", `data-status="paid"`, `data-testid="paid-with"`, "테스트 결제")
	mustNotContain(t, r.body, `data-testid="order-pay"`)
	if n := count(r.body, "결제 완료"); n < 1 {
		t.Errorf("no paid entry in the history")
	}

	// A paid order cancelled before shipping is refunded; a card refund
	// asks for no account.
	mustNotContain(t, r.body, `data-testid="refund-account"`)
	wantStatus(t, b.post("/account/orders/"+number+"/cancel", url.Values{"reason": {"주소 변경"}}), http.StatusSeeOther, "/account/orders/"+number)
	r = b.get("/account/orders/" + number)
	mustContain(t, r.body, `data-status="cancelled"`, `data-testid="refund-line"`, "환불 완료 4,000원")
	mustNotContain(t, r.body, "적립금 0원") // no points were spent: none are said to come back
}

// A customer whose card payment timed out at the provider (the outcome is
// not known yet) and who then picks a bank transfer is told to wait: the
// card may have been charged.
func TestTransferWhileCardSettles(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	f := catalogtest.Seed(t, s.cat, 8)
	b := s.member(t, signupForm)
	r := s.checkoutWith(t, b, s.variantOf(t, f, 0), url.Values{"payment": {"testpay"}})
	wantStatus(t, r, http.StatusSeeOther, "")
	ref := strings.TrimPrefix(strings.TrimPrefix(r.header.Get("Location"), s.srv.URL), "/pay/testpay/")
	number := payment.OrderNumber(ref)
	// The provider did not answer the confirm; a job will look it up.
	q := s.d.Write()
	if _, err := q.ExecContext(context.Background(), q.Rebind(`UPDATE payment_attempts SET status = 'pending' WHERE reference = ?`), ref); err != nil {
		t.Fatal(err)
	}
	r = b.post("/account/orders/"+number+"/pay", url.Values{"payment": {"bank_transfer"}, "depositor": {"김민지"}})
	wantStatus(t, r, http.StatusConflict, "")
	mustContain(t, r.body, "결제사에 확인하고 있습니다")
	mustContain(t, b.get("/account/orders/"+number).body, `data-status="pending_payment"`)
}

func TestPaymentTampering(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	f := catalogtest.Seed(t, s.cat, 8)
	b := s.member(t, signupForm)
	r := s.checkoutWith(t, b, s.variantOf(t, f, 1), url.Values{"payment": {"testpay"}})
	window := strings.TrimPrefix(r.header.Get("Location"), s.srv.URL)
	number := payment.OrderNumber(strings.TrimPrefix(window, "/pay/testpay/"))
	// The "browser" approves ₩100 instead of the order's total.
	r = b.post(window, url.Values{"action": {"approve"}, "amount": {"100"}})
	r = b.get(r.header.Get("Location"))
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "AMOUNT_MISMATCH", "결제된 금액이 주문 금액과 달라")
	r = b.get("/account/orders/" + number)
	mustContain(t, r.body, `data-status="pending_payment"`, `data-testid="order-pay"`)
	// Editing the signed approval is refused too.
	r = b.post("/account/orders/"+number+"/pay", url.Values{"payment": {"testpay"}})
	window = strings.TrimPrefix(r.header.Get("Location"), s.srv.URL)
	r = b.post(window, url.Values{"action": {"approve"}})
	back, _ := url.Parse(r.header.Get("Location"))
	q := back.Query()
	q.Set("amount", "1")
	back.RawQuery = q.Encode()
	mustContain(t, b.get(back.String()).body, "TESTPAY_INVALID_APPROVAL")
	mustContain(t, b.get("/account/orders/"+number).body, `data-status="pending_payment"`)
}

func TestBankTransferPages(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	f := catalogtest.Seed(t, s.cat, 8)
	b := s.member(t, signupForm)
	// The product is VAT-exempt: the order page and the receipt split the
	// total.
	yes := true
	if err := s.cat.UpdateProduct(context.Background(), f.Products[2], catalog.ProductUpdate{TaxFree: &yes}); err != nil {
		t.Fatal(err)
	}
	// A bad cash-receipt number: the checkout says what to fix and
	// nothing is placed.
	r := s.checkoutWith(t, b, s.variantOf(t, f, 2), url.Values{"payment": {"bank_transfer"}, "depositor": {"김민지"},
		"cash_receipt_purpose": {"expense_proof"}, "cash_receipt_identity": {"123-45-67890"}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, `data-testid="checkout"`, `data-testid="error-cash_receipt_identity"`, "사업자등록번호")
	mustContain(t, b.get("/account/orders").body, `data-testid="no-orders"`)
	form := url.Values{"key": {keyRE.FindStringSubmatch(r.body)[1]}, "address": {"new"}, "recipient": {"김민지"},
		"phone": {"010-1234-5678"}, "postcode": {"06236"}, "line1": {"서울 강남구 테헤란로 123"}, "action": {"place"},
		"payment": {"bank_transfer"}, "depositor": {"김민지"}, "cash_receipt_purpose": {"income_deduction"},
		"cash_receipt_identity": {"010-1234-5678"}}
	r = b.post("/checkout", form)
	wantStatus(t, r, http.StatusSeeOther, "")
	m := orderPathRE.FindStringSubmatch(r.header.Get("Location"))
	if m == nil || !strings.HasSuffix(r.header.Get("Location"), "?deposit=1") {
		t.Fatalf("placed at %q", r.header.Get("Location"))
	}
	number := m[1]
	// The same checkout again is the same order.
	wantStatus(t, b.post("/checkout", form), http.StatusSeeOther, "/account/orders/"+number+"?deposit=1")
	r = b.get("/account/orders/" + number + "?deposit=1")
	mustContain(t, r.body, `data-status="awaiting_deposit"`, `data-testid="deposit-info"`, "123-45-6789", "(주)말랑",
		`data-testid="deposit-due"`, "구매안전서비스", `data-testid="cash-receipt"`, "발급 예정", `data-testid="order-tax-free"`, "면세 금액")
	mustContain(t, b.get("/account/orders/"+number+"/receipt").body, `data-testid="receipt-vat"`, "공급가액")

	// Staff confirm the deposit (the back office calls the same service).
	o, err := s.orders.ByNumber(context.Background(), 1, number)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.pays.ConfirmDeposit(context.Background(), audit.Actor{UserID: 1}, o.ID, "김민지"); err != nil {
		t.Fatal(err)
	}
	r = b.get("/account/orders/" + number)
	mustContain(t, r.body, `data-status="paid"`, "무통장입금", `data-testid="cancel-form"`, `data-testid="refund-account"`,
		`<option value="088">신한은행</option>`, `data-testid="field-refund_number"`, `data-testid="field-refund_holder"`)

	// Cancelling the paid order needs the account to send the money back
	// to: each field at fault is named, what was typed comes back, and
	// nothing changes.
	tests := []struct {
		name   string
		form   url.Values
		errors []string
	}{
		{"no account", url.Values{"reason": {"변심"}}, []string{"refund_bank", "refund_number", "refund_holder"}},
		{"bad number", url.Values{"refund_bank": {"088"}, "refund_number": {"110-12"}, "refund_holder": {"김민지"}}, []string{"refund_number"}},
		{"unknown bank", url.Values{"refund_bank": {"999"}, "refund_number": {"110-123-456789"}, "refund_holder": {"김민지"}}, []string{"refund_bank"}},
	}
	for _, tt := range tests {
		r := b.post("/account/orders/"+number+"/cancel", tt.form)
		wantStatus(t, r, http.StatusUnprocessableEntity, "")
		mustContain(t, r.body, `data-testid="order-error"`, "표시된 항목을 확인해 주세요")
		for _, f := range tt.errors {
			mustContain(t, r.body, `data-testid="error-`+f+`"`)
		}
		if h := tt.form.Get("refund_holder"); h != "" {
			mustContain(t, r.body, `value="`+h+`"`)
		}
	}
	if rs, _ := s.pays.Refunds(context.Background(), o.ID); len(rs) != 0 {
		t.Fatalf("refused cancels stored refunds %+v", rs)
	}
	mustContain(t, b.get("/account/orders/"+number).body, `data-status="paid"`)

	r = b.post("/account/orders/"+number+"/cancel", url.Values{"reason": {"변심"}, "refund_bank": {"088"},
		"refund_number": {"110-123-456789"}, "refund_holder": {"김민지"}})
	wantStatus(t, r, http.StatusSeeOther, "/account/orders/"+number)
	r = b.get("/account/orders/" + number)
	mustContain(t, r.body, `data-status="cancelled"`, "입력하신 계좌로 보내드리며", `data-status="awaiting_transfer"`,
		"환불 대기 "+o.TotalAmount().Korean(), "신한은행 ****6789")
	mustNotContain(t, r.body, "110123456789", "환불 완료", `data-testid="cancel-form"`)

	// Staff send the money and record it: only now is it refunded.
	var staffID int64
	q := s.d.Write()
	if err := q.QueryRowxContext(context.Background(), q.Rebind(`INSERT INTO users (email, role) VALUES (?, 'staff') RETURNING id`),
		"orders@example.com").Scan(&staffID); err != nil {
		t.Fatal(err)
	}
	rs, _ := s.pays.Refunds(context.Background(), o.ID)
	if len(rs) != 1 {
		t.Fatalf("refunds = %+v", rs)
	}
	if _, err := s.pays.RecordRefundTransfer(context.Background(), audit.Actor{UserID: staffID, Email: "orders@example.com"}, rs[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	r = b.get("/account/orders/" + number)
	mustContain(t, r.body, `data-status="done"`, "환불 완료 "+o.TotalAmount().Korean()+" · 신한은행 ****6789 계좌로 송금")
	mustNotContain(t, r.body, "환불 대기")

	// Webhooks: unknown providers and providers without notifications are
	// 404; nothing is settled by them.
	for _, p := range []string{"nope", "testpay"} {
		res, err := http.Post(s.srv.URL+"/payments/webhook/"+p, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("webhook of %s: %d, want 404", p, res.StatusCode)
		}
	}
}

// scriptProvider is a provider whose window is a script of its own (as
// Toss's and PortOne's are): the page must load it under a policy that
// allows it and hand it the parameters.
type scriptProvider struct{ testWindowless }

type testWindowless struct{}

func (testWindowless) Name() string { return "toss" }
func (testWindowless) Prepare(_ context.Context, r payment.PrepareRequest) (payment.Prepared, error) {
	return payment.Prepared{Charge: r.Amount, Script: &payment.Script{SDK: "https://js.tosspayments.com/v2/standard", Kind: "toss",
		Params: map[string]any{"clientKey": "test_ck_x", "orderId": r.Reference, "amount": map[string]any{"currency": "KRW", "value": r.Amount.Total},
			"successUrl": r.ReturnURL, "failUrl": r.FailURL}}}, nil
}
func (testWindowless) Confirm(context.Context, payment.ConfirmRequest) (payment.Result, error) {
	return payment.Result{}, &payment.Declined{Code: "NOT_USED", Message: "not used"}
}
func (testWindowless) Lookup(context.Context, payment.LookupRequest) (payment.Result, error) {
	return payment.Result{}, payment.ErrNotFound
}
func (testWindowless) Refund(context.Context, payment.RefundRequest) (payment.RefundResult, error) {
	return payment.RefundResult{}, &payment.Declined{Code: "NOT_USED", Message: "not used"}
}
func (testWindowless) ParseWebhook(context.Context, http.Header, []byte) (payment.Event, error) {
	return payment.Event{}, payment.ErrNoWebhooks
}

func TestScriptProviderPage(t *testing.T) {
	t.Parallel()
	// The shop with a provider whose window is its script.
	s := newAccountShop(t, scriptProvider{})
	f := catalogtest.Seed(t, s.cat, 8)
	b := s.member(t, signupForm)
	r := s.checkoutWith(t, b, s.variantOf(t, f, 0), url.Values{"payment": {"toss"}})
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, `data-testid="pay-script"`, `src="https://js.tosspayments.com/v2/standard"`, `id="pay-params"`,
		`"kind":"toss"`, `"clientKey":"test_ck_x"`, `/pay/fail/toss/`)
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "https://js.tosspayments.com") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	if coop := r.header.Get("Cross-Origin-Opener-Policy"); coop != "same-origin-allow-popups" {
		t.Errorf("Cross-Origin-Opener-Policy = %q", coop)
	}
}
