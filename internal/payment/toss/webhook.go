package toss

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/mallang/mallang/internal/payment"
)

// Event types the adapter handles.
const (
	EventStatusChanged = "PAYMENT_STATUS_CHANGED"
	EventDeposit       = "DEPOSIT_CALLBACK"
)

// webhook holds both shapes Toss posts: {eventType, createdAt, data} and
// the flat deposit callback {createdAt, secret, status, transactionKey,
// orderId}.
type webhook struct {
	EventType string          `json:"eventType"`
	Data      json.RawMessage `json:"data"`
	deposit
}

type deposit struct {
	OrderID string `json:"orderId"`
	Secret  string `json:"secret"`
	Status  string `json:"status"`
}

// ParseWebhook reads a Toss notification. Toss signs no payment webhooks
// (its signature header exists only on payout events), so nothing here is
// proof: the service re-fetches the payment, and compares a deposit
// callback's DepositSecret with the Deposit.Secret it stored, in constant
// time.
//
// PAYMENT_STATUS_CHANGED names data.paymentKey and data.orderId.
// DEPOSIT_CALLBACK, flat as documented or wrapped in {eventType, data} as
// some integrations receive it, names orderId and carries secret. Other
// event types are payment.ErrIgnoredEvent; a body that is not one of these
// shapes, or lacks the ids, is payment.ErrUnverified.
func (p *Provider) ParseWebhook(ctx context.Context, h http.Header, body []byte) (payment.Event, error) {
	var w webhook
	if err := json.Unmarshal(body, &w); err != nil {
		return payment.Event{}, fmt.Errorf("toss webhook: %w: %w", payment.ErrUnverified, err)
	}
	switch w.EventType {
	case EventStatusChanged:
		var d struct {
			PaymentKey string `json:"paymentKey"`
			OrderID    string `json:"orderId"`
		}
		if err := json.Unmarshal(w.Data, &d); err != nil || (d.PaymentKey == "" && d.OrderID == "") {
			return payment.Event{}, fmt.Errorf("toss webhook %s without a payment: %w", w.EventType, payment.ErrUnverified)
		}
		return payment.Event{Type: EventStatusChanged, Reference: d.OrderID, ProviderPaymentID: d.PaymentKey}, nil
	case EventDeposit:
		var d deposit
		if err := json.Unmarshal(w.Data, &d); err != nil {
			return payment.Event{}, fmt.Errorf("toss webhook %s: %w: %w", w.EventType, payment.ErrUnverified, err)
		}
		return depositEvent(d)
	case "":
		// The documented deposit callback has no eventType.
		if w.Secret != "" || w.OrderID != "" {
			return depositEvent(w.deposit)
		}
		return payment.Event{}, fmt.Errorf("toss webhook of no known shape: %w", payment.ErrUnverified)
	}
	return payment.Event{}, fmt.Errorf("toss webhook %s: %w", w.EventType, payment.ErrIgnoredEvent)
}

func depositEvent(d deposit) (payment.Event, error) {
	if d.OrderID == "" || d.Secret == "" {
		return payment.Event{}, fmt.Errorf("toss webhook %s without orderId or secret: %w", EventDeposit, payment.ErrUnverified)
	}
	return payment.Event{Type: EventDeposit, Reference: d.OrderID, DepositSecret: d.Secret}, nil
}
