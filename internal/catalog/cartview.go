package catalog

import (
	"context"
	"fmt"
	"strings"

	"github.com/mallang/mallang/internal/db"
)

// CartVariant is what a cart shows of a variant and checks before an
// order: the current name, options, price, stock and availability. Carts
// store only variant ids and quantities and read these afresh every time, so
// a buyer always sees today's price.
type CartVariant struct {
	VariantID   int64
	ProductID   int64
	CategoryID  int64
	SellerID    int64
	ProductName string
	// Options labels the variant by its product's option axes, such as
	// "크기: L / 색상: 검정"; "" for a product without options.
	Options string
	SKU     string
	// UnitPrice is what a buyer pays for one unit now (the sale price when
	// there is one), and ListPrice the regular price, both in won.
	UnitPrice int64
	ListPrice int64
	Stock     int64
	// Active is true when the variant is active and its product is active
	// and not deleted: only then may it be bought.
	Active bool
	// Thumb is the media key of the product's first image, or "" when it
	// has none; the web layer builds the address.
	Thumb       string
	ProductType ProductType
	TaxFree     bool // VAT-exempt goods
	// SoldOut is true when staff marked the product sold out by hand: it
	// cannot be bought whatever its stock (TakeStock refuses it too).
	SoldOut bool
	// NoShipping is true for goods that are not delivered (digital ones, or
	// a product staff set to ship nothing): they add no shipment and no
	// shipping fee to an order.
	NoShipping bool
}

// Buyable reports whether the variant can be put in a cart now.
func (v CartVariant) Buyable() bool { return v.Active && !v.SoldOut && v.Stock > 0 }

// CartVariants returns the variants with the given ids, by id, whatever the
// status of their products: an id that does not exist is absent from the
// map. Any number of ids may be asked for; they are read in slices of
// maxParams.
func (s *Service) CartVariants(ctx context.Context, variantIDs []int64) (map[int64]CartVariant, error) {
	out := make(map[int64]CartVariant, len(variantIDs))
	ids := distinctIDs(variantIDs)
	for len(ids) > 0 {
		n := min(len(ids), maxParams)
		if err := cartVariants(ctx, s, ids[:n], out); err != nil {
			return nil, fmt.Errorf("cart variants: %w", err)
		}
		ids = ids[n:]
	}
	return out, nil
}

// distinctIDs returns ids without repeats, in first-seen order.
func distinctIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// cartVariants reads the variants with ids (at most maxParams) into out.
func cartVariants(ctx context.Context, s *Service, ids []int64, out map[int64]CartVariant) error {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	q := s.db.Read()
	rows, err := q.QueryContext(ctx, q.Rebind(`SELECT v.id, v.product_id, p.category_id, p.seller_id, p.name,
			v.sku, v.option1, v.option2, v.option3,
			COALESCE(o1.name, ''), COALESCE(o2.name, ''), COALESCE(o3.name, ''),
			COALESCE(v.sale_price_minor, v.price_minor), v.price_minor, v.stock, v.active, p.status,
			CASE WHEN p.deleted_at IS NULL THEN 0 ELSE 1 END,
			COALESCE((SELECT i.blob_key FROM product_images i WHERE i.product_id = p.id
				ORDER BY i.position, i.id LIMIT 1), ''),
			p.product_type, p.tax_free, p.sold_out, p.ships
		FROM variants v
		JOIN products p ON p.id = v.product_id
		LEFT JOIN product_options o1 ON o1.product_id = p.id AND o1.position = 1
		LEFT JOIN product_options o2 ON o2.product_id = p.id AND o2.position = 2
		LEFT JOIN product_options o3 ON o3.product_id = p.id AND o3.position = 3
		WHERE v.id IN (`+db.Placeholders(len(ids))+`)`), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			v             CartVariant
			values, names [3]string
			status        string
			deleted       int
			typ           string
			ships         bool
		)
		if err := rows.Scan(&v.VariantID, &v.ProductID, &v.CategoryID, &v.SellerID, &v.ProductName,
			&v.SKU, &values[0], &values[1], &values[2], &names[0], &names[1], &names[2],
			&v.UnitPrice, &v.ListPrice, &v.Stock, &v.Active, &status, &deleted, &v.Thumb, &typ, &v.TaxFree, &v.SoldOut, &ships); err != nil {
			return err
		}
		v.Active = v.Active && Status(status) == Active && deleted == 0
		v.ProductType = ProductType(typ)
		v.NoShipping = !ships || v.ProductType == Digital
		v.Options = optionLabel(names, values)
		out[v.VariantID] = v
	}
	return rows.Err()
}

// optionLabel joins "name: value" for each axis the variant has a value on.
func optionLabel(names, values [3]string) string {
	var parts []string
	for i, val := range values {
		switch {
		case val == "":
		case names[i] == "":
			parts = append(parts, val)
		default:
			parts = append(parts, names[i]+": "+val)
		}
	}
	return strings.Join(parts, " / ")
}
