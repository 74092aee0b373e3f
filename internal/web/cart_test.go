package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// variantOf returns the first variant id of fixture product i.
func (s *accountShop) variantOf(t *testing.T, f catalogtest.Fixture, i int) int64 {
	t.Helper()
	d, err := s.cat.Product(context.Background(), f.Products[i])
	if err != nil {
		t.Fatal(err)
	}
	return d.Variants[0].ID
}

var lineIDRE = regexp.MustCompile(`/cart/lines/(\d+)/remove`)

func TestCartPages(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	f := catalogtest.Seed(t, s.cat, 8)
	inStock, soldOut := s.variantOf(t, f, 0), s.variantOf(t, f, 6)
	s.member(t, signupForm) // minji has an account; this visitor signs in later

	b := s.browser(t)
	r := b.get("/products/" + strconv.FormatInt(f.Products[0], 10))
	mustContain(t, r.body, `action="/cart/add"`, `data-testid="add-to-cart"`)
	mustContain(t, b.get("/cart").body, `data-testid="cart-empty"`)

	wantStatus(t, b.post("/cart/add", url.Values{"variant": {id(inStock)}, "quantity": {"2"}}), http.StatusSeeOther, "/cart?added=1")
	r = b.get("/cart?added=1")
	mustContain(t, r.body, "장바구니에 담았습니다", `data-testid="cart-line"`, "2,000원", `value="2"`)

	// Refusals come back as a message on the cart page, nothing added.
	for _, bad := range []url.Values{
		{"variant": {id(soldOut)}},
		{"variant": {"999999"}},
		{"variant": {id(inStock)}, "quantity": {"two"}},
		{"variant": {id(inStock)}, "quantity": {"0"}},
	} {
		wantStatus(t, b.post("/cart/add", bad), http.StatusSeeOther, "/cart")
		r = b.get("/cart")
		mustContain(t, r.body, `data-testid="cart-error"`)
		if n := count(r.body, `data-testid="cart-line"`); n != 1 {
			t.Fatalf("%v: %d lines", bad, n)
		}
	}

	m := lineIDRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no line id on the cart page")
	}
	line := m[1]
	wantStatus(t, b.post("/cart/lines/"+line+"/quantity", url.Values{"quantity": {"3"}}), http.StatusSeeOther, "/cart")
	mustContain(t, b.get("/cart").body, "3,000원", `value="3"`)

	// Another visitor cannot change the line.
	other := s.browser(t)
	wantStatus(t, other.post("/cart/lines/"+line+"/remove", nil), http.StatusSeeOther, "/cart")
	mustContain(t, other.get("/cart").body, "장바구니에 없는 상품입니다")
	mustContain(t, b.get("/cart").body, `value="3"`)

	// Signing in merges the visitor's cart into the customer's.
	b.login("minji@example.com", signupForm.Get("password"))
	c, err := s.carts.Get(context.Background(), cart.Owner{UserID: 1})
	if err != nil || len(c.Lines) != 1 || c.Lines[0].Quantity != 3 {
		t.Fatalf("customer's cart after login = %+v, %v", c, err)
	}
	r = b.get("/cart")
	mustContain(t, r.body, `value="3"`)

	// Deselect everything: checkout is not offered.
	wantStatus(t, b.post("/cart/select", url.Values{}), http.StatusSeeOther, "/cart")
	mustNotContain(t, b.get("/cart").body, `data-testid="cart-checkout"`)
	wantStatus(t, b.post("/cart/lines/"+line+"/remove", nil), http.StatusSeeOther, "/cart")
	mustContain(t, b.get("/cart").body, `data-testid="cart-empty"`)
}
