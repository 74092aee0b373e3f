package order

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/shipping"
)

// Shipment upload (송장 일괄등록): staff upload the file their courier's
// system produces (order number, carrier, tracking number), see a report
// row by row, and apply it: every good row ships its order through Ship,
// in a transaction of its own. The parsed rows wait in shipment_uploads
// between the preview and the apply (decision 0063).

// ShipmentUploadTTL is how long a previewed upload can be applied and its
// result read; older ones are deleted.
const ShipmentUploadTTL = 24 * time.Hour

// What became of a row of a shipment file (ShipmentCheck.Result).
const (
	// ShipOK: the row ships its order when applied (preview only).
	ShipOK = "ok"
	// ShipShipped: the apply shipped the order.
	ShipShipped = "shipped"
	// ShipAlreadyShipped: the order is shipped already (by an earlier
	// file, the order's page or a colleague applying the same file).
	ShipAlreadyShipped = "already_shipped"
	// ShipUnknownOrder: no order has the number.
	ShipUnknownOrder = "unknown_order"
	// ShipWrongState: the order is neither paid nor being prepared;
	// Status says what it is.
	ShipWrongState = "wrong_state"
	// ShipUnknownCarrier: the carrier is neither the code nor the name of
	// an active carrier.
	ShipUnknownCarrier = "unknown_carrier"
	// ShipBadTracking: the tracking number is not 8 to 20 digits and
	// dashes (shipping.ValidTrackingNumber).
	ShipBadTracking = "bad_tracking"
	// ShipDuplicate: an earlier row (DuplicateOf) names the same order.
	ShipDuplicate = "duplicate"
	// ShipEmpty: the row is blank.
	ShipEmpty = "empty"
)

// ShipmentCheck is a row of a shipment file and what became of it.
type ShipmentCheck struct {
	ShipmentLine
	// OrderID is the order the number names; 0 when none does.
	OrderID int64 `json:"order_id,omitempty"`
	// CarrierCode and CarrierName are the carrier the row names, when it
	// names one.
	CarrierCode string `json:"carrier_code,omitempty"`
	CarrierName string `json:"carrier_name,omitempty"`
	// Result is one of the Ship… results.
	Result string `json:"result"`
	// Status is the order's status when it was checked (for
	// ShipWrongState and ShipAlreadyShipped).
	Status Status `json:"status,omitempty"`
	// DuplicateOf is the row that names the order first (ShipDuplicate).
	DuplicateOf int `json:"duplicate_of,omitempty"`
}

// ShipmentReport is a shipment file checked (a preview) or applied.
type ShipmentReport struct {
	// UploadID names the upload to apply (PreviewShipments) or whose
	// result this is; "" for the API's lists.
	UploadID  string
	FileName  string
	CreatedAt time.Time
	// AppliedAt is when the apply began; zero for a preview.
	AppliedAt time.Time
	// Running: the apply began but its result is not written: it is still
	// running, or it stopped (every order it reached is shipped whole or
	// not at all, so uploading the file again tells which).
	Running bool
	Rows    []ShipmentCheck
}

// Count is how many rows have result.
func (r ShipmentReport) Count(result string) int {
	n := 0
	for _, c := range r.Rows {
		if c.Result == result {
			n++
		}
	}
	return n
}

// PreviewShipments reads a shipment file (ParseShipmentFile), checks every
// row against the orders and carriers as they are now, and keeps the rows
// for ApplyShipments under the report's UploadID for ShipmentUploadTTL. It
// ships nothing. Uploads older than that are deleted here.
//
// It returns *fault.Invalid on "file" for a file refused as a whole and on
// "actor" unless actor is staff.
func (s *Service) PreviewShipments(ctx context.Context, actor Actor, fileName string, file []byte) (ShipmentReport, error) {
	if actor.Kind != ByStaff || actor.ID <= 0 {
		return ShipmentReport{}, &fault.Invalid{Fields: map[string]string{"actor": "must be a staff member"}}
	}
	lines, err := ParseShipmentFile(file)
	if err != nil {
		return ShipmentReport{}, err
	}
	rows, err := s.checkShipments(ctx, lines)
	if err != nil {
		return ShipmentReport{}, err
	}
	raw, err := json.Marshal(lines)
	if err != nil {
		return ShipmentReport{}, fmt.Errorf("keep shipment upload: %w", err)
	}
	var id [16]byte
	_, _ = rand.Read(id[:])
	now := s.now().UTC().Truncate(time.Microsecond)
	rep := ShipmentReport{UploadID: hex.EncodeToString(id[:]), FileName: clip(fileName, 100), CreatedAt: now, Rows: rows}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		if err := pruneShipmentUploads(ctx, q, now.Add(-ShipmentUploadTTL)); err != nil {
			return err
		}
		return insertShipmentUpload(ctx, q, rep.UploadID, actor.ID, rep.FileName, string(raw), now)
	})
	if err != nil {
		return ShipmentReport{}, err
	}
	s.log.InfoContext(ctx, "shipment file previewed", "upload", rep.UploadID, "rows", len(rows), "ok", rep.Count(ShipOK),
		"actor_id", actor.ID)
	return rep, nil
}

// ApplyShipments applies upload uploadID, which actor previewed: every row
// is checked again against the orders as they are now, and each good one
// ships its order through Ship — the status, the shipment, the history,
// the audit entry ("order.shipped") and the customer's mail in one
// transaction per order, so an order is shipped whole or not at all
// whatever stops the apply. A row that went bad since the preview is
// reported with why and not applied; an order a colleague shipped
// meanwhile is ShipAlreadyShipped. The result is kept with the upload
// (ShipmentUpload) and audited as "order.shipments_applied".
//
// An upload is applied once: the first apply claims it, a second one gets
// fault.ErrConflict. It returns fault.ErrNotFound for an upload that is not
// actor's or is older than ShipmentUploadTTL. It stops between rows when
// ctx ends, leaving the result unwritten (the report says Running).
func (s *Service) ApplyShipments(ctx context.Context, uploadID string, actor Actor) (ShipmentReport, error) {
	if actor.Kind != ByStaff || actor.ID <= 0 {
		return ShipmentReport{}, &fault.Invalid{Fields: map[string]string{"actor": "must be a staff member"}}
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	up, err := shipmentUploadByID(ctx, s.d.Read(), uploadID, actor.ID, now.Add(-ShipmentUploadTTL))
	if err != nil {
		return ShipmentReport{}, err
	}
	if up.AppliedAt.Valid {
		return ShipmentReport{}, fmt.Errorf("shipment upload %s is applied already: %w", uploadID, fault.ErrConflict)
	}
	claimed, err := claimShipmentUpload(ctx, s.d.Write(), uploadID, now)
	if err != nil {
		return ShipmentReport{}, err
	}
	if !claimed {
		return ShipmentReport{}, fmt.Errorf("shipment upload %s is applied already: %w", uploadID, fault.ErrConflict)
	}
	var lines []ShipmentLine
	if err := json.Unmarshal([]byte(up.Lines), &lines); err != nil {
		return ShipmentReport{}, fmt.Errorf("read shipment upload %s: %w", uploadID, err)
	}
	rows, err := s.shipAll(ctx, lines, actor)
	if err != nil {
		return ShipmentReport{}, err
	}
	rep := ShipmentReport{UploadID: uploadID, FileName: up.FileName, CreatedAt: up.CreatedAt.UTC(), AppliedAt: now, Rows: rows}
	raw, err := json.Marshal(rows)
	if err != nil {
		return ShipmentReport{}, fmt.Errorf("keep the result of shipment upload %s: %w", uploadID, err)
	}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		if err := setShipmentResult(ctx, q, uploadID, string(raw)); err != nil {
			return err
		}
		by := actor.Audit
		by.UserID = actor.ID
		return s.deps.Audit.Record(ctx, q, by.Entry("order.shipments_applied", "shipment_upload", uploadID, map[string]any{
			"file": up.FileName, "rows": len(rows), "shipped": rep.Count(ShipShipped)}))
	})
	if err != nil {
		return ShipmentReport{}, err
	}
	s.log.InfoContext(ctx, "shipment file applied", "upload", uploadID, "rows", len(rows), "shipped", rep.Count(ShipShipped),
		"actor_id", actor.ID)
	return rep, nil
}

// ShipmentUpload returns upload uploadID of staff member staffID as it
// stands: before it is applied, its rows checked again against the orders
// as they are now (a preview; AppliedAt zero); once applied, its rows as
// the apply left them (Running while it has not written them). It returns
// fault.ErrNotFound for another's upload or one older than
// ShipmentUploadTTL.
func (s *Service) ShipmentUpload(ctx context.Context, uploadID string, staffID int64) (ShipmentReport, error) {
	up, err := shipmentUploadByID(ctx, s.d.Read(), uploadID, staffID, s.now().UTC().Add(-ShipmentUploadTTL))
	if err != nil {
		return ShipmentReport{}, err
	}
	rep := ShipmentReport{UploadID: uploadID, FileName: up.FileName, CreatedAt: up.CreatedAt.UTC()}
	if !up.AppliedAt.Valid {
		var lines []ShipmentLine
		if err := json.Unmarshal([]byte(up.Lines), &lines); err != nil {
			return ShipmentReport{}, fmt.Errorf("read shipment upload %s: %w", uploadID, err)
		}
		if rep.Rows, err = s.checkShipments(ctx, lines); err != nil {
			return ShipmentReport{}, err
		}
		return rep, nil
	}
	rep.AppliedAt = up.AppliedAt.Time.UTC()
	if !up.Result.Valid {
		rep.Running = true
		return rep, nil
	}
	if err := json.Unmarshal([]byte(up.Result.String), &rep.Rows); err != nil {
		return ShipmentReport{}, fmt.Errorf("read the result of shipment upload %s: %w", uploadID, err)
	}
	return rep, nil
}

// ShipLines checks lines (the admin API's rows, numbered by Row) as a
// shipment file's rows and, unless dryRun, ships the good ones as
// ApplyShipments does, without keeping an upload. Each shipped order is
// audited as "order.shipped". It returns *fault.Invalid on "rows" for no
// lines or more than MaxShipmentRows and on "actor" unless actor is staff.
func (s *Service) ShipLines(ctx context.Context, lines []ShipmentLine, actor Actor, dryRun bool) ([]ShipmentCheck, error) {
	v := &fault.Invalid{}
	switch {
	case len(lines) == 0:
		v.Add("rows", "is required")
	case len(lines) > MaxShipmentRows:
		v.Add("rows", fmt.Sprintf("must be at most %d rows", MaxShipmentRows))
	}
	if actor.Kind != ByStaff || actor.ID <= 0 {
		v.Add("actor", "must be a staff member")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	for i := range lines {
		lines[i].Number = clip(strings.TrimSpace(lines[i].Number), 100)
		lines[i].Carrier = clip(strings.TrimSpace(lines[i].Carrier), 100)
		lines[i].Tracking = clip(strings.TrimSpace(lines[i].Tracking), 100)
	}
	if dryRun {
		return s.checkShipments(ctx, lines)
	}
	return s.shipAll(ctx, lines, actor)
}

// shipAll checks lines and ships the orders of the good ones, one
// transaction each, stopping between rows when ctx ends.
func (s *Service) shipAll(ctx context.Context, lines []ShipmentLine, actor Actor) ([]ShipmentCheck, error) {
	rows, err := s.checkShipments(ctx, lines)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		if rows[i].Result != ShipOK {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := s.shipRow(ctx, &rows[i], actor); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// shipRow ships the order of row c, checked good, and says how it went in
// c; only a failure of the database (or ctx) is an error.
func (s *Service) shipRow(ctx context.Context, c *ShipmentCheck, actor Actor) error {
	_, err := s.Ship(ctx, c.OrderID, c.CarrierCode, c.Tracking, actor)
	if err == nil {
		c.Result = ShipShipped
		return nil
	}
	if inv, ok := fault.AsInvalid(err); ok {
		c.Result = ShipBadTracking
		if inv.Fields["carrier_code"] != "" {
			c.Result = ShipUnknownCarrier
		}
		return nil
	}
	if errors.Is(err, fault.ErrNotFound) {
		c.Result = ShipUnknownOrder
		return nil
	}
	if !errors.Is(err, fault.ErrConflict) {
		return err
	}
	// Another apply, or the order's page, moved it first.
	r, err := orderByID(ctx, s.d.Read(), c.OrderID)
	if err != nil {
		return err
	}
	c.Status = Status(r.Status)
	c.Result = ShipWrongState
	if c.Status == Shipped {
		c.Result = ShipAlreadyShipped
	}
	return nil
}

// checkShipments says what each line would do if applied now, in the
// order of lines: the first test a row fails names its result (blank,
// a duplicate of an earlier row's order, no such order, the order shipped
// already or in a state that does not ship, an unknown carrier, a bad
// tracking number).
func (s *Service) checkShipments(ctx context.Context, lines []ShipmentLine) ([]ShipmentCheck, error) {
	carriers, err := s.deps.Shipping.Carriers(ctx)
	if err != nil {
		return nil, err
	}
	var numbers []string
	for _, l := range lines {
		if n := normNumber(l.Number); n != "" {
			numbers = append(numbers, n)
		}
	}
	found, err := ordersByNumbers(ctx, s.d.Read(), numbers)
	if err != nil {
		return nil, err
	}
	first := map[string]int{}
	out := make([]ShipmentCheck, len(lines))
	for i, l := range lines {
		c := ShipmentCheck{ShipmentLine: l}
		n := normNumber(l.Number)
		o, known := found[n]
		if known {
			c.OrderID, c.Number = o.ID, o.Number
		}
		if cr, ok := matchCarrier(carriers, l.Carrier); ok {
			c.CarrierCode, c.CarrierName = cr.Code, cr.Name
		}
		switch {
		case l.Number == "" && l.Carrier == "" && l.Tracking == "":
			c.Result = ShipEmpty
		case n != "" && first[n] != 0:
			c.Result, c.DuplicateOf = ShipDuplicate, first[n]
		case !known:
			c.Result = ShipUnknownOrder
		case Status(o.Status) == Shipped:
			c.Result, c.Status = ShipAlreadyShipped, Shipped
		case Status(o.Status) != Paid && Status(o.Status) != Preparing:
			c.Result, c.Status = ShipWrongState, Status(o.Status)
		case c.CarrierCode == "":
			c.Result = ShipUnknownCarrier
		case utf8.RuneCountInString(l.Tracking) > MaxTracking || shipping.ValidTrackingNumber(l.Tracking) != nil:
			c.Result = ShipBadTracking
		default:
			c.Result = ShipOK
		}
		if n != "" && first[n] == 0 {
			first[n] = l.Row
		}
		out[i] = c
	}
	return out, nil
}

// normNumber is an order number as orders store it: upper case, no spaces.
func normNumber(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// carrierAliases are names couriers' files give carriers that are neither
// their code nor their name here.
var carrierAliases = map[string]string{"대한통운": "cj", "씨제이대한통운": "cj", "롯데글로벌로지스": "lotte", "현대택배": "lotte"}

// matchCarrier finds the carrier name names: its code or its name, without
// regard to case, spaces, "(주)" or "택배" ("CJ대한통운", "cj", "한진",
// "우체국택배"), or an alias.
func matchCarrier(carriers []shipping.Carrier, name string) (shipping.Carrier, bool) {
	norm := func(s string) string {
		s = strings.ToLower(strings.Join(strings.Fields(s), ""))
		for _, cut := range []string{"(주)", "주식회사", "택배"} {
			s = strings.ReplaceAll(s, cut, "")
		}
		return s
	}
	n := norm(name)
	if n == "" {
		return shipping.Carrier{}, false
	}
	if code, ok := carrierAliases[n]; ok {
		n = code
	}
	for _, c := range carriers {
		if n == strings.ToLower(c.Code) || n == norm(c.Name) {
			return c, true
		}
	}
	return shipping.Carrier{}, false
}

// clip cuts s to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// The store of shipment uploads.

type shipmentUploadRow struct {
	FileName  string         `db:"file_name"`
	Lines     string         `db:"file_rows"`
	Result    sql.NullString `db:"report"`
	AppliedAt sql.NullTime   `db:"applied_at"`
	CreatedAt time.Time      `db:"created_at"`
}

// numberedOrder is what checking a row needs of an order.
type numberedOrder struct {
	ID     int64  `db:"id"`
	Number string `db:"number"`
	Status string `db:"status"`
}

// ordersByNumbers reads the orders of numbers, by number, 500 at a time.
func ordersByNumbers(ctx context.Context, q db.Querier, numbers []string) (map[string]numberedOrder, error) {
	out := make(map[string]numberedOrder, len(numbers))
	for start := 0; start < len(numbers); start += 500 {
		part := numbers[start:min(start+500, len(numbers))]
		var rs []numberedOrder
		if err := q.SelectContext(ctx, &rs, q.Rebind(`SELECT id, number, status FROM orders WHERE number IN (`+
			db.Placeholders(len(part))+`)`), db.Args(part)...); err != nil {
			return nil, fmt.Errorf("read orders by number: %w", err)
		}
		for _, r := range rs {
			out[r.Number] = r
		}
	}
	return out, nil
}

func insertShipmentUpload(ctx context.Context, q db.Querier, id string, staffID int64, fileName, lines string, now time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO shipment_uploads (id, staff_id, file_name, file_rows, created_at)
		VALUES (?, ?, ?, ?, ?)`), id, staffID, fileName, lines, now); err != nil {
		return fmt.Errorf("keep shipment upload: %w", err)
	}
	return nil
}

// pruneShipmentUploads deletes the uploads made before cutoff.
func pruneShipmentUploads(ctx context.Context, q db.Querier, cutoff time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM shipment_uploads WHERE created_at < ?`), cutoff); err != nil {
		return fmt.Errorf("delete old shipment uploads: %w", err)
	}
	return nil
}

// shipmentUploadByID reads upload id of staffID made after cutoff, or
// fault.ErrNotFound.
func shipmentUploadByID(ctx context.Context, q db.Querier, id string, staffID int64, cutoff time.Time) (shipmentUploadRow, error) {
	var r shipmentUploadRow
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT file_name, file_rows, report, applied_at, created_at FROM shipment_uploads
		WHERE id = ? AND staff_id = ? AND created_at >= ?`), id, staffID, cutoff)
	if errors.Is(err, sql.ErrNoRows) {
		return shipmentUploadRow{}, fmt.Errorf("shipment upload %s: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return shipmentUploadRow{}, fmt.Errorf("read shipment upload %s: %w", id, err)
	}
	return r, nil
}

// claimShipmentUpload marks upload id applied at now unless it is, and
// reports whether this call did.
func claimShipmentUpload(ctx context.Context, q db.Querier, id string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE shipment_uploads SET applied_at = ? WHERE id = ? AND applied_at IS NULL`), now, id)
	if err != nil {
		return false, fmt.Errorf("claim shipment upload %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim shipment upload %s: %w", id, err)
	}
	return n == 1, nil
}

func setShipmentResult(ctx context.Context, q db.Querier, id, result string) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE shipment_uploads SET report = ? WHERE id = ?`), result, id); err != nil {
		return fmt.Errorf("keep the result of shipment upload %s: %w", id, err)
	}
	return nil
}
