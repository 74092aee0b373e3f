package db

import (
	"path/filepath"
	"testing"
)

// Every SQLite connection, the writer's and the readers', maps the file
// and keeps a small page cache of its own.
func TestSQLiteConnectionsMapTheFile(t *testing.T) {
	t.Parallel()
	d, err := Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "shop.db"), Options{MaxReaders: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	for name, q := range map[string]Querier{"writer": d.Write(), "reader": d.Read()} {
		var mapped, cache int64
		if err := q.GetContext(t.Context(), &mapped, `PRAGMA mmap_size`); err != nil {
			t.Fatal(err)
		}
		if err := q.GetContext(t.Context(), &cache, `PRAGMA cache_size`); err != nil {
			t.Fatal(err)
		}
		if mapped != sqliteMap || cache != -1000 {
			t.Errorf("%s: mmap_size %d, cache_size %d; want %d and -1000", name, mapped, cache, sqliteMap)
		}
	}
}
