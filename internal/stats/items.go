package stats

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
)

// Level is what an item report groups by.
type Level string

// The levels of an item report.
const (
	ByProduct  Level = "product"
	BySKU      Level = "sku"
	ByCategory Level = "category"
)

// ItemRow is one product, SKU or category of an item report. Amounts are
// won: Gross before line discounts, Net = Gross - Discount - Refunds.
type ItemRow struct {
	ID            int64  // product, variant or category id
	Name          string // product or category name; for a SKU, the line's name
	SKU           string
	Items         int64
	Gross         int64
	Discount      int64
	RefundedItems int64
	Refunds       int64
}

// Net is the value sold less discounts and refunds.
func (r ItemRow) Net() int64 { return r.Gross - r.Discount - r.Refunds }

type itemSum struct {
	VariantID     int64         `db:"variant_id"`
	ProductID     int64         `db:"product_id"`
	CategoryID    sql.NullInt64 `db:"category_id"`
	SKU           string        `db:"sku"`
	Name          string        `db:"name"`
	Items         int64         `db:"items"`
	Gross         int64         `db:"gross"`
	Discount      int64         `db:"discount"`
	RefundedItems int64         `db:"refunded_items"`
	Refunds       int64         `db:"refunds"`
}

func (r *ItemRow) add(x itemSum) {
	r.Items += x.Items
	r.Gross += x.Gross
	r.Discount += x.Discount
	r.RefundedItems += x.RefundedItems
	r.Refunds += x.Refunds
}

// Items returns the sales of r by product, SKU or category, the most sold
// (by value) first. A category's row holds its whole subtree (its own
// products and every descendant's), computed from the category tree as
// it is now; so a parent's figures include its children's and the rows do
// not add up to the total.
func (s *Service) Items(ctx context.Context, r Range, by Level) ([]ItemRow, error) {
	if _, _, err := dayRange(r.From, r.To); err != nil {
		return nil, err
	}
	q := s.d.Read()
	var sums []itemSum
	for _, sp := range spans(r) {
		table, key := sp.table("stats_items")
		var part []itemSum
		if err := q.SelectContext(ctx, &part, q.Rebind(`SELECT variant_id, MIN(product_id) AS product_id, MIN(category_id) AS category_id,
			MIN(sku) AS sku, MIN(name) AS name, SUM(items) AS items, SUM(gross) AS gross, SUM(discount) AS discount,
			SUM(refunded_items) AS refunded_items, SUM(refunds) AS refunds
			FROM `+table+` WHERE `+key+` >= ? AND `+key+` <= ? GROUP BY variant_id`), sp.from, sp.to); err != nil {
			return nil, fmt.Errorf("items %s..%s: %w", r.From, r.To, err)
		}
		sums = append(sums, part...)
	}
	rows := map[int64]*ItemRow{}
	get := func(id int64, name, sku string) *ItemRow {
		row, ok := rows[id]
		if !ok {
			row = &ItemRow{ID: id, Name: name, SKU: sku}
			rows[id] = row
		}
		return row
	}
	switch by {
	case BySKU:
		for _, x := range sums {
			get(x.VariantID, x.Name, x.SKU).add(x)
		}
	case ByProduct:
		names, err := productNames(ctx, s, sums)
		if err != nil {
			return nil, err
		}
		for _, x := range sums {
			n := names[x.ProductID]
			if n == "" {
				n = x.Name
			}
			get(x.ProductID, n, "").add(x)
		}
	case ByCategory:
		cats, err := categories(ctx, s)
		if err != nil {
			return nil, err
		}
		for _, x := range sums {
			if !x.CategoryID.Valid {
				continue
			}
			// The category and every ancestor: a subtree's rollup.
			seen := map[int64]bool{}
			for id := x.CategoryID.Int64; id != 0 && !seen[id]; id = cats[id].parent {
				seen[id] = true
				get(id, cats[id].name, "").add(x)
			}
		}
	default:
		return nil, fmt.Errorf("items by %q: no such level", by)
	}
	out := make([]ItemRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := out[i].Gross-out[i].Discount, out[j].Gross-out[j].Discount; a != b {
			return a > b
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// productNames returns the current names of the products of sums.
func productNames(ctx context.Context, s *Service, sums []itemSum) (map[int64]string, error) {
	var ps []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	q := s.d.Read()
	if err := q.SelectContext(ctx, &ps, `SELECT id, name FROM products`); err != nil {
		return nil, fmt.Errorf("product names: %w", err)
	}
	m := make(map[int64]string, len(ps))
	for _, p := range ps {
		m[p.ID] = p.Name
	}
	return m, nil
}

type category struct {
	parent int64
	name   string
}

// categories returns the category tree: each category's parent and name.
func categories(ctx context.Context, s *Service) (map[int64]category, error) {
	var cs []struct {
		ID     int64         `db:"id"`
		Parent sql.NullInt64 `db:"parent_id"`
		Name   string        `db:"name"`
	}
	if err := s.d.Read().SelectContext(ctx, &cs, `SELECT id, parent_id, name FROM categories`); err != nil {
		return nil, fmt.Errorf("category tree: %w", err)
	}
	m := make(map[int64]category, len(cs))
	for _, c := range cs {
		m[c.ID] = category{parent: c.Parent.Int64, name: c.Name}
	}
	return m, nil
}
