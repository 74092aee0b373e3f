package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
)

// listed is the predicate of the partial listing indexes; queries repeat it
// literally so that both planners can use them.
const listed = `status = 'active' AND deleted_at IS NULL`

// maxParams bounds the values bound in one IN list, well under both engines'
// limits.
const maxParams = 1000

func allCategories(ctx context.Context, q db.Querier) ([]Category, error) {
	var rows []struct {
		ID       int64         `db:"id"`
		ParentID sql.NullInt64 `db:"parent_id"`
		Slug     string        `db:"slug"`
		Name     string        `db:"name"`
		NameEN   string        `db:"name_en"`
		Position int           `db:"position"`
		Hidden   bool          `db:"hidden"`
	}
	err := q.SelectContext(ctx, &rows, `SELECT id, parent_id, slug, name, name_en, position, hidden
		FROM categories ORDER BY position, name, id`)
	if err != nil {
		return nil, fmt.Errorf("load categories: %w", err)
	}
	out := make([]Category, len(rows))
	for i, r := range rows {
		out[i] = Category{ID: r.ID, ParentID: r.ParentID.Int64, Slug: r.Slug, Name: r.Name, NameEN: r.NameEN, Position: r.Position, Hidden: r.Hidden}
	}
	return out, nil
}

func categoryExists(ctx context.Context, q db.Querier, id int64) (bool, error) {
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM categories WHERE id = ?`), id); err != nil {
		return false, fmt.Errorf("find category %d: %w", id, err)
	}
	return n > 0, nil
}

func categorySlugTaken(ctx context.Context, q db.Querier, slug string) (bool, error) {
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM categories WHERE slug = ?`), slug); err != nil {
		return false, fmt.Errorf("find category %q: %w", slug, err)
	}
	return n > 0, nil
}

func insertCategory(ctx context.Context, q db.Querier, c NewCategory, now time.Time) (int64, error) {
	var parent any
	if c.ParentID != 0 {
		parent = c.ParentID
	}
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO categories (parent_id, slug, name, name_en, position, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), parent, c.Slug, c.Name, c.NameEN, c.Position, now, now)
	if err != nil {
		return 0, fmt.Errorf("insert category: %w", err)
	}
	return id, nil
}

func houseSellerID(ctx context.Context, q db.Querier) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, `SELECT id FROM sellers WHERE is_house = TRUE ORDER BY id LIMIT 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("no house seller: %w", fault.ErrNotFound)
	}
	return id, err
}

// existingIDs returns which of ids exist in table (a constant name).
func existingIDs(ctx context.Context, q db.Querier, table string, ids []int64) ([]int64, error) {
	return existing(ctx, q, table, "id", ids)
}

// takenSKUs returns which of skus some variant already has.
func takenSKUs(ctx context.Context, q db.Querier, skus []string) ([]string, error) {
	return existing(ctx, q, "variants", "sku", skus)
}

// existing returns which of vals column col of table (constant names) holds,
// asking for at most maxParams values at a time.
func existing[T int64 | string](ctx context.Context, q db.Querier, table, col string, vals []T) ([]T, error) {
	var out []T
	for len(vals) > 0 {
		n := min(len(vals), maxParams)
		args := make([]any, n)
		for i, v := range vals[:n] {
			args[i] = v
		}
		var found []T
		err := q.SelectContext(ctx, &found, q.Rebind(`SELECT `+col+` FROM `+table+` WHERE `+col+` IN (`+db.Placeholders(n)+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("find %s in %s: %w", col, table, err)
		}
		out = append(out, found...)
		vals = vals[n:]
	}
	return out, nil
}

func insertProduct(ctx context.Context, q db.Querier, p *NewProduct, d derived, created, now time.Time) (int64, error) {
	var id int64
	t := text{Name: p.Name, NameEN: p.NameEN, Description: p.Description}
	err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO products (seller_id, category_id, name, name_en, summary, description,
			product_type, status, featured, tax_free, currency, price_minor, list_price_minor, in_stock,
			search_text, ships, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		p.SellerID, p.CategoryID, p.Name, p.NameEN, p.Summary, p.Description,
		string(p.Type), string(p.Status), p.Featured, p.TaxFree, string(p.Currency), d.Price, d.ListPrice, d.InStock,
		t.search(), p.Type != Digital, created, now)
	if err != nil {
		return 0, err
	}
	return id, writeGrams(ctx, q, id, t)
}

func insertOptions(ctx context.Context, q db.Querier, productID int64, names []string, now time.Time) error {
	if len(names) == 0 {
		return nil
	}
	rows := make([]string, len(names))
	args := make([]any, 0, 5*len(names))
	for i, n := range names {
		rows[i] = "(?, ?, ?, ?, ?)"
		args = append(args, productID, i+1, n, now, now)
	}
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO product_options (product_id, position, name, created_at, updated_at)
		VALUES `+strings.Join(rows, ", ")), args...)
	return err
}

func insertVariants(ctx context.Context, q db.Querier, productID int64, vs []NewVariant, now time.Time) error {
	rows := make([]string, len(vs))
	args := make([]any, 0, 12*len(vs))
	for i, v := range vs {
		rows[i] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		var sale any
		if v.SalePrice != nil {
			sale = *v.SalePrice
		}
		args = append(args, productID, v.SKU, v.Options[0], v.Options[1], v.Options[2],
			v.Price, sale, v.Stock, v.Active, i+1, now, now)
	}
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO variants (product_id, sku, option1, option2, option3,
			price_minor, sale_price_minor, stock, active, position, created_at, updated_at)
		VALUES `+strings.Join(rows, ", ")), args...)
	return err
}

// updateProduct changes the fields of u that are set and reports whether the
// product exists.
func updateProduct(ctx context.Context, q db.Querier, id int64, u ProductUpdate, search *string, now time.Time) (bool, error) {
	sets := []string{"updated_at = ?"}
	args := []any{now}
	if search != nil {
		sets, args = append(sets, "search_text = ?"), append(args, *search)
	}
	if u.Name != nil {
		sets, args = append(sets, "name = ?"), append(args, *u.Name)
	}
	if u.Summary != nil {
		sets, args = append(sets, "summary = ?"), append(args, *u.Summary)
	}
	if u.Description != nil {
		sets, args = append(sets, "description = ?"), append(args, *u.Description)
	}
	if u.Status != nil {
		sets, args = append(sets, "status = ?"), append(args, string(*u.Status))
	}
	if u.Featured != nil {
		sets, args = append(sets, "featured = ?"), append(args, *u.Featured)
	}
	if u.TaxFree != nil {
		sets, args = append(sets, "tax_free = ?"), append(args, *u.TaxFree)
	}
	args = append(args, id)
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET `+strings.Join(sets, ", ")+
		` WHERE id = ? AND deleted_at IS NULL`), args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// setVariantStock sets a variant's stock and returns its product's id.
func setVariantStock(ctx context.Context, q db.Querier, variantID, stock int64, now time.Time) (int64, error) {
	var productID int64
	err := q.GetContext(ctx, &productID, q.Rebind(`UPDATE variants SET stock = ?, updated_at = ? WHERE id = ? RETURNING product_id`),
		stock, now, variantID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fault.ErrNotFound
	}
	return productID, err
}

// lockProduct takes the product's row lock until q ends. A statement that
// recomputes a product from its variants runs after it: on PostgreSQL a
// statement sees the rows as they were when it began, so one that first
// waited for the lock inside would compute from variants as they were
// before the transaction it waited for changed them. Two buyers taking the
// last units of a product's two variants would then both leave it "in
// stock".
func lockProduct(ctx context.Context, q db.Querier, productID int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET in_stock = in_stock WHERE id = ?`), productID); err != nil {
		return fmt.Errorf("lock product %d: %w", productID, err)
	}
	return nil
}

// refreshDerived recomputes the columns products keeps from its active
// variants, by the same rule as derive.
func refreshDerived(ctx context.Context, q db.Querier, productID int64, now time.Time) error {
	if err := lockProduct(ctx, q, productID); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET
		price_minor = COALESCE((SELECT COALESCE(v.sale_price_minor, v.price_minor) FROM variants v
			WHERE v.product_id = products.id AND v.active = TRUE
			ORDER BY COALESCE(v.sale_price_minor, v.price_minor), v.position, v.id LIMIT 1), 0),
		list_price_minor = COALESCE((SELECT v.price_minor FROM variants v
			WHERE v.product_id = products.id AND v.active = TRUE
			ORDER BY COALESCE(v.sale_price_minor, v.price_minor), v.position, v.id LIMIT 1), 0),
		in_stock = (sold_out = FALSE AND EXISTS (SELECT 1 FROM variants v
			WHERE v.product_id = products.id AND v.active = TRUE AND v.stock > 0)),
		updated_at = ?
		WHERE id = ?`), now, productID)
	if err != nil {
		return fmt.Errorf("refresh product %d: %w", productID, err)
	}
	return nil
}

// productRow is a product as listings read it, with its first image.
type productRow struct {
	ID             int64     `db:"id"`
	SellerID       int64     `db:"seller_id"`
	SellerName     string    `db:"seller_name"`
	CategoryID     int64     `db:"category_id"`
	Name           string    `db:"name"`
	Summary        string    `db:"summary"`
	Description    string    `db:"description"`
	Type           string    `db:"product_type"`
	Status         string    `db:"status"`
	Featured       bool      `db:"featured"`
	TaxFree        bool      `db:"tax_free"`
	NameEN         string    `db:"name_en"`
	SoldOut        bool      `db:"sold_out"`
	Ships          bool      `db:"ships"`
	SEOTitle       string    `db:"seo_title"`
	SEODescription string    `db:"seo_description"`
	Currency       string    `db:"currency"`
	PriceMinor     int64     `db:"price_minor"`
	ListPriceMinor int64     `db:"list_price_minor"`
	InStock        bool      `db:"in_stock"`
	Reviews        int64     `db:"review_count"`
	Rating         int64     `db:"rating_avg"`
	CreatedAt      time.Time `db:"created_at"`
	UpdatedAt      time.Time `db:"updated_at"`

	ImageID          sql.NullInt64  `db:"image_id"`
	ImagePosition    sql.NullInt64  `db:"image_position"`
	ImageKey         sql.NullString `db:"image_key"`
	ImageContentType sql.NullString `db:"image_content_type"`
	ImageWidth       sql.NullInt64  `db:"image_width"`
	ImageHeight      sql.NullInt64  `db:"image_height"`
	ImageAlt         sql.NullString `db:"image_alt"`
	ImageThumbsReady sql.NullBool   `db:"image_thumbs_ready"`
}

// listColumns are the columns of productRow that listings read, in the
// order of scanDest: not the description, which listings do not show, nor
// the status, which is active for every listed product. They read products
// as p, sellers as s and the first image as i. The times are read through
// COALESCE, which changes nothing but makes the SQLite driver hand over the
// stored text (rather than trying one layout after another) for
// db.Time to parse.
const listColumns = `p.id, p.seller_id, s.name AS seller_name, p.category_id, p.name, p.name_en, p.summary,
	p.product_type, p.featured, p.currency, p.price_minor, p.list_price_minor,
	p.in_stock, p.review_count, p.rating_avg, COALESCE(p.created_at, NULL) AS created_at,
	COALESCE(p.updated_at, NULL) AS updated_at,
	i.id AS image_id, i.position AS image_position, i.blob_key AS image_key,
	i.content_type AS image_content_type, i.width AS image_width, i.height AS image_height,
	i.alt AS image_alt, i.thumbs_ready AS image_thumbs_ready`

// productColumns are the columns of productRow, in the order of
// scanDest(true).
const productColumns = listColumns + `, p.status, p.description, p.tax_free,
	p.sold_out, p.ships, p.seo_title, p.seo_description`

// scanDest returns the fields of r in the order of listColumns, or of
// productColumns when detail is true, for rows.Scan: a listing scans two
// dozen rows, and naming the fields once costs less than matching columns
// to fields by reflection per row.
func (r *productRow) scanDest(detail bool) []any {
	dest := []any{&r.ID, &r.SellerID, &r.SellerName, &r.CategoryID, &r.Name, &r.NameEN, &r.Summary,
		&r.Type, &r.Featured, &r.Currency, &r.PriceMinor, &r.ListPriceMinor,
		&r.InStock, &r.Reviews, &r.Rating, (*db.Time)(&r.CreatedAt), (*db.Time)(&r.UpdatedAt),
		&r.ImageID, &r.ImagePosition, &r.ImageKey,
		&r.ImageContentType, &r.ImageWidth, &r.ImageHeight,
		&r.ImageAlt, &r.ImageThumbsReady}
	if detail {
		dest = append(dest, &r.Status, &r.Description, &r.TaxFree,
			&r.SoldOut, &r.Ships, &r.SEOTitle, &r.SEODescription)
	}
	return dest
}

// productJoins joins p's seller and first image (its cover, which
// refreshCover keeps).
const productJoins = ` JOIN sellers s ON s.id = p.seller_id
	LEFT JOIN product_images i ON i.id = p.cover_image_id`

// refreshCover points the product's cover_image_id at its first image (the
// lowest position, then id), or NULL without images. Every change of a
// product's images calls it in the change's transaction.
func refreshCover(ctx context.Context, q db.Querier, productID int64) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET cover_image_id = (SELECT i.id FROM product_images i
		WHERE i.product_id = products.id ORDER BY i.position, i.id LIMIT 1) WHERE id = ?`), productID)
	if err != nil {
		return fmt.Errorf("cover of product %d: %w", productID, err)
	}
	return nil
}

func (r productRow) product() Product {
	c := money.Currency(r.Currency)
	p := Product{
		ID:          r.ID,
		SellerID:    r.SellerID,
		SellerName:  r.SellerName,
		CategoryID:  r.CategoryID,
		Name:        r.Name,
		Summary:     r.Summary,
		Description: r.Description,
		Type:        ProductType(r.Type),
		Status:      Status(r.Status),
		Featured:    r.Featured,
		TaxFree:     r.TaxFree,
		NameEN:      r.NameEN,
		SoldOut:     r.SoldOut,
		Ships:       r.Ships,
		SEOTitle:    r.SEOTitle,
		SEODesc:     r.SEODescription,
		Price:       money.New(r.PriceMinor, c),
		ListPrice:   money.New(r.ListPriceMinor, c),
		InStock:     r.InStock,
		Reviews:     r.Reviews,
		Rating:      r.Rating,
		CreatedAt:   r.CreatedAt.UTC(),
		UpdatedAt:   r.UpdatedAt.UTC(),
	}
	if r.ImageID.Valid {
		p.Image = &Image{
			ID:          r.ImageID.Int64,
			ProductID:   r.ID,
			Position:    int(r.ImagePosition.Int64),
			Key:         r.ImageKey.String,
			ContentType: r.ImageContentType.String,
			Width:       int(r.ImageWidth.Int64),
			Height:      int(r.ImageHeight.Int64),
			Alt:         r.ImageAlt.String,
			ThumbsReady: r.ImageThumbsReady.Bool,
		}
	}
	return p
}

// activeProduct returns an active product that is not deleted, with the
// names of its options and its counts, in one statement (the product page
// reads it on every view). Options are returned by position, never nil.
func activeProduct(ctx context.Context, q db.Querier, id int64) (productRow, []Option, counts, error) {
	var r productRow
	var names [3]sql.NullString
	var c counts
	dest := append(r.scanDest(true), &c.wishes, &c.questions, &names[0], &names[1], &names[2])
	err := q.QueryRowxContext(ctx, q.Rebind(`SELECT `+productColumns+`, p.wish_count, p.question_count, `+optionNames+` FROM products p`+productJoins+`
		WHERE p.id = ? AND p.status = 'active' AND p.deleted_at IS NULL`), id).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return productRow{}, nil, counts{}, fault.ErrNotFound
	}
	if err != nil {
		return productRow{}, nil, counts{}, err
	}
	opts := make([]Option, 0, len(names))
	for i, n := range names {
		if n.Valid {
			opts = append(opts, Option{Position: i + 1, Name: n.String})
		}
	}
	return r, opts, c, nil
}

// counts are the counters other services keep on a product's row for its
// page: its wishes (wishlist) and its questions (qna).
type counts struct{ wishes, questions int64 }

// optionNames selects the names of p's options at positions 1 to 3 (NULL
// where it has none).
const optionNames = `(SELECT o.name FROM product_options o WHERE o.product_id = p.id AND o.position = 1),
	(SELECT o.name FROM product_options o WHERE o.product_id = p.id AND o.position = 2),
	(SELECT o.name FROM product_options o WHERE o.product_id = p.id AND o.position = 3)`

// productText returns the names and description of a product that is not
// deleted.
func productText(ctx context.Context, q db.Querier, id int64) (text, error) {
	var t text
	err := q.GetContext(ctx, &t, q.Rebind(`SELECT name, name_en, description FROM products WHERE id = ? AND deleted_at IS NULL`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return text{}, fault.ErrNotFound
	}
	return t, err
}

func productExists(ctx context.Context, q db.Querier, id int64) (bool, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM products WHERE id = ? AND deleted_at IS NULL`), id)
	if err != nil {
		return false, fmt.Errorf("find product %d: %w", id, err)
	}
	return n > 0, nil
}

// partRow is a row of productParts: a variant or an image of a product,
// in columns the two share.
type partRow struct {
	Image    bool          `db:"image"` // false: a variant
	ID       int64         `db:"id"`
	Position int           `db:"position"`
	Key      string        `db:"k"`    // a variant's SKU; an image's blob key
	Text1    string        `db:"t1"`   // option1; the image's content type
	Text2    string        `db:"t2"`   // option2; the image's alt text
	Text3    string        `db:"t3"`   // option3
	Num1     int64         `db:"n1"`   // price; width
	Num2     sql.NullInt64 `db:"n2"`   // sale price; height
	Num3     int64         `db:"n3"`   // stock
	Flag     bool          `db:"flag"` // active; thumbnails ready
}

// productParts returns a product's variants and images, each by position
// then id, in one statement: a round trip fewer on every product page.
// Neither slice is nil.
func productParts(ctx context.Context, q db.Querier, productID int64, c money.Currency) ([]Variant, []Image, error) {
	var rows []partRow
	a := db.OpaqueArg(q)
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT FALSE AS image, id, position, sku AS k,
			option1 AS t1, option2 AS t2, option3 AS t3, price_minor AS n1, sale_price_minor AS n2, stock AS n3, active AS flag
		FROM variants WHERE product_id = `+a+`
		UNION ALL
		SELECT TRUE, id, position, blob_key, content_type, alt, '', width, height, 0, thumbs_ready
		FROM product_images WHERE product_id = `+a+`
		ORDER BY image, position, id`), productID, productID)
	if err != nil {
		return nil, nil, fmt.Errorf("variants and images: %w", err)
	}
	vs, imgs := make([]Variant, 0, len(rows)), make([]Image, 0, len(rows))
	for _, r := range rows {
		if r.Image {
			imgs = append(imgs, Image{ID: r.ID, ProductID: productID, Position: r.Position, Key: r.Key,
				ContentType: r.Text1, Width: int(r.Num1), Height: int(r.Num2.Int64), Alt: r.Text2, ThumbsReady: r.Flag})
			continue
		}
		v := Variant{
			ID: r.ID, ProductID: productID, SKU: r.Key,
			Options: [3]string{r.Text1, r.Text2, r.Text3},
			Price:   money.New(r.Num1, c), Stock: r.Num3, Active: r.Flag, Position: r.Position,
		}
		if r.Num2.Valid {
			sp := money.New(r.Num2.Int64, c)
			v.SalePrice = &sp
		}
		vs = append(vs, v)
	}
	return vs, imgs, nil
}

type imageRow struct {
	ID          int64  `db:"id"`
	ProductID   int64  `db:"product_id"`
	Position    int    `db:"position"`
	Key         string `db:"blob_key"`
	ContentType string `db:"content_type"`
	Width       int    `db:"width"`
	Height      int    `db:"height"`
	Alt         string `db:"alt"`
	ThumbsReady bool   `db:"thumbs_ready"`
}

func (r imageRow) image() Image { return Image(r) }

const imageColumns = `id, product_id, position, blob_key, content_type, width, height, alt, thumbs_ready`

func productImages(ctx context.Context, q db.Querier, productID int64) ([]Image, error) {
	var rows []imageRow
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT `+imageColumns+` FROM product_images
		WHERE product_id = `+db.OpaqueArg(q)+` ORDER BY position, id`), productID)
	if err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	out := make([]Image, len(rows))
	for i, r := range rows {
		out[i] = r.image()
	}
	return out, nil
}

func imageByID(ctx context.Context, q db.Querier, id int64) (Image, error) {
	var r imageRow
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT `+imageColumns+` FROM product_images WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Image{}, fault.ErrNotFound
	}
	return r.image(), err
}

func insertImage(ctx context.Context, q db.Querier, productID int64, img NewImage, now time.Time) (Image, error) {
	var r imageRow
	err := q.GetContext(ctx, &r, q.Rebind(`INSERT INTO product_images (product_id, position, blob_key, content_type,
			width, height, alt, thumbs_ready, created_at, updated_at)
		VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM product_images WHERE product_id = ?), ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING `+imageColumns),
		productID, productID, img.Key, img.ContentType, img.Width, img.Height, img.Alt, img.ThumbsReady, now, now)
	if err != nil {
		return Image{}, fmt.Errorf("insert image: %w", err)
	}
	return r.image(), nil
}

func setThumbsReady(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE product_images SET thumbs_ready = TRUE, updated_at = ? WHERE id = ?`), now, id)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fault.ErrNotFound
	}
	return nil
}

// eachActiveProduct calls fn for listed products outside the categories
// hidden (sorted ids of hidden categories and their descendants).
func eachActiveProduct(ctx context.Context, q db.Querier, d db.Dialect, hidden []int64, offset, limit int, fn func(id int64, updated time.Time) error) error {
	if limit == 0 {
		limit = math.MaxInt32 // both engines take a number; "no limit" is spelled differently
	}
	where, args := listed, []any{}
	if len(hidden) > 0 {
		cond, cargs := categoryCond(d, hidden)
		where += " AND NOT (" + cond + ")"
		args = append(args, cargs...)
	}
	rows, err := q.QueryxContext(ctx, q.Rebind(`SELECT id, updated_at FROM products WHERE `+where+` ORDER BY id LIMIT ? OFFSET ?`),
		append(args, limit, offset)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var updated time.Time
		if err := rows.Scan(&id, &updated); err != nil {
			return err
		}
		if err := fn(id, updated.UTC()); err != nil {
			return err
		}
	}
	return rows.Err()
}

func countProducts(ctx context.Context, q db.Querier) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM products WHERE deleted_at IS NULL`)
	return n, err
}
