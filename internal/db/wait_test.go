package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// A read with ShareLock sees what a transaction changing the row commits,
// never the version from before it, on both engines.
func TestShareLockReadsTheCommit(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := t.Context()
	if _, err := d.Write().ExecContext(ctx, `CREATE TABLE share_probe (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Write().ExecContext(ctx, `INSERT INTO share_probe (id, v) VALUES (1, 1)`); err != nil {
		t.Fatal(err)
	}
	read := func(ctx context.Context) (int, error) {
		var v int
		err := d.Read().GetContext(ctx, &v, d.Read().Rebind(`SELECT v FROM share_probe WHERE id = ?`+d.Dialect.ShareLock()), 1)
		return v, err
	}
	changed, commit := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- d.InTx(ctx, func(q db.Querier) error {
			if _, err := q.ExecContext(ctx, `UPDATE share_probe SET v = 2 WHERE id = 1`); err != nil {
				return err
			}
			close(changed)
			<-commit
			return nil
		})
	}()
	<-changed
	// While the change is open, a bounded read on PostgreSQL waits for it
	// and runs out of time; on SQLite it reads the committed version
	// without waiting (the bound is long there: a busy machine must not
	// turn a read that does not wait into a failure).
	bound := 5 * time.Second
	if d.Dialect.Engine == db.Postgres {
		bound = 50 * time.Millisecond
	}
	short, cancel := context.WithTimeout(ctx, bound)
	v, err := read(short)
	cancel()
	switch d.Dialect.Engine {
	case db.Postgres:
		if err == nil {
			t.Errorf("read during the change = %d, %v; want it to wait", v, err)
		}
	default:
		if err != nil || v != 1 {
			t.Errorf("read during the change = %d, %v; want 1", v, err)
		}
	}
	close(commit)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if v, err := read(ctx); err != nil || v != 2 {
		t.Errorf("read after the commit = %d, %v; want 2", v, err)
	}
}
