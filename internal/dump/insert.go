package dump

import (
	"context"
	"database/sql"
	"strings"

	"github.com/mallang/mallang/internal/db"
)

// maxParams keeps a multi-row INSERT under both engines' limits on bound
// parameters (SQLite 32766, PostgreSQL 65535) with room to spare.
const (
	maxParams    = 16000
	maxBatchRows = 250
)

// inserter collects rows of one table and inserts them many per statement.
type inserter struct {
	q      db.Querier
	prefix string
	ncols  int
	per    int // rows per full batch
	full   *sql.Stmt
	args   []any
	n      int
}

// preparer is the part of a transaction that prepares statements; the full
// batch statement is prepared once per table so SQLite does not parse and
// plan a statement of thousands of parameters for every batch.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

func newInserter(q db.Querier, name string, cols []column) *inserter {
	names := make([]string, len(cols))
	always := false
	for i, c := range cols {
		names[i] = c.Name
		always = always || c.identityAlways
	}
	prefix := `INSERT INTO ` + quote(name) + ` (` + quoteList(names) + `) `
	if always { // a PostgreSQL identity column GENERATED ALWAYS; SQLite has none
		prefix += `OVERRIDING SYSTEM VALUE `
	}
	per := max(1, min(maxBatchRows, maxParams/len(cols)))
	return &inserter{q: q, prefix: prefix + `VALUES `, ncols: len(cols), per: per, args: make([]any, 0, per*len(cols))}
}

func (in *inserter) statement(rows int) string {
	var b strings.Builder
	tuple := "(" + strings.Repeat("?, ", in.ncols-1) + "?)"
	b.Grow(len(in.prefix) + rows*(len(tuple)+2))
	b.WriteString(in.prefix)
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	return in.q.Rebind(b.String())
}

func (in *inserter) add(ctx context.Context, vals []any) error {
	in.args = append(in.args, vals...)
	in.n++
	if in.n == in.per {
		return in.flush(ctx)
	}
	return nil
}

// close releases the prepared statement.
func (in *inserter) close() {
	if in.full != nil {
		in.full.Close()
		in.full = nil
	}
}

func (in *inserter) flush(ctx context.Context) error {
	if in.n == 0 {
		return nil
	}
	var err error
	p, ok := in.q.(preparer)
	switch {
	case in.n == in.per && ok:
		if in.full == nil {
			if in.full, err = p.PrepareContext(ctx, in.statement(in.per)); err != nil {
				return err
			}
		}
		_, err = in.full.ExecContext(ctx, in.args...)
	default:
		_, err = in.q.ExecContext(ctx, in.statement(in.n), in.args...)
	}
	clear(in.args)
	in.args = in.args[:0]
	in.n = 0
	return err
}
