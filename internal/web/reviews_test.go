package web_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// A customer with a delivered order finds it under 작성할 리뷰, is told in
// Korean what is wrong with a bad review, writes a photo review and earns
// the photo points; 내 리뷰 shows it without a delete button. The product
// page shows the average and count, and the listing card the rating;
// another customer likes the review once, and its author cannot.
func TestReviewPages(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	ctx := t.Context()
	f := catalogtest.Seed(t, s.cat, 8)
	b := s.member(t, signupForm)
	r := s.checkoutWith(t, b, s.variantOf(t, f, 0), url.Values{"payment": {"testpay"}})
	ref := strings.TrimPrefix(strings.TrimPrefix(r.header.Get("Location"), s.srv.URL), "/pay/testpay/")
	number := payment.OrderNumber(ref)
	r = b.post("/pay/testpay/"+ref, url.Values{"action": {"approve"}, "amount": {"4000"}})
	b.get(r.header.Get("Location"))
	mustContain(t, b.get("/account").body, `href="/account/reviews"`, `href="/account/reviews/write"`)
	mustContain(t, b.get("/account/reviews/write").body, `data-testid="nothing-to-review"`)

	var staffID int64
	q := s.d.Write()
	if err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO users (email, role) VALUES (?, 'staff') RETURNING id`), "staff@example.com").Scan(&staffID); err != nil {
		t.Fatal(err)
	}
	o, err := s.orders.ByNumber(ctx, 1, number)
	if err != nil {
		t.Fatal(err)
	}
	staff := order.Staff(audit.Actor{UserID: staffID})
	write := "/account/reviews/write/" + strconv.FormatInt(o.Lines[0].ID, 10)
	wantStatus(t, b.get(write), http.StatusNotFound, "") // not delivered yet
	if _, err := s.orders.Ship(ctx, o.ID, "cj", "1234-5678-9012", staff); err != nil {
		t.Fatal(err)
	}
	if _, err := s.orders.Transition(ctx, o.ID, order.Delivered, staff, ""); err != nil {
		t.Fatal(err)
	}
	r = b.get("/account/reviews/write")
	mustContain(t, r.body, `data-testid="line-to-review"`, `href="`+write+`"`, "배송 완료",
		"리뷰를 쓰시면 적립금 100원, 사진과 함께 쓰시면 500원을 드립니다.")
	r = b.get(write)
	mustContain(t, r.body, `enctype="multipart/form-data"`, `data-testid="rating-5"`)

	r = b.postMultipart(write, url.Values{"rating": {"9"}, "body": {"좋아요"}}, map[string][][]byte{"photos": {[]byte("not a photo")}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad review: %d", r.status)
	}
	mustContain(t, r.body, "별점을 1점에서 5점 사이로 골라 주세요.", "리뷰를 10자 이상 써 주세요.", "JPEG, PNG, GIF, WebP 파일만", "좋아요")

	var photo bytes.Buffer
	if err := png.Encode(&photo, image.NewGray(image.Rect(0, 0, 6, 6))); err != nil {
		t.Fatal(err)
	}
	r = b.postMultipart(write, url.Values{"rating": {"4"}, "body": {"포장이 꼼꼼하고 맛도 좋아요."}}, map[string][][]byte{"photos": {photo.Bytes()}})
	wantStatus(t, r, http.StatusSeeOther, "/account/reviews")
	r = b.get("/account/reviews")
	mustContain(t, r.body, "리뷰를 등록했습니다. 적립금 500원을 드렸습니다.", "포장이 꼼꼼하고 맛도 좋아요.", `data-testid="review-photo"`,
		"적립금 500원 지급")
	mustNotContain(t, r.body, `data-testid="review-delete"`)
	mustContain(t, b.get("/account/points").body, "+500")
	mustContain(t, b.get("/account/reviews/write").body, `data-testid="nothing-to-review"`)
	wantStatus(t, b.get(write), http.StatusNotFound, "") // reviewed

	product := "/products/" + strconv.FormatInt(o.Lines[0].ProductID, 10)
	r = b.get(product)
	mustContain(t, r.body, `data-testid="reviews"`, `<strong data-testid="review-average">4.0</strong>`, "리뷰 1개",
		"포장이 꼼꼼하고 맛도 좋아요.", "김**", "도움돼요 0")
	d, err := s.cat.Product(ctx, o.Lines[0].ProductID)
	if err != nil {
		t.Fatal(err)
	}
	r = b.get("/categories/" + d.CategoryPath[len(d.CategoryPath)-1].Slug + "?sort=rating")
	mustContain(t, r.body, `data-testid="card-rating"`, "4.0 (리뷰 1)", `<option value="rating" selected>`, "판매량순", "리뷰 많은순")

	// The author cannot like their own review; another customer likes it once.
	id := reviewIDRE.FindStringSubmatch(r.body + b.get(product).body)[1]
	wantStatus(t, b.post("/reviews/"+id+"/like", url.Values{"product": {strconv.FormatInt(o.Lines[0].ProductID, 10)}}), http.StatusSeeOther, product+"?rl=own#reviews")
	mustContain(t, b.get(product+"?rl=own").body, "내가 쓴 리뷰에는 공감할 수 없습니다.")
	other := url.Values{"email": {"jisu@example.com"}, "password": {"말랑한 가을날의 산책"}, "name": {"박지수"}, "phone": {"010-2222-3333"}, "terms": {"on"}}
	b2 := s.member(t, other)
	form := url.Values{"product": {strconv.FormatInt(o.Lines[0].ProductID, 10)}}
	wantStatus(t, b2.post("/reviews/"+id+"/like", form), http.StatusSeeOther, product+"?rl=ok#reviews")
	wantStatus(t, b2.post("/reviews/"+id+"/like", form), http.StatusSeeOther, product+"?rl=dup#reviews")
	mustContain(t, b2.get(product).body, "도움돼요 1")
	visitor := s.browser(t)
	wantStatus(t, visitor.post("/reviews/"+id+"/like", form), http.StatusSeeOther, "")
}

var reviewIDRE = regexp.MustCompile(`action="/reviews/(\d+)/like"`)
