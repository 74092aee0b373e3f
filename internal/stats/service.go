package stats

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Service keeps and reads the statistics. It is safe for concurrent use.
type Service struct {
	d   *db.DB
	now func() time.Time
	log *slog.Logger
}

// NewService returns the statistics of the shop in d.
func NewService(d *db.DB, now func() time.Time, log *slog.Logger) *Service {
	return &Service{d: d, now: now, log: log}
}

// orderFacts is what counting a paid order reads of it.
type orderFacts struct {
	ID       int64    `db:"id"`
	UserID   int64    `db:"user_id"`
	Channel  string   `db:"channel"`
	Method   string   `db:"payment_method"`
	PaidAt   *db.Time `db:"paid_at"`
	Subtotal int64    `db:"subtotal_minor"`
	Discount int64    `db:"discount_minor"`
	Grade    int64    `db:"grade_discount_minor"`
	Shipping int64    `db:"shipping_minor"`
	Points   int64    `db:"points_used"`
	Total    int64    `db:"total_minor"`
}

// class is how a counted order is classified (a row of stats_orders).
type class struct {
	Day      string `db:"day"`
	Channel  string `db:"channel"`
	Method   string `db:"method"`
	Grade    string `db:"grade"`
	Customer string `db:"customer"`
}

// Paid counts order orderID, which q (the transaction that paid it) has
// just marked paid, on the Korean day of its paid_at. Counting an order
// twice counts it once. An order without paid_at is fault.ErrConflict.
func (s *Service) Paid(ctx context.Context, q db.Querier, orderID int64) error {
	o, err := paidOrder(ctx, q, orderID)
	if err != nil {
		return fmt.Errorf("count paid order %d: %w", orderID, err)
	}
	c, fresh, err := s.classify(ctx, q, o)
	if err != nil || !fresh {
		return err // !fresh: counted already
	}
	lines, err := orderLines(ctx, q, orderID)
	if err != nil {
		return err
	}
	f := Figures{Orders: 1, Gross: o.Subtotal, Coupon: o.Discount, GradeDiscount: o.Grade, Points: o.Points, Shipping: o.Shipping, Paid: o.Total}
	for _, l := range lines {
		f.Items += l.Quantity
	}
	now := s.now().UTC()
	if err := addSales(ctx, q, c, f, now); err != nil {
		return err
	}
	for _, l := range lines {
		if err := addItem(ctx, q, c.Day, l, itemDelta{Items: l.Quantity, Gross: l.LineTotal, Discount: l.Discount}, now); err != nil {
			return err
		}
		if err := addSold(ctx, q, l.ProductID, l.Quantity); err != nil {
			return err
		}
	}
	return nil
}

// Refunded counts refund refundID, which q has just recorded done, on the
// Korean day of its done_at, under the classification of its order: the
// money under refunds, the lines it returns under the variants' refunds.
// A refund not done is fault.ErrConflict.
func (s *Service) Refunded(ctx context.Context, q db.Querier, refundID int64) error {
	var r struct {
		OrderID int64    `db:"order_id"`
		Amount  int64    `db:"amount_minor"`
		DoneAt  *db.Time `db:"done_at"`
		Status  string   `db:"status"`
	}
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT order_id, amount_minor, done_at, status FROM payment_refunds WHERE id = ?`), refundID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("count refund %d: %w", refundID, fault.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("count refund %d: %w", refundID, err)
	}
	if r.Status != "done" || r.DoneAt == nil {
		return fmt.Errorf("count refund %d, which is %s: %w", refundID, r.Status, fault.ErrConflict)
	}
	o, err := paidOrder(ctx, q, r.OrderID)
	if err != nil {
		return fmt.Errorf("count refund %d: %w", refundID, err)
	}
	c, _, err := s.classify(ctx, q, o)
	if err != nil {
		return err
	}
	c.Day = Day(time.Time(*r.DoneAt))
	now := s.now().UTC()
	if err := addSales(ctx, q, c, Figures{Refunds: r.Amount, RefundCount: 1}, now); err != nil {
		return err
	}
	lines, err := refundedLines(ctx, q, refundID)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if err := addItem(ctx, q, c.Day, l, itemDelta{RefundedItems: l.Quantity, Refunds: l.LineTotal - l.Discount}, now); err != nil {
			return err
		}
		if err := addSold(ctx, q, l.ProductID, -l.Quantity); err != nil {
			return err
		}
	}
	return nil
}

// classify returns the classification of paid order o, recording it when
// it is not yet (fresh).
func (s *Service) classify(ctx context.Context, q db.Querier, o orderFacts) (class, bool, error) {
	var c class
	err := q.GetContext(ctx, &c, q.Rebind(`SELECT day, channel, method, grade, customer FROM stats_orders WHERE order_id = ?`), o.ID)
	if err == nil {
		return c, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return c, false, fmt.Errorf("classification of order %d: %w", o.ID, err)
	}
	paid := time.Time(*o.PaidAt)
	c = class{Day: Day(paid), Channel: o.Channel, Method: o.Method}
	if c.Grade, err = gradeOf(ctx, q, o.UserID); err != nil {
		return c, false, err
	}
	var earlier int
	if err := q.GetContext(ctx, &earlier, q.Rebind(`SELECT COUNT(*) FROM orders WHERE user_id = ? AND paid_at IS NOT NULL
		AND (paid_at < ? OR (paid_at = ? AND id < ?))`), o.UserID, paid, paid, o.ID); err != nil {
		return c, false, fmt.Errorf("earlier orders of order %d's customer: %w", o.ID, err)
	}
	c.Customer = NewCustomer
	if earlier > 0 {
		c.Customer = ReturningCustomer
	}
	now := s.now().UTC()
	if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO stats_orders (order_id, day, channel, method, grade, customer, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), o.ID, c.Day, c.Channel, c.Method, c.Grade, c.Customer, now, now); err != nil {
		return c, false, fmt.Errorf("classify order %d: %w", o.ID, err)
	}
	return c, true, nil
}
