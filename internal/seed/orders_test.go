package seed

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/stats"
)

// TestOrders writes a small history and checks that it looks like a shop's
// and that the statistics, rebuilt at the end, agree with the orders.
func TestOrders(t *testing.T) {
	t.Parallel()
	d, cat, store := newCatalog(t)
	if _, err := Run(t.Context(), cat, store, Options{Products: 30}, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	st := stats.NewService(d, func() time.Time { return now }, slog.New(slog.DiscardHandler))
	var progress strings.Builder
	out, err := Orders(t.Context(), d, st, OrderOptions{Orders: 6000, Rand: 7, Now: now}, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if out.Orders != 6000 || count(t, d, `SELECT COUNT(*) FROM orders`) != 6000 {
		t.Fatalf("wrote %+v, %d orders", out, count(t, d, `SELECT COUNT(*) FROM orders`))
	}
	if out.From != "2024-12-08" || out.To != "2026-12-07" {
		t.Errorf("days %s..%s, want two years up to 2026-12-07", out.From, out.To)
	}
	if !strings.Contains(progress.String(), "주문 6,000 / 6,000 (100%)") {
		t.Errorf("progress:\n%s", progress.String())
	}
	for _, c := range []struct {
		name, query string
		min         int
	}{
		{"lines", `SELECT COUNT(*) FROM order_lines`, 12000},
		{"whole refunds", `SELECT COUNT(*) FROM orders WHERE status = 'refunded'`, 100},
		{"partial refunds", `SELECT COUNT(*) FROM orders WHERE status = 'partially_refunded'`, 30},
		{"never paid", `SELECT COUNT(*) FROM orders WHERE paid_at IS NULL`, 100},
		{"coupons", `SELECT COUNT(*) FROM orders WHERE discount_minor > 0`, 300},
		{"points", `SELECT COUNT(*) FROM orders WHERE points_used > 0`, 200},
		{"members who never ordered", `SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)`, 200},
		{"returning customers", `SELECT COUNT(*) FROM stats_orders WHERE customer = 'returning'`, 2000},
		{"api orders", `SELECT COUNT(*) FROM orders WHERE channel = 'api'`, 500},
		{"bank transfers", `SELECT COUNT(*) FROM orders WHERE payment_method = 'bank_transfer'`, 500},
	} {
		if n := count(t, d, c.query); n < c.min {
			t.Errorf("%s: %d, want at least %d", c.name, n, c.min)
		}
	}
	// The summaries hold every paid order and every refund.
	var sum struct {
		Orders  int64 `db:"orders"`
		Paid    int64 `db:"paid"`
		Refunds int64 `db:"refunds"`
	}
	if err := d.Read().GetContext(t.Context(), &sum, `SELECT COALESCE(SUM(orders), 0) AS orders, COALESCE(SUM(paid), 0) AS paid,
		COALESCE(SUM(refunds), 0) AS refunds FROM stats_sales`); err != nil {
		t.Fatal(err)
	}
	if want := count(t, d, `SELECT COUNT(*) FROM orders WHERE paid_at IS NOT NULL`); sum.Orders != int64(want) {
		t.Errorf("summaries count %d orders, the orders %d", sum.Orders, want)
	}
	if want := count(t, d, `SELECT SUM(total_minor) FROM orders WHERE paid_at IS NOT NULL`); sum.Paid != int64(want) {
		t.Errorf("summaries paid %d, the orders %d", sum.Paid, want)
	}
	if want := count(t, d, `SELECT SUM(amount_minor) FROM payment_refunds WHERE status = 'done'`); sum.Refunds != int64(want) {
		t.Errorf("summaries refunds %d, the refunds %d", sum.Refunds, want)
	}
	// Seasons: November and December sell more than the average month.
	rows, err := st.Sales(t.Context(), stats.Range{From: "2025-01-01", To: "2025-12-31"}, stats.Monthly)
	if err != nil {
		t.Fatal(err)
	}
	var year int64
	for _, r := range rows {
		year += r.Orders
	}
	if nov := rows[10].Orders; nov*12 < year*13/10 {
		t.Errorf("November 2025 has %d orders of %d in the year: no season", nov, year)
	}
}
