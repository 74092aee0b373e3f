package order

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

// orderRow is an orders row as stored: the personal fields still encrypted.
type orderRow struct {
	ID              int64         `db:"id"`
	Number          string        `db:"number"`
	UserID          int64         `db:"user_id"`
	Status          string        `db:"status"`
	Channel         string        `db:"channel"`
	IdempotencyKey  string        `db:"idempotency_key"`
	PaymentMethod   string        `db:"payment_method"`
	Recipient       string        `db:"recipient_enc"`
	Phone           string        `db:"phone_enc"`
	Postcode        string        `db:"postcode_enc"`
	Line1           string        `db:"line1_enc"`
	Line2           string        `db:"line2_enc"`
	Note            string        `db:"note_enc"`
	Subtotal        int64         `db:"subtotal_minor"`
	Discount        int64         `db:"discount_minor"`
	GradeDiscount   int64         `db:"grade_discount_minor"`
	CouponID        sql.NullInt64 `db:"coupon_id"`
	Shipping        int64         `db:"shipping_minor"`
	RemoteSurcharge int64         `db:"remote_surcharge_minor"`
	PointsUsed      int64         `db:"points_used"`
	Total           int64         `db:"total_minor"`
	PointsToEarn    int64         `db:"points_to_earn"`
	TaxFree         int64         `db:"tax_free_minor"`
	Breakdown       []byte        `db:"breakdown"`
	PayBy           sql.NullTime  `db:"pay_by"`
	PaidAt          sql.NullTime  `db:"paid_at"`
	CancelledAt     sql.NullTime  `db:"cancelled_at"`
	CreatedAt       time.Time     `db:"created_at"`
	UpdatedAt       time.Time     `db:"updated_at"`
}

const selectOrder = `SELECT id, number, user_id, status, channel, idempotency_key, payment_method,
	recipient_enc, phone_enc, postcode_enc, line1_enc, line2_enc, note_enc,
	subtotal_minor, discount_minor, grade_discount_minor, coupon_id, shipping_minor, remote_surcharge_minor, points_used,
	total_minor, points_to_earn, tax_free_minor, breakdown, pay_by, paid_at, cancelled_at, created_at, updated_at FROM orders`

func utc(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

// when is t if cond holds and the zero time otherwise.
func when(cond bool, t time.Time) time.Time {
	if cond {
		return t
	}
	return time.Time{}
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// order is the row as an Order, personal fields still encrypted.
func (r orderRow) order() (Order, error) {
	o := Order{
		ID: r.ID, Number: r.Number, UserID: r.UserID, Status: Status(r.Status), Channel: Channel(r.Channel),
		IdempotencyKey: r.IdempotencyKey, PaymentMethod: r.PaymentMethod,
		Address:      Address{Recipient: r.Recipient, Phone: r.Phone, Postcode: r.Postcode, Line1: r.Line1, Line2: r.Line2},
		DeliveryNote: r.Note,
		Subtotal:     r.Subtotal, GradeDiscount: r.GradeDiscount, Discount: r.Discount, CouponID: r.CouponID.Int64, Shipping: r.Shipping,
		RemoteSurcharge: r.RemoteSurcharge, PointsUsed: r.PointsUsed, Total: r.Total, PointsToEarn: r.PointsToEarn,
		TaxFree: r.TaxFree, PayBy: utc(r.PayBy), PaidAt: utc(r.PaidAt), CancelledAt: utc(r.CancelledAt),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if err := json.Unmarshal(r.Breakdown, &o.Breakdown); err != nil {
		return Order{}, fmt.Errorf("read breakdown of order %d: %w", r.ID, err)
	}
	return o, nil
}

func orderByID(ctx context.Context, q db.Querier, id int64) (orderRow, error) {
	var r orderRow
	err := q.GetContext(ctx, &r, q.Rebind(selectOrder+` WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return orderRow{}, fmt.Errorf("order %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return orderRow{}, fmt.Errorf("read order %d: %w", id, err)
	}
	return r, nil
}

// holdOrder reads the status of order id and locks its row until q's
// transaction ends (db.Dialect.UpdateLock).
func holdOrder(ctx context.Context, q db.Querier, dialect db.Dialect, id int64) (Status, error) {
	var st Status
	err := q.GetContext(ctx, &st, q.Rebind(`SELECT status FROM orders WHERE id = ?`+dialect.UpdateLock()), id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("order %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("lock order %d: %w", id, err)
	}
	return st, nil
}

func orderIDByNumber(ctx context.Context, q db.Querier, userID int64, number string) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`SELECT id FROM orders WHERE number = ? AND user_id = ?`), number, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fault.ErrNotFound
	}
	return id, err
}

// orderIDByKey returns the order userID placed with idempotency key key, or
// fault.ErrNotFound.
func orderIDByKey(ctx context.Context, q db.Querier, userID int64, key string) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`SELECT id FROM orders WHERE user_id = ? AND idempotency_key = ?`), userID, key)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fault.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("find order of user %d by key: %w", userID, err)
	}
	return id, nil
}

func ordersOf(ctx context.Context, q db.Querier, userID int64, limit, offset int) ([]orderRow, error) {
	var rs []orderRow
	err := q.SelectContext(ctx, &rs, q.Rebind(selectOrder+
		` WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`), userID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list orders of user %d: %w", userID, err)
	}
	return rs, nil
}

// countOrdersOf counts the orders of userID (the orders_user index covers it).
func countOrdersOf(ctx context.Context, q db.Querier, userID int64) (int, error) {
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM orders WHERE user_id = ?`), userID); err != nil {
		return 0, fmt.Errorf("count orders of user %d: %w", userID, err)
	}
	return n, nil
}

// insertOrder adds o with its personal fields still empty and returns its
// id; the caller encrypts them with that id and stores them with
// writeAddress in the same transaction. A clash of number or idempotency key
// is returned as is, for the caller to tell apart.
// insertOrderSQL inserts an order, its values in the order of orderArgs.
const insertOrderSQL = `INSERT INTO orders (number, user_id, status, channel,
	idempotency_key, payment_method, subtotal_minor, discount_minor, coupon_id, shipping_minor,
	remote_surcharge_minor, points_used, total_minor, points_to_earn, tax_free_minor, breakdown, pay_by, paid_at,
	created_at, updated_at, grade_discount_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

func orderArgs(o *Order, breakdown []byte) []any {
	return []any{o.Number, o.UserID, o.Status, o.Channel, o.IdempotencyKey, o.PaymentMethod,
		o.Subtotal, o.Discount, nullID(o.CouponID), o.Shipping, o.RemoteSurcharge, o.PointsUsed, o.Total,
		o.PointsToEarn, o.TaxFree, string(breakdown), nullTime(o.PayBy), nullTime(o.PaidAt), o.CreatedAt, o.UpdatedAt,
		o.GradeDiscount}
}

// insertPlaced stores a new order and the history entry of its placement
// (whose OrderID it fills in) and returns the order's id. Where the engine
// allows (db.Dialect.WritesInCTE) both go in one statement: placing an
// order is the busiest write of the shop, and each statement is a round
// trip.
func insertPlaced(ctx context.Context, q db.Querier, d db.Dialect, o *Order, breakdown []byte, h HistoryEntry) (int64, error) {
	var id int64
	if !d.WritesInCTE() {
		if err := q.QueryRowxContext(ctx, q.Rebind(insertOrderSQL), orderArgs(o, breakdown)...).Scan(&id); err != nil {
			return 0, err
		}
		h.OrderID = id
		return id, insertHistory(ctx, q, h)
	}
	args := append(orderArgs(o, breakdown), historyArgs(h)[1:]...)
	err := q.QueryRowxContext(ctx, q.Rebind(`WITH o AS (`+insertOrderSQL+`),
		h AS (INSERT INTO order_history (order_id, line_id, from_status, to_status, actor_id, actor_kind, reason, created_at)
			SELECT o.id, ?, ?, ?, ?, ?, ?, ? FROM o)
		SELECT id FROM o`), args...).Scan(&id)
	return id, err
}

// writeAddress stores the encrypted personal fields of sealed with the
// blind indexes of its recipient and phone (recipientKey, phoneKey).
func writeAddress(ctx context.Context, q db.Querier, sealed Order, recipientKey, phoneKey string) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE orders SET recipient_enc = ?, phone_enc = ?, postcode_enc = ?,
		line1_enc = ?, line2_enc = ?, note_enc = ?, recipient_key = ?, phone_key = ? WHERE id = ?`),
		sealed.Address.Recipient, sealed.Address.Phone, sealed.Address.Postcode,
		sealed.Address.Line1, sealed.Address.Line2, sealed.DeliveryNote, recipientKey, phoneKey, sealed.ID)
	if err != nil {
		return fmt.Errorf("store address of order %d: %w", sealed.ID, err)
	}
	return nil
}

// setBreakdown replaces the stored breakdown of order id.
func setBreakdown(ctx context.Context, q db.Querier, id int64, breakdown []byte) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE orders SET breakdown = ? WHERE id = ?`), string(breakdown), id); err != nil {
		return fmt.Errorf("store breakdown of order %d: %w", id, err)
	}
	return nil
}

// lineColumns are the columns insertLines writes, 16 per line.
const lineColumns = 16

// insertLines stores the lines of one order with one statement per batch
// of lines (an order of a full cart is a few statements, not a hundred) and
// sets their ids.
func insertLines(ctx context.Context, q db.Querier, lines []Line) error {
	const perStatement = 500 // 8,000 parameters, well under either engine's limit
	for start := 0; start < len(lines); start += perStatement {
		batch := lines[start:min(start+perStatement, len(lines))]
		rows := make([]string, len(batch))
		args := make([]any, 0, len(batch)*lineColumns)
		for i, l := range batch {
			rows[i] = "(" + db.Placeholders(lineColumns) + ")"
			args = append(args, l.OrderID, l.VariantID, l.ProductID, l.SellerID, l.Name, l.Options, l.SKU, l.UnitPrice,
				l.Quantity, l.LineTotal, l.Discount, l.Gift, l.TaxFree, l.Status, l.CreatedAt, l.UpdatedAt)
		}
		var ids []int64
		err := q.SelectContext(ctx, &ids, q.Rebind(`INSERT INTO order_lines (order_id, variant_id, product_id, seller_id,
			name, options, sku, unit_price_minor, quantity, line_total_minor, discount_minor, gift, tax_free, status,
			created_at, updated_at) VALUES `+strings.Join(rows, ", ")+` RETURNING id`), args...)
		if err != nil {
			return fmt.Errorf("insert lines of order %d: %w", batch[0].OrderID, err)
		}
		if len(ids) != len(batch) {
			return fmt.Errorf("insert lines of order %d: %d ids for %d lines", batch[0].OrderID, len(ids), len(batch))
		}
		// Ids are drawn in the order the rows are inserted, which is the
		// order of VALUES; RETURNING promises no order, so sort them.
		slices.Sort(ids)
		for i := range batch {
			batch[i].ID = ids[i]
		}
	}
	return nil
}

// deleteLines removes lines ids of order orderID (gifts that ran out while
// it was placed).
func deleteLines(ctx context.Context, q db.Querier, orderID int64, ids []int64) error {
	args := append([]any{orderID}, db.Args(ids)...)
	_, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM order_lines WHERE order_id = ? AND id IN (`+db.Placeholders(len(ids))+`)`), args...)
	if err != nil {
		return fmt.Errorf("remove lines of order %d: %w", orderID, err)
	}
	return nil
}

type lineRow struct {
	ID        int64     `db:"id"`
	OrderID   int64     `db:"order_id"`
	VariantID int64     `db:"variant_id"`
	ProductID int64     `db:"product_id"`
	SellerID  int64     `db:"seller_id"`
	Name      string    `db:"name"`
	Options   string    `db:"options"`
	SKU       string    `db:"sku"`
	UnitPrice int64     `db:"unit_price_minor"`
	Quantity  int64     `db:"quantity"`
	LineTotal int64     `db:"line_total_minor"`
	Discount  int64     `db:"discount_minor"`
	Gift      bool      `db:"gift"`
	TaxFree   bool      `db:"tax_free"`
	Status    string    `db:"status"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

// linesOf returns the lines of the orders ids, by order and then as placed.
func linesOf(ctx context.Context, q db.Querier, ids []int64) ([]Line, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := db.Args(ids)
	var rs []lineRow
	err := q.SelectContext(ctx, &rs, q.Rebind(`SELECT id, order_id, variant_id, product_id, seller_id, name,
		options, sku, unit_price_minor, quantity, line_total_minor, discount_minor, gift, tax_free, status, created_at,
		updated_at FROM order_lines WHERE order_id IN (`+db.Placeholders(len(ids))+`) ORDER BY order_id, id`), args...)
	if err != nil {
		return nil, fmt.Errorf("read order lines: %w", err)
	}
	out := make([]Line, len(rs))
	for i, r := range rs {
		out[i] = Line{ID: r.ID, OrderID: r.OrderID, VariantID: r.VariantID, ProductID: r.ProductID,
			SellerID: r.SellerID, Name: r.Name, Options: r.Options, SKU: r.SKU, UnitPrice: r.UnitPrice,
			Quantity: r.Quantity, LineTotal: r.LineTotal, Discount: r.Discount, Gift: r.Gift, TaxFree: r.TaxFree,
			Status: Status(r.Status), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	}
	return out, nil
}

// setStatus moves order id from status from to to, with the timestamps that
// go with it, and reports whether the order was in from: the check and the
// change are one statement, so two concurrent changes cannot both succeed.
func setStatus(ctx context.Context, q db.Querier, id int64, from, to Status, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE orders SET status = ?, updated_at = ?,
		paid_at = COALESCE(?, paid_at), cancelled_at = COALESCE(?, cancelled_at)
		WHERE id = ? AND status = ?`),
		to, now, nullTime(when(to == Paid, now)), nullTime(when(to == Cancelled, now)), id, from)
	if err != nil {
		return false, fmt.Errorf("move order %d from %s to %s: %w", id, from, to, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("move order %d from %s to %s: %w", id, from, to, err)
	}
	return n == 1, nil
}

// unpaidBefore returns up to limit orders waiting for payment whose deadline
// is before cutoff, oldest deadline first.
func unpaidBefore(ctx context.Context, q db.Querier, cutoff time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, q.Rebind(`SELECT id FROM orders WHERE status IN ('pending_payment', 'awaiting_deposit') AND pay_by < ?
		ORDER BY pay_by, id LIMIT ?`), cutoff, limit)
	if err != nil {
		return nil, fmt.Errorf("find unpaid orders: %w", err)
	}
	return ids, nil
}

// setLinesStatus moves the lines of order id that are in from to to.
func setLinesStatus(ctx context.Context, q db.Querier, id int64, from, to Status, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE order_lines SET status = ?, updated_at = ?
		WHERE order_id = ? AND status = ?`), to, now, id, from)
	if err != nil {
		return fmt.Errorf("move lines of order %d to %s: %w", id, to, err)
	}
	return nil
}

// historyArgs are the values of an order_history row, in the order of its
// columns: order_id, line_id, from_status, to_status, actor_id, actor_kind,
// reason, created_at.
func historyArgs(h HistoryEntry) []any {
	var from sql.NullString
	if h.From != "" {
		from = sql.NullString{String: string(h.From), Valid: true}
	}
	return []any{h.OrderID, nullID(h.LineID), from, h.To, nullID(h.Actor.ID), h.Actor.Kind, h.Reason, h.CreatedAt}
}

func insertHistory(ctx context.Context, q db.Querier, h HistoryEntry) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO order_history (order_id, line_id, from_status, to_status,
		actor_id, actor_kind, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), historyArgs(h)...)
	if err != nil {
		return fmt.Errorf("record history of order %d: %w", h.OrderID, err)
	}
	return nil
}

func historyOf(ctx context.Context, q db.Querier, orderID int64) ([]HistoryEntry, error) {
	var rs []struct {
		ID        int64          `db:"id"`
		OrderID   int64          `db:"order_id"`
		LineID    sql.NullInt64  `db:"line_id"`
		From      sql.NullString `db:"from_status"`
		To        string         `db:"to_status"`
		ActorID   sql.NullInt64  `db:"actor_id"`
		ActorKind string         `db:"actor_kind"`
		Reason    string         `db:"reason"`
		CreatedAt time.Time      `db:"created_at"`
	}
	err := q.SelectContext(ctx, &rs, q.Rebind(`SELECT id, order_id, line_id, from_status, to_status, actor_id,
		actor_kind, reason, created_at FROM order_history WHERE order_id = ? ORDER BY id`), orderID)
	if err != nil {
		return nil, fmt.Errorf("read history of order %d: %w", orderID, err)
	}
	out := make([]HistoryEntry, len(rs))
	for i, r := range rs {
		out[i] = HistoryEntry{ID: r.ID, OrderID: r.OrderID, LineID: r.LineID.Int64, From: Status(r.From.String),
			To: Status(r.To), Actor: Actor{Kind: ActorKind(r.ActorKind), ID: r.ActorID.Int64}, Reason: r.Reason,
			CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

func insertShipment(ctx context.Context, q db.Querier, sh Shipment) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO shipments (order_id, seller_id, carrier_code,
		tracking_number, shipped_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		sh.OrderID, nullID(sh.SellerID), sh.CarrierCode, sh.TrackingNumber, sh.ShippedAt, sh.CreatedAt,
		sh.UpdatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert shipment of order %d: %w", sh.OrderID, err)
	}
	return id, nil
}

func shipmentsOf(ctx context.Context, q db.Querier, orderID int64) ([]Shipment, error) {
	var rs []struct {
		ID             int64         `db:"id"`
		OrderID        int64         `db:"order_id"`
		SellerID       sql.NullInt64 `db:"seller_id"`
		CarrierCode    string        `db:"carrier_code"`
		TrackingNumber string        `db:"tracking_number"`
		ShippedAt      time.Time     `db:"shipped_at"`
		DeliveredAt    sql.NullTime  `db:"delivered_at"`
		CreatedAt      time.Time     `db:"created_at"`
		UpdatedAt      time.Time     `db:"updated_at"`
	}
	err := q.SelectContext(ctx, &rs, q.Rebind(`SELECT id, order_id, seller_id, carrier_code, tracking_number,
		shipped_at, delivered_at, created_at, updated_at FROM shipments WHERE order_id = ? ORDER BY id`), orderID)
	if err != nil {
		return nil, fmt.Errorf("read shipments of order %d: %w", orderID, err)
	}
	out := make([]Shipment, len(rs))
	for i, r := range rs {
		out[i] = Shipment{ID: r.ID, OrderID: r.OrderID, SellerID: r.SellerID.Int64, CarrierCode: r.CarrierCode,
			TrackingNumber: r.TrackingNumber, ShippedAt: r.ShippedAt.UTC(), DeliveredAt: utc(r.DeliveredAt),
			CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	}
	return out, nil
}

// markDelivered records the delivery of every shipment of order id not
// marked yet.
func markDelivered(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE shipments SET delivered_at = ?, updated_at = ?
		WHERE order_id = ? AND delivered_at IS NULL`), now, now, id)
	if err != nil {
		return fmt.Errorf("mark shipments of order %d delivered: %w", id, err)
	}
	return nil
}

// breakdownJSON is the breakdown as stored for display.
func breakdownJSON(b pricing.Breakdown) ([]byte, error) {
	return json.Marshal(b)
}
