package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/returns"
	"github.com/mallang/mallang/internal/security"
)

// Returns is what the return pages need; *returns.Service implements it.
type Returns interface {
	Request(ctx context.Context, in returns.RequestInput) (returns.Return, error)
	OfOrder(ctx context.Context, orderID int64) ([]returns.Return, error)
	NeedsAccount(ctx context.Context, orderID int64) (bool, error)
	Fee(ctx context.Context) int64
}

// registerReturns adds the return request form of a delivered order.
func (h *Handler) registerReturns(mux *http.ServeMux) {
	s := h.private
	mux.Handle("GET /account/orders/{number}/returns/new", s(h.signedIn(h.returnForm)))
	mux.Handle("POST /account/orders/{number}/returns", security.Limit(returns.MaxRequestBytes, h.tooLarge, s(h.signedIn(h.returnSubmit))))
}

// returnsPanel is the order page's part about returns: the button while the
// customer may ask, and the requests made.
type returnsPanel struct {
	NewURL   string
	Requests []returnItem
}

// returnItem is one request as the order page lists it.
type returnItem struct {
	Kind, Status, StatusKey, Items, Reason, Fee, Refusal, Asked string
}

// newReturnsPanel reads the requests of order o for its page.
func (h *Handler) newReturnsPanel(ctx context.Context, lc *locale, o order.Order) (*returnsPanel, error) {
	rs, err := h.acc.Returns.OfOrder(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	p := &returnsPanel{}
	if o.Status == order.Delivered {
		p.NewURL = "/account/orders/" + o.Number + "/returns/new"
	}
	for _, rt := range rs {
		it := returnItem{Kind: lc.T("ret.kind." + string(rt.Kind)), Status: lc.T("ret.status." + string(rt.Status)),
			StatusKey: string(rt.Status), Reason: lc.T("ret.reason." + string(rt.Reason)), Refusal: rt.Refusal,
			Asked: lc.DateTime(rt.CreatedAt)}
		if rt.Fee > 0 && rt.Kind == returns.KindReturn {
			it.Fee = lc.F("ret.fee_withheld", lc.Won(rt.Fee))
		} else if rt.Fee > 0 {
			it.Fee = lc.F("ret.fee_exchange", lc.Won(rt.Fee))
		}
		names := make([]string, len(rt.Lines))
		for i, l := range rt.Lines {
			names[i] = l.Name + " × " + strconv.FormatInt(l.Quantity, 10)
		}
		it.Items = strings.Join(names, ", ")
		p.Requests = append(p.Requests, it)
	}
	if p.NewURL == "" && len(p.Requests) == 0 {
		return nil, nil
	}
	return p, nil
}

// returnView is the request form.
type returnView struct {
	Number  string
	Action  string
	BackURL string
	Lines   []returnLineOption
	Kind    string
	Reasons []returnOption
	Note    string
	Fee     string
	Account bool
	Banks   []bankOption
	Bank    string
	AccNum  string
	Holder  string
	Error   string
	Fields  map[string]string
}

type returnLineOption struct {
	ID, Name, Options, Qty, Amount string
	Checked                        bool
}

type returnOption struct {
	Value, Label string
	Selected     bool
}

func (h *Handler) returnForm(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	o, err := h.ownOrder(r, u)
	if err != nil {
		return err
	}
	if o.Status != order.Delivered {
		h.sessions.Put(r.Context(), cartErrorKey, lc.T("ret.cannot"))
		http.Redirect(w, r, "/account/orders/"+o.Number, http.StatusSeeOther)
		return nil
	}
	v, err := h.newReturnView(r.Context(), lc, o)
	if err != nil {
		return err
	}
	return h.renderReturn(w, r, lc, v, http.StatusOK)
}

func (h *Handler) newReturnView(ctx context.Context, lc *locale, o order.Order) (*returnView, error) {
	need, err := h.acc.Returns.NeedsAccount(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	v := &returnView{Number: o.Number, Action: "/account/orders/" + o.Number + "/returns", BackURL: "/account/orders/" + o.Number,
		Kind: string(returns.KindReturn), Fee: lc.Won(h.acc.Returns.Fee(ctx)), Account: need, Fields: map[string]string{}}
	if need {
		v.Banks = banks(lc)
	}
	for _, l := range o.Lines {
		if l.Status == order.Refunded || l.Status == order.Cancelled {
			continue
		}
		v.Lines = append(v.Lines, returnLineOption{ID: strconv.FormatInt(l.ID, 10), Name: l.Name, Options: l.Options,
			Qty: strconv.FormatInt(l.Quantity, 10), Amount: lc.Won(l.LineTotal - l.Discount)})
	}
	for _, rs := range returns.Reasons {
		v.Reasons = append(v.Reasons, returnOption{Value: string(rs), Label: lc.T("ret.reason." + string(rs))})
	}
	return v, nil
}

func (h *Handler) renderReturn(w http.ResponseWriter, r *http.Request, lc *locale, v *returnView, status int) error {
	p := h.accountPage(r, lc, lc.F("ret.title", v.Number), v.Action+"/new")
	h.render(w, r, lc, status, returnPage(p, v))
	return nil
}

// maxReturnMemory is how much of a request form's photos is held in memory
// while parsing; the rest waits in temporary files.
const maxReturnMemory = 8 << 20

func (h *Handler) returnSubmit(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
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
	o, err := h.ownOrder(r, u)
	if err != nil {
		return err
	}
	in := returns.RequestInput{UserID: u.ID, OrderID: o.ID, Kind: returns.Kind(r.PostFormValue("kind")),
		Reason: returns.Reason(r.PostFormValue("reason")), Note: r.PostFormValue("note")}
	for _, s := range r.PostForm["line"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			in.LineIDs = append(in.LineIDs, id)
		}
	}
	if in.Kind == returns.KindReturn {
		in.Account = &payment.BankAccount{Bank: r.PostFormValue("refund_bank"), Account: r.PostFormValue("refund_number"),
			Holder: r.PostFormValue("refund_holder")}
	}
	photos, err := formPhotos(r, returns.MaxPhotos, returns.MaxPhotoSize)
	if err != nil {
		return err
	}
	for _, data := range photos {
		in.Photos = append(in.Photos, returns.Upload{Data: data})
	}
	_, err = h.acc.Returns.Request(r.Context(), in)
	if err == nil {
		word := lc.T("ret.kind." + string(in.Kind))
		h.sessions.Put(r.Context(), flashKey, lc.F("ret.done", word))
		http.Redirect(w, r, "/account/orders/"+o.Number, http.StatusSeeOther)
		return nil
	}
	inv, invalid := fault.AsInvalid(err)
	if !invalid && !errors.Is(err, fault.ErrConflict) {
		return err
	}
	v, verr := h.newReturnView(r.Context(), lc, o)
	if verr != nil {
		return verr
	}
	v.Kind, v.Note = string(in.Kind), in.Note
	v.Bank, v.AccNum, v.Holder = r.PostFormValue("refund_bank"), r.PostFormValue("refund_number"), r.PostFormValue("refund_holder")
	for i := range v.Lines {
		for _, id := range in.LineIDs {
			if v.Lines[i].ID == strconv.FormatInt(id, 10) {
				v.Lines[i].Checked = true
			}
		}
	}
	for i := range v.Reasons {
		v.Reasons[i].Selected = v.Reasons[i].Value == string(in.Reason)
	}
	if !invalid {
		v.Error = lc.T("ret.conflict")
		return h.renderReturn(w, r, lc, v, http.StatusConflict)
	}
	v.Error = lc.T("ret.fix")
	for k, m := range inv.Fields {
		v.Fields[k] = returnFieldText(lc, k, m)
	}
	return h.renderReturn(w, r, lc, v, http.StatusUnprocessableEntity)
}

// returnFieldText is the returns service's message m on field k as the
// customer reads it; the photo messages name the photo and the limit, so
// they are told by what they say.
func returnFieldText(lc *locale, k, m string) string {
	if k != "photos" {
		return lc.T(m)
	}
	switch {
	case strings.Contains(m, "larger than"):
		return lc.F("ret.photo.big", returns.MaxPhotoSize>>20)
	case strings.Contains(m, "at most"):
		return lc.F("ret.photo.many", returns.MaxPhotos)
	default:
		return lc.T("ret.photo.type")
	}
}

// returnText lists the texts of the return pages.
func returnText() []msg {
	return []msg{
		{key: "ret.button", ko: "반품/교환 신청", en: "Return or exchange"},
		{key: "ret.section", ko: "반품/교환", en: "Returns and exchanges"},
		{key: "ret.hint", ko: "구매 확정 전까지 받으신 상품의 반품이나 교환을 신청할 수 있습니다.", en: "Until you confirm the purchase you may ask to return or exchange what you received."},
		{key: "ret.title", ko: "%[1]v 주문 반품/교환 신청", en: "Return or exchange — order %[1]v"},
		{key: "ret.cannot", ko: "배송 완료된 주문만 구매 확정 전에 반품/교환을 신청할 수 있습니다.", en: "Only a delivered order can be returned or exchanged, before the purchase is confirmed."},
		{key: "ret.kind", ko: "신청 종류", en: "What you want"},
		{key: "ret.kind.return", ko: "반품", en: "Return"},
		{key: "ret.kind.exchange", ko: "교환", en: "Exchange"},
		{key: "ret.kind.return_hint", ko: "반품 (환불)", en: "Return (refund)"},
		{key: "ret.kind.exchange_hint", ko: "교환 (같은 상품으로)", en: "Exchange (the same item)"},
		{key: "ret.lines", ko: "신청할 상품", en: "Items"},
		{key: "ret.reason", ko: "사유", en: "Reason"},
		{key: "ret.reason.choose", ko: "사유를 선택해 주세요", en: "Choose a reason"},
		{key: "ret.reason.change_of_mind", ko: "단순 변심", en: "Change of mind"},
		{key: "ret.reason.defect", ko: "상품 불량", en: "Defective item"},
		{key: "ret.reason.wrong_item", ko: "오배송", en: "Wrong item sent"},
		{key: "ret.reason.damaged", ko: "배송 중 파손", en: "Damaged in transit"},
		{key: "ret.reason.other", ko: "기타", en: "Other"},
		{key: "ret.note", ko: "자세한 내용 (선택)", en: "Details (optional)"},
		{key: "ret.photos", ko: "사진 (선택, 3장까지, 한 장에 5MB까지)", en: "Photos (optional, up to 3, 5 MB each)"},
		{key: "ret.fee_notice", ko: "단순 변심이나 기타 사유로 반품하시면 왕복 배송비 %[1]v을 환불 금액에서 뺍니다. 상품 불량, 오배송, 배송 중 파손은 말랑이 배송비를 부담합니다.", en: "A return for a change of mind or another reason of yours costs the round-trip shipping of %[1]v, taken off the refund. For a defect, a wrong item or damage in transit the shop pays."},
		{key: "ret.account_hint", ko: "무통장입금으로 결제하신 주문입니다. 반품 환불금을 보내 드릴 본인 명의 계좌를 입력해 주세요. (교환이면 비워 두셔도 됩니다.)", en: "You paid by bank transfer: give the account in your name the refund goes to. (Leave it empty for an exchange.)"},
		{key: "ret.submit", ko: "신청하기", en: "Send the request"},
		{key: "ret.back", ko: "주문으로 돌아가기", en: "Back to the order"},
		{key: "ret.done", ko: "%[1]v 신청을 접수했습니다. 처리 결과는 메일로 알려 드립니다.", en: "Your %[1]v request is received. We will email you the outcome."},
		{key: "ret.fix", ko: "입력한 내용을 확인해 주세요.", en: "Please check what you entered."},
		{key: "ret.conflict", ko: "지금은 신청할 수 없습니다. 이미 신청한 상품이거나 구매 확정된 주문입니다.", en: "This cannot be requested now: the item is in a request already, or the purchase is confirmed."},
		{key: "ret.photo.big", ko: "사진은 한 장에 %[1]vMB까지 올릴 수 있습니다.", en: "Each photo may be at most %[1]v MB."},
		{key: "ret.photo.many", ko: "사진은 %[1]v장까지 올릴 수 있습니다.", en: "Attach at most %[1]v photos."},
		{key: "ret.photo.type", ko: "사진은 JPEG, PNG, GIF, WebP 파일만 올릴 수 있습니다.", en: "Photos must be JPEG, PNG, GIF or WebP images."},
		{key: "ret.status.requested", ko: "신청 접수", en: "Requested"},
		{key: "ret.status.approved", ko: "승인 (상품을 보내 주세요)", en: "Approved: please send the item back"},
		{key: "ret.status.sent_back", ko: "회수 중", en: "On its way back"},
		{key: "ret.status.received", ko: "상품 도착", en: "Item received"},
		{key: "ret.status.refunded", ko: "환불 처리", en: "Refunded"},
		{key: "ret.status.exchanged", ko: "교환 상품 발송", en: "Exchange shipped"},
		{key: "ret.status.refused", ko: "반려", en: "Refused"},
		{key: "ret.fee_withheld", ko: "고객 부담 배송비 %[1]v (환불 금액에서 차감)", en: "Return shipping %[1]v, taken off the refund"},
		{key: "ret.fee_exchange", ko: "고객 부담 배송비 %[1]v", en: "Return shipping you pay: %[1]v"},
		{key: "ret.refusal", ko: "반려 사유: %[1]v", en: "Reason: %[1]v"},
		{key: "choose at least one item", ko: "신청할 상품을 하나 이상 골라 주세요.", en: "Choose at least one item."},
		{key: "must be one of the listed reasons", ko: "사유를 선택해 주세요.", en: "Choose a reason."},
		{key: "must be return or exchange", ko: "반품인지 교환인지 선택해 주세요.", en: "Choose return or exchange."},
		{key: "must be at most 1000 characters", ko: "1,000자 이하로 적어 주세요.", en: "At most 1,000 characters."},
		{key: "an item is chosen twice", ko: "같은 상품이 두 번 선택되었습니다.", en: "An item is chosen twice."},
	}
}
