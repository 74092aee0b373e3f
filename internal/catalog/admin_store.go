package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
)

// The SQL of the staff's side of the catalog.

func productsPerCategory(ctx context.Context, q db.Querier) (map[int64]int, error) {
	var rows []struct {
		CategoryID int64 `db:"category_id"`
		N          int   `db:"n"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT category_id, COUNT(*) AS n FROM products
		WHERE deleted_at IS NULL GROUP BY category_id`); err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.CategoryID] = r.N
	}
	return out, nil
}

func nextCategoryPosition(ctx context.Context, q db.Querier, parentID int64) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COALESCE(MAX(position), 0) + 1 FROM categories
		WHERE COALESCE(parent_id, 0) = ?`), parentID)
	if err != nil {
		return 0, fmt.Errorf("next position under %d: %w", parentID, err)
	}
	return n, nil
}

func siblingIDs(ctx context.Context, q db.Querier, parentID int64) ([]int64, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, q.Rebind(`SELECT id FROM categories
		WHERE COALESCE(parent_id, 0) = ? ORDER BY position, name, id`), parentID)
	if err != nil {
		return nil, fmt.Errorf("categories under %d: %w", parentID, err)
	}
	return ids, nil
}

// updateCategory sets the columns of sets (constant SQL with placeholders
// for args) and updated_at on category id.
func updateCategory(ctx context.Context, q db.Querier, id int64, sets string, now time.Time, args ...any) error {
	args = append(args, now, id)
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE categories SET `+sets+`, updated_at = ? WHERE id = ?`), args...)
	if err != nil {
		return fmt.Errorf("update category %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("update category %d: %w", id, errors.Join(err, fault.ErrNotFound))
	}
	return nil
}

func categoryByID(ctx context.Context, q db.Querier, id int64) (Category, error) {
	var r struct {
		ID       int64         `db:"id"`
		ParentID sql.NullInt64 `db:"parent_id"`
		Slug     string        `db:"slug"`
		Name     string        `db:"name"`
		NameEN   string        `db:"name_en"`
		Position int           `db:"position"`
		Hidden   bool          `db:"hidden"`
	}
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT id, parent_id, slug, name, name_en, position, hidden
		FROM categories WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Category{}, fmt.Errorf("category %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return Category{}, fmt.Errorf("category %d: %w", id, err)
	}
	return Category{ID: r.ID, ParentID: r.ParentID.Int64, Slug: r.Slug, Name: r.Name, NameEN: r.NameEN,
		Position: r.Position, Hidden: r.Hidden}, nil
}

type categoryUse struct{ children, products, coupons int }

func categoryUses(ctx context.Context, q db.Querier, id int64) (categoryUse, error) {
	var u struct {
		Children int `db:"children"`
		Products int `db:"products"`
		Coupons  int `db:"coupons"`
	}
	err := q.GetContext(ctx, &u, q.Rebind(`SELECT
		(SELECT COUNT(*) FROM categories WHERE parent_id = ?) AS children,
		(SELECT COUNT(*) FROM products WHERE category_id = ?) AS products,
		(SELECT COUNT(*) FROM coupon_targets WHERE category_id = ?) AS coupons`), id, id, id)
	if err != nil {
		return categoryUse{}, fmt.Errorf("uses of category %d: %w", id, err)
	}
	return categoryUse{u.Children, u.Products, u.Coupons}, nil
}

func deleteCategory(ctx context.Context, q db.Querier, id int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM categories WHERE id = ?`), id); err != nil {
		return fmt.Errorf("delete category %d: %w", id, err)
	}
	return nil
}

// editVariants returns a product's variants by position, their price
// differences taken from base.
func editVariants(ctx context.Context, q db.Querier, productID, base int64) ([]EditVariant, error) {
	var rows []struct {
		ID       int64  `db:"id"`
		SKU      string `db:"sku"`
		Option1  string `db:"option1"`
		Option2  string `db:"option2"`
		Option3  string `db:"option3"`
		Price    int64  `db:"price_minor"`
		Stock    int64  `db:"stock"`
		LowStock int64  `db:"low_stock"`
		Active   bool   `db:"active"`
	}
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT id, sku, option1, option2, option3, price_minor, stock,
		low_stock, active FROM variants WHERE product_id = ? ORDER BY position, id`), productID)
	if err != nil {
		return nil, fmt.Errorf("variants of product %d: %w", productID, err)
	}
	out := make([]EditVariant, len(rows))
	for i, r := range rows {
		out[i] = EditVariant{ID: r.ID, VariantInput: VariantInput{Options: [3]string{r.Option1, r.Option2, r.Option3},
			SKU: r.SKU, PriceDelta: r.Price - base, Stock: r.Stock, LowStock: r.LowStock, Active: r.Active}}
	}
	return out, nil
}

// skusOfOthers returns which of skus a variant of a product other than
// productID has.
func skusOfOthers(ctx context.Context, q db.Querier, productID int64, skus []string) ([]string, error) {
	if len(skus) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(skus)+1)
	for _, s := range skus {
		args = append(args, s)
	}
	args = append(args, productID)
	var out []string
	err := q.SelectContext(ctx, &out, q.Rebind(`SELECT sku FROM variants WHERE sku IN (`+db.Placeholders(len(skus))+`)
		AND product_id <> ?`), args...)
	if err != nil {
		return nil, fmt.Errorf("find SKUs: %w", err)
	}
	return out, nil
}

func salePriceArg(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func insertAdminProduct(ctx context.Context, q db.Querier, seller int64, p *ProductInput, now time.Time) (int64, error) {
	status, soldOut := p.State.stored()
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO products (seller_id, category_id, name, name_en, summary,
			description, product_type, status, sold_out, tax_free, ships, currency, base_price_minor,
			base_sale_price_minor, seo_title, seo_description, search_text, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		seller, p.CategoryID, p.Name, p.NameEN, p.Summary, p.Description, string(p.Type), string(status), soldOut,
		p.TaxFree, p.Ships, string(money.KRW), p.Price, salePriceArg(p.SalePrice), p.SEOTitle, p.SEODescription,
		p.text().search(), now, now)
	if err != nil {
		return 0, err
	}
	return id, writeGrams(ctx, q, id, p.text())
}

func updateAdminProduct(ctx context.Context, q db.Querier, id int64, p *ProductInput, now time.Time) (bool, error) {
	status, soldOut := p.State.stored()
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET category_id = ?, name = ?, name_en = ?, summary = ?,
			description = ?, product_type = ?, status = ?, sold_out = ?, tax_free = ?, ships = ?, base_price_minor = ?,
			base_sale_price_minor = ?, seo_title = ?, seo_description = ?, search_text = ?, updated_at = ?
		WHERE id = ? AND deleted_at IS NULL`),
		p.CategoryID, p.Name, p.NameEN, p.Summary, p.Description, string(p.Type), string(status), soldOut,
		p.TaxFree, p.Ships, p.Price, salePriceArg(p.SalePrice), p.SEOTitle, p.SEODescription,
		p.text().search(), now, id)
	if err != nil {
		return false, fmt.Errorf("update product %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	return true, writeGrams(ctx, q, id, p.text())
}

func replaceOptions(ctx context.Context, q db.Querier, productID int64, opts []OptionInput, now time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM product_options WHERE product_id = ?`), productID); err != nil {
		return fmt.Errorf("clear options of product %d: %w", productID, err)
	}
	for i, o := range opts {
		if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO product_options (product_id, position, name, value_list,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`), productID, i+1, o.Name, strings.Join(o.Values, "\n"), now, now); err != nil {
			return fmt.Errorf("insert option of product %d: %w", productID, err)
		}
	}
	return nil
}

func adminOptions(ctx context.Context, q db.Querier, productID int64) ([]OptionInput, error) {
	var rows []struct {
		Name   string `db:"name"`
		Values string `db:"value_list"`
	}
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT name, value_list FROM product_options
		WHERE product_id = ? ORDER BY position`), productID)
	if err != nil {
		return nil, fmt.Errorf("options of product %d: %w", productID, err)
	}
	out := make([]OptionInput, len(rows))
	for i, r := range rows {
		out[i] = OptionInput{Name: r.Name}
		if r.Values != "" {
			out[i].Values = strings.Split(r.Values, "\n")
		}
	}
	return out, nil
}

// parkSKUs gives a product's variants placeholder SKUs, unique by variant
// id, until saveVariants writes their SKUs again.
func parkSKUs(ctx context.Context, q db.Querier, productID int64) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE variants SET sku = '~parked~' || CAST(id AS TEXT) WHERE product_id = ?`), productID)
	if err != nil {
		return fmt.Errorf("park SKUs of product %d: %w", productID, err)
	}
	return nil
}

func updateVariant(ctx context.Context, q db.Querier, id int64, v VariantInput, price int64, sale *int64, pos int, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE variants SET sku = ?, price_minor = ?, sale_price_minor = ?,
		low_stock = ?, active = ?, position = ?, updated_at = ? WHERE id = ?`),
		v.SKU, price, salePriceArg(sale), v.LowStock, v.Active, pos, now, id)
	if err != nil {
		return fmt.Errorf("update variant %d: %w", id, err)
	}
	return nil
}

func insertVariant(ctx context.Context, q db.Querier, productID int64, v VariantInput, price int64, sale *int64, pos int, now time.Time) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO variants (product_id, sku, option1, option2, option3,
			price_minor, sale_price_minor, stock, low_stock, active, position, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		productID, v.SKU, v.Options[0], v.Options[1], v.Options[2], price, salePriceArg(sale), v.Stock, v.LowStock,
		v.Active, pos, now, now)
	if err != nil {
		return 0, fmt.Errorf("insert variant %q: %w", v.SKU, err)
	}
	return id, nil
}

// variantReferenced reports whether an order line, a cart line, a gift rule
// or the stock ledger names the variant.
func variantReferenced(ctx context.Context, q db.Querier, id int64) (bool, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT
		(SELECT COUNT(*) FROM (SELECT 1 FROM order_lines WHERE variant_id = ? LIMIT 1) a) +
		(SELECT COUNT(*) FROM (SELECT 1 FROM cart_lines WHERE variant_id = ? LIMIT 1) b) +
		(SELECT COUNT(*) FROM (SELECT 1 FROM gift_rules WHERE variant_id = ? LIMIT 1) c) +
		(SELECT COUNT(*) FROM (SELECT 1 FROM stock_ledger WHERE variant_id = ? LIMIT 1) d)`), id, id, id, id)
	if err != nil {
		return false, fmt.Errorf("uses of variant %d: %w", id, err)
	}
	return n > 0, nil
}

// retireVariant switches off a variant whose combination is gone.
func retireVariant(ctx context.Context, q db.Querier, id int64, sku string, pos int, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE variants SET sku = ?, active = FALSE, position = ?, updated_at = ? WHERE id = ?`),
		sku, pos, now, id)
	if err != nil {
		return fmt.Errorf("retire variant %d: %w", id, err)
	}
	return nil
}

func deleteVariant(ctx context.Context, q db.Querier, id int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM variants WHERE id = ?`), id); err != nil {
		return fmt.Errorf("delete variant %d: %w", id, err)
	}
	return nil
}

func adminProduct(ctx context.Context, q db.Querier, id int64) (EditProduct, error) {
	var r struct {
		ID          int64         `db:"id"`
		CategoryID  int64         `db:"category_id"`
		Name        string        `db:"name"`
		NameEN      string        `db:"name_en"`
		Summary     string        `db:"summary"`
		Description string        `db:"description"`
		Type        string        `db:"product_type"`
		Status      string        `db:"status"`
		SoldOut     bool          `db:"sold_out"`
		TaxFree     bool          `db:"tax_free"`
		Ships       bool          `db:"ships"`
		Base        int64         `db:"base_price_minor"`
		BaseSale    sql.NullInt64 `db:"base_sale_price_minor"`
		SEOTitle    string        `db:"seo_title"`
		SEODesc     string        `db:"seo_description"`
		MinPrice    int64         `db:"min_price"`
		CreatedAt   time.Time     `db:"created_at"`
		UpdatedAt   time.Time     `db:"updated_at"`
	}
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT id, category_id, name, name_en, summary, description, product_type,
			status, sold_out, tax_free, ships, base_price_minor, base_sale_price_minor, seo_title, seo_description,
			COALESCE((SELECT MIN(v.price_minor) FROM variants v WHERE v.product_id = products.id), 0) AS min_price,
			created_at, updated_at
		FROM products WHERE id = ? AND deleted_at IS NULL`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return EditProduct{}, fault.ErrNotFound
	}
	if err != nil {
		return EditProduct{}, err
	}
	e := EditProduct{ID: r.ID, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), ProductInput: ProductInput{
		CategoryID: r.CategoryID, Name: r.Name, NameEN: r.NameEN, Summary: r.Summary, Description: r.Description,
		Type: ProductType(r.Type), State: stateOf(Status(r.Status), r.SoldOut), TaxFree: r.TaxFree, Ships: r.Ships,
		Price: r.Base, SEOTitle: r.SEOTitle, SEODescription: r.SEODesc}}
	if r.Base == 0 && !r.BaseSale.Valid {
		// A product made before staff priced products (a seed, an import):
		// its cheapest variant's price is the product's.
		e.Price = r.MinPrice
	}
	if r.BaseSale.Valid {
		sp := r.BaseSale.Int64
		e.SalePrice = &sp
	}
	return e, nil
}

// adminWhere is the condition of the staff's product list.
func adminWhere(aq AdminQuery) (string, []any) {
	where := []string{"p.deleted_at IS NULL"}
	var args []any
	switch aq.State {
	case StateDraft:
		where = append(where, "p.status = 'draft'")
	case StateHidden:
		where = append(where, "p.status = 'archived'")
	case StateOnSale:
		where = append(where, "p.status = 'active' AND p.sold_out = FALSE")
	case StateSoldOut:
		where = append(where, "p.status = 'active' AND p.sold_out = TRUE")
	}
	if aq.CategoryID > 0 {
		where = append(where, "p.category_id = ?")
		args = append(args, aq.CategoryID)
	}
	if aq.Text != "" {
		like := "%" + db.EscapeLike(strings.ToLower(aq.Text)) + "%"
		where = append(where, `(LOWER(p.name) LIKE ? ESCAPE '\' OR LOWER(p.name_en) LIKE ? ESCAPE '\'
			OR EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND LOWER(v.sku) LIKE ? ESCAPE '\'))`)
		args = append(args, like, like, like)
	}
	return strings.Join(where, " AND "), args
}

func adminProducts(ctx context.Context, q db.Querier, aq AdminQuery) ([]AdminRow, int, error) {
	where, args := adminWhere(aq)
	var total int
	if err := q.GetContext(ctx, &total, q.Rebind(`SELECT COUNT(*) FROM products p WHERE `+where), args...); err != nil {
		return nil, 0, err
	}
	var rows []struct {
		ID         int64     `db:"id"`
		Name       string    `db:"name"`
		NameEN     string    `db:"name_en"`
		CategoryID int64     `db:"category_id"`
		Type       string    `db:"product_type"`
		Status     string    `db:"status"`
		SoldOut    bool      `db:"sold_out"`
		Currency   string    `db:"currency"`
		Price      int64     `db:"price_minor"`
		Stock      int64     `db:"stock"`
		Variants   int       `db:"variants"`
		UpdatedAt  time.Time `db:"updated_at"`
	}
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT p.id, p.name, p.name_en, p.category_id, p.product_type, p.status,
			p.sold_out, p.currency, p.price_minor,
			COALESCE((SELECT SUM(v.stock) FROM variants v WHERE v.product_id = p.id AND v.active = TRUE), 0) AS stock,
			(SELECT COUNT(*) FROM variants v WHERE v.product_id = p.id) AS variants, p.updated_at
		FROM products p WHERE `+where+` ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?`),
		append(args, aq.PerPage, (aq.Page-1)*aq.PerPage)...)
	if err != nil {
		return nil, 0, err
	}
	out := make([]AdminRow, len(rows))
	for i, r := range rows {
		out[i] = AdminRow{ID: r.ID, Name: r.Name, NameEN: r.NameEN, CategoryID: r.CategoryID, Type: ProductType(r.Type),
			State: stateOf(Status(r.Status), r.SoldOut), Price: money.New(r.Price, money.Currency(r.Currency)),
			Stock: r.Stock, Variants: r.Variants, UpdatedAt: r.UpdatedAt.UTC()}
	}
	return out, total, nil
}

// errBelowZero is addStock's refusal to leave a negative stock.
var errBelowZero = errors.New("stock would go below zero")

// addStock adds delta to a variant's stock unless that leaves it below zero,
// in one conditional statement, and returns the product's id and the stock
// after.
func addStock(ctx context.Context, q db.Querier, variantID, delta int64, now time.Time) (productID, after int64, err error) {
	var r struct {
		ProductID int64 `db:"product_id"`
		Stock     int64 `db:"stock"`
	}
	err = q.GetContext(ctx, &r, q.Rebind(`UPDATE variants SET stock = stock + ?, updated_at = ?
		WHERE id = ? AND stock + ? >= 0 RETURNING product_id, stock`), delta, now, variantID, delta)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM variants WHERE id = ?`), variantID); err != nil {
			return 0, 0, err
		}
		if n == 0 {
			return 0, 0, fmt.Errorf("variant %d: %w", variantID, fault.ErrNotFound)
		}
		return 0, 0, errBelowZero
	}
	if err != nil {
		return 0, 0, fmt.Errorf("add %d to variant %d: %w", delta, variantID, err)
	}
	return r.ProductID, r.Stock, nil
}

func insertLedger(ctx context.Context, q db.Querier, e StockEntry) error {
	return insertLedgerEntries(ctx, q, []StockEntry{e})
}

func ledger(ctx context.Context, q db.Querier, variantID int64, limit int) ([]StockEntry, error) {
	var rows []struct {
		ID         int64         `db:"id"`
		Delta      int64         `db:"delta"`
		StockAfter int64         `db:"stock_after"`
		Reason     string        `db:"reason"`
		Note       string        `db:"note"`
		ActorID    sql.NullInt64 `db:"actor_id"`
		ActorEmail string        `db:"actor_email"`
		CreatedAt  time.Time     `db:"created_at"`
	}
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT id, delta, stock_after, reason, note, actor_id, actor_email,
		created_at FROM stock_ledger WHERE variant_id = ? ORDER BY id DESC LIMIT ?`), variantID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]StockEntry, len(rows))
	for i, r := range rows {
		out[i] = StockEntry{ID: r.ID, VariantID: variantID, Delta: r.Delta, StockAfter: r.StockAfter,
			Reason: StockReason(r.Reason), Note: r.Note, ActorID: r.ActorID.Int64, ActorEmail: r.ActorEmail,
			CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

// countStockVariants counts the variants stockVariants selects with where.
func countStockVariants(ctx context.Context, q db.Querier, where string, args []any) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM variants v JOIN products p ON p.id = v.product_id
		WHERE `+where), args...)
	return n, err
}

// stockVariants returns the variants matching where (constant SQL over v,
// the variants, and p, their products) with what names them, the emptiest
// first.
func stockVariants(ctx context.Context, q db.Querier, where string, args []any, limit, offset int) ([]StockVariant, error) {
	rows, err := q.QueryContext(ctx, q.Rebind(`SELECT v.id, v.product_id, p.name, v.sku, v.option1, v.option2, v.option3,
			COALESCE(o1.name, ''), COALESCE(o2.name, ''), COALESCE(o3.name, ''), v.stock, v.low_stock, v.active
		FROM variants v
		JOIN products p ON p.id = v.product_id
		LEFT JOIN product_options o1 ON o1.product_id = p.id AND o1.position = 1
		LEFT JOIN product_options o2 ON o2.product_id = p.id AND o2.position = 2
		LEFT JOIN product_options o3 ON o3.product_id = p.id AND o3.position = 3
		WHERE `+where+` ORDER BY v.stock, v.id LIMIT ? OFFSET ?`), append(args, limit, offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StockVariant
	for rows.Next() {
		var (
			v             StockVariant
			values, names [3]string
		)
		if err := rows.Scan(&v.ID, &v.ProductID, &v.ProductName, &v.SKU, &values[0], &values[1], &values[2],
			&names[0], &names[1], &names[2], &v.Stock, &v.LowStock, &v.Active); err != nil {
			return nil, err
		}
		v.Options = optionLabel(names, values)
		out = append(out, v)
	}
	return out, rows.Err()
}

// ledgerBatch is how many stock ledger entries one INSERT writes.
const ledgerBatch = 100

// insertLedgerEntries writes es to the stock ledger on q, ledgerBatch to a
// statement.
func insertLedgerEntries(ctx context.Context, q db.Querier, es []StockEntry) error {
	for part := range slices.Chunk(es, ledgerBatch) {
		rows := make([]string, len(part))
		args := make([]any, 0, 9*len(part))
		for i, e := range part {
			rows[i] = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
			var actor any
			if e.ActorID > 0 {
				actor = e.ActorID
			}
			args = append(args, e.VariantID, e.Delta, e.StockAfter, string(e.Reason), e.Note, actor, e.ActorEmail, e.CreatedAt, e.CreatedAt)
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO stock_ledger (variant_id, delta, stock_after, reason, note,
			actor_id, actor_email, created_at, updated_at) VALUES `+strings.Join(rows, ", ")), args...); err != nil {
			return fmt.Errorf("insert %d stock ledger entries: %w", len(part), err)
		}
	}
	return nil
}
