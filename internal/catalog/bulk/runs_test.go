package bulk_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog/bulk"
	"github.com/mallang/mallang/internal/fault"
)

// A run is kept in the database: another node, or the shop after a
// restart, shows its progress and report and applies its dry run.
func TestRunsSurviveARestartAndReachEveryNode(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	ctx := t.Context()
	dry, err := s.bulk.Start(ctx, s.boss, csvFile("SKU,재고", "A-1,4", "Z-9,1"), bulk.Options{DryRun: true, FileName: "b.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.bulk.Wait(ctx, dry); err != nil {
		t.Fatal(err)
	}
	other := s.node()
	st, err := other.Status(ctx, dry)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Done || st.Err != nil || st.Report == nil || !st.Report.DryRun || st.Report.Rejected != 1 ||
		len(st.Report.Problems) != 1 || st.Report.Problems[0].Row != 3 || !st.CanApply || st.FileName != "b.csv" ||
		st.Progress.Phase != bulk.PhaseDone || st.Progress.Total != 2 {
		t.Fatalf("the other node's state = %+v", st)
	}
	applied, err := other.ApplyDryRun(ctx, s.boss, dry, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Wait(ctx, applied); err != nil {
		t.Fatal(err)
	}
	// The first node sees the run the other one made.
	st, err = s.bulk.Status(ctx, applied)
	if err != nil || !st.Done || st.Report == nil || !st.Report.Applied || st.Report.Updated != 1 || st.CanApply {
		t.Fatalf("first node's view of the applied run = %+v, %v", st, err)
	}
	if _, _, stock, _, _ := s.variant(t, "A-1"); stock != 4 {
		t.Errorf("stock = %d, want 4", stock)
	}
	if _, err := s.node().Status(ctx, "nope"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("unknown run: %v", err)
	}
}

// A form sent twice (a double click) starts one run, and a dry run applied
// twice is applied once.
func TestARunStartedTwiceIsOneRun(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	ctx := t.Context()
	file := csvFile("SKU,재고", "A-1,9")
	first, err := s.bulk.Start(ctx, s.boss, file, bulk.Options{Key: "form-1"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.node().Start(ctx, s.boss, file, bulk.Options{Key: "form-1"})
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Fatalf("the same form started runs %s and %s", first, second)
	}
	if _, err := s.bulk.Wait(ctx, first); err != nil {
		t.Fatal(err)
	}
	if n := s.imports(t); n != 1 {
		t.Errorf("%d imports audited, want 1", n)
	}

	dry, err := s.bulk.Start(ctx, s.boss, csvFile("SKU,재고", "A-1,3"), bulk.Options{DryRun: true, Key: "form-2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.bulk.Wait(ctx, dry); err != nil {
		t.Fatal(err)
	}
	a, err := s.bulk.ApplyDryRun(ctx, s.boss, dry, false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.node().ApplyDryRun(ctx, s.boss, dry, false)
	if err != nil || a != b {
		t.Fatalf("applying twice = %s, then %s, %v", a, b, err)
	}
	if _, err := s.bulk.Wait(ctx, a); err != nil {
		t.Fatal(err)
	}
	if n := s.imports(t); n != 2 {
		t.Errorf("%d imports audited, want 2", n)
	}
}

// A run whose node stopped before it finished (its transaction rolled back,
// so nothing was written) is shown as interrupted once its node has not
// been heard of for a while, instead of running for ever.
func TestARunWhoseNodeStoppedIsInterrupted(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	ctx := t.Context()
	q := s.d.Write()
	now := s.clock.Now().UTC()
	if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO catalog_import_runs (id, file_name, dry_run, partial,
		phase, done_rows, total_rows, started_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		"lost", "c.csv", false, false, "check", 10, 100, now, now, now); err != nil {
		t.Fatal(err)
	}
	st, err := s.bulk.Status(ctx, "lost")
	if err != nil || st.Done || st.Progress.Done != 10 {
		t.Fatalf("fresh state = %+v, %v", st, err)
	}
	s.clock.Advance(2 * time.Minute)
	st, err = s.bulk.Status(ctx, "lost")
	if err != nil || !st.Done || !errors.Is(st.Err, bulk.ErrInterrupted) || st.Report != nil {
		t.Fatalf("stale state = %+v, %v", st, err)
	}
	if _, err := s.bulk.Wait(context.Background(), "lost"); err != nil {
		t.Fatalf("Wait on an interrupted run: %v", err)
	}
}

// imports counts the catalog.imported audit entries.
func (s *shop) imports(t *testing.T) int {
	t.Helper()
	var n int
	q := s.d.Read()
	if err := q.GetContext(t.Context(), &n, `SELECT COUNT(*) FROM audit_log WHERE action = 'catalog.imported'`); err != nil {
		t.Fatal(err)
	}
	return n
}
