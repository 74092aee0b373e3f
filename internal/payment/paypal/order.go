package paypal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/mallang/mallang/internal/payment"
)

// maxDescription is PayPal's limit on purchase_units[].description.
const maxDescription = 127

// CodeTokenMismatch is the Declined code Confirm returns when the return
// URL's token is missing or names another order than the one prepared: the
// browser is trying to settle a payment that is not this attempt's.
const CodeTokenMismatch = "TOKEN_MISMATCH"

// money is PayPal's amount object.
type money struct {
	CurrencyCode string `json:"currency_code"`
	Value        string `json:"value"`
}

// order is the part of a PayPal order this adapter reads.
type order struct {
	ID            string                     `json:"id"`
	Status        string                     `json:"status"`
	PaymentSource map[string]json.RawMessage `json:"payment_source"`
	PurchaseUnits []struct {
		CustomID string `json:"custom_id"`
		Amount   *money `json:"amount"`
		Payments struct {
			Captures []capture `json:"captures"`
			Refunds  []struct {
				Status string `json:"status"`
				Amount *money `json:"amount"`
			} `json:"refunds"`
		} `json:"payments"`
	} `json:"purchase_units"`
	Links []struct {
		Href string `json:"href"`
		Rel  string `json:"rel"`
	} `json:"links"`
}

type capture struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	Amount        *money `json:"amount"`
	StatusDetails struct {
		Reason string `json:"reason"`
	} `json:"status_details"`
	CreateTime string `json:"create_time"`
}

// Prepare creates a PayPal order for r's won total converted to the
// configured currency, with PayPal-Request-Id r.IdempotencyKey so a retried
// Prepare returns the same order. The buyer goes to Prepared.RedirectURL and
// comes back to r.ReturnURL?token=<order id>&PayerID=… (or to r.CancelURL).
func (p *Provider) Prepare(ctx context.Context, r payment.PrepareRequest) (payment.Prepared, error) {
	if r.Amount.Currency != "" && r.Amount.Currency != "KRW" {
		return payment.Prepared{}, fmt.Errorf("paypal prepare %s: amount is in %s, want KRW", r.Reference, r.Amount.Currency)
	}
	total, err := p.rate.fromWon(r.Amount.Total, p.currency)
	if err != nil {
		return payment.Prepared{}, fmt.Errorf("paypal prepare %s: %w", r.Reference, err)
	}
	if total <= 0 {
		return payment.Prepared{}, fmt.Errorf("paypal prepare %s: %d won is less than the smallest %s amount", r.Reference, r.Amount.Total, p.currency.code)
	}
	cancel := r.CancelURL
	if cancel == "" {
		cancel = r.FailURL
	}
	in := map[string]any{
		"intent": "CAPTURE",
		"purchase_units": []map[string]any{{
			"reference_id": r.Reference,
			"custom_id":    r.Reference,
			"invoice_id":   r.Reference,
			"description":  truncate(r.OrderName, maxDescription),
			"amount":       money{CurrencyCode: p.currency.code, Value: formatValue(total, p.currency)},
		}},
		"payment_source": map[string]any{
			"paypal": map[string]any{
				"experience_context": map[string]any{
					"return_url":          r.ReturnURL,
					"cancel_url":          cancel,
					"user_action":         "PAY_NOW",
					"shipping_preference": "NO_SHIPPING",
				},
			},
		},
	}
	body, err := p.call(ctx, http.MethodPost, "/v2/checkout/orders", in, r.IdempotencyKey)
	if err != nil {
		return payment.Prepared{}, fmt.Errorf("paypal prepare %s: %w", r.Reference, err)
	}
	var o order
	if err := json.Unmarshal(body, &o); err != nil || o.ID == "" {
		return payment.Prepared{}, fmt.Errorf("paypal prepare %s: unreadable order: %w", r.Reference, errors.Join(err, payment.ErrUnknownOutcome))
	}
	link := o.link("payer-action")
	if link == "" {
		link = o.link("approve")
	}
	if link == "" {
		return payment.Prepared{}, fmt.Errorf("paypal prepare %s: order %s has no approval link", r.Reference, o.ID)
	}
	return payment.Prepared{
		ProviderPaymentID: o.ID,
		RedirectURL:       link,
		Charge:            payment.Amount{Total: total, Currency: p.currency.code},
		Raw:               body,
	}, nil
}

// Confirm captures the order r.ProviderPaymentID. The return URL's token
// must name that same order (else Declined with CodeTokenMismatch); PayPal's
// capture takes no amount, so Result.Charged is what PayPal captured, for
// the service to compare with r.Expected. A retry with the same
// r.IdempotencyKey replays the first capture; an order already captured under
// another key is looked up and returned as it stands. An order the buyer has
// not approved is Declined with ORDER_NOT_APPROVED. Unattended (after
// Lookup reported the order APPROVED: the buyer approved and never came
// back) there is no token to check.
func (p *Provider) Confirm(ctx context.Context, r payment.ConfirmRequest) (payment.Result, error) {
	id := r.ProviderPaymentID
	if id == "" || (!r.Unattended && url.Values(r.Query).Get("token") != id) {
		return payment.Result{}, fmt.Errorf("paypal confirm %s: %w", r.Reference, &payment.Declined{
			Code:    CodeTokenMismatch,
			Message: "the PayPal approval does not belong to this payment",
		})
	}
	body, err := p.call(ctx, http.MethodPost, "/v2/checkout/orders/"+url.PathEscape(id)+"/capture", nil, r.IdempotencyKey)
	if issueOf(err) == "ORDER_ALREADY_CAPTURED" {
		res, lerr := p.Lookup(ctx, payment.LookupRequest{Reference: r.Reference, ProviderPaymentID: id})
		if lerr != nil {
			return payment.Result{}, fmt.Errorf("paypal confirm %s: already captured: %w", id, lerr)
		}
		return res, nil
	}
	if err != nil {
		return payment.Result{}, fmt.Errorf("paypal confirm %s: %w", id, err)
	}
	res, err := resultOf(body)
	if err != nil {
		return payment.Result{}, fmt.Errorf("paypal confirm %s: %w", id, err)
	}
	return res, nil
}

// Lookup reads the order r.ProviderPaymentID. PayPal cannot find an order by
// our reference (custom_id), so a request without the order id is
// payment.ErrNotFound.
func (p *Provider) Lookup(ctx context.Context, r payment.LookupRequest) (payment.Result, error) {
	if r.ProviderPaymentID == "" {
		return payment.Result{}, fmt.Errorf("paypal lookup %s: PayPal finds orders only by their id: %w", r.Reference, payment.ErrNotFound)
	}
	body, err := p.call(ctx, http.MethodGet, "/v2/checkout/orders/"+url.PathEscape(r.ProviderPaymentID), nil, "")
	if err != nil {
		return payment.Result{}, fmt.Errorf("paypal lookup %s: %w", r.ProviderPaymentID, err)
	}
	res, err := resultOf(body)
	if err != nil {
		return payment.Result{}, fmt.Errorf("paypal lookup %s: %w", r.ProviderPaymentID, err)
	}
	return res, nil
}

// resultOf reads an order into a Result. Statuses map as follows (with
// intent CAPTURE an order holds at most one capture; its status is what
// says whether money moved, since a COMPLETED order can hold a declined
// capture):
//
//	order status                                   capture status       payment.Status
//	CREATED, SAVED, PAYER_ACTION_REQUIRED          —                    pending
//	APPROVED                                       —                    approved
//	VOIDED                                         —                    failed
//	COMPLETED                                      COMPLETED            paid
//	COMPLETED                                      PENDING              pending
//	COMPLETED                                      DECLINED, FAILED     failed
//	COMPLETED                                      PARTIALLY_REFUNDED   partially_cancelled
//	COMPLETED                                      REFUNDED             cancelled
//	COMPLETED                                      none                 pending
//
// Charged is the capture's amount when there is a capture, else the order's;
// Cancelled sums the order's COMPLETED refunds.
func resultOf(body []byte) (payment.Result, error) {
	var o order
	if err := json.Unmarshal(body, &o); err != nil || o.ID == "" {
		return payment.Result{}, fmt.Errorf("unreadable order: %w", errors.Join(err, payment.ErrUnknownOutcome))
	}
	res := payment.Result{ProviderPaymentID: o.ID, Method: "paypal", Raw: body}
	for k := range o.PaymentSource {
		res.Method = k // "paypal", "card", "venmo", …: PayPal sends one
	}
	if len(o.PurchaseUnits) == 0 {
		return payment.Result{}, fmt.Errorf("order %s has no purchase unit", o.ID)
	}
	pu := o.PurchaseUnits[0]
	amount := pu.Amount
	var c *capture
	if n := len(pu.Payments.Captures); n > 0 {
		c = &pu.Payments.Captures[n-1]
		amount = c.Amount
		res.CaptureID = c.ID
	}
	if amount == nil {
		return payment.Result{}, fmt.Errorf("order %s has no amount", o.ID)
	}
	total, cur, err := parseValue(amount.Value, amount.CurrencyCode)
	if err != nil {
		return payment.Result{}, fmt.Errorf("order %s: %w", o.ID, err)
	}
	res.Charged = payment.Amount{Total: total, Currency: cur.code}
	for _, rf := range pu.Payments.Refunds {
		if rf.Status != "COMPLETED" || rf.Amount == nil {
			continue
		}
		n, _, err := parseValue(rf.Amount.Value, rf.Amount.CurrencyCode)
		if err != nil {
			return payment.Result{}, fmt.Errorf("order %s refund: %w", o.ID, err)
		}
		res.Cancelled += n
	}

	switch o.Status {
	case "VOIDED":
		res.Status = payment.StatusFailed
		res.FailureCode = "VOIDED"
		res.FailureMessage = "PayPal voided the order"
	case "COMPLETED":
		if c == nil {
			res.Status = payment.StatusPending
			break
		}
		switch c.Status {
		case "COMPLETED":
			res.Status = payment.StatusPaid
		case "PARTIALLY_REFUNDED":
			res.Status = payment.StatusPartiallyCancelled
		case "REFUNDED":
			res.Status = payment.StatusCancelled
		case "DECLINED", "FAILED":
			res.Status = payment.StatusFailed
			res.FailureCode = c.Status
			if c.StatusDetails.Reason != "" {
				res.FailureCode = c.StatusDetails.Reason
			}
			res.FailureMessage = "PayPal did not take the payment (capture " + c.Status + ")"
		default: // PENDING, and any status PayPal adds: not paid yet, not failed
			res.Status = payment.StatusPending
		}
		if c.Status == "COMPLETED" || c.Status == "PARTIALLY_REFUNDED" || c.Status == "REFUNDED" {
			if t, err := time.Parse(time.RFC3339, c.CreateTime); err == nil {
				res.PaidAt = t.UTC()
			}
		}
	case "APPROVED": // the buyer approved; we capture
		res.Status = payment.StatusApproved
	default: // CREATED, SAVED, PAYER_ACTION_REQUIRED
		res.Status = payment.StatusPending
	}
	return res, nil
}

func (o order) link(rel string) string {
	for _, l := range o.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// truncate cuts s to at most n characters (not bytes), so a Korean order
// name is never split inside a character.
func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
