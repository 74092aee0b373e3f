package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

func TestMigrateIsRepeatable(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	n, err := d.Migrate(ctx)
	if err != nil || n != 0 {
		t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
	}
	v, err := d.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := d.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v != latest || v < 2 {
		t.Fatalf("schema version %d, latest %d", v, latest)
	}
	var house string
	if err := d.Read().GetContext(ctx, &house, `SELECT slug FROM sellers WHERE is_house = TRUE`); err != nil || house != "house" {
		t.Fatalf("house seller = %q, %v", house, err)
	}
}

func TestInTxRollsBack(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := d.InTx(ctx, func(q db.Querier) error {
		if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO sellers (slug, name) VALUES (?, ?)`), "temp", "임시"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want boom", err)
	}
	var n int
	if err := d.Read().GetContext(ctx, &n, `SELECT COUNT(*) FROM sellers`); err != nil || n != 1 {
		t.Fatalf("sellers = %d, %v; want only the house seller", n, err)
	}
}

func TestUniqueViolation(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	_, err := d.Write().ExecContext(ctx, d.Write().Rebind(`INSERT INTO sellers (slug, name) VALUES (?, ?)`), "house", "중복")
	if err == nil || !d.Dialect.IsUniqueViolation(err) {
		t.Fatalf("duplicate slug: %v, want a unique violation", err)
	}
}

func TestEscapeLike(t *testing.T) {
	t.Parallel()
	if got := db.EscapeLike(`50%_a\b`); got != `50\%\_a\\b` {
		t.Fatalf("EscapeLike = %q", got)
	}
}

// TestAnalyze: statistics are gathered; on SQLite the per-index ones stay
// and the sampled ones are dropped, so kept statements are not prepared
// again for every new bound value.
func TestAnalyze(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	w := d.Write()
	for i := range 50 {
		if _, err := w.ExecContext(ctx, w.Rebind(`INSERT INTO categories (slug, name, position, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?)`), fmt.Sprintf("c%d", i), "c", i, time.Now(), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Analyze(ctx); err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	if d.Dialect.Engine != db.SQLite {
		return
	}
	var stat1, stat4 int
	if err := w.GetContext(ctx, &stat1, `SELECT COUNT(*) FROM sqlite_stat1`); err != nil || stat1 == 0 {
		t.Fatalf("sqlite_stat1 has %d rows, %v; want some", stat1, err)
	}
	if err := w.GetContext(ctx, &stat4, `SELECT COUNT(*) FROM sqlite_stat4`); err != nil || stat4 != 0 {
		t.Fatalf("sqlite_stat4 has %d rows, %v; want none", stat4, err)
	}
}

func TestReadSnapshot(t *testing.T) {
	t.Parallel()
	d := dbtest.Empty(t)
	ctx := context.Background()
	if _, err := d.Write().ExecContext(ctx, `CREATE TABLE snap (n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	_, read := d.SQL()
	tx, err := read.BeginTx(ctx, d.Dialect.ReadSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	count := func(q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}) int {
		t.Helper()
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM snap`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(tx); n != 0 {
		t.Fatalf("rows before = %d, want 0", n)
	}
	if _, err := d.Write().ExecContext(ctx, `INSERT INTO snap (n) VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	if n := count(tx); n != 0 {
		t.Errorf("the snapshot sees %d rows written after its first read, want 0", n)
	}
	if n := count(read); n != 1 {
		t.Errorf("outside the snapshot: %d rows, want 1", n)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO snap (n) VALUES (2)`); err == nil {
		t.Error("a write in the read-only snapshot succeeded")
	}
}

// TestSQLitePathWithURICharacters opens SQLite files whose paths hold the
// characters a file: URI gives a meaning to: each must name its own file,
// and the file must be where the path says.
func TestSQLitePathWithURICharacters(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"shop#1", "100%", "what?", "a b", "%23"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name, "shop.db")
			d, err := db.Open(t.Context(), "sqlite:"+path, db.Options{MaxReaders: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if _, err := d.Write().ExecContext(t.Context(), `CREATE TABLE marker (n INTEGER)`); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := d.Read().GetContext(t.Context(), &n, `SELECT count(*) FROM marker`); err != nil {
				t.Fatalf("reader does not see the writer's file: %v", err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("database not at its path: %v", err)
			}
		})
	}
}

// TestTimesKeepMicroseconds writes times with nanoseconds through the pool
// and a transaction and reads them back: both engines keep the microsecond
// and drop the rest, so a dump moved from one engine to the other and back
// holds the same times.
func TestTimesKeepMicroseconds(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := t.Context()
	tests := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"nanoseconds", time.Date(2025, 3, 1, 10, 20, 30, 123456789, time.UTC), time.Date(2025, 3, 1, 10, 20, 30, 123456000, time.UTC)},
		{"just under a second", time.Date(2024, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(2024, 12, 31, 23, 59, 59, 999999000, time.UTC)},
		{"microseconds", time.Date(2025, 3, 1, 10, 20, 30, 500000, time.UTC), time.Date(2025, 3, 1, 10, 20, 30, 500000, time.UTC)},
		{"another zone", time.Date(2025, 3, 2, 9, 0, 0, 1999, time.FixedZone("KST", 9*3600)), time.Date(2025, 3, 2, 0, 0, 0, 1000, time.UTC)},
		{"pointer", time.Date(2025, 3, 1, 0, 0, 0, 7, time.UTC), time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)},
	}
	for i, tt := range tests {
		slug := fmt.Sprintf("seller-%d", i)
		var arg any = tt.in
		if tt.name == "pointer" {
			arg = &tt.in
		}
		err := d.InTx(ctx, func(q db.Querier) error {
			_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO sellers (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?)`), slug, tt.name, arg, arg)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write().ExecContext(ctx, d.Write().Rebind(`UPDATE sellers SET updated_at = ? WHERE slug = ?`), arg, slug); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Created db.Time `db:"created_at"`
			Updated db.Time `db:"updated_at"`
			// Written is what the engine holds, as text.
			Written string `db:"written"`
		}
		if err := d.Read().GetContext(ctx, &got, d.Read().Rebind(`SELECT created_at, updated_at, CAST(created_at AS TEXT) AS written FROM sellers WHERE slug = ?`), slug); err != nil {
			t.Fatal(err)
		}
		for _, g := range []db.Time{got.Created, got.Updated} {
			if !time.Time(g).Equal(tt.want) {
				t.Errorf("%s: stored %v (%s), want %v", tt.name, time.Time(g), got.Written, tt.want)
			}
		}
	}
	// A query compares with the same precision it stores: the row written
	// with nanoseconds is found by the same value.
	var n int
	if err := d.Read().GetContext(ctx, &n, d.Read().Rebind(`SELECT COUNT(*) FROM sellers WHERE created_at = ?`), tests[0].in); err != nil || n != 1 {
		t.Errorf("rows at %v = %d, %v; want 1", tests[0].in, n, err)
	}
}

// TestPostgresPlansStatementsOnce: on PostgreSQL every connection plans a
// prepared statement once (plan_cache_mode = force_generic_plan), unless
// the database URL says otherwise.
func TestPostgresPlansStatementsOnce(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	if d.Dialect.Engine != db.Postgres {
		return
	}
	var mode string
	if err := d.Read().GetContext(context.Background(), &mode, `SHOW plan_cache_mode`); err != nil || mode != "force_generic_plan" {
		t.Fatalf("plan_cache_mode = %q, %v; want force_generic_plan", mode, err)
	}
}
