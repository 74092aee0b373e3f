package payment

import (
	"context"

	"github.com/mallang/mallang/internal/db"
)

// record stores an event outside any transaction; a failure to record is
// logged, not returned, so it never hides the outcome it describes.
func (s *Service) record(ctx context.Context, e event) {
	if err := insertEvent(ctx, s.d.Write(), e, s.stamp()); err != nil {
		s.log.ErrorContext(ctx, "payment event not recorded", "attempt_id", e.AttemptID, "kind", e.Kind, "err", err)
	}
}

func (s *Service) setFailed(ctx context.Context, q db.Querier, id int64, code, msg string) {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'failed', failure_code = ?,
		failure_message = ?, claimed_until = NULL, updated_at = ? WHERE id = ? AND status IN ('prepared', 'confirming', 'pending')`),
		clip(code, 64), clip(msg, 300), s.stamp(), id)
	if err != nil {
		s.log.ErrorContext(ctx, "payment failure not recorded", "attempt_id", id, "err", err)
	}
}

func (s *Service) setFailedAs(ctx context.Context, id int64, st AttemptStatus, code, msg string) {
	_, err := s.d.Write().ExecContext(ctx, s.d.Write().Rebind(`UPDATE payment_attempts SET status = ?, failure_code = ?,
		failure_message = ?, claimed_until = NULL, updated_at = ? WHERE id = ? AND status IN ('prepared', 'confirming', 'pending', 'awaiting_deposit')`),
		st, code, msg, s.stamp(), id)
	if err != nil {
		s.log.ErrorContext(ctx, "payment status not recorded", "attempt_id", id, "err", err)
	}
}

func (s *Service) setStatusFrom(ctx context.Context, id int64, st AttemptStatus, from ...string) {
	args := []any{st, s.stamp(), id}
	for _, f := range from {
		args = append(args, f)
	}
	_, err := s.d.Write().ExecContext(ctx, s.d.Write().Rebind(`UPDATE payment_attempts SET status = ?, claimed_until = NULL,
		updated_at = ? WHERE id = ? AND status IN (`+db.Placeholders(len(from))+`)`), args...)
	if err != nil {
		s.log.ErrorContext(ctx, "payment status not recorded", "attempt_id", id, "err", err)
	}
}

func (s *Service) setProviderID(ctx context.Context, id int64, ppid string) {
	if ppid == "" {
		return
	}
	_, err := s.d.Write().ExecContext(ctx, s.d.Write().Rebind(`UPDATE payment_attempts SET provider_payment_id = ?
		WHERE id = ? AND provider_payment_id IS NULL`), ppid, id)
	if err != nil {
		s.log.ErrorContext(ctx, "provider's payment id not recorded", "attempt_id", id, "err", err)
	}
}

// release hands a claimed attempt back as pending, for a later look-up.
func (s *Service) release(ctx context.Context, id int64) {
	s.setStatusFrom(ctx, id, AttemptPending, "confirming", "prepared")
}
