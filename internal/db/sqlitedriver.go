package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"time"

	"modernc.org/sqlite"
)

// TimePrecision is how finely the shop stores a time: PostgreSQL keeps
// microseconds, so SQLite is made to keep the same and a dump moved from one
// engine to the other and back is the same file.
const TimePrecision = time.Microsecond

// openSQLitePool opens a pool on the SQLite driver whose connections cut
// every time argument to TimePrecision before the driver writes it. This is
// the one place times are cut: services pass time.Now() and parsed times as
// they are, and a query compares with the same precision the table holds.
func openSQLitePool(dsn string) *sql.DB {
	return sql.OpenDB(sqliteConnector{dsn: dsn})
}

type sqliteConnector struct{ dsn string }

// Connect implements driver.Connector.
func (c sqliteConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := (&sqlite.Driver{}).Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &sqliteConn{Conn: dc}, nil
}

// Driver implements driver.Connector.
func (c sqliteConnector) Driver() driver.Driver { return &sqlite.Driver{} }

// sqliteConn is a connection of the SQLite driver with CheckNamedValue
// added and its statements kept prepared (see stmts); every other method
// passes through.
type sqliteConn struct {
	driver.Conn
	stmts connStmts
}

// CheckNamedValue implements driver.NamedValueChecker: the argument is
// converted as database/sql would (Valuer, pointers, basic kinds) and a time
// is cut to TimePrecision.
func (c *sqliteConn) CheckNamedValue(nv *driver.NamedValue) error {
	v, err := driver.DefaultParameterConverter.ConvertValue(nv.Value)
	if err != nil {
		return err
	}
	if t, ok := v.(time.Time); ok {
		v = t.Truncate(TimePrecision)
	}
	nv.Value = v
	return nil
}

// errNoContext means the driver lacks a context method database/sql
// expects; modernc.org/sqlite has them all.
var errNoContext = errors.New("sqlite driver lacks a context method")

func (c *sqliteConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	b, ok := c.Conn.(driver.ConnBeginTx)
	if !ok {
		return nil, errNoContext
	}
	return b.BeginTx(ctx, opts)
}

func (c *sqliteConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	p, ok := c.Conn.(driver.ConnPrepareContext)
	if !ok {
		return c.Conn.Prepare(query)
	}
	return p.PrepareContext(ctx, query)
}

func (c *sqliteConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if st := c.stmts.take(ctx, c, query); st != nil {
		res, err := st.st.(driver.StmtExecContext).ExecContext(ctx, args)
		c.stmts.give(st)
		return res, err
	}
	e, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	return e.ExecContext(ctx, query, args)
}

func (c *sqliteConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if st := c.stmts.take(ctx, c, query); st != nil {
		rows, err := st.st.(driver.StmtQueryContext).QueryContext(ctx, args)
		if err != nil {
			c.stmts.give(st)
			return nil, err
		}
		return &stmtRows{rows: rows, done: func() { c.stmts.give(st) }}, nil
	}
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	return q.QueryContext(ctx, query, args)
}

// Close closes the connection's prepared statements, then the connection.
func (c *sqliteConn) Close() error {
	return errors.Join(c.stmts.close(), c.Conn.Close())
}

func (c *sqliteConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *sqliteConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *sqliteConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}
