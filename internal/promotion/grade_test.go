package promotion

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/notify/notifytest"
	"github.com/mallang/mallang/internal/pricing"
)

// The service is what order placement asks for.

// placeOrder inserts an order of userID with status and total, placed at.
func placeOrder(t *testing.T, d *db.DB, userID int64, status string, total int64, at time.Time) int64 {
	t.Helper()
	n := seq.Add(1)
	return insertID(t, d, `INSERT INTO orders (number, user_id, status, channel, idempotency_key, payment_method,
			subtotal_minor, total_minor, breakdown, created_at, updated_at)
		VALUES (?, ?, ?, 'pc_web', ?, 'card', ?, ?, '{}', ?, ?)`,
		fmt.Sprintf("20250301-T%06d", n), userID, status, fmt.Sprintf("key-%d", n), total, total, at.UTC(), at.UTC())
}

// contacts is a notify.Contacts on the users table.
type contacts struct{}

func (contacts) Contact(ctx context.Context, q db.Querier, userID int64) (email, name string, err error) {
	err = q.QueryRowxContext(ctx, q.Rebind(`SELECT email, name FROM users WHERE id = ?`), userID).Scan(&email, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fault.ErrNotFound
	}
	return email, name, err
}

// newEvaluator is the monthly evaluation of s over a window of days,
// mailing through an outbox whose deliveries wait in the returned queue.
func newEvaluator(t *testing.T, s *Service, c *fake.Clock, days int) *Evaluator {
	t.Helper()
	window := func(context.Context) time.Duration { return time.Duration(days) * 24 * time.Hour }
	return NewEvaluator(s, notify.NewOutbox(s.d, &notifytest.Queue{}, notifytest.Shop("말랑"), c.Now), contacts{}, window,
		"https://shop.example/account", slog.New(slog.DiscardHandler))
}

// mails returns the subjects of the mails sent to address.
func mails(t *testing.T, d *db.DB, address string) []string {
	t.Helper()
	var subjects []string
	q := d.Read()
	if err := q.SelectContext(t.Context(), &subjects, q.Rebind(`SELECT subject FROM outbox WHERE to_address = ? ORDER BY id`), address); err != nil {
		t.Fatal(err)
	}
	return subjects
}

// changes returns the evaluation's record of user's changes as
// "period from→to spent".
func changes(t *testing.T, d *db.DB, user int64) []string {
	t.Helper()
	var out []string
	q := d.Read()
	if err := q.SelectContext(t.Context(), &out, q.Rebind(`SELECT period || ' ' || from_grade || '→' || to_grade || ' ' || spent
		FROM member_grade_changes WHERE user_id = ? AND reason = 'evaluation' ORDER BY period`), user); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEvaluateMonth(t *testing.T) {
	t.Parallel()
	s, c := newService(t)
	ctx := t.Context()
	e := newEvaluator(t, s, c, 90)
	// The clock is 10:00 on 1 March 2025 in Korea: March's evaluation
	// counts the orders placed in the 90 days before March began there.
	monthStart := time.Date(2025, 3, 1, 0, 0, 0, 0, kst.Zone)
	window := 90 * 24 * time.Hour
	recent := monthStart.Add(-time.Hour)
	old := monthStart.Add(-window - time.Hour)
	email := func(u int64) string {
		var e string
		if err := s.d.Read().GetContext(ctx, &e, s.d.Read().Rebind(`SELECT email FROM users WHERE id = ?`), u); err != nil {
			t.Fatal(err)
		}
		return e
	}

	silver := customer(t, s.d)
	placeOrder(t, s.d, silver, "completed", 200000, recent)
	placeOrder(t, s.d, silver, "delivered", 150000, recent)

	gold := customer(t, s.d)
	placeOrder(t, s.d, gold, "paid", 700000, recent)
	refundable := placeOrder(t, s.d, gold, "shipped", 500000, recent)

	vip := customer(t, s.d)
	placeOrder(t, s.d, vip, "completed", 3000000, monthStart.Add(-window)) // exactly at the window's start counts

	late := customer(t, s.d) // bought after the month began: counts next month
	placeOrder(t, s.d, late, "completed", 3000000, monthStart)

	cancelled := customer(t, s.d) // spent nothing that counts
	placeOrder(t, s.d, cancelled, "cancelled", 3000000, recent)
	placeOrder(t, s.d, cancelled, "refunded", 3000000, recent)
	placeOrder(t, s.d, cancelled, "pending_payment", 3000000, recent)

	lapsed := customer(t, s.d) // vip by hand, last bought before the window
	placeOrder(t, s.d, lapsed, "completed", 5000000, old)
	if err := s.SetGrade(ctx, audittest.Staff, lapsed, "vip"); err != nil {
		t.Fatal(err)
	}
	kept := customer(t, s.d) // gold by hand and still spends enough for gold
	placeOrder(t, s.d, kept, "completed", 1000000, recent)
	if err := s.SetGrade(ctx, audittest.Staff, kept, "gold"); err != nil {
		t.Fatal(err)
	}
	gone := customer(t, s.d) // a deleted account keeps what it had
	if err := s.SetGrade(ctx, audittest.Staff, gone, "gold"); err != nil {
		t.Fatal(err)
	}
	exec(t, s.d, `UPDATE users SET deleted_at = ? WHERE id = ?`, c.Now(), gone)
	idle := customer(t, s.d)

	want := map[int64]string{silver: "silver", gold: "gold", vip: "vip", late: "welcome", cancelled: "welcome",
		lapsed: "welcome", kept: "gold", gone: "gold", idle: "welcome"}
	check := func(t *testing.T) {
		t.Helper()
		for u, code := range want {
			g, err := s.GradeOf(ctx, u)
			if err != nil || g.Code != code {
				t.Errorf("grade of user %d = %q, %v; want %q", u, g.Code, err, code)
			}
		}
	}

	period := Period(c.Now())
	if period != "2025-03" {
		t.Fatalf("Period = %q", period)
	}
	n, err := e.EvaluateMonth(ctx, period)
	if err != nil || n != 4 { // silver, gold, vip up; lapsed down
		t.Fatalf("EvaluateMonth = %d, %v; want 4 changed", n, err)
	}
	check(t)
	// Run again for the same month (a retry, a second node): nothing
	// changes, nobody is mailed twice.
	c.Advance(time.Hour)
	if n, err := e.EvaluateMonth(ctx, period); err != nil || n != 0 {
		t.Fatalf("EvaluateMonth again = %d, %v; want nothing changed", n, err)
	}
	check(t)
	for _, tt := range []struct {
		user    int64
		changes []string
		mails   []string
	}{
		{silver, []string{"2025-03 welcome→silver 350000"}, []string{"[말랑] 회원 등급이 실버 등급으로 올랐습니다"}},
		{vip, []string{"2025-03 welcome→vip 3000000"}, []string{"[말랑] 회원 등급이 VIP 등급으로 올랐습니다"}},
		{lapsed, []string{"2025-03 vip→welcome 0"}, []string{"[말랑] 회원 등급이 웰컴 등급으로 바뀌었습니다"}},
		{kept, nil, nil}, {idle, nil, nil}, {late, nil, nil}, {gone, nil, nil},
	} {
		if got := changes(t, s.d, tt.user); !slices.Equal(got, tt.changes) {
			t.Errorf("changes of user %d = %v, want %v", tt.user, got, tt.changes)
		}
		if got := mails(t, s.d, email(tt.user)); !slices.Equal(got, tt.mails) {
			t.Errorf("mails to user %d = %v, want %v", tt.user, got, tt.mails)
		}
	}
	if r, _ := s.PointsRules(ctx, vip); r.EarnPermille != 50 {
		t.Fatalf("vip earns %d‰, want 50", r.EarnPermille)
	}

	// A refund takes the order out of the sum; in April the vip's order has
	// left the window and the late order has come in.
	exec(t, s.d, `UPDATE orders SET status = 'refunded' WHERE id = ?`, refundable)
	c.Advance(31 * 24 * time.Hour)
	want[gold], want[vip], want[late] = "silver", "welcome", "vip"
	if n, err := e.EvaluateMonth(ctx, Period(c.Now())); err != nil || n != 3 {
		t.Fatalf("EvaluateMonth in April = %d, %v; want 3 changed", n, err)
	}
	check(t)
	if got := changes(t, s.d, gold); !slices.Equal(got, []string{"2025-03 welcome→gold 1200000", "2025-04 gold→silver 700000"}) {
		t.Errorf("changes of the gold customer = %v", got)
	}
	if got := mails(t, s.d, email(gold)); len(got) != 2 {
		t.Errorf("mails to the gold customer = %v, want two", got)
	}

	for _, bad := range []string{"", "2025-13", "2025-3", "march"} {
		if _, err := e.EvaluateMonth(ctx, bad); err == nil {
			t.Errorf("EvaluateMonth(%q): no error", bad)
		} else if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["period"] == "" {
			t.Errorf("EvaluateMonth(%q) = %v, want *fault.Invalid for period", bad, err)
		}
	}
	none := newEvaluator(t, s, c, 0)
	if _, err := none.EvaluateMonth(ctx, "2025-04"); err == nil {
		t.Fatal("EvaluateMonth with no window: no error")
	} else if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["window"] == "" {
		t.Fatalf("EvaluateMonth with no window = %v, want *fault.Invalid for window", err)
	}
}

// TestQuote feeds the service's rules to pricing.Quote as order placement
// does: the gift appears from its threshold up, points are capped by the
// settings and earned at the customer's grade.
func TestQuote(t *testing.T) {
	t.Parallel()
	s, _ := newService(t)
	ctx := t.Context()
	p, cat := product(t, s.d, "에코백", "active")
	gift := variant(t, s.d, p, 3, true)
	_, err := s.CreateGift(ctx, audittest.Staff, NewGift{Name: "5만 원 이상 에코백", Threshold: 50000, VariantID: gift})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSettings(ctx, audittest.Staff, Settings{PointsMinSpend: 1000, PointsMaxPercent: 10, PointsValidDays: 365}); err != nil {
		t.Fatal(err)
	}
	u := customer(t, s.d)
	if err := s.SetGrade(ctx, audittest.Staff, u, "silver"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		price    int64
		gift     bool
		used     int64
		earn     int64
		problems int
	}{
		{"under the threshold", 49900, false, 4990, (49900 - 4990) * 20 / 1000, 1},
		{"at the threshold", 50000, true, 5000, (50000 - 5000) * 20 / 1000, 1},
		{"above it", 80000, true, 8000, (80000 - 8000) * 20 / 1000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, err := s.PointsRules(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			gifts, err := s.Gifts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			b, err := pricing.Quote(pricing.Input{
				Lines:         []pricing.Line{{ID: 1, VariantID: 100, ProductID: 100, SellerID: 1, Name: "원두커피", UnitPrice: tt.price, Quantity: 1}},
				Points:        rules,
				Gifts:         gifts,
				PointsBalance: 100000,
				PointsToUse:   8000,
			})
			if err != nil {
				t.Fatal(err)
			}
			var got []pricing.PricedLine
			for _, l := range b.Lines {
				if l.Gift {
					got = append(got, l)
				}
			}
			if !tt.gift && len(got) != 0 {
				t.Fatalf("gift lines %+v, want none", got)
			}
			if tt.gift {
				want := pricing.Line{VariantID: gift, ProductID: p, CategoryID: cat,
					SellerID: 1, Name: "에코백", Quantity: 1}
				if len(got) != 1 || got[0].Line != want || got[0].LineTotal != 0 {
					t.Fatalf("gift lines %+v, want one free %+v", got, want)
				}
			}
			if b.PointsUsed != tt.used || b.PointsToEarn != tt.earn || len(b.Problems) != tt.problems {
				t.Fatalf("points used %d, earned %d, problems %+v; want %d, %d and %d problems",
					b.PointsUsed, b.PointsToEarn, b.Problems, tt.used, tt.earn, tt.problems)
			}
		})
	}
}

// A customer sees their grade, the one above and what is left to spend
// for it within the window the next evaluation counts.
func TestStanding(t *testing.T) {
	t.Parallel()
	s, c := newService(t)
	ctx := t.Context()
	e := newEvaluator(t, s, c, 90)
	// Now: 10:00 on 1 March 2025 in Korea; April's evaluation counts from
	// 1 April − 90 days = 1 January, 00:00 KST.
	windowStart := time.Date(2025, 1, 1, 0, 0, 0, 0, kst.Zone)

	fresh := customer(t, s.d)
	buyer := customer(t, s.d)
	placeOrder(t, s.d, buyer, "completed", 120000, windowStart)                   // counts
	placeOrder(t, s.d, buyer, "delivered", 30000, c.Now().Add(-time.Hour))        // counts
	placeOrder(t, s.d, buyer, "completed", 500000, windowStart.Add(-time.Second)) // before the window
	placeOrder(t, s.d, buyer, "cancelled", 500000, c.Now().Add(-time.Hour))       // does not count
	gold := customer(t, s.d)
	if err := s.SetGrade(ctx, audittest.Staff, gold, "gold"); err != nil {
		t.Fatal(err)
	}
	top := customer(t, s.d)
	if err := s.SetGrade(ctx, audittest.Staff, top, "vip"); err != nil {
		t.Fatal(err)
	}
	placeOrder(t, s.d, top, "completed", 4000000, c.Now().Add(-time.Hour))

	tests := []struct {
		name          string
		user          int64
		grade, next   string
		spent, toNext int64
	}{
		{"new customer", fresh, "welcome", "silver", 0, 300000},
		{"some spent", buyer, "welcome", "silver", 150000, 150000},
		{"gold by hand", gold, "gold", "vip", 0, 3000000},
		{"at the top", top, "vip", "", 4000000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := e.Standing(ctx, tt.user)
			if err != nil {
				t.Fatal(err)
			}
			next := ""
			if st.Next != nil {
				next = st.Next.Code
			}
			if st.Grade.Code != tt.grade || next != tt.next || st.Spent != tt.spent || st.ToNext != tt.toNext {
				t.Errorf("standing = %s → %q, spent %d, to next %d; want %s → %q, %d, %d",
					st.Grade.Code, next, st.Spent, st.ToNext, tt.grade, tt.next, tt.spent, tt.toNext)
			}
			if want := time.Date(2025, 4, 1, 0, 0, 0, 0, kst.Zone); !st.NextEvaluation.Equal(want) {
				t.Errorf("next evaluation %s, want %s", st.NextEvaluation, want)
			}
		})
	}
	if _, err := e.Standing(ctx, 0); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("Standing of a visitor = %v", err)
	}
}
