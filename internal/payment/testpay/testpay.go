// Package testpay is the built-in payment provider for demos and tests: its
// "payment window" is a page of the shop itself (approve, decline, cancel),
// so the demo shop takes an order from cart to paid with no network and no
// keys. It is stateless: the window's approval is an HMAC-signed statement
// of which attempt was approved for how much, which Confirm checks, so a
// restart between approval and confirmation loses nothing and a customer
// cannot forge an approval (or change its amount) by editing the return URL.
//
// It must never be enabled in a shop that takes real orders: anyone can
// "pay" with it. The configuration enables it by default only in
// development (docs/configuration.md).
package testpay

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/payment"
)

// Name is the provider's key.
const Name = "testpay"

// Codes the window sends to the fail URL.
const (
	CodeDeclined  = "TESTPAY_DECLINED"     // the "card" was refused
	CodeCancelled = "PAY_PROCESS_CANCELED" // the customer closed the window
	CodeForged    = "TESTPAY_INVALID_APPROVAL"
)

// Provider is the test provider.
type Provider struct {
	key     []byte
	pageURL func(reference string) string
	now     func() time.Time
}

// New returns the provider. key signs approvals (at least 32 bytes);
// pageURL gives the address of the window's page for an attempt.
func New(key []byte, pageURL func(reference string) string, now func() time.Time) (*Provider, error) {
	if len(key) < 32 {
		return nil, fmt.Errorf("testpay: signing key must be at least 32 bytes, not %d", len(key))
	}
	if now == nil {
		now = time.Now
	}
	return &Provider{key: key, pageURL: pageURL, now: now}, nil
}

// Name implements payment.Provider.
func (p *Provider) Name() string { return Name }

// Prepare sends the customer to the window's page; nothing is registered.
func (p *Provider) Prepare(_ context.Context, r payment.PrepareRequest) (payment.Prepared, error) {
	if r.Amount.Currency != "KRW" {
		return payment.Prepared{}, fmt.Errorf("testpay: only KRW, not %q", r.Amount.Currency)
	}
	return payment.Prepared{RedirectURL: p.pageURL(r.Reference), Charge: r.Amount}, nil
}

// Approve is the window's "pay" button: it returns the query the window puts
// on the return URL for attempt reference approved for amount won.
func (p *Provider) Approve(reference string, amount int64) url.Values {
	id := "tp_" + rand.Text()[:20]
	return url.Values{"testpay_id": {id}, "amount": {strconv.FormatInt(amount, 10)}, "sig": {p.sign(id, reference, amount)}}
}

// Decline is the window's "decline" button: the query for the fail URL.
func (p *Provider) Decline() url.Values {
	return url.Values{"code": {CodeDeclined}, "message": {"카드사에서 결제를 거절했습니다 (테스트)"}}
}

// Cancel is the window's "cancel" button: the query for the fail URL.
func (p *Provider) Cancel() url.Values {
	return url.Values{"code": {CodeCancelled}, "message": {"결제를 취소했습니다"}}
}

func (p *Provider) sign(id, reference string, amount int64) string {
	m := hmac.New(sha256.New, p.key)
	fmt.Fprintf(m, "%s\x00%s\x00%d", id, reference, amount)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Confirm checks the window's signed approval and reports the amount it was
// approved for.
func (p *Provider) Confirm(_ context.Context, r payment.ConfirmRequest) (payment.Result, error) {
	get := func(k string) string {
		if v := r.Query[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	id, sig := get("testpay_id"), get("sig")
	amount, err := strconv.ParseInt(get("amount"), 10, 64)
	if err != nil || id == "" || !hmac.Equal([]byte(sig), []byte(p.sign(id, r.Reference, amount))) {
		return payment.Result{}, &payment.Declined{Code: CodeForged, Message: "승인 정보가 올바르지 않습니다"}
	}
	now := p.now().UTC()
	raw, _ := json.Marshal(map[string]any{"id": id, "reference": r.Reference, "amount": amount, "status": "paid"})
	return payment.Result{ProviderPaymentID: id, Status: payment.StatusPaid, Method: "테스트 카드",
		Charged: payment.Amount{Total: amount, Currency: "KRW"}, PaidAt: now, Raw: raw}, nil
}

// Lookup cannot answer: the provider keeps nothing.
func (p *Provider) Lookup(context.Context, payment.LookupRequest) (payment.Result, error) {
	return payment.Result{}, fmt.Errorf("testpay keeps no payments: %w", payment.ErrNotFound)
}

// Refund always returns the money asked for: the service never asks for
// more than the balance.
func (p *Provider) Refund(_ context.Context, r payment.RefundRequest) (payment.RefundResult, error) {
	if r.Amount.Total <= 0 || (r.Balance > 0 && r.Amount.Total > r.Balance) {
		return payment.RefundResult{}, &payment.Declined{Code: "TESTPAY_NOT_CANCELABLE_AMOUNT", Message: "환불할 수 없는 금액입니다"}
	}
	id := "tpr_" + rand.Text()[:20]
	raw, _ := json.Marshal(map[string]any{"id": id, "amount": r.Amount.Total})
	return payment.RefundResult{ProviderRefundID: id, Refunded: r.Amount.Total, Raw: raw}, nil
}

// ParseWebhook: the test provider sends none.
func (p *Provider) ParseWebhook(context.Context, http.Header, []byte) (payment.Event, error) {
	return payment.Event{}, payment.ErrNoWebhooks
}
