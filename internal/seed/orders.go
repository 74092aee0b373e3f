package seed

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
)

// OrderOptions tune Orders.
type OrderOptions struct {
	// Orders is how many orders to write over the two years.
	Orders int
	// Rand seeds the generator: the same seed, size, catalog and Now give
	// the same history.
	Rand int64
	// Now ends the history (the current time when zero); it starts two
	// years (730 Korean days) before.
	Now time.Time
}

// OrderStats counts what Orders wrote.
type OrderStats struct {
	Members, Orders, Lines, Refunds int
	From, To                        string // the Korean days covered
}

// Rebuilder recomputes the sales statistics of Korean days from..to from
// the orders (*stats.Service).
type Rebuilder interface {
	Rebuild(ctx context.Context, from, to string) error
}

// orderBatch is how many orders go to the database per transaction.
const orderBatch = 5000

// Orders writes a believable history of opt.Orders orders over two years
// for the products of the catalog in d: more on weekdays and evenings, more
// in November and December and in the two weeks before 설 and 추석, growing
// over the years; the three channels; cards (Toss Payments, PortOne),
// KakaoPay, PayPal, bank transfers (often paid the next day) and virtual
// accounts; coupons and points on some orders, shipping below 50,000 won;
// new customers joining (some never order) and returning ones; a few
// orders never paid, a few refunded whole or in part some days later. The
// rows are written directly with multi-row inserts, orderBatch orders per
// transaction, and the statistics are rebuilt at the end, so a million
// orders take minutes. Payment attempts are written only for the refunded
// orders (a refund needs one). Progress goes to progress. A catalog without
// active variants is *fault.Invalid.
func Orders(ctx context.Context, d *db.DB, st Rebuilder, opt OrderOptions, progress io.Writer) (OrderStats, error) {
	if progress == nil {
		progress = io.Discard
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	rnd := rand.New(rand.NewPCG(uint64(opt.Rand), 0x5eed0)) //nolint:gosec // a demo, not a secret
	vs, err := seedVariants(ctx, d)
	if err != nil {
		return OrderStats{}, err
	}
	if len(vs) == 0 {
		return OrderStats{}, &fault.Invalid{Fields: map[string]string{"--orders": "the catalog has no products to order: seed products first"}}
	}
	g := &history{d: d, rnd: rnd, vs: vs, now: opt.Now.UTC()}
	// Popular products sell far more (a Zipf-like curve).
	perm := rnd.Perm(len(vs))
	g.cum = make([]float64, len(vs))
	total := 0.0
	for i, p := range perm {
		total += 1 / float64(p+1)
		g.cum[i] = total
	}
	if err := g.startIDs(ctx); err != nil {
		return OrderStats{}, err
	}
	end := opt.Now.In(kst.Zone)
	last := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, kst.Zone)
	first := last.AddDate(0, 0, -729)
	days := []time.Time{}
	weights := []float64{}
	sum := 0.0
	for day := first; !day.After(last); day = day.AddDate(0, 0, 1) {
		w := dayWeight(day, first)
		days, weights = append(days, day), append(weights, w)
		sum += w
	}
	out := OrderStats{From: first.Format("2006-01-02"), To: last.Format("2006-01-02")}
	acc := 0.0
	placed := 0
	for i, day := range days {
		acc += weights[i] / sum * float64(opt.Orders)
		n := int(acc+0.5) - placed
		if i == len(days)-1 {
			n = opt.Orders - placed
		}
		for _, at := range g.moments(day, n) {
			g.order(at)
		}
		placed += n
		if len(g.orders) >= orderBatch || i == len(days)-1 {
			if err := g.flush(ctx, &out); err != nil {
				return out, err
			}
			fmt.Fprintf(progress, "주문 %s / %s (%d%%) — %s\n", thousands(out.Orders), thousands(opt.Orders),
				out.Orders*100/max(1, opt.Orders), day.Format("2006-01-02"))
		}
	}
	for _, t := range []string{"users", "orders", "order_lines", "payment_attempts", "payment_refunds"} {
		if q := d.Dialect.SyncIdentity(t); q != "" {
			if _, err := d.Write().ExecContext(ctx, q); err != nil {
				return out, fmt.Errorf("seed orders: ids of %s: %w", t, err)
			}
		}
	}
	fmt.Fprintf(progress, "매출 통계 계산 중 (%s ~ %s)…\n", out.From, out.To)
	if err := st.Rebuild(ctx, out.From, out.To); err != nil {
		return out, err
	}
	return out, nil
}

// dayWeight is how busy day is: the weekday, the season, the weeks before
// 설 and 추석 (and their quiet holidays), and growth since first.
func dayWeight(day, first time.Time) float64 {
	weekly := [7]float64{0.9, 1.15, 1.1, 1.05, 1.0, 0.95, 0.8} // Sunday first
	monthly := [12]float64{0.95, 0.9, 0.95, 0.95, 1.0, 0.95, 0.9, 0.9, 1.0, 1.05, 1.5, 1.4}
	w := weekly[day.Weekday()] * monthly[day.Month()-1]
	for _, h := range holidays {
		hd, _ := time.ParseInLocation("2006-01-02", h, kst.Zone)
		switch diff := hd.Sub(day).Hours() / 24; {
		case diff >= 1 && diff <= 14:
			w *= 1.8 // gifts before the holiday
		case diff > -2 && diff < 1:
			w *= 0.5 // the holiday itself
		}
	}
	growth := 1 + 0.6*day.Sub(first).Hours()/(730*24)
	return w * growth
}

// holidays are the first days of 설 and 추석 around the history.
var holidays = []string{"2024-02-10", "2024-09-17", "2025-01-29", "2025-10-06", "2026-02-17", "2026-09-25", "2027-02-07", "2027-09-15", "2028-01-27"}

// hourWeights make evenings busier than nights.
var hourWeights = [24]float64{2, 1, 0.5, 0.3, 0.3, 0.5, 1, 2, 3, 4, 5, 5, 6, 5, 5, 5, 5, 5, 5, 6, 8, 9, 8, 5}

type seedVariant struct {
	ID        int64  `db:"id"`
	ProductID int64  `db:"product_id"`
	SellerID  int64  `db:"seller_id"`
	Name      string `db:"name"`
	SKU       string `db:"sku"`
	Options   string `db:"options"`
	Price     int64  `db:"price"`
}

func seedVariants(ctx context.Context, d *db.DB) ([]seedVariant, error) {
	var vs []seedVariant
	err := d.Read().SelectContext(ctx, &vs, `SELECT v.id, v.product_id, p.seller_id, p.name, v.sku, v.option1 AS options,
		COALESCE(v.sale_price_minor, v.price_minor) AS price FROM variants v JOIN products p ON p.id = v.product_id
		WHERE v.active AND COALESCE(v.sale_price_minor, v.price_minor) > 0 ORDER BY v.id`)
	if err != nil {
		return nil, fmt.Errorf("seed orders: variants: %w", err)
	}
	return vs, nil
}

// history generates orders and holds those not written yet.
type history struct {
	d   *db.DB
	rnd *rand.Rand
	vs  []seedVariant
	cum []float64
	now time.Time

	customers                              []int64
	nextUser, nextOrder, nextLine          int64
	nextAttempt, nextRefund                int64
	users, orders, lines, attempts, refund [][]any
	refundLines                            [][]any
}

func (g *history) startIDs(ctx context.Context) error {
	for _, x := range []struct {
		table string
		id    *int64
	}{{"users", &g.nextUser}, {"orders", &g.nextOrder}, {"order_lines", &g.nextLine},
		{"payment_attempts", &g.nextAttempt}, {"payment_refunds", &g.nextRefund}} {
		if err := g.d.Read().GetContext(ctx, x.id, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+x.table); err != nil {
			return fmt.Errorf("seed orders: ids of %s: %w", x.table, err)
		}
	}
	return nil
}

// moments returns n times on day, in order, busier in the evening.
func (g *history) moments(day time.Time, n int) []time.Time {
	total := 0.0
	for _, w := range hourWeights {
		total += w
	}
	ts := make([]time.Time, n)
	for i := range ts {
		x := g.rnd.Float64() * total
		h := 0
		for ; h < 23 && x >= hourWeights[h]; h++ {
			x -= hourWeights[h]
		}
		ts[i] = day.Add(time.Duration(h)*time.Hour + time.Duration(g.rnd.Int64N(int64(time.Hour)))).Truncate(time.Microsecond)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	return ts
}

var familyNames = []string{"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권"}
var givenNames = []string{"민준", "서연", "도윤", "하은", "지호", "수아", "예준", "지우", "시우", "서윤", "주원", "하린", "지민", "유진"}

// member adds a customer who joined at at and returns their id.
func (g *history) member(at time.Time) int64 {
	id := g.nextUser
	g.nextUser++
	name := familyNames[g.rnd.IntN(len(familyNames))] + givenNames[g.rnd.IntN(len(givenNames))]
	g.users = append(g.users, []any{id, "seed-" + strconv.FormatInt(id, 10) + "@example.com", name, "customer", true,
		at.UTC(), at.UTC()})
	return id
}

var (
	channels = []string{"pc_web", "mobile_web", "mobile_web", "mobile_web", "pc_web", "api"}
	methods  = []string{"toss", "toss", "toss", "toss", "kakaopay", "kakaopay", "portone", "bank_transfer", "bank_transfer",
		"virtual_account", "paypal"}
	lineCounts = []int{1, 1, 2, 2, 2, 3, 3, 4, 5}
)

// order generates one order placed at at.
func (g *history) order(at time.Time) {
	r := g.rnd
	var user int64
	if len(g.customers) == 0 || r.IntN(100) < 28 {
		user = g.member(at.Add(-time.Duration(r.Int64N(int64(6 * time.Hour)))))
		g.customers = append(g.customers, user)
		if r.IntN(4) == 0 {
			g.member(at.Add(-time.Duration(r.Int64N(int64(6 * time.Hour))))) // joined, never ordered
		}
	} else {
		user = g.customers[r.IntN(len(g.customers))]
	}
	id := g.nextOrder
	g.nextOrder++
	method := methods[r.IntN(len(methods))]
	type ln struct {
		id  int64
		v   seedVariant
		qty int64
	}
	var lines []ln
	var subtotal int64
	for range lineCounts[r.IntN(len(lineCounts))] {
		x := r.Float64() * g.cum[len(g.cum)-1]
		v := g.vs[sort.SearchFloat64s(g.cum, x)%len(g.vs)]
		qty := int64(1)
		if k := r.IntN(10); k >= 9 {
			qty = 3
		} else if k >= 7 {
			qty = 2
		}
		lines = append(lines, ln{id: g.nextLine, v: v, qty: qty})
		g.nextLine++
		subtotal += v.Price * qty
	}
	var coupon, points, shipping, remote int64
	if r.IntN(100) < 12 {
		coupon = min(subtotal, []int64{3000, 5000, subtotal / 10}[r.IntN(3)])
	}
	if r.IntN(100) < 8 {
		points = min(subtotal-coupon, int64(500*(1+r.IntN(20))))
	}
	if subtotal < 50000 {
		shipping = 3000
	}
	if r.IntN(50) == 0 {
		remote = 3000
	}
	total := subtotal - coupon - points + shipping + remote
	if total == 0 {
		method = "points"
	}
	status := "completed"
	var paidAt, cancelledAt, payBy any
	paid := at.Add(time.Duration(1+r.IntN(10)) * time.Minute)
	if method == "bank_transfer" || method == "virtual_account" {
		paid = at.Add(time.Duration(30+r.IntN(36*60)) * time.Minute) // often the next day
		payBy = at.Add(72 * time.Hour).UTC()
	}
	unpaid := r.IntN(100) < 5 && total > 0
	switch {
	case unpaid || paid.After(g.now):
		status, cancelledAt = "cancelled", at.Add(72*time.Hour).UTC()
		if paid.After(g.now) {
			status, cancelledAt = "awaiting_deposit", nil
		}
	default:
		paidAt = paid.UTC()
		switch age := g.now.Sub(paid); {
		case age < 24*time.Hour:
			status = "paid"
		case age < 3*24*time.Hour:
			status = "shipped"
		case age < 10*24*time.Hour:
			status = "delivered"
		}
	}
	lineStatus := map[int64]string{}
	// Refunds: some whole, some of one line, days after the payment.
	if paidAt != nil && total > 0 {
		done := paid.Add(time.Duration(1+r.IntN(20*24)) * time.Hour)
		switch k := r.IntN(100); {
		case k < 4 && done.Before(g.now):
			status = "refunded"
			g.refunded(id, total, total, done, nil)
			for _, l := range lines {
				lineStatus[l.id] = "refunded"
			}
		case k < 6 && len(lines) > 1 && done.Before(g.now):
			l := lines[0]
			share := l.v.Price * l.qty * total / (total + points)
			if share > 0 && share < total {
				status = "partially_refunded"
				g.refunded(id, total, share, done, []int64{l.id})
				lineStatus[l.id] = "refunded"
			}
		}
	}
	g.orders = append(g.orders, []any{id, at.In(kst.Zone).Format("20060102") + "-S" + strings.ToUpper(strconv.FormatInt(id, 36)),
		user, status, channels[r.IntN(len(channels))], "seed-" + strconv.FormatInt(id, 10), method,
		subtotal, coupon, shipping, remote, points, total, "{}", payBy, paidAt, cancelledAt, at.UTC(), at.UTC()})
	for _, l := range lines {
		st := status
		if s, ok := lineStatus[l.id]; ok {
			st = s
		} else if status == "refunded" || status == "partially_refunded" {
			st = "completed"
		}
		g.lines = append(g.lines, []any{l.id, id, l.v.ID, l.v.ProductID, l.v.SellerID, l.v.Name, l.v.Options, l.v.SKU,
			l.v.Price, l.qty, l.v.Price * l.qty, st, at.UTC(), at.UTC()})
	}
}

// refunded records a refund of amount of order orderID (paid total), done
// at done, returning lines (nil: every line).
func (g *history) refunded(orderID, total, amount int64, done time.Time, lines []int64) {
	a, rf := g.nextAttempt, g.nextRefund
	g.nextAttempt++
	g.nextRefund++
	st := "refunded"
	if amount < total {
		st = "partially_refunded"
	}
	g.attempts = append(g.attempts, []any{a, orderID, "toss", "seed-" + strconv.FormatInt(a, 10), st, total, "KRW", total, amount,
		done.UTC(), done.UTC()})
	g.refund = append(g.refund, []any{rf, a, orderID, amount, amount, "변심", "done", "seed-refund-" + strconv.FormatInt(rf, 10),
		done.UTC(), done.UTC(), done.UTC()})
	for _, l := range lines {
		g.refundLines = append(g.refundLines, []any{rf, l})
	}
}

// flush writes the rows held, in one transaction.
func (g *history) flush(ctx context.Context, out *OrderStats) error {
	err := g.d.InTx(ctx, func(q db.Querier) error {
		for _, t := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"users", []string{"id", "email", "name", "role", "active", "created_at", "updated_at"}, g.users},
			{"orders", []string{"id", "number", "user_id", "status", "channel", "idempotency_key", "payment_method",
				"subtotal_minor", "discount_minor", "shipping_minor", "remote_surcharge_minor", "points_used", "total_minor",
				"breakdown", "pay_by", "paid_at", "cancelled_at", "created_at", "updated_at"}, g.orders},
			{"order_lines", []string{"id", "order_id", "variant_id", "product_id", "seller_id", "name", "options", "sku",
				"unit_price_minor", "quantity", "line_total_minor", "status", "created_at", "updated_at"}, g.lines},
			{"payment_attempts", []string{"id", "order_id", "provider", "reference", "status", "amount_minor", "charge_currency",
				"charge_minor", "refunded_minor", "created_at", "updated_at"}, g.attempts},
			{"payment_refunds", []string{"id", "attempt_id", "order_id", "amount_minor", "charge_minor", "reason", "status",
				"idempotency_key", "done_at", "created_at", "updated_at"}, g.refund},
			{"payment_refund_lines", []string{"refund_id", "line_id"}, g.refundLines},
		} {
			if err := insertRows(ctx, q, t.table, t.cols, t.rows); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("seed orders: %w", err)
	}
	out.Members += len(g.users)
	out.Orders += len(g.orders)
	out.Lines += len(g.lines)
	out.Refunds += len(g.refund)
	g.users, g.orders, g.lines, g.attempts, g.refund, g.refundLines = g.users[:0], g.orders[:0], g.lines[:0], g.attempts[:0], g.refund[:0], g.refundLines[:0]
	return nil
}

// maxParams bounds the placeholders of one statement (SQLite's limit is
// 32,766; PostgreSQL's 65,535).
const maxParams = 30000

// insertRows writes rows into cols of table with multi-row inserts.
func insertRows(ctx context.Context, q db.Querier, table string, cols []string, rows [][]any) error {
	per := maxParams / len(cols)
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(one)
			args = append(args, r...)
		}
		if _, err := q.ExecContext(ctx, q.Rebind(b.String()), args...); err != nil {
			return fmt.Errorf("insert %d rows into %s: %w", len(chunk), table, err)
		}
	}
	return nil
}
