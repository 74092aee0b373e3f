package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/promotion"
)

// The account page shows the customer's grade, what it gives and how much
// is left to spend for the next one; a grade's discount shows as its own
// line at checkout and on the order, at the total charged.
func TestGradeOnAccountAndCheckout(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	ctx := context.Background()
	promos := s.shop.Promotions()
	f := catalogtest.Seed(t, s.cat, 8)
	v := s.variantOf(t, f, 0) // ₩1,000
	b := s.member(t, signupForm)

	r := b.get("/account")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, `data-testid="grade"`, `data-testid="grade-name">웰컴`, "결제 금액의 1% 적립",
		`data-testid="grade-next"`, "실버 등급까지 300,000원 남았습니다")
	mustNotContain(t, r.body, "% 할인")

	if _, err := promos.UpdateGrade(ctx, audit.Actor{}, "gold", promotion.GradeChange{Name: "골드", EarnPermille: 30,
		MinSpend: 1000000, DiscountPercent: 10}); err != nil {
		t.Fatal(err)
	}
	var userID int64
	if err := s.d.Read().GetContext(ctx, &userID, s.d.Read().Rebind(`SELECT id FROM users WHERE email = ?`), signupForm.Get("email")); err != nil {
		t.Fatal(err)
	}
	if err := promos.SetGrade(ctx, audit.Actor{}, userID, "gold"); err != nil {
		t.Fatal(err)
	}
	r = b.get("/account")
	mustContain(t, r.body, `data-testid="grade-name">골드`, "결제 금액의 3% 적립", "상품 금액 10% 할인", "VIP 등급까지 3,000,000원 남았습니다")

	wantStatus(t, b.post("/cart/add", url.Values{"variant": {id(v)}, "quantity": {"3"}}), http.StatusSeeOther, "/cart?added=1")
	r = b.get("/cart")
	mustContain(t, r.body, `data-testid="cart-grade-discount"`, "등급 할인 10%: −300원")
	r = b.get("/checkout")
	wantStatus(t, r, http.StatusOK, "")
	// ₩3,000 − ₩300 grade discount + ₩3,000 shipping.
	mustContain(t, r.body, "등급 할인", `data-testid="amount-grade-discount"`, "300원", `data-testid="amount-total">5,700원`,
		`name="total" value="5700"`)
	key := keyRE.FindStringSubmatch(r.body)[1]
	form := url.Values{"key": {key}, "address": {"new"}, "recipient": {"김민지"}, "phone": {"010-1234-5678"},
		"postcode": {"04524"}, "line1": {"서울 중구 세종대로 110"}, "payment": {"bank_transfer"}, "total": {"5700"}, "action": {"place"}}
	r = b.post("/checkout", form)
	wantStatus(t, r, http.StatusSeeOther, "")
	r = b.get(strings.TrimSuffix(r.header.Get("Location"), "?deposit=1"))
	mustContain(t, r.body, "<dt>등급 할인</dt>", "300원", `data-testid="order-total">5,700원`)
}
