package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/api"
)

func cashReceiptPath(number string) string { return "/api/v1/orders/" + number + "/cash-receipt" }

// A customer asks for a cash receipt for a bank-transfer order after
// placing it: a bad number is named, a good one is taken (201, masked),
// shown in the order's payments, and a second request is 409; an order
// paid by card has no cash sale to receipt.
func TestRequestCashReceipt(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	choco := f.product(t, "말랑 다크초콜릿", 12000, 10, false)
	o := f.placed(t, c, "card", choco)
	decode[api.StartedPayment](t, f.start(t, c, o.Number, map[string]any{"method": "bank_transfer"}), http.StatusCreated)

	tests := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"bad phone", map[string]any{"purpose": "income_deduction", "identity": "12-34"}, "body.identity"},
		{"bad business number", map[string]any{"purpose": "expense_proof", "identity": "123-45-67890"}, "body.identity"},
		{"unknown purpose", map[string]any{"purpose": "gift", "identity": "01012345678"}, "body.purpose"},
	}
	for _, tt := range tests {
		rec := f.do(t, req{method: "POST", path: cashReceiptPath(o.Number), token: c.token, body: tt.body})
		p := decodeProblem(t, rec, http.StatusUnprocessableEntity)
		if !strings.Contains(mustJSON(t, p.Errors), tt.field) {
			t.Errorf("%s: errors %+v, want %s", tt.name, p.Errors, tt.field)
		}
	}

	body := map[string]any{"purpose": "income_deduction", "identity": "010-2222-3333"}
	rec := f.do(t, req{method: "POST", path: cashReceiptPath(o.Number), token: c.token, body: body})
	got := decode[api.CashReceipt](t, rec, http.StatusCreated)
	if got.Identity != "*******3333" || !got.Requested || got.Status != "pending" || got.Amount != o.Total || got.ReceiptURL != nil {
		t.Fatalf("receipt = %+v", got)
	}
	if strings.Contains(rec.Body.String(), "01022223333") {
		t.Fatalf("the number is shown whole: %s", rec.Body)
	}
	ps := decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
	if ps.CashReceipt == nil || ps.CashReceipt.Identity != "*******3333" {
		t.Fatalf("payments' receipt = %+v", ps.CashReceipt)
	}
	decodeProblem(t, f.do(t, req{method: "POST", path: cashReceiptPath(o.Number), token: c.token, body: body}), http.StatusConflict)

	// Paid by card: no cash sale.
	card := f.placed(t, c, "card", f.product(t, "말랑 밀크초콜릿", 9000, 10, false))
	f.pay(t, c, card, "testpay")
	decodeProblem(t, f.do(t, req{method: "POST", path: cashReceiptPath(card.Number), token: c.token, body: body}), http.StatusConflict)
	// Someone else's order, or none: 404.
	other := f.checkoutCustomer(t, "other@example.com")
	decodeProblem(t, f.do(t, req{method: "POST", path: cashReceiptPath(o.Number), token: other.token, body: body}), http.StatusNotFound)
}
