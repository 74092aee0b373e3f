package order

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/phone"
	"github.com/mallang/mallang/internal/sheet"
)

// The formats Export writes.
const (
	ExportCSV  = "csv"
	ExportXLSX = "xlsx"
)

// ExportLimit is the most rows (order lines) one export writes unless
// Config.ExportLimit says otherwise; a larger selection is refused, so a
// file is never cut short without anyone noticing.
const ExportLimit = 100_000

// ExportHeaders are the column names of an export, in the layout Korean
// couriers and warehouses take.
var ExportHeaders = []string{"주문번호", "주문일", "받는 분", "연락처", "우편번호", "주소", "배송 메모", "상품명", "옵션", "수량", "SKU"}

// ExportContentType is the media type of a file of format.
func ExportContentType(format string) string { return sheet.ContentType(sheet.Format(format)) }

// exportRow is one order line with its order's number, time and delivery
// fields, still encrypted.
type exportRow struct {
	ID        int64     `db:"id"`
	Number    string    `db:"number"`
	CreatedAt time.Time `db:"created_at"`
	Recipient string    `db:"recipient_enc"`
	Phone     string    `db:"phone_enc"`
	Postcode  string    `db:"postcode_enc"`
	Line1     string    `db:"line1_enc"`
	Line2     string    `db:"line2_enc"`
	Note      string    `db:"note_enc"`
	Name      string    `db:"name"`
	Options   string    `db:"options"`
	Quantity  int64     `db:"quantity"`
	SKU       string    `db:"sku"`
}

// Export writes every order matching f (not only a page: f's Limit and
// Offset are ignored), newest first, one row per line under ExportHeaders,
// as format (ExportCSV, which starts with a UTF-8 byte-order mark so Excel
// reads Korean right, or ExportXLSX, built by excelize's stream writer), to
// w, reading one row at a time, and returns how many rows it wrote. The
// delivery fields are decrypted: callers let only staff who may see
// customers' addresses export. The export is audited as "order.exported"
// by by, with the filter and the rows, in a transaction of its own once
// written.
//
// It returns *fault.Invalid for a bad filter, a format it does not write
// ("format"), or a selection of more than the export limit's rows
// ("export"), before writing anything.
func (s *Service) Export(ctx context.Context, w io.Writer, format string, f AdminFilter, by audit.Actor) (int, error) {
	f.Limit, f.Offset = 1, 0
	f, err := f.check()
	v := &fault.Invalid{}
	if inv, ok := fault.AsInvalid(err); ok {
		v = inv
	} else if err != nil {
		return 0, err
	}
	if format != ExportCSV && format != ExportXLSX {
		v.Add("format", "must be csv or xlsx")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	q := s.d.Read()
	where, args := s.where(f, s.now())
	limit := s.cfg.ExportLimit
	if limit <= 0 {
		limit = ExportLimit
	}
	n, err := countExportRows(ctx, q, where, args, limit+1)
	if err != nil {
		return 0, err
	}
	if n > limit {
		return 0, &fault.Invalid{Fields: map[string]string{"export": fmt.Sprintf("more than %d rows: narrow the search", limit)}}
	}
	each := func(fn func(cells []string) error) error {
		return s.eachExportRow(ctx, q, where, args, fn)
	}
	n, err = writeSheet(w, format, each)
	if err != nil {
		return 0, fmt.Errorf("export orders: %w", err)
	}
	detail := map[string]any{"format": format, "rows": n, "filter": f.described()}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		return s.deps.Audit.Record(ctx, q, by.Entry("order.exported", "order", "", detail))
	})
	if err != nil {
		return n, fmt.Errorf("audit order export: %w", err)
	}
	s.log.InfoContext(ctx, "orders exported", "actor_id", by.UserID, "rows", n, "format", format)
	return n, nil
}

// described is f as the audit log records it: the parameters set.
func (f AdminFilter) described() map[string]any {
	d := map[string]any{}
	set := func(k, v string) {
		if v != "" {
			d[k] = v
		}
	}
	set("q", f.Query)
	set("status", string(f.Status))
	set("number", f.Number)
	set("method", f.Method)
	set("channel", string(f.Channel))
	set("from", f.From)
	set("to", f.To)
	if f.Min != nil {
		d["min"] = *f.Min
	}
	if f.Max != nil {
		d["max"] = *f.Max
	}
	if f.DueToday {
		d["due"] = "today"
	}
	if f.StuckDays > 0 {
		d["stuck"] = f.StuckDays
	}
	return d
}

// eachExportRow calls fn with the cells of every line of the orders of
// where, decrypting each order's delivery fields once.
func (s *Service) eachExportRow(ctx context.Context, q db.Querier, where string, args []any, fn func(cells []string) error) error {
	rows, err := q.QueryxContext(ctx, q.Rebind(`SELECT o.id, o.number, o.created_at, o.recipient_enc, o.phone_enc, o.postcode_enc,
		o.line1_enc, o.line2_enc, o.note_enc, l.name, l.options, l.quantity, l.sku
		FROM orders o JOIN order_lines l ON l.order_id = o.id
		WHERE o.id IN (SELECT id FROM orders`+where+`) ORDER BY o.id DESC, l.id`), args...)
	if err != nil {
		return fmt.Errorf("read orders to export: %w", err)
	}
	defer rows.Close()
	var cur Order
	cells := make([]string, len(ExportHeaders))
	for rows.Next() {
		var r exportRow
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("read orders to export: %w", err)
		}
		if r.ID != cur.ID {
			cur = Order{ID: r.ID, Address: Address{Recipient: r.Recipient, Phone: r.Phone, Postcode: r.Postcode,
				Line1: r.Line1, Line2: r.Line2}, DeliveryNote: r.Note}
			if err := crypt.OpenFields(s.deps.Keyring, cur.ID, secrets(&cur)); err != nil {
				return err
			}
		}
		a := cur.Address
		cells[0], cells[1] = r.Number, r.CreatedAt.In(kst.Zone).Format("2006-01-02 15:04")
		cells[2], cells[3], cells[4] = a.Recipient, phone.Format(a.Phone), a.Postcode
		cells[5] = strings.TrimSpace(a.Line1 + " " + a.Line2)
		cells[6], cells[7], cells[8] = cur.DeliveryNote, r.Name, r.Options
		cells[9], cells[10] = strconv.FormatInt(r.Quantity, 10), r.SKU
		if err := fn(cells); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read orders to export: %w", err)
	}
	return nil
}

func countExportRows(ctx context.Context, q db.Querier, where string, args []any, limit int) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM (SELECT 1 FROM order_lines
		WHERE order_id IN (SELECT id FROM orders`+where+`) LIMIT ?) c`), append(args[:len(args):len(args)], limit)...)
	if err != nil {
		return 0, fmt.Errorf("count lines to export: %w", err)
	}
	return n, nil
}

// writeSheet writes the rows each gives as format under ExportHeaders: text
// cells stay text (phone numbers and postcodes keep their leading 0), the
// quantity is a number.
func writeSheet(w io.Writer, format string, each func(func([]string) error) error) (int, error) {
	sh, err := sheet.New(w, sheet.Format(format), sheet.Layout{Name: exportSheet, Headers: ExportHeaders,
		Widths: map[int]float64{1: 20, 2: 17, 3: 10, 4: 15, 6: 40, 7: 20, 8: 30, 9: 16, 11: 14}})
	if err != nil {
		return 0, err
	}
	row := make([]any, len(ExportHeaders))
	err = each(func(cells []string) error {
		for i, c := range cells {
			row[i] = c
		}
		if qty, err := strconv.ParseInt(cells[9], 10, 64); err == nil {
			row[9] = qty
		}
		return sh.Row(row...)
	})
	if err != nil {
		sh.Abort()
		return 0, err
	}
	return sh.Rows(), sh.Close()
}

// exportSheet names the one sheet of an .xlsx export.
const exportSheet = "주문"
