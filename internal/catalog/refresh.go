package catalog

import (
	"context"
	"fmt"

	"github.com/mallang/mallang/internal/db"
)

// Refresh recomputes, on q, what products keep from their variants (the
// price a buyer pays, the list price, the in-stock flag) for productIDs,
// and their search text too when text is true. It is for a writer that
// changes variants or names with its own statements inside its own
// transaction (the bulk import of internal/catalog/bulk), so the rules of
// these columns stay in one place. Call StockChanged after the commit.
func (s *Service) Refresh(ctx context.Context, q db.Querier, productIDs []int64, text bool) error {
	now := s.now().UTC()
	for _, id := range productIDs {
		if err := s.refreshed(ctx, q, id, now); err != nil {
			return err
		}
		if !text {
			continue
		}
		t, err := productText(ctx, q, id)
		if err != nil {
			return fmt.Errorf("refresh product %d: %w", id, err)
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET search_text = ? WHERE id = ?`),
			t.search(), id); err != nil {
			return fmt.Errorf("refresh search text of product %d: %w", id, err)
		}
		if err := writeGrams(ctx, q, id, t); err != nil {
			return fmt.Errorf("refresh search text of product %d: %w", id, err)
		}
	}
	return nil
}
