package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/pricing"
)

// Checkout prices and places orders; *checkout.Service implements it.
type Checkout interface {
	// Preview prices the customer's selected cart lines as Place would and
	// stores nothing; a coupon or points that do not apply come back as
	// problems of the breakdown.
	Preview(ctx context.Context, in order.PlaceInput) (order.Preview, error)
	// Place turns the selected cart lines into an order, with the bank
	// transfer it waits for when paid that way, once per (customer,
	// idempotency key): a key used before returns that order.
	Place(ctx context.Context, in checkout.Input) (checkout.Placed, error)
}

// Orders is what the order endpoints need of the order service;
// *order.Service implements it.
type Orders interface {
	// List returns a page of the customer's orders, newest first, without
	// address or shipments.
	List(ctx context.Context, userID int64, limit, offset int) ([]order.Order, error)
	Count(ctx context.Context, userID int64) (int, error)
	// ByNumber returns the customer's order with number, or
	// fault.ErrNotFound (also for someone else's).
	ByNumber(ctx context.Context, userID int64, number string) (order.Order, error)
	// History returns the order's status changes, oldest first; call it
	// only for an order ByNumber returned.
	History(ctx context.Context, orderID int64) ([]order.HistoryEntry, error)
	// ConfirmPurchase completes the customer's delivered order (구매확정)
	// and credits its points; fault.ErrConflict when it is not delivered.
	ConfirmPurchase(ctx context.Context, userID, orderID int64) (order.Order, error)
}

// CheckoutAddress is a delivery address typed at checkout instead of one
// from the address book.
type CheckoutAddress struct {
	Recipient string `json:"recipient" maxLength:"50" example:"김말랑"`
	Phone     string `json:"phone" maxLength:"32" doc:"Korean numbers in any usual form, others with their + country code." example:"010-1234-5678"`
	Postcode  string `json:"postcode" maxLength:"5" doc:"Five digits; Jeju and island postcodes add a remote-area surcharge." example:"06236"`
	Line1     string `json:"line1" maxLength:"200" doc:"The road or lot address." example:"서울특별시 강남구 테헤란로 427"`
	Line2     string `json:"line2,omitempty" maxLength:"200" doc:"The detail (building, floor, unit)." example:"위워크타워 10층"`
}

func (c *CheckoutAddress) address() *order.Address {
	if c == nil {
		return nil
	}
	return &order.Address{Recipient: c.Recipient, Phone: c.Phone, Postcode: c.Postcode, Line1: c.Line1, Line2: c.Line2}
}

// CheckoutLine is one line of a checkout's breakdown.
type CheckoutLine struct {
	CartLineID int64  `json:"cart_line_id" doc:"The cart line it comes from; 0 for a gift." example:"31"`
	VariantID  int64  `json:"variant_id" example:"12"`
	ProductID  int64  `json:"product_id" example:"4"`
	Name       string `json:"name" example:"말랑 다크초콜릿"`
	Options    string `json:"options" example:"맛: 카카오 70%"`
	SKU        string `json:"sku" example:"CHOC-70"`
	UnitPrice  int64  `json:"unit_price" doc:"In won." example:"12900"`
	Quantity   int64  `json:"quantity" example:"2"`
	LineTotal  int64  `json:"line_total" doc:"unit_price × quantity, in won." example:"25800"`
	Discount   int64  `json:"discount" doc:"The line's share of the grade and coupon discounts, in won: line_total - discount is what the line costs." example:"2000"`
	Gift       bool   `json:"gift" doc:"Added free by a gift-with-purchase rule." example:"false"`
}

// CheckoutProblem says why a requested coupon or points amount was not
// applied, or not in full.
type CheckoutProblem struct {
	Field   string `json:"field" enum:"coupon_code,points_to_use" doc:"The request field it is about." example:"coupon_code"`
	Code    string `json:"code" enum:"coupon_refused,coupon_min_order,coupon_no_lines,points_balance,points_max_percent,points_min_spend" doc:"Stable for clients: coupon_refused (message says why: unknown, expired, used up…), coupon_min_order, coupon_no_lines, points_balance, points_max_percent, points_min_spend." example:"coupon_min_order"`
	Message string `json:"message" doc:"A sentence for the customer, in English." example:"The order does not reach this coupon's minimum amount."`
	Limit   int64  `json:"limit" doc:"The amount the message refers to (minimum order, balance, cap or minimum spend), in won or points; 0 when none." example:"30000"`
}

// CheckoutPreview is a checkout priced as placing it now would price it.
type CheckoutPreview struct {
	Lines           []CheckoutLine    `json:"lines" nullable:"false" doc:"The selected cart lines, then gifts."`
	Subtotal        int64             `json:"subtotal" doc:"The sum of line_total, in won." example:"25800"`
	GradeDiscount   int64             `json:"grade_discount" doc:"The membership grade's discount (등급 할인), in won, taken before the coupon." example:"1000"`
	Discount        int64             `json:"discount" doc:"The coupon discount, in won." example:"2000"`
	Shipping        int64             `json:"shipping" doc:"Shipping fees, in won." example:"3000"`
	RemoteSurcharge int64             `json:"remote_surcharge" doc:"The Jeju or island surcharge, in won." example:"0"`
	PointsUsed      int64             `json:"points_used" doc:"Points spent, as won." example:"1000"`
	Total           int64             `json:"total" doc:"What the customer pays, in won: subtotal − discount + shipping + remote_surcharge − points_used." example:"25800"`
	PointsToEarn    int64             `json:"points_to_earn" doc:"Points credited when the order completes." example:"258"`
	PointsBalance   int64             `json:"points_balance" doc:"The customer's points balance now." example:"5000"`
	Postcode        string            `json:"postcode" doc:"The postcode the remote-area surcharge was priced for: address_id's, or address.postcode as soon as it is a valid 5-digit postcode even if the rest of the address is not filled in yet. Empty when there is none yet; a surcharge may then still be added." example:"63000"`
	Problems        []CheckoutProblem `json:"problems" nullable:"false" doc:"Why a requested coupon or points were not applied (the breakdown is priced without them); empty when all applied. Placing the order with them is refused."`
}

func newCheckoutPreview(p order.Preview) CheckoutPreview {
	b := p.Breakdown
	out := CheckoutPreview{
		Lines: make([]CheckoutLine, 0, len(b.Lines)), Subtotal: b.Subtotal, GradeDiscount: b.GradeDiscount, Discount: b.Discount, Shipping: b.Shipping,
		RemoteSurcharge: b.RemoteSurcharge, PointsUsed: b.PointsUsed, Total: b.Total, PointsToEarn: b.PointsToEarn,
		PointsBalance: p.PointsBalance, Postcode: p.Postcode, Problems: make([]CheckoutProblem, 0, len(b.Problems)),
	}
	byID := make(map[int64]cart.Line, len(p.Lines))
	for _, l := range p.Lines {
		byID[l.ID] = l
	}
	for _, l := range b.Lines {
		cl := CheckoutLine{VariantID: l.VariantID, ProductID: l.ProductID, Name: l.Name, UnitPrice: l.UnitPrice,
			Quantity: l.Quantity, LineTotal: l.LineTotal, Discount: l.Discount, Gift: l.Gift}
		if c, ok := byID[l.ID]; ok && !l.Gift {
			cl.CartLineID, cl.Options, cl.SKU = c.ID, c.Options, c.SKU
		}
		out.Lines = append(out.Lines, cl)
	}
	for _, pr := range b.Problems {
		out.Problems = append(out.Problems, newCheckoutProblem(pr))
	}
	return out
}

func newCheckoutProblem(p pricing.Problem) CheckoutProblem {
	out := CheckoutProblem{Field: p.Field, Code: p.Code, Message: p.Message, Limit: p.Limit}
	switch p.Field {
	case "coupon":
		out.Field = "coupon_code"
	case "points":
		out.Field = "points_to_use"
	}
	if out.Code == "" && p.Field == "coupon" {
		out.Code = "coupon_refused"
	}
	return out
}

// OrderLine is one variant of an order, with the name and price it had
// when the order was placed.
type OrderLine struct {
	ID        int64  `json:"id" example:"101"`
	VariantID int64  `json:"variant_id" example:"12"`
	ProductID int64  `json:"product_id" example:"4"`
	Name      string `json:"name" example:"말랑 다크초콜릿"`
	Options   string `json:"options" example:"맛: 카카오 70%"`
	SKU       string `json:"sku" example:"CHOC-70"`
	UnitPrice int64  `json:"unit_price" doc:"In won." example:"12900"`
	Quantity  int64  `json:"quantity" example:"2"`
	LineTotal int64  `json:"line_total" doc:"unit_price × quantity, in won." example:"25800"`
	Discount  int64  `json:"discount" doc:"The line's share of the grade and coupon discounts, in won: line_total - discount is what the line cost." example:"2000"`
	Gift      bool   `json:"gift" example:"false"`
	Status    string `json:"status" enum:"pending_payment,awaiting_deposit,paid,preparing,shipped,delivered,completed,cancelled,return_requested,returned,refunded,partially_refunded" example:"pending_payment"`
}

// OrderAddress is where an order is delivered, as it was when placed.
type OrderAddress struct {
	Recipient string `json:"recipient" example:"김말랑"`
	Phone     string `json:"phone" doc:"In E.164." example:"+821012345678"`
	Postcode  string `json:"postcode" example:"06236"`
	Line1     string `json:"line1" example:"서울특별시 강남구 테헤란로 427"`
	Line2     string `json:"line2" example:"위워크타워 10층"`
}

// OrderShipment is one parcel of an order.
type OrderShipment struct {
	CarrierCode    string     `json:"carrier_code" example:"cj"`
	TrackingNumber string     `json:"tracking_number" example:"640123456789"`
	TrackingURL    *string    `json:"tracking_url" format:"uri" doc:"The carrier's tracking page; null when the carrier is no longer known." example:"https://trace.cjlogistics.com/next/tracking.html?wblNo=640123456789"`
	ShippedAt      time.Time  `json:"shipped_at" example:"2026-12-01T02:00:00Z"`
	DeliveredAt    *time.Time `json:"delivered_at" doc:"Null until delivered." example:"2026-12-02T06:30:00Z"`
}

// OrderEvent is one recorded change of an order's status.
type OrderEvent struct {
	From   string    `json:"from" doc:"Empty for the entry that placed the order." example:"pending_payment"`
	To     string    `json:"to" example:"cancelled"`
	Actor  string    `json:"actor" enum:"customer,staff,system" doc:"Who made the change." example:"customer"`
	Reason string    `json:"reason" example:"주소를 잘못 입력했어요"`
	At     time.Time `json:"at" example:"2026-11-30T01:05:00Z"`
}

// OrderSummary is an order as the order list shows it.
type OrderSummary struct {
	Number          string      `json:"number" doc:"What the customer quotes; the order's id in URLs." example:"20261130-K7QX2M9A"`
	URL             string      `json:"url" format:"uri" doc:"This order in the API." example:"https://shop.example.com/api/v1/orders/20261130-K7QX2M9A"`
	Status          string      `json:"status" enum:"pending_payment,awaiting_deposit,paid,preparing,shipped,delivered,completed,cancelled,return_requested,returned,refunded,partially_refunded" example:"pending_payment"`
	Channel         string      `json:"channel" enum:"pc_web,mobile_web,api" doc:"Where the order was placed." example:"api"`
	PaymentMethod   string      `json:"payment_method" doc:"points when points paid the whole total." example:"card"`
	Lines           []OrderLine `json:"lines" nullable:"false"`
	Subtotal        int64       `json:"subtotal" doc:"In won." example:"25800"`
	GradeDiscount   int64       `json:"grade_discount" doc:"The membership grade's discount (등급 할인), in won, taken before the coupon." example:"1000"`
	Discount        int64       `json:"discount" doc:"The coupon discount, in won." example:"2000"`
	Shipping        int64       `json:"shipping" doc:"In won." example:"3000"`
	RemoteSurcharge int64       `json:"remote_surcharge" doc:"In won." example:"0"`
	PointsUsed      int64       `json:"points_used" example:"1000"`
	Total           int64       `json:"total" doc:"What the customer pays, in won." example:"25800"`
	PointsToEarn    int64       `json:"points_to_earn" doc:"Credited when the order completes." example:"258"`
	CanCancel       bool        `json:"can_cancel" doc:"Whether POST …/cancel would cancel it now (until it ships)." example:"true"`
	CanConfirm      bool        `json:"can_confirm" doc:"Whether POST …/confirm would confirm the purchase (구매확정) now: the order is delivered." example:"false"`
	PayBy           *time.Time  `json:"pay_by" doc:"When an unpaid order is cancelled; null when it does not wait for payment." example:"2026-11-30T02:00:00Z"`
	PaidAt          *time.Time  `json:"paid_at" doc:"Null until paid." example:"2026-11-30T01:10:00Z"`
	CancelledAt     *time.Time  `json:"cancelled_at" doc:"Null unless cancelled." example:"2026-11-30T01:20:00Z"`
	CreatedAt       time.Time   `json:"created_at" example:"2026-11-30T01:00:00Z"`
}

// Order is one of the signed-in customer's orders with its delivery,
// shipments and history.
type Order struct {
	OrderSummary
	Address      OrderAddress    `json:"address"`
	DeliveryNote string          `json:"delivery_note" example:"문 앞에 놓아 주세요"`
	Shipments    []OrderShipment `json:"shipments" nullable:"false" doc:"Parcels sent so far, with tracking links."`
	History      []OrderEvent    `json:"history" nullable:"false" doc:"Status changes, oldest first."`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func (a *API) orderURL(number string) string {
	return a.absURL(Prefix + "/orders/" + url.PathEscape(number))
}

func (a *API) newOrderSummary(o order.Order) OrderSummary {
	out := OrderSummary{
		Number: o.Number, URL: a.orderURL(o.Number), Status: string(o.Status), Channel: string(o.Channel),
		PaymentMethod: o.PaymentMethod, Lines: make([]OrderLine, 0, len(o.Lines)),
		Subtotal: o.Subtotal, GradeDiscount: o.GradeDiscount, Discount: o.Discount, Shipping: o.Shipping, RemoteSurcharge: o.RemoteSurcharge,
		PointsUsed: o.PointsUsed, Total: o.Total, PointsToEarn: o.PointsToEarn,
		CanCancel:  order.Allowed(o.Status, order.Cancelled, order.ByCustomer),
		CanConfirm: order.Allowed(o.Status, order.Completed, order.ByCustomer),
		PayBy:      timePtr(o.PayBy), PaidAt: timePtr(o.PaidAt), CancelledAt: timePtr(o.CancelledAt),
		CreatedAt: o.CreatedAt.UTC(),
	}
	for _, l := range o.Lines {
		out.Lines = append(out.Lines, OrderLine{
			ID: l.ID, VariantID: l.VariantID, ProductID: l.ProductID, Name: l.Name, Options: l.Options, SKU: l.SKU,
			UnitPrice: l.UnitPrice, Quantity: l.Quantity, LineTotal: l.LineTotal, Discount: l.Discount, Gift: l.Gift,
			Status: string(l.Status),
		})
	}
	return out
}

// newOrder shapes o with its history, which it reads.
func (a *API) newOrder(ctx context.Context, o order.Order) (Order, error) {
	h, err := a.com.Orders.History(ctx, o.ID)
	if err != nil {
		return Order{}, err
	}
	ad := o.Address
	out := Order{
		OrderSummary: a.newOrderSummary(o),
		Address:      OrderAddress{Recipient: ad.Recipient, Phone: ad.Phone, Postcode: ad.Postcode, Line1: ad.Line1, Line2: ad.Line2},
		DeliveryNote: o.DeliveryNote,
		Shipments:    make([]OrderShipment, 0, len(o.Shipments)),
		History:      make([]OrderEvent, 0, len(h)),
	}
	for _, s := range o.Shipments {
		sh := OrderShipment{CarrierCode: s.CarrierCode, TrackingNumber: s.TrackingNumber, ShippedAt: s.ShippedAt.UTC(),
			DeliveredAt: timePtr(s.DeliveredAt)}
		if s.TrackingURL != "" {
			u := s.TrackingURL
			sh.TrackingURL = &u
		}
		out.Shipments = append(out.Shipments, sh)
	}
	for _, e := range h {
		if e.LineID != 0 {
			continue // a line's own change; the order's entries tell the story
		}
		out.History = append(out.History, OrderEvent{From: string(e.From), To: string(e.To), Actor: string(e.Actor.Kind),
			Reason: e.Reason, At: e.CreatedAt.UTC()})
	}
	return out, nil
}

type previewInput struct {
	Body struct {
		AddressID   int64            `json:"address_id,omitempty" minimum:"0" doc:"An address from the customer's book (GET /api/v1/me/addresses); it decides the remote-area surcharge. Wins over address." example:"7"`
		Address     *CheckoutAddress `json:"address,omitempty" doc:"An address typed at checkout, when address_id is not sent."`
		CouponCode  string           `json:"coupon_code,omitempty" maxLength:"32" doc:"A coupon to apply; one per order." example:"WELCOME5000"`
		PointsToUse int64            `json:"points_to_use,omitempty" minimum:"0" doc:"Points to spend, one point one won." example:"1000"`
	}
}

type previewOutput struct {
	Body CheckoutPreview
}

type placeInput struct {
	IdempotencyKey string `header:"Idempotency-Key" required:"true" minLength:"1" maxLength:"64" doc:"One per checkout attempt, at most 64 bytes, such as a UUID made when the customer taps the button; retries send the same key." example:"3f2b9c1e-8d4a-4f6b-9a51-0c7e2d1b5a90"`
	Body           struct {
		AddressID     int64               `json:"address_id,omitempty" minimum:"0" doc:"An address from the customer's book; wins over address. One of the two is required." example:"7"`
		Address       *CheckoutAddress    `json:"address,omitempty" doc:"An address typed at checkout, when address_id is not sent."`
		DeliveryNote  string              `json:"delivery_note,omitempty" maxLength:"100" doc:"A note for the courier." example:"문 앞에 놓아 주세요"`
		CouponCode    string              `json:"coupon_code,omitempty" maxLength:"32" example:"WELCOME5000"`
		PointsToUse   int64               `json:"points_to_use,omitempty" minimum:"0" example:"1000"`
		PaymentMethod string              `json:"payment_method,omitempty" maxLength:"32" doc:"How the customer pays, such as card or bank_transfer; required unless points pay the whole total." example:"card"`
		Depositor     string              `json:"depositor,omitempty" maxLength:"30" doc:"Bank transfer: the name the transfer will come from; the recipient's name when left out." example:"김말랑"`
		CashReceipt   *cashReceiptRequest `json:"cash_receipt,omitempty" doc:"Bank transfer: a cash receipt to issue. Transfers of ₩100,000 or more get one to the tax office's self-issue number when none is asked for."`
		ExpectedTotal *int64              `json:"expected_total,omitempty" minimum:"0" doc:"The total the customer was shown (the preview's total) and agreed to pay. When sent, placing is refused with 422 naming body.expected_total if the order's total now is another amount (a price, the coupon, the points or the address's remote-area surcharge changed); preview again and show the new total. Recommended." example:"25800"`
	}
}

// PlacedOrder is an order as placing it answers: the order and, when it is
// paid by bank transfer, where to send the money.
type PlacedOrder struct {
	Order
	Deposit *DepositInstructions `json:"deposit" doc:"For an order paid by bank_transfer that waits for the money (awaiting_deposit): the shop's account, the amount is total, the deadline and the depositor expected; null otherwise."`
}

type orderOutput struct {
	Body Order
}

type placedOutput struct {
	Status   int
	Location string `header:"Location" doc:"The URL of the order."`
	Body     PlacedOrder
}

type listOrdersInput struct {
	PageQuery20Max100
}

type orderNumberInput struct {
	Number string `path:"number" maxLength:"32" doc:"The order number." example:"20261130-K7QX2M9A"`
}

type cancelInput struct {
	Number string `path:"number" maxLength:"32" doc:"The order number." example:"20261130-K7QX2M9A"`
	Body   *struct {
		Reason        string         `json:"reason,omitempty" maxLength:"500" doc:"Why, in the customer's words; recorded in the history." example:"주소를 잘못 입력했어요"`
		RefundAccount *RefundAccount `json:"refund_account,omitempty" doc:"Required to cancel a paid order whose money came by bank transfer or into a virtual account: the customer's account the money goes back to. Ignored otherwise."`
	}
}

const orderNotFound = "An order number that does not exist, or that is someone else's, is 404."

// placeFields say where the fields of the order service's *fault.Invalid are
// in a checkout request. "cart" is the customer's cart: empty, nothing
// selected, or a line sold out or short of stock.
var placeFields = map[string]string{
	"cart":                  "cart",
	"coupon":                "body.coupon_code",
	"points":                "body.points_to_use",
	"idempotency_key":       "header.Idempotency-Key",
	"total":                 "body.expected_total",
	"depositor":             "body.depositor",
	"cash_receipt_purpose":  "body.cash_receipt.purpose",
	"cash_receipt_identity": "body.cash_receipt.identity",
}

func (a *API) registerOrders() {
	const cancelPaidDoc = "A paid order's payment is refunded whole through the provider that took it and the order ends cancelled " +
		"(for a paid order the reason is at most 200 characters). When the provider refuses the refund the order stays as it " +
		"was and the answer is 502 with its provider_code and provider_message; when it does not answer, 202 with a problem " +
		"body saying the outcome is unknown (the shop follows it up; do not cancel again). Money paid by bank transfer or into a " +
		"virtual account goes back to refund_account, which is then required (422 naming body.refund_account.bank, .number or " +
		".holder when it is missing or wrong; nothing is changed): a virtual account's through its provider; a bank transfer's " +
		"is sent by the shop's staff, so the order is cancelled at once and its refund stays awaiting_transfer (환불 대기) until " +
		"they record it (see GET /api/v1/orders/{number}/payments). "
	cancelErrors := []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusBadGateway}
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "preview-checkout",
		Method:      http.MethodPost,
		Path:        Prefix + "/checkout/preview",
		Summary:     "Price my checkout",
		Description: "Prices the cart's selected lines as placing the order now would — lines, coupon discount, shipping, remote-area surcharge, " +
			"points, total and points to earn — and stores nothing. A coupon that cannot be used and points over the rules are left out " +
			"of the breakdown and named in problems. No line selected, or a selected line sold out or short of stock, gives 422 naming cart.",
		Errors: []int{http.StatusUnprocessableEntity},
	}, "Orders", true), a.previewCheckout)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "place-order",
		Method:      http.MethodPost,
		Path:        Prefix + "/orders",
		Summary:     "Place an order",
		Description: "Orders the cart's selected lines in one step: they are priced again, stock is taken, the coupon and points are recorded " +
			"and the lines leave the cart. Returns 201 with the order and its URL in Location; the order waits for payment " +
			"(pending_payment, until pay_by) unless points pay its whole total, when it is paid at once. With payment_method bank_transfer " +
			"the order waits for the money from the start (awaiting_deposit, until pay_by) and deposit says where to send it, in the same answer. " +
			"Sending an Idempotency-Key used before returns the order placed with it, 200, and places nothing. " +
			"Refusals are 422 naming the field: cart (nothing selected, a line sold out or short of stock), body.coupon_code, " +
			"body.points_to_use, body.address_id or body.address.*, body.payment_method, body.depositor, body.cash_receipt.*, " +
			"body.expected_total (the total is not the one the customer was shown); " +
			"a missing key names header.Idempotency-Key. Every field at fault is named at once.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusUnprocessableEntity},
	}, "Orders", true), a.placeOrder)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "list-orders",
		Method:      http.MethodGet,
		Path:        Prefix + "/orders",
		Summary:     "List my orders",
		Description: "Returns a page of the signed-in customer's orders, newest first, with their lines and amounts, " +
			"and the total on all pages.",
		Errors: []int{http.StatusUnprocessableEntity},
	}, "Orders", true), a.listOrders)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "get-order",
		Method:      http.MethodGet,
		Path:        Prefix + "/orders/{number}",
		Summary:     "Get an order",
		Description: "Returns one of the signed-in customer's orders with its lines, amounts, status, delivery address, shipments with " +
			"tracking links and status history. " + orderNotFound,
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, "Orders", true), a.getOrder)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "cancel-order",
		Method:      http.MethodPost,
		Path:        Prefix + "/orders/{number}/cancel",
		Summary:     "Cancel an order",
		Description: "Cancels the order, which is possible until it ships (can_cancel says whether it is now); the stock, coupon and points " +
			"it used come back. Returns the order. An order that has shipped or is cancelled already gives 409. " + cancelPaidDoc + orderNotFound,
		Errors: cancelErrors,
	}, "Orders", true), a.cancelOrder)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "confirm-order",
		Method:      http.MethodPost,
		Path:        Prefix + "/orders/{number}/confirm",
		Summary:     "Confirm a purchase (구매확정)",
		Description: "Confirms that a delivered order arrived well: it becomes completed and the points it earns (points_to_earn) are " +
			"credited, once. can_confirm says whether it is possible now. The shop confirms delivered orders itself some days after " +
			"delivery (MALLANG_ORDER_CONFIRM_AFTER_DAYS, 7 by default). After confirmation the order can no longer be returned. " +
			"An order not delivered yet, or confirmed already, gives 409. " + orderNotFound,
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, "Orders", true), a.confirmOrder)

	// The same key again answers 200 with the order placed then.
	if item := a.huma.OpenAPI().Paths[Prefix+"/orders"]; item != nil && item.Post != nil {
		if created := item.Post.Responses["201"]; created != nil {
			created.Description = "The order, placed now."
			replay := *created
			replay.Description = "The order placed before with this Idempotency-Key; nothing new was placed."
			item.Post.Responses["200"] = &replay
		}
	}
}

func (a *API) previewCheckout(ctx context.Context, in *previewInput) (*previewOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	p, err := a.com.Checkout.Preview(ctx, order.PlaceInput{
		UserID: u.ID, AddressID: in.Body.AddressID, Address: in.Body.Address.address(),
		CouponCode: in.Body.CouponCode, PointsToUse: in.Body.PointsToUse, Channel: order.API,
	})
	if err != nil {
		return nil, a.fieldProblem(ctx, err, placeFields, "body")
	}
	return &previewOutput{Body: newCheckoutPreview(p)}, nil
}

func (a *API) placeOrder(ctx context.Context, in *placeInput) (*placedOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	pin := order.PlaceInput{
		UserID: u.ID, IdempotencyKey: in.IdempotencyKey, AddressID: in.Body.AddressID, Address: in.Body.Address.address(),
		DeliveryNote: in.Body.DeliveryNote, CouponCode: in.Body.CouponCode, PointsToUse: in.Body.PointsToUse,
		PaymentMethod: in.Body.PaymentMethod, Channel: order.API, ExpectedTotal: in.Body.ExpectedTotal,
	}
	cin := checkout.Input{PlaceInput: pin, Depositor: in.Body.Depositor}
	if r := in.Body.CashReceipt; r != nil {
		cin.CashReceipt = &payment.CashReceiptRequest{Purpose: r.Purpose, Identity: r.Identity}
	}
	placed, err := a.com.Checkout.Place(ctx, cin)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, placeFields, "body")
	}
	o := placed.Order
	body, err := a.newOrder(ctx, o)
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	out := &placedOutput{Status: http.StatusCreated, Location: a.orderURL(o.Number), Body: PlacedOrder{Order: body}}
	if o.Repeated {
		out.Status = http.StatusOK
	}
	if placed.Transfer != nil {
		out.Body.Deposit = newPaymentAttempt(*placed.Transfer).Deposit
	}
	return out, nil
}

func (a *API) listOrders(ctx context.Context, in *listOrdersInput) (*pageOutput[OrderSummary], error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	out, err := listing[OrderSummary]{path: "/orders", params: in,
		list: func(ctx context.Context, limit, offset int) ([]OrderSummary, error) {
			os, err := a.com.Orders.List(ctx, u.ID, limit, offset)
			return mapped(os, err, a.newOrderSummary)
		},
		count: func(ctx context.Context) (int, error) { return a.com.Orders.Count(ctx, u.ID) },
	}.page(ctx, a)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	return out, nil
}

// myOrder returns the signed-in customer and their order number: an
// unknown number, or someone else's, is a 404 naming the path.
func (a *API) myOrder(ctx context.Context, number string) (account.User, order.Order, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return account.User{}, order.Order{}, err
	}
	o, err := a.com.Orders.ByNumber(ctx, u.ID, number)
	if err != nil {
		return account.User{}, order.Order{}, a.problem(ctx, err, "path")
	}
	return u, o, nil
}

func (a *API) getOrder(ctx context.Context, in *orderNumberInput) (*orderOutput, error) {
	_, o, err := a.myOrder(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	body, err := a.newOrder(ctx, o)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return &orderOutput{Body: body}, nil
}

func (a *API) confirmOrder(ctx context.Context, in *orderNumberInput) (*orderOutput, error) {
	u, o, err := a.myOrder(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	o, err = a.com.Orders.ConfirmPurchase(ctx, u.ID, o.ID)
	if errors.Is(err, fault.ErrConflict) {
		return nil, newProblem(http.StatusConflict, "This order cannot be confirmed: it is not delivered yet, or it is confirmed already.")
	}
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	body, err := a.newOrder(ctx, o)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return &orderOutput{Body: body}, nil
}

func (a *API) cancelOrder(ctx context.Context, in *cancelInput) (*orderOutput, error) {
	u, o, err := a.myOrder(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	reason := ""
	var acc *payment.BankAccount
	if in.Body != nil {
		reason, acc = in.Body.Reason, in.Body.RefundAccount.account()
	}
	id := o.ID
	actor := order.Customer(u.ID)
	actor.Audit = apiActor(ctx, u)
	o, err = a.com.Payments.Cancel(ctx, payment.CancelInput{OrderID: id, Actor: actor, Reason: reason, Account: acc})
	if p := a.refundTrouble(ctx, id, err); p != nil {
		return nil, p
	}
	if errors.Is(err, fault.ErrConflict) {
		return nil, newProblem(http.StatusConflict, "This order can no longer be cancelled: it has shipped, or it is cancelled already.")
	}
	if err != nil {
		return nil, a.fieldProblem(ctx, err, refundAccountFields, "body")
	}
	body, err := a.newOrder(ctx, o)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return &orderOutput{Body: body}, nil
}
