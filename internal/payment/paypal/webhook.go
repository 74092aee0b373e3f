package paypal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/mallang/mallang/internal/payment"
)

// Headers PayPal signs a notification with.
var signatureHeaders = [...]struct{ header, field string }{
	{"PAYPAL-AUTH-ALGO", "auth_algo"},
	{"PAYPAL-CERT-URL", "cert_url"},
	{"PAYPAL-TRANSMISSION-ID", "transmission_id"},
	{"PAYPAL-TRANSMISSION-SIG", "transmission_sig"},
	{"PAYPAL-TRANSMISSION-TIME", "transmission_time"},
}

// ParseWebhook verifies a notification by asking PayPal
// (POST /v1/notifications/verify-webhook-signature with the PAYPAL-*
// headers, Config.WebhookID and the event) and says which order it concerns.
// Missing headers, no configured webhook id, a body that is not an event, or
// PayPal's verdict FAILURE are payment.ErrUnverified; if PayPal cannot be
// asked (timeout, 5xx) it is payment.ErrUnknownOutcome, so the service
// answers an error and PayPal delivers again.
//
// Events:
//
//	PAYMENT.CAPTURE.COMPLETED, .PENDING, .DENIED, .DECLINED, .REFUNDED, .REVERSED
//	    → Reference resource.custom_id, order resource.supplementary_data.related_ids.order_id
//	CHECKOUT.ORDER.APPROVED, CHECKOUT.ORDER.COMPLETED
//	    → order resource.id, Reference resource.purchase_units[0].custom_id
//	CHECKOUT.PAYMENT-APPROVAL.REVERSED → order resource.order_id
//	anything else → payment.ErrIgnoredEvent
func (p *Provider) ParseWebhook(ctx context.Context, h http.Header, body []byte) (payment.Event, error) {
	if p.webhookID == "" {
		return payment.Event{}, fmt.Errorf("paypal webhook: no webhook id configured: %w", payment.ErrUnverified)
	}
	in := map[string]any{"webhook_id": p.webhookID}
	for _, s := range signatureHeaders {
		v := h.Get(s.header)
		if v == "" {
			return payment.Event{}, fmt.Errorf("paypal webhook: header %s missing: %w", s.header, payment.ErrUnverified)
		}
		in[s.field] = v
	}
	var ev struct {
		ID        string          `json:"id"`
		EventType string          `json:"event_type"`
		Resource  json.RawMessage `json:"resource"`
	}
	if err := json.Unmarshal(body, &ev); err != nil || ev.EventType == "" {
		return payment.Event{}, fmt.Errorf("paypal webhook: not an event: %w", errors.Join(err, payment.ErrUnverified))
	}
	in["webhook_event"] = json.RawMessage(body)
	out, err := p.call(ctx, http.MethodPost, "/v1/notifications/verify-webhook-signature", in, "")
	if err != nil {
		if errors.Is(err, payment.ErrUnknownOutcome) {
			return payment.Event{}, fmt.Errorf("paypal webhook %s: verifying: %w", ev.ID, err)
		}
		// PayPal refused to check it (a malformed header, say): not verified.
		return payment.Event{}, fmt.Errorf("paypal webhook %s: verifying: %w", ev.ID, errors.Join(payment.ErrUnverified, err))
	}
	var verdict struct {
		Status string `json:"verification_status"`
	}
	if err := json.Unmarshal(out, &verdict); err != nil {
		return payment.Event{}, fmt.Errorf("paypal webhook %s: unreadable verdict: %w", ev.ID, errors.Join(err, payment.ErrUnknownOutcome))
	}
	if verdict.Status != "SUCCESS" {
		return payment.Event{}, fmt.Errorf("paypal webhook %s: verification %s: %w", ev.ID, verdict.Status, payment.ErrUnverified)
	}

	e := payment.Event{Type: ev.EventType}
	switch ev.EventType {
	case "PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.PENDING", "PAYMENT.CAPTURE.DENIED",
		"PAYMENT.CAPTURE.DECLINED", "PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED":
		var r struct {
			CustomID          string `json:"custom_id"`
			SupplementaryData struct {
				RelatedIDs struct {
					OrderID string `json:"order_id"`
				} `json:"related_ids"`
			} `json:"supplementary_data"`
		}
		if err := json.Unmarshal(ev.Resource, &r); err != nil {
			return payment.Event{}, fmt.Errorf("paypal webhook %s: resource: %w", ev.ID, err)
		}
		e.Reference, e.ProviderPaymentID = r.CustomID, r.SupplementaryData.RelatedIDs.OrderID
	case "CHECKOUT.ORDER.APPROVED", "CHECKOUT.ORDER.COMPLETED":
		var r struct {
			ID            string `json:"id"`
			PurchaseUnits []struct {
				CustomID string `json:"custom_id"`
			} `json:"purchase_units"`
		}
		if err := json.Unmarshal(ev.Resource, &r); err != nil {
			return payment.Event{}, fmt.Errorf("paypal webhook %s: resource: %w", ev.ID, err)
		}
		e.ProviderPaymentID = r.ID
		if len(r.PurchaseUnits) > 0 {
			e.Reference = r.PurchaseUnits[0].CustomID
		}
	case "CHECKOUT.PAYMENT-APPROVAL.REVERSED":
		var r struct {
			OrderID string `json:"order_id"`
		}
		if err := json.Unmarshal(ev.Resource, &r); err != nil {
			return payment.Event{}, fmt.Errorf("paypal webhook %s: resource: %w", ev.ID, err)
		}
		e.ProviderPaymentID = r.OrderID
	default:
		return payment.Event{}, fmt.Errorf("paypal webhook %s: event %s: %w", ev.ID, ev.EventType, payment.ErrIgnoredEvent)
	}
	if e.Reference == "" && e.ProviderPaymentID == "" {
		// Nothing to look up: delivering it again would not help.
		return payment.Event{}, fmt.Errorf("paypal webhook %s: %s names no order: %w", ev.ID, ev.EventType, payment.ErrIgnoredEvent)
	}
	return e, nil
}
