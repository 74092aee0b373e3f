// Package toss is the payment adapter for Toss Payments (토스페이먼츠): the
// v2 browser SDK opens the payment window in our page, Toss sends the browser
// back with paymentKey, orderId and amount, and Confirm settles the payment
// with POST /v1/payments/confirm and the amount from our own record.
// Lookups, cancels and webhooks follow docs.tosspayments.com as summarised in
// PAYMENTS.md §1 and §5; tosstest is a local fake of that API.
//
// Configuration (suggested environment variables): MALLANG_TOSS_SECRET_KEY,
// MALLANG_TOSS_CLIENT_KEY, MALLANG_TOSS_BASE_URL (empty for production).
//
// Assumptions beyond the documentation:
//   - PROVIDER_ERROR ("temporary; retry later") and
//     FAILED_INTERNAL_SYSTEM_PROCESSING are reported as
//     payment.ErrUnknownOutcome, so the service looks the payment up before
//     retrying, as after a 5xx;
//   - NOT_FOUND_PAYMENT and NOT_FOUND are payment.ErrNotFound; every other
//     {code, message} answered with a 4xx is a *payment.Declined, a wrong
//     secret key (UNAUTHORIZED_KEY, INVALID_API_KEY) included;
//   - a payment status Toss does not document is reported as
//     payment.ErrUnknownOutcome rather than guessed;
//   - Confirm refuses a return whose orderId is not our Reference with
//     Declined code ORDER_ID_MISMATCH, and a return carrying a failUrl's
//     code and message (no paymentKey) with that code and message.
package toss

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/payment"
)

// DefaultBaseURL is Toss's API host. Test and live keys use the same host;
// the key decides whether money moves.
const DefaultBaseURL = "https://api.tosspayments.com"

// SDK is the v2 standard browser SDK the checkout page loads.
const SDK = "https://js.tosspayments.com/v2/standard"

// Config holds the shop's Toss keys.
type Config struct {
	// SecretKey authenticates server calls (test_sk_/live_sk_, or
	// test_gsk_/live_gsk_ for the payment widget, whose payments must be
	// confirmed with the widget secret). Never sent to browsers or logged.
	SecretKey string
	// ClientKey opens the payment window in the browser (test_ck_/live_ck_,
	// or test_gck_/live_gck_ for the widget). It is public.
	ClientKey string
	// BaseURL is the API host; "" is DefaultBaseURL. Tests point it at
	// tosstest.
	BaseURL string
}

// Provider is the Toss Payments adapter. It is safe for concurrent use.
type Provider struct {
	clientKey string
	auth      string // "Basic " + base64(secretKey + ":")
	baseURL   string
	client    *http.Client
}

// New checks cfg and returns the adapter. A nil client is replaced by one
// with a 10 s timeout. Errors name the field at fault and never its value.
func New(cfg Config, client *http.Client) (*Provider, error) {
	if cfg.SecretKey == "" {
		return nil, errors.New("toss: Config.SecretKey is required")
	}
	if cfg.ClientKey == "" {
		return nil, errors.New("toss: Config.ClientKey is required")
	}
	// The client key goes to every browser: a secret key put there by
	// mistake would be published, so refuse the swap in either direction.
	if isSecret(cfg.ClientKey) {
		return nil, errors.New("toss: Config.ClientKey holds a secret key (test_sk_/live_sk_/…_gsk_); it would be sent to browsers")
	}
	if isClient(cfg.SecretKey) {
		return nil, errors.New("toss: Config.SecretKey holds a client key (…_ck_/…_gck_), not a secret key")
	}
	if live(cfg.SecretKey) != live(cfg.ClientKey) {
		return nil, errors.New("toss: Config.SecretKey and Config.ClientKey mix a test key and a live key")
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("toss: Config.BaseURL %q is not an absolute http(s) URL", base)
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Provider{
		clientKey: cfg.ClientKey,
		auth:      basicAuth(cfg.SecretKey),
		baseURL:   strings.TrimRight(base, "/"),
		client:    client,
	}, nil
}

func isSecret(key string) bool {
	for _, p := range []string{"test_sk_", "live_sk_", "test_gsk_", "live_gsk_"} {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

func isClient(key string) bool {
	for _, p := range []string{"test_ck_", "live_ck_", "test_gck_", "live_gck_"} {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

func live(key string) bool { return strings.HasPrefix(key, "live_") }

// Name is "toss".
func (p *Provider) Name() string { return "toss" }

// IssuesVirtualAccounts is true: Toss's window opens on a virtual account
// when Prepare is asked for one (payment.VirtualAccounts).
func (p *Provider) IssuesVirtualAccounts() bool { return true }

var _ payment.Provider = (*Provider)(nil)

// tossPayment is the part of Toss's Payment object the adapter reads.
type tossPayment struct {
	PaymentKey         string   `json:"paymentKey"`
	OrderID            string   `json:"orderId"`
	Status             string   `json:"status"`
	Method             string   `json:"method"`
	Currency           string   `json:"currency"`
	TotalAmount        int64    `json:"totalAmount"`
	BalanceAmount      int64    `json:"balanceAmount"`
	TaxFreeAmount      int64    `json:"taxFreeAmount"`
	ApprovedAt         string   `json:"approvedAt"`
	LastTransactionKey string   `json:"lastTransactionKey"`
	Cancels            []cancel `json:"cancels"`
	Failure            *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"failure"`
	VirtualAccount *struct {
		AccountNumber string `json:"accountNumber"`
		BankCode      string `json:"bankCode"`
		CustomerName  string `json:"customerName"`
		DueDate       string `json:"dueDate"`
	} `json:"virtualAccount"`
	Secret  string `json:"secret"`
	Receipt *struct {
		URL string `json:"url"`
	} `json:"receipt"`
}

// cancel is one entry of a Payment's cancels[].
type cancel struct {
	TransactionKey string `json:"transactionKey"`
	CancelAmount   int64  `json:"cancelAmount"`
}

// statuses maps Toss's payment statuses onto payment.Status:
//
//	Toss                 payment.Status
//	READY                StatusPending             window opened, buyer not authenticated
//	IN_PROGRESS          StatusPending             buyer authenticated, our confirm pending
//	WAITING_FOR_DEPOSIT  StatusAwaitingDeposit     virtual account issued
//	DONE                 StatusPaid                approved, or deposited
//	PARTIAL_CANCELED     StatusPartiallyCancelled  paid, part refunded
//	CANCELED             StatusCancelled           wholly refunded, or account withdrawn
//	ABORTED              StatusFailed              approval failed
//	EXPIRED              StatusFailed              window or confirm deadline passed
var statuses = map[string]payment.Status{
	"READY":               payment.StatusPending,
	"IN_PROGRESS":         payment.StatusPending,
	"WAITING_FOR_DEPOSIT": payment.StatusAwaitingDeposit,
	"DONE":                payment.StatusPaid,
	"PARTIAL_CANCELED":    payment.StatusPartiallyCancelled,
	"CANCELED":            payment.StatusCancelled,
	"ABORTED":             payment.StatusFailed,
	"EXPIRED":             payment.StatusFailed,
}

// result decodes a Payment object into the provider's account of it, and
// returns the object too. The amounts are Toss's own, never the request's.
func result(raw []byte) (payment.Result, tossPayment, error) {
	var tp tossPayment
	if err := json.Unmarshal(raw, &tp); err != nil {
		return payment.Result{}, tp, fmt.Errorf("decode payment: %w", err)
	}
	st, ok := statuses[tp.Status]
	if !ok {
		return payment.Result{}, tp, fmt.Errorf("payment %s has undocumented status %q: %w", tp.PaymentKey, tp.Status, payment.ErrUnknownOutcome)
	}
	res := payment.Result{
		ProviderPaymentID: tp.PaymentKey,
		Status:            st,
		Charged:           payment.Amount{Total: tp.TotalAmount, TaxFree: tp.TaxFreeAmount, Currency: tp.Currency},
		Cancelled:         tp.TotalAmount - tp.BalanceAmount,
		Method:            tp.Method,
		Raw:               raw,
	}
	if tp.Failure != nil {
		res.FailureCode, res.FailureMessage = tp.Failure.Code, tp.Failure.Message
	}
	if tp.Receipt != nil {
		res.ReceiptURL = tp.Receipt.URL
	}
	switch st {
	case payment.StatusPaid, payment.StatusPartiallyCancelled, payment.StatusCancelled:
		// A withdrawn, never-deposited virtual account has no approvedAt,
		// so PaidAt stays zero for it.
		res.PaidAt = parseTime(tp.ApprovedAt)
	}
	if va := tp.VirtualAccount; va != nil {
		res.Deposit = &payment.Deposit{
			Bank:    bankName(va.BankCode),
			Account: va.AccountNumber,
			Holder:  va.CustomerName,
			Due:     parseTime(va.DueDate),
			Secret:  tp.Secret,
		}
	}
	return res, tp, nil
}

// parseTime reads Toss's ISO 8601 times (2024-02-01T10:00:00+09:00) as UTC;
// a missing or unreadable one is the zero time, because a display field must
// not fail a payment.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
