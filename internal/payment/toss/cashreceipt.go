package toss

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/mallang/mallang/internal/payment"
)

// Cash receipts (현금영수증) through Toss's API, for sales Toss did not take
// (a bank transfer to the shop's own account): POST /v1/cash-receipts
// issues one, POST /v1/cash-receipts/{receiptKey}/cancel cancels it whole
// (no body amount) or in part (amount). Both take Idempotency-Key; Toss
// does not refuse a second issue for the same orderId, so the key is what
// keeps a retried issue from issuing twice (decision 0042).

// receiptTypes are Toss's names of the two purposes: the literal Korean
// words the API takes in "type".
var receiptTypes = map[string]string{payment.IncomeDeduction: "소득공제", payment.ExpenseProof: "지출증빙"}

// cashReceipt is Toss's CashReceipt object, with the fields the adapter
// reads.
type cashReceipt struct {
	ReceiptKey      string    `json:"receiptKey"`
	IssueNumber     string    `json:"issueNumber"`
	ReceiptURL      string    `json:"receiptUrl"`
	IssueStatus     string    `json:"issueStatus"` // IN_PROGRESS, COMPLETED, FAILED
	TransactionType string    `json:"transactionType"`
	Amount          int64     `json:"amount"`
	Failure         *apiError `json:"failure"`
}

// IssueCashReceipt issues a cash receipt for r with r.IdempotencyKey, so
// that a retry answers the first issue. The receipt is issued when Toss
// answers with its receiptKey (IN_PROGRESS: sent to the tax office, which
// registers it within days); FAILED is reported as IssuedReceipt.Failed.
func (p *Provider) IssueCashReceipt(ctx context.Context, r payment.ReceiptIssue) (payment.IssuedReceipt, error) {
	typ, ok := receiptTypes[r.Purpose]
	if !ok {
		return payment.IssuedReceipt{}, fmt.Errorf("toss cash receipt %s: purpose %q", r.Reference, r.Purpose)
	}
	if r.Amount <= 0 || r.TaxFree < 0 || r.TaxFree > r.Amount {
		return payment.IssuedReceipt{}, fmt.Errorf("toss cash receipt %s: amount %d with %d tax-free", r.Reference, r.Amount, r.TaxFree)
	}
	body := struct {
		Amount                 int64  `json:"amount"`
		OrderID                string `json:"orderId"`
		OrderName              string `json:"orderName"`
		CustomerIdentityNumber string `json:"customerIdentityNumber"`
		Type                   string `json:"type"`
		TaxFreeAmount          int64  `json:"taxFreeAmount"`
	}{r.Amount, r.Reference, truncate(r.OrderName, 100), r.Identity, typ, r.TaxFree}
	raw, err := p.call(ctx, "POST", "/v1/cash-receipts", body, r.IdempotencyKey)
	if err != nil {
		return payment.IssuedReceipt{}, fmt.Errorf("toss cash receipt %s: %w", r.Reference, err)
	}
	return issued(raw, r.Reference)
}

// CancelCashReceipt cancels r.Amount of the receipt with r.ReceiptKey, or
// all that is left of it when r.Amount is 0, with r.IdempotencyKey.
func (p *Provider) CancelCashReceipt(ctx context.Context, r payment.ReceiptCancel) (payment.IssuedReceipt, error) {
	if r.ReceiptKey == "" || r.Amount < 0 {
		return payment.IssuedReceipt{}, fmt.Errorf("toss cancel cash receipt: key %q, amount %d", r.ReceiptKey, r.Amount)
	}
	body := struct {
		Amount int64 `json:"amount,omitempty"`
	}{r.Amount}
	raw, err := p.call(ctx, "POST", "/v1/cash-receipts/"+url.PathEscape(r.ReceiptKey)+"/cancel", body, r.IdempotencyKey)
	if err != nil {
		return payment.IssuedReceipt{}, fmt.Errorf("toss cancel cash receipt: %w", err)
	}
	return issued(raw, r.ReceiptKey)
}

// issued reads Toss's CashReceipt answer; one without a receiptKey is not
// an answer we understand, so the outcome is unknown.
func issued(raw []byte, ref string) (payment.IssuedReceipt, error) {
	var c cashReceipt
	if err := json.Unmarshal(raw, &c); err != nil {
		return payment.IssuedReceipt{}, fmt.Errorf("toss cash receipt %s: decode: %w: %w", ref, payment.ErrUnknownOutcome, err)
	}
	if c.ReceiptKey == "" {
		return payment.IssuedReceipt{}, fmt.Errorf("toss cash receipt %s: no receiptKey: %w", ref, payment.ErrUnknownOutcome)
	}
	out := payment.IssuedReceipt{Amount: c.Amount, ReceiptKey: c.ReceiptKey, IssueNumber: c.IssueNumber, ReceiptURL: c.ReceiptURL}
	if c.IssueStatus == "FAILED" {
		out.Failed, out.Message = true, "FAILED"
		if c.Failure != nil {
			out.Message = c.Failure.Code + ": " + c.Failure.Message
		}
	}
	return out, nil
}
