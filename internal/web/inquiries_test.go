package web_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/inquiry"
)

// A customer asks a question from the account with a photo; bad input is
// refused in Korean with every field named; the inquiry and, once staff
// answer, the answer show in the account; another customer cannot open it.
func TestInquiryPages(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	b := s.member(t, signupForm)
	var photo bytes.Buffer
	if err := png.Encode(&photo, image.NewGray(image.Rect(0, 0, 6, 6))); err != nil {
		t.Fatal(err)
	}
	r := b.get("/account")
	mustContain(t, r.body, `href="/account/inquiries"`)
	r = b.get("/account/inquiries/new")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "주문/배송", "취소/반품", "상품", "결제", "회원", "기타", `enctype="multipart/form-data"`)

	r = b.postMultipart("/account/inquiries", url.Values{"kind": {""}, "order": {"20990101-NOPE"}, "title": {""}, "body": {"내용"}},
		map[string][][]byte{"photos": {[]byte("not an image")}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, "문의 유형을 골라 주세요", "고객님의 주문이 아닙니다", "필수 항목입니다", "JPEG, PNG, GIF, WebP")

	r = b.postMultipart("/account/inquiries", url.Values{"kind": {"product"}, "title": {"재입고 문의"}, "body": {"언제 다시 들어오나요?"}},
		map[string][][]byte{"photos": {photo.Bytes()}})
	wantStatus(t, r, http.StatusSeeOther, "")
	detail := r.header.Get("Location")
	if !strings.HasPrefix(detail, "/account/inquiries/") {
		t.Fatalf("sent to %q", detail)
	}
	r = b.get(detail)
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "문의를 접수했습니다", "재입고 문의", "답변 대기", "아직 답변이 없습니다", "/media/inquiries/")

	ctx := context.Background()
	boss, err := s.acc.CreateSuperuser(ctx, "boss@example.com", "사장님", "사장님의 아주 긴 비밀번호")
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.shop.Inquiries().List(ctx, inquiryFilter())
	if err != nil || len(list) != 1 {
		t.Fatalf("queue %v, %v", list, err)
	}
	if _, err := s.shop.Inquiries().Answer(ctx, audit.Actor{UserID: boss.ID, Email: boss.Email}, list[0].ID, "다음 주 월요일에 입고됩니다."); err != nil {
		t.Fatal(err)
	}
	r = b.get(detail)
	mustContain(t, r.body, "답변 완료", "다음 주 월요일에 입고됩니다.")
	r = b.get("/account/inquiries")
	mustContain(t, r.body, "재입고 문의", "답변 완료")

	other := url.Values{}
	for k, v := range signupForm {
		other[k] = v
	}
	other.Set("email", "jisoo@example.com")
	ob := s.member(t, other)
	r = ob.get(detail)
	wantStatus(t, r, http.StatusNotFound, "")
	if strings.Contains(r.body, "재입고 문의") {
		t.Fatal("another customer read the inquiry")
	}
}

func inquiryFilter() inquiry.Filter { return inquiry.Filter{} }
