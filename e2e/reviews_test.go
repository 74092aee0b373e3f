//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/order"
)

// TestReviews: a customer's order is delivered; from the account's
// 작성할 리뷰 they write a review with a photo, earn the photo points and
// see the product's rating change on its page; another customer likes the
// review there.
func TestReviews(t *testing.T) {
	s := startShop(t)
	browser := startBrowser(t)
	b := newTab(t, browser, s.Base, "reviews")
	ctx := context.Background()
	pick := dearProduct(t, s)
	const password = "리뷰를 시험하는 긴 비밀번호"
	u := newCustomer(t, s, "reviewer@example.com", password, "한리뷰")
	signIn(b, "reviewer@example.com", password)
	b.open(productURL(pick))
	if b.count(`[data-testid="no-reviews"]`) != 1 || b.count(`[data-testid="review-average"]`) != 0 {
		b.fatalf("a product nobody reviewed shows a rating")
	}
	b.follow("add to the cart", chromedp.Click(chromedp.CSS(`[data-testid="add-to-cart"]`)))
	b.follow("go to checkout", chromedp.Click(chromedp.CSS(`[data-testid="cart-checkout"]`)))
	fillNewAddress(b, "한리뷰")
	b.do("choose the test provider", chromedp.Click(chromedp.CSS(`[data-testid="pay-testpay"]`)))
	b.follow("place the order", chromedp.Click(chromedp.CSS(`[data-testid="checkout-place"]`)))
	b.follow("approve the payment", chromedp.Click(chromedp.CSS(`[data-testid="testpay-approve"]`)))
	number := strings.TrimPrefix(strings.SplitN(b.url()[len(s.Base):], "?", 2)[0], "/account/orders/")

	staffUser, err := s.App.Accounts.CreateSuperuser(ctx, "boss@mallang.example", "사장님", "사장님의 아주 긴 비밀번호")
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.App.Orders().ByNumber(ctx, u.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	staff := order.Staff(audit.Actor{UserID: staffUser.ID})
	if _, err := s.App.Orders().Ship(ctx, o.ID, "cj", "1234-5678-9012", staff); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Orders().Transition(ctx, o.ID, order.Delivered, staff, ""); err != nil {
		t.Fatal(err)
	}

	photo := filepath.Join(t.TempDir(), "review.png")
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		img.Set(x, x%48, color.RGBA{R: 220, G: 40, B: 90, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b.open("/account")
	b.follow("open the reviews to write", chromedp.Click(chromedp.CSS(`[data-testid="my-reviews-to-write"]`)))
	b.follow("open the review form", chromedp.Click(chromedp.CSS(`[data-testid="write-review"]`)))
	b.do("fill in the review",
		chromedp.Click(chromedp.CSS(`[data-testid="rating-4"]`)),
		chromedp.SendKeys(chromedp.CSS(field("body")), "포장이 꼼꼼하고 향이 정말 좋아요."),
		chromedp.SetUploadFiles(chromedp.CSS(field("photos")), []string{photo}),
	)
	b.screenshot("review-form")
	b.follow("post the review", chromedp.Click(chromedp.CSS(`[data-testid="review-submit"]`)))
	if got := b.text(`[data-testid="flash"]`); got != "리뷰를 등록했습니다. 적립금 500원을 드렸습니다." {
		b.fatalf("after posting, 내 리뷰 says %q", got)
	}
	if b.count(`[data-testid="my-review"]`) != 1 || b.count(`[data-testid="review-delete"]`) != 0 {
		b.fatalf("내 리뷰 lists %d reviews, a review with points deletable", b.count(`[data-testid="my-review"]`))
	}
	b.open("/account/points")
	if got := b.text(`[data-testid="points-balance"]`); !strings.Contains(got, "500원") {
		b.fatalf("the points balance reads %q after a photo review", got)
	}
	b.open(productURL(pick))
	if got := b.text(`[data-testid="review-average"]`); got != "4.0" {
		b.fatalf("the product's average reads %q", got)
	}
	if got := b.text(`[data-testid="review-count"]`); got != "리뷰 1개" {
		b.fatalf("the product's count reads %q", got)
	}
	if b.count(`[data-testid="review-photo"]`) != 1 {
		b.fatalf("the review shows no photo")
	}
	b.screenshot("product-reviewed")
	b.open("/account")
	b.follow("sign out", chromedp.Click(chromedp.CSS(selLogout)))

	const password2 = "공감을 누르는 고객의 비밀번호"
	newCustomer(t, s, "liker@example.com", password2, "공감왕")
	signIn(b, "liker@example.com", password2)
	b.open(productURL(pick))
	b.follow("like the review", chromedp.Click(chromedp.CSS(`[data-testid="review-like"]`)))
	if got := b.text(`[data-testid="review-notice"]`); got != "리뷰에 공감했습니다." {
		b.fatalf("after liking, the page says %q", got)
	}
	if got := b.text(`[data-testid="review-like"]`); got != "도움돼요 1" {
		b.fatalf("the like button reads %q", got)
	}
	b.screenshot("liked")
	b.checkHealthy()
}
