package db_test

import (
	"context"
	"testing"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

func TestStmtCache(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	c := db.NewStmtCache(d)
	// The same statement twice runs its cached form the second time.
	for i := range 2 {
		var n int
		if err := c.Get(ctx, &n, `SELECT CAST(? AS INTEGER) + 1`, i); err != nil || n != i+1 {
			t.Fatalf("Get(%d) = %d, %v; want %d", i, n, err, i+1)
		}
		rows, err := c.Query(ctx, `SELECT CAST(? AS INTEGER) UNION ALL SELECT CAST(? AS INTEGER)`, i, i+10)
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		var got []int
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if len(got) != 2 || got[0] != i || got[1] != i+10 {
			t.Fatalf("Query rows = %v, want [%d %d]", got, i, i+10)
		}
	}
}

func TestPrepareOnce(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	var sum int
	err := d.InTx(ctx, func(q db.Querier) error {
		if _, err := q.ExecContext(ctx, `CREATE TABLE prepare_once (n INTEGER NOT NULL)`); err != nil {
			return err
		}
		p := db.PrepareOnce(q)
		for i := 1; i <= 5; i++ {
			if _, err := p.ExecContext(ctx, p.Rebind(`INSERT INTO prepare_once (n) VALUES (?)`), i); err != nil {
				return err
			}
			var n int
			if err := p.GetContext(ctx, &n, `SELECT COUNT(*) FROM prepare_once`); err != nil || n != i {
				t.Errorf("count after %d inserts = %d, %v", i, n, err)
			}
		}
		return p.GetContext(ctx, &sum, `SELECT SUM(n) FROM prepare_once`)
	})
	if err != nil || sum != 15 {
		t.Fatalf("sum = %d, %v; want 15", sum, err)
	}
}
