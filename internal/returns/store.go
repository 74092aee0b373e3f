package returns

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// row is a returns row as stored.
type row struct {
	ID               int64         `db:"id"`
	OrderID          int64         `db:"order_id"`
	UserID           int64         `db:"user_id"`
	Number           string        `db:"order_number"`
	Kind             string        `db:"kind"`
	Reason           string        `db:"reason"`
	Note             string        `db:"note"`
	Status           string        `db:"status"`
	Fee              int64         `db:"fee_minor"`
	Refusal          string        `db:"refusal"`
	BackCarrier      string        `db:"back_carrier"`
	BackTracking     string        `db:"back_tracking"`
	SelfSent         bool          `db:"self_sent"`
	Resellable       bool          `db:"resellable"`
	RefundID         sql.NullInt64 `db:"refund_id"`
	ExchangeCarrier  string        `db:"exchange_carrier"`
	ExchangeTracking string        `db:"exchange_tracking"`
	Bank             string        `db:"refund_bank"`
	NumberEnc        string        `db:"refund_number_enc"`
	HolderEnc        string        `db:"refund_holder_enc"`
	CreatedAt        time.Time     `db:"created_at"`
	UpdatedAt        time.Time     `db:"updated_at"`
}

const selectReturn = `SELECT id, order_id, user_id, order_number, kind, reason, note, status, fee_minor, refusal, back_carrier,
	back_tracking, self_sent, resellable, refund_id, exchange_carrier, exchange_tracking, refund_bank,
	refund_number_enc, refund_holder_enc, created_at, updated_at FROM returns`

// insertReturn records a new request from r and returns its id.
func insertReturn(ctx context.Context, q db.Querier, r row) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO returns (order_id, user_id, order_number, kind, reason, note,
		status, fee_minor, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		r.OrderID, r.UserID, r.Number, r.Kind, r.Reason, r.Note, r.Status, r.Fee, r.CreatedAt, r.UpdatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record return of order %d: %w", r.OrderID, err)
	}
	return id, nil
}

// setAccount stores the refund account of return id: the bank's code and
// the number and holder already encrypted for the return's row.
func setAccount(ctx context.Context, q db.Querier, id int64, bank, numberEnc, holderEnc string) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE returns SET refund_bank = ?, refund_number_enc = ?,
		refund_holder_enc = ? WHERE id = ?`), bank, numberEnc, holderEnc, id)
	if err != nil {
		return fmt.Errorf("record the refund account of return %d: %w", id, err)
	}
	return nil
}

// claimLine holds order line l for return returnID while it is open; a
// line held by another open return is fault.ErrConflict (the unique index
// on open_line_id decides, on either engine).
func claimLine(ctx context.Context, q db.Querier, d db.Dialect, returnID int64, l Line) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO return_lines (return_id, line_id, name, options, quantity,
		amount_minor, open_line_id) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		returnID, l.LineID, l.Name, l.Options, l.Quantity, l.Amount, l.LineID)
	if d.IsUniqueViolation(err) {
		return fmt.Errorf("line %d is in a return already: %w", l.LineID, fault.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("claim line %d for return %d: %w", l.LineID, returnID, err)
	}
	return nil
}

// releaseLines lets the lines of return id be asked for again (or never,
// once refunded: the order line's status says so).
func releaseLines(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE return_lines SET open_line_id = NULL WHERE return_id = ?`), id)
	if err != nil {
		return fmt.Errorf("release lines of return %d: %w", id, err)
	}
	return nil
}

// insertPhoto records a photo of return id.
func insertPhoto(ctx context.Context, q db.Querier, id int64, p Photo, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO return_photos (return_id, media_key, content_type, created_at)
		VALUES (?, ?, ?, ?)`), id, p.Key, p.ContentType, now)
	if err != nil {
		return fmt.Errorf("record photo of return %d: %w", id, err)
	}
	return nil
}

// move changes return id from one of from to to with the columns of set
// (column → value), and reports whether it did: a request moved meanwhile
// is left alone.
func move(ctx context.Context, q db.Querier, id int64, from []Status, to Status, set map[string]any, now time.Time) (bool, error) {
	sqlText := `UPDATE returns SET status = ?, updated_at = ?`
	args := []any{to, now}
	for _, col := range setColumns {
		if v, ok := set[col]; ok {
			sqlText += `, ` + col + ` = ?`
			args = append(args, v)
		}
	}
	sqlText += ` WHERE id = ? AND status IN (` + db.Placeholders(len(from)) + `)`
	args = append(args, id)
	for _, f := range from {
		args = append(args, f)
	}
	res, err := q.ExecContext(ctx, q.Rebind(sqlText), args...)
	return db.Affected(res, err, "move return %d to %s", id, to)
}

// setColumns are the columns move may set, in a fixed order.
var setColumns = []string{"fee_minor", "refusal", "back_carrier", "back_tracking", "self_sent", "resellable",
	"refund_id", "exchange_carrier", "exchange_tracking"}

// returnByID reads return id; fault.ErrNotFound when there is none.
func returnByID(ctx context.Context, q db.Querier, id int64) (row, error) {
	var r row
	err := q.GetContext(ctx, &r, q.Rebind(selectReturn+` WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, fmt.Errorf("return %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return row{}, fmt.Errorf("read return %d: %w", id, err)
	}
	return r, nil
}

// returnsOfOrder reads the requests of order orderID, newest first.
func returnsOfOrder(ctx context.Context, q db.Querier, orderID int64) ([]row, error) {
	var rs []row
	if err := q.SelectContext(ctx, &rs, q.Rebind(selectReturn+` WHERE order_id = ? ORDER BY id DESC`), orderID); err != nil {
		return nil, fmt.Errorf("returns of order %d: %w", orderID, err)
	}
	return rs, nil
}

// returnsWhere reads the requests of f, newest first.
func returnsWhere(ctx context.Context, q db.Querier, f Filter) ([]row, error) {
	where, args := filterWhere(f)
	args = append(args, f.Limit, f.Offset)
	var rs []row
	if err := q.SelectContext(ctx, &rs, q.Rebind(selectReturn+where+` ORDER BY id DESC LIMIT ? OFFSET ?`), args...); err != nil {
		return nil, fmt.Errorf("list returns: %w", err)
	}
	return rs, nil
}

// filterWhere is the WHERE clause of f's status, with its arguments.
func filterWhere(f Filter) (string, []any) {
	switch f.Status {
	case "":
		return "", nil
	case "open":
		return ` WHERE status IN ('requested', 'approved', 'sent_back', 'received')`, nil
	default:
		return ` WHERE status = ?`, []any{f.Status}
	}
}

// countReturns counts the requests returnsWhere pages through.
func countReturns(ctx context.Context, q db.Querier, f Filter) (int, error) {
	where, args := filterWhere(f)
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM returns`+where), args...); err != nil {
		return 0, fmt.Errorf("count returns: %w", err)
	}
	return n, nil
}

// linesOf returns the order lines of return id, in order.
func linesOf(ctx context.Context, q db.Querier, id int64) ([]Line, error) {
	m, err := linesByReturn(ctx, q, []int64{id})
	return m[id], err
}

// linesByReturn returns the lines of the returns ids, by return, each in
// the order of their order lines: one query for a whole list.
func linesByReturn(ctx context.Context, q db.Querier, ids []int64) (map[int64][]Line, error) {
	out := map[int64][]Line{}
	if len(ids) == 0 {
		return out, nil
	}
	var ls []struct {
		ReturnID int64  `db:"return_id"`
		LineID   int64  `db:"line_id"`
		Name     string `db:"name"`
		Options  string `db:"options"`
		Quantity int64  `db:"quantity"`
		Amount   int64  `db:"amount_minor"`
	}
	if err := q.SelectContext(ctx, &ls, q.Rebind(`SELECT return_id, line_id, name, options, quantity, amount_minor
		FROM return_lines WHERE return_id IN (`+db.Placeholders(len(ids))+`) ORDER BY return_id, line_id`), db.Args(ids)...); err != nil {
		return nil, fmt.Errorf("lines of returns %v: %w", ids, err)
	}
	for _, l := range ls {
		out[l.ReturnID] = append(out[l.ReturnID], Line{LineID: l.LineID, Name: l.Name, Options: l.Options, Quantity: l.Quantity, Amount: l.Amount})
	}
	return out, nil
}

// photosByReturn returns the photos of the returns ids, by return, each in
// the order they were sent: one query for a whole list.
func photosByReturn(ctx context.Context, q db.Querier, ids []int64) (map[int64][]Photo, error) {
	out := map[int64][]Photo{}
	if len(ids) == 0 {
		return out, nil
	}
	var ps []struct {
		ReturnID    int64  `db:"return_id"`
		Key         string `db:"media_key"`
		ContentType string `db:"content_type"`
	}
	if err := q.SelectContext(ctx, &ps, q.Rebind(`SELECT return_id, media_key, content_type FROM return_photos
		WHERE return_id IN (`+db.Placeholders(len(ids))+`) ORDER BY return_id, id`), db.Args(ids)...); err != nil {
		return nil, fmt.Errorf("photos of returns %v: %w", ids, err)
	}
	for _, p := range ps {
		out[p.ReturnID] = append(out[p.ReturnID], Photo{Key: p.Key, ContentType: p.ContentType})
	}
	return out, nil
}
