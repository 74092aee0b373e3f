package api

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// Payments is what the payment endpoints and cancelling a paid order need
// of the payment service; *payment.Service implements it.
type Payments interface {
	// Methods lists the enabled ways to pay, bank transfer first when the
	// shop has an account.
	Methods(ctx context.Context) []string
	// Bank returns the shop's account for bank transfers and the
	// buyer-protection notice.
	Bank(ctx context.Context) (payment.BankAccount, string)
	// Start begins paying an order (a repeated bank transfer returns the
	// one recorded): fault.ErrNotFound for another customer's,
	// fault.ErrConflict for one not waiting for payment,
	// payment.ErrPaymentInProgress for a bank transfer while a provider's
	// payment is being settled, *fault.Invalid ("payment_method",
	// "depositor", "cash_receipt_purpose", "cash_receipt_identity") and
	// *payment.Declined.
	Start(ctx context.Context, in payment.StartInput) (payment.Started, error)
	// Attempts returns the order's payment attempts, oldest first.
	Attempts(ctx context.Context, orderID int64) ([]payment.Attempt, error)
	// Refunds returns the order's refunds, oldest first.
	Refunds(ctx context.Context, orderID int64) ([]payment.Refund, error)
	// CashReceiptOf returns the order's cash receipt, or fault.ErrNotFound
	// when none is due.
	CashReceiptOf(ctx context.Context, orderID int64) (payment.CashReceipt, error)
	// RequestCashReceipt records the customer's request for a cash receipt
	// after ordering (cashreceipt.go).
	RequestCashReceipt(ctx context.Context, userID, orderID int64, req payment.CashReceiptRequest) (payment.CashReceipt, error)
	// Cancel cancels an unpaid order, or refunds and cancels a paid one
	// that has not shipped.
	Cancel(ctx context.Context, in payment.CancelInput) (order.Order, error)
	// Refund gives back the money of some lines (all when none are named):
	// *fault.Invalid ("reason", "lines", "refund_…"), fault.ErrConflict,
	// *payment.Declined or payment.ErrRefundPending.
	Refund(ctx context.Context, in payment.RefundInput) (payment.Refund, error)
	// RecordRefundTransfer records that staff sent a refund waiting for a
	// transfer: fault.ErrNotFound, fault.ErrConflict, *fault.Invalid
	// ("memo").
	RecordRefundTransfer(ctx context.Context, by audit.Actor, refundID int64, memo string) (payment.Refund, error)
}

// paymentTags are the OpenAPI tags of the payment endpoints.
var paymentTags = []*huma.Tag{
	{Name: "Payments", Description: "The ways to pay, paying the signed-in customer's orders and reading their payments, refunds and cash receipts."},
	{Name: "Admin", Description: "Operations for the shop's staff. Every operation needs a staff access token (POST /api/v1/auth/token with the staff member's totp_code) whose scope holds the permission its security requirement names, and a staff member who still has that permission; any other token, a customer's included, gets 403."},
}

const paymentsDescription = `

Payments:

* GET /api/v1/payment-methods lists the ways to pay; POST /api/v1/orders/{number}/payments starts
  paying an order with one of them. A bank transfer answers with the account, amount and deadline
  at once; a provider answers with a redirect_url to send the customer to, or a script for the
  provider's browser SDK. The provider sends the customer back to the shop's web pages, which
  settle the payment; GET /api/v1/orders/{number}/payments then shows it.
* A payment provider's refusal is a 502 problem carrying the provider's provider_code and
  provider_message, which may be shown to the customer.`

// methodLabels are the names of the ways to pay, in Korean and English.
var methodLabels = map[string][2]string{
	payment.BankTransfer:   {"무통장입금", "Bank transfer"},
	"testpay":              {"테스트 결제", "Test payment"},
	"toss":                 {"토스페이먼츠", "Toss Payments"},
	"kakaopay":             {"카카오페이", "KakaoPay"},
	"portone":              {"포트원", "PortOne"},
	"paypal":               {"페이팔", "PayPal"},
	payment.VirtualAccount: {"가상계좌", "Virtual account"},
}

// PaymentMethod is one way to pay the shop offers.
type PaymentMethod struct {
	Key     string `json:"key" doc:"What POST /api/v1/orders/{number}/payments takes as method: bank_transfer, testpay, toss, kakaopay, portone, virtual_account (가상계좌, issued by Toss Payments or else PortOne; the script opens the provider's window on it) or paypal." example:"bank_transfer"`
	LabelKO string `json:"label_ko" doc:"The name to show, in Korean." example:"무통장입금"`
	LabelEN string `json:"label_en" doc:"The name to show, in English." example:"Bank transfer"`
}

// BankAccount is the shop's account that bank transfers go to.
type BankAccount struct {
	Bank    string `json:"bank" example:"말랑은행"`
	Account string `json:"account" example:"123-456-789012"`
	Holder  string `json:"holder" doc:"The account holder's name." example:"(주)말랑"`
}

// PaymentMethods are the ways to pay and, with bank transfer, where the
// money goes.
type PaymentMethods struct {
	Methods     []PaymentMethod `json:"methods" nullable:"false" doc:"In the order to show them."`
	BankAccount *BankAccount    `json:"bank_account" doc:"The shop's account for bank transfers; null when bank transfer is not offered."`
	Notice      string          `json:"buyer_protection_notice" doc:"The buyer-protection (구매안전서비스) notice to show with bank transfers; empty when there is none or bank transfer is not offered." example:"고객님의 안전거래를 위해 말랑은행 구매안전서비스(에스크로)에 가입되어 있습니다."`
}

// DepositInstructions say where a transfer goes, how much and by when.
type DepositInstructions struct {
	Bank      string    `json:"bank" example:"말랑은행"`
	Account   string    `json:"account" example:"123-456-789012"`
	Holder    string    `json:"holder" example:"(주)말랑"`
	Due       time.Time `json:"due" doc:"The order is cancelled when the money has not arrived by then." example:"2026-12-03T01:00:00Z"`
	Depositor string    `json:"depositor" doc:"The name the transfer is expected from." example:"김말랑"`
	Notice    string    `json:"notice" doc:"The buyer-protection notice; empty when there is none." example:"고객님의 안전거래를 위해 말랑은행 구매안전서비스(에스크로)에 가입되어 있습니다."`
}

// PaymentAttempt is one try at paying an order.
type PaymentAttempt struct {
	Reference      string               `json:"reference" doc:"The attempt's id, as the provider knows it." example:"20261130-K7QX2M9A-4TQ9ZB"`
	Provider       string               `json:"provider" doc:"Who takes the money: bank_transfer or the provider's key of GET /api/v1/payment-methods (toss or portone for a virtual_account)." example:"bank_transfer"`
	Method         string               `json:"method" doc:"How the customer paid, as the provider names it; empty until known." example:"무통장입금"`
	Status         string               `json:"status" enum:"prepared,confirming,pending,awaiting_deposit,paid,failed,amount_mismatch,cancelled,partially_refunded,refunded" doc:"prepared: the customer is on the provider's page; confirming and pending: the outcome is being settled; awaiting_deposit: a transfer is awaited; paid; failed (failure_code and failure_message say why); amount_mismatch: the provider charged another amount and it was given back; cancelled; partially_refunded; refunded." example:"awaiting_deposit"`
	Amount         int64                `json:"amount" doc:"The order's total it pays, in won." example:"25800"`
	Currency       string               `json:"currency" doc:"The currency of amount and refunded, always KRW." example:"KRW"`
	ChargeAmount   int64                `json:"charge_amount" doc:"What the provider takes, in the minor unit of charge_currency; amount unless the provider does not take won (PayPal)." example:"25800"`
	ChargeCurrency string               `json:"charge_currency" example:"KRW"`
	Refunded       int64                `json:"refunded" doc:"Refunded so far, in won." example:"0"`
	FailureCode    string               `json:"failure_code" doc:"The provider's code when the attempt failed; empty otherwise." example:""`
	FailureMessage string               `json:"failure_message" doc:"The provider's reason, to show the customer; empty unless failed." example:""`
	Deposit        *DepositInstructions `json:"deposit" doc:"For a bank transfer or a virtual account: where to send the money (a virtual account's bank in Korean, its number and holder, due at the order's pay_by); null otherwise."`
	ReceiptURL     *string              `json:"receipt_url" format:"uri" doc:"The provider's receipt page; null when it has none." example:"https://dashboard.tosspayments.com/receipt/abc"`
	PaidAt         *time.Time           `json:"paid_at" doc:"Null until paid." example:"2026-11-30T01:10:00Z"`
	CreatedAt      time.Time            `json:"created_at" example:"2026-11-30T01:05:00Z"`
}

// PaymentScript is the call of a provider's browser SDK that opens its
// payment window in the app's own web view.
type PaymentScript struct {
	SDK    string         `json:"sdk" format:"uri" doc:"The provider's script to load." example:"https://js.tosspayments.com/v2/standard"`
	Kind   string         `json:"kind" doc:"Which call to make with params: toss or portone." example:"toss"`
	Params map[string]any `json:"params" doc:"The call's arguments: client key, order id, amount, return URLs and the like."`
}

// StartedPayment is a payment just started: the attempt and where the
// customer goes to pay.
type StartedPayment struct {
	PaymentAttempt
	RedirectURL *string        `json:"redirect_url" format:"uri" doc:"The page to send the customer to; null for a bank transfer (follow deposit) or when script opens the window." example:"https://shop.example.com/pay/testpay/20261130-K7QX2M9A-4TQ9ZB"`
	Script      *PaymentScript `json:"script" doc:"The provider's SDK call, when redirect_url is null and a provider is paying; null otherwise."`
}

// PaymentRefund is money given back for an order.
type PaymentRefund struct {
	ID               int64      `json:"id" example:"5"`
	Amount           int64      `json:"amount" doc:"Money given back, in won." example:"12900"`
	Points           int64      `json:"points" doc:"Points given back." example:"0"`
	OrderCancelled   bool       `json:"order_cancelled" doc:"Whether the refund cancelled the order (everything went back before it shipped)." example:"false"`
	Status           string     `json:"status" enum:"requested,awaiting_transfer,done,failed" doc:"requested: asked of the provider, outcome not known yet; awaiting_transfer (환불 대기): money paid by bank transfer, which staff send to refund_account and then record — not refunded yet; done: the money went back; failed (failure_message says why)." example:"done"`
	ProviderRefundID string     `json:"provider_refund_id" doc:"The provider's id of the refund; transfer for a bank transfer staff sent by hand; empty until done." example:"tpr_9ZK2QW7M4N"`
	FailureMessage   string     `json:"failure_message" example:""`
	RefundAccount    string     `json:"refund_account" doc:"Where a refund of a bank transfer or a virtual account goes: the bank and the number's last four digits; empty for card refunds." example:"신한은행 ****6789"`
	TransferredAt    *time.Time `json:"transferred_at" doc:"When staff recorded sending a bank-transfer refund; null otherwise." example:"2026-12-01T02:00:00Z"`
}

// RefundAccount is the account a refund of money paid by bank transfer or
// into a virtual account goes to.
type RefundAccount struct {
	Bank   string `json:"bank" maxLength:"3" doc:"The bank's three-digit code (금융결제원 표준 은행코드): 004 KB국민, 088 신한, 020 우리, 081 하나, 011 NH농협, 003 IBK기업, 090 카카오뱅크, 092 토스뱅크, 089 케이뱅크, 023 SC제일, 027 씨티, 031 iM뱅크(대구), 032 부산, 034 광주, 035 제주, 037 전북, 039 경남, 002 KDB산업, 007 수협, 012 지역농·축협, 045 새마을금고, 048 신협, 050 저축은행, 064 산림조합, 071 우체국." example:"088"`
	Number string `json:"number" maxLength:"40" doc:"The account number: 10 to 16 digits, hyphens allowed." example:"110-123-456789"`
	Holder string `json:"holder" maxLength:"60" doc:"The account holder's name, at most 30 characters." example:"김말랑"`
}

func (r *RefundAccount) account() *payment.BankAccount {
	if r == nil {
		return nil
	}
	return &payment.BankAccount{Bank: r.Bank, Account: r.Number, Holder: r.Holder}
}

// refundAccountFields say where the payment service's refund account
// fields are in a request body.
var refundAccountFields = map[string]string{
	payment.FieldRefundBank:   "body.refund_account.bank",
	payment.FieldRefundNumber: "body.refund_account.number",
	payment.FieldRefundHolder: "body.refund_account.holder",
}

// CashReceipt is the cash receipt (현금영수증) due or issued for an order.
type CashReceipt struct {
	Purpose     string     `json:"purpose" enum:"income_deduction,expense_proof" doc:"income_deduction (소득공제) for a person, expense_proof (지출증빙) for a business." example:"income_deduction"`
	Identity    string     `json:"identity" doc:"The phone, card or business number it is issued to, all but the last four digits masked." example:"*******5678"`
	Requested   bool       `json:"requested" doc:"false when the customer asked for none and it is issued to the tax office's self-issue number because of the amount." example:"true"`
	Amount      int64      `json:"amount" doc:"In won." example:"25800"`
	Status      string     `json:"status" enum:"pending,issued,failed,cancelled" doc:"pending until issued (after the payment); failed when the provider refused it and the shop is looking into it; cancelled when wholly refunded." example:"pending"`
	IssueNumber string     `json:"issue_number" doc:"The approval number once issued; empty before." example:""`
	IssuedAt    *time.Time `json:"issued_at" doc:"Null until issued." example:"2026-11-30T03:00:00Z"`
	ReceiptURL  *string    `json:"receipt_url" format:"uri" doc:"The provider's page of the issued receipt; null when staff issued it by hand or before it is issued." example:"https://dashboard.tosspayments.com/receipt/cash-receipt?receiptKey=abc"`
	Cancelled   int64      `json:"cancelled" doc:"In won: the part of amount cancelled because of refunds." example:"0"`
}

// OrderPayments are the payments of one of the signed-in customer's orders.
type OrderPayments struct {
	Attempts    []PaymentAttempt `json:"attempts" nullable:"false" doc:"Oldest first; at most one of them pays the order."`
	Refunds     []PaymentRefund  `json:"refunds" nullable:"false" doc:"Oldest first."`
	CashReceipt *CashReceipt     `json:"cash_receipt" doc:"Null when none is due."`
}

// ProviderProblem is the problem for a payment provider's refusal (502):
// a problem with the provider's own code and message.
type ProviderProblem struct {
	huma.ErrorModel
	ProviderCode    string `json:"provider_code" doc:"The provider's code for the refusal." example:"REJECT_CARD_COMPANY"`
	ProviderMessage string `json:"provider_message" doc:"The provider's message, which may be shown to the customer." example:"카드사에서 결제를 거절했습니다."`
}

// RefundPendingProblem is the answer (202) when the payment provider did
// not answer a refund: it is recorded and may or may not have happened.
type RefundPendingProblem struct {
	huma.ErrorModel
	RefundID int64 `json:"refund_id" doc:"The refund, recorded as requested." example:"5"`
}

func declinedProblem(d *payment.Declined) error {
	return &ProviderProblem{
		ErrorModel:   *newProblem(http.StatusBadGateway, "The payment provider refused: "+d.Message),
		ProviderCode: d.Code, ProviderMessage: d.Message,
	}
}

const refundPendingDetail = "The payment provider did not answer, so whether the money went back is not known yet. " +
	"The refund is recorded as requested and its lines and amount are held, so it cannot be made twice; " +
	"do not ask for it again. Retry it from the back office, which asks the provider again with the same idempotency key, " +
	"and check GET /api/v1/orders/{number}/payments for its status."

func refundPending(refundID int64) error {
	p := newProblem(http.StatusAccepted, refundPendingDetail)
	p.Title = "Refund outcome unknown"
	return &RefundPendingProblem{ErrorModel: *p, RefundID: refundID}
}

// paymentProblem maps the errors of the payment service: a provider's
// refusal to 502, a refund without an answer to 202, fault.ErrConflict to a
// 409 saying conflict, and the rest as fieldProblem does.
func (a *API) paymentProblem(ctx context.Context, err error, at map[string]string, in, conflict string) error {
	if d, ok := payment.AsDeclined(err); ok {
		return declinedProblem(d)
	}
	if errors.Is(err, fault.ErrConflict) && conflict != "" {
		if _, ok := fault.AsInvalid(err); !ok {
			return newProblem(http.StatusConflict, conflict)
		}
	}
	return a.fieldProblem(ctx, err, at, in)
}

type startPaymentInput struct {
	Number string `path:"number" maxLength:"32" doc:"The order number." example:"20261130-K7QX2M9A"`
	Body   struct {
		Method      string              `json:"method" minLength:"1" maxLength:"32" doc:"A key of GET /api/v1/payment-methods." example:"bank_transfer"`
		Depositor   string              `json:"depositor,omitempty" maxLength:"30" doc:"Bank transfer: the name the transfer will come from; the customer's name when left out." example:"김말랑"`
		CashReceipt *cashReceiptRequest `json:"cash_receipt,omitempty" doc:"Bank transfer: a cash receipt to issue. Transfers of ₩100,000 or more get one to the tax office's self-issue number when none is asked for."`
		Mobile      bool                `json:"mobile,omitempty" doc:"Whether the customer pays on a phone; some providers open a different page there." example:"true"`
	}
}

type cashReceiptRequest struct {
	Purpose  string `json:"purpose" enum:"income_deduction,expense_proof" doc:"income_deduction (소득공제) with a mobile phone or cash-receipt card number; expense_proof (지출증빙) with a business registration number." example:"income_deduction"`
	Identity string `json:"identity" maxLength:"40" doc:"Digits, hyphens allowed." example:"010-1234-5678"`
}

// startFields say where the payment service's *fault.Invalid fields are in
// a start request.
var startFields = map[string]string{
	"payment_method":        "body.method",
	"depositor":             "body.depositor",
	"cash_receipt_purpose":  "body.cash_receipt.purpose",
	"cash_receipt_identity": "body.cash_receipt.identity",
}

type startedOutput struct {
	Location string `header:"Location" doc:"The order's payments."`
	Body     StartedPayment
}

type paymentMethodsOutput struct {
	Body PaymentMethods
}

type orderPaymentsOutput struct {
	Body OrderPayments
}

type refundInput struct {
	ID   int64 `path:"id" minimum:"1" doc:"The order's id (not its number)." example:"42"`
	Body struct {
		LineIDs       []int64        `json:"line_ids,omitempty" maxItems:"1000" doc:"The order lines to refund; left out or empty refunds every line not refunded yet, with whatever is left of the payment." example:"[101]"`
		Reason        string         `json:"reason" minLength:"1" maxLength:"200" doc:"Why; recorded in the order's history and sent to the provider." example:"고객 변심 — 1개 반품"`
		RefundAccount *RefundAccount `json:"refund_account,omitempty" doc:"Required when the order was paid by bank transfer or into a virtual account: the customer's account the money goes to. Ignored for cards and easy pay."`
	}
}

type transferInput struct {
	ID   int64 `path:"id" minimum:"1" doc:"The refund's id." example:"5"`
	Body *struct {
		Memo string `json:"memo,omitempty" maxLength:"200" doc:"A note on the transfer, such as the bank's reference." example:"신한 인터넷뱅킹 이체"`
	}
}

type refundOutput struct {
	Body PaymentRefund
}

// refundFields say where the payment service's *fault.Invalid fields are in
// a refund request.
var refundFields = map[string]string{"lines": "body.line_ids",
	payment.FieldRefundBank:   "body.refund_account.bank",
	payment.FieldRefundNumber: "body.refund_account.number",
	payment.FieldRefundHolder: "body.refund_account.holder",
}

const (
	startConflict   = "This order does not wait for payment: it is paid, cancelled, or has nothing to pay."
	startInProgress = "A payment of this order is still being confirmed with its provider and may have gone through; " +
		"check GET /api/v1/orders/{number}/payments and start a bank transfer only if it failed."
	refundConflict = "This order cannot be refunded now: it is not paid, or these lines are being refunded already."
)

func (a *API) registerPayments() {
	a.registerCashReceipts()
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "list-payment-methods",
		Method:      http.MethodGet,
		Path:        Prefix + "/payment-methods",
		Summary:     "List the ways to pay",
		Description: "Returns the ways to pay the shop offers, in the order to show them, with their names in Korean and English; " +
			"when bank transfer is offered, also the shop's account and the buyer-protection notice to show with it. " +
			"It needs no access token.",
	}, "Payments", false), a.listPaymentMethods)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "start-payment",
		Method:      http.MethodPost,
		Path:        Prefix + "/orders/{number}/payments",
		Summary:     "Pay an order",
		Description: "Starts paying one of the signed-in customer's orders that waits for payment, and returns 201 with the attempt. " +
			"With bank_transfer the order waits for the deposit (awaiting_deposit) at once and deposit says where to send how much by " +
			"when. An order waits for one transfer: asking again, also several times at once (a double tap, a retry), returns 201 " +
			"with the same attempt, reference and deadline, and the depositor and cash_receipt of the first request. " +
			"With a provider, send the customer to redirect_url, or open the " +
			"provider's window with script; the provider sends them back to the shop's pages, which settle the payment. Starting " +
			"again makes another attempt; only one can pay the order, and a transfer still awaited when a provider's payment " +
			"pays it is closed (failed, failure_code ORDER_PAID). " +
			"Refusals: 422 naming body.method (not a way to pay this shop offers), body.depositor or body.cash_receipt.*; " +
			"409 for an order that does not wait for payment, and for a bank transfer while a provider's payment of the order is " +
			"being confirmed or its outcome is not known yet (status confirming or pending: it may have taken the money); " +
			"502 when the provider refused to start, with its provider_code " +
			"and provider_message. " + orderNotFound,
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusBadGateway},
	}, "Payments", true), a.startPayment)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "list-order-payments",
		Method:      http.MethodGet,
		Path:        Prefix + "/orders/{number}/payments",
		Summary:     "Get an order's payments",
		Description: "Returns the payment attempts of one of the signed-in customer's orders with their status and, for transfers, " +
			"where to send the money; the refunds; and the cash receipt with its number masked. " + orderNotFound,
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, "Payments", true), a.listOrderPayments)

	huma.Register(a.huma, a.staffOp(huma.Operation{
		OperationID: "refund-order",
		Method:      http.MethodPost,
		Path:        Prefix + "/admin/orders/{id}/refunds",
		Summary:     "Refund an order",
		Description: "For staff with the orders permission, with a staff token carrying the orders scope (any other token gets 403). Gives back the money of the named lines of a " +
			"paid order, or of every line not refunded yet when line_ids is left out, through the provider that took it; stock " +
			"of goods not shipped, the lines' share of points and, with the last lines, the coupon go back, and the customer is " +
			"emailed. Returns 201 with the refund. A whole refund before shipping cancels the order (order_cancelled). " +
			"Refusals: 422 naming body.reason or body.line_ids (not the order's, or refunded already); 404 for an unknown order; " +
			"409 for an order that is not paid or lines being refunded already; 502 when the provider refused, with its " +
			"provider_code and provider_message (nothing was refunded). When the provider does not answer, the outcome is unknown: " +
			"the answer is 202 with a problem body whose refund_id names the refund, recorded as requested with its lines and " +
			"amount held — do not ask again; retry it from the back office, which reuses the idempotency key so it is never " +
			"made twice.",
		DefaultStatus: http.StatusCreated,
		Errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity,
			http.StatusBadGateway},
	}, account.PermOrders), a.refundOrder)

	huma.Register(a.huma, a.staffOp(huma.Operation{
		OperationID: "record-refund-transfer",
		Method:      http.MethodPost,
		Path:        Prefix + "/admin/refunds/{id}/transfer",
		Summary:     "Record a refund's transfer",
		Description: "For staff with the orders permission, with a staff token carrying the orders scope (any other token gets 403). Money paid by bank transfer has no provider to " +
			"send it back: its refund waits as awaiting_transfer (환불 대기) with the customer's refund_account. Once staff have " +
			"sent the money from the shop's bank, this records who sent it, when, and an optional memo; the refund becomes done, " +
			"the payment refunded (a refund of lines moves the order now) and the customer is emailed. Returns the refund. " +
			"Refusals: 404 for an unknown refund; 409 for one that is not waiting for a transfer (recorded already, or a card " +
			"refund); 422 naming body.memo.",
		Errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, account.PermOrders), a.recordTransfer)

	doc := a.huma.OpenAPI()
	reg := doc.Components.Schemas
	providerSchema := reg.Schema(reflect.TypeFor[ProviderProblem](), true, "ProviderProblem")
	pendingSchema := reg.Schema(reflect.TypeFor[RefundPendingProblem](), true, "RefundPendingProblem")
	declined := func(op *huma.Operation) {
		op.Responses["502"] = &huma.Response{
			Description: "The payment provider refused; provider_code and provider_message are its own.",
			Content:     map[string]*huma.MediaType{"application/problem+json": {Schema: providerSchema}},
		}
	}
	pending := func(op *huma.Operation) {
		op.Responses["202"] = &huma.Response{
			Description: "The payment provider did not answer the refund: its outcome is unknown. It is recorded as requested; do not ask again.",
			Content:     map[string]*huma.MediaType{"application/problem+json": {Schema: pendingSchema}},
		}
	}
	if item := doc.Paths[Prefix+"/orders/{number}/payments"]; item != nil && item.Post != nil {
		declined(item.Post)
	}
	if item := doc.Paths[Prefix+"/admin/orders/{id}/refunds"]; item != nil && item.Post != nil {
		declined(item.Post)
		pending(item.Post)
	}
	if item := doc.Paths[Prefix+"/orders/{number}/cancel"]; item != nil && item.Post != nil {
		declined(item.Post)
		pending(item.Post)
	}
}

func (a *API) listPaymentMethods(ctx context.Context, _ *struct{}) (*paymentMethodsOutput, error) {
	p := a.com.Payments
	out := &paymentMethodsOutput{Body: PaymentMethods{Methods: []PaymentMethod{}}}
	for _, m := range p.Methods(ctx) {
		pm := PaymentMethod{Key: m, LabelKO: m, LabelEN: m}
		if l, ok := methodLabels[m]; ok {
			pm.LabelKO, pm.LabelEN = l[0], l[1]
		}
		out.Body.Methods = append(out.Body.Methods, pm)
		if m == payment.BankTransfer {
			b, notice := p.Bank(ctx)
			out.Body.BankAccount = &BankAccount{Bank: b.Bank, Account: b.Account, Holder: b.Holder}
			out.Body.Notice = notice
		}
	}
	return out, nil
}

func (a *API) startPayment(ctx context.Context, in *startPaymentInput) (*startedOutput, error) {
	u, o, err := a.myOrder(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	sin := payment.StartInput{OrderID: o.ID, UserID: u.ID, Method: strings.TrimSpace(in.Body.Method),
		Mobile: in.Body.Mobile, Depositor: in.Body.Depositor}
	if cr := in.Body.CashReceipt; cr != nil {
		sin.CashReceipt = &payment.CashReceiptRequest{Purpose: cr.Purpose, Identity: cr.Identity}
	}
	started, err := a.com.Payments.Start(ctx, sin)
	if errors.Is(err, payment.ErrPaymentInProgress) {
		return nil, newProblem(http.StatusConflict, startInProgress)
	}
	if err != nil {
		return nil, a.paymentProblem(ctx, err, startFields, "body", startConflict)
	}
	out := &startedOutput{Location: a.orderURL(o.Number) + "/payments", Body: StartedPayment{PaymentAttempt: newPaymentAttempt(started.Attempt)}}
	if started.RedirectURL != "" {
		u := started.RedirectURL
		out.Body.RedirectURL = &u
	}
	if s := started.Script; s != nil {
		out.Body.Script = &PaymentScript{SDK: s.SDK, Kind: s.Kind, Params: s.Params}
		if out.Body.Script.Params == nil {
			out.Body.Script.Params = map[string]any{}
		}
	}
	return out, nil
}

func (a *API) listOrderPayments(ctx context.Context, in *orderNumberInput) (*orderPaymentsOutput, error) {
	_, o, err := a.myOrder(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	p := a.com.Payments
	as, err := p.Attempts(ctx, o.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	rs, err := p.Refunds(ctx, o.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	out := &orderPaymentsOutput{Body: OrderPayments{
		Attempts: make([]PaymentAttempt, 0, len(as)), Refunds: make([]PaymentRefund, 0, len(rs)),
	}}
	for _, at := range as {
		out.Body.Attempts = append(out.Body.Attempts, newPaymentAttempt(at))
	}
	for _, r := range rs {
		out.Body.Refunds = append(out.Body.Refunds, newPaymentRefund(r))
	}
	cr, err := p.CashReceiptOf(ctx, o.ID)
	switch {
	case err == nil:
		out.Body.CashReceipt = newCashReceipt(cr)
	case errors.Is(err, fault.ErrNotFound):
	default:
		return nil, a.problem(ctx, err, "path")
	}
	return out, nil
}

func (a *API) refundOrder(ctx context.Context, in *refundInput) (*refundOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if err := needScope(ctx, account.PermOrders); err != nil {
		return nil, err
	}
	rf, err := a.com.Payments.Refund(ctx, payment.RefundInput{
		OrderID: in.ID, LineIDs: in.Body.LineIDs, Reason: in.Body.Reason, Actor: order.Staff(apiActor(ctx, u)),
		Account: in.Body.RefundAccount.account(),
	})
	if errors.Is(err, payment.ErrRefundPending) {
		return nil, refundPending(rf.ID)
	}
	if err != nil {
		return nil, a.paymentProblem(ctx, err, refundFields, "body", refundConflict)
	}
	return &refundOutput{Body: newPaymentRefund(rf)}, nil
}

func (a *API) recordTransfer(ctx context.Context, in *transferInput) (*refundOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if err := needScope(ctx, account.PermOrders); err != nil {
		return nil, err
	}
	memo := ""
	if in.Body != nil {
		memo = in.Body.Memo
	}
	rf, err := a.com.Payments.RecordRefundTransfer(ctx, apiActor(ctx, u), in.ID, memo)
	if err != nil {
		return nil, a.paymentProblem(ctx, err, nil, "body", "This refund is not waiting for a transfer: it was recorded already, or it goes back through a provider.")
	}
	return &refundOutput{Body: newPaymentRefund(rf)}, nil
}

// refundTrouble is the answer for what cancelling a paid order through the
// payment service may meet besides the fault kinds: the provider's refusal
// of the refund (502) or no answer from it (202, naming the refund it
// recorded). It is nil for any other err.
func (a *API) refundTrouble(ctx context.Context, orderID int64, err error) error {
	if d, ok := payment.AsDeclined(err); ok {
		return declinedProblem(d)
	}
	if !errors.Is(err, payment.ErrRefundPending) {
		return nil
	}
	var id int64
	if rs, rerr := a.com.Payments.Refunds(ctx, orderID); rerr == nil {
		for _, r := range rs {
			if r.Status == payment.RefundRequested {
				id = r.ID
			}
		}
	}
	return refundPending(id)
}

func newPaymentAttempt(at payment.Attempt) PaymentAttempt {
	out := PaymentAttempt{
		Reference: at.Reference, Provider: at.Provider, Method: at.Method, Status: string(at.Status),
		Amount: at.Amount, Currency: "KRW", ChargeAmount: at.ChargeMinor, ChargeCurrency: at.ChargeCurrency,
		Refunded: at.Refunded, FailureCode: at.FailureCode, FailureMessage: at.FailureMessage,
		PaidAt: timePtr(at.PaidAt), CreatedAt: at.CreatedAt.UTC(),
	}
	if out.ChargeCurrency == "" {
		out.ChargeCurrency = "KRW"
	}
	if d := at.Deposit; d != nil {
		out.Deposit = &DepositInstructions{Bank: d.Bank, Account: d.Account, Holder: d.Holder, Due: d.Due.UTC(),
			Depositor: d.Depositor, Notice: d.Notice}
	}
	if at.ReceiptURL != "" {
		u := at.ReceiptURL
		out.ReceiptURL = &u
	}
	return out
}

func newPaymentRefund(r payment.Refund) PaymentRefund {
	out := PaymentRefund{ID: r.ID, Amount: r.Amount, Points: r.Points, OrderCancelled: r.Cancel, Status: r.Status,
		ProviderRefundID: r.ProviderRefundID, FailureMessage: r.FailureMessage, TransferredAt: timePtr(r.TransferredAt)}
	if r.Account != nil {
		out.RefundAccount = r.Account.Masked() // never the whole number, even to staff: they read it in the back office
	}
	return out
}

// apiActor is user u, acting through the API, as the audit log names them.
func apiActor(_ context.Context, u account.User) audit.Actor {
	return audit.Actor{UserID: u.ID, Email: u.Email}
}

// maskIdentity hides all but the last four characters of a cash receipt's
// number: "01012345678" → "*******5678".
func maskIdentity(id string) string {
	r := []rune(id)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}
