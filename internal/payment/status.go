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
	if err := failAttempt(ctx, q, id, code, msg, s.stamp()); err != nil {
		s.log.ErrorContext(ctx, "payment failure not recorded", "attempt_id", id, "err", err)
	}
}

func (s *Service) setFailedAs(ctx context.Context, id int64, st AttemptStatus, code, msg string) {
	if err := closeAttempt(ctx, s.d.Write(), id, st, code, msg, s.stamp()); err != nil {
		s.log.ErrorContext(ctx, "payment status not recorded", "attempt_id", id, "err", err)
	}
}

func (s *Service) setStatusFrom(ctx context.Context, id int64, st AttemptStatus, from ...AttemptStatus) {
	if err := setAttemptStatus(ctx, s.d.Write(), id, st, s.stamp(), from...); err != nil {
		s.log.ErrorContext(ctx, "payment status not recorded", "attempt_id", id, "err", err)
	}
}

func (s *Service) setProviderID(ctx context.Context, id int64, ppid string) {
	if ppid == "" {
		return
	}
	if err := setProviderPaymentID(ctx, s.d.Write(), id, ppid); err != nil {
		s.log.ErrorContext(ctx, "provider's payment id not recorded", "attempt_id", id, "err", err)
	}
}

// release hands a claimed attempt back as pending, for a later look-up.
func (s *Service) release(ctx context.Context, id int64) {
	s.setStatusFrom(ctx, id, AttemptPending, AttemptConfirming, AttemptPrepared)
}
