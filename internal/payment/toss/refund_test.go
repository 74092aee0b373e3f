package toss_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

func TestRefund(t *testing.T) {
	t.Parallel()

	t.Run("full", func(t *testing.T) {
		t.Parallel()
		p, srv := setup(t, nil)
		res := paid(t, p, srv, "ORD-ref-full", 30000)
		got, err := p.Refund(t.Context(), payment.RefundRequest{
			Reference: "ORD-ref-full", ProviderPaymentID: res.ProviderPaymentID,
			Amount: krw(30000), Full: true, Balance: 30000, Reason: "고객 변심", IdempotencyKey: "refund-1",
		})
		if err != nil {
			t.Fatalf("Refund: %v", err)
		}
		if got.Refunded != 30000 || got.ProviderRefundID == "" || len(got.Raw) == 0 {
			t.Errorf("RefundResult = %+v, want 30000 refunded under a transaction key", got)
		}
		after, err := p.Lookup(t.Context(), payment.LookupRequest{Reference: "ORD-ref-full"})
		if err != nil || after.Status != payment.StatusCancelled || after.Cancelled != 30000 {
			t.Errorf("Lookup = %+v, %v; want cancelled, 30000 refunded", after, err)
		}
	})

	t.Run("partial twice, then over the balance", func(t *testing.T) {
		t.Parallel()
		p, srv := setup(t, nil)
		res := paid(t, p, srv, "ORD-ref-part", 30000)
		refund := func(amount int64, key string) (payment.RefundResult, error) {
			return p.Refund(t.Context(), payment.RefundRequest{
				Reference: "ORD-ref-part", ProviderPaymentID: res.ProviderPaymentID,
				Amount: krw(amount), Reason: "부분 반품", IdempotencyKey: key,
			})
		}

		first, err := refund(10000, "refund-a")
		if err != nil || first.Refunded != 10000 {
			t.Fatalf("first Refund = %+v, %v; want 10000", first, err)
		}
		after, _ := p.Lookup(t.Context(), payment.LookupRequest{ProviderPaymentID: res.ProviderPaymentID})
		if after.Status != payment.StatusPartiallyCancelled || after.Cancelled != 10000 || after.Charged.Total != 30000 {
			t.Errorf("after first refund: %s, cancelled %d of %d", after.Status, after.Cancelled, after.Charged.Total)
		}

		// A retry of the same refund is answered, not refunded again.
		retry, err := refund(10000, "refund-a")
		if err != nil || retry.ProviderRefundID != first.ProviderRefundID {
			t.Fatalf("retried Refund = %+v, %v; want %s again", retry, err, first.ProviderRefundID)
		}

		_, err = refund(25000, "refund-b")
		if d, ok := payment.AsDeclined(err); !ok || d.Code != "NOT_CANCELABLE_AMOUNT" {
			t.Fatalf("Refund over the balance: %v, want NOT_CANCELABLE_AMOUNT", err)
		}

		second, err := refund(20000, "refund-c")
		if err != nil || second.Refunded != 20000 || second.ProviderRefundID == first.ProviderRefundID {
			t.Fatalf("second Refund = %+v, %v; want 20000 under a new key", second, err)
		}
		after, _ = p.Lookup(t.Context(), payment.LookupRequest{ProviderPaymentID: res.ProviderPaymentID})
		if after.Status != payment.StatusCancelled || after.Cancelled != 30000 {
			t.Errorf("after refunds: %s, cancelled %d; want cancelled 30000", after.Status, after.Cancelled)
		}
		if n := srv.Calls(tosstest.CancelPath(res.ProviderPaymentID)); n != 4 {
			t.Errorf("cancel called %d times, want 4", n)
		}

		_, err = refund(1, "refund-d")
		if d, ok := payment.AsDeclined(err); !ok || d.Code != "ALREADY_CANCELED_PAYMENT" {
			t.Fatalf("Refund of a cancelled payment: %v, want ALREADY_CANCELED_PAYMENT", err)
		}
	})

	t.Run("by reference only", func(t *testing.T) {
		t.Parallel()
		p, srv := setup(t, nil)
		paid(t, p, srv, "ORD-ref-byref", 5000)
		got, err := p.Refund(t.Context(), payment.RefundRequest{
			Reference: "ORD-ref-byref", Amount: krw(2000), Reason: "파손", IdempotencyKey: "refund-r",
		})
		if err != nil || got.Refunded != 2000 {
			t.Fatalf("Refund = %+v, %v; want 2000", got, err)
		}
	})

	t.Run("deposited virtual account", func(t *testing.T) {
		t.Parallel()
		p, srv := setup(t, nil)
		res, err := p.Confirm(t.Context(), confirmReq("ORD-ref-va01", srv.AuthorizeVirtualAccount("ORD-ref-va01", 40000), 40000))
		if err != nil {
			t.Fatal(err)
		}
		srv.Deposit(res.ProviderPaymentID)
		r := payment.RefundRequest{
			Reference: "ORD-ref-va01", ProviderPaymentID: res.ProviderPaymentID,
			Amount: krw(40000), Full: true, Reason: "주문 취소", IdempotencyKey: "refund-va",
		}
		if _, err := p.Refund(t.Context(), r); err == nil {
			t.Fatal("Refund without a refund account succeeded")
		}
		r.IdempotencyKey = "refund-va-2"
		// The account holds the bank's KFTC code, as the customer's form
		// gives it (004, KB국민은행); Toss knows the bank as "06".
		r.Account = &payment.BankAccount{Bank: "004", Account: "110123456789", Holder: "김말랑"}
		got, err := p.Refund(t.Context(), r)
		if err != nil || got.Refunded != 40000 {
			t.Fatalf("Refund = %+v, %v; want 40000", got, err)
		}
		if !strings.Contains(string(got.Raw), `"bank":"06","accountNumber":"110123456789","holderName":"김말랑"`) {
			t.Errorf("refund account not sent as Toss's: %s", got.Raw)
		}
	})

	t.Run("unknown outcome and refusals", func(t *testing.T) {
		t.Parallel()
		p, srv := setup(t, nil)
		res := paid(t, p, srv, "ORD-ref-err1", 5000)
		srv.FailNext(tosstest.CancelPath(res.ProviderPaymentID), http.StatusInternalServerError)
		r := payment.RefundRequest{ProviderPaymentID: res.ProviderPaymentID, Amount: krw(5000), Full: true, Reason: "x", IdempotencyKey: "k"}
		if _, err := p.Refund(t.Context(), r); !errors.Is(err, payment.ErrUnknownOutcome) {
			t.Errorf("Refund on 500 = %v, want ErrUnknownOutcome", err)
		}
		r.ProviderPaymentID = "tpk_nothing"
		if _, err := p.Refund(t.Context(), r); !errors.Is(err, payment.ErrNotFound) {
			t.Errorf("Refund of an unknown payment = %v, want ErrNotFound", err)
		}
		unpaid := srv.Authorize("ORD-ref-err2", 5000, "")
		r.ProviderPaymentID = unpaid.Get("paymentKey")
		if _, err := p.Refund(t.Context(), r); !isCode(err, "NOT_CANCELABLE_PAYMENT") {
			t.Errorf("Refund of an unconfirmed payment = %v, want NOT_CANCELABLE_PAYMENT", err)
		}
		r.Reason = ""
		if _, err := p.Refund(t.Context(), r); err == nil {
			t.Error("Refund without a reason succeeded")
		}
	})
}

func isCode(err error, code string) bool {
	d, ok := payment.AsDeclined(err)
	return ok && d.Code == code
}
