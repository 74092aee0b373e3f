package app

import (
	"fmt"
	"net/http"
	"time"

	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/kakaopay"
	"github.com/mallang/mallang/internal/payment/paypal"
	"github.com/mallang/mallang/internal/payment/portone"
	"github.com/mallang/mallang/internal/payment/testpay"
	"github.com/mallang/mallang/internal/payment/toss"
)

// wirePayments enables the providers whose keys are configured and builds
// the payment service. A provider without keys is disabled with a log line
// saying so; a provider with wrong keys stops the start, naming the
// variable.
func (a *App) wirePayments() error {
	cfg, s := a.cfg.Payments, a.acc
	client := &http.Client{Timeout: 10 * time.Second}
	var providers []payment.Provider
	// Toss, when configured, also issues the cash receipts (decision 0042).
	var receipts payment.CashReceiptIssuer
	if cfg.TestPay {
		tp, err := testpay.New(crypt.Derive(a.cfg.SecretKey, "mallang testpay approvals"), func(ref string) string {
			return a.cfg.BaseURL + "/pay/testpay/" + ref
		}, a.now)
		if err != nil {
			return err
		}
		a.testpay = tp
		providers = append(providers, tp)
		a.log.Warn("the test payment provider is enabled: anyone can pay with it; set MALLANG_TESTPAY=false in a shop that takes real orders")
	}
	external := []struct {
		name, keyVar string
		configured   bool
		build        func() (payment.Provider, error)
	}{
		{"toss", "MALLANG_TOSS_SECRET_KEY", cfg.TossSecretKey != "", func() (payment.Provider, error) {
			p, err := toss.New(toss.Config{SecretKey: cfg.TossSecretKey, ClientKey: cfg.TossClientKey, BaseURL: cfg.TossBaseURL}, client)
			if err != nil {
				return nil, err
			}
			receipts = p
			return p, nil
		}},
		{"kakaopay", "MALLANG_KAKAOPAY_SECRET_KEY", cfg.KakaoPaySecretKey != "", func() (payment.Provider, error) {
			return kakaopay.New(kakaopay.Config{SecretKey: cfg.KakaoPaySecretKey, CID: cfg.KakaoPayCID, BaseURL: cfg.KakaoPayBaseURL}, client)
		}},
		{"paypal", "MALLANG_PAYPAL_CLIENT_ID", cfg.PayPalClientID != "", func() (payment.Provider, error) {
			return paypal.New(paypal.Config{ClientID: cfg.PayPalClientID, Secret: cfg.PayPalSecret, WebhookID: cfg.PayPalWebhookID,
				BaseURL: cfg.PayPalBaseURL, Currency: cfg.PayPalCurrency, KRWPerUnit: cfg.PayPalKRWPerUnit}, client)
		}},
		{"portone", "MALLANG_PORTONE_API_SECRET", cfg.PortOneAPISecret != "", func() (payment.Provider, error) {
			return portone.New(portone.Config{APISecret: cfg.PortOneAPISecret, StoreID: cfg.PortOneStoreID, ChannelKey: cfg.PortOneChannelKey,
				WebhookSecrets: cfg.PortOneWebhookSecrets, BaseURL: cfg.PortOneBaseURL}, client)
		}},
	}
	for _, e := range external {
		if !e.configured {
			a.log.Info("payment provider disabled: no keys", "provider", e.name, "set", e.keyVar)
			continue
		}
		p, err := e.build()
		if err != nil {
			return fmt.Errorf("%s: %w", e.keyVar, err)
		}
		providers = append(providers, p)
	}
	providers = append(providers, a.opts.Providers...)
	if cfg.BankAccount == "" {
		a.log.Info("bank transfer disabled: no account", "set", "MALLANG_BANK_ACCOUNT")
	}
	s.payments = payment.NewService(a.DB, payment.Deps{Orders: s.orders, Customers: a.Accounts, Keyring: s.keyring,
		Queue: a.queue, Mailer: s.messages.Mailer(s.outbox), Audit: s.audit, Sales: s.stats}, payment.Config{BaseURL: a.cfg.BaseURL,
		Bank:          payment.BankAccount{Bank: cfg.BankName, Account: cfg.BankAccount, Holder: cfg.BankHolder},
		DepositWithin: cfg.DepositWithin, BuyerProtection: cfg.BuyerProtection,
		Receipts: receipts, CashReceiptAuto: cfg.CashReceiptAuto, Terms: a.live}, providers, a.now, a.log)
	s.checkout = checkout.New(a.DB, s.orders, s.payments, a.Accounts)
	return nil
}

// Payments is the payment service, for tools and tests.
func (a *App) Payments() *payment.Service { return a.acc.payments }
