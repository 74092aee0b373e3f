package stats

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
)

// Rebuild recomputes the summaries of the Korean days from through to
// (inclusive, "2006-01-02") from the orders and refunds, in one
// transaction: orders paid and refunds done on those days. Orders counted
// before keep the classification recorded when they were paid (their
// customer's grade then); orders never counted are classified now. The
// seeder calls it after writing its history; it also repairs the summaries
// should they ever disagree with the orders. Bad days are *fault.Invalid.
func (s *Service) Rebuild(ctx context.Context, from, to string) error {
	lo, hi, err := dayRange(from, to)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	day := s.d.Dialect.KSTDay
	stmts := []struct {
		what string
		sql  string
		args []any
	}{
		// An order is its customer's first when it comes first among their
		// paid orders by (paid_at, id): numbered once over all paid orders.
		{"classify orders", `INSERT INTO stats_orders (order_id, day, channel, method, grade, customer, created_at, updated_at)
			SELECT o.id, ` + day("o.paid_at") + `, o.channel, o.payment_method,
			COALESCE(g.code, (SELECT code FROM member_grades ORDER BY position LIMIT 1), ''),
			CASE WHEN o.n = 1 THEN 'new' ELSE 'returning' END, ?, ?
			FROM (SELECT id, user_id, channel, payment_method, paid_at,
				ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY paid_at, id) AS n
				FROM orders WHERE paid_at IS NOT NULL) o
			LEFT JOIN member_grade_assignments a ON a.user_id = o.user_id
			LEFT JOIN member_grades g ON g.id = a.grade_id
			WHERE ((o.paid_at >= ? AND o.paid_at < ?)
				OR o.id IN (SELECT order_id FROM payment_refunds WHERE status = 'done' AND done_at >= ? AND done_at < ?))
			AND NOT EXISTS (SELECT 1 FROM stats_orders so WHERE so.order_id = o.id)`,
			[]any{now, now, lo, hi, lo, hi}},
		{"clear sales", `DELETE FROM stats_sales WHERE day >= ? AND day <= ?`, []any{from, to}},
		{"clear items", `DELETE FROM stats_items WHERE day >= ? AND day <= ?`, []any{from, to}},
		{"count orders", `INSERT INTO stats_sales (day, channel, method, grade, customer,
			orders, items, gross, coupon, points, shipping, paid, refunds, refund_count, created_at, updated_at, grade_discount)
			SELECT so.day, so.channel, so.method, so.grade, so.customer, COUNT(*),
			COALESCE(SUM((SELECT SUM(l.quantity) FROM order_lines l WHERE l.order_id = o.id)), 0),
			SUM(o.subtotal_minor), SUM(o.discount_minor), SUM(o.points_used),
			SUM(o.shipping_minor + o.remote_surcharge_minor), SUM(o.total_minor), 0, 0, ?, ?, SUM(o.grade_discount_minor)
			FROM orders o JOIN stats_orders so ON so.order_id = o.id
			WHERE o.paid_at >= ? AND o.paid_at < ?
			GROUP BY so.day, so.channel, so.method, so.grade, so.customer`, []any{now, now, lo, hi}},
		{"count refunds", `INSERT INTO stats_sales (day, channel, method, grade, customer,
			orders, items, gross, coupon, points, shipping, paid, refunds, refund_count, created_at, updated_at)
			SELECT ` + day("r.done_at") + `, so.channel, so.method, so.grade, so.customer,
			0, 0, 0, 0, 0, 0, 0, SUM(r.amount_minor), COUNT(*), ?, ?
			FROM payment_refunds r JOIN stats_orders so ON so.order_id = r.order_id
			WHERE r.status = 'done' AND r.done_at >= ? AND r.done_at < ?
			GROUP BY ` + day("r.done_at") + `, so.channel, so.method, so.grade, so.customer
			ON CONFLICT (day, channel, method, grade, customer) DO UPDATE SET
			refunds = stats_sales.refunds + excluded.refunds, refund_count = stats_sales.refund_count + excluded.refund_count`,
			[]any{now, now, lo, hi}},
		{"count items", `INSERT INTO stats_items (day, variant_id, product_id, category_id, sku, name,
			items, gross, discount, refunded_items, refunds, created_at, updated_at)
			SELECT so.day, l.variant_id, MIN(l.product_id), MIN(p.category_id), MIN(l.sku), MIN(l.name),
			SUM(l.quantity), SUM(l.line_total_minor), SUM(l.discount_minor), 0, 0, ?, ?
			FROM orders o JOIN stats_orders so ON so.order_id = o.id JOIN order_lines l ON l.order_id = o.id
			LEFT JOIN products p ON p.id = l.product_id
			WHERE o.paid_at >= ? AND o.paid_at < ?
			GROUP BY so.day, l.variant_id`, []any{now, now, lo, hi}},
		{"count refunded items", `INSERT INTO stats_items (day, variant_id, product_id, category_id, sku, name,
			items, gross, discount, refunded_items, refunds, created_at, updated_at)
			SELECT ` + day("r.done_at") + `, l.variant_id, MIN(l.product_id), MIN(p.category_id), MIN(l.sku), MIN(l.name),
			0, 0, 0, SUM(l.quantity), SUM(l.line_total_minor - l.discount_minor), ?, ?
			FROM payment_refunds r JOIN payment_refund_lines rl ON rl.refund_id = r.id JOIN order_lines l ON l.id = rl.line_id
			LEFT JOIN products p ON p.id = l.product_id
			WHERE r.status = 'done' AND r.done_at >= ? AND r.done_at < ?
			GROUP BY ` + day("r.done_at") + `, l.variant_id
			ON CONFLICT (day, variant_id) DO UPDATE SET
			refunded_items = stats_items.refunded_items + excluded.refunded_items, refunds = stats_items.refunds + excluded.refunds`,
			[]any{now, now, lo, hi}},
		// The months touched, from their days.
		{"clear months", `DELETE FROM stats_sales_monthly WHERE month >= ? AND month <= ?`, []any{from[:7], to[:7]}},
		{"sum months", `INSERT INTO stats_sales_monthly (month, channel, method, grade, customer,
			orders, items, gross, coupon, points, shipping, paid, refunds, refund_count, created_at, updated_at, grade_discount)
			SELECT substr(day, 1, 7), channel, method, grade, customer, SUM(orders), SUM(items), SUM(gross), SUM(coupon),
			SUM(points), SUM(shipping), SUM(paid), SUM(refunds), SUM(refund_count), ?, ?, SUM(grade_discount)
			FROM stats_sales WHERE day >= ? AND day <= ?
			GROUP BY substr(day, 1, 7), channel, method, grade, customer`, []any{now, now, from[:7] + "-01", to[:7] + "-31"}},
		{"clear item months", `DELETE FROM stats_items_monthly WHERE month >= ? AND month <= ?`, []any{from[:7], to[:7]}},
		{"sum item months", `INSERT INTO stats_items_monthly (month, variant_id, product_id, category_id, sku, name,
			items, gross, discount, refunded_items, refunds, created_at, updated_at)
			SELECT substr(day, 1, 7), variant_id, MIN(product_id), MIN(category_id), MIN(sku), MIN(name),
			SUM(items), SUM(gross), SUM(discount), SUM(refunded_items), SUM(refunds), ?, ?
			FROM stats_items WHERE day >= ? AND day <= ?
			GROUP BY substr(day, 1, 7), variant_id`, []any{now, now, from[:7] + "-01", to[:7] + "-31"}},
		// The products' sold counts (the best-selling sort), from every
		// month.
		{"sold counts", `UPDATE products SET sold_count = COALESCE((SELECT SUM(m.items - m.refunded_items)
			FROM stats_items_monthly m WHERE m.product_id = products.id), 0)`, nil},
		{"clear members", `DELETE FROM stats_members WHERE day >= ? AND day <= ?`, []any{from, to}},
	}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		for _, st := range stmts {
			if _, err := q.ExecContext(ctx, q.Rebind(st.sql), st.args...); err != nil {
				return fmt.Errorf("rebuild statistics %s..%s: %s: %w", from, to, st.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "statistics rebuilt", "from", from, "to", to)
	return nil
}

// dayRange returns the UTC bounds [lo, hi) of the Korean days from..to.
func dayRange(from, to string) (lo, hi time.Time, err error) {
	f, err1 := time.ParseInLocation(DayLayout, from, kst.Zone)
	t, err2 := time.ParseInLocation(DayLayout, to, kst.Zone)
	fields := map[string]string{}
	if err1 != nil {
		fields["from"] = "날짜는 2006-01-02 형식으로 적어 주세요."
	}
	if err2 != nil {
		fields["to"] = "날짜는 2006-01-02 형식으로 적어 주세요."
	}
	if len(fields) == 0 && t.Before(f) {
		fields["to"] = "끝 날짜가 시작 날짜보다 앞설 수 없습니다."
	}
	if len(fields) > 0 {
		return lo, hi, &fault.Invalid{Fields: fields}
	}
	return f.UTC(), t.AddDate(0, 0, 1).UTC(), nil
}
