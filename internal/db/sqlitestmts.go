package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
)

// A SQLite connection keeps the statements it runs prepared. Parsing and
// planning a statement costs SQLite more than running most of the shop's
// (a product page's eight small reads spent a third of their time in the
// parser), and the driver prepares afresh for every call that is not made
// on a prepared statement. Each pooled connection therefore keeps up to
// maxConnStmts statements by their text; database/sql uses a connection
// from one goroutine at a time, so the cache needs no lock. SQLite keeps
// each statement's compiled program: with 32 kept instead of 256, a server
// loaded with listing and product pages held 21 MB less anonymous memory,
// and with 64 the benchmark's page, search and checkout scenarios ran no
// slower than with 256 (decision 0072). A statement
// whose rows are still open is taken out of the cache until they close, so
// a second query of the same text on the same connection (inside a
// transaction) prepares its own.
const maxConnStmts = 64

// connStmts is a connection's prepared statements by text.
type connStmts struct {
	m map[string]*connStmt
}

type connStmt struct {
	st    driver.Stmt
	query string
	inUse bool
}

// take returns the prepared statement of query, preparing and keeping it
// when it is new, or nil when it is in use or cannot be prepared (the caller
// then runs the query unprepared, which reports any error).
func (s *connStmts) take(ctx context.Context, c *sqliteConn, query string) *connStmt {
	if cs, ok := s.m[query]; ok {
		if cs.inUse {
			return nil
		}
		cs.inUse = true
		return cs
	}
	p, ok := c.Conn.(driver.ConnPrepareContext)
	if !ok {
		return nil
	}
	st, err := p.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	_, okq := st.(driver.StmtQueryContext)
	_, oke := st.(driver.StmtExecContext)
	if !okq || !oke {
		st.Close()
		return nil
	}
	if s.m == nil {
		s.m = map[string]*connStmt{}
	}
	if len(s.m) >= maxConnStmts {
		// Full: start again with what is in use, so statements made
		// of many different texts (IN lists) cannot crowd out the hot
		// ones for long.
		for q, cs := range s.m {
			if !cs.inUse {
				cs.st.Close()
				delete(s.m, q)
			}
		}
	}
	cs := &connStmt{st: st, query: query, inUse: true}
	s.m[query] = cs
	return cs
}

// give puts a statement taken with take back.
func (s *connStmts) give(cs *connStmt) { cs.inUse = false }

// close closes every statement.
func (s *connStmts) close() error {
	var errs []error
	for q, cs := range s.m {
		errs = append(errs, cs.st.Close())
		delete(s.m, q)
	}
	return errors.Join(errs...)
}

// stmtRows are the rows of a kept statement: closing them gives the
// statement back. The driver's optional column type methods pass through.
type stmtRows struct {
	rows driver.Rows
	done func()
}

func (r *stmtRows) Columns() []string { return r.rows.Columns() }

func (r *stmtRows) Next(dest []driver.Value) error { return r.rows.Next(dest) }

func (r *stmtRows) Close() error {
	err := r.rows.Close()
	if r.done != nil {
		r.done()
		r.done = nil
	}
	return err
}

func (r *stmtRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *stmtRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *stmtRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *stmtRows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *stmtRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if t, ok := r.rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}
