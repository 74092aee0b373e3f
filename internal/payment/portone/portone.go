// Package portone is the payment adapter for PortOne V2 (포트원): the
// checkout page opens the PG's window with PortOne's browser SDK for a
// paymentId we choose, the server pre-registers the amount before and looks
// the payment up after (a PortOne "confirm" is a lookup), refunds go through
// the cancel API with an Idempotency-Key, and notifications are verified as
// Standard Webhooks. The V1 (iamport) flow is not supported.
//
// Status mapping, PortOne payment.status → payment.Status:
//
//	READY                  → pending
//	PAY_PENDING            → pending
//	VIRTUAL_ACCOUNT_ISSUED → awaiting_deposit (Deposit from the PaymentMethodVirtualAccount method)
//	PAID                   → paid
//	FAILED                 → failed (FailureCode = failure.pgCode, FailureMessage = failure.pgMessage or failure.reason)
//	PARTIAL_CANCELLED      → partially_cancelled
//	CANCELLED              → cancelled
//	anything else          → an error: the adapter does not guess what a new status means
//
// Error mapping, PortOne {type, message, pgCode, pgMessage} → error:
//
//	PAYMENT_NOT_FOUND                       → wraps payment.ErrNotFound
//	IDEMPOTENCY_OUTSTANDING_REQUEST         → wraps payment.ErrUnknownOutcome (the first call still runs)
//	PG_PROVIDER (HTTP 502)                  → *payment.Declined{Code: "PG_PROVIDER", Message: pgMessage}
//	any other type with HTTP 5xx            → wraps payment.ErrUnknownOutcome
//	any other type (4xx: UNAUTHORIZED, CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT, …)
//	                                        → *payment.Declined{Code: type, Message: message}
//	timeout, transport error, 5xx without a body → wraps payment.ErrUnknownOutcome
//
// Assumptions beyond PAYMENTS.md §4 (from PortOne's OpenAPI schema and
// server SDK, or ours):
//   - HTTP statuses: PAYMENT_NOT_FOUND 404, UNAUTHORIZED 401, the cancel
//     refusals 409, PG_PROVIDER 502 (OpenAPI x-portone-status-code). The
//     adapter maps by type, so a different status changes nothing but the
//     5xx rule. PG_PROVIDER is a refusal although it comes with 502: the PG
//     answered with its own code.
//   - The browser's return carries paymentId, txId, transactionType and, on
//     failure, code and message (the SDK's PaymentResponse fields).
//   - Refunds without a usable IdempotencyKey get one derived from the
//     request (see refundKey); an empty Reason is sent as "refund".
//   - Webhooks of the old 2024-01-01 shape are signed like the new ones.
//   - Pre-register is sent without an Idempotency-Key: repeating it with the
//     same amount is harmless.
package portone

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/payment"
)

// DefaultBaseURL is PortOne's V2 API host. PortOne has one host for test and
// live payments: a test channel key makes a payment a test payment.
const DefaultBaseURL = "https://api.portone.io"

// maxBody bounds what the adapter reads of a PortOne answer.
const maxBody = 1 << 20

// Config is what the adapter needs from the shop's PortOne console.
// Suggested environment variables: MALLANG_PORTONE_API_SECRET,
// MALLANG_PORTONE_STORE_ID, MALLANG_PORTONE_CHANNEL_KEY,
// MALLANG_PORTONE_WEBHOOK_SECRETS (comma-separated) and
// MALLANG_PORTONE_BASE_URL.
type Config struct {
	// APISecret is the V2 API secret, sent as "Authorization: PortOne
	// <APISecret>". It never appears in an error or a log.
	APISecret string
	// StoreID is the store ("store-…") every call names.
	StoreID string
	// ChannelKey picks the PG contract ("channel-key-…") the browser SDK
	// opens; a test channel makes test payments.
	ChannelKey string
	// WebhookSecrets verify notifications: at most two, so a secret can be
	// rotated; each is base64, with or without a "whsec_" prefix. Without
	// any, every notification is ErrUnverified.
	WebhookSecrets []string
	// BaseURL is the API host, DefaultBaseURL when empty; tests point it at
	// portonetest.
	BaseURL string
	// Now is the clock for the webhook timestamp window; nil is time.Now.
	Now func() time.Time
}

// Provider is the PortOne V2 adapter. It is safe for concurrent use and
// keeps no state between calls.
type Provider struct {
	secret      string
	storeID     string
	channelKey  string
	webhookKeys [][]byte
	base        string
	client      *http.Client
	now         func() time.Time
}

var _ payment.Provider = (*Provider)(nil)

// New checks cfg and returns the adapter. A nil client means one with a 10 s
// timeout. The error names the first field that is missing or malformed,
// never its value.
func New(cfg Config, client *http.Client) (*Provider, error) {
	switch {
	case cfg.APISecret == "":
		return nil, errors.New("portone config: APISecret is required")
	case cfg.StoreID == "":
		return nil, errors.New("portone config: StoreID is required")
	case cfg.ChannelKey == "":
		return nil, errors.New("portone config: ChannelKey is required")
	case len(cfg.WebhookSecrets) > 2:
		return nil, fmt.Errorf("portone config: WebhookSecrets has %d secrets, at most 2", len(cfg.WebhookSecrets))
	}
	keys := make([][]byte, 0, len(cfg.WebhookSecrets))
	for i, s := range cfg.WebhookSecrets {
		k, err := webhookKey(s)
		if err != nil {
			return nil, fmt.Errorf("portone config: WebhookSecrets[%d]: %w", i, err)
		}
		keys = append(keys, k)
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("portone config: BaseURL must be an absolute http(s) URL")
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Provider{
		secret:      cfg.APISecret,
		storeID:     cfg.StoreID,
		channelKey:  cfg.ChannelKey,
		webhookKeys: keys,
		base:        base,
		client:      client,
		now:         now,
	}, nil
}

// webhookKey decodes a Standard Webhooks secret: base64 after an optional
// "whsec_" prefix.
func webhookKey(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(k) == 0 {
		return nil, errors.New("not a base64 secret (after an optional whsec_ prefix)")
	}
	return k, nil
}

// Name is "portone".
func (p *Provider) Name() string { return "portone" }

// apiError is PortOne's error body.
type apiError struct {
	Type      string `json:"type"`
	Message   string `json:"message"`
	PgCode    string `json:"pgCode"`
	PgMessage string `json:"pgMessage"`
}

// call sends one request and returns the body of a 2xx answer. Other answers
// become the errors of the package comment's table. idemKey, when set, goes
// in the Idempotency-Key header.
func (p *Provider) call(ctx context.Context, method, path, idemKey string, in any) ([]byte, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "PortOne "+p.secret)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		// The request may have reached PortOne: the caller must look up.
		return nil, fmt.Errorf("%w: %w", payment.ErrUnknownOutcome, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("%w: read answer (HTTP %d): %w", payment.ErrUnknownOutcome, resp.StatusCode, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return raw, nil
	}
	return nil, apiErr(resp.StatusCode, raw)
}

// apiErr maps a non-2xx answer; see the package comment.
func apiErr(status int, raw []byte) error {
	var e apiError
	_ = json.Unmarshal(raw, &e) // a body that is not PortOne's leaves Type empty
	switch {
	case e.Type == "PAYMENT_NOT_FOUND":
		return fmt.Errorf("%w: %s", payment.ErrNotFound, e.Message)
	case e.Type == "IDEMPOTENCY_OUTSTANDING_REQUEST":
		return fmt.Errorf("%w: the first request with this Idempotency-Key is still running", payment.ErrUnknownOutcome)
	case e.Type == "PG_PROVIDER":
		msg := e.PgMessage
		if msg == "" {
			msg = e.Message
		}
		return fmt.Errorf("pg code %q: %w", e.PgCode, &payment.Declined{Code: e.Type, Message: msg})
	case status >= 500:
		return fmt.Errorf("%w: HTTP %d %s", payment.ErrUnknownOutcome, status, e.Type)
	case e.Type != "":
		msg := e.Message
		if e.PgMessage != "" {
			msg = e.PgMessage
		}
		return &payment.Declined{Code: e.Type, Message: msg}
	default:
		return fmt.Errorf("HTTP %d without a PortOne error body", status)
	}
}

// checkID enforces our rule for payment ids: 6–64 characters of A–Z a–z
// 0–9 - _. PortOne's own rule is looser, but KG Inicis needs ASCII, and the
// id goes into URL paths.
func checkID(id string) error {
	if len(id) < 6 || len(id) > 64 {
		return fmt.Errorf("payment id %q must be 6 to 64 characters", id)
	}
	if !keyChars(id) {
		return fmt.Errorf("payment id %q may hold only A-Z a-z 0-9 - _", id)
	}
	return nil
}

// keyChars reports whether s holds only A–Z a–z 0–9 - _.
func keyChars(s string) bool {
	for _, c := range s {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// paymentPath is the API path of one payment; the id was checked by checkID.
func paymentPath(id string) string {
	return "/payments/" + url.PathEscape(id)
}
