// Package jobs runs Mallang's background work through River
// (github.com/riverqueue/river) on the shop's own database, SQLite or
// PostgreSQL, so jobs are enqueued in the same transaction as the change
// that needs them and no other service is required.
//
// Three pieces, created by app:
//
//   - Migrate creates and updates River's tables (run by `mallang migrate`
//     and at the start of serve, after the shop's own migrations).
//   - Queue is insert-only. Capabilities get it through one-method
//     interfaces (catalog.ThumbnailQueue) and call it with the querier of
//     their transaction.
//   - Runner works the jobs: started by serve (and a future worker
//     subcommand), stopped gracefully on shutdown.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/jmoiron/sqlx"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/mallang/mallang/internal/db"
)

// Queue names. Thumbnails get a queue of their own so a burst of uploads
// (CPU-bound work) cannot hold up other jobs.
const (
	QueueDefault = "default"
	QueueMedia   = "media"
)

// migrateLock is the PostgreSQL advisory lock taken while River's
// migrations run, so app nodes starting together do not race.
const migrateLock = 7272_0005

// driver is River's driver for d's engine on pool. Both are database/sql
// drivers, so every River type here is parameterised by *sql.Tx and a
// transaction from db.InTx can carry an insert.
func driver(d *db.DB, pool *sql.DB) riverdriver.Driver[*sql.Tx] {
	if d.Dialect.Engine == db.Postgres { // River has a driver per engine
		return riverdatabasesql.New(pool)
	}
	return riversqlite.New(pool)
}

// Migrate applies River's pending migrations to d, in d.Schema on
// PostgreSQL. Each migration runs in a transaction of its own (PostgreSQL
// cannot use an enum value added in the same transaction). It is idempotent;
// on PostgreSQL an advisory lock makes processes that start together take
// turns.
func Migrate(ctx context.Context, d *db.DB) error {
	write, _ := d.SQL()
	m, err := rivermigrate.New(driver(d, write), &rivermigrate.Config{
		Schema: d.Schema,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return fmt.Errorf("migrate jobs: %w", err)
	}
	if d.Dialect.Engine == db.Postgres {
		// Only PostgreSQL serves several nodes, which may start together; an
		// SQLite file belongs to one. A session lock on a connection of its
		// own, held while the migrator uses others from the pool.
		conn, err := write.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrate jobs: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
			return fmt.Errorf("migrate jobs: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLock) //nolint:errcheck // closing the session frees it too
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate jobs: %w", err)
	}
	return nil
}

// sqlTx is the *sql.Tx inside a querier from db.InTx.
func sqlTx(q db.Querier) (*sql.Tx, error) {
	tx, ok := q.(*sqlx.Tx)
	if !ok {
		return nil, fmt.Errorf("jobs need the querier of a transaction from db.InTx, got %T", q)
	}
	return tx.Tx, nil
}
