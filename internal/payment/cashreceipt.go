package payment

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// Cash receipts (현금영수증). Online retail must issue one for a cash sale
// (a bank transfer) of ₩100,000 or more even when the buyer asks for none,
// to the tax office's self-issue number; below that, on request. The shop
// issues them through its provider or Hometax; the back office lists the
// ones due and records the issue number.

// Cash-receipt purposes.
const (
	IncomeDeduction = "income_deduction" // 소득공제: a person, by phone number or receipt card
	ExpenseProof    = "expense_proof"    // 지출증빙: a business, by registration number
)

// MandatoryCashReceipt is the cash-sale amount from which a receipt is
// issued whether or not the buyer asked.
const MandatoryCashReceipt = 100_000

// SelfIssueNumber is the tax office's number a receipt is issued to when
// the buyer gave none (국세청 자진발급).
const SelfIssueNumber = "0100001234"

// CashReceiptRequest is a buyer's request for a cash receipt.
type CashReceiptRequest struct {
	Purpose  string // IncomeDeduction or ExpenseProof
	Identity string // phone or receipt-card number; business registration number
}

// CashReceipt is a receipt due or issued for an order.
type CashReceipt struct {
	ID          int64
	OrderID     int64
	Purpose     string
	Identity    string // decrypted
	Requested   bool   // false: due because of the amount, to the self-issue number
	Amount      int64
	TaxFree     int64  // the VAT-exempt part of Amount
	Status      string // pending, issued, failed, cancelled
	IssueNumber string
	IssuedAt    time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Reference is the bank transfer's reference, the orderId the provider
	// knows the receipt by.
	Reference string
	// Provider is the provider that issued it ("toss"), "" when staff did
	// by hand; ReceiptKey is the provider's key (to cancel it) and
	// ReceiptURL the provider's page of it.
	Provider   string
	ReceiptKey string
	ReceiptURL string
	// Failure is the provider's reason for refusing the last issue or
	// cancel, until staff retry.
	Failure string
	// CancelDue is what refunds took back of Amount; Cancelled is how much
	// of the receipt the provider has cancelled so far.
	CancelDue int64
	Cancelled int64
	tries     int
	// issueAsked is the amount an issue of this try was sent for, 0 when
	// none was sent yet.
	issueAsked int64
}

// Cash-receipt statuses.
const (
	ReceiptPending   = "pending"   // due, not issued yet (the job or staff will)
	ReceiptIssued    = "issued"    // issued, by the provider or staff
	ReceiptFailed    = "failed"    // the provider refused; staff retry or issue by hand
	ReceiptCancelled = "cancelled" // wholly refunded: cancelled, or never issued
)

// checkCashReceipt validates r into v and returns it normalised (digits
// only); nil when none was asked for.
func (s *Service) checkCashReceipt(r *CashReceiptRequest, v *fault.Invalid) (*CashReceiptRequest, error) {
	if r == nil || (r.Purpose == "" && strings.TrimSpace(r.Identity) == "") {
		return nil, nil
	}
	digits := strings.Map(func(c rune) rune {
		if c == '-' || c == ' ' {
			return -1
		}
		return c
	}, r.Identity)
	if _, err := strconv.ParseUint(digits, 10, 64); err != nil && digits != "" {
		v.Add("cash_receipt_identity", "must be digits (hyphens allowed)")
		return nil, nil
	}
	switch r.Purpose {
	case IncomeDeduction:
		phone := len(digits) >= 10 && len(digits) <= 11 && strings.HasPrefix(digits, "01")
		card := len(digits) >= 13 && len(digits) <= 19
		if !phone && !card {
			v.Add("cash_receipt_identity", "must be a mobile phone number or a cash receipt card number")
		}
	case ExpenseProof:
		if !ValidBusinessNumber(digits) {
			v.Add("cash_receipt_identity", "must be a valid 10-digit business registration number")
		}
	default:
		v.Add("cash_receipt_purpose", "must be income deduction or expense proof")
	}
	return &CashReceiptRequest{Purpose: r.Purpose, Identity: digits}, nil
}

// ValidBusinessNumber reports whether n is a Korean business registration
// number (사업자등록번호): ten digits whose last is the check digit of the
// National Tax Service's weighted sum.
func ValidBusinessNumber(n string) bool {
	if len(n) != 10 {
		return false
	}
	weights := []int{1, 3, 7, 1, 3, 7, 1, 3, 5}
	sum := 0
	for i, w := range weights {
		d := int(n[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		sum += d * w
	}
	sum += int(n[8]-'0') * 5 / 10
	check := (10 - sum%10) % 10
	return int(n[9]-'0') == check
}

// recordCashReceipt stores the receipt a cash sale needs: the one asked
// for, or the mandatory one to the self-issue number.
func (s *Service) recordCashReceipt(ctx context.Context, q db.Querier, o order.Order, reference string, r *CashReceiptRequest, now time.Time) error {
	requested := r != nil
	if !requested {
		if o.Total < MandatoryCashReceipt || s.cfg.CashReceiptAuto == AutoOff {
			return nil
		}
		r = &CashReceiptRequest{Purpose: IncomeDeduction, Identity: SelfIssueNumber}
	}
	enc, err := receiptIdentityColumn.Encrypt(s.deps.Keyring, o.ID, r.Identity)
	if err != nil {
		return err
	}
	return insertCashReceipt(ctx, q, o, reference, r.Purpose, enc, requested, now)
}

// The encrypted columns of the payment tables. A receipt's identity number
// is bound to its order (one receipt per order), which is known before the
// row is written, so one statement stores it.
var (
	depositSecretColumn   = crypt.Column{Table: "payment_attempts", IDColumn: "id", Column: "deposit_secret_enc"}
	receiptIdentityColumn = crypt.Column{Table: "cash_receipts", IDColumn: "order_id", Column: "identity_enc"}
)

func (s *Service) openReceipt(r receiptRow) (CashReceipt, error) {
	c := CashReceipt{ID: r.ID, OrderID: r.OrderID, Purpose: r.Purpose, Requested: r.Requested, Amount: r.Amount, TaxFree: r.TaxFree,
		Status: r.Status, IssueNumber: r.IssueNumber, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), Identity: r.Identity,
		Reference: r.Reference, Provider: r.Provider, ReceiptKey: r.ReceiptKey, ReceiptURL: r.ReceiptURL, Failure: r.Failure,
		CancelDue: r.CancelDue, Cancelled: r.Cancelled, tries: r.Tries, issueAsked: r.IssueAsked}
	if r.IssuedAt.Valid {
		c.IssuedAt = r.IssuedAt.Time.UTC()
	}
	if r.Identity != "" {
		id, err := receiptIdentityColumn.Decrypt(s.deps.Keyring, r.OrderID, r.Identity)
		if err != nil {
			return CashReceipt{}, fmt.Errorf("open cash receipt %d: %w", r.ID, err)
		}
		c.Identity = id
	}
	return c, nil
}

// CashReceiptOf returns the cash receipt of order orderID, or
// fault.ErrNotFound when none is due.
func (s *Service) CashReceiptOf(ctx context.Context, orderID int64) (CashReceipt, error) {
	c, err := s.receiptWhere(ctx, "order_id = ?", orderID)
	if err != nil {
		return CashReceipt{}, fmt.Errorf("cash receipt of order %d: %w", orderID, err)
	}
	return c, nil
}

// CashReceipt returns cash receipt id, or fault.ErrNotFound.
func (s *Service) CashReceipt(ctx context.Context, id int64) (CashReceipt, error) {
	c, err := s.receiptWhere(ctx, "id = ?", id)
	if err != nil {
		return CashReceipt{}, fmt.Errorf("cash receipt %d: %w", id, err)
	}
	return c, nil
}

// receiptWhere reads the one receipt matching where, its identity
// decrypted; fault.ErrNotFound when there is none.
func (s *Service) receiptWhere(ctx context.Context, where string, args ...any) (CashReceipt, error) {
	r, err := cashReceiptWhere(ctx, s.d.Read(), where, args...)
	if err != nil {
		return CashReceipt{}, err
	}
	return s.openReceipt(r)
}

// PendingCashReceipts lists receipts due for paid orders, oldest first:
// those waiting to be issued and those the provider refused.
func (s *Service) PendingCashReceipts(ctx context.Context, limit int) ([]CashReceipt, error) {
	rs, err := pendingCashReceipts(ctx, s.d.Read(), limit)
	if err != nil {
		return nil, err
	}
	return s.openReceipts(rs)
}

// openReceipts decrypts the receipts of rs, in their order.
func (s *Service) openReceipts(rs []receiptRow) ([]CashReceipt, error) {
	out := make([]CashReceipt, 0, len(rs))
	for _, r := range rs {
		c, err := s.openReceipt(r)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// MarkCashReceiptIssued records, for staff member by, the issue number of
// pending (or refused) receipt id, and "cash_receipt.issued" in the audit
// log in the same transaction. It returns fault.ErrConflict when the
// receipt is not due (issued meanwhile, or gone) and *fault.Invalid for a
// bad number.
func (s *Service) MarkCashReceiptIssued(ctx context.Context, by audit.Actor, id int64, issueNumber string) error {
	issueNumber = strings.TrimSpace(issueNumber)
	if issueNumber == "" || len(issueNumber) > 64 {
		return &fault.Invalid{Fields: map[string]string{"issue_number": "is required, at most 64 characters"}}
	}
	now := s.stamp()
	return s.d.InTx(ctx, func(q db.Querier) error {
		changed, err := markCashReceiptIssued(ctx, q, id, issueNumber, now)
		if err != nil {
			return err
		}
		if !changed {
			return fmt.Errorf("cash receipt %d is not due: %w", id, fault.ErrConflict)
		}
		orderID, number, err := receiptOrder(ctx, q, id)
		if err != nil {
			return err
		}
		return s.audited(ctx, q, by.Entry("cash_receipt.issued", "cash_receipt", strconv.FormatInt(id, 10),
			map[string]any{"issue_number": issueNumber, "order_id": orderID, "number": number}))
	})
}

// EncryptedColumns returns the encrypted columns of the payment tables, for
// crypt.Rotate (`mallang rotate-keys`).
func EncryptedColumns() []crypt.Column {
	return []crypt.Column{depositSecretColumn, receiptIdentityColumn, refundNumberColumn, refundHolderColumn}
}
