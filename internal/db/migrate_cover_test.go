package db_test

import (
	"context"
	"database/sql"
	"testing"
)

// Migration 00053 points each product's cover_image_id at its first image
// (the lowest position, then id) and leaves it NULL without images.
func TestMigrationSetsProductCovers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newOldShop(t, 52)
	d, pictured, bare := s.d, s.tea, s.blackTea
	image := func(pos int, key string) int64 {
		return s.insert(t, `INSERT INTO product_images (product_id, position, blob_key, content_type) VALUES (?, ?, ?, 'image/png') RETURNING id`, pictured, pos, key)
	}
	image(2, "b.png")
	first := image(1, "a.png")
	image(1, "c.png") // the same position, a later id
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		product int64
		want    sql.NullInt64
	}{{pictured, sql.NullInt64{Int64: first, Valid: true}}, {bare, sql.NullInt64{}}} {
		var got sql.NullInt64
		if err := d.Read().GetContext(ctx, &got, d.Read().Rebind(`SELECT cover_image_id FROM products WHERE id = ?`), c.product); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("product %d: cover %v, want %v", c.product, got, c.want)
		}
	}
}
