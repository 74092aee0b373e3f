package toss_test

import (
	"errors"
	"testing"

	"github.com/mallang/mallang/internal/payment"
)

func TestParseWebhook(t *testing.T) {
	t.Parallel()
	p, srv := setup(t, nil)
	card := paid(t, p, srv, "ORD-hook-01", 9000)

	tests := []struct {
		name    string
		body    string
		want    payment.Event
		wantErr error
	}{
		{"payment status changed", string(srv.StatusChangedWebhook(card.ProviderPaymentID)),
			payment.Event{Type: "PAYMENT_STATUS_CHANGED", Reference: "ORD-hook-01", ProviderPaymentID: card.ProviderPaymentID}, nil},
		{"flat deposit callback",
			`{"createdAt":"2024-02-01T10:00:00.000000","secret":"ps_abc","status":"DONE","transactionKey":"T1","orderId":"ORD-hook-02"}`,
			payment.Event{Type: "DEPOSIT_CALLBACK", Reference: "ORD-hook-02", DepositSecret: "ps_abc"}, nil},
		{"wrapped deposit callback",
			`{"eventType":"DEPOSIT_CALLBACK","createdAt":"2024-02-01T10:00:00.000000","data":{"secret":"ps_def","status":"WAITING_FOR_DEPOSIT","transactionKey":"T2","orderId":"ORD-hook-03"}}`,
			payment.Event{Type: "DEPOSIT_CALLBACK", Reference: "ORD-hook-03", DepositSecret: "ps_def"}, nil},
		{"billing key deleted", `{"eventType":"BILLING_DELETED","createdAt":"2024-02-01T10:00:00.000000","data":{"billingKey":"b","reason":"r"}}`,
			payment.Event{}, payment.ErrIgnoredEvent},
		{"payout event", `{"eventType":"payout.changed","createdAt":"2024-02-01T10:00:00.000000","data":{}}`,
			payment.Event{}, payment.ErrIgnoredEvent},
		{"not JSON", `eventType=PAYMENT_STATUS_CHANGED`, payment.Event{}, payment.ErrUnverified},
		{"empty", ``, payment.Event{}, payment.ErrUnverified},
		{"no known shape", `{"hello":"world"}`, payment.Event{}, payment.ErrUnverified},
		{"deposit without secret", `{"status":"DONE","orderId":"ORD-hook-02"}`, payment.Event{}, payment.ErrUnverified},
		{"status change without payment", `{"eventType":"PAYMENT_STATUS_CHANGED","data":{}}`, payment.Event{}, payment.ErrUnverified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := srv.WebhookRequest("https://shop.example/hooks/toss", []byte(tt.body))
			got, err := p.ParseWebhook(t.Context(), req.Header, []byte(tt.body))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseWebhook error = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseWebhook = %+v, want %+v", got, tt.want)
			}
		})
	}
}
