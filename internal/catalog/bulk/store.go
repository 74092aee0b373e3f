package bulk

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// chunk bounds the values bound in one IN list, well under both engines'
// limits.
const chunk = 500

// variantRow is a variant as the import compares it.
type variantRow struct {
	ID        int64         `db:"id"`
	ProductID int64         `db:"product_id"`
	SKU       string        `db:"sku"`
	Option1   string        `db:"option1"`
	Option2   string        `db:"option2"`
	Option3   string        `db:"option3"`
	Price     int64         `db:"price_minor"`
	Sale      sql.NullInt64 `db:"sale_price_minor"`
	Stock     int64         `db:"stock"`
	Active    bool          `db:"active"`
	Deleted   bool          `db:"deleted"`
}

func (v variantRow) options() [3]string { return [3]string{v.Option1, v.Option2, v.Option3} }

// productRow is a product as the import compares it, with its option names
// and the last position of its variants.
type productRow struct {
	ID         int64  `db:"id"`
	Name       string `db:"name"`
	CategoryID int64  `db:"category_id"`
	Type       string `db:"product_type"`
	Status     string `db:"status"`
	Option1    string `db:"option1"`
	Option2    string `db:"option2"`
	Option3    string `db:"option3"`
	LastPos    int    `db:"last_position"`
}

func (p productRow) optionNames() [3]string { return [3]string{p.Option1, p.Option2, p.Option3} }

// inChunks calls fn with vals in slices of at most chunk.
func inChunks[T any](vals []T, fn func(part []T) error) error {
	for len(vals) > 0 {
		n := min(len(vals), chunk)
		if err := fn(vals[:n]); err != nil {
			return err
		}
		vals = vals[n:]
	}
	return nil
}

// variantsBySKU returns the variants with skus, of deleted products too
// (their SKUs stay taken).
func variantsBySKU(ctx context.Context, q db.Querier, skus []string) ([]variantRow, error) {
	var out []variantRow
	err := inChunks(skus, func(part []string) error {
		var rows []variantRow
		err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT v.id, v.product_id, v.sku, v.option1, v.option2, v.option3,
				v.price_minor, v.sale_price_minor, v.stock, v.active, p.deleted_at IS NOT NULL AS deleted
			FROM variants v JOIN products p ON p.id = v.product_id
			WHERE v.sku IN (`+db.Placeholders(len(part))+`)`), db.Args(part)...)
		out = append(out, rows...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find variants by sku: %w", err)
	}
	return out, nil
}

// productsByID returns the products with ids that are not deleted.
func productsByID(ctx context.Context, q db.Querier, ids []int64) ([]productRow, error) {
	var out []productRow
	err := inChunks(ids, func(part []int64) error {
		var rows []productRow
		err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT p.id, p.name, p.category_id, p.product_type, p.status,
				COALESCE(o1.name, '') AS option1, COALESCE(o2.name, '') AS option2, COALESCE(o3.name, '') AS option3,
				COALESCE((SELECT MAX(v.position) FROM variants v WHERE v.product_id = p.id), 0) AS last_position
			FROM products p
			LEFT JOIN product_options o1 ON o1.product_id = p.id AND o1.position = 1
			LEFT JOIN product_options o2 ON o2.product_id = p.id AND o2.position = 2
			LEFT JOIN product_options o3 ON o3.product_id = p.id AND o3.position = 3
			WHERE p.deleted_at IS NULL AND p.id IN (`+db.Placeholders(len(part))+`)`), db.Args(part)...)
		out = append(out, rows...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find products: %w", err)
	}
	return out, nil
}

// optionsOfProducts returns the option values of every variant of the
// products with ids.
func optionsOfProducts(ctx context.Context, q db.Querier, ids []int64) ([]variantRow, error) {
	var out []variantRow
	err := inChunks(ids, func(part []int64) error {
		var rows []variantRow
		err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT product_id, option1, option2, option3
			FROM variants WHERE product_id IN (`+db.Placeholders(len(part))+`)`), db.Args(part)...)
		out = append(out, rows...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find variants of products: %w", err)
	}
	return out, nil
}

// insertProduct adds a product without prices; catalog.Refresh computes
// them and its search text from the variants inserted after it.
func insertProduct(ctx context.Context, q db.Querier, seller int64, it *item, now time.Time) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO products (seller_id, category_id, name, product_type, status,
			currency, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'KRW', ?, ?) RETURNING id`),
		seller, it.categoryID, it.name, string(it.typ), string(it.status), now, now)
	if err != nil {
		return 0, fmt.Errorf("insert product %q: %w", it.name, err)
	}
	return id, nil
}

func insertOption(ctx context.Context, q db.Querier, productID int64, position int, name string, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO product_options (product_id, position, name, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)`), productID, position, name, now, now)
	if err != nil {
		return fmt.Errorf("insert option %d of product %d: %w", position, productID, err)
	}
	return nil
}

// newVariant is a variant to insert.
type newVariant struct {
	productID int64
	position  int
	it        *item
}

// variantBatch bounds the rows of one multi-row statement: 12 values each,
// under a thousand in all.
const variantBatch = 80

// insertVariants adds vs, a batch of at most variantBatch, in one
// statement.
func insertVariants(ctx context.Context, q db.Querier, vs []newVariant, now time.Time) error {
	rows := make([]string, len(vs))
	args := make([]any, 0, 12*len(vs))
	for i, v := range vs {
		rows[i] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		var sale any
		if v.it.sale != nil {
			sale = *v.it.sale
		}
		args = append(args, v.productID, v.it.sku, v.it.optValues[0], v.it.optValues[1], v.it.optValues[2],
			v.it.price, sale, v.it.stock, v.it.active, v.position, now, now)
	}
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO variants (product_id, sku, option1, option2, option3,
			price_minor, sale_price_minor, stock, active, position, created_at, updated_at)
		VALUES `+strings.Join(rows, ", ")), args...)
	if err != nil {
		return fmt.Errorf("insert %d variants: %w", len(vs), err)
	}
	return nil
}

// updateVariants sets the values an import gives vs, a batch of at most
// variantBatch, in one statement: the new values are a table of VALUES
// joined to variants by id (UPDATE … FROM, which both engines speak; the
// casts give PostgreSQL the columns' types).
func updateVariants(ctx context.Context, q db.Querier, vs []variantRow, now time.Time) error {
	rows := make([]string, len(vs))
	args := make([]any, 0, 5*len(vs)+1)
	for i, v := range vs {
		rows[i] = "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BOOLEAN))"
		var sale any
		if v.Sale.Valid {
			sale = v.Sale.Int64
		}
		args = append(args, v.ID, v.Price, sale, v.Stock, v.Active)
	}
	args = append(args, now)
	_, err := q.ExecContext(ctx, q.Rebind(`WITH x (id, price, sale, stock, active) AS (VALUES `+strings.Join(rows, ", ")+`)
		UPDATE variants SET price_minor = x.price, sale_price_minor = x.sale, stock = x.stock, active = x.active,
			updated_at = ?
		FROM x WHERE variants.id = x.id`), args...)
	if err != nil {
		return fmt.Errorf("update %d variants: %w", len(vs), err)
	}
	return nil
}

// updateProduct sets the fields an import gives a product.
func updateProduct(ctx context.Context, q db.Querier, p productRow, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET name = ?, category_id = ?, product_type = ?, status = ?,
		updated_at = ? WHERE id = ? AND deleted_at IS NULL`), p.Name, p.CategoryID, p.Type, p.Status, now, p.ID)
	if err != nil {
		return fmt.Errorf("update product %d: %w", p.ID, err)
	}
	return nil
}

// exportRow is one row of the export: a variant with its product.
type exportRow struct {
	ProductID int64         `db:"product_id"`
	Name      string        `db:"name"`
	Category  string        `db:"category"`
	Type      string        `db:"product_type"`
	Status    string        `db:"status"`
	SKU       string        `db:"sku"`
	Opt1Name  string        `db:"option1_name"`
	Opt1      string        `db:"option1"`
	Opt2Name  string        `db:"option2_name"`
	Opt2      string        `db:"option2"`
	Opt3Name  string        `db:"option3_name"`
	Opt3      string        `db:"option3"`
	Price     int64         `db:"price_minor"`
	Sale      sql.NullInt64 `db:"sale_price_minor"`
	Stock     int64         `db:"stock"`
	Active    bool          `db:"active"`
}

// eachExportRow calls fn with every variant of every product that is not
// deleted, by product then variant position, reading one row at a time.
func eachExportRow(ctx context.Context, q db.Querier, fn func(r *exportRow) error) error {
	rows, err := q.QueryxContext(ctx, `SELECT p.id AS product_id, p.name, c.slug AS category, p.product_type, p.status,
			v.sku, COALESCE(o1.name, '') AS option1_name, v.option1, COALESCE(o2.name, '') AS option2_name, v.option2,
			COALESCE(o3.name, '') AS option3_name, v.option3, v.price_minor, v.sale_price_minor, v.stock, v.active
		FROM products p
		JOIN categories c ON c.id = p.category_id
		JOIN variants v ON v.product_id = p.id
		LEFT JOIN product_options o1 ON o1.product_id = p.id AND o1.position = 1
		LEFT JOIN product_options o2 ON o2.product_id = p.id AND o2.position = 2
		LEFT JOIN product_options o3 ON o3.product_id = p.id AND o3.position = 3
		WHERE p.deleted_at IS NULL
		ORDER BY p.id, v.position, v.id`)
	if err != nil {
		return fmt.Errorf("export products: %w", err)
	}
	defer rows.Close()
	var r exportRow
	for rows.Next() {
		r = exportRow{}
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("export products: %w", err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export products: %w", err)
	}
	return nil
}
