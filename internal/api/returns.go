package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/returns"
)

// Returns is what the return and exchange endpoints use
// (*returns.Service); see its methods for the errors.
type Returns interface {
	Request(ctx context.Context, in returns.RequestInput) (returns.Return, error)
	OfOrder(ctx context.Context, orderID int64) ([]returns.Return, error)
	List(ctx context.Context, f returns.Filter) ([]returns.Return, error)
	Count(ctx context.Context, f returns.Filter) (int, error)
	Get(ctx context.Context, id int64) (returns.Return, error)
	Approve(ctx context.Context, id int64, actor order.Actor, waiveFee bool) (returns.Return, error)
	Refuse(ctx context.Context, id int64, actor order.Actor, reason string) (returns.Return, error)
	RecordShipment(ctx context.Context, id int64, actor order.Actor, carrierCode, trackingNumber string, selfSent bool) (returns.Return, error)
	Receive(ctx context.Context, id int64, actor order.Actor, resellable bool) (returns.Return, error)
	Refund(ctx context.Context, id int64, actor order.Actor) (returns.Return, error)
	ShipExchange(ctx context.Context, id int64, actor order.Actor, carrierCode, trackingNumber string) (returns.Return, error)
}

// ReturnRequest is a return or exchange request as the API shows it.
type ReturnRequest struct {
	ID               int64        `json:"id" example:"7"`
	OrderNumber      string       `json:"order_number" example:"20261130-K7QX2M9A"`
	Kind             string       `json:"kind" enum:"return,exchange" doc:"return: the money back; exchange: the same goods again." example:"return"`
	Reason           string       `json:"reason" enum:"change_of_mind,defect,wrong_item,damaged,other" doc:"change_of_mind (단순 변심), defect (상품 불량), wrong_item (오배송), damaged (파손, in transit), other (기타)." example:"change_of_mind"`
	Note             string       `json:"note" example:"사이즈가 맞지 않아요"`
	Status           string       `json:"status" enum:"requested,approved,sent_back,received,refunded,exchanged,refused" doc:"requested → approved → sent_back (the parcel coming back is recorded) → received → refunded (the refund is made; see the order's payments for whether it awaits a transfer) or exchanged; or refused." example:"requested"`
	Fee              int64        `json:"fee" doc:"The return shipping the customer pays, in won: withheld from the refund of a return; 0 when the shop pays (a defect, a wrong item, damage in transit)." example:"6000"`
	Refusal          string       `json:"refusal" doc:"The shop's reason, when refused." example:""`
	BackCarrier      string       `json:"back_carrier" doc:"The carrier code of the parcel coming back; empty until recorded or when the customer sends it themselves." example:"cj"`
	BackTracking     string       `json:"back_tracking" example:"555566667777"`
	SelfSent         bool         `json:"self_sent" doc:"The customer sends the goods back their own way." example:"false"`
	Resellable       bool         `json:"resellable" doc:"Staff judged the goods received resellable; only then did their stock come back." example:"true"`
	RefundID         *int64       `json:"refund_id" doc:"The refund of a refunded return; null otherwise." example:"5"`
	ExchangeCarrier  string       `json:"exchange_carrier" doc:"The carrier code of the exchange's parcel." example:""`
	ExchangeTracking string       `json:"exchange_tracking" example:""`
	RefundAccount    string       `json:"refund_account" doc:"Where the refund of money paid by bank transfer goes, masked; empty otherwise." example:"신한은행 ****6789"`
	Lines            []ReturnLine `json:"lines" nullable:"false"`
	Photos           []string     `json:"photos" nullable:"false" doc:"The photos' addresses." example:"[\"/media/returns/3f/3fa9.png\"]"`
	CreatedAt        time.Time    `json:"created_at" example:"2026-12-01T02:00:00Z"`
	UpdatedAt        time.Time    `json:"updated_at" example:"2026-12-01T02:00:00Z"`
}

// ReturnLine is an order line a request sends back, whole.
type ReturnLine struct {
	LineID   int64  `json:"line_id" example:"101"`
	Name     string `json:"name" example:"말랑 캐모마일 티"`
	Options  string `json:"options" example:"맛: 기본"`
	Quantity int64  `json:"quantity" example:"1"`
	Amount   int64  `json:"amount" doc:"The line's total after its discount, in won." example:"34600"`
}

func newReturnRequest(rt returns.Return) ReturnRequest {
	out := ReturnRequest{ID: rt.ID, OrderNumber: rt.Number, Kind: string(rt.Kind), Reason: string(rt.Reason), Note: rt.Note,
		Status: string(rt.Status), Fee: rt.Fee, Refusal: rt.Refusal, BackCarrier: rt.BackCarrier, BackTracking: rt.BackTracking,
		SelfSent: rt.SelfSent, Resellable: rt.Resellable, ExchangeCarrier: rt.ExchangeCarrier, ExchangeTracking: rt.ExchangeTracking,
		Lines: make([]ReturnLine, 0, len(rt.Lines)), Photos: make([]string, 0, len(rt.Photos)),
		CreatedAt: rt.CreatedAt.UTC(), UpdatedAt: rt.UpdatedAt.UTC()}
	if rt.RefundID > 0 {
		id := rt.RefundID
		out.RefundID = &id
	}
	if rt.Account != nil {
		out.RefundAccount = rt.Account.Masked()
	}
	for _, l := range rt.Lines {
		out.Lines = append(out.Lines, ReturnLine(l))
	}
	for _, p := range rt.Photos {
		out.Photos = append(out.Photos, media.URLPrefix+p.Key)
	}
	return out
}

type returnRequestInput struct {
	Number string `path:"number" maxLength:"32" doc:"The order number." example:"20261130-K7QX2M9A"`
	Body   struct {
		Kind          string         `json:"kind" enum:"return,exchange" example:"return"`
		LineIDs       []int64        `json:"line_ids" minItems:"1" maxItems:"100" doc:"The order lines to send back, whole." example:"[101]"`
		Reason        string         `json:"reason" enum:"change_of_mind,defect,wrong_item,damaged,other" example:"change_of_mind"`
		Note          string         `json:"note,omitempty" maxLength:"3000" doc:"What happened, at most 1,000 characters." example:"사이즈가 맞지 않아요"`
		Photos        [][]byte       `json:"photos,omitempty" maxItems:"3" doc:"Up to three photos (JPEG, PNG, GIF or WebP, at most 5 MB each), base64."`
		RefundAccount *RefundAccount `json:"refund_account,omitempty" doc:"Required for a return of an order paid by bank transfer or into a virtual account: the customer's account the refund goes to. Ignored otherwise."`
	}
}

// returnFields say where the returns service's *fault.Invalid fields are in
// a request body.
var returnFields = map[string]string{"kind": "body.kind", "lines": "body.line_ids", "reason": "body.reason",
	"note": "body.note", "photos": "body.photos", "carrier_code": "body.carrier_code",
	"tracking_number": "body.tracking_number", payment.FieldRefundBank: "body.refund_account.bank",
	payment.FieldRefundNumber: "body.refund_account.number", payment.FieldRefundHolder: "body.refund_account.holder"}

type returnOutput struct {
	Body ReturnRequest
}

type returnsOutput struct {
	Body []ReturnRequest `nullable:"false"`
}

type adminReturnsInput struct {
	Status string `query:"status" enum:"open,requested,approved,sent_back,received,refunded,exchanged,refused" doc:"Only requests in this status; open: every request still to be handled."`
	PageQuery50Max200
}

type returnIDInput struct {
	ID int64 `path:"id" minimum:"1" doc:"The request's id." example:"7"`
}

type approveReturnInput struct {
	ID   int64 `path:"id" minimum:"1" example:"7"`
	Body *struct {
		WaiveFee bool `json:"waive_fee,omitempty" doc:"The shop pays the return shipping the customer would (a reason of theirs turned out to be the shop's fault)." example:"false"`
	}
}

type refuseReturnInput struct {
	ID   int64 `path:"id" minimum:"1" example:"7"`
	Body struct {
		Reason string `json:"reason" minLength:"1" maxLength:"600" doc:"Why, at most 200 characters; mailed to the customer." example:"사용 흔적이 있어 반품이 어렵습니다"`
	}
}

type returnParcelInput struct {
	ID   int64 `path:"id" minimum:"1" example:"7"`
	Body struct {
		CarrierCode    string `json:"carrier_code,omitempty" maxLength:"32" doc:"A carrier of the shop (cj, hanjin, lotte, epost, logen, …)." example:"cj"`
		TrackingNumber string `json:"tracking_number,omitempty" maxLength:"64" example:"555566667777"`
		SelfSent       bool   `json:"self_sent,omitempty" doc:"Return shipment only: the customer sends the goods back their own way; leave the carrier out." example:"false"`
	}
}

type receiveReturnInput struct {
	ID   int64 `path:"id" minimum:"1" example:"7"`
	Body struct {
		Resellable bool `json:"resellable" doc:"Whether the goods can be sold again: only then does their stock come back." example:"true"`
	}
}

const (
	returnConflict = "This request cannot take that step now: it is not in the status the step starts from, " +
		"or it changed meanwhile. Read it again."
	requestConflict = "This order cannot take a return request now: it is not delivered (not yet, or confirmed already), " +
		"or these lines are in an open request already."
)

// EnableReturns adds the return and exchange endpoints over r: the
// customer's (/api/v1/orders/{number}/returns) and the staff's
// (/api/v1/admin/returns…). Call it after EnableCommerce and before
// Register.
func (a *API) EnableReturns(r Returns) {
	if a.com == nil || r == nil {
		panic("api: EnableReturns needs EnableCommerce first, and a Returns")
	}
	a.ret = r
	doc := a.huma.OpenAPI()
	doc.Tags = append(doc.Tags, &huma.Tag{Name: "Returns", Description: "Return and exchange requests of delivered orders, " +
		"before the purchase is confirmed. Every operation needs an access token."})
	op := a.accountOp(huma.Operation{
		OperationID: "request-return",
		Method:      http.MethodPost,
		Path:        Prefix + "/orders/{number}/returns",
		Summary:     "Ask to return or exchange",
		Description: "Asks to send back whole lines of one of the signed-in customer's delivered orders, before the purchase is " +
			"confirmed, for a reason from the list, with a note and up to three photos. The order waits (return_requested, " +
			"it cannot be confirmed) until the shop refuses the request or refunds or exchanges the goods. The return " +
			"shipping the customer pays (fee) follows the reason: change_of_mind and other cost the shop's return fee, " +
			"withheld from the refund; defect, wrong_item and damaged cost nothing. Returns 201 with the request. " +
			"Refusals: 422 naming body.kind, body.line_ids, body.reason, body.note, body.photos (not an image, too large, " +
			"too many) or body.refund_account.* (required when the order was paid by bank transfer); 409 when the order " +
			"is not delivered (not yet, or confirmed already) or a line is in an open request already (two requests at " +
			"once: one is taken). " + orderNotFound,
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, "Returns", true)
	op.MaxBodyBytes = returns.MaxRequestBytes
	huma.Register(a.huma, op, a.requestReturn)
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "list-order-returns",
		Method:      http.MethodGet,
		Path:        Prefix + "/orders/{number}/returns",
		Summary:     "Get an order's return requests",
		Description: "Returns the return and exchange requests of one of the signed-in customer's orders, newest first. " + orderNotFound,
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, "Returns", true), a.listOrderReturns)

	staff := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return a.staffOp(huma.Operation{OperationID: id, Method: method, Path: Prefix + "/admin/returns" + path,
			Summary: summary, Description: "For staff with the orders permission, with a staff token carrying the orders scope " +
				"(any other token gets 403). " + desc, Errors: append([]int{http.StatusForbidden}, errs...)}, account.PermOrders)
	}
	huma.Register(a.huma, staff("list-returns", http.MethodGet, "", "List return requests",
		"Returns return and exchange requests, newest first, optionally only those in one status.",
		http.StatusUnprocessableEntity), a.listReturns)
	huma.Register(a.huma, staff("get-return", http.MethodGet, "/{id}", "Get a return request",
		"Returns one request, with the refund account masked.", http.StatusNotFound), a.getReturn)
	huma.Register(a.huma, staff("approve-return", http.MethodPost, "/{id}/approve", "Approve a return request",
		"Lets the customer send the goods back; waive_fee makes the shop pay the return shipping. The customer is mailed. "+
			"409 unless the request waits for a decision.", http.StatusNotFound, http.StatusConflict), a.approveReturn)
	huma.Register(a.huma, staff("refuse-return", http.MethodPost, "/{id}/refuse", "Refuse a return request",
		"Turns the request down with a reason, mailed to the customer; the order is delivered again and can be confirmed. "+
			"409 once the goods are received or the request is closed; 422 naming body.reason.",
		http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity), a.refuseReturn)
	huma.Register(a.huma, staff("record-return-shipment", http.MethodPost, "/{id}/shipment", "Record the parcel coming back",
		"Records the carrier and tracking number of the goods coming back, or self_sent when the customer sends them "+
			"their own way. 409 unless the request is approved; 422 naming body.carrier_code or body.tracking_number.",
		http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity), a.recordReturnShipment)
	huma.Register(a.huma, staff("receive-return", http.MethodPost, "/{id}/receive", "Receive the goods",
		"Records that the goods came back and whether they are resellable (only then does their stock come back). A "+
			"return is then refunded: the lines' share of what was paid less the fee, through the provider that took it, "+
			"or, for a bank transfer, awaiting the staff's transfer to the customer's account. An exchange waits for "+
			"POST …/exchange. 409 unless the request is approved; 502 when the provider refused the refund (the goods stay "+
			"received: POST …/refund tries again); 202 with refund_id when the provider did not answer (the return is "+
			"refunded and the refund recorded as requested; do not ask again).",
		http.StatusNotFound, http.StatusConflict, http.StatusBadGateway), a.receiveReturn)
	huma.Register(a.huma, staff("refund-return", http.MethodPost, "/{id}/refund", "Refund a received return",
		"Tries the refund of a received return again (after the provider refused it). 409 unless the return is received.",
		http.StatusNotFound, http.StatusConflict, http.StatusBadGateway), a.refundReturn)
	huma.Register(a.huma, staff("ship-exchange", http.MethodPost, "/{id}/exchange", "Ship the exchange",
		"Sends the exchange of a received request with a carrier and tracking number: the order is shipped again, a new "+
			"unit leaves stock, and the customer is mailed the parcel. 409 unless the exchange is received or when stock "+
			"is short; 422 naming body.carrier_code or body.tracking_number.",
		http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity), a.shipExchange)
	documentErrorHeaders(doc)
	a.renderSpec()
}

func (a *API) requestReturn(ctx context.Context, in *returnRequestInput) (*returnOutput, error) {
	u, o, err := a.myOrder(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	ups := make([]returns.Upload, len(in.Body.Photos))
	for i, p := range in.Body.Photos {
		ups[i] = returns.Upload{Data: p}
	}
	rt, err := a.ret.Request(ctx, returns.RequestInput{UserID: u.ID, OrderID: o.ID, Kind: returns.Kind(in.Body.Kind),
		LineIDs: in.Body.LineIDs, Reason: returns.Reason(in.Body.Reason), Note: in.Body.Note, Photos: ups,
		Account: in.Body.RefundAccount.account()})
	if err != nil {
		return nil, a.returnProblem(ctx, err, requestConflict)
	}
	return &returnOutput{Body: newReturnRequest(rt)}, nil
}

func (a *API) listOrderReturns(ctx context.Context, in *orderNumberInput) (*returnsOutput, error) {
	_, o, err := a.myOrder(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	rs, err := a.ret.OfOrder(ctx, o.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return returnList(rs), nil
}

func returnList(rs []returns.Return) *returnsOutput {
	out := &returnsOutput{Body: make([]ReturnRequest, 0, len(rs))}
	for _, rt := range rs {
		out.Body = append(out.Body, newReturnRequest(rt))
	}
	return out
}

// staffActor is the signed-in staff member of ctx as a returns step names
// them, once their token's orders scope is checked.
func staffActor(ctx context.Context) (order.Actor, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return order.Actor{}, err
	}
	if err := needScope(ctx, account.PermOrders); err != nil {
		return order.Actor{}, err
	}
	return order.Staff(apiActor(ctx, u)), nil
}

func (a *API) listReturns(ctx context.Context, in *adminReturnsInput) (*pageOutput[ReturnRequest], error) {
	if _, err := staffActor(ctx); err != nil {
		return nil, err
	}
	f := returns.Filter{Status: in.Status}
	query := url.Values{}
	if in.Status != "" {
		query.Set("status", in.Status)
	}
	out, err := listing[ReturnRequest]{path: "/admin/returns", query: query, params: in,
		list: func(ctx context.Context, limit, offset int) ([]ReturnRequest, error) {
			f.Limit, f.Offset = limit, offset
			rs, err := a.ret.List(ctx, f)
			return mapped(rs, err, newReturnRequest)
		},
		count: func(ctx context.Context) (int, error) { return a.ret.Count(ctx, f) },
	}.page(ctx, a)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, map[string]string{"status": "query.status", "limit": "query.per_page", "offset": "query.page"}, "query")
	}
	return out, nil
}

func (a *API) getReturn(ctx context.Context, in *returnIDInput) (*returnOutput, error) {
	if _, err := staffActor(ctx); err != nil {
		return nil, err
	}
	rt, err := a.ret.Get(ctx, in.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return &returnOutput{Body: newReturnRequest(rt)}, nil
}

func (a *API) approveReturn(ctx context.Context, in *approveReturnInput) (*returnOutput, error) {
	return a.returnStep(ctx, func(actor order.Actor) (returns.Return, error) {
		return a.ret.Approve(ctx, in.ID, actor, in.Body != nil && in.Body.WaiveFee)
	})
}

func (a *API) refuseReturn(ctx context.Context, in *refuseReturnInput) (*returnOutput, error) {
	return a.returnStep(ctx, func(actor order.Actor) (returns.Return, error) {
		return a.ret.Refuse(ctx, in.ID, actor, in.Body.Reason)
	})
}

func (a *API) recordReturnShipment(ctx context.Context, in *returnParcelInput) (*returnOutput, error) {
	return a.returnStep(ctx, func(actor order.Actor) (returns.Return, error) {
		return a.ret.RecordShipment(ctx, in.ID, actor, in.Body.CarrierCode, in.Body.TrackingNumber, in.Body.SelfSent)
	})
}

func (a *API) receiveReturn(ctx context.Context, in *receiveReturnInput) (*returnOutput, error) {
	return a.returnStep(ctx, func(actor order.Actor) (returns.Return, error) {
		return a.ret.Receive(ctx, in.ID, actor, in.Body.Resellable)
	})
}

func (a *API) refundReturn(ctx context.Context, in *returnIDInput) (*returnOutput, error) {
	return a.returnStep(ctx, func(actor order.Actor) (returns.Return, error) {
		return a.ret.Refund(ctx, in.ID, actor)
	})
}

func (a *API) shipExchange(ctx context.Context, in *returnParcelInput) (*returnOutput, error) {
	return a.returnStep(ctx, func(actor order.Actor) (returns.Return, error) {
		return a.ret.ShipExchange(ctx, in.ID, actor, in.Body.CarrierCode, in.Body.TrackingNumber)
	})
}

// returnStep runs a staff step as the signed-in staff member and answers
// with the request as it now is.
func (a *API) returnStep(ctx context.Context, step func(order.Actor) (returns.Return, error)) (*returnOutput, error) {
	actor, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	rt, err := step(actor)
	if errors.Is(err, payment.ErrRefundPending) {
		// The return is refunded; the provider's answer is awaited, and
		// the payment service asks again with the same idempotency key.
		return nil, refundPending(rt.RefundID)
	}
	if err != nil {
		return nil, a.returnProblem(ctx, err, returnConflict)
	}
	return &returnOutput{Body: newReturnRequest(rt)}, nil
}

// returnProblem maps the returns service's errors: a provider's refusal of
// the refund to 502, a conflict to 409 with what it means here, the rest
// as everywhere.
func (a *API) returnProblem(ctx context.Context, err error, conflict string) error {
	return a.paymentProblem(ctx, err, returnFields, "body", conflict)
}
