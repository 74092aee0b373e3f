package account

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// Consent is a customer's agreement to a version of a legal document
// ("terms" or "privacy") at sign-up.
type Consent struct {
	Document string    `db:"document"`
	Version  int64     `db:"version"`
	AgreedAt time.Time `db:"agreed_at"`
}

// recordConsents stores, on q, the versions in agreed to at sign-up (each
// one published); a sign-up that starts again for an unverified address
// records the versions it agreed to this time beside the earlier ones.
func recordConsents(ctx context.Context, q db.Querier, userID int64, in SignUp, now time.Time) error {
	for _, c := range []struct {
		doc     string
		version int64
	}{{"terms", in.TermsVersion}, {"privacy", in.PrivacyVersion}} {
		if c.version == 0 {
			continue
		}
		if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO consents (user_id, document, version, agreed_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`), userID, c.doc, c.version, now, now, now); err != nil {
			return fmt.Errorf("record consent of user %d to %s v%d: %w", userID, c.doc, c.version, err)
		}
	}
	return nil
}

// Consents lists what user userID agreed to, oldest first.
func (s *Service) Consents(ctx context.Context, userID int64) ([]Consent, error) {
	var cs []Consent
	if err := s.d.Read().SelectContext(ctx, &cs, s.d.Read().Rebind(`SELECT document, version, agreed_at FROM consents
		WHERE user_id = ? ORDER BY id`), userID); err != nil {
		return nil, fmt.Errorf("consents of user %d: %w", userID, err)
	}
	return cs, nil
}
