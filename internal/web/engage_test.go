package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// A visitor's recently viewed products live in a cookie: the product page
// shows the ones opened before it, /recent lists them the latest first,
// and a cookie with junk in it shows only the products it names.
func TestRecentlyViewed(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	f := catalogtest.Seed(t, s.cat, 4)
	b := s.browser(t)
	wantStatus(t, b.get("/recent"), http.StatusOK, "")
	mustContain(t, b.get("/recent").body, "최근 본 상품이 없습니다.")
	for _, i := range []int{0, 1, 2, 1} {
		wantStatus(t, b.get("/products/"+id(f.Products[i])), http.StatusOK, "")
	}
	r := b.get("/products/" + id(f.Products[3]))
	mustContain(t, r.body, `data-testid="recent-strip"`)
	strip := r.body[strings.Index(r.body, `data-testid="recent-strip"`):]
	wantOrder(t, strip, id(f.Products[1]), id(f.Products[2]), id(f.Products[0]))
	mustNotContain(t, strip, `data-product-id="`+id(f.Products[3])+`"`)

	r = b.get("/recent")
	wantStatus(t, r, http.StatusOK, "")
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
	wantOrder(t, r.body, `data-product-id="`+id(f.Products[3]), `data-product-id="`+id(f.Products[1]),
		`data-product-id="`+id(f.Products[2]), `data-product-id="`+id(f.Products[0]))

	other := s.browser(t)
	u, _ := url.Parse(s.srv.URL)
	other.c.Jar.SetCookies(u, []*http.Cookie{{Name: "mallang_recent", Value: "abc.-3.99999." + id(f.Products[2]) + ".0"}})
	r = other.get("/recent")
	wantStatus(t, r, http.StatusOK, "")
	if n := strings.Count(r.body, `data-testid="product-card"`); n != 1 {
		t.Errorf("%d cards from a forged cookie, want 1", n)
	}
}

// wantOrder fails unless every one of wants is in body, in that order.
func wantOrder(t *testing.T, body string, wants ...string) {
	t.Helper()
	at := 0
	for _, w := range wants {
		i := strings.Index(body[at:], w)
		if i < 0 {
			t.Fatalf("%q missing or out of order in:\n%.3000s", w, body)
		}
		at += i + len(w)
	}
}

// A customer wishes a product from its page with a form (no JavaScript):
// the button turns, the count goes up, the wishlist lists it, and taking it
// off there goes back to the wishlist. A visitor's wish asks for a login
// and changes nothing.
func TestWishFromTheProductPage(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	f := catalogtest.Seed(t, s.cat, 2)
	pid := f.Products[0]
	path := "/products/" + id(pid)

	guest := s.browser(t)
	r := guest.get(path)
	mustContain(t, r.body, "♡ 찜하기", "찜 0", "상품 문의 (0)", `data-testid="question-new"`)
	r = guest.post(path+"/wish", url.Values{"wish": {"1"}})
	if r.status == http.StatusSeeOther && r.header.Get("Location") == path+"#wish" {
		t.Fatal("a visitor's wish went through")
	}

	b := s.member(t, signupForm)
	mustContain(t, b.get("/account").body, `href="/account/wishlist"`, `href="/recent"`, `href="/account/questions"`)
	for range 2 { // a double click is one wish
		wantStatus(t, b.post(path+"/wish", url.Values{"wish": {"1"}}), http.StatusSeeOther, path+"#wish")
	}
	r = b.get(path)
	mustContain(t, r.body, "♥ 찜 해제", "찜 1", `data-testid="question-form"`)
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("a signed-in customer's product page: Cache-Control %q, want no-store", got)
	}
	mustContain(t, guest.get(path).body, "♡ 찜하기", "찜 1")

	r = b.get("/account/wishlist")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "찜한 상품", `href="/products/`+id(pid)+`"`, `data-testid="wish-remove"`)
	wantStatus(t, b.post(path+"/wish", url.Values{"wish": {"0"}, "back": {"/account/wishlist"}}), http.StatusSeeOther, "/account/wishlist")
	mustContain(t, b.get("/account/wishlist").body, "아직 찜한 상품이 없습니다.")
	mustContain(t, b.get(path).body, "찜 0")
	wantStatus(t, b.post(path+"/wish", url.Values{"wish": {"1"}, "back": {"//evil.example"}}), http.StatusSeeOther, path+"#wish")
	// Toggling fast from two tabs at once: every request is answered, none
	// fails, and the count matches the wish that stands.
	var wg sync.WaitGroup
	statuses := make(chan int, 8)
	for i := range 8 {
		wg.Go(func() {
			statuses <- b.post(path+"/wish", url.Values{"wish": {strconv.Itoa(i % 2)}}).status
		})
	}
	wg.Wait()
	close(statuses)
	for st := range statuses {
		if st != http.StatusSeeOther {
			t.Errorf("a racing toggle answered %d", st)
		}
	}
	r = b.get(path)
	if strings.Contains(r.body, "♥ 찜 해제") {
		mustContain(t, r.body, "찜 1")
	} else {
		mustContain(t, r.body, "♡ 찜하기", "찜 0")
	}
	wantStatus(t, b.post("/products/99999/wish", url.Values{"wish": {"1"}}), http.StatusNotFound, "")
}

// A customer asks a private question on a product page: a blank one shows
// the form again with a Korean message; another customer and a visitor see
// that it is private; the author sees it in 내 문의 and, once staff answer,
// the answer there and in a mail.
func TestProductQuestions(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	f := catalogtest.Seed(t, s.cat, 1)
	path := "/products/" + id(f.Products[0])
	author := s.member(t, signupForm)

	r := author.post(path+"/questions", url.Values{"body": {"  "}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, "문의 내용을 2,000자 이내로 적어 주세요.", `data-testid="error-body"`)
	wantStatus(t, author.get(path+"/questions/new"), http.StatusOK, "")
	wantStatus(t, author.post(path+"/questions", url.Values{"body": {"흰색도 있나요?"}, "private": {"on"}}),
		http.StatusSeeOther, path+"#questions")
	wantStatus(t, author.post(path+"/questions", url.Values{"body": {"배송은 얼마나 걸리나요?"}}),
		http.StatusSeeOther, path+"#questions")

	r = author.get(path)
	mustContain(t, r.body, "상품 문의 (2)", "흰색도 있나요?", "배송은 얼마나 걸리나요?", "답변대기", "김**")
	other := s.member(t, url.Values{"email": {"other@example.com"}, "password": {"말랑한 가을날의 산책"}, "name": {"이몽룡"},
		"phone": {"010-9876-5432"}, "terms": {"on"}})
	for _, b := range []*browser{other, s.browser(t)} {
		r = b.get(path)
		mustContain(t, r.body, "비밀글입니다.", "배송은 얼마나 걸리나요?")
		mustNotContain(t, r.body, "흰색도 있나요?")
	}

	qs, err := s.shop.Questions().Mine(context.Background(), firstUser(t, s), 10, 0)
	if err != nil || len(qs) != 2 {
		t.Fatalf("questions %v, %v", qs, err)
	}
	staff := audit.Actor{UserID: firstUser(t, s)}
	if _, err := s.shop.Questions().Answer(context.Background(), staff, qs[1].ID, "네, 흰색도 있습니다."); err != nil {
		t.Fatal(err)
	}
	r = author.get("/account/questions")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "상품 문의 내역", "흰색도 있나요?", "네, 흰색도 있습니다.", "답변완료", "🔒")
	mustNotContain(t, other.get(path).body, "네, 흰색도 있습니다.")
	mustContain(t, s.mailLinkText(t, "minji@example.com"), "네, 흰색도 있습니다.")
}

// firstUser is the id of the first member signed up.
func firstUser(t *testing.T, s *accountShop) int64 {
	t.Helper()
	var uid int64
	if err := s.d.Read().GetContext(context.Background(), &uid, `SELECT MIN(id) FROM users`); err != nil {
		t.Fatal(err)
	}
	return uid
}

// mailLinkText is the text of the latest mail to addr.
func (s *accountShop) mailLinkText(t *testing.T, addr string) string {
	t.Helper()
	var text string
	q := s.d.Read()
	if err := q.GetContext(context.Background(), &text, q.Rebind(`SELECT text_body FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1`), addr); err != nil {
		t.Fatalf("mail to %s: %v", addr, err)
	}
	return text
}
