package dump

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mallang/mallang/internal/db"
)

// refusal is an error whose message is a whole sentence for an operator and
// whose kind (fault.ErrConflict, ErrBadDump, ErrSchemaMismatch) callers test
// with errors.Is.
type refusal struct {
	msg  string
	kind error
}

func (e *refusal) Error() string { return e.msg }
func (e *refusal) Unwrap() error { return e.kind }

func refuse(kind error, format string, args ...any) error {
	return &refusal{msg: "load: " + fmt.Sprintf(format, args...), kind: kind}
}

// insertFailed explains a failed write of table name: a foreign-key
// violation on PostgreSQL means the dump refers to a row it does not hold.
func insertFailed(name string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" {
		return refuse(ErrBadDump, "table %s refers to a row the dump does not hold (%s); the file is damaged", name, pe.Detail)
	}
	return fmt.Errorf("load table %s: %w", name, err)
}

func rowsText(n int64) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

// Load fills d, an empty database migrated by this binary (SQLite or
// PostgreSQL), from a file written by Dump on either engine. Everything
// happens in one transaction: on any error nothing of the file stays in d.
//
// "Empty" means holding nothing but the rows the migrations insert (the
// house seller): those are replaced by the dump's own. Load refuses with
// fault.ErrConflict when any table holds more; with ErrSchemaMismatch when
// the dump comes from a newer schema version than d's or names a table or
// column d lacks; with ErrBadDump when the file is malformed, inconsistent
// or truncated (no trailer, or counts that disagree with it).
//
// Rows keep their ids. Tables referring to tables not yet loaded, to each
// other or to themselves (a category's parent) are handled by deferring
// foreign-key checks to the commit on SQLite and, on PostgreSQL, by
// inserting such a reference as NULL and setting it once the referenced row
// is in (or by deferring a deferrable constraint). Values are converted to
// the target column's declared type. Afterwards PostgreSQL identity
// sequences are moved past the loaded ids; SQLite's sqlite_sequence follows
// by itself, and its search index is rebuilt by triggers as products go in.
// Progress lines go to progress (nil discards them).
func Load(ctx context.Context, d *db.DB, r io.Reader, progress io.Writer) error {
	if progress == nil {
		progress = io.Discard
	}
	version, err := d.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if version == 0 {
		return refuse(ErrSchemaMismatch, "the target database has no schema yet; run mallang migrate on it first")
	}
	l := &loader{d: d, engine: d.Dialect.Engine, in: &lineReader{r: bufio.NewReaderSize(r, 256<<10)}, progress: progress}
	h, err := l.header()
	if err != nil {
		return err
	}
	if h.SchemaVersion > version {
		return refuse(ErrSchemaMismatch, "the dump comes from schema version %d, newer than the target database's %d; upgrade mallang and migrate the target first", h.SchemaVersion, version)
	}
	if err := d.InTx(ctx, func(q db.Querier) error {
		l.q = q
		return l.run(ctx, h)
	}); err != nil {
		return err
	}
	fmt.Fprintf(progress, "load: done, %d tables, %d rows\n", len(h.Tables), l.total)
	return nil
}

// lineReader reads the file line by line and counts lines for messages.
type lineReader struct {
	r  *bufio.Reader
	no int
}

// next returns the next non-blank line without its line ending, or io.EOF.
func (lr *lineReader) next() ([]byte, error) {
	for {
		line, err := lr.r.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			return nil, err
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		lr.no++
		line = bytes.TrimRight(line, "\r\n")
		if len(bytes.TrimSpace(line)) > 0 {
			return line, nil
		}
	}
}

// unmarshal decodes one JSON value filling the whole line, keeping numbers
// exact.
func unmarshal(line []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

type loader struct {
	d        *db.DB
	engine   db.Engine
	q        db.Querier
	in       *lineReader
	progress io.Writer

	target map[string]*table
	loaded map[string]bool // tables of the dump already loaded
	inDump map[string]bool
	fixups []fixup
	total  int64
}

// fixup completes a reference inserted as NULL because the row it points at
// was not loaded yet (PostgreSQL only).
type fixup struct {
	t      *table
	cols   []string
	vals   []any
	pkVals []any
}

func (l *loader) header() (meta, error) {
	line, err := l.in.next()
	if errors.Is(err, io.EOF) {
		return meta{}, refuse(ErrBadDump, "the input is empty; expected a dump written by mallang dump")
	}
	if err != nil {
		return meta{}, fmt.Errorf("load: read: %w", err)
	}
	var h meta
	if err := unmarshal(line, &h); err != nil || h.Type != "header" || h.Format != formatName {
		return meta{}, refuse(ErrBadDump, "the input does not start with a mallang dump header; is it a file written by mallang dump?")
	}
	if h.Version > formatVersion {
		return meta{}, refuse(ErrSchemaMismatch, "the dump uses format version %d, which this mallang (format %d) cannot read; upgrade mallang", h.Version, formatVersion)
	}
	return h, nil
}

func (l *loader) run(ctx context.Context, h meta) error {
	tables, err := readSchema(ctx, l.q, l.engine, l.d.Schema)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	l.target = tablesByName(tables)
	l.loaded = map[string]bool{}
	l.inDump = map[string]bool{}
	for _, name := range h.Tables {
		if l.inDump[name] {
			return refuse(ErrBadDump, "the header lists table %s twice; the file is damaged", name)
		}
		if l.target[name] == nil {
			return refuse(ErrSchemaMismatch, "the dump holds table %s, which the target database lacks (dump schema version %d)", name, h.SchemaVersion)
		}
		l.inDump[name] = true
	}
	seeded, err := l.checkEmpty(ctx, tables)
	if err != nil {
		return err
	}
	order := insertOrder(tables)
	for i := len(order) - 1; i >= 0; i-- {
		t := order[i]
		if seeded[t.name] && l.inDump[t.name] {
			if _, err := l.q.ExecContext(ctx, `DELETE FROM `+quote(t.name)); err != nil {
				return fmt.Errorf("load: clear the rows the migrations put in %s: %w", t.name, err)
			}
		}
	}
	if l.engine == db.SQLite {
		// Only SQLite can defer every foreign key of a transaction (PostgreSQL
		// only those declared deferrable; planRefs works around that there).
		// Checked at commit instead; PRAGMA foreign_key_check runs before.
		if _, err := l.q.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return fmt.Errorf("load: defer foreign keys: %w", err)
		}
	}
	if err := l.body(ctx, h); err != nil {
		return err
	}
	return l.finish(ctx)
}

// body reads table lines, rows and the trailer.
func (l *loader) body(ctx context.Context, h meta) error {
	var cur *tableLoad
	var seen int
	for {
		line, err := l.in.next()
		if errors.Is(err, io.EOF) {
			return refuse(ErrBadDump, "the dump file ends after line %d without its trailer line: it is truncated (was the dump interrupted?)", l.in.no)
		}
		if err != nil {
			return fmt.Errorf("load: read: %w", err)
		}
		if line[0] == '[' {
			if cur == nil {
				return refuse(ErrBadDump, "line %d is a row before any table line; the file is damaged", l.in.no)
			}
			var vals []any
			if err := unmarshal(line, &vals); err != nil {
				return refuse(ErrBadDump, "line %d (a row of table %s) is not valid JSON: %v; the file is damaged or truncated", l.in.no, cur.t.name, err)
			}
			if err := cur.add(ctx, l, vals); err != nil {
				return err
			}
			continue
		}
		var m meta
		if err := unmarshal(line, &m); err != nil {
			return refuse(ErrBadDump, "line %d is not valid JSON: %v; the file is damaged or truncated", l.in.no, err)
		}
		switch m.Type {
		case "table":
			if err := l.endTable(ctx, cur); err != nil {
				return err
			}
			if cur, err = l.startTable(ctx, m); err != nil {
				return err
			}
			seen++
		case "end":
			if err := l.endTable(ctx, cur); err != nil {
				return err
			}
			if m.TableCount == nil || m.RowCount == nil || *m.TableCount != seen || seen != len(h.Tables) || *m.RowCount != l.total {
				return refuse(ErrBadDump, "the trailer on line %d does not match the file (it counts %s tables and %s rows; the file holds %d tables and %d rows, and its header lists %d tables); the file is damaged",
					l.in.no, countText(m.TableCount), countText(m.RowCount), seen, l.total, len(h.Tables))
			}
			if _, err := l.in.next(); !errors.Is(err, io.EOF) {
				return refuse(ErrBadDump, "there is more after the trailer line %d; the file is damaged", l.in.no-1)
			}
			return nil
		default:
			return refuse(ErrBadDump, "line %d is neither a row, a table line nor the trailer; the file is damaged", l.in.no)
		}
	}
}

func countText[T int | int64](p *T) string {
	if p == nil {
		return "no"
	}
	return fmt.Sprint(*p)
}

// tableLoad is the table being loaded.
type tableLoad struct {
	t        *table
	file     []column // the columns of the table line
	cols     []column // the target's columns, in the same order
	declared int64
	n        int64
	ins      *inserter
	pkIdx    []int
	refs     []refPlan
	known    map[string]struct{} // keys of this table's own referenced columns, for self-references
	selfKeys [][]int             // per self-reference, the indexes of its referenced columns
}

// refPlan says what to do with a foreign key whose target is not loaded yet
// (or is the table itself) on PostgreSQL: leave the value out and set it
// later.
type refPlan struct {
	fk      foreignKey
	idx     []int // indexes of fk.cols in the row
	self    int   // index into selfKeys, or -1
	nullify bool
}

func (l *loader) startTable(ctx context.Context, m meta) (*tableLoad, error) {
	if m.Name == "" || m.Rows == nil || *m.Rows < 0 || len(m.Columns) == 0 {
		return nil, refuse(ErrBadDump, "line %d is a table line without a name, columns or row count; the file is damaged", l.in.no)
	}
	if !l.inDump[m.Name] {
		if l.target[m.Name] == nil {
			return nil, refuse(ErrSchemaMismatch, "the dump holds table %s, which the target database lacks", m.Name)
		}
		return nil, refuse(ErrBadDump, "line %d starts table %s, which the header does not list; the file is damaged", l.in.no, m.Name)
	}
	if l.loaded[m.Name] {
		return nil, refuse(ErrBadDump, "line %d starts table %s a second time; the file is damaged", l.in.no, m.Name)
	}
	t := l.target[m.Name]
	tl := &tableLoad{t: t, file: m.Columns, declared: *m.Rows}
	pos := map[string]int{}
	for i, fc := range m.Columns {
		c, ok := t.column(fc.Name)
		if !ok {
			return nil, refuse(ErrSchemaMismatch, "the dump's table %s has a column %s that the target database lacks", t.name, fc.Name)
		}
		if _, dup := pos[fc.Name]; dup {
			return nil, refuse(ErrBadDump, "line %d names column %s of table %s twice; the file is damaged", l.in.no, fc.Name, t.name)
		}
		pos[fc.Name] = i
		tl.cols = append(tl.cols, c)
	}
	for _, name := range t.pk {
		i, ok := pos[name]
		if !ok {
			tl.pkIdx = nil
			break
		}
		tl.pkIdx = append(tl.pkIdx, i)
	}
	if l.engine == db.Postgres { // SQLite defers its foreign keys to the commit instead
		if err := l.planRefs(ctx, tl, pos); err != nil {
			return nil, err
		}
	}
	tl.ins = newInserter(l.q, t.name, tl.cols)
	return tl, nil
}

// planRefs decides, on PostgreSQL, how to insert references to rows that
// may not be there yet.
func (l *loader) planRefs(ctx context.Context, tl *tableLoad, pos map[string]int) error {
	t := tl.t
	for _, fk := range t.fks {
		self := fk.refTable == t.name
		if !self && (!l.inDump[fk.refTable] || l.loaded[fk.refTable]) {
			continue // the referenced rows are in already
		}
		rp := refPlan{fk: fk, self: -1}
		for _, c := range fk.cols {
			i, ok := pos[c]
			if !ok {
				rp.idx = nil
				break
			}
			rp.idx = append(rp.idx, i)
		}
		if rp.idx == nil {
			continue // the dump leaves the column to its default
		}
		switch {
		case t.nullable(fk) && tl.pkIdx != nil:
			rp.nullify = true
		case fk.deferrable:
			if _, err := l.q.ExecContext(ctx, `SET CONSTRAINTS `+quote(fk.name)+` DEFERRED`); err != nil {
				return fmt.Errorf("load: defer constraint %s: %w", fk.name, err)
			}
			continue
		case self:
			// Rows must come parents first; PostgreSQL says so if not.
			continue
		default:
			return refuse(ErrSchemaMismatch, "table %s refers to %s through the NOT NULL column(s) %s with a constraint that cannot be deferred, and %s comes later in the dump; make the constraint DEFERRABLE or the column nullable",
				t.name, fk.refTable, strings.Join(fk.cols, ", "), fk.refTable)
		}
		if self {
			var key []int
			for _, c := range fk.refCols {
				i, ok := pos[c]
				if !ok {
					key = nil
					break
				}
				key = append(key, i)
			}
			if key == nil {
				return refuse(ErrSchemaMismatch, "table %s refers to itself through columns the dump lacks", t.name)
			}
			rp.self = len(tl.selfKeys)
			tl.selfKeys = append(tl.selfKeys, key)
			if tl.known == nil {
				tl.known = map[string]struct{}{}
			}
		}
		tl.refs = append(tl.refs, rp)
	}
	return nil
}

func rowKey(vals []any, idx []int) (string, bool) {
	var b strings.Builder
	for _, i := range idx {
		if vals[i] == nil {
			return "", false
		}
		fmt.Fprintf(&b, "%v\x00", vals[i])
	}
	return b.String(), true
}

func (tl *tableLoad) add(ctx context.Context, l *loader, vals []any) error {
	t := tl.t
	if tl.n >= tl.declared {
		return refuse(ErrBadDump, "line %d is one row more than the %d that table %s declares; the file is damaged", l.in.no, tl.declared, t.name)
	}
	if len(vals) != len(tl.cols) {
		return refuse(ErrBadDump, "line %d, a row of table %s, has %d values but the table line names %d columns; the file is damaged", l.in.no, t.name, len(vals), len(tl.cols))
	}
	for i, c := range tl.cols {
		v, err := decode(tl.file[i].Type, c.Type, vals[i])
		if err != nil {
			return refuse(ErrBadDump, "line %d, table %s, column %s: %v", l.in.no, t.name, c.Name, err)
		}
		vals[i] = v
	}
	for i, key := range tl.selfKeys {
		if k, ok := rowKey(vals, key); ok {
			tl.known[k+fmt.Sprint(i)] = struct{}{}
		}
	}
	for _, rp := range tl.refs {
		if !rp.nullify {
			continue
		}
		k, ok := rowKey(vals, rp.idx)
		if !ok {
			continue // NULL already
		}
		if rp.self >= 0 {
			if _, in := tl.known[k+fmt.Sprint(rp.self)]; in {
				continue
			}
		}
		f := fixup{t: t, cols: rp.fk.cols}
		for _, i := range rp.idx {
			f.vals = append(f.vals, vals[i])
			vals[i] = nil
		}
		for _, i := range tl.pkIdx {
			f.pkVals = append(f.pkVals, vals[i])
		}
		l.fixups = append(l.fixups, f)
	}
	if err := tl.ins.add(ctx, vals); err != nil {
		return insertFailed(t.name, err)
	}
	tl.n++
	l.total++
	if tl.declared > progressEvery && tl.n%progressEvery == 0 {
		fmt.Fprintf(l.progress, "load %s: %d of %d rows\n", t.name, tl.n, tl.declared)
	}
	return nil
}

func (l *loader) endTable(ctx context.Context, tl *tableLoad) error {
	if tl == nil {
		return nil
	}
	if tl.n != tl.declared {
		return refuse(ErrBadDump, "table %s ends after %d of its %d rows (line %d); the file is damaged or truncated", tl.t.name, tl.n, tl.declared, l.in.no)
	}
	err := tl.ins.flush(ctx)
	tl.ins.close()
	if err != nil {
		return insertFailed(tl.t.name, err)
	}
	l.loaded[tl.t.name] = true
	fmt.Fprintf(l.progress, "load %s: %d rows\n", tl.t.name, tl.n)
	return nil
}
