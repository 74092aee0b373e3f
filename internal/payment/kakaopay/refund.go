package kakaopay

import (
	"context"
	"fmt"

	"github.com/mallang/mallang/internal/payment"
)

type cancelRequest struct {
	CID                 string `json:"cid"`
	TID                 string `json:"tid"`
	CancelAmount        int64  `json:"cancel_amount"`
	CancelTaxFreeAmount int64  `json:"cancel_tax_free_amount"` // required, 0 if none
	// CancelAvailableAmount is the balance we believe is left; KakaoPay
	// refuses the cancel when its own differs, which stops a refund that
	// is sent twice from being made twice.
	CancelAvailableAmount int64 `json:"cancel_available_amount,omitempty"`
}

type cancelResponse struct {
	AID                  string `json:"aid"`
	TID                  string `json:"tid"`
	Status               string `json:"status"`
	ApprovedCancelAmount amount `json:"approved_cancel_amount"`
	CanceledAmount       amount `json:"canceled_amount"`
}

// Refund calls cancel for r.Amount (KakaoPay always needs the amount, so
// r.Full changes nothing). r.Balance, when positive, goes along as
// cancel_available_amount. A refund over the balance, of a payment that
// is not paid, or against a stale balance is a *payment.Declined with
// KakaoPay's code. KakaoPay's cancel takes no reason, so r.Reason stays
// with our record only.
func (p *Provider) Refund(ctx context.Context, r payment.RefundRequest) (payment.RefundResult, error) {
	tid := r.ProviderPaymentID
	if tid == "" {
		return payment.RefundResult{}, fmt.Errorf("kakaopay refund %s: no tid recorded", r.Reference)
	}
	if err := checkAmount(r.Amount); err != nil {
		return payment.RefundResult{}, fmt.Errorf("kakaopay refund %s (tid %s): %w", r.Reference, tid, err)
	}
	body := cancelRequest{
		CID:                 p.cid,
		TID:                 tid,
		CancelAmount:        r.Amount.Total,
		CancelTaxFreeAmount: r.Amount.TaxFree,
	}
	if r.Balance > 0 {
		body.CancelAvailableAmount = r.Balance
	}
	var out cancelResponse
	raw, err := p.post(ctx, pathCancel, body, &out)
	if err != nil {
		return payment.RefundResult{}, fmt.Errorf("kakaopay refund %s (tid %s): %w", r.Reference, tid, err)
	}
	return payment.RefundResult{
		ProviderRefundID: out.AID,
		Refunded:         out.ApprovedCancelAmount.Total,
		Raw:              raw,
	}, nil
}
