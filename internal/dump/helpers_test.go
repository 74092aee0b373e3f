package dump

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// newSQLite returns a fresh migrated SQLite database whatever engine the
// other tests use: the round trip always starts and ends on SQLite.
func newSQLite(t testing.TB, name string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), name+".db"), db.Options{MaxReaders: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

func exec(t testing.TB, d *db.DB, query string, args ...any) {
	t.Helper()
	q := d.Write()
	if _, err := q.ExecContext(context.Background(), q.Rebind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// tableSum is what the round trip compares per table.
type tableSum struct {
	rows []string // normalised rows, in primary-key order
	hash string
}

// checksums reads every table the dump covers, orders rows by primary key,
// normalises each value in an engine-independent way (booleans whatever the
// storage, times in UTC, bytes in base64, JSON re-encoded with sorted keys)
// and hashes the result. jsonCols names the columns that hold JSON (TEXT on
// SQLite, json on PostgreSQL; jsonb in a test's own tables).
func checksums(t testing.TB, d *db.DB, jsonCols ...string) map[string]tableSum {
	t.Helper()
	ctx := context.Background()
	_, pool := d.SQL()
	tables, err := readSchema(ctx, pool, d.Dialect.Engine, d.Schema)
	if err != nil {
		t.Fatal(err)
	}
	isJSON := map[string]bool{}
	for _, c := range jsonCols {
		isJSON[c] = true
	}
	out := map[string]tableSum{}
	for _, tb := range tables {
		rows, err := pool.QueryContext(ctx, `SELECT * FROM `+quote(tb.name)+` ORDER BY `+quoteList(tb.pk))
		if err != nil {
			t.Fatal(err)
		}
		types, err := rows.ColumnTypes()
		if err != nil {
			t.Fatal(err)
		}
		raw := make([]any, len(types))
		ptrs := make([]any, len(types))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		var sum tableSum
		h := sha256.New()
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var fields []string
			for i, ct := range types {
				fields = append(fields, ct.Name()+"="+normalise(t, ct.DatabaseTypeName(), isJSON[ct.Name()], raw[i]))
			}
			sort.Strings(fields)
			line := strings.Join(fields, " ")
			sum.rows = append(sum.rows, line)
			h.Write([]byte(line + "\n"))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		sum.hash = hex.EncodeToString(h.Sum(nil))
		out[tb.name] = sum
	}
	return out
}

func normalise(t testing.TB, typ string, isJSON bool, v any) string {
	typ = strings.ToUpper(typ)
	if v == nil {
		return "NULL"
	}
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x)
	case int64:
		if strings.Contains(typ, "BOOL") {
			return strconv.FormatBool(x != 0)
		}
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		if strings.Contains(typ, "BLOB") || strings.Contains(typ, "BYTEA") {
			return "b64:" + base64.StdEncoding.EncodeToString(x)
		}
		return normaliseText(t, isJSON, string(x))
	case string:
		return normaliseText(t, isJSON, x)
	}
	t.Fatalf("normalise: unexpected %T %v (%s)", v, v, typ)
	return ""
}

func normaliseText(t testing.TB, isJSON bool, s string) string {
	if !isJSON {
		return strconv.Quote(s)
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("JSON column holds %q: %v", s, err)
	}
	b, _ := json.Marshal(v) // maps marshal with sorted keys
	return "json:" + string(b)
}

// sameData fails the test unless got holds the same tables with the same
// rows as want.
func sameData(t testing.TB, label string, want, got map[string]tableSum) {
	t.Helper()
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: table %s is missing", label, name)
			continue
		}
		if len(g.rows) != len(w.rows) {
			t.Errorf("%s: table %s has %d rows, want %d", label, name, len(g.rows), len(w.rows))
			continue
		}
		if g.hash != w.hash {
			for i := range w.rows {
				if w.rows[i] != g.rows[i] {
					t.Errorf("%s: table %s differs at row %d:\n got %s\nwant %s", label, name, i+1, g.rows[i], w.rows[i])
					break
				}
			}
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: unexpected table %s", label, name)
		}
	}
}

func counts(t testing.TB, d *db.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for name, s := range checksums(t, d) {
		out[name] = len(s.rows)
	}
	return out
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var _ = fmt.Sprint
