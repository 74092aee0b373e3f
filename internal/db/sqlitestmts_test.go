package db

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// connStmtCount returns how many statements the pool's one connection keeps.
func connStmtCount(t *testing.T, pool *sql.DB) int {
	t.Helper()
	c, err := pool.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	n := -1
	if err := c.Raw(func(dc any) error { n = len(dc.(*sqliteConn).stmts.m); return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSQLiteConnectionKeepsStatements: a connection runs a statement it ran
// before from its prepared form, with the new arguments; the same text
// asked again while its rows are open gets its own statement and both read
// their own rows; writes go through kept statements too; and more distinct
// texts than the connection keeps all run correctly.
func TestSQLiteConnectionKeepsStatements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := openSQLitePool("file:" + URIPath(filepath.Join(t.TempDir(), "s.db")) + "?_time_format=sqlite")
	defer pool.Close()
	pool.SetMaxOpenConns(1)
	if _, err := pool.ExecContext(ctx, `CREATE TABLE n (v INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := pool.ExecContext(ctx, `INSERT INTO n (v) VALUES (?)`, i); err != nil {
			t.Fatal(err)
		}
	}
	sum := func(q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}, above int) int {
		t.Helper()
		var s int
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(v), 0) FROM n WHERE v > ?`, above).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got, got2 := sum(pool, 0), sum(pool, 2); got != 10 || got2 != 7 {
		t.Fatalf("sums %d and %d, want 10 and 7", got, got2)
	}
	if n := connStmtCount(t, pool); n != 3 { // CREATE, INSERT, SELECT
		t.Fatalf("the connection keeps %d statements, want 3", n)
	}

	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	const list = `SELECT v FROM n WHERE v >= ? ORDER BY v`
	outer, err := tx.QueryContext(ctx, list, 3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var v int
		if err := outer.Scan(&v); err != nil {
			t.Fatal(err)
		}
		inner, err := tx.QueryContext(ctx, list, v+1) // the same text, its rows still open
		if err != nil {
			t.Fatal(err)
		}
		var after []int
		for inner.Next() {
			var w int
			if err := inner.Scan(&w); err != nil {
				t.Fatal(err)
			}
			after = append(after, w)
		}
		inner.Close()
		got = append(got, fmt.Sprint(v, after))
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if _, err := tx.ExecContext(ctx, `INSERT INTO n (v) VALUES (?)`, 10); err != nil {
		t.Fatal(err)
	}
	if s := sum(tx, 0); s != 20 {
		t.Fatalf("sum in the transaction %d, want 20", s)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[3 [4] 4 []]" {
		t.Fatalf("nested reads of one text: %v", got)
	}
	if s := sum(pool, 0); s != 10 {
		t.Fatalf("sum after the rollback %d, want 10", s)
	}

	for i := range 3 * maxConnStmts {
		var v int
		if err := pool.QueryRowContext(ctx, fmt.Sprintf(`SELECT %d + ?`, i), 1).Scan(&v); err != nil || v != i+1 {
			t.Fatalf("distinct text %d: %d, %v", i, v, err)
		}
	}
	if n := connStmtCount(t, pool); n > maxConnStmts {
		t.Fatalf("the connection keeps %d statements, more than %d", n, maxConnStmts)
	}
}
