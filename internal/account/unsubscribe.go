package account

import (
	"context"
	"fmt"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// WithdrawMarketing ends customer userID's consent to marketing mail, as
// the unsubscribe link of a marketing mail asks without signing in, and
// adds the withdrawal to the consent history. It tells whether the consent
// was given until now: a second click changes nothing and records nothing.
// fault.ErrNotFound for an account that does not exist (or was closed).
func (s *Service) WithdrawMarketing(ctx context.Context, userID int64) (bool, error) {
	now := s.now().UTC()
	withdrawn := false
	err := s.d.InTx(ctx, func(q db.Querier) error {
		res, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET marketing_consent_at = NULL, updated_at = ?
			WHERE id = ? AND deleted_at IS NULL AND marketing_consent_at IS NOT NULL`), now, userID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			var exists int
			if err := q.GetContext(ctx, &exists, q.Rebind(`SELECT COUNT(*) FROM users WHERE id = ? AND deleted_at IS NULL`), userID); err != nil {
				return err
			}
			if exists == 0 {
				return fault.ErrNotFound
			}
			return nil
		}
		withdrawn = true
		return recordConsents(ctx, q, userID, now, consentChange{ConsentMarketing, false, 0})
	})
	if err != nil {
		return false, fmt.Errorf("withdraw marketing consent of user %d: %w", userID, err)
	}
	return withdrawn, nil
}
