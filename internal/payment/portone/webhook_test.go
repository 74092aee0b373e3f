package portone_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/portone"
	"github.com/mallang/mallang/internal/payment/portone/portonetest"
)

func TestParseWebhook(t *testing.T) {
	t.Parallel()
	const ref = "order-7001"
	other := "whsec_" + base64.StdEncoding.EncodeToString([]byte("a secret PortOne never used"))
	type build func(f *portonetest.Server) (http.Header, []byte)
	paidEvent := func(f *portonetest.Server) (http.Header, []byte) { return f.Webhook("Transaction.Paid", ref) }
	tests := []struct {
		name    string
		secrets func(f *portonetest.Server) []string
		now     func() time.Time
		build   build
		want    error  // nil = an Event for ref
		typ     string // the Event's Type
	}{
		{name: "paid", build: paidEvent, typ: "Transaction.Paid"},
		{name: "virtual account issued", build: func(f *portonetest.Server) (http.Header, []byte) {
			return f.Webhook("Transaction.VirtualAccountIssued", ref)
		}, typ: "Transaction.VirtualAccountIssued"},
		{name: "secret without whsec_ prefix", secrets: func(f *portonetest.Server) []string {
			return []string{strings.TrimPrefix(f.Secret(), "whsec_")}
		}, build: paidEvent, typ: "Transaction.Paid"},
		{name: "rotation: the second secret signs", secrets: func(f *portonetest.Server) []string {
			return []string{other, f.Secret()}
		}, build: paidEvent, typ: "Transaction.Paid"},
		{name: "old 2024-01-01 body", build: func(f *portonetest.Server) (http.Header, []byte) {
			body := []byte(`{"payment_id":"` + ref + `","tx_id":"tx-1","status":"Paid"}`)
			return f.SignWebhook(body), body
		}, typ: "Paid"},
		{name: "signed by another secret", secrets: func(*portonetest.Server) []string { return []string{other} },
			build: paidEvent, want: payment.ErrUnverified},
		{name: "no secret configured", secrets: func(*portonetest.Server) []string { return nil },
			build: paidEvent, want: payment.ErrUnverified},
		{name: "body changed", build: func(f *portonetest.Server) (http.Header, []byte) {
			h, body := f.Webhook("Transaction.Paid", ref)
			return h, []byte(strings.Replace(string(body), ref, "order-7002", 1))
		}, want: payment.ErrUnverified},
		{name: "signature header missing", build: func(f *portonetest.Server) (http.Header, []byte) {
			h, body := f.Webhook("Transaction.Paid", ref)
			h.Del("webhook-signature")
			return h, body
		}, want: payment.ErrUnverified},
		{name: "id changed", build: func(f *portonetest.Server) (http.Header, []byte) {
			h, body := f.Webhook("Transaction.Paid", ref)
			h.Set("webhook-id", "msg_other")
			return h, body
		}, want: payment.ErrUnverified},
		{name: "v2 signature only", build: func(f *portonetest.Server) (http.Header, []byte) {
			h, body := f.Webhook("Transaction.Paid", ref)
			h.Set("webhook-signature", strings.Replace(h.Get("webhook-signature"), "v1,", "v2,", 1))
			return h, body
		}, want: payment.ErrUnverified},
		{name: "one of several signatures matches", build: func(f *portonetest.Server) (http.Header, []byte) {
			h, body := f.Webhook("Transaction.Paid", ref)
			h.Set("webhook-signature", "v1,AAAA "+h.Get("webhook-signature"))
			return h, body
		}, typ: "Transaction.Paid"},
		{name: "six minutes old", now: func() time.Time { return time.Now().Add(6 * time.Minute) },
			build: paidEvent, want: payment.ErrUnverified},
		{name: "six minutes ahead", now: func() time.Time { return time.Now().Add(-6 * time.Minute) },
			build: paidEvent, want: payment.ErrUnverified},
		{name: "four minutes old", now: func() time.Time { return time.Now().Add(4 * time.Minute) },
			build: paidEvent, typ: "Transaction.Paid"},
		{name: "billing key event", build: func(f *portonetest.Server) (http.Header, []byte) {
			return f.Webhook("BillingKey.Issued", "billing-key-1")
		}, want: payment.ErrIgnoredEvent},
		{name: "unknown event", build: func(f *portonetest.Server) (http.Header, []byte) {
			return f.Webhook("Settlement.Created", ref)
		}, want: payment.ErrIgnoredEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := portonetest.NewServer()
			t.Cleanup(fake.Close)
			fake.Pay(ref, 15000)
			secrets := []string{fake.Secret()}
			if tt.secrets != nil {
				secrets = tt.secrets(fake)
			}
			p, err := portone.New(portone.Config{
				APISecret: portonetest.APISecret, StoreID: portonetest.StoreID, ChannelKey: portonetest.ChannelKey,
				WebhookSecrets: secrets, BaseURL: fake.URL(), Now: tt.now,
			}, nil)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			h, body := tt.build(fake)
			ev, err := p.ParseWebhook(t.Context(), h, body)
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("ParseWebhook = %+v, %v; want %v", ev, err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if ev.Type != tt.typ || ev.Reference != ref || ev.ProviderPaymentID != ref || ev.DepositSecret != "" {
				t.Fatalf("Event = %+v, want %s for %s", ev, tt.typ, ref)
			}
		})
	}
}
