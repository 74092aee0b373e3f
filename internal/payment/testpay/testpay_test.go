package testpay_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/testpay"
)

func newProvider(t *testing.T) *testpay.Provider {
	t.Helper()
	p, err := testpay.New([]byte("0123456789abcdef0123456789abcdef"), func(ref string) string { return "/pay/testpay/" + ref }, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestApprovalIsSigned(t *testing.T) {
	t.Parallel()
	p := newProvider(t)
	q := p.Approve("20261130-AAAA2222-X1Y2Z3", 15000)
	res, err := p.Confirm(t.Context(), payment.ConfirmRequest{Reference: "20261130-AAAA2222-X1Y2Z3", Query: q})
	if err != nil || res.Status != payment.StatusPaid || res.Charged.Total != 15000 || res.Charged.Currency != "KRW" {
		t.Fatalf("Confirm = %+v, %v", res, err)
	}
	cases := map[string]func() (string, map[string][]string){
		"another attempt's approval": func() (string, map[string][]string) { return "20261130-BBBB3333-X1Y2Z3", q },
		"amount edited": func() (string, map[string][]string) {
			e := map[string][]string{"testpay_id": q["testpay_id"], "sig": q["sig"], "amount": {"1"}}
			return "20261130-AAAA2222-X1Y2Z3", e
		},
		"no signature": func() (string, map[string][]string) {
			return "20261130-AAAA2222-X1Y2Z3", map[string][]string{"testpay_id": q["testpay_id"], "amount": q["amount"]}
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			ref, query := c()
			_, err := p.Confirm(t.Context(), payment.ConfirmRequest{Reference: ref, Query: query})
			if d, ok := payment.AsDeclined(err); !ok || d.Code != testpay.CodeForged {
				t.Fatalf("Confirm = %v, want declined %s", err, testpay.CodeForged)
			}
		})
	}
}

func TestRefundAndLimits(t *testing.T) {
	t.Parallel()
	p := newProvider(t)
	if _, err := p.Prepare(t.Context(), payment.PrepareRequest{Reference: "r-000001", Amount: payment.Amount{Total: 1, Currency: "USD"}}); err == nil {
		t.Error("prepared a payment in dollars")
	}
	if rr, err := p.Refund(t.Context(), payment.RefundRequest{Amount: payment.Amount{Total: 500}, Balance: 1000}); err != nil || rr.Refunded != 500 {
		t.Errorf("Refund = %+v, %v", rr, err)
	}
	if _, err := p.Refund(t.Context(), payment.RefundRequest{Amount: payment.Amount{Total: 1500}, Balance: 1000}); err == nil {
		t.Error("refunded more than the balance")
	}
	if _, err := p.Lookup(t.Context(), payment.LookupRequest{Reference: "r-000001"}); !errors.Is(err, payment.ErrNotFound) {
		t.Errorf("Lookup = %v", err)
	}
	if _, err := testpay.New([]byte("short"), nil, nil); err == nil {
		t.Error("accepted a short key")
	}
}
