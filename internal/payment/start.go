package payment

import (
	"context"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// StartInput is a customer's choice of how to pay an order.
type StartInput struct {
	OrderID int64
	UserID  int64
	Method  string // BankTransfer, VirtualAccount or a provider's name
	Mobile  bool
	// Depositor is the name the transfer will come from (bank transfer);
	// the customer's name when empty.
	Depositor string
	// CashReceipt asks for a cash receipt (bank transfer); nil for none.
	CashReceipt *CashReceiptRequest
	// Placed is the order as Place returned it, when the caller has it
	// (checkout), which saves reading it again; nil otherwise.
	Placed *order.Order
}

// Started says where the customer goes to pay.
type Started struct {
	Attempt Attempt
	// RedirectURL is the provider's page (or the test provider's); "" when
	// Script opens the provider's window in our page, or for a bank
	// transfer, whose instructions are on the order's page.
	RedirectURL string
	Script      *Script
}

// vaccountMethod is the method recorded on an attempt that pays into a
// virtual account, until the provider names its own.
const vaccountMethod = "가상계좌"

// MaxDepositor is the longest depositor name accepted, in characters.
const MaxDepositor = 30

// Start begins paying order orderID of userID with in.Method. A bank
// transfer moves the order to waiting for the deposit at once, with the
// shop's account and a deadline; a provider gets a new attempt, prepared
// with the provider, and the customer is sent to it. Starting a provider
// again (a second window, a retry after a decline) makes another attempt;
// only one of them can pay the order. A bank transfer is recorded once:
// starting it again, also many times at once, returns the transfer the
// order waits for, as the first start recorded it (its depositor, cash
// receipt and deadline); a partial unique index allows one awaited
// transfer per order.
//
// Errors: fault.ErrNotFound for an unknown order or another customer's;
// fault.ErrConflict for an order that does not wait for payment;
// ErrPaymentInProgress (a conflict) for a bank transfer while a provider's
// attempt of the order is confirming or pending; *fault.Invalid for a
// method not offered ("payment_method"), a bad depositor or cash-receipt
// request; *Declined when the provider refused to prepare.
func (s *Service) Start(ctx context.Context, in StartInput) (Started, error) {
	var o order.Order
	var err error
	if in.Placed != nil && in.Placed.ID == in.OrderID {
		o = *in.Placed
	} else {
		o, err = s.deps.Orders.AdminGet(ctx, in.OrderID)
	}
	if err == nil && o.UserID != in.UserID {
		err = fault.ErrNotFound
	}
	if err != nil {
		return Started{}, wrap("start payment of order", in.OrderID, err)
	}
	if !s.Enabled(ctx, in.Method) {
		return Started{}, &fault.Invalid{Fields: map[string]string{"payment_method": "is not a way to pay this shop offers"}}
	}
	switch {
	case o.Status == order.AwaitingDeposit && in.Method == BankTransfer:
		// A repeated submission: the order waits for its transfer already.
		return s.repeatedTransfer(ctx, o.ID)
	case o.Status != order.PendingPayment:
		return Started{}, fmt.Errorf("order %d is %s, not waiting for payment: %w", o.ID, o.Status, fault.ErrConflict)
	case o.Total <= 0:
		return Started{}, fmt.Errorf("order %d has nothing to pay: %w", o.ID, fault.ErrConflict)
	}
	if in.Method == BankTransfer {
		return s.startBankTransfer(ctx, o, in)
	}
	p, _ := s.provider(in.Method)
	var va *VirtualAccountRequest
	method := ""
	if in.Method == VirtualAccount {
		p, _ = s.provider(s.vaccount)
		va, method = &VirtualAccountRequest{ValidHours: s.validHours(ctx)}, vaccountMethod
	}
	a := Attempt{OrderID: o.ID, Provider: p.Name(), Reference: newReference(o.Number), Status: AttemptPrepared,
		Amount: o.Total, TaxFree: o.TaxFree, ChargeCurrency: "KRW", ChargeMinor: o.Total, Method: method}
	now := s.stamp()
	if a.ID, err = insertAttempt(ctx, s.d.Write(), a, nil, now); err != nil {
		return Started{}, err
	}
	a.CreatedAt, a.UpdatedAt = now, now
	email, name, err := s.contact(ctx, o.UserID)
	if err != nil {
		return Started{}, err
	}
	prep, perr := p.Prepare(ctx, PrepareRequest{
		Reference: a.Reference, OrderName: orderName(o), CustomerRef: "u" + strconv.FormatInt(o.UserID, 10),
		CustomerName: name, CustomerEmail: email,
		Amount:    Amount{Total: a.Amount, TaxFree: a.TaxFree, Currency: "KRW"},
		ReturnURL: s.returnURL(p.Name(), a.Reference), CancelURL: s.failURL(p.Name(), a.Reference) + "?code=PAY_PROCESS_CANCELED",
		FailURL: s.failURL(p.Name(), a.Reference), Mobile: in.Mobile, IdempotencyKey: "prepare-" + a.Reference,
		VirtualAccount: va,
	})
	if perr != nil {
		code, msg := "ERROR", perr.Error()
		if d, ok := AsDeclined(perr); ok {
			code, msg = d.Code, d.Message
		}
		err := s.decide(ctx, event{AttemptID: a.ID, Kind: evPrepare, Outcome: "failed", Detail: code + ": " + msg},
			func(q db.Querier) error { return s.setFailed(ctx, q, a.ID, code, msg) })
		return Started{}, withWrite(fmt.Errorf("prepare %s payment of order %d: %w", p.Name(), o.ID, perr), err)
	}
	charge := prep.Charge
	if charge.Currency == "" {
		charge = Amount{Total: a.Amount, TaxFree: a.TaxFree, Currency: "KRW"}
	}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		if err := setPrepared(ctx, q, a.ID, prep.ProviderPaymentID, charge, s.stamp()); err != nil {
			return err
		}
		return insertEvent(ctx, q, event{AttemptID: a.ID, Kind: evPrepare, Outcome: "ok",
			Detail: fmt.Sprintf("%d %s", charge.Total, charge.Currency), Response: prep.Raw}, s.stamp())
	})
	if err != nil {
		return Started{}, err
	}
	a.ProviderPaymentID, a.ChargeCurrency, a.ChargeMinor = prep.ProviderPaymentID, charge.Currency, charge.Total
	return Started{Attempt: a, RedirectURL: prep.RedirectURL, Script: prep.Script}, nil
}

// orderName is what a provider shows the customer: the first line's name
// and how many more ("말랑 드립백 외 2건").
func orderName(o order.Order) string {
	if len(o.Lines) == 0 {
		return "주문 " + o.Number
	}
	name := o.Lines[0].Name
	if utf8.RuneCountInString(name) > 80 {
		name = string([]rune(name)[:80])
	}
	if n := len(o.Lines) - 1; n > 0 {
		name += " 외 " + strconv.Itoa(n) + "건"
	}
	return name
}

func (s *Service) contact(ctx context.Context, userID int64) (email, name string, err error) {
	email, name, err = s.deps.Customers.Contact(ctx, s.d.Read(), userID)
	if err != nil {
		return "", "", fmt.Errorf("contact of user %d: %w", userID, err)
	}
	return email, name, nil
}
