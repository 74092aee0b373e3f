package portone

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/mallang/mallang/internal/payment"
)

// cancelBody is POST /payments/{paymentId}/cancel. Pointers leave out what
// PortOne reads as "not given": no amount cancels the whole balance, no
// currentCancellableAmount skips the balance check.
type cancelBody struct {
	StoreID                  string         `json:"storeId"`
	Reason                   string         `json:"reason"`
	Amount                   *int64         `json:"amount,omitempty"`
	TaxFreeAmount            *int64         `json:"taxFreeAmount,omitempty"`
	CurrentCancellableAmount *int64         `json:"currentCancellableAmount,omitempty"`
	RefundAccount            *refundAccount `json:"refundAccount,omitempty"`
}

type refundAccount struct {
	Bank       string `json:"bank"` // PortOne's Bank, e.g. "SHINHAN", from the account's KFTC code
	Number     string `json:"number"`
	HolderName string `json:"holderName"`
}

type cancelAnswer struct {
	Cancellation struct {
		Status      string `json:"status"`
		ID          string `json:"id"`
		TotalAmount int64  `json:"totalAmount"`
	} `json:"cancellation"`
}

// Refund cancels r.Amount of the payment, or everything left when r.Full.
// r.Balance, when positive, is sent as currentCancellableAmount so PortOne
// refuses (CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN, a *payment.Declined) a
// refund computed from a stale balance, such as one made twice. Every retry
// of one refund sends the same Idempotency-Key (see refundKey), and PortOne
// answers a repeat with the stored response. A refund larger than the
// balance is *payment.Declined CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT.
func (p *Provider) Refund(ctx context.Context, r payment.RefundRequest) (payment.RefundResult, error) {
	id := r.ProviderPaymentID
	if id == "" {
		id = r.Reference
	}
	if err := checkID(id); err != nil {
		return payment.RefundResult{}, fmt.Errorf("portone refund: %w", err)
	}
	a := r.Amount
	if a.Currency != "" && a.Currency != "KRW" {
		return payment.RefundResult{}, fmt.Errorf("portone refund %s: currency %q: this adapter takes KRW only", id, a.Currency)
	}
	if (!r.Full && a.Total <= 0) || a.TaxFree < 0 || (a.Total > 0 && a.TaxFree > a.Total) {
		return payment.RefundResult{}, fmt.Errorf("portone refund %s: amount %d (tax-free %d) is not refundable", id, a.Total, a.TaxFree)
	}
	body := cancelBody{StoreID: p.storeID, Reason: r.Reason}
	if body.Reason == "" {
		body.Reason = "refund" // PortOne requires a reason
	}
	if !r.Full {
		body.Amount = &a.Total
	}
	if a.TaxFree > 0 {
		body.TaxFreeAmount = &a.TaxFree
	}
	if r.Balance > 0 {
		body.CurrentCancellableAmount = &r.Balance
	}
	if acc := r.Account; acc != nil {
		body.RefundAccount = &refundAccount{Bank: portoneBank(acc.Bank), Number: acc.Account, HolderName: acc.Holder}
	}
	raw, err := p.call(ctx, http.MethodPost, paymentPath(id)+"/cancel", refundKey(id, r), body)
	if err != nil {
		return payment.RefundResult{}, fmt.Errorf("portone refund %s: %w", id, err)
	}
	var ans cancelAnswer
	if err := json.Unmarshal(raw, &ans); err != nil {
		return payment.RefundResult{}, fmt.Errorf("portone refund %s: decode answer: %w", id, err)
	}
	c := ans.Cancellation
	if c.Status == "FAILED" {
		// A cancellation PortOne recorded as failed returned no money.
		return payment.RefundResult{}, fmt.Errorf("portone refund %s: %w", id, &payment.Declined{Code: "CANCELLATION_FAILED", Message: "PortOne recorded the cancellation " + c.ID + " as failed"})
	}
	return payment.RefundResult{ProviderRefundID: c.ID, Refunded: c.TotalAmount, Raw: raw}, nil
}

// refundKey is the Idempotency-Key of one refund: r.IdempotencyKey when it
// already fits PortOne's rule (16–256 of A–Z a–z 0–9 - _), otherwise a
// SHA-256 of it (or, when empty, of the payment, amount and balance) in
// base64url, which fits the rule and is the same on every retry.
func refundKey(id string, r payment.RefundRequest) string {
	k := r.IdempotencyKey
	if len(k) >= 16 && len(k) <= 256 && keyChars(k) {
		return k
	}
	if k == "" {
		k = fmt.Sprintf("%s|%d|%d|%d|%t", id, r.Amount.Total, r.Amount.TaxFree, r.Balance, r.Full)
	}
	sum := sha256.Sum256([]byte("portone-refund|" + k))
	return "mallang-" + base64.RawURLEncoding.EncodeToString(sum[:])
}
