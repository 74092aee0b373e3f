package payment

import "context"

// Attempts returns the payment attempts of order orderID, oldest first.
func (s *Service) Attempts(ctx context.Context, orderID int64) ([]Attempt, error) {
	return attemptsOf(ctx, s.d.Read(), orderID)
}

// Events returns what happened to the payments of order orderID.
func (s *Service) Events(ctx context.Context, orderID int64) ([]EventRecord, error) {
	return eventsOf(ctx, s.d.Read(), orderID)
}

// ByReference returns attempt reference, or fault.ErrNotFound.
func (s *Service) ByReference(ctx context.Context, reference string) (Attempt, error) {
	r, err := attemptWhere(ctx, s.d.Read(), "reference = ?", reference)
	if err != nil {
		return Attempt{}, wrap("payment attempt", reference, err)
	}
	return r.attempt(), nil
}

// Provider returns the enabled provider name, for the pages that need more
// than the interface (the test provider's window).
func (s *Service) Provider(name string) (Provider, bool) { return s.provider(name) }

func (s *Service) reread(ctx context.Context, id int64) (Attempt, error) {
	r, err := attemptWhere(ctx, s.d.Write(), "id = ?", id)
	if err != nil {
		return Attempt{}, wrap("read payment attempt", id, err)
	}
	return r.attempt(), nil
}
