package db_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

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

func TestAnalyze(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	if err := d.Analyze(context.Background()); err != nil {
		t.Fatalf("Analyze: %v", err)
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
