package toss

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/payment"
)

// maxValidHours is the longest a Toss virtual account can wait for its
// deposit: 30 days.
const maxValidHours = 720

// orderIDRule is Toss's orderId rule: 6–64 of A–Z a–z 0–9 - _ (newer SDKs
// also allow =, which we never generate).
var orderIDRule = regexp.MustCompile(`^[A-Za-z0-9_-]{6,64}$`)

// Prepare makes no call: Toss registers nothing before the window opens. It
// checks the request against Toss's rules and returns the SDK call the
// checkout page makes. customerKey is left out for a guest (CustomerRef ""),
// for which the page passes the SDK's TossPayments.ANONYMOUS. Toss sends a
// customer who gives up to failUrl (code PAY_PROCESS_CANCELED), so CancelURL
// is used only when FailURL is "".
func (p *Provider) Prepare(ctx context.Context, r payment.PrepareRequest) (payment.Prepared, error) {
	if err := checkReference(r.Reference); err != nil {
		return payment.Prepared{}, fmt.Errorf("toss prepare %q: %w", r.Reference, err)
	}
	if err := checkAmount(r.Amount); err != nil {
		return payment.Prepared{}, fmt.Errorf("toss prepare %s: %w", r.Reference, err)
	}
	if r.OrderName == "" || utf8.RuneCountInString(r.OrderName) > 100 {
		return payment.Prepared{}, fmt.Errorf("toss prepare %s: order name must be 1–100 characters", r.Reference)
	}
	failURL := r.FailURL
	if failURL == "" {
		failURL = r.CancelURL
	}
	if r.ReturnURL == "" || failURL == "" {
		return payment.Prepared{}, fmt.Errorf("toss prepare %s: return and fail URLs are required", r.Reference)
	}

	params := map[string]any{
		"clientKey":     p.clientKey,
		"orderId":       r.Reference,
		"orderName":     r.OrderName,
		"amount":        map[string]any{"currency": "KRW", "value": r.Amount.Total},
		"taxFreeAmount": r.Amount.TaxFree,
		"successUrl":    r.ReturnURL,
		"failUrl":       failURL,
	}
	for k, v := range map[string]string{"customerKey": r.CustomerRef, "customerEmail": r.CustomerEmail, "customerName": r.CustomerName} {
		if v != "" {
			params[k] = v
		}
	}
	if va := r.VirtualAccount; va != nil {
		if va.ValidHours < 1 || va.ValidHours > maxValidHours {
			return payment.Prepared{}, fmt.Errorf("toss prepare %s: validHours %d is outside 1–%d", r.Reference, va.ValidHours, maxValidHours)
		}
		// The SDK v2 requestPayment of a virtual account: method
		// VIRTUAL_ACCOUNT and virtualAccount {cashReceipt, useEscrow,
		// validHours} (validHours or dueDate, never both), as in Toss's
		// guide. The income-deduction receipt is only the window's first
		// choice: the customer may change it there.
		params["method"] = "VIRTUAL_ACCOUNT"
		params["virtualAccount"] = map[string]any{
			"cashReceipt": map[string]any{"type": "소득공제"},
			"useEscrow":   false,
			"validHours":  va.ValidHours,
		}
	}
	return payment.Prepared{
		Script: &payment.Script{SDK: SDK, Kind: "toss", Params: params},
		Charge: r.Amount,
	}, nil
}

func checkReference(ref string) error {
	if !orderIDRule.MatchString(ref) {
		return errors.New("reference must be 6–64 characters of A–Z a–z 0–9 - _ (Toss orderId)")
	}
	return nil
}

// checkAmount accepts won only: Toss's core API takes integer KRW.
func checkAmount(a payment.Amount) error {
	if a.Currency != "KRW" {
		return fmt.Errorf("currency %q: Toss takes only KRW", a.Currency)
	}
	if a.Total <= 0 || a.TaxFree < 0 || a.TaxFree > a.Total {
		return fmt.Errorf("amount %d (tax free %d) is not a positive total with a tax-free part within it", a.Total, a.TaxFree)
	}
	return nil
}

// Confirm settles the payment the customer approved in the window: it takes
// paymentKey and orderId from the successUrl query and sends our Expected
// total, so Toss refuses a window whose amount was tampered with. A repeated
// confirm (ALREADY_PROCESSED_PAYMENT) returns the payment as Toss now has it,
// so retries are harmless. A virtual account comes back
// StatusAwaitingDeposit with its Deposit.
//
// Refusals are *payment.Declined: the failUrl's own code and message when
// the query has no paymentKey (PAY_PROCESS_CANCELED, REJECT_CARD_COMPANY, …),
// ORDER_ID_MISMATCH when the query's orderId is not r.Reference, and Toss's
// code otherwise.
func (p *Provider) Confirm(ctx context.Context, r payment.ConfirmRequest) (payment.Result, error) {
	q := url.Values(r.Query)
	paymentKey, orderID := q.Get("paymentKey"), q.Get("orderId")
	if paymentKey == "" {
		paymentKey = r.ProviderPaymentID
	}
	if paymentKey == "" {
		if code := q.Get("code"); code != "" {
			return payment.Result{}, fmt.Errorf("toss confirm %s: %w", r.Reference, &payment.Declined{Code: code, Message: q.Get("message")})
		}
		return payment.Result{}, fmt.Errorf("toss confirm %s: %w", r.Reference,
			&payment.Declined{Code: "MISSING_PAYMENT_KEY", Message: "the return from Toss carries no paymentKey"})
	}
	if orderID != r.Reference {
		return payment.Result{}, fmt.Errorf("toss confirm %s: %w", r.Reference, mismatch(orderID))
	}
	if err := checkAmount(r.Expected); err != nil {
		return payment.Result{}, fmt.Errorf("toss confirm %s: %w", r.Reference, err)
	}

	body := struct {
		PaymentKey string `json:"paymentKey"`
		OrderID    string `json:"orderId"`
		Amount     int64  `json:"amount"`
	}{paymentKey, r.Reference, r.Expected.Total}
	raw, err := p.call(ctx, "POST", "/v1/payments/confirm", body, r.IdempotencyKey)
	if errorCode(err) == "ALREADY_PROCESSED_PAYMENT" {
		// Confirmed before (a retry, a double click): Toss's present
		// account of the payment is the answer.
		raw, err = p.call(ctx, "GET", "/v1/payments/"+url.PathEscape(paymentKey), nil, "")
	}
	if err != nil {
		return payment.Result{}, fmt.Errorf("toss confirm %s: %w", r.Reference, err)
	}
	return ours(raw, r.Reference, "confirm")
}

// ours decodes a Payment object and checks it is the one for reference: a
// paymentKey taken from the browser must not settle another order.
func ours(raw []byte, reference, action string) (payment.Result, error) {
	res, tp, err := result(raw)
	if err != nil {
		return payment.Result{}, fmt.Errorf("toss %s %s: %w", action, reference, err)
	}
	if reference != "" && tp.OrderID != reference {
		return payment.Result{}, fmt.Errorf("toss %s %s: %w", action, reference, mismatch(tp.OrderID))
	}
	return res, nil
}

func mismatch(got string) *payment.Declined {
	return &payment.Declined{Code: "ORDER_ID_MISMATCH", Message: fmt.Sprintf("the payment belongs to order id %q, not this attempt", got)}
}

// Lookup fetches Toss's account of the payment: by paymentKey when known,
// else by our Reference (GET /v1/payments/orders/{orderId}). An unknown
// payment is payment.ErrNotFound.
func (p *Provider) Lookup(ctx context.Context, r payment.LookupRequest) (payment.Result, error) {
	var path string
	switch {
	case r.ProviderPaymentID != "":
		path = "/v1/payments/" + url.PathEscape(r.ProviderPaymentID)
	case r.Reference != "":
		path = "/v1/payments/orders/" + url.PathEscape(r.Reference)
	default:
		return payment.Result{}, errors.New("toss lookup: neither a paymentKey nor a reference")
	}
	raw, err := p.call(ctx, "GET", path, nil, "")
	if err != nil {
		return payment.Result{}, fmt.Errorf("toss lookup %s: %w", lookupName(r), err)
	}
	return ours(raw, r.Reference, "lookup")
}

func lookupName(r payment.LookupRequest) string {
	if r.Reference != "" {
		return r.Reference
	}
	return r.ProviderPaymentID
}
