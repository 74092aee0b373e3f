package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// latinAllowed are the Latin words a Korean page may show: the language
// switch, payment brands, and the fixture's own names and numbers, which the
// walk adds.
var latinAllowed = []string{"English", "KakaoPay", "PayPal", "Toss", "Naver", "Kakao", "Google", "Apple", "KST"}

var (
	scriptRE = regexp.MustCompile(`(?s)<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->`)
	attrRE   = regexp.MustCompile(`\b(?:title|placeholder|aria-label|alt)="([^"]*)"`)
	tagRE    = regexp.MustCompile(`<[^>]*>`)
	emailRE  = regexp.MustCompile(`[\w.+-]+@[\w-]+(?:\.[\w-]+)+`)
	urlRE    = regexp.MustCompile(`(?:https?://|/)[\w\-./?=&%#~:]+`)
	codeRE   = regexp.MustCompile(`\b[0-9A-Z]+(?:-[0-9A-Z]+)+\b|\b[A-Z0-9]*[0-9][A-Z0-9]*\b`) // order numbers, SKUs
	latinRE  = regexp.MustCompile(`[A-Za-z]{2,}`)
)

// koreanProblems returns what a Korean page must not show: Latin words
// outside allowed, amounts with ₩ (Korean pages write 37,600원), phone
// numbers in E.164, and particles left with both forms.
func koreanProblems(body string, allowed []string) []string {
	var out []string
	text := scriptRE.ReplaceAllString(body, " ")
	var attrs []string
	for _, m := range attrRE.FindAllStringSubmatch(text, -1) {
		attrs = append(attrs, m[1])
	}
	text = tagRE.ReplaceAllString(text, " ") + " " + strings.Join(attrs, " ")
	text = html.UnescapeString(text)
	for _, bad := range []string{"₩", "+82", "(으)로", "이(가)", "을(를)", "은(는)", "와(과)", "과(와)"} {
		if i := strings.Index(text, bad); i >= 0 {
			out = append(out, around(text, i))
		}
	}
	text = emailRE.ReplaceAllString(text, " ")
	text = urlRE.ReplaceAllString(text, " ")
	for _, a := range allowed {
		text = strings.ReplaceAll(text, a, " ")
	}
	text = codeRE.ReplaceAllString(text, " ")
	for _, loc := range latinRE.FindAllStringIndex(text, -1) {
		w := text[loc[0]:loc[1]]
		if !slices.Contains(latinAllowed, w) {
			out = append(out, w+" in “"+around(text, loc[0])+"”")
		}
	}
	return out
}

// around is the text near i, for a failure message.
func around(s string, i int) string {
	lo, hi := max(i-40, 0), min(i+40, len(s))
	for lo > 0 && !utf8Start(s[lo]) {
		lo--
	}
	for hi < len(s) && !utf8Start(s[hi]) {
		hi++
	}
	return strings.Join(strings.Fields(s[lo:hi]), " ")
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// TestKoreanPagesAreKorean walks the storefront of a shop with a signed-in
// customer, a cart and orders, in Korean, and fails on anything a Korean
// reader would not write (see koreanProblems), so new pages are held to it.
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
		transfer, transfer + "/receipt", paid, "/account/points", "/account/inquiries", "/legal/terms", "/legal/privacy",
		"/categories/food?min_price=9&max_price=1", "/no-such-page"}
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
		for _, problem := range koreanProblems(r.body, allowed) {
			t.Errorf("GET %s: %s", p, problem)
		}
	}
}
