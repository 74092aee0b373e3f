package db_test

import (
	"context"
	"testing"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

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
