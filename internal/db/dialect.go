package db

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Engine names a database engine.
type Engine string

// The engines Mallang runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Dialect holds what differs between the engines. Keep it small: SQL that
// both engines accept is written once in the capability's store.
type Dialect struct {
	Engine Engine
}

// IsUniqueViolation reports whether err is a unique-constraint violation.
func (d Dialect) IsUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// ReadSnapshot returns the options of a read-only transaction in which every
// statement sees the database as of the same moment, as a dump or a report
// that reads several tables needs. SQLite's read transactions do that by
// themselves; PostgreSQL's default, read committed, takes a new snapshot per
// statement, so there it asks for repeatable read.
func (d Dialect) ReadSnapshot() *sql.TxOptions {
	opts := &sql.TxOptions{ReadOnly: true}
	if d.Engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return opts
}

// EscapeLike escapes %, _ and the escape character itself so s matches
// literally inside a LIKE pattern written with ESCAPE '\'.
func EscapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// MinTrigramRunes is the shortest text a trigram index can look up; shorter
// search text is matched by scanning.
const MinTrigramRunes = 3

// ContainsText returns an SQL condition, with its arguments, that is true
// when column col contains text as a substring. text is matched literally (%
// and _ are not wildcards) and, on PostgreSQL, case-sensitively: callers that
// want to ignore case store and search lower-cased text. It serves Korean,
// which has no word boundaries to tokenise on ("초콜릿" is found in
// "다크초콜릿세트").
//
// On SQLite, text of MinTrigramRunes characters or more is looked up in fts,
// an FTS5 table with the trigram tokenizer over col whose rowid equals the
// row's rowidCol, as one quoted phrase; shorter text falls back to LIKE. On
// PostgreSQL the condition is LIKE, which a pg_trgm GIN index on col serves
// for text of three characters or more. text must be non-empty.
func (d Dialect) ContainsText(text, col, fts, rowidCol string) (string, []any) {
	if d.Engine == SQLite && utf8.RuneCountInString(text) >= MinTrigramRunes {
		phrase := `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
		return rowidCol + ` IN (SELECT rowid FROM ` + fts + ` WHERE ` + fts + ` MATCH ?)`, []any{phrase}
	}
	return col + ` LIKE ? ESCAPE '\'`, []any{"%" + EscapeLike(text) + "%"}
}

// CountMatches returns a query, with its arguments, that counts the rows of
// fts (as described at ContainsText) whose text contains text, stopping at
// limit; ok is false when the engine has no such index for text (PostgreSQL,
// or text shorter than MinTrigramRunes). Counting index entries reads no
// table rows, so it is a cheap way to learn whether text is rare before
// choosing how to search for it; the count includes rows that other
// conditions of a search would drop.
func (d Dialect) CountMatches(text, fts string, limit int) (query string, args []any, ok bool) {
	if d.Engine != SQLite || utf8.RuneCountInString(text) < MinTrigramRunes {
		return "", nil, false
	}
	phrase := `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
	return `SELECT COUNT(*) FROM (SELECT 1 FROM ` + fts + ` WHERE ` + fts + ` MATCH ? LIMIT ` + d.OpaqueArg() + `) m`, []any{phrase, limit}, true
}

// OpaqueArg is the placeholder for a value SQLite's planner must not read:
// a LIMIT or OFFSET, or a value compared with a column by equality in a
// query whose ORDER BY an index serves ("category_id = ? ORDER BY
// price_minor"). SQLite plans such a statement with the value bound to it
// and prepares it again whenever it is bound anew, so a kept statement (see
// sqlitestmts.go) was parsed on nearly every listing page. On SQLite it is
// "+?": the unary plus hides the value from the planner, and the index
// still serves the equality. PostgreSQL plans its own way, and its unary
// plus would need the parameter's type: "?".
func (d Dialect) OpaqueArg() string {
	if d.Engine == SQLite {
		return "+?"
	}
	return "?"
}

// OpaqueArg is Dialect.OpaqueArg for the engine of q, for code that holds a
// Querier: SQLite's placeholders are the ones Rebind leaves alone.
func OpaqueArg(q Querier) string {
	if q.Rebind("?") == "?" {
		return Dialect{Engine: SQLite}.OpaqueArg()
	}
	return Dialect{Engine: Postgres}.OpaqueArg()
}

// Placeholders returns n comma-separated "?" for an IN list; Rebind turns
// them into the engine's own.
func Placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// Args returns vs as statement arguments, for an IN list of Placeholders.
func Args[T any](vs []T) []any {
	args := make([]any, len(vs))
	for i, v := range vs {
		args[i] = v
	}
	return args
}

// Affected reports whether a statement (its result and error as ExecContext
// gave them) changed a row, wrapping an error with the formatted context.
func Affected(res sql.Result, err error, format string, args ...any) (bool, error) {
	if err != nil {
		return false, fmt.Errorf(format+": %w", append(args, err)...)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf(format+": %w", append(args, err)...)
	}
	return n > 0, nil
}
