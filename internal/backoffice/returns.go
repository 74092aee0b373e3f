package backoffice

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/returns"
)

// The returns section (반품/교환): the requests customers made, by status,
// and each request's page with the step it waits for. Behind
// account.PermOrders like the orders, whose refunds they make; the returns
// service writes every audit entry in the transaction of the step.

// Returns is what the back office needs of the returns service;
// *returns.Service implements it.
type Returns interface {
	List(ctx context.Context, f returns.Filter) ([]returns.Return, error)
	Get(ctx context.Context, id int64) (returns.Return, error)
	Approve(ctx context.Context, id int64, actor order.Actor, waiveFee bool) (returns.Return, error)
	Refuse(ctx context.Context, id int64, actor order.Actor, reason string) (returns.Return, error)
	RecordShipment(ctx context.Context, id int64, actor order.Actor, carrierCode, trackingNumber string, selfSent bool) (returns.Return, error)
	Receive(ctx context.Context, id int64, actor order.Actor, resellable bool) (returns.Return, error)
	Refund(ctx context.Context, id int64, actor order.Actor) (returns.Return, error)
	ShipExchange(ctx context.Context, id int64, actor order.Actor, carrierCode, trackingNumber string) (returns.Return, error)
}

// registerReturns adds the returns section.
func (h *Handler) registerReturns(mux Router) {
	p, s := h.cfg.Path, h.withSession
	orders := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermOrders, next))) }
	mux.Handle("GET "+p+"/returns", orders(h.returnsList))
	mux.Handle("GET "+p+"/returns/{id}", orders(h.returnPage))
	mux.Handle("POST "+p+"/returns/{id}/{step}", orders(h.returnStep))
}

// returnSections adds the returns section to the menu for u.
func (h *Handler) returnSections(u account.User, add func(key, path, hint string)) {
	if u.Can(account.PermOrders) {
		add("returns", "/returns", "dash.returns")
	}
}

// returnRow is one request in the list.
type returnRow struct {
	URL, Number, Kind, Reason, Status, StatusKey, Items, Fee, Asked string
}

// returnsView is the list with its status filter.
type returnsView struct {
	Base     string
	Statuses []option
	Rows     []returnRow
}

func (h *Handler) returnsList(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	status := r.URL.Query().Get("status")
	if status == "" {
		status = "open"
	}
	rs, err := h.deps.Returns.List(r.Context(), returns.Filter{Status: status, Limit: returns.MaxList})
	if _, ok := fault.AsInvalid(err); ok {
		status = "open"
		rs, err = h.deps.Returns.List(r.Context(), returns.Filter{Status: status, Limit: returns.MaxList})
	}
	if err != nil {
		return err
	}
	v := returnsView{Base: h.url("/returns")}
	for _, s := range append([]string{"open"}, statusKeys()...) {
		v.Statuses = append(v.Statuses, option{Value: s, Label: m.T("ret.status." + s), Selected: s == status})
	}
	for _, rt := range rs {
		v.Rows = append(v.Rows, returnRow{URL: h.url("/returns/" + strconv.FormatInt(rt.ID, 10)), Number: rt.Number,
			Kind: m.T("ret.kind." + string(rt.Kind)), Reason: m.T("ret.reason." + string(rt.Reason)),
			Status: m.T("ret.status." + string(rt.Status)), StatusKey: string(rt.Status), Items: itemsText(rt),
			Fee: m.Won(rt.Fee), Asked: m.Time(rt.CreatedAt)})
	}
	p := h.page(r, m, u, m.T("ret.title"), "returns")
	h.render(w, r, http.StatusOK, returnsListPage(p, v))
	return nil
}

func statusKeys() []string {
	out := make([]string, len(returns.Statuses))
	for i, s := range returns.Statuses {
		out[i] = string(s)
	}
	return out
}

// itemsText is the lines of rt as a list shows them.
func itemsText(rt returns.Return) string {
	parts := make([]string, len(rt.Lines))
	for i, l := range rt.Lines {
		parts[i] = l.Name + " × " + strconv.FormatInt(l.Quantity, 10)
	}
	return strings.Join(parts, ", ")
}

// returnView is one request's page.
type returnView struct {
	ID                                     int64
	BackURL, OrderURL, ActionBase          string
	Number, Kind, Reason, Note, Status     string
	StatusKey, Fee, Refusal, Asked         string
	Exchange                               bool
	Lines                                  []returnLineView
	Photos                                 []string
	Account                                *accountView
	BackParcel, ExchangeParcel, Resellable string
	// The steps the request waits for.
	CanApprove, CanRefuse, CanShipment, CanReceive, CanRefund, CanExchange bool
	Carriers                                                               []option
	Notice, Error                                                          string
	Errors                                                                 map[string]string
}

type returnLineView struct{ Name, Options, Qty, Amount string }

// returnNote is what a step says on the page it shows again.
type returnNote struct {
	Status        int
	Notice, Error string
	Fields        map[string]string
}

func (h *Handler) returnPage(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showReturn(w, r, m, u, returnNote{Status: http.StatusOK})
}

func (h *Handler) showReturn(w http.ResponseWriter, r *http.Request, m *messages, u account.User, note returnNote) error {
	ctx := r.Context()
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	rt, err := h.deps.Returns.Get(ctx, id)
	if err != nil {
		return err
	}
	carriers, err := h.deps.Shipping.Carriers(ctx)
	if err != nil {
		return err
	}
	v := returnView{ID: rt.ID, BackURL: h.url("/returns"), OrderURL: h.url("/orders/" + strconv.FormatInt(rt.OrderID, 10)),
		ActionBase: h.url("/returns/" + strconv.FormatInt(rt.ID, 10)), Number: rt.Number, Kind: m.T("ret.kind." + string(rt.Kind)),
		Reason: m.T("ret.reason." + string(rt.Reason)), Note: rt.Note, Status: m.T("ret.status." + string(rt.Status)),
		StatusKey: string(rt.Status), Fee: m.Won(rt.Fee), Refusal: rt.Refusal, Asked: m.Time(rt.CreatedAt),
		Exchange: rt.Kind == returns.KindExchange, Notice: note.Notice, Error: note.Error, Errors: note.Fields}
	for _, l := range rt.Lines {
		v.Lines = append(v.Lines, returnLineView{Name: l.Name, Options: l.Options, Qty: strconv.FormatInt(l.Quantity, 10), Amount: m.Won(l.Amount)})
	}
	for _, p := range rt.Photos {
		v.Photos = append(v.Photos, media.URLPrefix+p.Key)
	}
	if a := rt.Account; a != nil {
		v.Account = &accountView{Bank: payment.BankName(a.Bank), Number: a.Account, Holder: a.Holder}
	}
	switch {
	case rt.SelfSent:
		v.BackParcel = m.T("ret.self_sent")
	case rt.BackCarrier != "":
		v.BackParcel = rt.BackCarrier + " " + rt.BackTracking
	}
	if rt.ExchangeCarrier != "" {
		v.ExchangeParcel = rt.ExchangeCarrier + " " + rt.ExchangeTracking
	}
	if rt.Status == returns.Received || rt.Status == returns.Refunded || rt.Status == returns.Exchanged {
		v.Resellable = m.T("ret.resellable.no")
		if rt.Resellable {
			v.Resellable = m.T("ret.resellable.yes")
		}
	}
	v.CanApprove = rt.Status == returns.Requested
	v.CanRefuse = rt.Status == returns.Requested || rt.Status == returns.Approved || rt.Status == returns.SentBack
	v.CanShipment = rt.Status == returns.Approved || rt.Status == returns.SentBack
	v.CanReceive = v.CanShipment
	v.CanRefund = rt.Status == returns.Received && rt.Kind == returns.KindReturn
	v.CanExchange = rt.Status == returns.Received && rt.Kind == returns.KindExchange
	for _, c := range carriers {
		v.Carriers = append(v.Carriers, option{Value: c.Code, Label: c.Name})
	}
	p := h.page(r, m, u, m.F("ret.one", rt.Number), "returns")
	h.render(w, r, note.Status, returnPage(p, v))
	return nil
}

// returnStep takes the step the form names, as the signed-in staff
// member, and shows the request again with what happened.
func (h *Handler) returnStep(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	actor := order.Staff(staffActor(r, u))
	form := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	var err error
	switch step := r.PathValue("step"); step {
	case "approve":
		_, err = h.deps.Returns.Approve(ctx, id, actor, form("waive_fee") == "1")
	case "refuse":
		_, err = h.deps.Returns.Refuse(ctx, id, actor, form("reason"))
	case "shipment":
		_, err = h.deps.Returns.RecordShipment(ctx, id, actor, form("carrier_code"), form("tracking_number"), form("self_sent") == "1")
	case "receive":
		_, err = h.deps.Returns.Receive(ctx, id, actor, form("resellable") == "1")
	case "refund":
		_, err = h.deps.Returns.Refund(ctx, id, actor)
	case "exchange":
		_, err = h.deps.Returns.ShipExchange(ctx, id, actor, form("carrier_code"), form("tracking_number"))
	default:
		return fault.ErrNotFound
	}
	if err == nil {
		h.log.InfoContext(ctx, "return step in the back office", "actor_id", u.ID, "return_id", id, "step", r.PathValue("step"))
		return h.showReturn(w, r, m, u, returnNote{Status: http.StatusOK, Notice: m.T("ret.done." + r.PathValue("step"))})
	}
	if inv, ok := fault.AsInvalid(err); ok {
		fields := map[string]string{}
		for k, msg := range inv.Fields {
			fields[k] = fieldText(m, msg)
		}
		return h.showReturn(w, r, m, u, returnNote{Status: http.StatusUnprocessableEntity, Error: m.T("form.fix"), Fields: fields})
	}
	if errors.Is(err, payment.ErrRefundPending) {
		return h.showReturn(w, r, m, u, returnNote{Status: http.StatusAccepted, Notice: m.T("ret.pending")})
	}
	if d, ok := payment.AsDeclined(err); ok {
		return h.showReturn(w, r, m, u, returnNote{Status: http.StatusBadGateway, Error: m.F("ret.declined", d.Message)})
	}
	if errors.Is(err, fault.ErrConflict) {
		return h.showReturn(w, r, m, u, returnNote{Status: http.StatusConflict, Error: m.T("ret.conflict")})
	}
	return err
}

// returnTexts are the returns section's texts, {Korean, English}.
var returnTexts = map[string][2]string{
	"nav.returns":                {"반품/교환", "Returns"},
	"dash.returns":               {"고객의 반품·교환 신청: 승인, 반려, 회수, 입고 후 환불 또는 교환 발송", "Customers' return and exchange requests: approve, refuse, take back, refund or ship the exchange"},
	"ret.title":                  {"반품/교환 신청", "Return and exchange requests"},
	"ret.one":                    {"반품/교환 신청 — %s", "Request — %s"},
	"ret.back":                   {"← 신청 목록", "← All requests"},
	"ret.order":                  {"주문 보기", "Open the order"},
	"ret.none":                   {"신청이 없습니다.", "No request."},
	"ret.kind":                   {"종류", "Kind"},
	"ret.kind.return":            {"반품", "Return"},
	"ret.kind.exchange":          {"교환", "Exchange"},
	"ret.reason":                 {"사유", "Reason"},
	"ret.reason.change_of_mind":  {"단순 변심", "Change of mind"},
	"ret.reason.defect":          {"상품 불량", "Defect"},
	"ret.reason.wrong_item":      {"오배송", "Wrong item"},
	"ret.reason.damaged":         {"파손", "Damaged in transit"},
	"ret.reason.other":           {"기타", "Other"},
	"ret.note":                   {"고객이 남긴 내용", "Customer's note"},
	"ret.status":                 {"상태", "Status"},
	"ret.status.open":            {"처리할 신청 전체", "Every open request"},
	"ret.status.requested":       {"신청됨", "Requested"},
	"ret.status.approved":        {"승인됨 (회수 대기)", "Approved"},
	"ret.status.sent_back":       {"회수 중", "Coming back"},
	"ret.status.received":        {"입고됨", "Received"},
	"ret.status.refunded":        {"환불 처리됨", "Refunded"},
	"ret.status.exchanged":       {"교환 발송됨", "Exchange shipped"},
	"ret.status.refused":         {"반려됨", "Refused"},
	"ret.items":                  {"상품", "Items"},
	"ret.fee":                    {"고객 부담 배송비", "Fee the customer pays"},
	"ret.asked":                  {"신청 시각", "Asked at"},
	"ret.photos":                 {"첨부 사진", "Photos"},
	"ret.account":                {"환불 계좌", "Refund account"},
	"ret.back_parcel":            {"회수 송장", "Parcel coming back"},
	"ret.exchange_parcel":        {"교환 발송 송장", "Exchange parcel"},
	"ret.resellable":             {"재판매", "Resellable"},
	"ret.resellable.yes":         {"재판매 가능 (재고 복구)", "Resellable (stock back)"},
	"ret.resellable.no":          {"재판매 불가 (재고 복구 안 함)", "Not resellable (no stock back)"},
	"ret.refusal":                {"반려 사유", "Refusal reason"},
	"ret.self_sent":              {"고객이 직접 발송", "Sent by the customer"},
	"ret.approve":                {"승인", "Approve"},
	"ret.waive_fee":              {"배송비를 상점이 부담 (고객 부담 배송비 면제)", "The shop pays the return shipping (waive the fee)"},
	"ret.refuse":                 {"반려", "Refuse"},
	"ret.shipment":               {"회수 송장 기록", "Record the parcel coming back"},
	"ret.self_sent.check":        {"고객이 직접 보냄 (송장 없음)", "The customer sends it themselves (no tracking)"},
	"ret.receive":                {"입고 처리", "Receive the goods"},
	"ret.receive.hint":           {"반품이면 입고와 함께 환불됩니다: 결제 금액 중 해당 상품 몫에서 고객 부담 배송비를 뺀 금액. 무통장입금 주문은 환불 대기로 기록되고, 고객 계좌로 송금한 뒤 기록해야 끝납니다.", "A return is refunded on receipt: the lines' share of the payment less the fee. A bank-transfer order's refund waits for your transfer to the customer's account."},
	"ret.resellable.check":       {"재판매 가능 (재고로 되돌림)", "Resellable (put back in stock)"},
	"ret.refund":                 {"환불 다시 시도", "Try the refund again"},
	"ret.exchange":               {"교환 상품 발송", "Ship the exchange"},
	"ret.done.approve":           {"신청을 승인했습니다. 고객에게 메일을 보냈습니다.", "Approved; the customer is emailed."},
	"ret.done.refuse":            {"신청을 반려했습니다. 주문은 배송 완료로 돌아갔고 고객에게 사유를 메일로 보냈습니다.", "Refused; the order is delivered again and the customer is emailed the reason."},
	"ret.done.shipment":          {"회수 송장을 기록했습니다.", "The parcel coming back is recorded."},
	"ret.done.receive":           {"입고 처리했습니다.", "Received."},
	"ret.done.refund":            {"환불했습니다.", "Refunded."},
	"ret.done.exchange":          {"교환 상품을 발송했습니다. 고객에게 송장을 메일로 보냈습니다.", "The exchange is shipped; the customer is emailed the parcel."},
	"ret.pending":                {"결제사가 환불에 응답하지 않아 결과를 아직 모릅니다. 환불은 요청됨으로 기록되었으니 다시 요청하지 말고, 주문 화면의 환불 목록에서 다시 시도하세요.", "The payment provider did not answer the refund: it is recorded as requested. Do not ask again; retry it from the order's refunds."},
	"ret.conflict":               {"지금 상태에서는 할 수 없는 처리입니다. 다른 직원이 먼저 처리했을 수 있으니 다시 확인하세요. (교환 발송은 재고가 부족해도 할 수 없습니다.)", "This step does not fit the request's status now; a colleague may have acted first. (An exchange also needs stock.)"},
	"ret.declined":               {"결제사가 환불을 거절했습니다: %s. 상품은 입고된 상태로 남아 있으니 다시 시도할 수 있습니다.", "The payment provider refused the refund: %s. The goods stay received; try again."},
	"v.is not a tracking number": {"송장번호를 확인하세요.", "Check the tracking number."},
}
