package catalog

import (
	"context"
	"fmt"

	"github.com/mallang/mallang/internal/db"
)

// MaxCards is the most products Cards reads at once.
const MaxCards = 100

// Cards returns the products of ids that are on the storefront, as
// listings show them, in the order of ids (a wishlist's, or the products a
// visitor opened last); unknown, hidden and deleted ones are left out, and
// ids past MaxCards are not read.
func (s *Service) Cards(ctx context.Context, ids []int64) ([]Product, error) {
	if len(ids) > MaxCards {
		ids = ids[:MaxCards]
	}
	if len(ids) == 0 {
		return nil, nil
	}
	q := s.db.Read()
	rows, err := q.QueryContext(ctx, q.Rebind(`SELECT `+listColumns+` FROM products p`+productJoins+`
		WHERE p.id IN (`+db.Placeholders(len(ids))+`) AND p.status = 'active' AND p.deleted_at IS NULL`), db.Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("product cards: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]Product, len(ids))
	var r productRow
	dest := r.scanDest(false)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("product cards: %w", err)
		}
		r.Status = string(Active)
		byID[r.ID] = r.product()
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("product cards: %w", err)
	}
	out := make([]Product, 0, len(byID))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, p)
			delete(byID, id) // an id given twice is shown once
		}
	}
	return out, nil
}
