package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"

	"github.com/mallang/mallang/internal/db"
)

// maxStmts bounds the prepared statements a Service keeps; past it, reads
// are prepared each time as usual.
const maxStmts = 512

// stmtCache keeps the hot read statements prepared. SQLite spends longer
// parsing and planning a listing query than running it, and the driver
// keeps no statements of its own; a prepared *sqlx.Stmt is safe for
// concurrent use and is prepared again on each pooled connection as needed.
//
// Only SQLite needs it: pgx already keeps a statement cache per connection,
// and measured slower through database/sql prepared statements. (This is a
// property of the drivers, not of the SQL; it belongs in internal/db, which
// could give every capability a caching read querier.)
type stmtCache struct {
	enabled bool
	mu      sync.RWMutex // guards m
	m       map[string]*sqlx.Stmt
}

type preparer interface {
	PreparexContext(ctx context.Context, query string) (*sqlx.Stmt, error)
}

// stmt returns the prepared form of query on q, or nil when the cache is
// off, q cannot prepare or the cache is full.
func (c *stmtCache) stmt(ctx context.Context, q db.Querier, query string) (*sqlx.Stmt, error) {
	if !c.enabled {
		return nil, nil
	}
	c.mu.RLock()
	st, ok := c.m[query]
	c.mu.RUnlock()
	if ok {
		return st, nil
	}
	p, ok := q.(preparer)
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
	if c.m == nil {
		c.m = map[string]*sqlx.Stmt{}
	}
	c.m[query] = st
	return st, nil
}

// queryRead runs query (with ? placeholders) on the read pool through a
// prepared statement, like QueryContext.
func (s *Service) queryRead(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q := s.db.Read()
	query = q.Rebind(query)
	st, err := s.stmts.stmt(ctx, q, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return q.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// getRead is queryRead for one row scanned into dest, like GetContext.
func (s *Service) getRead(ctx context.Context, dest any, query string, args ...any) error {
	q := s.db.Read()
	query = q.Rebind(query)
	st, err := s.stmts.stmt(ctx, q, query)
	if err != nil {
		return err
	}
	if st == nil {
		return q.GetContext(ctx, dest, query, args...)
	}
	return st.GetContext(ctx, dest, args...)
}

// txStmts is a Querier for one transaction that prepares each distinct
// ExecContext and GetContext statement once, so a batch of hundreds of
// products parses its few INSERT statements once rather than per product.
// The statements close with the transaction.
type txStmts struct {
	db.Querier
	m map[string]*sqlx.Stmt
}

func newTxStmts(q db.Querier) *txStmts { return &txStmts{Querier: q, m: map[string]*sqlx.Stmt{}} }

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
