//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestOperatorOpensAProduct: an operator sets the shop's business
// information, creates a category and a draft product with two option
// dimensions (six variants with their stock), uploads three images, and
// publishes it; a customer finds it by search, buys one of its variants,
// and every page's footer shows the business information set in settings.
func TestOperatorOpensAProduct(t *testing.T) {
	s := startShop(t)
	browser := startBrowser(t)
	ctx := context.Background()
	admin := s.App.AdminPath()

	op := newTab(t, browser, s.Base, "operator")
	newStaff(op, s, "owner@example.com", "가게 문을 여는 사장님의 비밀번호")

	// Settings: the business information the footer shows.
	op.open(admin + "/settings")
	set := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.SetValue(chromedp.CSS(field(name)), value)
	}
	op.do("fill in the business information",
		set("shop_name", "말랑 니트 상점"),
		set("business_name", "주식회사 말랑니트(예시)"),
		set("representative", "김말랑"),
		set("registration", "123-45-67891"),
		set("mail_order", "제2026-서울마포-0000호(예시)"),
		set("address", "서울 마포구 예시로 1"),
		set("contact_phone", "02-000-0000"),
		set("contact_email", "help@example.com"),
		set("privacy_name", "이보호"),
		set("privacy_email", "privacy@example.com"),
	)
	op.follow("save the settings", chromedp.Click(chromedp.CSS(`[data-testid="settings-form"] `+selSubmit)))
	if n := op.count(`[data-testid="form-error"]`); n != 0 {
		op.fatalf("the settings were refused: %s", op.text(`[data-testid="form-error"]`))
	}

	// A category.
	op.open(admin + "/catalog/categories")
	op.do("fill in the category",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="add-category"] `+field("name")), "겨울 니트"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="add-category"] `+field("name_en")), "Winter knits"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="add-category"] `+field("slug")), "winter-knit"),
	)
	op.follow("add the category", chromedp.Click(chromedp.CSS(`[data-testid="add-category"] `+selSubmit)))
	cat, err := s.App.Catalog.CategoryBySlug(ctx, "winter-knit")
	if err != nil {
		op.fatalf("the new category: %v", err)
	}

	// A draft product with two option dimensions.
	const name = "캐시미어 라운드 니트"
	op.open(admin + "/catalog/products/new")
	op.do("fill in the product",
		chromedp.SendKeys(chromedp.CSS(field("name")), name),
		chromedp.SetValue(chromedp.CSS(field("category_id")), strconv.FormatInt(cat.ID, 10)),
		chromedp.SetValue(chromedp.CSS(field("state")), "draft"),
		chromedp.SendKeys(chromedp.CSS(field("summary")), "부드러운 캐시미어 100%"),
		chromedp.SetValue(chromedp.CSS(field("price")), "59000"),
		chromedp.SendKeys(chromedp.CSS(field("option_name_1")), "사이즈"),
		chromedp.SendKeys(chromedp.CSS(field("option_values_1")), "S, M, L"),
		chromedp.SendKeys(chromedp.CSS(field("option_name_2")), "색상"),
		chromedp.SendKeys(chromedp.CSS(field("option_values_2")), "블랙, 화이트"),
	)
	op.follow("make the combinations", chromedp.Click(chromedp.CSS(`[data-testid="apply-options"]`)))
	if n := op.count(`[data-testid="variant-row"]`); n != 6 {
		op.fatalf("%d variant rows, want 3 sizes × 2 colours", n)
	}
	op.do("give each variant a SKU and stock", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('[data-testid="variant-row"]').forEach((row, i) => {
		row.querySelector('input[id$="_sku"]').value = 'KNIT-' + i;
		row.querySelector('input[id$="_stock"]').value = '5';
	})`))
	// An image in the description, through the editor's image button.
	photo := writePNG(t, t.TempDir(), "knit-detail.png", color.RGBA{120, 80, 160, 255})
	eval[chromedp.Void](op, catchFileInput)
	op.do("click the editor's image button", chromedp.Click(chromedp.CSS(`.ql-toolbar .ql-image`)))
	op.do("choose the image", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="editor-file"]`), []string{photo}))
	op.waitVisible(`.ql-editor img[src^="/media/"]`)
	// The editor's toolbar speaks the page's language, not Quill's English.
	if got := eval[string](op, `getComputedStyle(document.querySelector('.ql-header .ql-picker-label'), '::before').content`); got != `"본문"` {
		op.fatalf("the heading picker reads %s, want \"본문\"", got)
	}
	if unnamed := eval[[]string](op, `Array.from(document.querySelectorAll('.ql-toolbar button')).filter(b => !b.getAttribute('aria-label')).map(b => b.className + ' ' + b.value)`); len(unnamed) > 0 {
		op.fatalf("toolbar buttons without a name: %v", unnamed)
	}
	if over := eval[[]string](op, formOverflow); len(over) > 0 {
		op.fatalf("the product form does not fit: %v", over)
	}
	op.screenshot("product-form")
	if bad := eval[[]string](op, `Array.from(document.querySelectorAll('[data-testid="product-form"] :invalid')).map(e => e.name || e.id || e.tagName)`); len(bad) > 0 {
		op.fatalf("the product form cannot be sent: invalid %v", bad)
	}
	op.follow("save the product", chromedp.Click(chromedp.CSS(`[data-testid="product-form"] `+selSubmit)))
	if n := op.count(`[data-testid="form-error"]`); n != 0 {
		op.fatalf("the product was refused: %s", op.text(`[data-testid="form-error"]`))
	}
	var saved struct {
		ID          int64  `db:"id"`
		Description string `db:"description"`
	}
	q := s.App.DB.Read()
	if err := q.GetContext(ctx, &saved, q.Rebind(`SELECT id, description FROM products WHERE name = ?`), name); err != nil {
		op.fatalf("the new product: %v", err)
	}
	id, description := saved.ID, saved.Description
	src := regexp.MustCompile(`<img[^>]* src="(/media/editor/[^"]+)"`).FindStringSubmatch(description)
	if src == nil {
		op.fatalf("the saved description has no uploaded image: %q", description)
	}
	if ok, err := s.App.Media.Exists(ctx, strings.TrimPrefix(src[1], "/media/")); err != nil || !ok {
		op.fatalf("the description's image %s is not in the media store: %v", src[1], err)
	}

	// A draft is not on the storefront yet.
	shopper := newTab(t, browser, s.Base, "shopper")
	shopper.open("/search?q=" + "캐시미어")
	if n := shopper.count(fmt.Sprintf(`a[href="/products/%d"]`, id)); n != 0 {
		shopper.fatalf("the draft is found by search")
	}

	// Three images, uploaded at once.
	dir := t.TempDir()
	var files []string
	for i, c := range []color.RGBA{{200, 40, 40, 255}, {30, 30, 30, 255}, {240, 240, 240, 255}} {
		files = append(files, writePNG(t, dir, fmt.Sprintf("knit-%d.png", i), c))
	}
	op.open(fmt.Sprintf("%s/catalog/products/%d/images", admin, id))
	op.do("choose three images", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="field-images"]`), files))
	op.follow("upload the images", chromedp.Click(chromedp.CSS(`[data-testid="upload"]`)))
	if n := op.count(`[data-testid="image"]`); n != 3 {
		op.fatalf("%d images on the product, want 3", n)
	}
	op.screenshot("images")

	// Published.
	op.open(fmt.Sprintf("%s/catalog/products/%d", admin, id))
	op.do("put it on sale", chromedp.SetValue(chromedp.CSS(field("state")), "on_sale"))
	op.follow("save the product", chromedp.Click(chromedp.CSS(`[data-testid="product-form"] `+selSubmit)))
	if n := op.count(`[data-testid="form-error"]`); n != 0 {
		op.fatalf("publishing was refused: %s", op.text(`[data-testid="form-error"]`))
	}

	// A customer finds it by search and buys it.
	const email, password = "knit@example.com", "따뜻한 니트를 사는 겨울"
	newCustomer(t, s, email, password, "최니트")
	signIn(shopper, email, password)
	shopper.open("/search?q=" + "캐시미어")
	card := fmt.Sprintf(`a[href="/products/%d"]`, id)
	if shopper.count(card) == 0 {
		shopper.fatalf("the search does not find the product")
	}
	shopper.screenshot("search")
	shopper.follow("open the product", chromedp.Click(chromedp.CSS(card)))
	if sizes := shopper.attrs(selSize+` option:not([value=""])`, "value"); !slices.Equal(sizes, []string{"S", "M", "L"}) {
		shopper.fatalf("the product page offers sizes %q, want S, M, L", sizes)
	}
	if colours := shopper.attrs(selColour+` option:not([value=""])`, "value"); !slices.Equal(colours, []string{"블랙", "화이트"}) {
		shopper.fatalf("the product page offers colours %q, want 블랙, 화이트", colours)
	}
	choose(shopper, selSize, "M")
	choose(shopper, selColour, "화이트")
	if n := shopper.count(`[data-testid="gallery"] img`); n < 1 {
		shopper.fatalf("the product page shows no image")
	}
	shopper.follow("add it to the cart", chromedp.Click(chromedp.CSS(`[data-testid="add-to-cart"]`)))
	shopper.open("/cart")
	if lines := shopper.texts(`[data-testid="cart-line"]`); len(lines) != 1 || !strings.Contains(lines[0], name) {
		shopper.fatalf("the cart holds %q", lines)
	}
	shopper.follow("go to checkout", chromedp.Click(chromedp.CSS(`[data-testid="cart-checkout"]`)))
	fillNewAddress(shopper, "최니트")
	shopper.follow("place the order", chromedp.Click(chromedp.CSS(`[data-testid="checkout-place"]`)))
	if st := shopper.attrs(`[data-testid="order-status"]`, "data-status"); len(st) != 1 || st[0] != "awaiting_deposit" {
		shopper.fatalf("the order page shows status %v", st)
	}
	if got := shopper.text(`[data-testid="order-total"]`); !strings.Contains(got, "59,000원") {
		shopper.fatalf("the order's total is %q, want the 59,000원 the operator set", got)
	}

	// The footer of every page shows what the operator set.
	footer := shopper.text(`[data-testid="business-info"]`)
	for _, want := range []string{"주식회사 말랑니트(예시)", "김말랑", "123-45-67891", "제2026-서울마포-0000호(예시)", "help@example.com", "이보호"} {
		if !strings.Contains(footer, want) {
			shopper.fatalf("the footer lacks %q: %q", want, footer)
		}
	}
	if n := shopper.count(`[data-testid="business-lookup"][href*="1234567891"]`); n != 1 {
		shopper.fatalf("the footer has no lookup link for the registration number")
	}
	shopper.screenshot("footer")
	shopper.checkHealthy()
	op.checkHealthy()
}

// formOverflow lists the parts of the product form that do not fit: the
// rich-text editor reaching past the right or bottom edge of its fieldset,
// and the variant table wider than its box (its last columns scrolled out
// of sight).
const formOverflow = `[...Array.from(document.querySelectorAll('.rich-editor, .ql-toolbar, .ql-container')).flatMap(el => {
	const box = (el.closest('fieldset') || el.parentElement).getBoundingClientRect();
	const r = el.getBoundingClientRect();
	const right = r.right - box.right, bottom = r.bottom - box.bottom;
	return right > 1 || bottom > 1 ? [el.className + ': ' + Math.round(right) + 'px right, ' + Math.round(bottom) + 'px below'] : [];
}), ...Array.from(document.querySelectorAll('[data-testid="variants"]')).flatMap(t => {
	const wrap = t.parentElement;
	return wrap.scrollWidth > wrap.clientWidth + 1 ? ['variant table: ' + (wrap.scrollWidth - wrap.clientWidth) + 'px hidden on the right'] : [];
})]`

// catchFileInput keeps the file input the editor's image button makes:
// the editor never puts it in the document, so a test cannot reach it to
// choose a file. Its click puts it there (hidden, data-testid
// "editor-file") instead of opening a file chooser, and choosing a file
// for it fires the same change event a person's choice does.
const catchFileInput = `(() => {
	const click = HTMLInputElement.prototype.click;
	HTMLInputElement.prototype.click = function () {
		if (this.type !== 'file' || this.isConnected) {
			return click.call(this);
		}
		this.dataset.testid = 'editor-file';
		this.hidden = true;
		document.body.appendChild(this);
	};
})()`

// writePNG writes a small image of colour c as a PNG file in dir.
func writePNG(t *testing.T, dir, name string, c color.RGBA) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Set(x, y, c)
		}
	}
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return p
}
