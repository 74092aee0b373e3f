package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/payment"
)

// requestReceiptInput asks for a cash receipt for an order after it was
// placed.
type requestReceiptInput struct {
	Number string `path:"number" maxLength:"32" doc:"The order number." example:"20261130-K7QX2M9A"`
	Body   cashReceiptRequest
}

type cashReceiptOutput struct {
	Body CashReceipt
}

// receiptFields places the payment service's field names in the body.
var receiptFields = map[string]string{
	"cash_receipt_purpose":  "body.purpose",
	"cash_receipt_identity": "body.identity",
}

func (a *API) registerCashReceipts() {
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "request-cash-receipt",
		Method:      http.MethodPost,
		Path:        Prefix + "/orders/{number}/cash-receipt",
		Summary:     "Ask for a cash receipt (현금영수증)",
		Description: "Asks for a cash receipt for one of the signed-in customer's bank-transfer orders after it was placed: while the " +
			"deposit is awaited, or within 5 days of the payment. A receipt the shop would issue to the tax office's self-issue " +
			"number (a transfer of ₩100,000 or more) gives way to the customer's number while the deposit is awaited. When the " +
			"shop issues receipts through its payment provider, a paid order's receipt is issued shortly after; the provider's " +
			"page is then in GET /api/v1/orders/{number}/payments (cash_receipt.receipt_url). Returns 201 with the receipt. " +
			"Refusals: 422 naming body.purpose or body.identity; 409 when a receipt was issued already (one issued to the tax " +
			"office's number can be claimed on Hometax), the period has ended, or the order is cancelled or refunded. " + orderNotFound,
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, "Payments", true), a.requestCashReceipt)
}

func (a *API) requestCashReceipt(ctx context.Context, in *requestReceiptInput) (*cashReceiptOutput, error) {
	u, o, err := a.myOrder(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	c, err := a.com.Payments.RequestCashReceipt(ctx, u.ID, o.ID, payment.CashReceiptRequest{Purpose: in.Body.Purpose,
		Identity: in.Body.Identity})
	switch {
	case err == nil:
		return &cashReceiptOutput{Body: *newCashReceipt(c)}, nil
	case errors.Is(err, payment.ErrReceiptTooLate):
		return nil, newProblem(http.StatusConflict, "It is more than 5 days since the payment: a cash receipt can no longer be asked for.")
	case errors.Is(err, payment.ErrReceiptIssued):
		return nil, newProblem(http.StatusConflict, "A cash receipt was issued for this order already; one issued to the tax office's number can be claimed on Hometax.")
	case errors.Is(err, fault.ErrNotFound):
		// Not paid by bank transfer: there is no cash sale to receipt.
		return nil, newProblem(http.StatusConflict, "This order is not paid by bank transfer: card and easy payments have their own receipts.")
	case errors.Is(err, fault.ErrConflict):
		return nil, newProblem(http.StatusConflict, "A cash receipt cannot be asked for now: the order is cancelled or refunded.")
	}
	return nil, a.fieldProblem(ctx, err, receiptFields, "body")
}

// newCashReceipt is c as the API shows it, its number masked.
func newCashReceipt(c payment.CashReceipt) *CashReceipt {
	out := &CashReceipt{Purpose: c.Purpose, Identity: maskIdentity(c.Identity), Requested: c.Requested, Amount: c.Amount,
		Status: c.Status, IssueNumber: c.IssueNumber, IssuedAt: timePtr(c.IssuedAt), Cancelled: c.Cancelled}
	if strings.HasPrefix(c.ReceiptURL, "https://") {
		u := c.ReceiptURL
		out.ReceiptURL = &u
	}
	return out
}
