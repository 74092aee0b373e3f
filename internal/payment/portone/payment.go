package portone

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/payment"
)

// SDK is PortOne's V2 browser SDK, loaded by the checkout page.
const SDK = "https://cdn.portone.io/v2/browser-sdk.js"

// preRegisterBody is POST /payments/{paymentId}/pre-register.
type preRegisterBody struct {
	StoreID       string `json:"storeId"`
	TotalAmount   int64  `json:"totalAmount"`
	TaxFreeAmount int64  `json:"taxFreeAmount"`
	Currency      string `json:"currency"`
}

// Prepare pre-registers the amount under our Reference (PortOne's paymentId
// is ours) so PortOne can hold the window to it, and returns the browser
// SDK's requestPayment arguments. Only KRW is taken.
func (p *Provider) Prepare(ctx context.Context, r payment.PrepareRequest) (payment.Prepared, error) {
	if err := checkID(r.Reference); err != nil {
		return payment.Prepared{}, fmt.Errorf("portone prepare: %w", err)
	}
	a := r.Amount
	if a.Currency != "KRW" {
		return payment.Prepared{}, fmt.Errorf("portone prepare %s: currency %q: this adapter takes KRW only", r.Reference, a.Currency)
	}
	if a.Total <= 0 || a.TaxFree < 0 || a.TaxFree > a.Total {
		return payment.Prepared{}, fmt.Errorf("portone prepare %s: amount %d (tax-free %d) is not payable", r.Reference, a.Total, a.TaxFree)
	}
	if va := r.VirtualAccount; va != nil && va.ValidHours < 1 {
		// Refused before anything is registered at PortOne.
		return payment.Prepared{}, fmt.Errorf("portone prepare %s: validHours %d is not positive", r.Reference, va.ValidHours)
	}
	raw, err := p.call(ctx, http.MethodPost, paymentPath(r.Reference)+"/pre-register", "", preRegisterBody{
		StoreID:       p.storeID,
		TotalAmount:   a.Total,
		TaxFreeAmount: a.TaxFree,
		Currency:      "KRW",
	})
	if err != nil {
		return payment.Prepared{}, fmt.Errorf("portone prepare %s: %w", r.Reference, err)
	}
	params := map[string]any{
		"storeId":       p.storeID,
		"channelKey":    p.channelKey,
		"paymentId":     r.Reference,
		"orderName":     r.OrderName,
		"totalAmount":   a.Total,
		"taxFreeAmount": a.TaxFree,
		"currency":      "CURRENCY_KRW",
		"payMethod":     "CARD",
		"redirectUrl":   r.ReturnURL,
	}
	if va := r.VirtualAccount; va != nil {
		// The browser SDK's virtual account: payMethod VIRTUAL_ACCOUNT and
		// virtualAccount.accountExpiry with validHours (or dueDate, never
		// both). The PG's window asks for the cash receipt itself.
		params["payMethod"] = "VIRTUAL_ACCOUNT"
		params["virtualAccount"] = map[string]any{"accountExpiry": map[string]any{"validHours": va.ValidHours}}
	}
	customer := map[string]any{}
	if r.CustomerName != "" {
		customer["fullName"] = r.CustomerName
	}
	if r.CustomerEmail != "" {
		customer["email"] = r.CustomerEmail
	}
	params["customer"] = customer
	return payment.Prepared{
		ProviderPaymentID: r.Reference,
		Script:            &payment.Script{SDK: SDK, Kind: "portone", Params: params},
		Charge:            a,
		Raw:               raw,
	}, nil
}

// IssuesVirtualAccounts is true: the PG's window opens on a virtual
// account when Prepare is asked for one (payment.VirtualAccounts).
func (p *Provider) IssuesVirtualAccounts() bool { return true }

// Confirm settles the customer's return by looking the payment up: PortOne
// charges in the window, so there is nothing to approve, and a repeated
// Confirm is a repeated lookup. A return carrying code (the window failed or
// the customer gave up) is a *payment.Declined with the return's code and
// message; so is a payment PortOne reports FAILED. The return's paymentId
// must be our Reference. Charged is PortOne's amount.total, never Expected.
func (p *Provider) Confirm(ctx context.Context, r payment.ConfirmRequest) (payment.Result, error) {
	if err := checkID(r.Reference); err != nil {
		return payment.Result{}, fmt.Errorf("portone confirm: %w", err)
	}
	q := url.Values(r.Query)
	if id := q.Get("paymentId"); id != "" && id != r.Reference {
		return payment.Result{}, fmt.Errorf("portone confirm %s: the return names payment %q", r.Reference, id)
	}
	if code := q.Get("code"); code != "" {
		return payment.Result{}, fmt.Errorf("portone confirm %s: %w", r.Reference, &payment.Declined{Code: code, Message: q.Get("message")})
	}
	res, err := p.lookup(ctx, r.Reference)
	if err != nil {
		return payment.Result{}, fmt.Errorf("portone confirm %s: %w", r.Reference, err)
	}
	if res.Status == payment.StatusFailed {
		code := res.FailureCode
		if code == "" {
			code = "FAILED"
		}
		return payment.Result{}, fmt.Errorf("portone confirm %s: %w", r.Reference, &payment.Declined{Code: code, Message: res.FailureMessage})
	}
	return res, nil
}

// Lookup fetches PortOne's account of a payment, by ProviderPaymentID or
// else Reference (the same id for PortOne).
func (p *Provider) Lookup(ctx context.Context, r payment.LookupRequest) (payment.Result, error) {
	id := r.ProviderPaymentID
	if id == "" {
		id = r.Reference
	}
	if err := checkID(id); err != nil {
		return payment.Result{}, fmt.Errorf("portone lookup: %w", err)
	}
	res, err := p.lookup(ctx, id)
	if err != nil {
		return payment.Result{}, fmt.Errorf("portone lookup %s: %w", id, err)
	}
	return res, nil
}

func (p *Provider) lookup(ctx context.Context, id string) (payment.Result, error) {
	raw, err := p.call(ctx, http.MethodGet, paymentPath(id)+"?storeId="+url.QueryEscape(p.storeID), "", nil)
	if err != nil {
		return payment.Result{}, err
	}
	return toResult(raw)
}

// paymentJSON is the part of PortOne's Payment the adapter reads.
type paymentJSON struct {
	Status        string `json:"status"`
	ID            string `json:"id"`
	TransactionID string `json:"transactionId"`
	Method        *struct {
		Type          string `json:"type"`
		Bank          string `json:"bank"`
		AccountNumber string `json:"accountNumber"`
		RemitteeName  string `json:"remitteeName"`
		ExpiredAt     string `json:"expiredAt"`
	} `json:"method"`
	Amount struct {
		Total     int64 `json:"total"`
		TaxFree   int64 `json:"taxFree"`
		Cancelled int64 `json:"cancelled"`
	} `json:"amount"`
	Currency   string `json:"currency"`
	PaidAt     string `json:"paidAt"`
	ReceiptURL string `json:"receiptUrl"`
	Failure    *struct {
		Reason    string `json:"reason"`
		PgCode    string `json:"pgCode"`
		PgMessage string `json:"pgMessage"`
	} `json:"failure"`
}

// statuses is the table of the package comment.
var statuses = map[string]payment.Status{
	"READY":                  payment.StatusPending,
	"PAY_PENDING":            payment.StatusPending,
	"VIRTUAL_ACCOUNT_ISSUED": payment.StatusAwaitingDeposit,
	"PAID":                   payment.StatusPaid,
	"FAILED":                 payment.StatusFailed,
	"PARTIAL_CANCELLED":      payment.StatusPartiallyCancelled,
	"CANCELLED":              payment.StatusCancelled,
}

// methods names PortOne's method types for display.
var methods = map[string]string{
	"PaymentMethodCard":             "CARD",
	"PaymentMethodVirtualAccount":   "VIRTUAL_ACCOUNT",
	"PaymentMethodEasyPay":          "EASY_PAY",
	"PaymentMethodTransfer":         "TRANSFER",
	"PaymentMethodMobile":           "MOBILE",
	"PaymentMethodGiftCertificate":  "GIFT_CERTIFICATE",
	"PaymentMethodConvenienceStore": "CONVENIENCE_STORE",
	"PaymentMethodCrypto":           "CRYPTO",
}

// toResult maps a Payment body onto payment.Result; Raw keeps the body
// (PortOne masks card numbers).
func toResult(raw []byte) (payment.Result, error) {
	var b paymentJSON
	if err := json.Unmarshal(raw, &b); err != nil {
		return payment.Result{}, fmt.Errorf("decode payment: %w", err)
	}
	st, ok := statuses[b.Status]
	if !ok {
		return payment.Result{}, fmt.Errorf("payment %s has unknown status %q", b.ID, b.Status)
	}
	res := payment.Result{
		ProviderPaymentID: b.ID,
		Status:            st,
		Charged:           payment.Amount{Total: b.Amount.Total, TaxFree: b.Amount.TaxFree, Currency: b.Currency},
		Cancelled:         b.Amount.Cancelled,
		ReceiptURL:        b.ReceiptURL,
		Raw:               raw,
	}
	if m := b.Method; m != nil {
		res.Method = methods[m.Type]
		if res.Method == "" {
			res.Method = strings.TrimPrefix(m.Type, "PaymentMethod")
		}
		if m.Type == "PaymentMethodVirtualAccount" && st == payment.StatusAwaitingDeposit {
			res.Deposit = &payment.Deposit{Bank: bankName(m.Bank), Account: m.AccountNumber, Holder: m.RemitteeName}
			if m.ExpiredAt != "" {
				due, err := time.Parse(time.RFC3339, m.ExpiredAt)
				if err != nil {
					return payment.Result{}, fmt.Errorf("payment %s: virtual account expiredAt: %w", b.ID, err)
				}
				res.Deposit.Due = due
			}
		}
	}
	if b.PaidAt != "" {
		at, err := time.Parse(time.RFC3339, b.PaidAt)
		if err != nil {
			return payment.Result{}, fmt.Errorf("payment %s: paidAt: %w", b.ID, err)
		}
		res.PaidAt = at
	}
	if f := b.Failure; f != nil && st == payment.StatusFailed {
		res.FailureCode = f.PgCode
		res.FailureMessage = f.PgMessage
		if res.FailureMessage == "" {
			res.FailureMessage = f.Reason
		}
	}
	return res, nil
}
