// Package checkout is the one way an order is placed: the storefront, the
// API and every later channel call Place with the same input and get the
// same result, an order and, when it is paid by bank transfer, the
// transfer it waits for, stored in one transaction. It composes the order
// service (which prices, stores and takes stock) with the payment service
// (which records a transfer) and owns the placing transaction; neither of
// them reaches into the other's.
package checkout

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// Input is a checkout as the customer submits it.
type Input struct {
	order.PlaceInput
	// Depositor and CashReceipt are a bank transfer's details, read when
	// PaymentMethod is payment.BankTransfer: the name the money will come
	// from ("" for the recipient's) and a cash receipt to issue (nil for
	// none). AwaitDepositUntil of PlaceInput is set by Place.
	Depositor   string
	CashReceipt *payment.CashReceiptRequest
}

// Placed is what a checkout placed.
type Placed struct {
	Order order.Order
	// Transfer is the bank transfer the order waits for, with the shop's
	// account, the amount and the deadline in its Deposit; nil unless the
	// order is paid by bank transfer and waits for it.
	Transfer *payment.Attempt
}

// Customers says whether a customer may order: Standing returns nil, or
// the error that refuses them (a blocked account: its
// *account.BlockedError, which is fault.ErrForbidden), read on q;
// *account.Service implements it.
type Customers interface {
	Standing(ctx context.Context, q db.Querier, userID int64) error
}

// Service places checkouts. It is safe for concurrent use.
type Service struct {
	d         *db.DB
	orders    *order.Service
	payments  *payment.Service
	customers Customers
}

// New returns the checkout on d over the order and payment services and
// the customers' standing.
func New(d *db.DB, orders *order.Service, payments *payment.Service, customers Customers) *Service {
	return &Service{d: d, orders: orders, payments: payments, customers: customers}
}

// maxNumberTries bounds the placing transactions tried when the order
// number drawn is taken already (about one in 10^12 per order of the
// same day).
const maxNumberTries = 5

// Preview prices the customer's selected cart lines as Place would and
// stores nothing (see order.Service.Preview).
func (s *Service) Preview(ctx context.Context, in order.PlaceInput) (order.Preview, error) {
	return s.orders.Preview(ctx, in)
}

// Place turns the customer's selected cart lines into an order in one
// transaction: the order with its lines, the coupon's use, the points spent,
// the lines' removal from the cart, the bank transfer it waits for when it
// is paid that way, and last the stock. Anything that fails rolls all of it
// back. A key placed before by the same customer returns that order (marked
// Repeated) and its transfer, and changes nothing, also when both requests
// arrive together.
//
// Errors: *fault.Invalid naming every field the customer must fix, as
// order.Service.Prepare and payment.Service.PrepareTransfer name them; the
// customer's standing when staff blocked them (checked first, and again in
// the placing transaction).
func (s *Service) Place(ctx context.Context, in Input) (Placed, error) {
	if err := s.customers.Standing(ctx, s.d.Read(), in.UserID); err != nil {
		return Placed{}, err
	}
	var t payment.Transfer
	refused := &fault.Invalid{}
	if strings.TrimSpace(in.PaymentMethod) == payment.BankTransfer {
		var err error
		t, err = s.payments.PrepareTransfer(ctx, in.Depositor, in.CashReceipt)
		if inv, ok := fault.AsInvalid(err); ok {
			// Checked on: the customer learns of every field at once.
			for f, m := range inv.Fields {
				refused.Add(f, m)
			}
		} else if err != nil {
			return Placed{}, err
		}
		in.AwaitDepositUntil = t.Due
	}
	d, err := s.orders.Prepare(ctx, in.PlaceInput)
	if inv, ok := fault.AsInvalid(err); ok {
		for f, m := range inv.Fields {
			refused.Add(f, m)
		}
	} else if err != nil {
		return Placed{}, err
	}
	if err := refused.Err(); err != nil {
		return Placed{}, err
	}
	if d.Placed {
		return s.repeated(ctx, d.Order)
	}
	for try := 0; ; try++ {
		p, err := s.place(ctx, d, t)
		switch {
		case err == nil:
			s.orders.Placed(ctx, p.Order)
			return p, nil
		case errors.Is(err, order.ErrNumberTaken):
			// The clash may have been the key rather than the number:
			// another request of this checkout committed first.
			o, ok, kerr := s.orders.ByKey(ctx, in.UserID, in.IdempotencyKey)
			if kerr != nil {
				return Placed{}, kerr
			}
			if ok {
				return s.repeated(ctx, o)
			}
			if try+1 < maxNumberTries {
				continue
			}
		}
		if _, ok := fault.AsInvalid(err); ok {
			return Placed{}, err
		}
		return Placed{}, fmt.Errorf("place order for user %d: %w", in.UserID, err)
	}
}

// place stores draft d, with transfer t when the order waits for one, in
// one transaction.
func (s *Service) place(ctx context.Context, d order.Draft, t payment.Transfer) (Placed, error) {
	var p Placed
	err := s.d.InTx(ctx, func(q db.Querier) error {
		if err := s.customers.Standing(ctx, q, d.Order.UserID); err != nil {
			return err
		}
		o, err := s.orders.Store(ctx, q, d)
		if err != nil {
			return err
		}
		if o.Status == order.AwaitingDeposit {
			a, err := s.payments.RecordTransfer(ctx, q, o, t)
			if err != nil {
				return err
			}
			p.Transfer = &a
		}
		if err := s.orders.TakeStock(ctx, q, &o); err != nil {
			return err
		}
		p.Order = o
		return s.payments.MailPlaced(ctx, q, o, p.Transfer)
	})
	if err != nil {
		return Placed{}, err
	}
	return p, nil
}

// repeated returns an order placed before with the checkout's key, with
// the transfer it waits for.
func (s *Service) repeated(ctx context.Context, o order.Order) (Placed, error) {
	p := Placed{Order: o}
	if o.Status != order.AwaitingDeposit {
		return p, nil
	}
	a, ok, err := s.payments.AwaitedTransfer(ctx, o.ID)
	if err != nil {
		return Placed{}, err
	}
	if ok {
		p.Transfer = &a
	}
	return p, nil
}
