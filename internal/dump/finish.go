package dump

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/mallang/mallang/internal/db"
)

// finish completes deferred references, moves sequences and checks foreign
// keys, all inside the transaction.
func (l *loader) finish(ctx context.Context) error {
	for _, f := range l.fixups {
		var set, where []string
		var args []any
		for i, c := range f.cols {
			set = append(set, quote(c)+" = ?")
			args = append(args, f.vals[i])
		}
		for i, c := range f.t.pk {
			where = append(where, quote(c)+" = ?")
			args = append(args, f.pkVals[i])
		}
		query := `UPDATE ` + quote(f.t.name) + ` SET ` + strings.Join(set, ", ") + ` WHERE ` + strings.Join(where, " AND ")
		if _, err := l.q.ExecContext(ctx, l.q.Rebind(query), args...); err != nil {
			return insertFailed(f.t.name, err)
		}
	}
	// PostgreSQL's sequences do not follow explicitly inserted ids (SQLite's
	// AUTOINCREMENT does), and only SQLite deferred its foreign keys to here.
	if l.engine == db.Postgres {
		return l.moveSequences(ctx)
	}
	return l.checkForeignKeys(ctx)
}

// moveSequences sets every identity or serial sequence of a loaded table so
// the next generated id is past the largest loaded one.
func (l *loader) moveSequences(ctx context.Context) error {
	for name := range l.loaded {
		rows, err := l.q.QueryContext(ctx, `
			SELECT column_name, pg_get_serial_sequence(quote_ident(table_schema) || '.' || quote_ident(table_name), column_name)
			FROM information_schema.columns
			WHERE table_schema = COALESCE(NULLIF($1, ''), current_schema()) AND table_name = $2
			  AND pg_get_serial_sequence(quote_ident(table_schema) || '.' || quote_ident(table_name), column_name) IS NOT NULL`,
			l.d.Schema, name)
		if err != nil {
			return fmt.Errorf("load: find the sequences of %s: %w", name, err)
		}
		type seq struct{ col, name string }
		var seqs []seq
		for rows.Next() {
			var s seq
			if err := rows.Scan(&s.col, &s.name); err != nil {
				rows.Close()
				return fmt.Errorf("load: find the sequences of %s: %w", name, err)
			}
			seqs = append(seqs, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("load: find the sequences of %s: %w", name, err)
		}
		for _, s := range seqs {
			if _, err := l.q.ExecContext(ctx, `SELECT setval($1, COALESCE(MAX(`+quote(s.col)+`), 0) + 1, false) FROM `+quote(name), s.name); err != nil {
				return fmt.Errorf("load: move sequence %s past the ids of %s: %w", s.name, name, err)
			}
		}
	}
	return nil
}

// checkForeignKeys finds, on SQLite, references to missing rows before the
// commit would, so the error names them and the transaction rolls back
// cleanly.
func (l *loader) checkForeignKeys(ctx context.Context) error {
	rows, err := l.q.QueryContext(ctx, `SELECT "table", rowid, parent FROM pragma_foreign_key_check`)
	if err != nil {
		return fmt.Errorf("load: check foreign keys: %w", err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var t, parent string
		var rowid sql.NullInt64
		if err := rows.Scan(&t, &rowid, &parent); err != nil {
			return fmt.Errorf("load: check foreign keys: %w", err)
		}
		if len(bad) < 5 {
			bad = append(bad, fmt.Sprintf("row %d of %s refers to a missing row of %s", rowid.Int64, t, parent))
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load: check foreign keys: %w", err)
	}
	if len(bad) > 0 {
		return refuse(ErrBadDump, "the dump refers to rows it does not hold: %s", strings.Join(bad, "; "))
	}
	return nil
}
