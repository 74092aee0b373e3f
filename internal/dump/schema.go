package dump

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mallang/mallang/internal/db"
)

// kind is the portable type of a column: how its values are written in the
// file and converted for the target engine. It comes from the column's
// declared type, never from the values, because SQLite stores booleans as
// integers and times as text.
type kind string

const (
	kindInt     kind = "integer"
	kindText    kind = "text"
	kindBool    kind = "boolean"
	kindTime    kind = "timestamp"
	kindBytes   kind = "bytes"
	kindJSON    kind = "json"
	kindFloat   kind = "float"
	kindNumeric kind = "numeric"
)

type column struct {
	Name string `json:"name"`
	Type kind   `json:"type"`
	// nullable and identityAlways describe the column in the database the
	// schema was read from; they are not written to the file.
	nullable       bool
	identityAlways bool
}

type foreignKey struct {
	name       string
	cols       []string
	refTable   string
	refCols    []string
	deferrable bool
}

type table struct {
	name string
	cols []column
	pk   []string
	fks  []foreignKey
}

func (t *table) column(name string) (column, bool) {
	for _, c := range t.cols {
		if c.Name == name {
			return c, true
		}
	}
	return column{}, false
}

// queryer is what reading the schema needs: a pool, a *sql.Tx or a
// db.Querier.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// skipped reports whether a table stays out of dumps. goose_db_version
// belongs to the target's own migrations; sqlite_% are SQLite's internals;
// product_search and its shadow tables are the SQLite full-text index, which
// triggers rebuild as products are loaded (PostgreSQL has no such table);
// river_% hold the job queue, whose jobs are transient and tied to the
// running instance.
func skipped(name string) bool {
	return name == "goose_db_version" ||
		strings.HasPrefix(name, "sqlite_") ||
		name == "product_search" || strings.HasPrefix(name, "product_search_") ||
		strings.HasPrefix(name, "river_")
}

// readSchema walks the schema of the database behind q and returns every
// table a dump covers, sorted by name, with columns, primary key and foreign
// keys. schema is the PostgreSQL schema ("" for current_schema()).
func readSchema(ctx context.Context, q queryer, engine db.Engine, schema string) ([]*table, error) {
	if engine == db.Postgres { // the engines describe their tables in different catalogs
		return readPostgres(ctx, q, schema)
	}
	return readSQLite(ctx, q)
}

func queryStrings(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func readSQLite(ctx context.Context, q queryer) ([]*table, error) {
	// table_list tells ordinary tables from virtual and shadow ones.
	names, err := queryStrings(ctx, q,
		`SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var out []*table
	for _, name := range names {
		if skipped(name) {
			continue
		}
		t := &table{name: name}
		rows, err := q.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid`, name)
		if err != nil {
			return nil, fmt.Errorf("read columns of %s: %w", name, err)
		}
		var pk []struct {
			name string
			pos  int
		}
		for rows.Next() {
			var c column
			var typ string
			var notNull, pos int
			if err := rows.Scan(&c.Name, &typ, &notNull, &pos); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read columns of %s: %w", name, err)
			}
			c.Type = sqliteKind(typ)
			c.nullable = notNull == 0 && pos == 0
			t.cols = append(t.cols, c)
			if pos > 0 {
				pk = append(pk, struct {
					name string
					pos  int
				}{c.Name, pos})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read columns of %s: %w", name, err)
		}
		sort.Slice(pk, func(i, j int) bool { return pk[i].pos < pk[j].pos })
		for _, p := range pk {
			t.pk = append(t.pk, p.name)
		}
		fks, err := sqliteForeignKeys(ctx, q, name)
		if err != nil {
			return nil, err
		}
		t.fks = fks
		out = append(out, t)
	}
	// A foreign key that names no column refers to the parent's primary key.
	byName := tablesByName(out)
	for _, t := range out {
		for i, fk := range t.fks {
			if len(fk.refCols) == 0 || fk.refCols[0] == "" {
				if p := byName[fk.refTable]; p != nil {
					t.fks[i].refCols = p.pk
				}
			}
		}
	}
	return out, nil
}

func sqliteForeignKeys(ctx context.Context, q queryer, name string) ([]foreignKey, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT id, "table", "from", COALESCE("to", '') FROM pragma_foreign_key_list(?) ORDER BY id, seq`, name)
	if err != nil {
		return nil, fmt.Errorf("read foreign keys of %s: %w", name, err)
	}
	defer rows.Close()
	var fks []foreignKey
	last := -1
	for rows.Next() {
		var id int
		var ref, from, to string
		if err := rows.Scan(&id, &ref, &from, &to); err != nil {
			return nil, fmt.Errorf("read foreign keys of %s: %w", name, err)
		}
		if id != last {
			// SQLite checks foreign keys at the end of the transaction
			// once Load sets defer_foreign_keys, so all count as deferrable.
			fks = append(fks, foreignKey{name: fmt.Sprintf("%s_fk%d", name, id), refTable: ref, deferrable: true})
			last = id
		}
		fk := &fks[len(fks)-1]
		fk.cols = append(fk.cols, from)
		if to != "" {
			fk.refCols = append(fk.refCols, to)
		}
	}
	return fks, rows.Err()
}

// sqliteKind maps a declared SQLite column type, following SQLite's own
// affinity rules, with the types the migrations use (BOOLEAN, TIMESTAMP,
// BLOB, JSON) recognised first.
func sqliteKind(declared string) kind {
	t := strings.ToUpper(declared)
	switch {
	case strings.Contains(t, "BOOL"):
		return kindBool
	case strings.Contains(t, "TIMESTAMP"), strings.Contains(t, "DATETIME"), t == "DATE", t == "TIME":
		return kindTime
	case strings.Contains(t, "JSON"):
		return kindJSON
	case strings.Contains(t, "INT"):
		return kindInt
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return kindText
	case strings.Contains(t, "BLOB"), t == "":
		return kindBytes
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"):
		return kindFloat
	}
	return kindNumeric
}

// postgresKind maps information_schema.columns.data_type.
func postgresKind(dataType string) kind {
	switch dataType {
	case "smallint", "integer", "bigint":
		return kindInt
	case "boolean":
		return kindBool
	case "timestamp with time zone", "timestamp without time zone", "date":
		return kindTime
	case "bytea":
		return kindBytes
	case "json", "jsonb":
		return kindJSON
	case "real", "double precision":
		return kindFloat
	case "numeric":
		return kindNumeric
	}
	return kindText
}

func readPostgres(ctx context.Context, q queryer, schema string) ([]*table, error) {
	ns, err := queryStrings(ctx, q, `SELECT COALESCE(NULLIF($1, ''), current_schema())`, schema)
	if err != nil {
		return nil, fmt.Errorf("find the current schema: %w", err)
	}
	if len(ns) != 1 || ns[0] == "" {
		return nil, errors.New("find the current schema: the search path names no schema")
	}
	schema = ns[0]
	names, err := queryStrings(ctx, q, `
		SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
		ORDER BY c.relname`, schema)
	if err != nil {
		return nil, fmt.Errorf("list tables of schema %s: %w", schema, err)
	}
	var out []*table
	for _, name := range names {
		if skipped(name) {
			continue
		}
		t := &table{name: name}
		rows, err := q.QueryContext(ctx, `
			SELECT column_name, data_type, is_nullable = 'YES', COALESCE(identity_generation, '') = 'ALWAYS'
			FROM information_schema.columns
			WHERE table_schema = $1 AND table_name = $2 AND is_generated <> 'ALWAYS'
			ORDER BY ordinal_position`, schema, name)
		if err != nil {
			return nil, fmt.Errorf("read columns of %s: %w", name, err)
		}
		for rows.Next() {
			var c column
			var typ string
			if err := rows.Scan(&c.Name, &typ, &c.nullable, &c.identityAlways); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read columns of %s: %w", name, err)
			}
			c.Type = postgresKind(typ)
			t.cols = append(t.cols, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read columns of %s: %w", name, err)
		}
		t.pk, err = queryStrings(ctx, q, `
			SELECT a.attname FROM pg_index i
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
			WHERE i.indrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass AND i.indisprimary
			ORDER BY array_position(i.indkey::int2[], a.attnum)`, schema, name)
		if err != nil {
			return nil, fmt.Errorf("read the primary key of %s: %w", name, err)
		}
		if t.fks, err = postgresForeignKeys(ctx, q, schema, name); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func postgresForeignKeys(ctx context.Context, q queryer, schema, name string) ([]foreignKey, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT c.conname, c.condeferrable, rf.relname, a.attname, af.attname
		FROM pg_constraint c
		JOIN pg_class rf ON rf.oid = c.confrelid
		JOIN pg_namespace rn ON rn.oid = rf.relnamespace
		CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, refcol, ord)
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
		JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = k.refcol
		WHERE c.contype = 'f' AND rn.nspname = $1
		  AND c.conrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass
		ORDER BY c.conname, k.ord`, schema, name)
	if err != nil {
		return nil, fmt.Errorf("read foreign keys of %s: %w", name, err)
	}
	defer rows.Close()
	var fks []foreignKey
	for rows.Next() {
		var con, ref, col, refCol string
		var deferrable bool
		if err := rows.Scan(&con, &deferrable, &ref, &col, &refCol); err != nil {
			return nil, fmt.Errorf("read foreign keys of %s: %w", name, err)
		}
		if len(fks) == 0 || fks[len(fks)-1].name != con {
			fks = append(fks, foreignKey{name: con, refTable: ref, deferrable: deferrable})
		}
		fk := &fks[len(fks)-1]
		fk.cols = append(fk.cols, col)
		fk.refCols = append(fk.refCols, refCol)
	}
	return fks, rows.Err()
}

func tablesByName(ts []*table) map[string]*table {
	m := make(map[string]*table, len(ts))
	for _, t := range ts {
		m[t.name] = t
	}
	return m
}

// nullable reports whether every column of fk may hold NULL in t, so a row
// can be inserted with the reference left out and completed later.
func (t *table) nullable(fk foreignKey) bool {
	for _, name := range fk.cols {
		if c, ok := t.column(name); !ok || !c.nullable {
			return false
		}
	}
	return true
}

// insertOrder orders tables so that each comes after the tables it refers
// to. References of a table to itself are left to Load, which handles them
// row by row. When tables refer to each other in a cycle, the table whose
// unmet references can all be NULL goes first (Load fills those columns in
// after the referenced table is loaded); ties go to the table with the
// fewest unmet references, then by name, so the order is stable.
func insertOrder(ts []*table) []*table {
	byName := tablesByName(ts)
	done := make(map[string]bool, len(ts))
	unmet := func(t *table) (n int, strict bool) {
		for _, fk := range t.fks {
			if fk.refTable == t.name || byName[fk.refTable] == nil || done[fk.refTable] {
				continue
			}
			n++
			if !t.nullable(fk) {
				strict = true
			}
		}
		return n, strict
	}
	out := make([]*table, 0, len(ts))
	for len(out) < len(ts) {
		var pick *table
		for _, t := range ts {
			if done[t.name] {
				continue
			}
			if n, _ := unmet(t); n == 0 {
				pick = t
				break
			}
		}
		if pick == nil { // a cycle
			bestN, bestStrict := 0, true
			for _, t := range ts {
				if done[t.name] {
					continue
				}
				n, strict := unmet(t)
				if pick == nil || (!strict && bestStrict) || (strict == bestStrict && n < bestN) {
					pick, bestN, bestStrict = t, n, strict
				}
			}
		}
		done[pick.name] = true
		out = append(out, pick)
	}
	return out
}

// quote quotes an SQL identifier for both engines.
func quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}
