//go:build e2e

package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/order"
)

// TestReturns: a customer's card order is delivered; they ask on the order
// page to return it for a change of mind, and the page shows the request
// (and no 구매 확정). Staff find it among the open requests in the back
// office, approve it and receive the goods as resellable; the refund is the
// payment less the ₩6,000 return fee, and the customer sees it refunded.
func TestReturns(t *testing.T) {
	s := startShop(t)
	browser := startBrowser(t)
	b := newTab(t, browser, s.Base, "returns")
	ctx := context.Background()
	// A product dearer than the return fee, so money goes back.
	pick := dearProduct(t, s)
	const password = "반품을 시험하는 긴 비밀번호"
	u := newCustomer(t, s, "return@example.com", password, "한반품")
	signIn(b, "return@example.com", password)
	b.open(productURL(pick))
	b.follow("add to the cart", chromedp.Click(chromedp.CSS(`[data-testid="add-to-cart"]`)))
	b.follow("go to checkout", chromedp.Click(chromedp.CSS(`[data-testid="cart-checkout"]`)))
	fillNewAddress(b, "한반품")
	b.do("choose the test provider", chromedp.Click(chromedp.CSS(`[data-testid="pay-testpay"]`)))
	b.follow("place the order", chromedp.Click(chromedp.CSS(`[data-testid="checkout-place"]`)))
	b.follow("approve the payment", chromedp.Click(chromedp.CSS(`[data-testid="testpay-approve"]`)))
	page := strings.SplitN(b.url()[len(s.Base):], "?", 2)[0]
	number := strings.TrimPrefix(page, "/account/orders/")
	b.open("/account")
	b.follow("sign out", chromedp.Click(chromedp.CSS(selLogout)))

	newStaff(b, s, "boss@mallang.example", "사장님의 아주 긴 비밀번호")
	var staffID int64
	if err := s.App.DB.Read().GetContext(ctx, &staffID, s.App.DB.Read().Rebind(`SELECT id FROM users WHERE email = ?`),
		"boss@mallang.example"); err != nil {
		t.Fatal(err)
	}
	o, err := s.App.Orders().ByNumber(ctx, u.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	staff := order.Staff(audit.Actor{UserID: staffID})
	if _, err := s.App.Orders().Ship(ctx, o.ID, "cj", "1234-5678-9012", staff); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Orders().Transition(ctx, o.ID, order.Delivered, staff, ""); err != nil {
		t.Fatal(err)
	}

	// The customer asks for the return.
	signIn(b, "return@example.com", password)
	b.open(page)
	if b.count(`[data-testid="order-confirm"]`) != 1 || b.count(`[data-testid="return-button"]`) != 1 {
		b.fatalf("a delivered order offers no confirmation or no return button")
	}
	b.follow("open the return form", chromedp.Click(chromedp.CSS(`[data-testid="return-button"]`)))
	line := strconv.FormatInt(o.Lines[0].ID, 10)
	b.do("fill in the return form",
		chromedp.Click(chromedp.CSS(`[data-testid="return-line-`+line+`"]`)),
		chromedp.SetValue(chromedp.CSS(field("reason")), "change_of_mind"),
		chromedp.SendKeys(chromedp.CSS(field("note")), "생각했던 색이 아니에요"),
	)
	if got := b.text(`[data-testid="return-fee-notice"]`); !strings.Contains(got, "6,000원") {
		b.fatalf("the form says of the fee %q", got)
	}
	b.screenshot("return-form")
	b.follow("send the request", chromedp.Click(chromedp.CSS(`[data-testid="return-submit"]`)))
	if got := b.text(`[data-testid="flash"]`); !strings.Contains(got, "반품 신청을 접수했습니다") {
		b.fatalf("after the request the order page says %q", got)
	}
	if st := b.attrs(`[data-testid="return-status"]`, "data-status"); len(st) != 1 || st[0] != "requested" {
		b.fatalf("the request shows status %v", st)
	}
	if b.count(`[data-testid="order-confirm"]`) != 0 {
		b.fatalf("an order in a return still offers 구매 확정")
	}
	b.screenshot("return-requested")
	b.open("/account")
	b.follow("sign out", chromedp.Click(chromedp.CSS(selLogout)))

	// Staff (still signed in to the back office) approve and receive it.
	b.open(s.App.AdminPath() + "/returns")
	b.follow("open the request", chromedp.Click(chromedp.CSS(`[data-testid="return-link"]`)))
	if got := b.text(`[data-testid="return-note"]`); got != "생각했던 색이 아니에요" {
		b.fatalf("the back office shows the note %q", got)
	}
	b.follow("approve", chromedp.Click(chromedp.CSS(`[data-testid="approve"]`)))
	b.do("mark the goods resellable", chromedp.Click(chromedp.CSS(field("resellable"))))
	b.follow("receive", chromedp.Click(chromedp.CSS(`[data-testid="receive"]`)))
	if got := b.text(`[data-testid="return-status"]`); got != "환불 처리됨" {
		b.fatalf("after receiving, the request is %q", got)
	}
	b.screenshot("return-received")
	rs, err := s.App.Payments().Refunds(ctx, o.ID)
	if err != nil || len(rs) != 1 || rs[0].Amount != o.Total-6000 || rs[0].Withheld != 6000 {
		b.fatalf("refunds = %+v, %v; want %d back", rs, err, o.Total-6000)
	}

	signIn(b, "return@example.com", password)
	b.open(page)
	if st := b.attrs(`[data-testid="return-status"]`, "data-status"); len(st) != 1 || st[0] != "refunded" {
		b.fatalf("the customer sees the request as %v", st)
	}
	b.screenshot("return-refunded")
}

// dearProduct returns a single-variant product in stock, not on sale, of
// ₩15,000 to ₩45,000 (below free shipping, above the return fee).
func dearProduct(t *testing.T, s *shop) int64 {
	t.Helper()
	ctx := context.Background()
	list, err := s.App.Catalog.List(ctx, catalog.ListQuery{InStock: true, Sort: catalog.SortPriceDesc, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list.Products {
		d, err := s.App.Catalog.Product(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v := d.Variants; len(v) == 1 && v[0].Buyable() && v[0].Stock >= 3 && v[0].SalePrice == nil &&
			v[0].Price.Minor >= 15000 && v[0].Price.Minor <= 45000 {
			return d.ID
		}
	}
	t.Fatal("no product of ₩15,000 to ₩45,000 in stock")
	return 0
}
