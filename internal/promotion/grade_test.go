package promotion

import (
	"fmt"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
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

func TestEvaluateGrades(t *testing.T) {
	t.Parallel()
	s, c := newService(t)
	ctx := t.Context()
	window := 90 * 24 * time.Hour
	recent := c.Now().Add(-24 * time.Hour)
	old := c.Now().Add(-window - time.Hour)

	silver := customer(t, s.d)
	placeOrder(t, s.d, silver, "completed", 200000, recent)
	placeOrder(t, s.d, silver, "delivered", 150000, recent)

	gold := customer(t, s.d)
	placeOrder(t, s.d, gold, "paid", 700000, recent)
	refundable := placeOrder(t, s.d, gold, "shipped", 500000, recent)

	vip := customer(t, s.d)
	placeOrder(t, s.d, vip, "completed", 3000000, c.Now().Add(-window)) // exactly at the window's start counts

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

	want := map[int64]string{silver: "silver", gold: "gold", vip: "vip", cancelled: "welcome",
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

	n, err := s.EvaluateGrades(ctx, window)
	if err != nil || n != 4 { // silver, gold, vip up; lapsed down
		t.Fatalf("EvaluateGrades = %d, %v; want 4 changed", n, err)
	}
	check(t)
	if n, err := s.EvaluateGrades(ctx, window); err != nil || n != 0 {
		t.Fatalf("EvaluateGrades again = %d, %v; want nothing changed", n, err)
	}
	check(t)
	if r, _ := s.PointsRules(ctx, vip); r.EarnPermille != 50 {
		t.Fatalf("vip earns %d‰, want 50", r.EarnPermille)
	}

	// A refund takes the order out of the sum; a month later the vip's
	// order has left the window.
	exec(t, s.d, `UPDATE orders SET status = 'refunded' WHERE id = ?`, refundable)
	c.Advance(24 * time.Hour)
	want[gold], want[vip] = "silver", "welcome"
	if n, err := s.EvaluateGrades(ctx, window); err != nil || n != 2 {
		t.Fatalf("EvaluateGrades after a refund = %d, %v; want 2 changed", n, err)
	}
	check(t)

	if _, err := s.EvaluateGrades(ctx, 0); err == nil {
		t.Fatal("EvaluateGrades with no window: no error")
	} else if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["window"] == "" {
		t.Fatalf("EvaluateGrades with no window = %v, want *fault.Invalid for window", err)
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
