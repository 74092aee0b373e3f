package db_test

import (
	"testing"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// oldShop is a fresh database rolled back to migration version, for a test
// of the migrations after it: insert runs an INSERT … RETURNING id on it
// and fails the test on error, and tea and blackTea are two products of
// the house seller in one category.
type oldShop struct {
	d             *db.DB
	tea, blackTea int64
}

func newOldShop(t *testing.T, version int64) *oldShop {
	t.Helper()
	d := dbtest.New(t)
	if err := d.MigrateDownTo(t.Context(), version); err != nil {
		t.Fatal(err)
	}
	s := &oldShop{d: d}
	cat := s.insert(t, `INSERT INTO categories (slug, name) VALUES ('c', '식품') RETURNING id`)
	s.tea = s.insert(t, `INSERT INTO products (seller_id, category_id, name) SELECT id, ?, '녹차' FROM sellers WHERE is_house RETURNING id`, cat)
	s.blackTea = s.insert(t, `INSERT INTO products (seller_id, category_id, name) SELECT id, ?, '홍차' FROM sellers WHERE is_house RETURNING id`, cat)
	return s
}

func (s *oldShop) insert(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	q := s.d.Write()
	var id int64
	if err := q.QueryRowxContext(t.Context(), q.Rebind(query), args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return id
}
