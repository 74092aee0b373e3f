package kakaopay_test

import (
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/kakaopay/kakaopaytest"
)

func TestRefund(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// refunds are made in order; the last one is checked against
		// want*.
		refunds      []payment.RefundRequest
		wantRefunded int64
		wantCode     string // Declined code of the last refund; "" for success
		wantCanceled int64  // the fake's total refunded in the end
		wantStatus   string
	}{
		{
			name:         "full",
			refunds:      []payment.RefundRequest{{Amount: won(15000, 1000), Balance: 15000, Full: true}},
			wantRefunded: 15000, wantCanceled: 15000, wantStatus: "CANCEL_PAYMENT",
		},
		{
			name:         "partial",
			refunds:      []payment.RefundRequest{{Amount: won(4000, 0), Balance: 15000}},
			wantRefunded: 4000, wantCanceled: 4000, wantStatus: "PART_CANCEL_PAYMENT",
		},
		{
			name: "partial, then the rest",
			refunds: []payment.RefundRequest{
				{Amount: won(4000, 0), Balance: 15000},
				{Amount: won(11000, 1000), Balance: 11000, Full: true},
			},
			wantRefunded: 11000, wantCanceled: 15000, wantStatus: "CANCEL_PAYMENT",
		},
		{
			name:         "without a balance",
			refunds:      []payment.RefundRequest{{Amount: won(5000, 0)}},
			wantRefunded: 5000, wantCanceled: 5000, wantStatus: "PART_CANCEL_PAYMENT",
		},
		{
			name:     "over the balance",
			refunds:  []payment.RefundRequest{{Amount: won(20000, 0), Balance: 15000}},
			wantCode: "-707", wantCanceled: 0, wantStatus: "SUCCESS_PAYMENT",
		},
		{
			name: "over what is left",
			refunds: []payment.RefundRequest{
				{Amount: won(10000, 0), Balance: 15000},
				{Amount: won(10000, 0), Balance: 5000},
			},
			wantCode: "-707", wantCanceled: 10000, wantStatus: "PART_CANCEL_PAYMENT",
		},
		{
			name: "the same refund sent twice",
			refunds: []payment.RefundRequest{
				{Amount: won(5000, 0), Balance: 15000},
				{Amount: won(5000, 0), Balance: 15000},
			},
			wantCode: "-706", wantCanceled: 5000, wantStatus: "PART_CANCEL_PAYMENT",
		},
		{
			name: "after a full refund",
			refunds: []payment.RefundRequest{
				{Amount: won(15000, 1000), Balance: 15000, Full: true},
				{Amount: won(1000, 0)},
			},
			wantCode: "-708", wantCanceled: 15000, wantStatus: "CANCEL_PAYMENT",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, srv := setup(t, nil)
			tid := paid(t, p, srv, "ord-refund", won(15000, 1000))
			var (
				got payment.RefundResult
				err error
			)
			for i, r := range tt.refunds {
				r.Reference, r.ProviderPaymentID, r.Reason = "ord-refund", tid, "단순 변심"
				got, err = p.Refund(t.Context(), r)
				if i < len(tt.refunds)-1 && err != nil {
					t.Fatalf("refund %d: %v", i+1, err)
				}
			}
			if tt.wantCode != "" {
				wantDeclined(t, err, tt.wantCode)
			} else {
				if err != nil {
					t.Fatalf("Refund: %v", err)
				}
				if got.Refunded != tt.wantRefunded {
					t.Fatalf("Refunded = %d, want %d", got.Refunded, tt.wantRefunded)
				}
				if len(got.ProviderRefundID) != 20 || !strings.HasPrefix(got.ProviderRefundID, "A") {
					t.Fatalf("ProviderRefundID = %q, want a 20-character aid", got.ProviderRefundID)
				}
				if !strings.Contains(string(got.Raw), got.ProviderRefundID) {
					t.Fatalf("Raw %s is not the cancel answer", got.Raw)
				}
			}
			fp, _ := srv.Payment(tid)
			if fp.Canceled != tt.wantCanceled || fp.Status != tt.wantStatus {
				t.Fatalf("fake holds %s with %d refunded, want %s with %d", fp.Status, fp.Canceled, tt.wantStatus, tt.wantCanceled)
			}
		})
	}
}

func TestRefundBeforePayment(t *testing.T) {
	t.Parallel()
	p, _ := setup(t, nil)
	tid := prepare(t, p, "ord-unpaid", won(15000, 0))
	_, err := p.Refund(t.Context(), payment.RefundRequest{ProviderPaymentID: tid, Amount: won(15000, 0), Balance: 15000})
	wantDeclined(t, err, "-708")
}

func TestRefundRefusesBeforeCalling(t *testing.T) {
	t.Parallel()
	p, srv := setup(t, nil)
	tid := paid(t, p, srv, "ord-r", won(15000, 0))
	for _, a := range []payment.Amount{{Total: 100, Currency: "USD"}, won(0, 0), won(100, 200)} {
		if _, err := p.Refund(t.Context(), payment.RefundRequest{ProviderPaymentID: tid, Amount: a}); err == nil {
			t.Fatalf("Refund of %+v succeeded, want an error", a)
		}
	}
	if n := srv.Calls(kakaopaytest.CancelPath); n != 0 {
		t.Fatalf("cancel called %d times, want 0", n)
	}
}
