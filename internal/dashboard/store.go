package dashboard

import (
	"context"
	"sort"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// The counts of Todo, each served by an index: orders_status (status, id)
// for the orders' states, orders_unpaid (pay_by, partial on the unpaid
// states) for the deadline, returns_status and inquiries_status for the
// requests and inquiries, River's (state, …) indexes for the jobs.
// Low stock compares two columns of a variant, which no index orders: it
// reads the active variants, as the catalog's low-stock list does.
const (
	countAwaitingDeposit = `SELECT COUNT(*) FROM orders WHERE status = 'awaiting_deposit'`
	// countDueBefore keeps the partial index's condition so both engines
	// can use it.
	countDueBefore = `SELECT COUNT(*) FROM orders WHERE status IN ('pending_payment', 'awaiting_deposit')
		AND status = 'awaiting_deposit' AND pay_by < ?`
	countPaid  = `SELECT COUNT(*) FROM orders WHERE status = 'paid'`
	countStuck = `SELECT COUNT(*) FROM orders WHERE status = 'preparing' AND updated_at < ?`

	countReturnRequests = `SELECT COUNT(*) FROM returns WHERE status = 'requested'`
	countOpenInquiries  = `SELECT COUNT(*) FROM inquiries WHERE status = 'open'`
	// countOpenQuestions reads the partial index of the waiting questions.
	countOpenQuestions = `SELECT COUNT(*) FROM product_questions WHERE answered_at IS NULL`
	// countLowStock is the condition of catalog.Service.LowStock.
	countLowStock = `SELECT COUNT(*) FROM variants v JOIN products p ON p.id = v.product_id
		WHERE v.active = TRUE AND v.stock <= v.low_stock AND p.deleted_at IS NULL AND p.status <> 'archived'`
	// countFailedJobs: a discarded job always has finalized_at, which lets
	// River's (state, finalized_at) index serve the count.
	countFailedJobs = `SELECT COUNT(*) FROM river_job WHERE state = 'discarded' AND finalized_at IS NOT NULL`
)

// signUpsPerDay counts customers created in each [bounds[i], bounds[i+1]):
// one pass over the sign-ups of the range, read by their time alone and
// counted here, since the engines bucket times into Korean days each their
// own way.
func signUpsPerDay(ctx context.Context, q db.Querier, bounds []time.Time) ([]int64, error) {
	n := len(bounds) - 1
	out := make([]int64, n)
	rows, err := q.QueryContext(ctx, q.Rebind(`SELECT created_at FROM users WHERE role = 'customer'
		AND created_at >= ? AND created_at < ?`), bounds[0], bounds[n])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var at db.Time
		if err := rows.Scan(&at); err != nil {
			return nil, err
		}
		t := time.Time(at)
		// The first bound after t ends its day.
		i := sort.Search(n, func(i int) bool { return bounds[i+1].After(t) })
		if i < n {
			out[i]++
		}
	}
	return out, rows.Err()
}
