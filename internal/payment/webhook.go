package payment

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Webhook takes a notification provider sent: it is verified by the
// provider's adapter (and a deposit notification's secret against the one
// stored), recorded, and a job looks the payment up and settles it, so the
// provider gets its answer at once. An event about something not handled,
// or about a payment this shop does not know, is accepted and ignored.
// Errors: fault.ErrNotFound for an unknown provider or one that sends no
// notifications; ErrUnverified for a notification that fails verification.
func (s *Service) Webhook(ctx context.Context, provider string, h http.Header, body []byte) error {
	p, ok := s.provider(provider)
	if !ok {
		return fmt.Errorf("webhook of %q: %w", provider, fault.ErrNotFound)
	}
	ev, err := p.ParseWebhook(ctx, h, body)
	switch {
	case errors.Is(err, ErrIgnoredEvent):
		return nil
	case errors.Is(err, ErrNoWebhooks):
		return fmt.Errorf("webhook of %s: %w", provider, fault.ErrNotFound)
	case err != nil:
		return err
	}
	var r attemptRow
	switch {
	case ev.Reference != "":
		r, err = attemptWhere(ctx, s.d.Read(), "reference = ? AND provider = ?", ev.Reference, provider)
	default:
		r, err = attemptWhere(ctx, s.d.Read(), "provider_payment_id = ? AND provider = ?", ev.ProviderPaymentID, provider)
	}
	if errors.Is(err, fault.ErrNotFound) {
		s.log.InfoContext(ctx, "webhook for an unknown payment ignored", "provider", provider, "type", ev.Type)
		return nil
	}
	if err != nil {
		return err
	}
	if ev.DepositSecret != "" {
		stored := ""
		if r.DepositSecret != "" {
			if stored, err = depositSecretColumn.Decrypt(s.deps.Keyring, r.ID, r.DepositSecret); err != nil {
				// A key missing from the keyring, not a forged notification:
				// the provider sends it again once the keys are right.
				return fmt.Errorf("deposit secret of payment %d: %w", r.ID, err)
			}
		}
		if stored == "" || subtle.ConstantTimeCompare([]byte(stored), []byte(ev.DepositSecret)) != 1 {
			err := fmt.Errorf("deposit notification for payment %d: secret does not match: %w", r.ID, ErrUnverified)
			return withWrite(err, s.record(ctx, s.d.Write(), event{AttemptID: r.ID, Kind: evWebhook, Outcome: "unverified", Detail: ev.Type}))
		}
	}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		if err := s.record(ctx, q, event{AttemptID: r.ID, Kind: evWebhook, Outcome: "received", Detail: ev.Type, Response: body}); err != nil {
			return err
		}
		return s.deps.Queue.EnqueuePaymentSync(ctx, q, r.ID)
	})
	if err != nil {
		return fmt.Errorf("record webhook of payment %d: %w", r.ID, err)
	}
	return nil
}

// Sync looks attempt id up at its provider and settles it as Confirm would:
// the job a webhook enqueues, and reconciliation of attempts whose outcome
// is unknown. Settled attempts are left alone.
func (s *Service) Sync(ctx context.Context, id int64) (Attempt, error) {
	r, err := attemptWhere(ctx, s.d.Read(), "id = ?", id)
	if err != nil {
		return Attempt{}, wrap("sync payment", id, err)
	}
	a := r.attempt()
	p, ok := s.provider(a.Provider)
	if !ok {
		return a, nil // bank transfer, or a provider disabled since
	}
	switch a.Status {
	case AttemptPrepared, AttemptConfirming, AttemptPending, AttemptAwaitingDeposit:
	default:
		return a, nil
	}
	res, err := p.Lookup(ctx, LookupRequest{Reference: a.Reference, ProviderPaymentID: a.ProviderPaymentID})
	if errors.Is(err, ErrNotFound) {
		return a, nil // the customer never finished the window
	}
	if err != nil {
		lerr := fmt.Errorf("look up payment %d: %w", a.ID, err)
		return a, withWrite(lerr, s.record(ctx, s.d.Write(), event{AttemptID: a.ID, Kind: evLookup, Outcome: "error", Detail: err.Error()}))
	}
	if a.Status == AttemptAwaitingDeposit && res.Status == StatusAwaitingDeposit {
		return a, nil
	}
	if res.Status == StatusApproved {
		// The customer approved and never came back: confirm it now, with
		// the same claim a return to the shop takes, so it is taken once.
		return s.confirm(ctx, p, r, nil, true)
	}
	return s.settle(ctx, p, a, res, nil, evLookup)
}

// SyncAttempt is Sync for the job queue (jobs.PaymentSyncer).
func (s *Service) SyncAttempt(ctx context.Context, id int64) error {
	_, err := s.Sync(ctx, id)
	return err
}
