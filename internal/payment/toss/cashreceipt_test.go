package toss_test

import (
	"errors"
	"testing"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

// Cash receipts against the fake: the documented request (type in Korean,
// customerIdentityNumber), a refused identity as a *payment.Declined, the
// idempotency key answering a retry with the first receipt, and cancels in
// part (amount) and whole (none).
func TestCashReceipt(t *testing.T) {
	t.Parallel()
	issue := func(ref, purpose, identity string, amount int64, key string) payment.ReceiptIssue {
		return payment.ReceiptIssue{Reference: ref, OrderName: "말랑 차 외 1건", Purpose: purpose, Identity: identity,
			Amount: amount, TaxFree: 0, IdempotencyKey: key}
	}
	refusals := []struct {
		name string
		in   payment.ReceiptIssue
	}{
		{"identity not a phone or card", issue("ORD-cr-bad1", payment.IncomeDeduction, "12345", 10000, "k1")},
		{"identity with letters", issue("ORD-cr-bad2", payment.ExpenseProof, "22081625AB", 10000, "k2")},
		{"short order id", issue("ORD", payment.IncomeDeduction, "01012345678", 10000, "k3")},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, srv := setup(t, nil)
			_, err := p.IssueCashReceipt(t.Context(), tt.in)
			if d, ok := payment.AsDeclined(err); !ok || d.Code != "INVALID_REQUEST" {
				t.Fatalf("IssueCashReceipt = %v, want INVALID_REQUEST", err)
			}
			if n := len(srv.Receipts()); n != 0 {
				t.Fatalf("%d receipts issued", n)
			}
		})
	}

	t.Run("issue, retry, cancel in part and whole", func(t *testing.T) {
		t.Parallel()
		p, srv := setup(t, nil)
		in := issue("ORD-cr-ok", payment.ExpenseProof, "2208162517", 110000, "cash-receipt-1")
		first, err := p.IssueCashReceipt(t.Context(), in)
		if err != nil || first.ReceiptKey == "" || first.IssueNumber == "" || first.ReceiptURL == "" || first.Failed {
			t.Fatalf("IssueCashReceipt = %+v, %v", first, err)
		}
		again, err := p.IssueCashReceipt(t.Context(), in)
		if err != nil || again != first {
			t.Fatalf("retried IssueCashReceipt = %+v, %v; want %+v", again, err, first)
		}
		rs := srv.Receipts()
		if len(rs) != 1 || rs[0].Type != "지출증빙" || rs[0].Amount != 110000 || rs[0].OrderID != "ORD-cr-ok" {
			t.Fatalf("fake receipts = %+v", rs)
		}
		if _, err := p.CancelCashReceipt(t.Context(), payment.ReceiptCancel{ReceiptKey: first.ReceiptKey, Amount: 50000,
			IdempotencyKey: "cancel-50000"}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.CancelCashReceipt(t.Context(), payment.ReceiptCancel{ReceiptKey: first.ReceiptKey, Amount: 50000,
			IdempotencyKey: "cancel-50000"}); err != nil {
			t.Fatal(err)
		}
		_, err = p.CancelCashReceipt(t.Context(), payment.ReceiptCancel{ReceiptKey: first.ReceiptKey, Amount: 70000, IdempotencyKey: "over"})
		if _, ok := payment.AsDeclined(err); !ok {
			t.Fatalf("cancel above what is left = %v", err)
		}
		if _, err := p.CancelCashReceipt(t.Context(), payment.ReceiptCancel{ReceiptKey: first.ReceiptKey, IdempotencyKey: "rest"}); err != nil {
			t.Fatal(err)
		}
		rs = srv.Receipts()
		if len(rs[0].Cancels) != 2 || rs[0].Cancels[0] != 50000 || rs[0].Cancels[1] != 60000 || rs[0].Amount != 0 {
			t.Fatalf("fake receipt after cancels = %+v", rs[0])
		}
		_, err = p.CancelCashReceipt(t.Context(), payment.ReceiptCancel{ReceiptKey: "crk_none", IdempotencyKey: "none"})
		if !errors.Is(err, payment.ErrNotFound) {
			t.Fatalf("cancel of an unknown receipt = %v", err)
		}
	})

	t.Run("refused by the tax office", func(t *testing.T) {
		t.Parallel()
		p, srv := setup(t, nil)
		srv.RefuseNextReceipt("INVALID_REQUEST", "국세청에 등록되지 않은 번호입니다.")
		_, err := p.IssueCashReceipt(t.Context(), issue("ORD-cr-ref", payment.IncomeDeduction, "01012345678", 10000, "a"))
		if d, ok := payment.AsDeclined(err); !ok || d.Message != "국세청에 등록되지 않은 번호입니다." {
			t.Fatalf("IssueCashReceipt = %v", err)
		}
		got, err := p.IssueCashReceipt(t.Context(), issue("ORD-cr-ref", payment.IncomeDeduction, "01012345678", 10000, "b"))
		if err != nil || got.ReceiptKey == "" {
			t.Fatalf("IssueCashReceipt under a new key = %+v, %v", got, err)
		}
		if n := len(srv.Receipts()); n != 1 {
			t.Fatalf("%d receipts", n)
		}
	})

	t.Run("unknown outcome", func(t *testing.T) {
		t.Parallel()
		p, srv := setup(t, nil)
		srv.FailNext(tosstest.ReceiptsPath, 500)
		_, err := p.IssueCashReceipt(t.Context(), issue("ORD-cr-500", payment.IncomeDeduction, "01012345678", 10000, "a"))
		if !errors.Is(err, payment.ErrUnknownOutcome) {
			t.Fatalf("IssueCashReceipt on a 500 = %v", err)
		}
	})
}
