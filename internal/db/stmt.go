package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// preparer is what a pool or transaction offers to prepare a statement.
type preparer interface {
	PreparexContext(ctx context.Context, query string) (*sqlx.Stmt, error)
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
