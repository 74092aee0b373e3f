// Package kakaopay takes payments through KakaoPay's online single payment
// (카카오페이 단건결제) on the open API at open-api.kakaopay.com: ready
// registers the amount and returns KakaoPay's page, the buyer approves there,
// approve settles on the server with the pg_token KakaoPay adds to our return
// URL, order looks a payment up and cancel refunds all or part of it.
//
// KakaoPay knows a payment only by its tid: there is no lookup by our
// reference (partner_order_id), so Lookup without a tid is ErrNotFound. It
// sends no server-to-server notification for single payments, so
// ParseWebhook always answers payment.ErrNoWebhooks.
//
// Assumptions beyond the documented API (docs/PAYMENTS.md §2), kept in one
// place so they are easy to revisit:
//   - Refusals come as HTTP 4xx with the open API error body; a bad secret
//     key is HTTP 401 with error_code -401.
//   - An unknown tid is error_code -721 (codeNoSuchPayment); it maps to
//     payment.ErrNotFound.
//   - Timestamps carry no offset and are read as Korean time (+09:00).
//   - A repeated approve is refused (the numeric code does not matter here:
//     after any refusal of approve Confirm looks the payment up and returns
//     it when KakaoPay says it is SUCCESS_PAYMENT).
//   - approve takes the optional total_amount; we send the expected amount,
//     and report whatever KakaoPay says was charged either way.
package kakaopay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/payment"
)

// DefaultBaseURL is KakaoPay's open API host. Development and production
// share it; the secret key (a dev key or a live key from the partner
// center) decides which one a call reaches.
const DefaultBaseURL = "https://open-api.kakaopay.com"

// API paths, relative to the base URL. All calls are POST with a JSON body.
const (
	pathReady   = "/online/v1/payment/ready"
	pathApprove = "/online/v1/payment/approve"
	pathOrder   = "/online/v1/payment/order"
	pathCancel  = "/online/v1/payment/cancel"
)

// codeNoSuchPayment is the error_code we take for "no such tid"
// (an assumption; see the package comment).
const codeNoSuchPayment = -721

// maxBody bounds what we read of a response: KakaoPay's answers are a few
// kilobytes.
const maxBody = 1 << 20

// Config is what the adapter needs from configuration. Suggested
// environment variables: MALLANG_KAKAOPAY_SECRET_KEY, MALLANG_KAKAOPAY_CID,
// MALLANG_KAKAOPAY_BASE_URL.
type Config struct {
	// SecretKey is the partner center's secret key (dev or live), sent as
	// "Authorization: SECRET_KEY <key>". Never logged, never in an error.
	SecretKey string
	// CID is the merchant code (가맹점 코드, 10 characters): TC0ONETIME for
	// tests, the one KakaoPay issued for live payments.
	CID string
	// BaseURL is the API host without a trailing slash; "" means
	// DefaultBaseURL. Tests point it at kakaopaytest.
	BaseURL string
}

// Provider is the KakaoPay adapter. It holds no state between calls and is
// safe for concurrent use.
type Provider struct {
	secretKey string
	cid       string
	baseURL   string
	client    *http.Client
}

var _ payment.Provider = (*Provider)(nil)

// New checks cfg and returns the adapter. A nil client means one with a
// 10 s timeout; the timeout bounds every call, and a call that runs out
// of it is payment.ErrUnknownOutcome.
func New(cfg Config, client *http.Client) (*Provider, error) {
	if strings.TrimSpace(cfg.SecretKey) == "" {
		return nil, errors.New("kakaopay config: SecretKey is required")
	}
	if strings.TrimSpace(cfg.CID) == "" {
		return nil, errors.New("kakaopay config: CID is required")
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("kakaopay config: BaseURL %q is not an absolute http(s) URL", cfg.BaseURL)
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Provider{secretKey: cfg.SecretKey, cid: cfg.CID, baseURL: base, client: client}, nil
}

// Name is the provider's key in configuration and records.
func (p *Provider) Name() string { return "kakaopay" }

// ParseWebhook answers payment.ErrNoWebhooks: KakaoPay sends no
// notification for single payments; the service confirms by approve and
// order lookup.
func (p *Provider) ParseWebhook(ctx context.Context, h http.Header, body []byte) (payment.Event, error) {
	return payment.Event{}, fmt.Errorf("kakaopay webhook: %w", payment.ErrNoWebhooks)
}

// apiError is the open API's error body.
type apiError struct {
	ErrorCode    *int   `json:"error_code"`
	ErrorMessage string `json:"error_message"`
	Extras       *struct {
		MethodResultCode    string `json:"method_result_code"`
		MethodResultMessage string `json:"method_result_message"`
	} `json:"extras"`
}

// post sends body as JSON to path and decodes a 2xx answer into out,
// returning the raw answer. Errors:
//   - no answer (timeout, transport), HTTP 5xx, or a 2xx we cannot read:
//     payment.ErrUnknownOutcome, because the call may have taken effect;
//   - error_code codeNoSuchPayment: payment.ErrNotFound;
//   - any other 4xx with KakaoPay's error body: *payment.Declined;
//   - a 4xx without one: a plain error naming the status.
//
// Errors never carry the secret key or the request body.
func (p *Provider) post(ctx context.Context, path string, body, out any) ([]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.baseURL+path, bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "SECRET_KEY "+p.secretKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")

	resp, err := p.client.Do(req)
	if err != nil {
		// The request may have reached KakaoPay; only a lookup can tell.
		return nil, fmt.Errorf("%w: %w", payment.ErrUnknownOutcome, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("%w: read answer (HTTP %d): %w", payment.ErrUnknownOutcome, resp.StatusCode, err)
	}

	switch {
	case resp.StatusCode >= 500:
		return nil, fmt.Errorf("%w: HTTP %d", payment.ErrUnknownOutcome, resp.StatusCode)
	case resp.StatusCode >= 400:
		return nil, refusal(resp.StatusCode, raw)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, fmt.Errorf("%w: unexpected HTTP %d", payment.ErrUnknownOutcome, resp.StatusCode)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		// KakaoPay accepted the call but we cannot read what it did.
		return nil, fmt.Errorf("%w: decode answer: %w", payment.ErrUnknownOutcome, err)
	}
	return raw, nil
}

// refusal turns a 4xx answer into ErrNotFound, a *payment.Declined or,
// when the body is not KakaoPay's error shape, a plain error.
func refusal(status int, raw []byte) error {
	var e apiError
	if err := json.Unmarshal(raw, &e); err != nil || e.ErrorCode == nil {
		return fmt.Errorf("unexpected HTTP %d without an error body", status)
	}
	if *e.ErrorCode == codeNoSuchPayment {
		return fmt.Errorf("%w: %d %s", payment.ErrNotFound, *e.ErrorCode, e.ErrorMessage)
	}
	d := &payment.Declined{Code: strconv.Itoa(*e.ErrorCode), Message: e.ErrorMessage}
	// The payment method's own result (a card company's refusal, say) is
	// the more precise reason and the one KakaoPay means buyers to see.
	if e.Extras != nil {
		if e.Extras.MethodResultCode != "" {
			d.Code = e.Extras.MethodResultCode
		}
		if e.Extras.MethodResultMessage != "" {
			d.Message = e.Extras.MethodResultMessage
		}
	}
	return d
}
