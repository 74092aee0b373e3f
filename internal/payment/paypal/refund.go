package paypal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/mallang/mallang/internal/payment"
)

// maxNote is PayPal's limit on a refund's note_to_payer.
const maxNote = 255

// Refund refunds the capture r.CaptureID (found through the order
// r.ProviderPaymentID when empty): with an empty body when r.Full, so PayPal
// refunds whatever is left, else r.Amount. PayPal-Request-Id is
// r.IdempotencyKey, so a retried refund is made once. A refund larger than
// what is left is Declined with REFUND_AMOUNT_EXCEEDED.
func (p *Provider) Refund(ctx context.Context, r payment.RefundRequest) (payment.RefundResult, error) {
	captureID := r.CaptureID
	if captureID == "" {
		res, err := p.Lookup(ctx, payment.LookupRequest{Reference: r.Reference, ProviderPaymentID: r.ProviderPaymentID})
		if err != nil {
			return payment.RefundResult{}, fmt.Errorf("paypal refund %s: finding the capture: %w", r.Reference, err)
		}
		if res.CaptureID == "" {
			return payment.RefundResult{}, fmt.Errorf("paypal refund %s: order %s has no capture: %w", r.Reference, r.ProviderPaymentID, payment.ErrNotFound)
		}
		captureID = res.CaptureID
	}
	cur := p.currency
	if r.Amount.Currency != "" {
		c, err := lookupCurrency(r.Amount.Currency)
		if err != nil {
			return payment.RefundResult{}, fmt.Errorf("paypal refund %s: %w", captureID, err)
		}
		cur = c
	}
	var in any
	if !r.Full {
		if r.Amount.Total <= 0 {
			return payment.RefundResult{}, fmt.Errorf("paypal refund %s: amount %d is not positive", captureID, r.Amount.Total)
		}
		body := map[string]any{"amount": money{CurrencyCode: cur.code, Value: formatValue(r.Amount.Total, cur)}}
		if r.Reason != "" {
			body["note_to_payer"] = truncate(r.Reason, maxNote)
		}
		in = body
	}
	body, err := p.call(ctx, http.MethodPost, "/v2/payments/captures/"+url.PathEscape(captureID)+"/refund", in, r.IdempotencyKey)
	if err != nil {
		return payment.RefundResult{}, fmt.Errorf("paypal refund %s: %w", captureID, err)
	}
	var out struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Amount *money `json:"amount"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.ID == "" {
		return payment.RefundResult{}, fmt.Errorf("paypal refund %s: unreadable refund: %w", captureID, errors.Join(err, payment.ErrUnknownOutcome))
	}
	refunded := r.Amount.Total
	if out.Amount != nil {
		n, _, err := parseValue(out.Amount.Value, out.Amount.CurrencyCode)
		if err != nil {
			return payment.RefundResult{}, fmt.Errorf("paypal refund %s: %w", captureID, err)
		}
		refunded = n
	}
	return payment.RefundResult{ProviderRefundID: out.ID, Refunded: refunded, Raw: body}, nil
}
