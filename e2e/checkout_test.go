//go:build e2e

package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/db"
)

// TestCheckout: a visitor puts two products in the cart, signs in and finds
// them merged with what the customer's cart already held, checks out with
// a coupon and points, and finds the order in the order history.
func TestCheckout(t *testing.T) {
	s := startShop(t)
	browser := startBrowser(t)
	b := newTab(t, browser, s.Base, "checkout")
	ctx := context.Background()
	a := s.App

	const (
		email    = "buyer@example.com"
		password = "장바구니를 채우는 봄날"
	)
	u := newCustomer(t, s, email, password, "박구매")
	if _, err := a.Coupons().Create(ctx, audit.Actor{}, coupon.NewCoupon{Code: "SPRING", Name: "봄맞이", Kind: coupon.KindFixed, Amount: 1000}); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.InTx(ctx, func(q db.Querier) error {
		return a.Points().Earn(ctx, q, u.ID, 3000, 0, "가입 축하 적립금", time.Time{})
	}); err != nil {
		t.Fatal(err)
	}
	// Three buyable products: one already in the customer's cart, two
	// for the visitor.
	picks := buyable(t, s, 3)
	if _, err := a.Carts().Add(ctx, cart.Owner{UserID: u.ID}, picks[2].Variants[0].ID, 1); err != nil {
		t.Fatal(err)
	}

	for i, p := range picks[:2] {
		b.open(productURL(p.ID))
		b.follow("add "+p.Name+" to the cart", chromedp.Click(chromedp.CSS(`[data-testid="add-to-cart"]`)))
		if n := b.count(`[data-testid="cart-line"]`); n != i+1 {
			b.fatalf("the cart has %d lines after adding %d products", n, i+1)
		}
	}
	signIn(b, email, password)
	b.open("/cart")
	if n := b.count(`[data-testid="cart-line"]`); n != 3 {
		b.fatalf("after signing in the cart has %d lines, want the visitor's 2 and the customer's 1", n)
	}
	b.screenshot("cart")
	b.follow("go to checkout", chromedp.Click(chromedp.CSS(`[data-testid="cart-checkout"]`)))
	fillNewAddress(b, "박구매")
	b.do("fill in the coupon and points",
		chromedp.SendKeys(chromedp.CSS(field("coupon")), "SPRING"),
		chromedp.SendKeys(chromedp.CSS(field("points")), "2000"),
	)
	b.follow("apply the coupon and points", chromedp.Click(chromedp.CSS(`[data-testid="checkout-apply"]`)))
	if got := b.text(`[data-testid="amount-discount"]`); !strings.Contains(got, "1,000원") {
		b.fatalf("the coupon discount shows %q", got)
	}
	if got := b.text(`[data-testid="amount-points-used"]`); !strings.Contains(got, "2,000원") {
		b.fatalf("the points used show %q", got)
	}
	total := b.text(`[data-testid="amount-total"]`)
	b.screenshot("checkout")
	b.follow("place the order", chromedp.Click(chromedp.CSS(`[data-testid="checkout-place"]`)))
	// Bank transfer is the first way to pay offered.
	if st := b.attrs(`[data-testid="order-status"]`, "data-status"); len(st) != 1 || st[0] != "awaiting_deposit" {
		b.fatalf("the order page shows status %v", st)
	}
	if got := b.text(`[data-testid="order-total"]`); got != total {
		b.fatalf("the order's total is %q, the checkout said %q", got, total)
	}
	number := strings.TrimSuffix(b.url()[strings.LastIndex(b.url(), "/")+1:], "?deposit=1")
	b.open("/account/orders")
	if rows := b.texts(`[data-testid="order-row"]`); len(rows) != 1 || !strings.Contains(rows[0], number) {
		b.fatalf("the order history shows %q, want order %s", rows, number)
	}
	b.screenshot("orders")
	b.checkHealthy()
}

func productURL(id int64) string { return "/products/" + strconv.FormatInt(id, 10) }

// newCustomer signs up a customer through the service and opens the
// verification link from the outbox, so the account can sign in.
func newCustomer(t *testing.T, s *shop, email, password, name string) account.User {
	t.Helper()
	ctx := context.Background()
	a := s.App
	if err := a.Accounts.SignUp(ctx, account.SignUp{Email: email, Password: password, Name: name, Phone: "010-2222-3333", AgreeTerms: true}); err != nil {
		t.Fatal(err)
	}
	var text string
	if err := a.DB.Read().GetContext(ctx, &text, a.DB.Read().Rebind(`SELECT text_body FROM outbox WHERE to_address = ?`), email); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(verifyLinkRE.FindString(text), s.Base+"/account/verify?token=")
	u, err := a.Accounts.Verify(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// signIn signs the tab in as a customer.
func signIn(b *tab, email, password string) {
	b.open("/login")
	b.do("fill in the login form",
		chromedp.SendKeys(chromedp.CSS(field("email")), email),
		chromedp.SendKeys(chromedp.CSS(field("password")), password),
	)
	b.follow("sign in", chromedp.Click(chromedp.CSS(selSubmit)))
}

// buyable returns n single-variant products in stock with at least 3 units.
func buyable(t *testing.T, s *shop, n int) []catalog.ProductDetail {
	t.Helper()
	ctx := context.Background()
	list, err := s.App.Catalog.List(ctx, catalog.ListQuery{InStock: true, Sort: catalog.SortPriceAsc, PerPage: 40})
	if err != nil {
		t.Fatal(err)
	}
	var picks []catalog.ProductDetail
	for _, p := range list.Products {
		d, err := s.App.Catalog.Product(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Variants) == 1 && d.Variants[0].Buyable() && d.Variants[0].Stock >= 3 {
			picks = append(picks, d)
		}
		if len(picks) == n {
			return picks
		}
	}
	t.Fatalf("only %d single-variant products in stock", len(picks))
	return nil
}

// fillNewAddress types a delivery address into the checkout form, over
// what the form was prefilled with.
func fillNewAddress(b *tab, name string) {
	b.do("fill in the address",
		chromedp.Click(chromedp.CSS(`[data-testid="checkout-address-new"]`)),
		chromedp.Clear(chromedp.CSS(field("recipient"))),
		chromedp.SendKeys(chromedp.CSS(field("recipient")), name),
		chromedp.Clear(chromedp.CSS(field("phone"))),
		chromedp.SendKeys(chromedp.CSS(field("phone")), "010-2222-3333"),
		chromedp.Clear(chromedp.CSS(field("postcode"))),
		chromedp.SendKeys(chromedp.CSS(field("postcode")), "04524"),
		chromedp.Clear(chromedp.CSS(field("line1"))),
		chromedp.SendKeys(chromedp.CSS(field("line1")), "서울 중구 세종대로 110"),
		chromedp.Clear(chromedp.CSS(field("line2"))),
	)
}
