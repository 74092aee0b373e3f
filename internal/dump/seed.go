package dump

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// migrationRows returns, per table, the rows that the migrations themselves
// insert (today the house seller), learned by migrating a scratch SQLite
// database, so Load can tell a freshly migrated target from one in use.
// Values are encoded as in the file; times are left out because they are
// the moment of migration.
func migrationRows(ctx context.Context) (map[string][]map[string]any, error) {
	dir, err := os.MkdirTemp("", "mallang-load-")
	if err != nil {
		return nil, fmt.Errorf("learn the rows migrations insert: %w", err)
	}
	defer os.RemoveAll(dir)
	s, err := db.Open(ctx, "sqlite:"+filepath.Join(dir, "scratch.db"), db.Options{MaxReaders: 1})
	if err != nil {
		return nil, fmt.Errorf("learn the rows migrations insert: %w", err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("learn the rows migrations insert: %w", err)
	}
	w, _ := s.SQL()
	tables, err := readSchema(ctx, w, s.Dialect.Engine, "")
	if err != nil {
		return nil, fmt.Errorf("learn the rows migrations insert: %w", err)
	}
	out := map[string][]map[string]any{}
	for _, t := range tables {
		rows, err := comparableRows(ctx, w, t)
		if err != nil {
			return nil, fmt.Errorf("learn the rows migrations insert: %s: %w", t.name, err)
		}
		if len(rows) > 0 {
			out[t.name] = rows
		}
	}
	return out, nil
}

// comparableRows reads every row of t with its values encoded as in the
// file, leaving out time columns.
func comparableRows(ctx context.Context, q queryer, t *table) ([]map[string]any, error) {
	rows, err := q.QueryContext(ctx, `SELECT * FROM `+quote(t.name))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	raw := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	var out []map[string]any
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := map[string]any{}
		for i, name := range names {
			c, ok := t.column(name)
			if !ok || c.Type == kindTime {
				continue
			}
			v, err := encode(c.Type, raw[i])
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", name, err)
			}
			m[name] = v
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// onlySeeds reports whether every row of t in the target is one of the rows
// the migrations insert, unchanged but for its times.
func onlySeeds(ctx context.Context, q queryer, t *table, seeds []map[string]any) (bool, error) {
	if len(seeds) == 0 {
		return false, nil
	}
	rows, err := comparableRows(ctx, q, t)
	if err != nil {
		return false, err
	}
	used := make([]bool, len(seeds))
next:
	for _, r := range rows {
		for i, s := range seeds {
			if !used[i] && sameValues(r, s) {
				used[i] = true
				continue next
			}
		}
		return false, nil
	}
	return true, nil
}

// sameValues compares the columns two rows share.
func sameValues(a, b map[string]any) bool {
	for k, v := range a {
		if w, ok := b[k]; ok && w != v {
			return false
		}
	}
	return true
}

// checkEmpty refuses a target that holds more than the rows its migrations
// insert, and returns the tables that hold such rows.
func (l *loader) checkEmpty(ctx context.Context, tables []*table) (map[string]bool, error) {
	seeded := map[string]bool{}
	var seeds map[string][]map[string]any
	for _, t := range tables {
		var n int64
		if err := l.q.GetContext(ctx, &n, `SELECT COUNT(*) FROM `+quote(t.name)); err != nil {
			return nil, fmt.Errorf("load: count the rows of %s: %w", t.name, err)
		}
		if n == 0 {
			continue
		}
		if seeds == nil {
			var err error
			if seeds, err = migrationRows(ctx); err != nil {
				return nil, fmt.Errorf("load: %w", err)
			}
		}
		ok, err := onlySeeds(ctx, l.q, t, seeds[t.name])
		if err != nil {
			return nil, fmt.Errorf("load: read the rows of %s: %w", t.name, err)
		}
		if !ok {
			return nil, refuse(fault.ErrConflict, "the target database already holds %s in table %s; load needs an empty database (one that holds only what its migrations put in)", rowsText(n), t.name)
		}
		seeded[t.name] = true
	}
	return seeded, nil
}
