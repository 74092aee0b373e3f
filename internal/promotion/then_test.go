package promotion

import (
	"context"
	"errors"
	"testing"

	"github.com/mallang/mallang/internal/db"
)

// What a caller runs in the transaction of a change sees the change, and
// its failure undoes it: the back office writes its audit entries so.
func TestThenRunsInTheTransaction(t *testing.T) {
	t.Parallel()
	s, c := newService(t)
	ctx := t.Context()
	refused := errors.New("audit log refused")
	count := func(q db.Querier, table string) (n int) {
		t.Helper()
		if err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		return n
	}
	p, _ := product(t, s.d, "미니 에코백", "active")
	v := variant(t, s.d, p, 5, true)
	gift := NewGift{Name: "5만 원 이상 에코백", Threshold: 50000, VariantID: v, Quantity: 1, StartsAt: c.Now()}

	if _, err := s.CreateGift(ctx, gift, func(_ context.Context, q db.Querier, g Gift) error {
		if g.ID == 0 || count(q, "gift_rules") != 1 {
			t.Errorf("the hook saw %+v and %d rules", g, count(q, "gift_rules"))
		}
		return refused
	}); !errors.Is(err, refused) || count(s.d.Read(), "gift_rules") != 0 {
		t.Fatalf("CreateGift with a failing hook = %v, %d rules stored", err, count(s.d.Read(), "gift_rules"))
	}
	g, err := s.CreateGift(ctx, gift)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetGiftActive(ctx, g.ID, false, func(context.Context, db.Querier, int64) error { return refused }); !errors.Is(err, refused) {
		t.Fatalf("SetGiftActive with a failing hook = %v", err)
	}
	if got, err := s.Gift(ctx, g.ID); err != nil || !got.Active {
		t.Fatalf("after the failed switch: %+v, %v", got, err)
	}

	before, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	changed := before
	changed.PointsMinSpend = before.PointsMinSpend + 1000
	if err := s.SetSettings(ctx, changed, func(_ context.Context, _ db.Querier, st Settings) error {
		if st != changed {
			t.Errorf("the hook saw %+v, want %+v", st, changed)
		}
		return refused
	}); !errors.Is(err, refused) {
		t.Fatalf("SetSettings with a failing hook = %v", err)
	}
	c.Advance(CacheFor)
	if got, err := s.Settings(ctx); err != nil || got != before {
		t.Fatalf("settings after the failed save = %+v, %v; want %+v", got, err, before)
	}

	u := customer(t, s.d)
	if err := s.SetGrade(ctx, u, "vip", func(_ context.Context, _ db.Querier, gr Grade) error {
		if gr.Code != "vip" {
			t.Errorf("the hook saw grade %q", gr.Code)
		}
		return refused
	}); !errors.Is(err, refused) {
		t.Fatalf("SetGrade with a failing hook = %v", err)
	}
	if gr, err := s.GradeOf(ctx, u); err != nil || gr.Code == "vip" {
		t.Fatalf("grade after the failed assignment = %+v, %v", gr, err)
	}
}
