package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/inquiry"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/security"
)

// Inquiries is what the 1:1 inquiry pages need; *inquiry.Service
// implements it.
type Inquiries interface {
	Ask(ctx context.Context, in inquiry.AskInput) (inquiry.Inquiry, error)
	Mine(ctx context.Context, userID, id int64) (inquiry.Inquiry, error)
	ListMine(ctx context.Context, userID int64, limit, offset int) ([]inquiry.Inquiry, error)
}

// registerInquiries adds the customer's 1:1 inquiries to the account.
func (h *Handler) registerInquiries(mux *http.ServeMux) {
	s := h.private
	mux.Handle("GET /account/inquiries", s(h.signedIn(h.inquiriesPage)))
	mux.Handle("GET /account/inquiries/new", s(h.signedIn(h.inquiryForm)))
	mux.Handle("POST /account/inquiries", security.Limit(inquiry.MaxRequestBytes, h.tooLarge, s(h.signedIn(h.inquirySubmit))))
	mux.Handle("GET /account/inquiries/{id}", s(h.signedIn(h.inquiryDetail)))
}

// inquiryItem is one inquiry as the customer's pages show it.
type inquiryItem struct {
	URL, Title, Kind, Status, StatusKey, Asked, Order, OrderURL string
	Body, Answer, AnsweredAt                                    string
	Answered                                                    bool
	Photos                                                      []string
}

func newInquiryItem(lc *locale, in inquiry.Inquiry) inquiryItem {
	it := inquiryItem{URL: "/account/inquiries/" + strconv.FormatInt(in.ID, 10), Title: in.Title,
		Kind: lc.T("inq.kind." + string(in.Kind)), Status: lc.T("inq.status." + string(in.Status)), StatusKey: string(in.Status),
		Asked: lc.DateTime(in.CreatedAt), Order: in.OrderNumber, Body: in.Body, Answer: in.Answer,
		Answered: in.Status == inquiry.Answered}
	if in.OrderNumber != "" {
		it.OrderURL = "/account/orders/" + in.OrderNumber
	}
	if !in.AnsweredAt.IsZero() {
		it.AnsweredAt = lc.DateTime(in.AnsweredAt)
	}
	for _, p := range in.Photos {
		it.Photos = append(it.Photos, media.URLPrefix+p)
	}
	return it
}

func (h *Handler) inquiriesPage(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	list, err := h.acc.Inquiries.ListMine(r.Context(), u.ID, inquiry.MaxList, 0)
	if err != nil {
		return err
	}
	items := make([]inquiryItem, len(list))
	for i, in := range list {
		items[i] = newInquiryItem(lc, in)
	}
	p := h.accountPage(r, lc, lc.T("inq.title"), "/account/inquiries")
	h.render(w, r, lc, http.StatusOK, inquiriesListPage(p, items, h.sessions.PopString(r.Context(), flashKey)))
	return nil
}

func (h *Handler) inquiryDetail(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return fault.ErrNotFound
	}
	in, err := h.acc.Inquiries.Mine(r.Context(), u.ID, id)
	if err != nil {
		return err
	}
	it := newInquiryItem(lc, in)
	p := h.accountPage(r, lc, in.Title, it.URL)
	h.render(w, r, lc, http.StatusOK, inquiryDetailPage(p, it, h.sessions.PopString(r.Context(), flashKey)))
	return nil
}

// inquiryView is the form of a new inquiry.
type inquiryView struct {
	Kinds, Orders      []returnOption
	Title, Body, Error string
	Fields             map[string]string
}

// inquiryOrders is how many of the customer's latest orders the form
// offers.
const inquiryOrders = 30

func (h *Handler) newInquiryView(ctx context.Context, lc *locale, u account.User, kind, number string) (*inquiryView, error) {
	os, err := h.acc.Orders.List(ctx, u.ID, inquiryOrders, 0)
	if err != nil {
		return nil, err
	}
	v := &inquiryView{Fields: map[string]string{}}
	for _, k := range inquiry.Kinds {
		v.Kinds = append(v.Kinds, returnOption{Value: string(k), Label: lc.T("inq.kind." + string(k)), Selected: string(k) == kind})
	}
	for _, o := range os {
		v.Orders = append(v.Orders, returnOption{Value: o.Number, Label: orderLabel(lc, o), Selected: o.Number == number})
	}
	return v, nil
}

// orderLabel names an order in the form's list: its number and date.
func orderLabel(lc *locale, o order.Order) string {
	return o.Number + " (" + lc.DateTime(o.CreatedAt) + ")"
}

func (h *Handler) inquiryForm(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	v, err := h.newInquiryView(r.Context(), lc, u, "", r.URL.Query().Get("order"))
	if err != nil {
		return err
	}
	return h.renderInquiryForm(w, r, lc, v, http.StatusOK)
}

func (h *Handler) renderInquiryForm(w http.ResponseWriter, r *http.Request, lc *locale, v *inquiryView, status int) error {
	p := h.accountPage(r, lc, lc.T("inq.new"), "/account/inquiries/new")
	h.render(w, r, lc, status, inquiryFormPage(p, v))
	return nil
}

func (h *Handler) inquirySubmit(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	if err := r.ParseMultipartForm(maxReturnMemory); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return fmt.Errorf("%w: %w", errBadForm, err)
	} else if err != nil {
		if err := parseForm(r); err != nil {
			return err
		}
	}
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }()
	}
	in := inquiry.AskInput{UserID: u.ID, Kind: inquiry.Kind(r.PostFormValue("kind")), OrderNumber: r.PostFormValue("order"),
		Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
	photos, err := formPhotos(r, inquiry.MaxPhotos, inquiry.MaxPhotoSize)
	if err != nil {
		return err
	}
	for _, data := range photos {
		in.Photos = append(in.Photos, inquiry.Upload{Data: data})
	}
	q, err := h.acc.Inquiries.Ask(r.Context(), in)
	if err == nil {
		h.sessions.Put(r.Context(), flashKey, lc.T("inq.sent"))
		http.Redirect(w, r, "/account/inquiries/"+strconv.FormatInt(q.ID, 10), http.StatusSeeOther)
		return nil
	}
	inv, ok := fault.AsInvalid(err)
	if !ok {
		return err
	}
	v, verr := h.newInquiryView(r.Context(), lc, u, string(in.Kind), in.OrderNumber)
	if verr != nil {
		return verr
	}
	v.Title, v.Body, v.Error = in.Title, in.Body, lc.T("ret.fix")
	for k, m := range inv.Fields {
		if k == "photos" {
			v.Fields[k] = returnFieldText(lc, k, m)
			continue
		}
		v.Fields[k] = lc.T(m)
	}
	return h.renderInquiryForm(w, r, lc, v, http.StatusUnprocessableEntity)
}

// inquiryText lists the storefront's texts of 1:1 inquiries and of a
// blocked account.
func inquiryText() []msg {
	return []msg{
		{key: "blocked.title", ko: "이용이 제한된 계정입니다", en: "This account is blocked"},
		{key: "blocked.body", ko: "상점이 이 계정의 로그인과 주문을 막았습니다. 궁금한 점은 고객센터로 연락해 주세요.", en: "The shop has blocked this account from signing in and ordering. Please contact customer service."},
		{key: "blocked.reason", ko: "사유: %[1]v", en: "Reason: %[1]v"},
		{key: "blocked.login", ko: "이용이 제한된 계정이라 로그인할 수 없습니다. 사유: %[1]v", en: "This account is blocked and cannot sign in. Reason: %[1]v"},

		{key: "inq.title", ko: "1:1 문의", en: "Inquiries"},
		{key: "inq.new", ko: "1:1 문의하기", en: "Ask a question"},
		{key: "inq.none", ko: "문의한 내역이 없습니다.", en: "You have not asked anything yet."},
		{key: "inq.sent", ko: "문의를 접수했습니다. 답변이 등록되면 메일로 알려 드립니다.", en: "Your question is sent. We will email you when it is answered."},
		{key: "inq.kind", ko: "문의 유형", en: "Type"},
		{key: "inq.kind.choose", ko: "유형을 고르세요", en: "Choose a type"},
		{key: "inq.kind.order", ko: "주문/배송", en: "Order and delivery"},
		{key: "inq.kind.cancel", ko: "취소/반품", en: "Cancel and return"},
		{key: "inq.kind.product", ko: "상품", en: "Product"},
		{key: "inq.kind.payment", ko: "결제", en: "Payment"},
		{key: "inq.kind.account", ko: "회원", en: "Account"},
		{key: "inq.kind.other", ko: "기타", en: "Other"},
		{key: "inq.order", ko: "관련 주문 (선택)", en: "Order (optional)"},
		{key: "inq.order.none", ko: "주문과 관계없음", en: "Not about an order"},
		{key: "inq.subject", ko: "제목", en: "Title"},
		{key: "inq.body", ko: "내용", en: "Question"},
		{key: "inq.photos", ko: "사진 (선택, 3장까지, 한 장에 5MB까지)", en: "Photos (optional, up to 3, 5 MB each)"},
		{key: "inq.submit", ko: "문의하기", en: "Send"},
		{key: "inq.status.open", ko: "답변 대기", en: "Waiting for an answer"},
		{key: "inq.status.answered", ko: "답변 완료", en: "Answered"},
		{key: "inq.asked", ko: "문의일", en: "Asked"},
		{key: "inq.answer", ko: "답변", en: "Answer"},
		{key: "inq.answer.none", ko: "아직 답변이 없습니다. 답변이 등록되면 메일로 알려 드립니다.", en: "No answer yet. We will email you when there is one."},
		{key: "inq.back", ko: "← 문의 내역", en: "← All inquiries"},
		{key: "choose a type from the list", ko: "문의 유형을 골라 주세요.", en: "Choose a type from the list."},
		{key: "is not one of your orders", ko: "고객님의 주문이 아닙니다. 목록에서 골라 주세요.", en: "This is not one of your orders."},
		{key: "must be at most 5000 characters", ko: "5000자 이하여야 합니다.", en: "Must be at most 5000 characters."},
	}
}
