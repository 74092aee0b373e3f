package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/db"
)

var keyRE = regexp.MustCompile(`name="key" value="([^"]+)"`)

func TestCheckoutAndOrders(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	ctx := context.Background()
	f := catalogtest.Seed(t, s.cat, 8)
	v := s.variantOf(t, f, 0) // ₩1,000, 10 in stock
	b := s.member(t, signupForm)

	// Nothing selected: checkout sends the customer back to the cart.
	wantStatus(t, b.get("/checkout"), http.StatusSeeOther, "/cart")
	mustContain(t, b.get("/cart").body, "주문할 상품을 하나 이상 선택해 주세요")

	if _, err := s.coupons.Create(ctx, audit.Actor{}, coupon.NewCoupon{Code: "WELCOME", Name: "첫 구매", Kind: coupon.KindFixed, Amount: 500}); err != nil {
		t.Fatal(err)
	}
	err := s.d.InTx(ctx, func(q db.Querier) error { return s.points.Earn(ctx, q, 1, 2000, 0, "가입 축하", time.Time{}) })
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, b.post("/cart/add", url.Values{"variant": {id(v)}, "quantity": {"3"}}), http.StatusSeeOther, "/cart?added=1")
	r := b.get("/checkout")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, `data-testid="checkout-line"`, "3,000원", "보유 적립금 2,000원", `data-testid="amount-shipping"`)
	key := keyRE.FindStringSubmatch(r.body)[1]

	form := url.Values{"key": {key}, "address": {"new"}, "recipient": {"김민지"}, "phone": {"010-1234-5678"},
		"postcode": {"63100"}, "line1": {"제주 제주시 첨단로 242"}, "note": {"문 앞"}, "coupon": {"WELCOME"}, "points": {"1,000"},
		"payment": {"bank_transfer"}, "action": {"apply"}}
	r = b.post("/checkout", form)
	wantStatus(t, r, http.StatusOK, "")
	// ₩3,000 − ₩500 coupon + ₩3,000 shipping + ₩3,000 Jeju − ₩1,000 points.
	mustContain(t, r.body, `data-testid="amount-discount"`, `data-testid="amount-remote"`, `data-testid="amount-points-used"`, "7,500원")

	// Bad input is shown on the form and nothing is placed.
	bad := url.Values{}
	for k, vs := range form {
		bad[k] = vs
	}
	bad.Set("action", "place")
	bad.Set("postcode", "123")
	bad.Set("coupon", "NOPE")
	r = b.post("/checkout", bad)
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, `data-testid="error-postcode"`, "올바른 쿠폰 코드가 아닙니다")
	bad.Set("points", "많이")
	r = b.post("/checkout", bad)
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, `data-testid="error-points"`, "숫자로 입력해 주세요")
	bad.Set("points", "1,000")
	r = b.post("/checkout", bad)
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, `data-testid="error-postcode"`, "올바른 쿠폰 코드가 아닙니다")

	form.Set("action", "place")
	r = b.post("/checkout", form)
	wantStatus(t, r, http.StatusSeeOther, "")
	placedAt := r.header.Get("Location")
	if !regexp.MustCompile(`^/account/orders/\d{8}-[0-9A-Z]{8}\?deposit=1$`).MatchString(placedAt) {
		t.Fatalf("placed order at %q", placedAt)
	}
	loc := strings.TrimSuffix(placedAt, "?deposit=1")
	// A second submission of the same form is the same order.
	wantStatus(t, b.post("/checkout", form), http.StatusSeeOther, placedAt)

	r = b.get(placedAt)
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "아래 계좌로 입금해 주세요", `data-status="awaiting_deposit"`, "7,500원", "제주 제주시 첨단로 242", "010-1234-5678",
		"무통장입금", `data-testid="deposit-account"`, "123-45-6789", "말랑은행 에스크로")
	mustContain(t, b.get("/account/orders").body, strings.TrimPrefix(loc, "/account/orders/"))
	mustContain(t, b.get(loc+"/receipt").body, "주문자: 김민지")
	mustContain(t, b.get("/cart").body, `data-testid="cart-empty"`)

	// The points page shows the balance and the month's entries.
	r = b.get("/account/points")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, `data-testid="calendar"`, `<strong>1,000원</strong>`, "+2,000", "−1,000", "가입 축하")
	if n := count(r.body, `data-testid="calendar-entry"`); n != 2 {
		t.Fatalf("%d calendar entries, want 2", n)
	}
	mustContain(t, b.get("/account/points?month=2020-01").body, `data-testid="no-points"`)
	wantStatus(t, b.get("/account/points?month=garbage"), http.StatusOK, "")

	// Another customer sees nothing of it.
	other := s.member(t, url.Values{"email": {"other@example.com"}, "password": {"또 다른 고객의 암호"}, "name": {"이서준"}, "phone": {"010-9999-8888"}, "terms": {"on"}})
	wantStatus(t, other.get(loc), http.StatusNotFound, "")
	wantStatus(t, other.post(loc+"/cancel", nil), http.StatusNotFound, "")

	// Cancelling gives stock, coupon and points back.
	wantStatus(t, b.post(loc+"/cancel", url.Values{"reason": {"마음이 바뀜"}}), http.StatusSeeOther, loc)
	r = b.get(loc)
	mustContain(t, r.body, `data-status="cancelled"`, "주문을 취소했습니다", "마음이 바뀜")
	mustNotContain(t, r.body, `data-testid="order-cancel"`)
	if bal, err := s.points.Balance(ctx, 1); err != nil || bal != 2000 {
		t.Fatalf("points after cancel = %d, %v", bal, err)
	}
	if d, err := s.cat.Product(ctx, f.Products[0]); err != nil || d.Variants[0].Stock != 10 {
		t.Fatalf("stock after cancel = %+v, %v", d.Variants, err)
	}
}

// The total the checkout shows is the total charged: a postcode typed
// before the rest of the address prices the remote-area surcharge, and a
// form placed at a total the customer was not shown is refused with the
// new total.
func TestCheckoutShowsTheTotalCharged(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	f := catalogtest.Seed(t, s.cat, 8)
	v := s.variantOf(t, f, 0) // ₩1,000
	b := s.member(t, signupForm)
	wantStatus(t, b.post("/cart/add", url.Values{"variant": {id(v)}, "quantity": {"2"}}), http.StatusSeeOther, "/cart?added=1")
	r := b.get("/checkout")
	mustContain(t, r.body, `data-testid="remote-unknown"`, `name="total" value="5000"`)
	key := keyRE.FindStringSubmatch(r.body)[1]

	// Only the postcode typed, then 적용: ₩2,000 + ₩3,000 + ₩3,000 Jeju.
	form := url.Values{"key": {key}, "address": {"new"}, "postcode": {"63000"}, "payment": {"bank_transfer"}, "total": {"5000"}, "action": {"apply"}}
	r = b.post("/checkout", form)
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, `data-testid="amount-remote"`, `data-testid="amount-total">8,000원`, `name="total" value="8000"`)
	mustNotContain(t, r.body, `data-testid="remote-unknown"`)

	// The no-JS form placed straight from the first page, with the address
	// completed but the old total: refused, the new total shown, nothing
	// placed.
	for k, val := range map[string]string{"recipient": "김민지", "phone": "010-1234-5678", "line1": "제주 제주시 첨단로 242", "action": "place"} {
		form.Set(k, val)
	}
	r = b.post("/checkout", form)
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, "결제 금액이 바뀌었습니다", `data-testid="amount-total">8,000원`, `name="total" value="8000"`)
	mustContain(t, b.get("/cart").body, `data-testid="cart-line"`)

	form.Set("total", "8000")
	r = b.post("/checkout", form)
	wantStatus(t, r, http.StatusSeeOther, "")
	mustContain(t, b.get(strings.TrimSuffix(r.header.Get("Location"), "?deposit=1")).body, "8,000원")
}

// A refund that took back points the customer had spent leaves the balance
// below zero: the points page shows it with a minus sign, says why and
// what happens next, and lists the take-back.
func TestPointsPageBelowZero(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	ctx := context.Background()
	b := s.member(t, signupForm)
	err := s.d.InTx(ctx, func(q db.Querier) error {
		if err := s.points.Earn(ctx, q, 1, 1500, 77, "주문 적립", time.Time{}); err != nil {
			return err
		}
		if err := s.points.Spend(ctx, q, 1, 1500, 78); err != nil {
			return err
		}
		_, err := s.points.TakeBack(ctx, q, 1, 77, 1500, "주문 20261130-0077 환불로 적립 취소")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := b.get("/account/points")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, `<strong>−1,500</strong>`, `data-testid="points-owed"`, "1,500원을 이미 사용하셔서", "적립 취소",
		"주문 20261130-0077 환불로 적립 취소")
}
