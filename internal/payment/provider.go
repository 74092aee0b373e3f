// Package payment takes the money for orders: one Provider interface that
// every payment provider's adapter implements (the built-in test provider,
// Toss Payments, KakaoPay, PayPal, PortOne), a registry of the providers the
// configuration enables, and the service that records every attempt, checks
// every amount on the server, moves the order once however often a payment
// is confirmed, and refunds.
//
// Adapters live in sub-packages (payment/toss, payment/kakaopay, …), each
// with a local fake of the provider's documented API in a "…test" package.
// They talk HTTP and translate; every decision (is the amount right, has
// this been recorded already, which order moves) is the service's.
package payment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Provider is one payment provider, as the service uses it. Every method is
// safe for concurrent use. Amounts are in the minor unit of their currency.
//
// The flow is prepare → pay → confirm: Prepare registers the expected amount
// with the provider (where it has a call for that) before the customer's
// browser sees a payment window; the customer pays on the provider's page;
// the provider sends the browser back to our return URL, and Confirm settles
// the payment on the server with the amount taken from our own record.
type Provider interface {
	// Name is the provider's key in configuration, URLs and the
	// payment_attempts table: "toss", "kakaopay", "paypal", "portone", ….
	Name() string
	// Prepare registers a payment about to start and says how the browser
	// reaches the provider.
	Prepare(ctx context.Context, r PrepareRequest) (Prepared, error)
	// Confirm settles a payment the customer approved on the provider's page
	// (Toss confirm, KakaoPay approve, PayPal capture, PortOne lookup) and
	// returns the provider's account of it. It must send the expected amount
	// where the provider's API takes one, and report what the provider says
	// was charged, never what the request said.
	Confirm(ctx context.Context, r ConfirmRequest) (Result, error)
	// Lookup fetches the provider's current account of a payment. The
	// service trusts it over a webhook's body and over the browser.
	Lookup(ctx context.Context, r LookupRequest) (Result, error)
	// Refund cancels the whole remaining payment or part of it.
	Refund(ctx context.Context, r RefundRequest) (RefundResult, error)
	// ParseWebhook verifies a notification the provider sent to our webhook
	// URL (by its signature where the provider signs them) and says which
	// payment it concerns. The service then looks the payment up; it never
	// acts on the body alone. Providers that send no notifications return
	// ErrNoWebhooks; a notification that fails verification is
	// ErrUnverified; one about something we do not handle (a billing-key
	// event, say) is ErrIgnoredEvent.
	ParseWebhook(ctx context.Context, h http.Header, body []byte) (Event, error)
}

// Amount is a sum in the minor unit of Currency ("KRW" has none; "USD" is
// cents). TaxFree is the part of Total that is exempt from VAT (면세), sent
// to the providers that take it.
type Amount struct {
	Total    int64
	TaxFree  int64
	Currency string // ISO 4217
}

// PrepareRequest is a payment about to start.
type PrepareRequest struct {
	// Reference is our identifier of this attempt, sent to the provider as
	// its order id (Toss orderId, KakaoPay partner_order_id, PayPal
	// custom_id/invoice_id, PortOne paymentId). Unique per attempt; 6–64
	// characters of A–Z a–z 0–9 - _.
	Reference string
	// OrderName is what the provider shows the customer ("티셔츠 외 2건"),
	// at most 100 characters.
	OrderName string
	// CustomerRef identifies the customer without personal data ("u42"),
	// for KakaoPay's partner_user_id and Toss's customerKey.
	CustomerRef   string
	CustomerName  string
	CustomerEmail string
	// Amount is the order's total in won. An adapter whose provider does not
	// take won converts it and reports the result in Prepared.Charge.
	Amount Amount
	// ReturnURL receives the browser after the customer approved the
	// payment; the adapter adds the provider's own query parameters (or the
	// provider does). CancelURL receives it when the customer gave up, and
	// FailURL when the provider refused. All are absolute.
	ReturnURL string
	CancelURL string
	FailURL   string
	// Mobile is true when the customer shops on a phone, for providers that
	// open a different page there (KakaoPay).
	Mobile bool
	// IdempotencyKey is sent with the provider's create call where it takes
	// one (PayPal-Request-Id).
	IdempotencyKey string
	// VirtualAccount, when set, opens the provider's window directly on a
	// virtual account (가상계좌) instead of its card page; only adapters
	// that implement VirtualAccounts are given one.
	VirtualAccount *VirtualAccountRequest
}

// VirtualAccountRequest is how a virtual account is to be issued.
type VirtualAccountRequest struct {
	// ValidHours is how long the account takes the deposit, in whole hours
	// (1–720, Toss's and PortOne's validHours): the shop's transfer deadline,
	// so that the deadline the provider gives the account, which becomes the
	// order's pay_by, is the one a bank transfer would have.
	ValidHours int
}

// VirtualAccounts is implemented by the adapters whose window can open on
// a virtual account (Toss Payments, PortOne): the service offers "가상계좌"
// at checkout when one is enabled.
type VirtualAccounts interface {
	IssuesVirtualAccounts() bool
}

// Prepared is what Prepare registered and how the browser gets to pay.
type Prepared struct {
	// ProviderPaymentID is the provider's id of the payment when Prepare
	// learns it (KakaoPay tid, PayPal order id); "" when it arrives only with
	// the customer's return (Toss paymentKey).
	ProviderPaymentID string
	// RedirectURL is where the browser goes to pay (KakaoPay's page, PayPal's
	// approve link); "" when a script of the provider's opens the payment
	// window in our page instead (see Script).
	RedirectURL string
	// Script, when RedirectURL is "", is what the checkout page needs to open
	// the provider's window with the provider's browser SDK.
	Script *Script
	// Charge is the amount the provider will take, in the provider's
	// currency: Amount unchanged for providers that take won.
	Charge Amount
	// Raw is the provider's response, kept with the attempt; nil when
	// Prepare made no call.
	Raw []byte
}

// Script is a provider's browser SDK call: the page loads SDK (whose origin
// the page's Content-Security-Policy allows) and calls it with Params.
type Script struct {
	SDK    string         // https URL of the provider's script
	Kind   string         // which call our page makes: "toss" or "portone"
	Params map[string]any // the call's arguments (client key, order id, amount, URLs, …)
}

// ConfirmRequest settles a payment after the customer's return.
type ConfirmRequest struct {
	Reference string
	// ProviderPaymentID is the id stored at Prepare ("" when Prepare did not
	// learn one).
	ProviderPaymentID string
	// Query is the query string the provider put on our return URL
	// (paymentKey, pg_token, token and PayerID, …). It is the customer's
	// browser talking: an adapter takes identifiers from it, never amounts.
	Query map[string][]string
	// Expected is the amount prepared, from our record (Prepared.Charge).
	Expected    Amount
	CustomerRef string
	// IdempotencyKey is sent with the provider's confirm call where it takes
	// one, and is the same however often the confirm is retried.
	IdempotencyKey string
	// Unattended says the confirm follows the provider's own Lookup, which
	// reported StatusApproved, rather than the customer's browser: Query is
	// empty and there is nothing from the browser to check.
	Unattended bool
}

// LookupRequest names a payment to look up: by the provider's id when known,
// otherwise by our reference.
type LookupRequest struct {
	Reference         string
	ProviderPaymentID string
}

// Status is the provider's view of a payment, mapped onto what the service
// needs to know.
type Status string

// Provider statuses.
const (
	// StatusPending: not paid yet and not failed: the customer has not
	// finished, or the provider is still deciding.
	StatusPending Status = "pending"
	// StatusApproved: the customer approved the payment on the provider's
	// page, but the money moves only when the shop confirms (captures) it.
	// Reported only by providers whose confirm can run without the browser
	// (PayPal): a lookup that finds it confirms unattended, so a customer
	// who closed the window after approving still pays once.
	StatusApproved Status = "approved"
	// StatusAwaitingDeposit: a virtual account was issued; the money comes
	// when the customer transfers it.
	StatusAwaitingDeposit Status = "awaiting_deposit"
	// StatusPaid: the money is taken (approved, captured, deposited).
	StatusPaid Status = "paid"
	// StatusFailed: refused, abandoned or expired; no money moved.
	StatusFailed Status = "failed"
	// StatusPartiallyCancelled: paid, and part of it refunded since.
	StatusPartiallyCancelled Status = "partially_cancelled"
	// StatusCancelled: paid and wholly refunded, or cancelled before
	// payment.
	StatusCancelled Status = "cancelled"
)

// Result is the provider's account of one payment.
type Result struct {
	ProviderPaymentID string
	Status            Status
	// Charged is what the provider says the payment is for (its total, in
	// its currency). The service compares it with what was prepared.
	Charged Amount
	// Cancelled is the part of Charged refunded so far.
	Cancelled int64
	// Method is the provider's name of how the customer paid ("카드",
	// "MONEY", "paypal", "CARD"), for display.
	Method string
	// CaptureID is the id refunds go to when it is not the payment's own
	// (PayPal's capture id).
	CaptureID string
	// Deposit is the virtual account to pay into, for StatusAwaitingDeposit.
	Deposit *Deposit
	// FailureCode and FailureMessage are the provider's reason for
	// StatusFailed, shown to the customer.
	FailureCode    string
	FailureMessage string
	ReceiptURL     string
	PaidAt         time.Time // zero unless paid
	// Raw is the provider's response (it never holds card numbers: providers
	// mask them), kept with the attempt.
	Raw []byte
}

// Deposit is a virtual account issued for one payment.
type Deposit struct {
	Bank    string // the bank's name or code as the provider gives it
	Account string
	Holder  string
	Due     time.Time
	// Secret is the value the provider repeats in its deposit notification
	// (Toss's secret), compared in constant time with the one stored.
	Secret string
}

// BankAccount is where a refund of a deposited virtual-account payment goes.
type BankAccount struct {
	Bank    string
	Account string
	Holder  string
}

// RefundRequest cancels all or part of a payment.
type RefundRequest struct {
	Reference         string
	ProviderPaymentID string
	CaptureID         string
	// Amount is what to refund now, in the payment's currency; TaxFree is its
	// tax-free part.
	Amount Amount
	// Full is true when Amount is the whole remaining balance; adapters whose
	// provider refunds "everything left" without an amount may use that.
	Full bool
	// Balance is the refundable balance before this refund, which providers
	// that take one use to refuse a refund made twice (KakaoPay
	// cancel_available_amount, PortOne currentCancellableAmount).
	Balance int64
	Reason  string // at most 200 characters
	// IdempotencyKey is the same for every retry of this one refund.
	IdempotencyKey string
	// Account receives the money of a deposited virtual account; nil
	// otherwise.
	Account *BankAccount
}

// RefundResult is the provider's account of one refund.
type RefundResult struct {
	ProviderRefundID string // cancel transaction key, aid, refund id, cancellation id
	Refunded         int64  // the amount this refund returned
	Raw              []byte
}

// Event is a verified webhook: which payment changed. The service looks the
// payment up before it acts.
type Event struct {
	Type              string // the provider's event type, for the record
	Reference         string // "" when the event names only the provider's id
	ProviderPaymentID string // "" when the event names only our reference
	// DepositSecret is the secret a deposit notification carries (Toss's
	// DEPOSIT_CALLBACK); the service compares it with Deposit.Secret.
	DepositSecret string
}

// Errors adapters return, wrapped with context.
var (
	// ErrUnknownOutcome: the call timed out or the provider answered 5xx,
	// so it may or may not have taken effect. The service never takes it for
	// a failure: it looks the payment up before doing anything else.
	ErrUnknownOutcome = errors.New("payment provider: outcome unknown")
	// ErrNotFound: the provider has no such payment.
	ErrNotFound = errors.New("payment provider: no such payment")
	// ErrNoWebhooks: the provider sends no notifications.
	ErrNoWebhooks = errors.New("payment provider: sends no webhooks")
	// ErrUnverified: a webhook failed its signature check.
	ErrUnverified = errors.New("payment provider: webhook not verified")
	// ErrIgnoredEvent: a verified webhook about something we do not handle.
	ErrIgnoredEvent = errors.New("payment provider: event not handled")
)

// Declined is a provider's refusal: a declined card, a customer who gave
// up, a refund larger than the balance, a request the provider rejects. Code
// and Message are the provider's, shown to the customer or staff.
type Declined struct {
	Code    string
	Message string
}

func (e *Declined) Error() string {
	return fmt.Sprintf("payment declined: %s: %s", e.Code, e.Message)
}

// AsDeclined returns the *Declined in err's chain.
func AsDeclined(err error) (*Declined, bool) {
	var d *Declined
	ok := errors.As(err, &d)
	return d, ok
}
