package review

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Show puts hidden review id back on its product and its figures on
// behalf of staff member by (a hiding that was a mistake, or a complaint
// settled), clears the hiding's reason and records "review.shown" in the
// same transaction. The author is not mailed.
// Errors: fault.ErrForbidden without a staff member, fault.ErrNotFound,
// ErrShown for a review that is not hidden (also for the second of two
// staff at once).
func (s *Service) Show(ctx context.Context, id int64, by audit.Actor) (Review, error) {
	if by.UserID <= 0 {
		return Review{}, fmt.Errorf("show review %d: only staff show a review: %w", id, fault.ErrForbidden)
	}
	now := s.stamp()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		r, err := reviewRow(ctx, q, id)
		if err != nil {
			return err
		}
		shown, err := showReview(ctx, q, id, now)
		if err != nil {
			return err
		}
		if !shown {
			return ErrShown
		}
		if err := addToProduct(ctx, q, r.ProductID, 1, r.Rating, now); err != nil {
			return err
		}
		return s.audited(ctx, q, by, "review.shown", id, map[string]any{"by": "staff", "product_id": r.ProductID})
	})
	if err != nil {
		return Review{}, fmt.Errorf("show review %d: %w", id, err)
	}
	return s.Get(ctx, id)
}

// showReview clears the hiding of review id and tells whether it was
// hidden.
func showReview(ctx context.Context, q db.Querier, id int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE reviews SET hidden_at = NULL, hidden_by = NULL, hidden_reason = '', updated_at = ?
		WHERE id = ? AND hidden_at IS NOT NULL`), now, id)
	if err != nil {
		return false, fmt.Errorf("show review %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("show review %d: %w", id, err)
	}
	return n == 1, nil
}
