package catalog

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// SQL of image_admin.go.

func productName(ctx context.Context, q db.Querier, id int64) (string, error) {
	var name string
	err := q.GetContext(ctx, &name, q.Rebind(`SELECT name FROM products WHERE id = ? AND deleted_at IS NULL`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fault.ErrNotFound
	}
	return name, err
}

func imageCount(ctx context.Context, q db.Querier, productID int64) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM product_images WHERE product_id = ?`), productID)
	return n, err
}

func setImagePosition(ctx context.Context, q db.Querier, productID, id int64, pos int, now time.Time) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE product_images SET position = ?, updated_at = ?
		WHERE id = ? AND product_id = ?`), pos, now, id, productID)
	ok, err := db.Affected(res, err, "move image %d", id)
	if err == nil && !ok {
		err = fault.ErrNotFound
	}
	return err
}

func setImageAlt(ctx context.Context, q db.Querier, productID, id int64, alt string, now time.Time) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE product_images SET alt = ?, updated_at = ?
		WHERE id = ? AND product_id = ?`), alt, now, id, productID)
	ok, err := db.Affected(res, err, "set alt of image %d", id)
	if err == nil && !ok {
		err = fault.ErrNotFound
	}
	return err
}

// deleteImage deletes an image of a product and returns its key.
func deleteImage(ctx context.Context, q db.Querier, productID, id int64) (string, error) {
	var key string
	err := q.GetContext(ctx, &key, q.Rebind(`DELETE FROM product_images WHERE id = ? AND product_id = ? RETURNING blob_key`), id, productID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fault.ErrNotFound
	}
	return key, err
}

func imageKeysIn(ctx context.Context, q db.Querier, keys []string) ([]string, error) {
	var used []string
	err := q.SelectContext(ctx, &used, q.Rebind(`SELECT DISTINCT blob_key FROM product_images
		WHERE blob_key IN (`+db.Placeholders(len(keys))+`)`), db.Args(keys)...)
	return used, err
}
