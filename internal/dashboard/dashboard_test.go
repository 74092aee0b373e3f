package dashboard_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/dashboard"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/jobs"
	"github.com/mallang/mallang/internal/kst"
)

// now is 14:00 on Monday 7 December 2026 in Korea (05:00 UTC).
var now = time.Date(2026, 12, 7, 14, 0, 0, 0, kst.Zone)

// fixture writes rows straight into the tables the dashboard counts.
type fixture struct {
	t    *testing.T
	d    *db.DB
	user int64
	n    int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	d := dbtest.New(t)
	if err := jobs.Migrate(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, d: d}
	f.user = f.member("buyer@example.com", "customer", now.Add(-400*24*time.Hour))
	return f
}

func (f *fixture) exec(query string, args ...any) int64 {
	f.t.Helper()
	q := f.d.Write()
	var id int64
	if err := q.QueryRowxContext(context.Background(), q.Rebind(query+" RETURNING id"), args...).Scan(&id); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func (f *fixture) member(email, role string, at time.Time) int64 {
	f.t.Helper()
	return f.exec(`INSERT INTO users (email, role, created_at, updated_at) VALUES (?, ?, ?, ?)`, email, role, at.UTC(), at.UTC())
}

// order writes an order in status, last changed at updated, with pay_by
// when not zero.
func (f *fixture) order(status string, updated, payBy time.Time) int64 {
	f.t.Helper()
	f.n++
	var pb any
	if !payBy.IsZero() {
		pb = payBy.UTC()
	}
	return f.exec(`INSERT INTO orders (number, user_id, status, channel, idempotency_key, payment_method, subtotal_minor,
		total_minor, breakdown, pay_by, created_at, updated_at) VALUES (?, ?, ?, 'pc_web', ?, 'card', 1000, 1000, '{}', ?, ?, ?)`,
		fmt.Sprintf("20261207-T%07d", f.n), f.user, status, fmt.Sprintf("k%d", f.n), pb, updated.UTC(), updated.UTC())
}

func (f *fixture) returnRequest(status string) {
	f.t.Helper()
	o := f.order("return_requested", now, time.Time{})
	f.exec(`INSERT INTO returns (order_id, user_id, order_number, kind, reason, status) VALUES (?, ?, 'n', 'return', 'defect', ?)`,
		o, f.user, status)
}

func (f *fixture) inquiry(status string) {
	f.t.Helper()
	f.exec(`INSERT INTO inquiries (user_id, kind, title, body, status) VALUES (?, 'other', '문의', '내용', ?)`, f.user, status)
}

// question writes a product question, answered or not.
func (f *fixture) question(answered bool) {
	f.t.Helper()
	f.n++
	cat := f.exec(`INSERT INTO categories (slug, name) VALUES (?, '분류')`, fmt.Sprintf("q%d", f.n))
	p := f.exec(`INSERT INTO products (seller_id, category_id, name, status) VALUES (1, ?, '상품', 'active')`, cat)
	var at any
	if answered {
		at = now.UTC()
	}
	f.exec(`INSERT INTO product_questions (product_id, user_id, body, answered_at) VALUES (?, ?, '문의', ?)`, p, f.user, at)
}

// variant writes a variant of a new product in productStatus.
func (f *fixture) variant(stock, low int64, active bool, productStatus string) {
	f.t.Helper()
	f.n++
	cat := f.exec(`INSERT INTO categories (slug, name) VALUES (?, '분류')`, fmt.Sprintf("c%d", f.n))
	p := f.exec(`INSERT INTO products (seller_id, category_id, name, status) VALUES (1, ?, '상품', ?)`, cat, productStatus)
	f.exec(`INSERT INTO variants (product_id, sku, price_minor, stock, low_stock, active) VALUES (?, ?, 1000, ?, ?, ?)`,
		p, fmt.Sprintf("SKU-%d", f.n), stock, low, active)
}

func (f *fixture) job(state string, finalized bool) {
	f.t.Helper()
	var fin any
	if finalized {
		fin = now.UTC()
	}
	f.exec(`INSERT INTO river_job (args, kind, max_attempts, state, finalized_at, queue, priority, scheduled_at, created_at)
		VALUES ('{}', 'mail_delivery', 8, ?, ?, 'default', 1, ?, ?)`, state, fin, now.UTC(), now.UTC())
}

// seed writes a shop with every kind of work to do; want is what it
// holds.
func seed(f *fixture) dashboard.Todo {
	day := 24 * time.Hour
	today := func(h int) time.Time { return time.Date(2026, 12, 7, h, 0, 0, 0, kst.Zone) }
	f.order("awaiting_deposit", now.Add(-day), today(20))                     // due tonight
	f.order("awaiting_deposit", now.Add(-day), today(23).Add(59*time.Minute)) // due just before midnight
	f.order("awaiting_deposit", now.Add(-2*day), today(0).Add(-time.Hour))    // overdue since last night
	f.order("awaiting_deposit", now, today(0).Add(day))                       // due at midnight: tomorrow
	f.order("awaiting_deposit", now, today(10).Add(day))                      // due tomorrow
	f.order("pending_payment", now, today(15))                                // a card payment, not a deposit
	f.order("paid", now, time.Time{})                                         // to prepare
	f.order("paid", now.Add(-10*day), time.Time{})                            // to prepare
	f.order("preparing", now.Add(-4*day), time.Time{})                        // stuck
	f.order("preparing", now.Add(-3*day-time.Minute), time.Time{})            // stuck, just
	f.order("preparing", now.Add(-3*day), time.Time{})                        // three days exactly: not yet
	f.order("preparing", now.Add(-2*day), time.Time{})                        // fine
	f.order("shipped", now.Add(-20*day), time.Time{})                         // on its way
	f.order("cancelled", now.Add(-20*day), time.Time{})                       // done
	f.returnRequest("requested")
	f.returnRequest("requested")
	f.returnRequest("approved")
	f.returnRequest("refused")
	f.inquiry("open")
	f.inquiry("open")
	f.inquiry("answered")
	f.question(false)
	f.question(true)
	f.variant(2, 5, true, "active")   // below
	f.variant(5, 5, true, "active")   // at the threshold
	f.variant(0, 0, true, "active")   // sold out
	f.variant(10, 5, true, "active")  // fine
	f.variant(0, 3, false, "active")  // switched off
	f.variant(0, 3, true, "archived") // hidden product
	f.job("discarded", true)
	f.job("discarded", true)
	f.job("completed", true)
	f.job("available", false)
	f.job("retryable", false)
	return dashboard.Todo{AwaitingDeposit: 5, DueToday: 3, Paid: 2, Stuck: 2, ReturnRequests: 2, OpenInquiries: 2, OpenQuestions: 1, LowStock: 3, FailedJobs: 2}
}

// The to-do counts count each kind of work as its list shows it, and only
// the kinds asked for (the staff member may see).
func TestTodo(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	all := seed(f)
	s := dashboard.NewService(f.d, func() time.Time { return now.UTC() })
	tests := []struct {
		name  string
		want  dashboard.Want
		stuck int
		got   dashboard.Todo
	}{
		{"everything", dashboard.Want{Orders: true, Returns: true, Inquiries: true, Stock: true, Jobs: true}, 3, all},
		{"nothing", dashboard.Want{}, 3, dashboard.Todo{}},
		{"orders only", dashboard.Want{Orders: true}, 3, dashboard.Todo{AwaitingDeposit: 5, DueToday: 3, Paid: 2, Stuck: 2}},
		{"orders stuck a day", dashboard.Want{Orders: true}, 1, dashboard.Todo{AwaitingDeposit: 5, DueToday: 3, Paid: 2, Stuck: 4}},
		{"orders stuck a week", dashboard.Want{Orders: true}, 7, dashboard.Todo{AwaitingDeposit: 5, DueToday: 3, Paid: 2, Stuck: 0}},
		{"returns", dashboard.Want{Returns: true}, 3, dashboard.Todo{ReturnRequests: 2}},
		{"inquiries", dashboard.Want{Inquiries: true}, 3, dashboard.Todo{OpenInquiries: 2, OpenQuestions: 1}},
		{"stock", dashboard.Want{Stock: true}, 3, dashboard.Todo{LowStock: 3}},
		{"jobs", dashboard.Want{Jobs: true}, 3, dashboard.Todo{FailedJobs: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Todo(t.Context(), tt.want, tt.stuck)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.got {
				t.Errorf("Todo = %+v, want %+v", got, tt.got)
			}
		})
	}
}

func TestTodoRefusesBadStuckDays(t *testing.T) {
	t.Parallel()
	s := dashboard.NewService(dbtest.New(t), func() time.Time { return now })
	for _, days := range []int{0, -1, dashboard.MaxStuckDays + 1} {
		_, err := s.Todo(t.Context(), dashboard.Want{Orders: true}, days)
		if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["stuck_days"] == "" {
			t.Errorf("stuck %d days: %v", days, err)
		}
	}
}
