package toss

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/mallang/mallang/internal/payment"
)

// Refund cancels the whole remaining payment (r.Full: no cancelAmount, so
// Toss takes the balance) or r.Amount.Total of it, with r.IdempotencyKey so a
// retried refund returns the first one's answer instead of refunding twice.
// r.Account is sent as refundReceiveAccount, which Toss needs for a deposited
// virtual account (Bank is the KFTC code payment.Banks lists, sent as
// Toss's own code). A refund above the balance is
// Toss's refusal, a *payment.Declined (NOT_CANCELABLE_AMOUNT).
func (p *Provider) Refund(ctx context.Context, r payment.RefundRequest) (payment.RefundResult, error) {
	if r.Amount.Currency != "" && r.Amount.Currency != "KRW" {
		return payment.RefundResult{}, fmt.Errorf("toss refund %s: currency %q: Toss takes only KRW", r.Reference, r.Amount.Currency)
	}
	if !r.Full && r.Amount.Total <= 0 {
		return payment.RefundResult{}, fmt.Errorf("toss refund %s: a partial refund needs a positive amount, got %d", r.Reference, r.Amount.Total)
	}
	if r.Reason == "" {
		return payment.RefundResult{}, fmt.Errorf("toss refund %s: a reason is required (Toss cancelReason)", r.Reference)
	}
	paymentKey := r.ProviderPaymentID
	if paymentKey == "" {
		if r.Reference == "" {
			return payment.RefundResult{}, errors.New("toss refund: neither a paymentKey nor a reference")
		}
		res, err := p.Lookup(ctx, payment.LookupRequest{Reference: r.Reference})
		if err != nil {
			return payment.RefundResult{}, fmt.Errorf("toss refund %s: %w", r.Reference, err)
		}
		paymentKey = res.ProviderPaymentID
	}

	type account struct {
		Bank          string `json:"bank"`
		AccountNumber string `json:"accountNumber"`
		HolderName    string `json:"holderName"`
	}
	body := struct {
		CancelReason         string   `json:"cancelReason"`
		CancelAmount         *int64   `json:"cancelAmount,omitempty"`
		TaxFreeAmount        int64    `json:"taxFreeAmount,omitempty"`
		RefundReceiveAccount *account `json:"refundReceiveAccount,omitempty"`
	}{CancelReason: truncate(r.Reason, 200), TaxFreeAmount: r.Amount.TaxFree}
	if !r.Full {
		body.CancelAmount = &r.Amount.Total
	}
	if a := r.Account; a != nil {
		body.RefundReceiveAccount = &account{Bank: tossBank(a.Bank), AccountNumber: a.Account, HolderName: a.Holder}
	}
	raw, err := p.call(ctx, "POST", "/v1/payments/"+url.PathEscape(paymentKey)+"/cancel", body, r.IdempotencyKey)
	if err != nil {
		return payment.RefundResult{}, fmt.Errorf("toss refund %s: %w", r.Reference, err)
	}
	_, tp, err := result(raw)
	if err != nil {
		return payment.RefundResult{}, fmt.Errorf("toss refund %s: %w", r.Reference, err)
	}
	c, ok := newCancel(tp)
	if !ok {
		return payment.RefundResult{}, fmt.Errorf("toss refund %s: the answer lists no cancel: %w", r.Reference, payment.ErrUnknownOutcome)
	}
	return payment.RefundResult{ProviderRefundID: c.TransactionKey, Refunded: c.CancelAmount, Raw: raw}, nil
}

// newCancel is the cancel a cancel call just made: the one whose
// transactionKey is the payment's lastTransactionKey, else the last listed.
func newCancel(tp tossPayment) (cancel, bool) {
	if len(tp.Cancels) == 0 {
		return cancel{}, false
	}
	for _, c := range tp.Cancels {
		if tp.LastTransactionKey != "" && c.TransactionKey == tp.LastTransactionKey {
			return c, true
		}
	}
	return tp.Cancels[len(tp.Cancels)-1], true
}

// truncate cuts s to at most n characters (not bytes: reasons are Korean).
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
