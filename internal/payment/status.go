package payment

import (
	"context"
	"errors"

	"github.com/mallang/mallang/internal/db"
)

// record stores event e on q (the pool, or the transaction of the status
// change it goes with) and returns the error of the write.
//
// A failure to record fails the operation: the events are the only trace of
// what a provider answered (a decline's code, a give-back's refund id, an
// amount that did not match) that staff reconcile money by hand with, so an
// unrecorded answer must not look like success. An event that goes with a
// status change is written in the change's transaction (see decide), so the
// attempt never shows an outcome without its event or the reverse. An event
// written on its own is returned by its caller, joined to any error the
// caller returns anyway (a decline, an unknown outcome, an unverified
// notification), whose kinds stay reachable with errors.Is and errors.As.
func (s *Service) record(ctx context.Context, q db.Querier, e event) error {
	return insertEvent(ctx, q, e, s.stamp())
}

// decide records event e and runs write, a status change of its attempt, in
// one transaction, and returns the error of either.
func (s *Service) decide(ctx context.Context, e event, write func(q db.Querier) error) error {
	return s.d.InTx(ctx, func(q db.Querier) error {
		if err := s.record(ctx, q, e); err != nil {
			return err
		}
		return write(q)
	})
}

// withWrite returns err joined with werr, the error of a write made on the
// way to returning err, when there is one. Both stay reachable with
// errors.Is and errors.As.
func withWrite(err, werr error) error {
	if werr == nil {
		return err
	}
	return errors.Join(err, werr)
}

// setFailed marks attempt id failed with the provider's code and message,
// unless it was settled meanwhile.
func (s *Service) setFailed(ctx context.Context, q db.Querier, id int64, code, msg string) error {
	return failAttempt(ctx, q, id, code, msg, s.stamp())
}

// setFailedAs closes attempt id, while its outcome is open, as st (given
// back, or the wrong amount) with code and msg.
func (s *Service) setFailedAs(ctx context.Context, q db.Querier, id int64, st AttemptStatus, code, msg string) error {
	return closeAttempt(ctx, q, id, st, code, msg, s.stamp())
}

// setStatusFrom moves attempt id to st when it is in one of from.
func (s *Service) setStatusFrom(ctx context.Context, q db.Querier, id int64, st AttemptStatus, from ...AttemptStatus) error {
	return setAttemptStatus(ctx, q, id, st, s.stamp(), from...)
}

// setProviderID stores the provider's id of attempt id, when there is one
// and none is stored yet.
func (s *Service) setProviderID(ctx context.Context, q db.Querier, id int64, ppid string) error {
	if ppid == "" {
		return nil
	}
	return setProviderPaymentID(ctx, q, id, ppid)
}

// release hands a claimed attempt back as pending, for a later look-up.
// When it fails the attempt stays confirming until its lease lapses, and
// reconciliation looks it up then.
func (s *Service) release(ctx context.Context, q db.Querier, id int64) error {
	return s.setStatusFrom(ctx, q, id, AttemptPending, AttemptConfirming, AttemptPrepared)
}
