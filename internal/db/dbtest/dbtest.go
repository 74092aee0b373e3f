// Package dbtest gives each test a fresh, migrated database: an SQLite file
// in the test's temporary directory, or, when MALLANG_TEST_POSTGRES_URL is
// set, a new schema on that PostgreSQL server that is dropped afterwards.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// EnvPostgres names the variable that switches tests to PostgreSQL.
const EnvPostgres = "MALLANG_TEST_POSTGRES_URL"

// URL returns a database URL for a fresh, empty database (not migrated) and
// registers its removal with t.Cleanup.
func URL(t testing.TB) string {
	t.Helper()
	pg := os.Getenv(EnvPostgres)
	if pg == "" {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := db.Open(ctx, pg, db.Options{MaxReaders: 1})
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	defer admin.Close()
	// Extensions are per database; create pg_trgm once, under a lock, so
	// parallel test processes do not race on it.
	err = admin.InTx(ctx, func(q db.Querier) error {
		if _, err := q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(727274)`); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`)
		return err
	})
	if err != nil {
		t.Fatalf("dbtest: create pg_trgm: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := admin.Write().ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("dbtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		a, err := db.Open(ctx, pg, db.Options{MaxReaders: 1})
		if err != nil {
			t.Errorf("dbtest: drop schema: %v", err)
			return
		}
		defer a.Close()
		if err := dropSchema(ctx, a, schema); err != nil {
			t.Errorf("dbtest: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(pg)
	if err != nil {
		t.Fatalf("dbtest: %s: %v", EnvPostgres, err)
	}
	qv := u.Query()
	qv.Set("search_path", schema+",public")
	u.RawQuery = qv.Encode()
	return u.String()
}

// New returns a fresh migrated database, closed when the test ends.
func New(t testing.TB) *db.DB {
	t.Helper()
	d := Empty(t)
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return d
}

// Empty returns a fresh database without migrations, closed when the test ends.
func Empty(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), URL(t), db.Options{MaxReaders: 4})
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// RefuseInserts makes every later insert into table of d fail, on SQLite
// and on PostgreSQL, through a trigger: the row is refused by the database
// inside the transaction that writes it, to show that the change it goes
// with is undone. table must be a plain identifier.
func RefuseInserts(t testing.TB, d *db.DB, table string) {
	t.Helper()
	name := table + "_refused"
	stmts := []string{`CREATE TRIGGER ` + name + ` BEFORE INSERT ON ` + table + `
		BEGIN SELECT RAISE(ABORT, '` + table + ` refused'); END`}
	if d.Dialect.Engine == db.Postgres {
		stmts = []string{
			`CREATE FUNCTION ` + name + `() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN RAISE EXCEPTION '` + table + ` refused'; END $$`,
			`CREATE TRIGGER ` + name + ` BEFORE INSERT ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION ` + name + `()`,
		}
	}
	for _, s := range stmts {
		if _, err := d.Write().ExecContext(context.Background(), s); err != nil {
			t.Fatalf("dbtest: refuse inserts into %s: %v", table, err)
		}
	}
}

// dropSchema drops a test's schema a few tables at a time: one DROP SCHEMA
// CASCADE locks every table, index and sequence of the shop at once, and
// many tests ending together fill PostgreSQL's shared lock table ("out of
// shared memory", SQLSTATE 53200), which the server's
// max_locks_per_transaction sizes. A drop that still meets a full table is
// tried again shortly.
func dropSchema(ctx context.Context, a *db.DB, schema string) error {
	var tables []string
	if err := a.Read().SelectContext(ctx, &tables, `SELECT tablename FROM pg_tables WHERE schemaname = $1`, schema); err != nil {
		return err
	}
	const batch = 8
	var stmts []string
	for i := 0; i < len(tables); i += batch {
		var names []string
		for _, t := range tables[i:min(i+batch, len(tables))] {
			names = append(names, schema+`."`+t+`"`)
		}
		stmts = append(stmts, `DROP TABLE IF EXISTS `+strings.Join(names, ", ")+` CASCADE`)
	}
	stmts = append(stmts, `DROP SCHEMA `+schema+` CASCADE`)
	for _, stmt := range stmts {
		var err error
		for attempt := range 10 {
			if _, err = a.Write().ExecContext(ctx, stmt); err == nil || !strings.Contains(err.Error(), "53200") {
				break
			}
			time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
