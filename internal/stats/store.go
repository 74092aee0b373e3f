package stats

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// paidOrder reads order id as counting it needs; an order not paid is
// fault.ErrConflict.
func paidOrder(ctx context.Context, q db.Querier, id int64) (orderFacts, error) {
	var o orderFacts
	err := q.GetContext(ctx, &o, q.Rebind(`SELECT id, user_id, channel, payment_method, paid_at, subtotal_minor, discount_minor,
		grade_discount_minor, shipping_minor + remote_surcharge_minor AS shipping_minor, points_used, total_minor FROM orders WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return orderFacts{}, fault.ErrNotFound
	}
	if err != nil {
		return orderFacts{}, err
	}
	if o.PaidAt == nil {
		return orderFacts{}, fmt.Errorf("order %d is not paid: %w", id, fault.ErrConflict)
	}
	return o, nil
}

// gradeOf returns the code of user userID's grade: the one assigned, or
// the lowest.
func gradeOf(ctx context.Context, q db.Querier, userID int64) (string, error) {
	var code string
	err := q.GetContext(ctx, &code, q.Rebind(`SELECT COALESCE((SELECT g.code FROM member_grade_assignments a
		JOIN member_grades g ON g.id = a.grade_id WHERE a.user_id = ?),
		(SELECT code FROM member_grades ORDER BY position LIMIT 1), '')`), userID)
	if err != nil {
		return "", fmt.Errorf("grade of user %d: %w", userID, err)
	}
	return code, nil
}

// line is an order line as the item summary counts it.
type line struct {
	VariantID  int64         `db:"variant_id"`
	ProductID  int64         `db:"product_id"`
	CategoryID sql.NullInt64 `db:"category_id"`
	SKU        string        `db:"sku"`
	Name       string        `db:"name"`
	Quantity   int64         `db:"quantity"`
	LineTotal  int64         `db:"line_total_minor"`
	Discount   int64         `db:"discount_minor"`
}

const lineColumns = `l.variant_id, l.product_id, p.category_id, l.sku, l.name, l.quantity, l.line_total_minor, l.discount_minor
	FROM order_lines l LEFT JOIN products p ON p.id = l.product_id`

// orderLines returns the lines of order orderID.
func orderLines(ctx context.Context, q db.Querier, orderID int64) ([]line, error) {
	var ls []line
	if err := q.SelectContext(ctx, &ls, q.Rebind(`SELECT `+lineColumns+` WHERE l.order_id = ? ORDER BY l.id`), orderID); err != nil {
		return nil, fmt.Errorf("lines of order %d: %w", orderID, err)
	}
	return ls, nil
}

// refundedLines returns the lines refund refundID returns.
func refundedLines(ctx context.Context, q db.Querier, refundID int64) ([]line, error) {
	var ls []line
	if err := q.SelectContext(ctx, &ls, q.Rebind(`SELECT `+lineColumns+`
		JOIN payment_refund_lines rl ON rl.line_id = l.id WHERE rl.refund_id = ? ORDER BY l.id`), refundID); err != nil {
		return nil, fmt.Errorf("lines of refund %d: %w", refundID, err)
	}
	return ls, nil
}

// addSales adds f to the day and classification of c, and to its month.
func addSales(ctx context.Context, q db.Querier, c class, f Figures, now time.Time) error {
	for _, t := range []struct{ table, key, value string }{{"stats_sales", "day", c.Day}, {"stats_sales_monthly", "month", c.Day[:7]}} {
		_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO `+t.table+` (`+t.key+`, channel, method, grade, customer,
			orders, items, gross, coupon, points, shipping, paid, refunds, refund_count, created_at, updated_at, grade_discount)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (`+t.key+`, channel, method, grade, customer) DO UPDATE SET
			orders = `+t.table+`.orders + excluded.orders, items = `+t.table+`.items + excluded.items,
			gross = `+t.table+`.gross + excluded.gross, coupon = `+t.table+`.coupon + excluded.coupon,
			grade_discount = `+t.table+`.grade_discount + excluded.grade_discount,
			points = `+t.table+`.points + excluded.points, shipping = `+t.table+`.shipping + excluded.shipping,
			paid = `+t.table+`.paid + excluded.paid, refunds = `+t.table+`.refunds + excluded.refunds,
			refund_count = `+t.table+`.refund_count + excluded.refund_count, updated_at = excluded.updated_at`),
			t.value, c.Channel, c.Method, c.Grade, c.Customer,
			f.Orders, f.Items, f.Gross, f.Coupon, f.Points, f.Shipping, f.Paid, f.Refunds, f.RefundCount, now, now, f.GradeDiscount)
		if err != nil {
			return fmt.Errorf("add sales of %s: %w", t.value, err)
		}
	}
	return nil
}

// itemDelta is what one event adds to a variant's day.
type itemDelta struct {
	Items, Gross, Discount, RefundedItems, Refunds int64
}

// addItem adds d to line l's variant on day and in its month.
func addItem(ctx context.Context, q db.Querier, day string, l line, d itemDelta, now time.Time) error {
	for _, t := range []struct{ table, key, value string }{{"stats_items", "day", day}, {"stats_items_monthly", "month", day[:7]}} {
		_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO `+t.table+` (`+t.key+`, variant_id, product_id, category_id, sku, name,
			items, gross, discount, refunded_items, refunds, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (`+t.key+`, variant_id) DO UPDATE SET
			items = `+t.table+`.items + excluded.items, gross = `+t.table+`.gross + excluded.gross,
			discount = `+t.table+`.discount + excluded.discount,
			refunded_items = `+t.table+`.refunded_items + excluded.refunded_items,
			refunds = `+t.table+`.refunds + excluded.refunds, updated_at = excluded.updated_at`),
			t.value, l.VariantID, l.ProductID, l.CategoryID, l.SKU, l.Name, d.Items, d.Gross, d.Discount, d.RefundedItems, d.Refunds, now, now)
		if err != nil {
			return fmt.Errorf("add variant %d's sales of %s: %w", l.VariantID, t.value, err)
		}
	}
	return nil
}

// addSold adds n (negative for a refund) to the quantity product id has
// sold, which the storefront's best-selling sort reads.
func addSold(ctx context.Context, q db.Querier, id, n int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET sold_count = sold_count + ? WHERE id = ?`), n, id); err != nil {
		return fmt.Errorf("count %d sold of product %d: %w", n, id, err)
	}
	return nil
}
