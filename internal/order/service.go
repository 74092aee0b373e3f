package order

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/points"
	"github.com/mallang/mallang/internal/promotion"
	"github.com/mallang/mallang/internal/shipping"
)

// Deps are the services orders use, the capabilities below order. Every
// one is required.
type Deps struct {
	Catalog    *catalog.Service
	Cart       *cart.Service
	Addresses  *address.Service
	Coupons    *coupon.Service
	Points     *points.Service
	Shipping   *shipping.Service
	Promotions *promotion.Service
	Keyring    *crypt.Keyring
	// SearchKey keys the blind indexes staff find orders by recipient and
	// phone with (at least 16 bytes, derived from the shop's secret key so
	// every node makes the same; changing it leaves the stored ones
	// unfindable until they are written again: decision 0061).
	SearchKey []byte
	// Audit records staff changes of status (*audit.Log).
	Audit Audit
	// Mailer and Customers send the customer the mails of the order's
	// life (shipped, delivered, cancelled) in the change's transaction.
	Mailer    notify.Mailer
	Customers notify.Contacts
	// Sales counts an order in the statistics in the transaction that
	// pays it (*stats.Service).
	Sales Sales
}

// Sales counts, on q, order orderID that q has just marked paid
// (internal/stats, which sits above order's tables and reads them).
type Sales interface {
	Paid(ctx context.Context, q db.Querier, orderID int64) error
}

// Audit records a staff change in the transaction that makes it;
// *audit.Log implements it.
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// Config holds the order rules an operator may tune.
type Config struct {
	// PayWithin is how long a placed order waits for payment before
	// ExpireUnpaid cancels it; 0 means one hour.
	PayWithin time.Duration
	// PointsValidFor is how long points earned by a completed order stay
	// spendable; 0 means one year.
	PointsValidFor time.Duration
	// ConfirmAfter is how long after delivery ConfirmDelivered confirms an
	// order its customer has not confirmed (자동 구매확정); 0 means 7 days.
	ConfirmAfter time.Duration
	// BaseURL is the shop's public address, for the order's link in mails.
	BaseURL string
	// ExportLimit is the most rows an export writes; 0 means ExportLimit.
	ExportLimit int
	// Terms gives the terms staff change while the shop runs (the shop's
	// settings), read at every use; nil keeps ConfirmAfter above.
	Terms Terms
}

// Terms gives how long after delivery an order confirms itself, as staff
// set it now. It must be cheap (the settings service's cache) and must not
// fail; 0 keeps Config.ConfirmAfter.
type Terms interface {
	ConfirmAfter(ctx context.Context) time.Duration
}

// confirmAfter is how long after delivery an order confirms itself now.
func (s *Service) confirmAfter(ctx context.Context) time.Duration {
	if s.cfg.Terms != nil {
		if d := s.cfg.Terms.ConfirmAfter(ctx); d > 0 {
			return d
		}
	}
	return s.cfg.ConfirmAfter
}

// Service places orders and moves them through their life. It is safe for
// concurrent use.
type Service struct {
	d    *db.DB
	deps Deps
	cfg  Config
	now  func() time.Time
	log  *slog.Logger
}

// NewService returns the order service on d.
func NewService(d *db.DB, deps Deps, cfg Config, now func() time.Time, log *slog.Logger) *Service {
	if cfg.PayWithin <= 0 {
		cfg.PayWithin = time.Hour
	}
	if cfg.PointsValidFor <= 0 {
		cfg.PointsValidFor = 365 * 24 * time.Hour
	}
	if cfg.ConfirmAfter <= 0 {
		cfg.ConfirmAfter = 7 * 24 * time.Hour
	}
	if log == nil {
		panic("order: NewService without a logger")
	}
	if len(deps.SearchKey) < 16 {
		panic("order: NewService without a SearchKey of 16 bytes or more")
	}
	if deps.Mailer == nil || deps.Customers == nil || deps.Sales == nil {
		panic("order: NewService without a Mailer, Customers or Sales")
	}
	return &Service{d: d, deps: deps, cfg: cfg, now: now, log: log}
}

// Get returns order orderID of userID with its lines and shipments, or
// fault.ErrNotFound when it does not exist or is someone else's.
func (s *Service) Get(ctx context.Context, userID, orderID int64) (Order, error) {
	o, err := s.load(ctx, s.d.Read(), orderID)
	if err == nil && o.UserID != userID {
		err = fault.ErrNotFound
	}
	if err != nil {
		return Order{}, fmt.Errorf("order %d of user %d: %w", orderID, userID, err)
	}
	return o, nil
}

// ByNumber returns the order of userID with number, as Get does.
func (s *Service) ByNumber(ctx context.Context, userID int64, number string) (Order, error) {
	id, err := orderIDByNumber(ctx, s.d.Read(), userID, number)
	if err != nil {
		return Order{}, fmt.Errorf("order %q of user %d: %w", number, userID, err)
	}
	return s.Get(ctx, userID, id)
}

// Count returns how many orders userID has, all that List pages through.
func (s *Service) Count(ctx context.Context, userID int64) (int, error) {
	return countOrdersOf(ctx, s.d.Read(), userID)
}

// MaxList is the most orders List returns at once.
const MaxList = 100

// List returns the orders of userID, newest first, skipping offset and
// returning at most limit (1 to MaxList), with their lines but without
// shipments or the delivery address, which the list does not show.
func (s *Service) List(ctx context.Context, userID int64, limit, offset int) ([]Order, error) {
	v := &fault.Invalid{}
	if limit < 1 || limit > MaxList {
		v.Add("limit", fmt.Sprintf("must be 1 to %d", MaxList))
	}
	if offset < 0 {
		v.Add("offset", "must not be negative")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	q := s.d.Read()
	rows, err := ordersOf(ctx, q, userID, limit, offset)
	if err != nil {
		return nil, err
	}
	out := make([]Order, len(rows))
	ids := make([]int64, len(rows))
	at := make(map[int64]int, len(rows))
	for i, r := range rows {
		o, err := r.order()
		if err != nil {
			return nil, err
		}
		o.Address, o.DeliveryNote = Address{}, ""
		out[i], ids[i], at[r.ID] = o, r.ID, i
	}
	lines, err := linesOf(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		i := at[l.OrderID]
		out[i].Lines = append(out[i].Lines, l)
	}
	return out, nil
}

// History returns the recorded status changes of order orderID, oldest
// first. Callers show it only to the order's owner (after Get) or to staff.
func (s *Service) History(ctx context.Context, orderID int64) ([]HistoryEntry, error) {
	return historyOf(ctx, s.d.Read(), orderID)
}

// load reads order id with its lines and shipments and decrypts it.
func (s *Service) load(ctx context.Context, q db.Querier, id int64) (Order, error) {
	r, err := orderByID(ctx, q, id)
	if err != nil {
		return Order{}, err
	}
	o, err := s.open(r)
	if err != nil {
		return Order{}, err
	}
	if o.Lines, err = linesOf(ctx, q, []int64{id}); err != nil {
		return Order{}, err
	}
	if o.Shipments, err = shipmentsOf(ctx, q, id); err != nil {
		return Order{}, err
	}
	for i := range o.Shipments {
		sh := &o.Shipments[i]
		u, err := s.deps.Shipping.TrackingURL(ctx, sh.CarrierCode, sh.TrackingNumber)
		switch {
		case err == nil:
			sh.TrackingURL = u
		case errors.Is(err, fault.ErrNotFound):
			// A carrier removed since: the number is still shown.
		default:
			return Order{}, fmt.Errorf("tracking link of shipment %d: %w", sh.ID, err)
		}
	}
	return o, nil
}

// open decrypts a stored order row. The error names the column and row,
// never a value.
func (s *Service) open(r orderRow) (Order, error) {
	o, err := r.order()
	if err != nil {
		return Order{}, err
	}
	if err := crypt.OpenFields(s.deps.Keyring, o.ID, secrets(&o)); err != nil {
		return Order{}, err
	}
	return o, nil
}

// seal encrypts the personal fields of o, bound to o.ID, in place.
func (s *Service) seal(o *Order) error {
	return crypt.SealFields(s.deps.Keyring, o.ID, secrets(o))
}
