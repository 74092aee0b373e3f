package portone

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/payment"
)

// webhookTolerance is how far webhook-timestamp may be from now, either way.
const webhookTolerance = 5 * time.Minute

// ParseWebhook verifies a PortOne notification as a Standard Webhook (the
// webhook-id, webhook-timestamp and webhook-signature headers, a timestamp
// within 5 minutes of Config.Now, an HMAC-SHA256 of "id.timestamp.body"
// under any configured secret) and says which payment it concerns. Failing
// any of that is payment.ErrUnverified. Transaction.* events (version
// 2024-04-25) and the old 2024-01-01 body {payment_id, tx_id, status} name a
// payment; BillingKey.* and every other type are payment.ErrIgnoredEvent.
// The service looks the payment up before it acts on the event.
func (p *Provider) ParseWebhook(ctx context.Context, h http.Header, body []byte) (payment.Event, error) {
	if err := p.verify(h, body); err != nil {
		return payment.Event{}, fmt.Errorf("portone webhook: %w", err)
	}
	ev, err := parseEvent(body)
	if err != nil {
		return payment.Event{}, fmt.Errorf("portone webhook: %w", err)
	}
	return ev, nil
}

func (p *Provider) verify(h http.Header, body []byte) error {
	if len(p.webhookKeys) == 0 {
		return fmt.Errorf("%w: no WebhookSecrets configured", payment.ErrUnverified)
	}
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("%w: webhook-id, webhook-timestamp or webhook-signature missing", payment.ErrUnverified)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: webhook-timestamp %q is not Unix seconds", payment.ErrUnverified, ts)
	}
	if d := p.now().Sub(time.Unix(sec, 0)); d > webhookTolerance || d < -webhookTolerance {
		return fmt.Errorf("%w: webhook-timestamp is %s away from now", payment.ErrUnverified, d.Round(time.Second))
	}
	signed := []byte(id + "." + ts + "." + string(body))
	for _, key := range p.webhookKeys {
		mac := hmac.New(sha256.New, key)
		mac.Write(signed)
		want := mac.Sum(nil)
		for _, s := range strings.Fields(sigs) {
			version, sig, ok := strings.Cut(s, ",")
			if !ok || version != "v1" {
				continue
			}
			got, err := base64.StdEncoding.DecodeString(sig)
			if err == nil && hmac.Equal(got, want) {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: no v1 signature matches", payment.ErrUnverified)
}

// webhookBody holds both versions of the body: 2024-04-25 {type, data} and
// 2024-01-01 {payment_id, tx_id, status}.
type webhookBody struct {
	Type string `json:"type"`
	Data struct {
		PaymentID string `json:"paymentId"`
	} `json:"data"`
	OldPaymentID string `json:"payment_id"`
	OldStatus    string `json:"status"`
}

func parseEvent(body []byte) (payment.Event, error) {
	var b webhookBody
	if err := json.Unmarshal(body, &b); err != nil {
		return payment.Event{}, fmt.Errorf("decode body: %w", err)
	}
	switch {
	case b.Type != "":
		if !strings.HasPrefix(b.Type, "Transaction.") {
			return payment.Event{}, fmt.Errorf("%w: %s", payment.ErrIgnoredEvent, b.Type)
		}
		if b.Data.PaymentID == "" {
			return payment.Event{}, fmt.Errorf("%s names no data.paymentId", b.Type)
		}
		return payment.Event{Type: b.Type, Reference: b.Data.PaymentID, ProviderPaymentID: b.Data.PaymentID}, nil
	case b.OldPaymentID != "":
		return payment.Event{Type: b.OldStatus, Reference: b.OldPaymentID, ProviderPaymentID: b.OldPaymentID}, nil
	default:
		return payment.Event{}, fmt.Errorf("%w: a body with neither type nor payment_id", payment.ErrIgnoredEvent)
	}
}
