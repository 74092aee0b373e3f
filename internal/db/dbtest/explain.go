package dbtest

import (
	"context"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/db"
)

// Explain returns the query plan of sqlText on q's engine (told apart by
// their placeholders), one line per step, for tests that check a query is
// answered from an index.
func Explain(t testing.TB, q db.Querier, sqlText string, args ...any) string {
	t.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	if q.Rebind("?") != "?" {
		prefix = "EXPLAIN "
	}
	rows, err := q.QueryxContext(context.Background(), q.Rebind(prefix+sqlText), args...)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, sqlText)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		cols, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, c := range cols {
			switch v := c.(type) {
			case []byte:
				parts = append(parts, string(v))
			case string:
				parts = append(parts, v)
			}
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("explain: %v", err)
	}
	return strings.Join(lines, "\n")
}
