// Package dump moves a whole shop between databases, and between engines:
// Dump writes every table to one portable JSON Lines file, and Load fills an
// empty, migrated database of either engine from it, in one transaction.
// This is how a shop that outgrew its SQLite file moves to PostgreSQL.
//
// The file is UTF-8 JSON, one value per line:
//
//	{"type":"header","format":"mallang-dump","version":1,"schema_version":2,"engine":"sqlite","tables":["sellers",…]}
//	{"type":"table","name":"sellers","columns":[{"name":"id","type":"integer"},…],"rows":2}
//	[1,"house","말랑 직영",true,"2025-01-02T03:04:05.123456Z",…]
//	…
//	{"type":"end","table_count":6,"row_count":1234}
//
// A row is an array in the order of its table line's columns. Integers are
// JSON numbers, booleans true/false, times RFC 3339 strings in UTC to the
// microsecond (what both engines store), bytes base64 strings, JSON
// documents and everything else strings, NULL null. The trailer lets Load
// tell a complete file from a truncated one.
//
// Tables are found by walking the schema, so a table added by a later
// migration is covered without code here. Left out on purpose:
// goose_db_version (the target has its own migration record), SQLite's
// internal sqlite_% tables, the SQLite full-text index product_search and
// its shadow tables product_search_% (triggers rebuild it as products are
// loaded; PostgreSQL indexes products directly), and the job queue's river_%
// tables: jobs belong to the running instance, River's schema differs per
// engine, and periodic jobs are scheduled again at start. Work pending when
// the dump is taken (queued mail, undrawn thumbnails) does not move with it,
// so dump a stopped shop whose queue has emptied (decision 0056).
package dump

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/mallang/mallang/internal/db"
)

const (
	formatName    = "mallang-dump"
	formatVersion = 1
	// progressEvery is how many rows of a big table pass between two
	// progress lines.
	progressEvery = 25000
)

// ErrBadDump means the file is not a complete Mallang dump: not one at all,
// damaged, or truncated. Load returns it wrapped in a sentence that says
// what is wrong and on which line.
var ErrBadDump = errors.New("bad dump file")

// ErrSchemaMismatch means the dump does not fit the target database: it was
// written by a newer schema version, or it names a table or column the
// target lacks.
var ErrSchemaMismatch = errors.New("dump does not fit the target schema")

// meta is a line of the file other than a row. Which fields are set depends
// on Type: "header", "table" or "end".
type meta struct {
	Type string `json:"type"`

	Format        string   `json:"format,omitempty"`
	Version       int      `json:"version,omitempty"`
	SchemaVersion int64    `json:"schema_version,omitempty"`
	Engine        string   `json:"engine,omitempty"`
	Tables        []string `json:"tables,omitempty"`

	Name    string   `json:"name,omitempty"`
	Columns []column `json:"columns,omitempty"`
	Rows    *int64   `json:"rows,omitempty"`

	TableCount *int   `json:"table_count,omitempty"`
	RowCount   *int64 `json:"row_count,omitempty"`
}

// Dump writes every table of d to w as one JSON Lines file (see the package
// comment): a header with the schema version and engine, then per table a
// line naming its columns and row count followed by its rows in primary-key
// order, then a trailer with the table and row counts. All tables are read
// in one read-only transaction, so the file is a consistent snapshot while
// the shop keeps running. Tables come in an order Load can insert them in:
// referenced tables first. Progress lines go to progress (nil discards
// them); w is not closed.
func Dump(ctx context.Context, d *db.DB, w io.Writer, progress io.Writer) error {
	if progress == nil {
		progress = io.Discard
	}
	version, err := d.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	_, pool := d.SQL()
	tx, err := pool.BeginTx(ctx, d.Dialect.ReadSnapshot())
	if err != nil {
		return fmt.Errorf("dump: begin a read transaction: %w", err)
	}
	defer tx.Rollback()
	tables, err := readSchema(ctx, tx, d.Dialect.Engine, d.Schema)
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	tables = insertOrder(tables)

	bw := bufio.NewWriterSize(w, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.name
	}
	h := meta{Type: "header", Format: formatName, Version: formatVersion,
		SchemaVersion: version, Engine: string(d.Dialect.Engine), Tables: names}
	if err := enc.Encode(h); err != nil {
		return fmt.Errorf("dump: write: %w", err)
	}
	var total int64
	for _, t := range tables {
		n, err := dumpTable(ctx, tx, t, enc, progress)
		if err != nil {
			return fmt.Errorf("dump table %s: %w", t.name, err)
		}
		total += n
	}
	tc := len(tables)
	if err := enc.Encode(meta{Type: "end", TableCount: &tc, RowCount: &total}); err != nil {
		return fmt.Errorf("dump: write: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("dump: write: %w", err)
	}
	fmt.Fprintf(progress, "dump: done, %d tables, %d rows\n", tc, total)
	return nil
}

func dumpTable(ctx context.Context, tx *sql.Tx, t *table, enc *json.Encoder, progress io.Writer) (int64, error) {
	var count int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t.name)).Scan(&count); err != nil {
		return 0, fmt.Errorf("count rows: %w", err)
	}
	if err := enc.Encode(meta{Type: "table", Name: t.name, Columns: t.cols, Rows: &count}); err != nil {
		return 0, fmt.Errorf("write: %w", err)
	}
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.Name
	}
	query := `SELECT ` + quoteList(names) + ` FROM ` + quote(t.name)
	if len(t.pk) > 0 {
		query += ` ORDER BY ` + quoteList(t.pk)
	}
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return 0, fmt.Errorf("read rows: %w", err)
	}
	defer rows.Close()
	raw := make([]any, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	out := make([]any, len(t.cols))
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("read rows: %w", err)
		}
		for i, c := range t.cols {
			v, err := encode(c.Type, raw[i])
			if err != nil {
				return n, fmt.Errorf("row %d, column %s: %w", n+1, c.Name, err)
			}
			out[i] = v
		}
		if err := enc.Encode(out); err != nil {
			return n, fmt.Errorf("write: %w", err)
		}
		n++
		if count > progressEvery && n%progressEvery == 0 {
			fmt.Fprintf(progress, "dump %s: %d of %d rows\n", t.name, n, count)
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read rows: %w", err)
	}
	if n != count {
		return n, fmt.Errorf("read %d rows but counted %d", n, count)
	}
	fmt.Fprintf(progress, "dump %s: %d rows\n", t.name, n)
	return n, nil
}
