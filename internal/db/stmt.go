package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
)

// maxStmts bounds the prepared statements a StmtCache keeps; past it,
// queries are prepared each time as usual.
const maxStmts = 512

// StmtCache runs the hot reads on a database's read pool through prepared
// statements. SQLite spends longer parsing and planning a listing query than
// running it, and its driver keeps no statements of its own; a prepared
// *sqlx.Stmt is safe for concurrent use and is prepared again on each pooled
// connection as needed. The statements stay prepared while the pool is open.
//
// It prepares only on SQLite: pgx already keeps a statement cache per
// connection, and measured slower through database/sql prepared statements,
// so on PostgreSQL the queries go straight to the pool.
type StmtCache struct {
	q       Querier
	enabled bool
	mu      sync.RWMutex // guards m
	m       map[string]*sqlx.Stmt
}

// NewStmtCache returns a statement cache on d's read pool.
func NewStmtCache(d *DB) *StmtCache {
	return &StmtCache{q: d.Read(), enabled: d.Dialect.Engine == SQLite, m: map[string]*sqlx.Stmt{}}
}

// preparer is what a pool or transaction offers to prepare a statement.
type preparer interface {
	PreparexContext(ctx context.Context, query string) (*sqlx.Stmt, error)
}

// stmt returns the prepared form of query, or nil when the cache is off,
// the pool cannot prepare or the cache is full.
func (c *StmtCache) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if !c.enabled {
		return nil, nil
	}
	c.mu.RLock()
	st, ok := c.m[query]
	c.mu.RUnlock()
	if ok {
		return st, nil
	}
	p, ok := c.q.(preparer)
	if !ok {
		return nil, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st, nil
	}
	if len(c.m) >= maxStmts {
		return nil, nil
	}
	// Prepare without the caller's context: the statement outlives the call.
	st, err := p.PreparexContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	c.m[query] = st
	return st, nil
}

// Query runs query, written with ? placeholders, on the read pool through
// its prepared statement, like QueryContext.
func (c *StmtCache) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = c.q.Rebind(query)
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.q.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// Get is Query for one row scanned into dest, like GetContext; no row is
// sql.ErrNoRows.
func (c *StmtCache) Get(ctx context.Context, dest any, query string, args ...any) error {
	query = c.q.Rebind(query)
	st, err := c.stmt(ctx, query)
	if err != nil {
		return err
	}
	if st == nil {
		return c.q.GetContext(ctx, dest, query, args...)
	}
	return st.GetContext(ctx, dest, args...)
}

// Select is Query for every row scanned into the slice dest, like
// SelectContext.
func (c *StmtCache) Select(ctx context.Context, dest any, query string, args ...any) error {
	query = c.q.Rebind(query)
	st, err := c.stmt(ctx, query)
	if err != nil {
		return err
	}
	if st == nil {
		return c.q.SelectContext(ctx, dest, query, args...)
	}
	return st.SelectContext(ctx, dest, args...)
}

// PrepareOnce returns a Querier for one transaction q that prepares each
// distinct ExecContext and GetContext statement once, so a batch of hundreds
// of rows parses its few INSERT statements once rather than per row. The
// statements close with the transaction; the Querier must not be used after
// it.
func PrepareOnce(q Querier) Querier {
	return &txStmts{Querier: q, m: map[string]*sqlx.Stmt{}}
}

// txStmts is the Querier of PrepareOnce.
type txStmts struct {
	Querier
	m map[string]*sqlx.Stmt
}

func (t *txStmts) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if st, ok := t.m[query]; ok {
		return st, nil
	}
	p, ok := t.Querier.(preparer)
	if !ok {
		return nil, nil
	}
	st, err := p.PreparexContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	t.m[query] = st
	return st, nil
}

// ExecContext runs query through its prepared statement.
func (t *txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return t.Querier.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

// GetContext runs query through its prepared statement.
func (t *txStmts) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return err
	}
	if st == nil {
		return t.Querier.GetContext(ctx, dest, query, args...)
	}
	return st.GetContext(ctx, dest, args...)
}
