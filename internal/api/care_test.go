package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
)

// A customer asks about their order; another customer's order is refused;
// staff answer through the admin API and the customer reads the answer; the
// answer mail is in the outbox.
func TestInquiriesAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	o := f.placed(t, c, "bank_transfer", f.product(t, "말랑 쌀", 10000, 5, false))
	other, _ := f.customer(t, "jisoo@example.com")

	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/inquiries", token: other,
		body: map[string]any{"kind": "order", "order_number": o.Number, "title": "남의 주문", "body": "?"}}), http.StatusUnprocessableEntity, "body.order_number")
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/inquiries", token: c.token,
		body: map[string]any{"kind": "order", "title": " ", "body": ""}}), http.StatusUnprocessableEntity, "body.title", "body.body")
	q := decode[api.Inquiry](t, f.do(t, req{method: "POST", path: "/api/v1/inquiries", token: c.token,
		body: map[string]any{"kind": "order", "order_number": o.Number, "title": "입금 확인", "body": "입금했어요"}}), http.StatusCreated)
	if q.OrderNumber != o.Number || q.Status != "open" {
		t.Fatalf("inquiry %+v", q)
	}
	path := "/api/v1/inquiries/" + strconv.FormatInt(q.ID, 10)
	wantProblem(t, f.do(t, req{method: "GET", path: path, token: other}), http.StatusNotFound)

	_, staffID := f.customer(t, "cs@example.com")
	m := f.makeStaff(t, staffID, account.Staff, account.PermCustomers)
	tok := f.staffToken(t, m).AccessToken
	n := decode[map[string]int](t, f.do(t, req{method: "GET", path: "/api/v1/admin/inquiries/open-count", token: tok}), http.StatusOK)
	if n["open"] != 1 {
		t.Fatalf("open count %v", n)
	}
	admin := "/api/v1/admin/inquiries/" + strconv.FormatInt(q.ID, 10)
	wantProblem(t, f.do(t, req{method: "PUT", path: admin + "/answer", token: tok, body: map[string]string{"answer": ""}}), http.StatusUnprocessableEntity, "body.answer")
	a := decode[api.Inquiry](t, f.do(t, req{method: "PUT", path: admin + "/answer", token: tok, body: map[string]string{"answer": "입금 확인되었습니다."}}), http.StatusOK)
	if a.Status != "answered" || a.UserID != c.id {
		t.Fatalf("answered %+v", a)
	}
	mine := decode[api.Inquiry](t, f.do(t, req{method: "GET", path: path, token: c.token}), http.StatusOK)
	if mine.Answer != "입금 확인되었습니다." || mine.AnsweredAt == nil {
		t.Fatalf("the customer sees %+v", mine)
	}
	var subjects []string
	if err := f.d.Read().SelectContext(t.Context(), &subjects, f.d.Read().Rebind(`SELECT subject FROM outbox WHERE to_address = ?`), minjiEmail); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(subjects, "|"), `"입금 확인"에 답변을 드렸습니다`) {
		t.Fatalf("no answer mail: %q", subjects)
	}
	tp := decode[api.AnswerTemplate](t, f.do(t, req{method: "POST", path: "/api/v1/admin/inquiry-templates", token: tok,
		body: map[string]string{"title": "입금", "body": "확인되었습니다"}}), http.StatusOK)
	decode[api.AnswerTemplate](t, f.do(t, req{method: "PUT", path: "/api/v1/admin/inquiry-templates/" + strconv.FormatInt(tp.ID, 10), token: tok,
		body: map[string]string{"title": "입금 확인", "body": "확인되었습니다"}}), http.StatusOK)
	if rec := f.do(t, req{method: "DELETE", path: "/api/v1/admin/inquiry-templates/" + strconv.FormatInt(tp.ID, 10), token: tok}); rec.Code/100 != 2 {
		t.Fatalf("delete template: %d %s", rec.Code, rec.Body)
	}
}

// Staff read a customer, adjust points (audited, in the ledger; no more
// than the balance), see addresses masked or revealed (audited), and block
// the customer, who cannot place an order then.
func TestCustomersAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	v := f.product(t, "말랑 보리", 10000, 5, false)
	_, staffID := f.customer(t, "cs@example.com")
	m := f.makeStaff(t, staffID, account.Staff, account.PermCustomers)
	tok := f.staffToken(t, m).AccessToken
	base := "/api/v1/admin/customers/" + strconv.FormatInt(c.id, 10)

	p := decode[api.CustomerProfile](t, f.do(t, req{method: "GET", path: base, token: tok}), http.StatusOK)
	if p.Email != minjiEmail || p.Phone == "" || len(p.Logins) == 0 || len(p.Consents) == 0 || p.Grade == "" {
		t.Fatalf("profile %+v", p)
	}
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/admin/customers/999999", token: tok}), http.StatusNotFound)
	wantProblem(t, f.do(t, req{method: "POST", path: base + "/points", token: tok, body: map[string]any{"amount": -1, "reason": "회수"}}),
		http.StatusUnprocessableEntity, "body.amount")
	wantProblem(t, f.do(t, req{method: "POST", path: base + "/points", token: tok, body: map[string]any{"amount": 100, "reason": ""}}),
		http.StatusUnprocessableEntity, "body.reason")
	b := decode[map[string]int64](t, f.do(t, req{method: "POST", path: base + "/points", token: tok, body: map[string]any{"amount": 2000, "reason": "보상"}}), http.StatusOK)
	if b["points"] != 2000 {
		t.Fatalf("balance %v", b)
	}
	es := decode[[]api.PointsEntry](t, f.do(t, req{method: "GET", path: base + "/points", token: tok}), http.StatusOK)
	if len(es) != 1 || es[0].Amount != 2000 || es[0].Memo != "보상" || es[0].ActorID != staffID {
		t.Fatalf("ledger %+v", es)
	}
	masked := decode[[]api.CustomerAddress](t, f.do(t, req{method: "GET", path: base + "/addresses", token: tok}), http.StatusOK)
	if len(masked) != 1 || !masked[0].Masked || masked[0].Line1 != "" {
		t.Fatalf("masked %+v", masked)
	}
	full := decode[[]api.CustomerAddress](t, f.do(t, req{method: "GET", path: base + "/addresses?reveal=true", token: tok}), http.StatusOK)
	if len(full) != 1 || full[0].Masked || full[0].Line1 == "" {
		t.Fatalf("revealed %+v", full)
	}
	var actions []string
	if err := f.d.Read().SelectContext(t.Context(), &actions, f.d.Read().Rebind(`SELECT action FROM audit_log WHERE actor_id = ? AND action <> 'apitoken.staff_issued' ORDER BY id`), staffID); err != nil {
		t.Fatal(err)
	}
	if strings.Join(actions, ",") != "points.adjusted,customer.addresses_viewed" {
		t.Fatalf("audit %v", actions)
	}

	wantProblem(t, f.do(t, req{method: "POST", path: base + "/block", token: tok, body: map[string]string{"reason": ""}}), http.StatusUnprocessableEntity, "body.reason")
	decode[map[string]bool](t, f.do(t, req{method: "POST", path: base + "/block", token: tok, body: map[string]string{"reason": "결제 도용 의심"}}), http.StatusOK)
	wantProblem(t, f.do(t, req{method: "POST", path: base + "/block", token: tok, body: map[string]string{"reason": "again"}}), http.StatusConflict)
	// The customer's sign-in ended with the block: no order can be placed.
	f.add2(t, c, v)
	wantProblem(t, f.place(t, c, "blocked-1", map[string]any{"address_id": c.addressID, "payment_method": "bank_transfer"}), http.StatusUnauthorized)
	if n := f.ordersOf(t, c.id); n != 0 {
		t.Fatalf("a blocked customer placed %d orders", n)
	}
	decode[map[string]bool](t, f.do(t, req{method: "POST", path: base + "/unblock", token: tok, body: map[string]string{"reason": "확인"}}), http.StatusOK)
}

// add2 puts one unit of variant in c's cart, whatever the answer (the
// customer may be signed out).
func (f *fixture) add2(t *testing.T, c checkoutCustomer, variant int64) {
	t.Helper()
	f.do(t, req{method: "POST", path: "/api/v1/cart/lines", token: c.token, body: map[string]any{"variant_id": variant, "quantity": 1}})
}

// Every new admin operation answers 403 to a staff token without the
// customers scope.
func TestCareNeedsCustomersScope(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	_, cid := f.customer(t, minjiEmail)
	_, staffID := f.customer(t, "orders@example.com")
	m := f.makeStaff(t, staffID, account.Staff, account.PermOrders, account.PermCatalog, account.PermContent, account.PermMail, account.PermSecurity)
	tok := f.staffToken(t, m).AccessToken
	base := "/api/v1/admin/customers/" + strconv.FormatInt(cid, 10)
	tests := []struct {
		method, path string
		body         any
	}{
		{"GET", base, nil},
		{"GET", base + "/points", nil},
		{"POST", base + "/points", map[string]any{"amount": 1, "reason": "x"}},
		{"GET", base + "/addresses", nil},
		{"GET", base + "/addresses?reveal=true", nil},
		{"POST", base + "/block", map[string]string{"reason": "x"}},
		{"POST", base + "/unblock", map[string]string{"reason": "x"}},
		{"GET", "/api/v1/admin/inquiries", nil},
		{"GET", "/api/v1/admin/inquiries/open-count", nil},
		{"GET", "/api/v1/admin/inquiries/1", nil},
		{"PUT", "/api/v1/admin/inquiries/1/answer", map[string]string{"answer": "x"}},
		{"GET", "/api/v1/admin/inquiry-templates", nil},
		{"POST", "/api/v1/admin/inquiry-templates", map[string]string{"title": "x", "body": "x"}},
		{"PUT", "/api/v1/admin/inquiry-templates/1", map[string]string{"title": "x", "body": "x"}},
		{"DELETE", "/api/v1/admin/inquiry-templates/1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			wantProblem(t, f.do(t, req{method: tt.method, path: tt.path, token: tok, body: tt.body}), http.StatusForbidden)
		})
	}
	var n int
	if err := f.d.Read().GetContext(t.Context(), &n, `SELECT COUNT(*) FROM audit_log WHERE action IN ('points.adjusted', 'customer.addresses_viewed', 'user.blocked')`); err != nil || n != 0 {
		t.Fatalf("refused operations changed something: %d, %v", n, err)
	}
}
