package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// A delivered order offers 구매확정; confirming it completes the order and
// credits its points, once.
func TestConfirmPurchasePage(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	ctx := t.Context()
	f := catalogtest.Seed(t, s.cat, 8)
	b := s.member(t, signupForm)
	r := s.checkoutWith(t, b, s.variantOf(t, f, 0), url.Values{"payment": {"testpay"}})
	ref := strings.TrimPrefix(strings.TrimPrefix(r.header.Get("Location"), s.srv.URL), "/pay/testpay/")
	number := payment.OrderNumber(ref)
	r = b.post("/pay/testpay/"+ref, url.Values{"action": {"approve"}, "amount": {"4000"}})
	wantStatus(t, b.get(r.header.Get("Location")), http.StatusSeeOther, "/account/orders/"+number+"?paid=1")
	page := "/account/orders/" + number
	mustNotContain(t, b.get(page).body, `data-testid="order-confirm"`)
	// Not delivered yet: refused with why.
	wantStatus(t, b.post(page+"/confirm", nil), http.StatusSeeOther, page)
	mustContain(t, b.get(page).body, "구매를 확정할 수 없는 주문입니다")

	var staffID int64
	q := s.d.Write()
	if err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO users (email, role) VALUES (?, 'staff') RETURNING id`), "staff@example.com").Scan(&staffID); err != nil {
		t.Fatal(err)
	}
	var buyerID int64
	if err := q.QueryRowxContext(ctx, q.Rebind(`SELECT id FROM users WHERE email = ?`), signupForm.Get("email")).Scan(&buyerID); err != nil {
		t.Fatal(err)
	}
	o, err := s.orders.ByNumber(ctx, buyerID, number)
	if err != nil {
		t.Fatal(err)
	}
	staff := order.Staff(audit.Actor{UserID: staffID})
	if _, err := s.orders.Ship(ctx, o.ID, "cj", "1234-5678-9012", staff); err != nil {
		t.Fatal(err)
	}
	if _, err := s.orders.Transition(ctx, o.ID, order.Delivered, staff, ""); err != nil {
		t.Fatal(err)
	}
	r = b.get(page)
	mustContain(t, r.body, `data-testid="order-confirm"`, "적립금 40원이 적립되고")

	wantStatus(t, b.post(page+"/confirm", nil), http.StatusSeeOther, page)
	r = b.get(page)
	mustContain(t, r.body, "적립금 40원이 적립되었습니다", `data-status="completed"`)
	mustNotContain(t, r.body, `data-testid="order-confirm"`)
	wantStatus(t, b.post(page+"/confirm", nil), http.StatusSeeOther, page) // a second tab
	mustContain(t, b.get(page).body, "구매를 확정할 수 없는 주문입니다")
	if bal, err := s.points.Balance(ctx, o.UserID); err != nil || bal != 40 {
		t.Fatalf("points = %d, %v; want 40 once", bal, err)
	}
}
