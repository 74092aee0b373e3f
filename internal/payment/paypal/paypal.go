// Package paypal is the payment.Provider for PayPal Checkout over the REST
// Orders v2 and Payments v2 APIs: Prepare creates an order (intent CAPTURE)
// and hands back PayPal's approval link, Confirm captures the order once the
// buyer approved it, Lookup reads the order, Refund refunds its capture, and
// ParseWebhook verifies notifications through PayPal's
// verify-webhook-signature call.
//
// PayPal does not take won. Orders are priced in Config.Currency, converted
// from the won total with the fixed rate Config.KRWPerUnit (rounded half up
// to the currency's minor unit, exactly, without floats); Prepared.Charge
// and Result.Charged are in that currency.
//
// Assumptions beyond the documented API facts (PAYMENTS.md §3):
//   - PayPal returns the ORDER_ALREADY_CAPTURED and ORDER_NOT_APPROVED issues
//     with HTTP 422 on a capture, and REFUND_AMOUNT_EXCEEDED with 422 on a
//     refund over the captured balance.
//   - An HTTP 429 is treated like a 5xx (ErrUnknownOutcome): the caller
//     looks the payment up and retries later rather than failing it.
//   - A capture PayPal returns as DECLINED or FAILED is reported as a Result
//     with StatusFailed (FailureCode from status_details.reason, else the
//     capture status), not as an error: it is PayPal's account of the
//     payment, as Lookup would give it.
//   - Refused client credentials are not a payment's refusal: they wrap
//     ErrCredentials, never payment.Declined.
package paypal

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mallang/mallang/internal/payment"
)

// Hosts of PayPal's REST API.
const (
	LiveURL    = "https://api-m.paypal.com"
	SandboxURL = "https://api-m.sandbox.paypal.com"
)

// ErrCredentials is returned (wrapped) when PayPal refuses the client id and
// secret, or refuses the access token obtained with them twice in a row. It
// is a configuration fault of the shop, not a refusal of the payment, so it
// is neither payment.Declined nor payment.ErrUnknownOutcome.
var ErrCredentials = errors.New("paypal: client credentials refused")

// Config is what the adapter needs from the shop's PayPal REST app.
// Suggested environment variables: MALLANG_PAYPAL_CLIENT_ID,
// MALLANG_PAYPAL_SECRET, MALLANG_PAYPAL_WEBHOOK_ID, MALLANG_PAYPAL_BASE_URL,
// MALLANG_PAYPAL_CURRENCY, MALLANG_PAYPAL_KRW_PER_UNIT.
type Config struct {
	// ClientID and Secret are the REST app's credentials (live or sandbox,
	// matching BaseURL). Both required. The secret never appears in errors.
	ClientID string
	Secret   string
	// WebhookID is the id PayPal gave the webhook registered for our
	// notification URL; verification needs it. Optional: without it every
	// webhook is payment.ErrUnverified.
	WebhookID string
	// BaseURL is the API host; "" means LiveURL. SandboxURL for testing
	// against PayPal, a fake's URL in tests.
	BaseURL string
	// Currency is the ISO 4217 code orders are priced in; "" means USD. It
	// must be one PayPal supports; KRW is refused.
	Currency string
	// KRWPerUnit is how many won one unit of Currency is worth, as a decimal
	// string ("1385.50"): the fixed rate Prepare converts with. Required.
	KRWPerUnit string
}

// Provider is the PayPal adapter. It is safe for concurrent use.
type Provider struct {
	clientID  string
	secret    string
	webhookID string
	baseURL   string
	currency  currency
	rate      rate
	client    *http.Client
	now       func() time.Time

	// mu guards tok, the cached access token.
	mu  sync.Mutex
	tok accessToken
}

// New checks cfg and returns the adapter. client is used for every call; nil
// means a client with a 10 s timeout.
func New(cfg Config, client *http.Client) (*Provider, error) {
	switch {
	case cfg.ClientID == "":
		return nil, errors.New("paypal config: ClientID is required")
	case cfg.Secret == "":
		return nil, errors.New("paypal config: Secret is required")
	case cfg.KRWPerUnit == "":
		return nil, errors.New("paypal config: KRWPerUnit is required (how many won one unit of Currency is worth)")
	}
	code := strings.ToUpper(strings.TrimSpace(cfg.Currency))
	if code == "" {
		code = "USD"
	}
	cur, err := lookupCurrency(code)
	if err != nil {
		return nil, fmt.Errorf("paypal config: Currency: %w", err)
	}
	r, err := parseRate(cfg.KRWPerUnit)
	if err != nil {
		return nil, fmt.Errorf("paypal config: KRWPerUnit: %w", err)
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = LiveURL
	}
	if !strings.HasPrefix(base, "https://") && !strings.HasPrefix(base, "http://") {
		return nil, fmt.Errorf("paypal config: BaseURL %q is not an http(s) URL", cfg.BaseURL)
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Provider{
		clientID:  cfg.ClientID,
		secret:    cfg.Secret,
		webhookID: cfg.WebhookID,
		baseURL:   base,
		currency:  cur,
		rate:      r,
		client:    client,
		now:       time.Now,
	}, nil
}

// Name is "paypal".
func (p *Provider) Name() string { return "paypal" }

var _ payment.Provider = (*Provider)(nil)
