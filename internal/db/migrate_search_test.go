package db_test

import (
	"context"
	"slices"
	"testing"

	"github.com/mallang/mallang/internal/db/dbtest"
)

// Migration 00038 drops the spaces of the products' search text and fills
// the index of one- and two-character name pieces for the products that
// exist.
func TestMigrationCompactsSearchText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.New(t)
	if err := d.MigrateDownTo(ctx, 36); err != nil {
		t.Fatal(err)
	}
	q := d.Write()
	var cat, id int64
	if err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO categories (slug, name) VALUES ('c', '식품') RETURNING id`)).Scan(&cat); err != nil {
		t.Fatal(err)
	}
	if err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO products (seller_id, category_id, name, name_en, search_text)
		SELECT id, ?, '다크 초콜릿', 'Dark Bar', ? FROM sellers WHERE is_house RETURNING id`),
		cat, "다크 초콜릿 dark bar\n진한 카카오 맛").Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var text string
	if err := d.Read().GetContext(ctx, &text, d.Read().Rebind(`SELECT search_text FROM products WHERE id = ?`), id); err != nil {
		t.Fatal(err)
	}
	if want := "다크초콜릿darkbar\n진한카카오맛"; text != want {
		t.Errorf("search text = %q, want %q", text, want)
	}
	var grams []string
	if err := d.Read().SelectContext(ctx, &grams, d.Read().Rebind(`SELECT gram FROM product_grams WHERE product_id = ? ORDER BY gram`), id); err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "ar", "b", "ba", "d", "da", "k", "kb", "r", "rk", "다", "다크", "릿", "초", "초콜", "콜", "콜릿", "크", "크초"}
	if !slices.Equal(grams, want) {
		t.Errorf("grams = %q, want %q", grams, want)
	}
}
