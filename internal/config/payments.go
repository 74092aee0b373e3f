package config

import (
	"fmt"
	"strings"
	"time"
)

// Payments configures the ways to pay. A provider is enabled when its keys
// are set; the log says which are not.
type Payments struct {
	// TestPay enables the built-in test provider, whose payment window is a
	// page of the shop where anyone can "pay" (MALLANG_TESTPAY). It defaults
	// to on only for a demo shop served over plain http (a developer's
	// machine) and must stay off in a shop that takes real orders.
	TestPay bool
	// Bank is the shop's account for bank transfers (MALLANG_BANK_NAME,
	// MALLANG_BANK_ACCOUNT, MALLANG_BANK_HOLDER); bank transfer is offered
	// when the account is set. The demo shop has a made-up one.
	BankName, BankAccount, BankHolder string
	// DepositWithin is how long a bank-transfer order waits for the money
	// (MALLANG_DEPOSIT_WITHIN, default 72h).
	DepositWithin time.Duration
	// BuyerProtection is the buyer-protection service (구매안전서비스) notice
	// shown and recorded with bank-transfer orders (MALLANG_BUYER_PROTECTION).
	BuyerProtection string

	TossSecretKey, TossClientKey, TossBaseURL string // MALLANG_TOSS_*

	// CashReceiptAuto is which cash receipts the shop issues unasked
	// (MALLANG_CASH_RECEIPT_AUTO): "self-issued" (the default: a transfer
	// of ₩100,000 or more to the tax office's self-issue number) or "off".
	CashReceiptAuto string

	KakaoPaySecretKey, KakaoPayCID, KakaoPayBaseURL string // MALLANG_KAKAOPAY_*

	// PayPal prices orders in PayPalCurrency at PayPalKRWPerUnit won per
	// unit (PayPal does not take won).
	PayPalClientID, PayPalSecret, PayPalWebhookID, PayPalBaseURL string // MALLANG_PAYPAL_*
	PayPalCurrency, PayPalKRWPerUnit                             string

	PortOneAPISecret, PortOneStoreID, PortOneChannelKey, PortOneBaseURL string // MALLANG_PORTONE_*
	PortOneWebhookSecrets                                               []string
}

func loadPayments(get func(k, def string) string, c *Config) error {
	demo := c.Seed && strings.HasPrefix(c.BaseURL, "http://")
	p := &c.Payments
	on, err := boolVar(get, "MALLANG_TESTPAY", demo)
	if err != nil {
		return err
	}
	p.TestPay = on
	bankDefault := func(v string) string {
		if demo {
			return v
		}
		return ""
	}
	p.BankName = get("MALLANG_BANK_NAME", bankDefault("말랑은행 (데모)"))
	p.BankAccount = get("MALLANG_BANK_ACCOUNT", bankDefault("000-0000-0000-00"))
	p.BankHolder = get("MALLANG_BANK_HOLDER", bankDefault("(주)말랑 데모"))
	if p.BankAccount != "" && (p.BankName == "" || p.BankHolder == "") {
		return &Error{"MALLANG_BANK_ACCOUNT", "needs MALLANG_BANK_NAME and MALLANG_BANK_HOLDER too"}
	}
	within := get("MALLANG_DEPOSIT_WITHIN", "72h")
	if p.DepositWithin, err = time.ParseDuration(within); err != nil || p.DepositWithin < time.Hour || p.DepositWithin > 30*24*time.Hour {
		return &Error{"MALLANG_DEPOSIT_WITHIN", fmt.Sprintf("%q is not a duration from 1h to 720h (for example 72h)", within)}
	}
	p.BuyerProtection = get("MALLANG_BUYER_PROTECTION", bankDefault("구매안전서비스: 데모 상점이라 가입 정보가 없습니다."))
	p.TossSecretKey, p.TossClientKey, p.TossBaseURL = get("MALLANG_TOSS_SECRET_KEY", ""), get("MALLANG_TOSS_CLIENT_KEY", ""), get("MALLANG_TOSS_BASE_URL", "")
	switch p.CashReceiptAuto = get("MALLANG_CASH_RECEIPT_AUTO", "self-issued"); p.CashReceiptAuto {
	case "self-issued", "off":
	default:
		return &Error{"MALLANG_CASH_RECEIPT_AUTO", fmt.Sprintf("%q is not self-issued or off", p.CashReceiptAuto)}
	}
	p.KakaoPaySecretKey, p.KakaoPayCID, p.KakaoPayBaseURL = get("MALLANG_KAKAOPAY_SECRET_KEY", ""), get("MALLANG_KAKAOPAY_CID", ""), get("MALLANG_KAKAOPAY_BASE_URL", "")
	p.PayPalClientID, p.PayPalSecret, p.PayPalWebhookID = get("MALLANG_PAYPAL_CLIENT_ID", ""), get("MALLANG_PAYPAL_SECRET", ""), get("MALLANG_PAYPAL_WEBHOOK_ID", "")
	p.PayPalBaseURL, p.PayPalCurrency, p.PayPalKRWPerUnit = get("MALLANG_PAYPAL_BASE_URL", ""), get("MALLANG_PAYPAL_CURRENCY", "USD"), get("MALLANG_PAYPAL_KRW_PER_UNIT", "")
	p.PortOneAPISecret, p.PortOneStoreID, p.PortOneChannelKey = get("MALLANG_PORTONE_API_SECRET", ""), get("MALLANG_PORTONE_STORE_ID", ""), get("MALLANG_PORTONE_CHANNEL_KEY", "")
	p.PortOneBaseURL = get("MALLANG_PORTONE_BASE_URL", "")
	for _, s := range strings.Split(get("MALLANG_PORTONE_WEBHOOK_SECRETS", ""), ",") {
		if s = strings.TrimSpace(s); s != "" {
			p.PortOneWebhookSecrets = append(p.PortOneWebhookSecrets, s)
		}
	}
	return nil
}

func boolVar(get func(k, def string) string, name string, def bool) (bool, error) {
	d := "false"
	if def {
		d = "true"
	}
	switch v := strings.ToLower(get(name, d)); v {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	default:
		return false, &Error{name, fmt.Sprintf("%q is not true or false", v)}
	}
}
