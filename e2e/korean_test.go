//go:build e2e

package e2e

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/koreantest"
)

// storefrontWords are the Latin words a Korean storefront page may show:
// the language switch and payment brands, as in internal/web's page walk.
var storefrontWords = []string{"English", "KakaoPay", "PayPal", "Toss", "Naver", "Kakao", "Google", "Apple", "KST"}

// backOfficeWords are the Latin words a Korean back-office page may show:
// the language switch, terms Korean staff use as they are and brands
// (banks, carriers), as in internal/backoffice's page walk.
var backOfficeWords = append([]string{"SKU", "IP", "API", "PC", "CJ", "cj", "hanjin", "lotte", "epost", "logen",
	"KB", "NH", "IBK", "SC", "iM", "KDB", "Sh", "PortOne", "Hometax", "CSV", "PNG", "JPEG", "GIF", "WebP"}, storefrontWords...)

// TestKoreanWalk walks the storefront as a Korean customer who has bought
// something and the back office as staff, in Chromium, and checks what
// each page shows (its text as the browser lays it out, and the titles,
// placeholders, labels and alt texts) with the checker the server-side page
// walks use (koreantest.Problems): no English or internal words, no ₩, no
// +82 phone numbers, no particles left with both forms. Product names and
// option values, SKUs and the browser's own user agent are data, not words
// of the page.
func TestKoreanWalk(t *testing.T) {
	s := startShop(t)
	browser := startBrowser(t)
	ctx := context.Background()
	phrases, values := catalogPhrases(t, s)

	const email, password = "walker@example.com", "한국어로 읽히는 상점을 걷는 사람"
	newCustomer(t, s, email, password, "한걷기")
	b := newTab(t, browser, s.Base, "korean")
	cat, _ := bigCategory(b, ctx, s)
	optioned, _ := interestingProducts(b, ctx, s)
	phrases = append(phrases, get(b, "read the user agent", chromedp.Evaluate[string](`navigator.userAgent`)))

	// Signed out: sign-in and sign-up.
	for _, p := range []string{"/login", "/signup"} {
		checkKorean(b, p, phrases, append(values, storefrontWords...))
	}

	// An order by bank transfer, placed in the browser.
	signIn(b, email, password)
	pick := buyable(t, s, 1)[0]
	b.open(productURL(pick.ID))
	b.follow("add "+pick.Name+" to the cart", chromedp.Click(chromedp.CSS(`[data-testid="add-to-cart"]`)))
	b.open("/cart")
	b.follow("go to checkout", chromedp.Click(chromedp.CSS(`[data-testid="cart-checkout"]`)))
	fillNewAddress(b, "한걷기")
	b.follow("place the order", chromedp.Click(chromedp.CSS(`[data-testid="checkout-place"]`)))
	orderPage := strings.TrimPrefix(b.url(), b.base)
	if !strings.HasPrefix(orderPage, "/account/orders/") {
		b.fatalf("placing the order led to %s, want the order's page", orderPage)
	}
	// And something in the cart again.
	b.open(productURL(pick.ID))
	b.follow("add "+pick.Name+" to the cart again", chromedp.Click(chromedp.CSS(`[data-testid="add-to-cart"]`)))

	for _, p := range []string{"/", "/categories/" + url.PathEscape(cat.Slug), productURL(optioned.ID),
		"/search?q=" + url.QueryEscape("초콜릿"), "/search?q=" + url.QueryEscape("다크초콜렛"), "/cart", "/checkout",
		"/account", "/account/profile", "/account/addresses", "/account/addresses/new", "/account/points",
		"/account/inquiries", "/account/orders", orderPage, orderPage + "/receipt",
		"/account/wishlist", "/recent", "/account/questions", productURL(pick.ID) + "/questions/new"} {
		checkKorean(b, p, phrases, append(values, storefrontWords...))
	}

	// The back office as staff, with the order in it.
	var orderID, userID int64
	q := s.App.DB.Read()
	if err := q.GetContext(ctx, &orderID, `SELECT max(id) FROM orders`); err != nil {
		t.Fatalf("the order: %v", err)
	}
	if err := q.GetContext(ctx, &userID, q.Rebind(`SELECT user_id FROM orders WHERE id = ?`), orderID); err != nil {
		t.Fatalf("the order's customer: %v", err)
	}
	// Codes staff set themselves are shown as they wrote them: the
	// member grades' codes and names, and the placeholder of the carriers'
	// tracking addresses.
	var grades []string
	if err := q.SelectContext(ctx, &grades, `SELECT code FROM member_grades UNION SELECT name FROM member_grades`); err != nil {
		t.Fatalf("member grades: %v", err)
	}
	staffPhrases := append(append([]string{"{tracking}"}, grades...), phrases...)
	staff := newTab(t, browser, s.Base, "korean-staff")
	newStaff(staff, s, "korean@mallang.example", "한국어 관리자 화면을 읽는 스태프")
	admin := s.App.AdminPath()
	for _, p := range []string{"/", "/orders", "/orders/" + strconv.FormatInt(orderID, 10), "/users",
		"/users/" + strconv.FormatInt(userID, 10), "/audit", "/outbox", "/coupons", "/coupons/new", "/shipping",
		"/returns", "/refunds", "/cash-receipts", "/promotions/gifts", "/promotions/points", "/promotions/grades",
		"/settings", "/security", "/honeypot", "/inquiries", "/inquiry-templates", "/content",
		"/catalog/products", "/catalog/products/new", "/catalog/products/" + strconv.FormatInt(optioned.ID, 10),
		"/catalog/categories", "/catalog/synonyms", "/catalog/low-stock", "/catalog/bulk", "/questions", "/questions?all=1"} {
		checkKorean(staff, admin+p, staffPhrases, append(values, backOfficeWords...))
	}
	b.checkHealthy()
	staff.checkHealthy()
}

// checkKorean opens path and reports, as errors of the test, what the page
// shows that a Korean reader would not write; it keeps a screenshot of a
// page with problems.
func checkKorean(b *tab, path string, phrases, words []string) {
	b.t.Helper()
	b.open(path)
	if lang := b.htmlLang(); lang != "ko" {
		b.fatalf(`%s: html lang = %q, want "ko"`, path, lang)
	}
	// Text marked as another language (the switch to English, lang="en")
	// is not the page's Korean: it is left out while the page is read.
	text := eval[string](b, `(() => {
		const other = Array.from(document.body.querySelectorAll("[lang]:not([lang|=ko])"));
		const shown = other.map(e => e.style.display);
		other.forEach(e => { e.style.display = "none"; });
		const attrs = Array.from(document.querySelectorAll("[title], [placeholder], [aria-label], img[alt]"),
			e => other.some(o => o.contains(e)) ? "" :
				[e.title, e.getAttribute("placeholder"), e.getAttribute("aria-label"), e.alt].filter(Boolean).join("\n"));
		const text = document.body.innerText + "\n" + attrs.join("\n");
		other.forEach((e, i) => { e.style.display = shown[i]; });
		return text;
	})()`)
	problems := koreantest.Problems(text, phrases, words, `{"`)
	for _, p := range problems {
		b.t.Errorf("%s: %s", path, p)
	}
	if len(problems) > 0 {
		b.screenshot("problem-" + shotName(path))
	}
}

var shotNameRE = regexp.MustCompile(`[^a-z0-9]+`)

// shotName makes a page's path a part of a screenshot's file name.
func shotName(path string) string {
	return strings.Trim(shotNameRE.ReplaceAllString(strings.ToLower(path), "-"), "-")
}

// catalogPhrases are the catalog's data a page may show as it is: every
// product's name and its variants' SKUs, every category's English name and
// slug; values are the Latin words of the options' values (XL, …), allowed
// word by word.
func catalogPhrases(t *testing.T, s *shop) (phrases, values []string) {
	t.Helper()
	ctx := context.Background()
	cats, err := s.App.Catalog.AdminCategories(ctx)
	if err != nil {
		t.Fatalf("categories: %v", err)
	}
	for _, c := range cats {
		phrases = append(phrases, c.NameEN, c.Slug)
	}
	for page := 1; ; page++ {
		res, err := s.App.Catalog.List(ctx, catalog.ListQuery{Page: page, PerPage: catalog.MaxPerPage})
		if err != nil {
			t.Fatalf("list products: %v", err)
		}
		for _, p := range res.Products {
			d, err := s.App.Catalog.Product(ctx, p.ID)
			if err != nil {
				t.Fatalf("product %d: %v", p.ID, err)
			}
			phrases = append(phrases, d.Name)
			for _, v := range d.Variants {
				phrases = append(phrases, v.SKU)
				for _, o := range v.Options {
					values = append(values, latinWordRE.FindAllString(o, -1)...)
				}
			}
		}
		if page >= res.Pages {
			// Longest first, so that a shorter phrase does not cut a
			// longer one before it is taken out.
			phrases = slices.DeleteFunc(phrases, func(p string) bool { return p == "" })
			slices.SortFunc(phrases, func(a, b string) int { return len(b) - len(a) })
			return phrases, values
		}
	}
}

var latinWordRE = regexp.MustCompile(`[A-Za-z]{2,}`)
