//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/mallang/mallang/internal/catalog"
)

// Selectors of the option selects (internal/web/product.templ).
const (
	selSize   = `[data-testid="option-form"] select[name="option1"]`
	selColour = `[data-testid="option-form"] select[name="option2"]`
)

// postcodeScripts is where postcode.js loads Kakao's postcode widget from.
const postcodeScripts = "https://t1.daumcdn.net/*"

// TestOptionsAndPostcode: a shopper chooses 사이즈 and then 색상 of a
// T-shirt in two selects, sees the price change with the size and the
// sold-out colour of that size disabled, and puts the chosen combination in
// the cart; at checkout, the postcode search stays hidden when its script
// cannot load, and fills the address when it does.
func TestOptionsAndPostcode(t *testing.T) {
	s := startShopWith(t, nil)
	browser := startBrowser(t)
	ctx := context.Background()

	// A T-shirt: S, M, L × 블랙, 화이트, 네이비 at ₩19,000, L ₩2,000 more;
	// L in 화이트 is sold out.
	tee := catalog.NewProduct{CategoryID: buyable(t, s, 1)[0].CategoryID, Name: "오가닉 코튼 반팔 티셔츠",
		Summary: "매일 입기 좋은 반팔", OptionNames: []string{"사이즈", "색상"}}
	for _, size := range []string{"S", "M", "L"} {
		for _, colour := range []string{"블랙", "화이트", "네이비"} {
			price, stock := int64(19000), int64(20)
			if size == "L" {
				price += 2000
			}
			if size == "L" && colour == "화이트" {
				stock = 0
			}
			tee.Variants = append(tee.Variants, catalog.NewVariant{SKU: "OCT-" + size + "-" + colour, Options: [3]string{size, colour}, Price: price, Stock: stock, Active: true})
		}
	}
	id, err := s.App.Catalog.CreateProduct(ctx, tee)
	if err != nil {
		t.Fatal(err)
	}

	const email, password = "tee@example.com", "반팔 티셔츠를 고르는 여름"
	newCustomer(t, s, email, password, "문옵션")

	t.Run("options", func(t *testing.T) {
		b := newTab(t, browser, s.Base, "options")
		b.open(productURL(id))
		b.waitVisible(selColour)
		if n := b.count(`[data-testid="option-form"] select`); n != 2 {
			b.fatalf("the product page has %d selects, want one for 사이즈 and one for 색상", n)
		}
		if n := b.count(`[type="radio"]`); n != 0 {
			b.fatalf("the product page still offers %d variant cards", n)
		}
		if visible := eval[bool](b, `!!document.querySelector('[data-testid="option-show"]').offsetParent`); visible {
			b.fatalf("the no-JavaScript show button is visible although the script runs")
		}
		if p := b.text(selProductPrice); p != "19,000원" {
			b.fatalf("the page leads with %q, want the lowest price 19,000원", p)
		}
		if sizes := optionTexts(b, selSize); !slices.Equal(sizes, []string{"사이즈 선택", "S", "M", "L (+2,000원)"}) {
			b.fatalf("the 사이즈 select offers %q", sizes)
		}

		choose(b, selSize, "L")
		colours := optionTexts(b, selColour)
		if !slices.Equal(colours, []string{"색상 선택", "블랙 (+2,000원)", "화이트 (품절)", "네이비 (+2,000원)"}) {
			b.fatalf("after choosing L the 색상 select offers %q", colours)
		}
		if off := b.attrs(selColour+` option[disabled]`, "value"); !slices.Equal(off, []string{"화이트"}) {
			b.fatalf("after choosing L the disabled colours are %q, want 화이트", off)
		}
		choose(b, selColour, "네이비")
		if p := b.text(selProductPrice); p != "21,000원" {
			b.fatalf("L in 네이비 shows %q, want 21,000원", p)
		}
		if got := b.text(`[data-testid="selected-variant"]`); !strings.Contains(got, "사이즈: L · 색상: 네이비") {
			b.fatalf("the chosen option reads %q", got)
		}
		if got := b.text(`[data-testid="availability"]`); got != "재고 있음" {
			b.fatalf("L in 네이비 says %q, want 재고 있음", got)
		}
		b.screenshot("chosen")

		// Back to S: 화이트 is there again and the price is the lowest.
		choose(b, selSize, "S")
		if off := b.count(selColour + ` option[disabled]`); off != 0 {
			b.fatalf("in S %d colours are disabled, want none", off)
		}
		if p := b.text(selProductPrice); p != "19,000원" {
			b.fatalf("S in 네이비 shows %q, want 19,000원", p)
		}
		choose(b, selSize, "L")
		b.do("order two", chromedp.SetValue(chromedp.CSS(`[data-testid="add-quantity"]`), "2"))
		b.follow("add L in 네이비 to the cart", chromedp.Click(chromedp.CSS(`[data-testid="add-to-cart"]`)))
		lines := b.texts(`[data-testid="cart-line"]`)
		if len(lines) != 1 || !strings.Contains(lines[0], "사이즈: L") || !strings.Contains(lines[0], "네이비") || !strings.Contains(lines[0], "42,000원") {
			b.fatalf("the cart holds %q, want two of L in 네이비 for 42,000원", lines)
		}
		b.screenshot("cart")
	})

	t.Run("postcode blocked", func(t *testing.T) {
		b := newTab(t, browser, s.Base, "postcode-blocked")
		answerPostcodeScript(t, b, "")
		signIn(b, email, password)
		b.open(productURL(id))
		choose(b, selSize, "M")
		choose(b, selColour, "블랙")
		b.follow("add M in 블랙 to the cart", chromedp.Click(chromedp.CSS(`[data-testid="add-to-cart"]`)))
		b.follow("go to checkout", chromedp.Click(chromedp.CSS(`[data-testid="cart-checkout"]`)))
		if n := b.count(`[data-testid="postcode-search"]`); n != 1 {
			b.fatalf("the checkout's new-address form has %d postcode buttons, want 1", n)
		}
		if d := eval[string](b, `getComputedStyle(document.querySelector('[data-testid="postcode-search"]')).display`); d != "none" {
			b.fatalf("with its script blocked the postcode button is shown (display %s)", d)
		}
		if got := b.attrs(field("recipient"), "value"); !slices.Equal(got, []string{"문옵션"}) {
			b.fatalf("the first checkout's recipient is %q, want the account's name", got)
		}
		b.screenshot("checkout")
	})

	t.Run("postcode found", func(t *testing.T) {
		b := newTab(t, browser, s.Base, "postcode-found")
		answerPostcodeScript(t, b, fakePostcode)
		signIn(b, email, password)
		b.open("/checkout")
		b.waitVisible(`[data-testid="postcode-search"]`)
		b.do("find the postcode", chromedp.Click(chromedp.CSS(`[data-testid="postcode-search"]`)))
		if got := inputValue(b, field("postcode")); got != "06236" {
			b.fatalf("the postcode reads %q after the search", got)
		}
		if got := inputValue(b, field("line1")); got != "서울 강남구 테헤란로 123" {
			b.fatalf("the address reads %q after the search", got)
		}
		if !eval[bool](b, `document.querySelector('[data-testid="checkout-address-new"]').checked`) {
			b.fatalf("the search did not choose the new address")
		}
		b.do("fill in the rest",
			chromedp.SendKeys(chromedp.CSS(field("line2")), "7층"),
			chromedp.Click(chromedp.CSS(`[data-testid="pay-bank_transfer"]`)),
		)
		b.follow("place the order", chromedp.Click(chromedp.CSS(`[data-testid="checkout-place"]`)))

		// The next checkout starts from that address.
		b.open(productURL(id))
		choose(b, selSize, "S")
		choose(b, selColour, "화이트")
		b.follow("add S in 화이트 to the cart", chromedp.Click(chromedp.CSS(`[data-testid="add-to-cart"]`)))
		b.follow("go to checkout", chromedp.Click(chromedp.CSS(`[data-testid="cart-checkout"]`)))
		for name, want := range map[string]string{"recipient": "문옵션", "postcode": "06236", "line1": "서울 강남구 테헤란로 123", "line2": "7층"} {
			if got := b.attrs(field(name), "value"); !slices.Equal(got, []string{want}) {
				b.fatalf("the next checkout's %s is %q, want %q", name, got, want)
			}
		}
		b.screenshot("next-checkout")
	})
}

// fakePostcode stands in for Kakao's postcode widget: opening it finds
// one address at once.
const fakePostcode = `window.daum = { Postcode: function (o) {
	this.open = function () { o.oncomplete({ zonecode: "06236", roadAddress: "서울 강남구 테헤란로 123", jibunAddress: "" }); };
} };`

// answerPostcodeScript answers the tab's requests for the postcode widget
// with body, or fails them as a blocked request when body is "".
func answerPostcodeScript(t *testing.T, b *tab, body string) {
	t.Helper()
	events := chromedp.Events(b.ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(b.ctx, fetch.Enable, fetch.EnableParams{
		Patterns: []*fetch.RequestPattern{{URLPattern: postcodeScripts}}}); err != nil {
		t.Fatalf("intercept the postcode script: %v", err)
	}
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			if body == "" {
				_, _ = chromedp.Call(b.ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
				continue
			}
			_, _ = chromedp.Call(b.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 200,
				ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/javascript; charset=utf-8"}},
				Body:            []byte(body)})
		}
	}()
}

// choose picks value in the select sel as a shopper does, which tells the
// page's scripts it changed.
func choose(b *tab, sel, value string) {
	b.t.Helper()
	b.waitVisible(sel)
	ok := eval[bool](b, fmt.Sprintf(`(() => {
		const s = document.querySelector(%s);
		const o = Array.from(s.options).find(o => o.value === %s);
		if (!o || o.disabled) return false;
		s.value = o.value;
		s.dispatchEvent(new Event("change", { bubbles: true }));
		return true;
	})()`, jsString(sel), jsString(value)))
	if !ok {
		b.fatalf("%s offers no %q one can choose: %q", sel, value, optionTexts(b, sel))
	}
}

// inputValue returns what the input sel holds now (its value property,
// which scripts and typing change, not the value attribute it came with).
func inputValue(b *tab, sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`document.querySelector(%s).value`, jsString(sel)))
}

// optionTexts returns the labels of the select's options, in order.
func optionTexts(b *tab, sel string) []string {
	b.t.Helper()
	return b.texts(sel + " option")
}
