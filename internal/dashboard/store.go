package dashboard

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
