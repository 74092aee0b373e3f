package paypal_test

import (
	"bytes"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/paypal"
	"github.com/mallang/mallang/internal/payment/paypal/paypaltest"
)

func TestParseWebhookEvents(t *testing.T) {
	t.Parallel()
	fake, p := setup(t, "USD", "1385.50", 5*time.Second)
	pr := prepare(t, p, "ORDER-0020", 138550)
	q := fake.Approve(pr.ProviderPaymentID)
	res, err := confirm(p, t, pr, q, "ORDER-0020-confirm")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Refund(t.Context(), payment.RefundRequest{CaptureID: res.CaptureID, Amount: payment.Amount{Total: 1000, Currency: "USD"}, IdempotencyKey: "r"}); err != nil {
		t.Fatal(err)
	}
	id := pr.ProviderPaymentID
	tests := []struct {
		eventType string
		want      payment.Event
	}{
		{"CHECKOUT.ORDER.APPROVED", payment.Event{Type: "CHECKOUT.ORDER.APPROVED", Reference: "ORDER-0020", ProviderPaymentID: id}},
		{"CHECKOUT.ORDER.COMPLETED", payment.Event{Type: "CHECKOUT.ORDER.COMPLETED", Reference: "ORDER-0020", ProviderPaymentID: id}},
		{"PAYMENT.CAPTURE.COMPLETED", payment.Event{Type: "PAYMENT.CAPTURE.COMPLETED", Reference: "ORDER-0020", ProviderPaymentID: id}},
		{"PAYMENT.CAPTURE.PENDING", payment.Event{Type: "PAYMENT.CAPTURE.PENDING", Reference: "ORDER-0020", ProviderPaymentID: id}},
		{"PAYMENT.CAPTURE.DENIED", payment.Event{Type: "PAYMENT.CAPTURE.DENIED", Reference: "ORDER-0020", ProviderPaymentID: id}},
		{"PAYMENT.CAPTURE.DECLINED", payment.Event{Type: "PAYMENT.CAPTURE.DECLINED", Reference: "ORDER-0020", ProviderPaymentID: id}},
		// A refund resource names our reference, not the order.
		{"PAYMENT.CAPTURE.REFUNDED", payment.Event{Type: "PAYMENT.CAPTURE.REFUNDED", Reference: "ORDER-0020"}},
		{"PAYMENT.CAPTURE.REVERSED", payment.Event{Type: "PAYMENT.CAPTURE.REVERSED", Reference: "ORDER-0020"}},
		{"CHECKOUT.PAYMENT-APPROVAL.REVERSED", payment.Event{Type: "CHECKOUT.PAYMENT-APPROVAL.REVERSED", ProviderPaymentID: id}},
	}
	for _, tt := range tests {
		t.Run(tt.eventType, func(t *testing.T) {
			t.Parallel()
			h, body := fake.Webhook(tt.eventType, id)
			got, err := p.ParseWebhook(t.Context(), h, body)
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if got != tt.want {
				t.Errorf("ParseWebhook = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseWebhookRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// forge turns a correctly signed notification into the one received.
		forge     func(h http.Header, body []byte) (http.Header, []byte)
		webhookID string
		eventType string
		want      error
	}{
		{"bad signature", func(h http.Header, b []byte) (http.Header, []byte) {
			h.Set("PAYPAL-TRANSMISSION-SIG", "c2lnbmVkIGJ5IHNvbWVvbmUgZWxzZQ==")
			return h, b
		}, paypaltest.WebhookID, "PAYMENT.CAPTURE.COMPLETED", payment.ErrUnverified},
		{"body changed after signing", func(h http.Header, b []byte) (http.Header, []byte) {
			return h, bytes.Replace(b, []byte("ORDER-0021"), []byte("ORDER-9999"), 1)
		}, paypaltest.WebhookID, "PAYMENT.CAPTURE.COMPLETED", payment.ErrUnverified},
		{"signature header missing", func(h http.Header, b []byte) (http.Header, []byte) {
			h.Del("PAYPAL-TRANSMISSION-SIG")
			return h, b
		}, paypaltest.WebhookID, "PAYMENT.CAPTURE.COMPLETED", payment.ErrUnverified},
		{"not JSON", func(h http.Header, _ []byte) (http.Header, []byte) {
			return h, []byte("<xml/>")
		}, paypaltest.WebhookID, "PAYMENT.CAPTURE.COMPLETED", payment.ErrUnverified},
		{"signed for another webhook", func(h http.Header, b []byte) (http.Header, []byte) { return h, b },
			"WH-SOMEONE-ELSE", "PAYMENT.CAPTURE.COMPLETED", payment.ErrUnverified},
		{"no webhook id configured", func(h http.Header, b []byte) (http.Header, []byte) { return h, b },
			"", "PAYMENT.CAPTURE.COMPLETED", payment.ErrUnverified},
		{"event we do not handle", func(h http.Header, b []byte) (http.Header, []byte) { return h, b },
			paypaltest.WebhookID, "BILLING.SUBSCRIPTION.CREATED", payment.ErrIgnoredEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := paypaltest.NewServer()
			t.Cleanup(fake.Close)
			p, err := paypal.New(paypal.Config{
				ClientID: paypaltest.ClientID, Secret: paypaltest.Secret, WebhookID: tt.webhookID,
				BaseURL: fake.URL(), KRWPerUnit: "1385.50",
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			pr := prepare(t, p, "ORDER-0021", 138550)
			if _, err := confirm(p, t, pr, fake.Approve(pr.ProviderPaymentID), "k"); err != nil {
				t.Fatal(err)
			}
			h, body := tt.forge(fake.Webhook(tt.eventType, pr.ProviderPaymentID))
			ev, err := p.ParseWebhook(t.Context(), h, body)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseWebhook = %+v, %v; want %v", ev, err, tt.want)
			}
		})
	}
}

func TestParseWebhookVerifierDown(t *testing.T) {
	t.Parallel()
	fake, p := setup(t, "USD", "1385.50", 5*time.Second)
	pr := prepare(t, p, "ORDER-0022", 138550)
	h, body := fake.Webhook("CHECKOUT.ORDER.APPROVED", pr.ProviderPaymentID)
	fake.FailNext("/v1/notifications/verify-webhook-signature", http.StatusInternalServerError)
	if _, err := p.ParseWebhook(t.Context(), h, body); !errors.Is(err, payment.ErrUnknownOutcome) || errors.Is(err, payment.ErrUnverified) {
		t.Fatalf("ParseWebhook while PayPal fails = %v, want ErrUnknownOutcome (PayPal will deliver again)", err)
	}
	// Delivered again, it verifies.
	if ev, err := p.ParseWebhook(t.Context(), h, body); err != nil || ev.ProviderPaymentID != pr.ProviderPaymentID {
		t.Fatalf("ParseWebhook again = %+v, %v", ev, err)
	}
	if n := fake.Calls("/v1/notifications/verify-webhook-signature"); n != 2 {
		t.Errorf("verify called %d times, want 2", n)
	}
}

func TestBuyerPage(t *testing.T) {
	t.Parallel()
	_, p := setup(t, "USD", "1385.50", 5*time.Second)
	pr := prepare(t, p, "ORDER-0023", 138550)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(pr.RedirectURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := res.Location()
	if err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("approval page answered %d, %v; want a redirect", res.StatusCode, err)
	}
	q := loc.Query()
	if loc.Path != "/pay/paypal/return" || q.Get("token") != pr.ProviderPaymentID || q.Get("PayerID") == "" {
		t.Fatalf("redirected to %s, want the return URL with token and PayerID", loc)
	}
	got, err := confirm(p, t, pr, q, "ORDER-0023-confirm")
	if err != nil || got.Status != payment.StatusPaid {
		t.Errorf("Confirm after the approval page = %+v, %v; want paid", got, err)
	}
}
