// Package db opens Mallang's database on SQLite or PostgreSQL, applies the
// embedded migrations, and gives capabilities the two things they need to run
// SQL: a Querier (pool or transaction) and InTx. Engine differences live in
// Dialect; nothing else branches on the engine.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/jmoiron/sqlx"
)

// Querier runs statements on a pool or inside a transaction. Store functions
// take one, write `?` placeholders and pass the query through Rebind.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error)
	QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	Rebind(query string) string
}

// DB is an open database. On SQLite, writes go through one connection (SQLite
// has one writer at a time, and queuing in Go is faster than retrying on
// SQLITE_BUSY) while reads use a pool; on PostgreSQL both are the same pool.
type DB struct {
	write   *sqlx.DB
	read    *sqlx.DB
	Dialect Dialect
	// Schema is the PostgreSQL schema the connection uses ("" means the
	// server's default); tests run each in a schema of its own.
	Schema string
}

// Options tune Open.
type Options struct {
	// MaxReaders caps the read pool (on PostgreSQL the one pool); 0 picks
	// a default for the engine.
	MaxReaders int
}

// Open connects to rawURL ("sqlite:PATH" or "postgres://…") and checks the
// connection. It does not migrate; call Migrate.
func Open(ctx context.Context, rawURL string, opt Options) (*DB, error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(rawURL, "sqlite:"), opt)
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL, opt)
	default:
		return nil, fmt.Errorf("open database: unknown URL scheme in %q (want sqlite: or postgres://)", Redact(rawURL))
	}
}

// URIPath escapes the characters a file: URI reads as its own (the escape,
// the query and the fragment), so a data directory named "shop#1" or
// "100%" opens the file it names.
func URIPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// sqliteMap is how much of a SQLite database file connections map into
// memory: 1 GiB, the whole file of a shop with a few hundred thousand
// products.
const sqliteMap = 1 << 30

func openSQLite(ctx context.Context, path string, opt Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("open sqlite: empty path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
	}
	// Connections read the database file through a shared memory map
	// (mmap_size, up to sqliteMap bytes of it) instead of copying every
	// page they miss from the OS file cache into a cache of their own: the
	// listing mix ran 12-35 % faster and product pages about 20 %. The
	// mapped pages are the OS file cache, counted once however many
	// connections read them, so each connection's own page cache (for the
	// pages the map does not serve: the rest of a larger file, and pages
	// newer in the write-ahead log) is 1 MB instead of 4.
	base := "file:" + URIPath(path) + "?_time_format=sqlite" +
		"&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_pragma=cache_size(-1000)&_pragma=temp_store(MEMORY)" +
		"&_pragma=mmap_size(" + strconv.Itoa(sqliteMap) + ")"
	w := sqlx.NewDb(openSQLitePool(base+"&_txlock=immediate"), "sqlite")
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r := sqlx.NewDb(openSQLitePool(base+"&_pragma=query_only(1)"), "sqlite")
	n := opt.MaxReaders
	if n <= 0 {
		n = max(4, runtime.NumCPU()*2)
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	r.SetConnMaxLifetime(0)
	return &DB{write: w, read: r, Dialect: Dialect{Engine: SQLite}}, nil
}

// genericPlans asks PostgreSQL to plan each prepared statement once per
// connection (plan_cache_mode = force_generic_plan) unless the URL sets
// plan_cache_mode itself. pgx prepares every statement, but by default
// PostgreSQL plans it again for each call's values until it judges a generic
// plan good enough, and for a listing page (one arm per category of a
// subtree, the joins of its cards) planning took 3–13 ms against 1–2 ms of
// execution: the benchmark's mix of every listing page spent most of the
// server's time planning. The shop's statements name their indexes' order
// and do not depend on the values for a good plan.
func genericPlans(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		// Open takes only postgres:// URLs (a keyword/value string is
		// refused there); one that does not parse is left for the driver
		// to report.
		return rawURL
	}
	q := u.Query()
	if q.Get("plan_cache_mode") != "" {
		return rawURL
	}
	q.Set("plan_cache_mode", "force_generic_plan")
	u.RawQuery = q.Encode()
	return u.String()
}

func openPostgres(ctx context.Context, rawURL string, opt Options) (*DB, error) {
	p, err := sqlx.Open("pgx", genericPlans(rawURL))
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", Redact(rawURL), err)
	}
	n := opt.MaxReaders
	if n <= 0 {
		n = defaultPostgresConns()
	}
	p.SetMaxOpenConns(n)
	p.SetMaxIdleConns(n)
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("open postgres %s: %w", Redact(rawURL), err)
	}
	schema := ""
	if u, err := url.Parse(rawURL); err == nil {
		if sp := u.Query().Get("search_path"); sp != "" {
			schema = strings.TrimSpace(strings.Split(sp, ",")[0])
		}
	}
	return &DB{write: p, read: p, Dialect: Dialect{Engine: Postgres}, Schema: schema}, nil
}

// defaultPostgresConns is the PostgreSQL pool size when none is given: four
// connections per CPU, at least eight. More connections than the CPUs can
// keep busy only make the server switch between backends: on 2 CPUs the
// checkout benchmark placed about a fifth more orders per second with 8
// than with 20 (docs/performance.md).
func defaultPostgresConns() int { return max(8, 4*runtime.NumCPU()) }

// Redact hides the password of a database URL, for messages and logs.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Read returns the querier for reads outside a transaction.
func (d *DB) Read() Querier { return d.read }

// Write returns the querier for a single write outside a transaction. Several
// writes that belong together go through InTx instead.
func (d *DB) Write() Querier { return d.write }

// SQL returns the underlying pools, for libraries that want a *sql.DB
// (migrations, the job queue, metrics). Capabilities use Read, Write and InTx.
func (d *DB) SQL() (write, read *sql.DB) { return d.write.DB, d.read.DB }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.read.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close closes both pools.
func (d *DB) Close() error {
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// InTx runs fn in a transaction on the writer and commits when fn returns
// nil; any error or panic rolls it back. On SQLite the transaction starts
// with BEGIN IMMEDIATE, so it never fails half-way for a lock upgrade.
func (d *DB) InTx(ctx context.Context, fn func(q Querier) error) (err error) {
	tx, err := d.write.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// IsTx reports whether q is a transaction from InTx rather than a pool. A
// service that must write together with something else (a mail and its
// delivery job) opens its own transaction when handed a pool.
func IsTx(q Querier) bool {
	_, ok := q.(*sqlx.Tx)
	return ok
}

// Analyze refreshes the query planner's statistics. Run it after bulk
// changes (a seed, a load): without statistics both engines may pick a
// table scan over the listing indexes.
func (d *DB) Analyze(ctx context.Context) error {
	if _, err := d.write.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return d.dropSamples(ctx)
}

// dropSamples removes SQLite's sampled statistics (sqlite_stat4) and keeps
// the per-index ones (sqlite_stat1). With samples, SQLite prepares a
// statement again on every call whose bound values differ in a range or a
// LIMIT, since they might change its plan: the connection's kept statements
// (sqlitestmts.go) were parsed anew on almost every listing page. The
// listing queries name their indexes' order and need no samples to pick
// them; the benchmark measured the same plans without them.
func (d *DB) dropSamples(ctx context.Context) error {
	if d.Dialect.Engine != SQLite {
		return nil
	}
	var n int
	if err := d.write.GetContext(ctx, &n, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'`); err != nil {
		return fmt.Errorf("look for sampled statistics: %w", err)
	}
	if n == 0 {
		return nil
	}
	if _, err := d.write.ExecContext(ctx, `DELETE FROM sqlite_stat4`); err != nil {
		return fmt.Errorf("drop sampled statistics: %w", err)
	}
	// Reload the statistics that are left.
	if _, err := d.write.ExecContext(ctx, `ANALYZE sqlite_schema`); err != nil {
		return fmt.Errorf("reload statistics: %w", err)
	}
	return nil
}
