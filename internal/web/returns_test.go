package web_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// postMultipart posts fields and files (field name → contents) as a
// browser posts a form with file inputs.
func (b *browser) postMultipart(path string, fields url.Values, files map[string][][]byte) response {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for k, fs := range files {
		for i, data := range fs {
			w, err := mw.CreateFormFile(k, "photo"+strconv.Itoa(i)+".png")
			if err != nil {
				b.t.Fatal(err)
			}
			_, _ = w.Write(data)
		}
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.s.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// A delivered order offers 반품/교환 신청; the form refuses a request
// without a line or with a file that is not a photo, in Korean, and takes
// a good one: the order page then shows the request, and no 구매 확정.
func TestReturnRequestPage(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	ctx := t.Context()
	f := catalogtest.Seed(t, s.cat, 8)
	b := s.member(t, signupForm)
	r := s.checkoutWith(t, b, s.variantOf(t, f, 0), url.Values{"payment": {"testpay"}})
	ref := strings.TrimPrefix(strings.TrimPrefix(r.header.Get("Location"), s.srv.URL), "/pay/testpay/")
	number := payment.OrderNumber(ref)
	r = b.post("/pay/testpay/"+ref, url.Values{"action": {"approve"}, "amount": {"4000"}})
	wantStatus(t, b.get(r.header.Get("Location")), http.StatusSeeOther, "/account/orders/"+number+"?paid=1")
	page := "/account/orders/" + number
	mustNotContain(t, b.get(page).body, `data-testid="return-button"`)
	// Not delivered: the form sends the customer back with why.
	wantStatus(t, b.get(page+"/returns/new"), http.StatusSeeOther, page)

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
	if _, err := s.orders.Ship(ctx, o.ID, "cj", "1234-5678-9012", staff); err != nil {
		t.Fatal(err)
	}
	if _, err := s.orders.Transition(ctx, o.ID, order.Delivered, staff, ""); err != nil {
		t.Fatal(err)
	}
	r = b.get(page)
	mustContain(t, r.body, `data-testid="return-button"`, "반품/교환 신청", `data-testid="order-confirm"`)
	r = b.get(page + "/returns/new")
	if r.status != http.StatusOK {
		t.Fatalf("form: %d", r.status)
	}
	mustContain(t, r.body, `enctype="multipart/form-data"`, "단순 변심", "상품 불량", "오배송", "배송 중 파손", "기타",
		"왕복 배송비 6,000원", `data-testid="return-line-`+strconv.FormatInt(o.Lines[0].ID, 10)+`"`)
	mustNotContain(t, r.body, `data-testid="refund-account"`) // a card payment needs no account

	line := strconv.FormatInt(o.Lines[0].ID, 10)
	r = b.postMultipart(page+"/returns", url.Values{"kind": {"return"}, "reason": {"defect"}}, nil)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("no line: %d", r.status)
	}
	mustContain(t, r.body, `data-testid="error-lines"`, "신청할 상품을 하나 이상 골라 주세요")
	r = b.postMultipart(page+"/returns", url.Values{"kind": {"return"}, "reason": {"defect"}, "line": {line}},
		map[string][][]byte{"photos": {[]byte("not a photo at all")}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("not a photo: %d", r.status)
	}
	mustContain(t, r.body, `data-testid="error-photos"`, "JPEG, PNG, GIF, WebP 파일만")

	var photo bytes.Buffer
	if err := png.Encode(&photo, image.NewGray(image.Rect(0, 0, 6, 6))); err != nil {
		t.Fatal(err)
	}
	r = b.postMultipart(page+"/returns", url.Values{"kind": {"return"}, "reason": {"change_of_mind"}, "line": {line},
		"note": {"색이 생각과 달라요"}}, map[string][][]byte{"photos": {photo.Bytes()}})
	wantStatus(t, r, http.StatusSeeOther, page)
	r = b.get(page)
	mustContain(t, r.body, "반품 신청을 접수했습니다", `data-testid="return-request"`, "신청 접수", "단순 변심",
		"6,000원 (환불 금액에서 차감)", `data-status="return_requested"`)
	mustNotContain(t, r.body, `data-testid="order-confirm"`, `data-testid="return-button"`)
	// Asked again (a second tab): a conflict, said in Korean.
	r = b.postMultipart(page+"/returns", url.Values{"kind": {"return"}, "reason": {"defect"}, "line": {line}}, nil)
	if r.status != http.StatusConflict {
		t.Fatalf("a second request: %d", r.status)
	}
	mustContain(t, r.body, "지금은 신청할 수 없습니다")
}
