package order

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
)

// MaxAdminList is the most orders AdminList returns at once (the back
// office's and the admin API's largest page).
const MaxAdminList = 500

// CountLimit is the most orders AdminList counts: a count of CountLimit means
// "that many or more". Counting every one of a million orders on each page
// would cost more than the page itself (decision 0061).
const CountLimit = 10_000

// MaxQuery is the longest free-text search, in characters.
const MaxQuery = 100

// MaxStuckDays is the largest StuckDays.
const MaxStuckDays = 3650

// numberRE is the shape of an order number ("20261130-K7QX2M9A").
var numberRE = regexp.MustCompile(`^[0-9]{8}-[0-9A-Z]{8}$`)

// methodRE is the shape of a payment method ("card", "bank_transfer").
var methodRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// phoneRE is what a phone number search may look like: digits with hyphens,
// spaces or a leading +, nine digits at least.
var phoneRE = regexp.MustCompile(`^\+?[0-9][0-9 \-]{7,}[0-9]$`)

// dayLayout is how From and To are written.
const dayLayout = "2006-01-02"

// AdminFilter narrows AdminList. Zero fields do not filter. The names of
// the fields of a *fault.Invalid are those of the back office's and the
// API's query parameters ("q", "status", "method", "channel", "from", "to",
// "min", "max", "stuck", "limit", "offset").
type AdminFilter struct {
	// Query is free text: an order number, a customer's email, a phone
	// number (the recipient's), or else a name — the recipient's (spaces
	// and case ignored) or the customer's account name (as stored) — a
	// line's SKU or a line's whole product name.
	Query string
	// Status keeps the orders in this status.
	Status Status
	// Number keeps the order with this number (any case, spaces around
	// ignored); order numbers are matched whole.
	Number string
	// Method keeps the orders paid (or to be paid) this way ("card").
	Method string
	// Channel keeps the orders placed through this channel.
	Channel Channel
	// From and To keep the orders placed from day From to day To, both
	// included, as YYYY-MM-DD days of the Korean calendar.
	From, To string
	// Min and Max keep the orders whose total is at least Min and at most
	// Max won.
	Min, Max *int64
	// DueToday keeps the orders awaiting a deposit whose deadline falls
	// before the end of today (Asia/Seoul).
	DueToday bool
	// StuckDays, when positive, keeps the orders whose status has not
	// changed for more than that many days.
	StuckDays int
	// Limit is the page size, 1 to MaxAdminList.
	Limit int
	// Offset is how many orders to skip, not negative.
	Offset int
}

// check trims f and returns it, or *fault.Invalid naming every field at
// fault.
func (f AdminFilter) check() (AdminFilter, error) {
	f.Query = strings.TrimSpace(f.Query)
	f.Number = strings.ToUpper(strings.TrimSpace(f.Number))
	f.Method = strings.TrimSpace(f.Method)
	f.From, f.To = strings.TrimSpace(f.From), strings.TrimSpace(f.To)
	v := &fault.Invalid{}
	if f.Status != "" && !f.Status.Valid() {
		v.Add("status", "is not an order status")
	}
	if f.Channel != "" && !f.Channel.valid() {
		v.Add("channel", "is not a channel")
	}
	if f.Method != "" && !methodRE.MatchString(f.Method) {
		v.Add("method", "is not a payment method")
	}
	if utf8.RuneCountInString(f.Query) > MaxQuery {
		v.Add("q", fmt.Sprintf("must be at most %d characters", MaxQuery))
	}
	if utf8.RuneCountInString(f.Number) > 64 {
		v.Add("number", "must be at most 64 characters")
	}
	from, fromErr := time.ParseInLocation(dayLayout, f.From, kst.Zone)
	if f.From != "" && fromErr != nil {
		v.Add("from", "must be a date (YYYY-MM-DD)")
	}
	to, toErr := time.ParseInLocation(dayLayout, f.To, kst.Zone)
	if f.To != "" && toErr != nil {
		v.Add("to", "must be a date (YYYY-MM-DD)")
	}
	if f.From != "" && f.To != "" && fromErr == nil && toErr == nil && to.Before(from) {
		v.Add("to", "must not be before the start date")
	}
	if f.Min != nil && *f.Min < 0 {
		v.Add("min", "must not be negative")
	}
	if f.Max != nil && *f.Max < 0 {
		v.Add("max", "must not be negative")
	}
	if f.Min != nil && f.Max != nil && *f.Max >= 0 && *f.Max < *f.Min {
		v.Add("max", "must not be below the minimum")
	}
	if f.StuckDays < 0 || f.StuckDays > MaxStuckDays {
		v.Add("stuck", fmt.Sprintf("must be 0 to %d days", MaxStuckDays))
	}
	if f.Limit < 1 || f.Limit > MaxAdminList {
		v.Add("limit", fmt.Sprintf("must be 1 to %d", MaxAdminList))
	}
	if f.Offset < 0 {
		v.Add("offset", "must not be negative")
	}
	return f, v.Err()
}

// where is the WHERE clause of the checked filter f at now, with its
// arguments. Every condition reads an index of migration 00041 (or the
// orders_status and primary key ones).
func (s *Service) where(f AdminFilter, now time.Time) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.Number != "" {
		add("number = ?", f.Number)
	}
	if f.Method != "" {
		add("payment_method = ?", f.Method)
	}
	if f.Channel != "" {
		add("channel = ?", f.Channel)
	}
	if f.From != "" {
		t, _ := time.ParseInLocation(dayLayout, f.From, kst.Zone)
		add("created_at >= ?", t.UTC())
	}
	if f.To != "" {
		t, _ := time.ParseInLocation(dayLayout, f.To, kst.Zone)
		add("created_at < ?", t.AddDate(0, 0, 1).UTC())
	}
	if f.Min != nil {
		add("total_minor >= ?", *f.Min)
	}
	if f.Max != nil {
		add("total_minor <= ?", *f.Max)
	}
	if f.DueToday {
		k := now.In(kst.Zone)
		end := time.Date(k.Year(), k.Month(), k.Day()+1, 0, 0, 0, 0, kst.Zone)
		// Few orders await a deposit at once: their status's index
		// finds them.
		add("status = ? AND pay_by < ?", AwaitingDeposit, end.UTC())
	}
	if f.StuckDays > 0 {
		add("updated_at < ?", now.UTC().AddDate(0, 0, -f.StuckDays))
	}
	if f.Query != "" {
		c, a := s.queryWhere(f.Query)
		add(c, a...)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// queryWhere is the condition of the free-text search q: an order number,
// an email, a phone number, or else a name or SKU (see AdminFilter.Query).
func (s *Service) queryWhere(q string) (string, []any) {
	if up := strings.ToUpper(q); numberRE.MatchString(up) {
		return "number = ?", []any{up}
	}
	if strings.Contains(q, "@") {
		return "user_id IN (SELECT id FROM users WHERE email = ?)", []any{strings.ToLower(q)}
	}
	if phoneRE.MatchString(q) {
		if e164, err := address.NormalizePhone(q); err == nil {
			return "phone_key = ?", []any{s.searchKey("phone", e164)}
		}
	}
	return `id IN (SELECT id FROM orders WHERE recipient_key = ?
		UNION SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE u.name = ?
		UNION SELECT order_id FROM order_lines WHERE sku IN (?, ?)
		UNION SELECT order_id FROM order_lines WHERE name = ?)`,
		[]any{s.searchKey("name", nameForm(q)), q, q, strings.ToUpper(q), q}
}

// nameForm is a name as its search key is made of: lower case, without
// spaces, so "김 말랑" finds "김말랑".
func nameForm(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if !unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// searchKey is the blind index of value of kind ("name", "phone"): an
// HMAC-SHA-256 under the service's search key, in hex, so equal values are
// found by an index without the table telling what they are.
func (s *Service) searchKey(kind, value string) string {
	m := hmac.New(sha256.New, s.deps.SearchKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// keysOf returns the blind indexes of a's recipient and phone; "" for an
// empty field.
func (s *Service) keysOf(a Address) (recipient, phone string) {
	if n := nameForm(a.Recipient); n != "" {
		recipient = s.searchKey("name", n)
	}
	if a.Phone != "" {
		phone = s.searchKey("phone", a.Phone)
	}
	return recipient, phone
}

// keyBatch is how many orders IndexSearchKeys fills at once.
const keyBatch = 200

// IndexSearchKeys writes the blind indexes of the recipient and phone of
// orders stored without them (those placed before migration 00041) and
// returns how many it wrote; the hourly job runs it until none is left.
// Orders placed since get theirs in the order's transaction.
func (s *Service) IndexSearchKeys(ctx context.Context) (int64, error) {
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		rows, err := unkeyedOrders(ctx, s.d.Read(), keyBatch)
		if err != nil {
			return n, err
		}
		for _, r := range rows {
			o, err := s.open(r)
			if err != nil {
				return n, fmt.Errorf("index order %d: %w", r.ID, err)
			}
			rk, pk := s.keysOf(o.Address)
			if err := setSearchKeys(ctx, s.d.Write(), r.ID, rk, pk); err != nil {
				return n, err
			}
			n++
		}
		if len(rows) < keyBatch {
			return n, nil
		}
	}
}

func unkeyedOrders(ctx context.Context, q db.Querier, limit int) ([]orderRow, error) {
	var rs []orderRow
	if err := q.SelectContext(ctx, &rs, q.Rebind(selectOrder+` WHERE recipient_key IS NULL ORDER BY id LIMIT ?`), limit); err != nil {
		return nil, fmt.Errorf("orders without search keys: %w", err)
	}
	return rs, nil
}

// setSearchKeys stores the blind indexes of order id.
func setSearchKeys(ctx context.Context, q db.Querier, id int64, recipient, phone string) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE orders SET recipient_key = ?, phone_key = ? WHERE id = ?`),
		recipient, phone, id); err != nil {
		return fmt.Errorf("store search keys of order %d: %w", id, err)
	}
	return nil
}

func countAdminOrders(ctx context.Context, q db.Querier, where string, args []any) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM (SELECT 1 FROM orders`+where+` LIMIT ?) c`),
		append(args[:len(args):len(args)], CountLimit)...)
	if err != nil {
		return 0, fmt.Errorf("count orders: %w", err)
	}
	return n, nil
}

// pageOrder is the ORDER BY of a page of f. Orders left unchanged in a
// status are old ones, far down the primary key: walking it newest first
// would read most of the table before finding them, so "id + 0" makes the
// engine read them through orders_updated and sort the few it finds.
func pageOrder(f AdminFilter) string {
	if f.StuckDays > 0 && f.Status != "" {
		return " ORDER BY id + 0 DESC"
	}
	return " ORDER BY id DESC"
}

func adminOrders(ctx context.Context, q db.Querier, where, orderBy string, args []any, limit, offset int) ([]orderRow, error) {
	var rs []orderRow
	err := q.SelectContext(ctx, &rs, q.Rebind(selectOrder+where+orderBy+` LIMIT ? OFFSET ?`),
		append(args[:len(args):len(args)], limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	return rs, nil
}
