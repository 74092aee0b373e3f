package config

import (
	"errors"
	"testing"
	"time"
)

func TestLoadPayments(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		env     map[string]string
		testpay bool
		bank    string
	}{
		{"demo on http", map[string]string{}, true, "000-0000-0000-00"},
		{"demo on https", map[string]string{"MALLANG_BASE_URL": "https://shop.example"}, false, ""},
		{"no demo", map[string]string{"MALLANG_DEMO": "false"}, false, ""},
		{"turned off", map[string]string{"MALLANG_TESTPAY": "false"}, false, "000-0000-0000-00"},
		{"own account", map[string]string{"MALLANG_DEMO": "false", "MALLANG_TESTPAY": "on", "MALLANG_BANK_NAME": "국민은행",
			"MALLANG_BANK_ACCOUNT": "123-45-678", "MALLANG_BANK_HOLDER": "(주)말랑"}, true, "123-45-678"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.env["MALLANG_DATA_DIR"] = t.TempDir()
			cfg, err := Load(mapEnv(c.env))
			if err != nil {
				t.Fatal(err)
			}
			p := cfg.Payments
			if p.TestPay != c.testpay || p.BankAccount != c.bank || p.DepositWithin != 72*time.Hour {
				t.Errorf("testpay %v, bank %q, deposit within %v; want %v, %q, 72h", p.TestPay, p.BankAccount, p.DepositWithin, c.testpay, c.bank)
			}
		})
	}
}

func TestLoadPaymentsRefused(t *testing.T) {
	t.Parallel()
	cases := map[string]map[string]string{
		"MALLANG_TESTPAY":           {"MALLANG_TESTPAY": "sometimes"},
		"MALLANG_DEPOSIT_WITHIN":    {"MALLANG_DEPOSIT_WITHIN": "10m"},
		"MALLANG_BANK_ACCOUNT":      {"MALLANG_DEMO": "false", "MALLANG_BANK_ACCOUNT": "123-45-678"},
		"MALLANG_CASH_RECEIPT_AUTO": {"MALLANG_CASH_RECEIPT_AUTO": "always"},
	}
	for want, env := range cases {
		t.Run(want, func(t *testing.T) {
			t.Parallel()
			env["MALLANG_DATA_DIR"] = t.TempDir()
			_, err := Load(mapEnv(env))
			var ce *Error
			if !errors.As(err, &ce) || ce.Var != want {
				t.Fatalf("err = %v, want one naming %s", err, want)
			}
		})
	}
}

// MALLANG_CASH_RECEIPT_AUTO issues the self-issue receipts unless turned
// off.
func TestLoadCashReceiptAuto(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ set, want string }{{"", "self-issued"}, {"self-issued", "self-issued"}, {"off", "off"}} {
		t.Run(c.want+c.set, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"MALLANG_DATA_DIR": t.TempDir()}
			if c.set != "" {
				env["MALLANG_CASH_RECEIPT_AUTO"] = c.set
			}
			cfg, err := Load(mapEnv(env))
			if err != nil || cfg.Payments.CashReceiptAuto != c.want {
				t.Fatalf("CashReceiptAuto = %q, %v; want %q", cfg.Payments.CashReceiptAuto, err, c.want)
			}
		})
	}
}
