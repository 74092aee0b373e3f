package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/koreantest"
)

// latinAllowed are the Latin words a Korean page may show: the language
// switch, payment brands, and the fixture's own names and numbers, which the
// walk adds.
var latinAllowed = []string{"English", "KakaoPay", "PayPal", "Toss", "Naver", "Kakao", "Google", "Apple", "KST"}

// TestKoreanPagesAreKorean walks the storefront of a shop with a signed-in
// customer, a cart and orders, in Korean, and fails on anything a Korean
// reader would not write (see koreantest.Problems), so new pages are held to it.
func TestKoreanPagesAreKorean(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	f := catalogtest.Seed(t, s.cat, 8)
	b := s.member(t, signupForm)
	v := s.variantOf(t, f, 0)

	// An order paid by bank transfer, one with the test provider, and a
	// cart with a refused quantity.
	r := s.checkoutWith(t, b, v, url.Values{"payment": {"bank_transfer"}})
	wantStatus(t, r, http.StatusSeeOther, "")
	transfer := strings.TrimSuffix(r.header.Get("Location"), "?deposit=1")
	r = s.checkoutWith(t, b, v, url.Values{"payment": {"testpay"}})
	wantStatus(t, r, http.StatusSeeOther, "")
	window := strings.TrimPrefix(r.header.Get("Location"), s.srv.URL)
	r = b.post(window, url.Values{"action": {"approve"}, "amount": {"4000"}})
	wantStatus(t, r, http.StatusSeeOther, "")
	r = b.get(r.header.Get("Location"))
	wantStatus(t, r, http.StatusSeeOther, "")
	paid := r.header.Get("Location")
	wantStatus(t, b.post("/cart/add", url.Values{"variant": {id(v)}, "quantity": {"100"}}), http.StatusSeeOther, "/cart")
	// A wish, a question and products viewed, for the pages that list them.
	prod := "/products/" + id(f.Products[1])
	b.post(prod+"/wish", url.Values{"wish": {"1"}})
	b.post(prod+"/questions", url.Values{"body": {"선물 포장이 되나요?"}, "private": {"on"}})
	b.get(prod)

	allowed := []string{"Switch to English", "minji@example.com", "zzz"}
	for _, p := range f.Products {
		d, err := s.cat.Product(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		allowed = append(allowed, d.Name)
		for _, vr := range d.Variants {
			allowed = append(allowed, vr.SKU)
		}
	}
	pages := []string{"/", "/search?q=" + url.QueryEscape("초콜릿"), "/search?q=zzz", "/products/" + strconv.FormatInt(f.Products[0], 10),
		"/cart", "/account", "/account/profile", "/account/addresses", "/account/addresses/new", "/account/orders",
		transfer, transfer + "/receipt", paid, "/account/points", "/account/attendance", "/account/inquiries", "/account/reviews", "/account/reviews/write", "/legal/terms", "/legal/privacy",
		"/categories/food?min_price=9&max_price=1", "/no-such-page",
		"/account/wishlist", "/recent", "/account/questions", prod, prod + "/questions/new", "anon:" + prod}
	for _, c := range append(append([]catalog.Category(nil), f.Roots...), f.Leaves...) {
		pages = append(pages, "/categories/"+c.Slug)
	}
	orders := b.get("/account/orders")
	for _, m := range regexp.MustCompile(`href="(/account/orders/[^"?/]+)"`).FindAllStringSubmatch(orders.body, -1) {
		pages = append(pages, m[1])
	}
	anon := s.browser(t)
	for _, p := range append(pages, "anon:/login", "anon:/signup", "anon:/cart") {
		r := response{}
		if a, ok := strings.CutPrefix(p, "anon:"); ok {
			r = anon.get(a)
		} else {
			r = b.get(p)
		}
		if r.status >= 300 && r.status < 400 || r.status >= 500 {
			t.Errorf("GET %s = %d", p, r.status)
			continue
		}
		for _, problem := range koreantest.Problems(r.body, allowed, latinAllowed) {
			t.Errorf("GET %s: %s", p, problem)
		}
	}
}
