package returns

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/shipping"
)

// Orders is the order service's side of a return: reading the order and
// moving it on the returns service's transaction (*order.Service).
type Orders interface {
	AdminGet(ctx context.Context, orderID int64) (order.Order, error)
	OpenReturn(ctx context.Context, q db.Querier, orderID int64, actor order.Actor, reason string) (order.Order, error)
	CloseReturn(ctx context.Context, q db.Querier, orderID int64, actor order.Actor, reason string) error
	ReceiveReturn(ctx context.Context, q db.Querier, orderID int64, restock []int64, actor order.Actor, reason string) error
	// ShipExchange takes the carrier read before the transaction: it
	// must not wait for another connection while it holds the order.
	ShipExchange(ctx context.Context, q db.Querier, orderID int64, carrier shipping.Carrier, trackingNumber string,
		restock, take []int64, actor order.Actor) error
}

// Payments is the payment service's side: which payment took the money
// (does its refund need an account?) and the refund itself
// (*payment.Service).
type Payments interface {
	Attempts(ctx context.Context, orderID int64) ([]payment.Attempt, error)
	Refund(ctx context.Context, in payment.RefundInput) (payment.Refund, error)
}

// Media stores the photos (*media.Store).
type Media interface {
	Put(ctx context.Context, key, contentType string, r io.Reader) error
}

// Carriers names the carriers a parcel may go with (*shipping.Service).
type Carriers interface {
	Carrier(ctx context.Context, code string) (shipping.Carrier, error)
}

// Audit records a change in the transaction that makes it (*audit.Log).
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// Deps are what the returns service uses; every one is required.
type Deps struct {
	Orders    Orders
	Payments  Payments
	Media     Media
	Carriers  Carriers
	Audit     Audit
	Keyring   *crypt.Keyring
	Mailer    notify.Mailer
	Customers notify.Contacts
}

// Config holds the returns rules an operator sets.
type Config struct {
	// Fee is the return shipping, round trip, a customer pays for a change
	// of mind, in won (MALLANG_RETURN_FEE).
	Fee int64
	// BaseURL is the shop's public address, for the order's link in mails.
	BaseURL string
	// AdminURL is the back office's address (BaseURL + its path), for the
	// request's link in the staff mail.
	AdminURL string
	// StaffEmail receives the staff mail of a new request; empty sends
	// none.
	StaffEmail string
	// Fees gives the fee staff set while the shop runs (the shop's
	// settings), read at every request; nil keeps Fee above.
	Fees Fees
}

// Fees gives the return shipping a customer pays for a change of mind, in
// won, as staff set it now. It must be cheap (the settings service's
// cache) and must not fail.
type Fees interface {
	ReturnFee(ctx context.Context) int64
}

// Service takes return and exchange requests and moves them through their
// steps. It is safe for concurrent use.
type Service struct {
	d    *db.DB
	deps Deps
	cfg  Config
	now  func() time.Time
	log  *slog.Logger
}

// NewService returns the returns service on d.
func NewService(d *db.DB, deps Deps, cfg Config, now func() time.Time, log *slog.Logger) *Service {
	if deps.Orders == nil || deps.Payments == nil || deps.Media == nil || deps.Carriers == nil || deps.Audit == nil ||
		deps.Keyring == nil || deps.Mailer == nil || deps.Customers == nil || log == nil {
		panic("returns: NewService without every dependency")
	}
	if cfg.Fee < 0 {
		panic("returns: a negative return fee")
	}
	return &Service{d: d, deps: deps, cfg: cfg, now: now, log: log}
}

// Fee is the return shipping a customer pays for a change of mind now, in
// won.
func (s *Service) Fee(ctx context.Context) int64 {
	if s.cfg.Fees != nil {
		return s.cfg.Fees.ReturnFee(ctx)
	}
	return s.cfg.Fee
}

// The encrypted columns of a return's refund account, bound to its id.
var (
	numberColumn = crypt.Column{Table: "returns", IDColumn: "id", Column: "refund_number_enc"}
	holderColumn = crypt.Column{Table: "returns", IDColumn: "id", Column: "refund_holder_enc"}
)

// EncryptedColumns are the columns of personal data this package stores
// encrypted, for key rotation.
func EncryptedColumns() []crypt.Column { return []crypt.Column{numberColumn, holderColumn} }

// NeedsAccount reports whether a refund of order orderID goes to an account
// the customer names (the money came by bank transfer or into a virtual
// account), so the request form asks for it.
func (s *Service) NeedsAccount(ctx context.Context, orderID int64) (bool, error) {
	as, err := s.deps.Payments.Attempts(ctx, orderID)
	if err != nil {
		return false, fmt.Errorf("payments of order %d: %w", orderID, err)
	}
	for _, a := range as {
		if a.Status.Captured() {
			return a.RefundsToAccount(), nil
		}
	}
	return false, nil
}

// Get returns request id for staff; fault.ErrNotFound when there is none.
func (s *Service) Get(ctx context.Context, id int64) (Return, error) {
	return s.getOn(ctx, s.d.Read(), id)
}

// getOn reads request id on q, with its lines, photos and account.
func (s *Service) getOn(ctx context.Context, q db.Querier, id int64) (Return, error) {
	r, err := returnByID(ctx, q, id)
	if err != nil {
		return Return{}, err
	}
	return s.load(ctx, q, r)
}

// Mine returns request id of customer userID; fault.ErrNotFound when there
// is none or it is someone else's.
func (s *Service) Mine(ctx context.Context, userID, id int64) (Return, error) {
	rt, err := s.Get(ctx, id)
	if err == nil && rt.UserID != userID {
		err = fmt.Errorf("return %d: %w", id, fault.ErrNotFound)
	}
	return rt, err
}

// OfOrder returns the requests of order orderID, newest first. Callers show
// them only to the order's owner (after checking it) or to staff.
func (s *Service) OfOrder(ctx context.Context, orderID int64) ([]Return, error) {
	rs, err := returnsOfOrder(ctx, s.d.Read(), orderID)
	if err != nil {
		return nil, err
	}
	return s.loadAll(ctx, rs)
}

// List returns the requests of f for staff, newest first. *fault.Invalid
// for an unknown status or a bad page.
func (s *Service) List(ctx context.Context, f Filter) ([]Return, error) {
	v := &fault.Invalid{}
	if f.Status != "" && f.Status != "open" && !Status(f.Status).Valid() {
		v.Add("status", "is not a return status")
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	if f.Limit < 1 || f.Limit > MaxList {
		v.Add("limit", fmt.Sprintf("must be 1 to %d", MaxList))
	}
	if f.Offset < 0 {
		v.Add("offset", "must not be negative")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	rs, err := returnsWhere(ctx, s.d.Read(), f)
	if err != nil {
		return nil, err
	}
	return s.loadAll(ctx, rs)
}

// Count returns how many requests List lists under f on all its pages (f's
// Limit and Offset do not matter); *fault.Invalid for an unknown status.
func (s *Service) Count(ctx context.Context, f Filter) (int, error) {
	if f.Status != "" && f.Status != "open" && !Status(f.Status).Valid() {
		return 0, &fault.Invalid{Fields: map[string]string{"status": "is not a return status"}}
	}
	return countReturns(ctx, s.d.Read(), f)
}

func (s *Service) loadAll(ctx context.Context, rs []row) ([]Return, error) {
	return s.loadOn(ctx, s.d.Read(), rs)
}

// load is r with its lines, photos and decrypted account.
func (s *Service) load(ctx context.Context, q db.Querier, r row) (Return, error) {
	rts, err := s.loadOn(ctx, q, []row{r})
	if err != nil {
		return Return{}, err
	}
	return rts[0], nil
}

// loadOn is rs with their lines, photos and decrypted accounts, read on q
// in two queries however many there are.
func (s *Service) loadOn(ctx context.Context, q db.Querier, rs []row) ([]Return, error) {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	lines, err := linesByReturn(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	photos, err := photosByReturn(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Return, 0, len(rs))
	for _, r := range rs {
		rt := Return{ID: r.ID, OrderID: r.OrderID, UserID: r.UserID, Number: r.Number, Kind: Kind(r.Kind),
			Reason: Reason(r.Reason), Note: r.Note, Status: Status(r.Status), Fee: r.Fee, Refusal: r.Refusal,
			BackCarrier: r.BackCarrier, BackTracking: r.BackTracking, SelfSent: r.SelfSent, Resellable: r.Resellable,
			RefundID: r.RefundID.Int64, ExchangeCarrier: r.ExchangeCarrier, ExchangeTracking: r.ExchangeTracking,
			CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), Lines: lines[r.ID], Photos: photos[r.ID]}
		if r.Bank != "" {
			acc := payment.BankAccount{Bank: r.Bank, Account: r.NumberEnc, Holder: r.HolderEnc}
			if err := crypt.OpenFields(s.deps.Keyring, r.ID, []crypt.Field{
				{Column: numberColumn, Value: &acc.Account}, {Column: holderColumn, Value: &acc.Holder},
			}); err != nil {
				return nil, fmt.Errorf("open return %d: %w", r.ID, err)
			}
			rt.Account = &acc
		}
		out = append(out, rt)
	}
	return out, nil
}

// stamp is the service's now, as stored.
func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// audited records actor's action on return rt with detail, on q; the
// entry names a customer or a staff member by user id and says which.
func (s *Service) audited(ctx context.Context, q db.Querier, actor order.Actor, action string, rt row, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	detail["number"] = rt.Number
	detail["order_id"] = rt.OrderID
	detail["by"] = string(actor.Kind)
	by := actor.Audit
	by.UserID = actor.ID
	if err := s.deps.Audit.Record(ctx, q, by.Entry(action, "return", strconv.FormatInt(rt.ID, 10), detail)); err != nil {
		return fmt.Errorf("audit %s of return %d: %w", action, rt.ID, err)
	}
	return nil
}

// staffOnly refuses anyone but a named staff member.
func staffOnly(actor order.Actor) error {
	if actor.Kind != order.ByStaff || actor.ID <= 0 {
		return fmt.Errorf("only staff move a return: %w", fault.ErrForbidden)
	}
	return nil
}

// reader is data as the io.Reader Media.Put takes.
func reader(data []byte) io.Reader { return bytes.NewReader(data) }
