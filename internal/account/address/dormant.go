package address

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
)

// setApart is one address as a dormant account keeps it: the row it
// belongs to and its personal fields in clear (the caller encrypts the
// whole).
type setApart struct {
	ID        int64  `json:"id"`
	Label     string `json:"label,omitempty"`
	Recipient string `json:"recipient,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Postcode  string `json:"postcode,omitempty"`
	Line1     string `json:"line1,omitempty"`
	Line2     string `json:"line2,omitempty"`
	Note      string `json:"note,omitempty"`
}

// SetApart blanks the personal fields of every address of userID on q and
// returns them, decrypted, for the dormant account's own encrypted record
// (account.PersonalData; docs/decisions/0069-dormant-accounts.md). The rows
// stay, with their ids and the default flag, so GiveBack puts each value
// back where it was.
func (s *Service) SetApart(ctx context.Context, q db.Querier, userID int64) (json.RawMessage, error) {
	rows, err := addressesOf(ctx, q, userID)
	if err != nil {
		return nil, err
	}
	out := make([]setApart, 0, len(rows))
	for _, r := range rows {
		a, err := s.open(r)
		if err != nil {
			return nil, err
		}
		out = append(out, setApart{ID: a.ID, Label: a.Label, Recipient: a.Recipient, Phone: a.Phone,
			Postcode: a.Postcode, Line1: a.Line1, Line2: a.Line2, Note: a.Note})
	}
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE addresses SET label_enc = '', recipient_enc = '', phone_enc = '',
		postcode_enc = '', line1_enc = '', line2_enc = '', note_enc = '' WHERE user_id = ?`), userID); err != nil {
		return nil, fmt.Errorf("blank the addresses of user %d: %w", userID, err)
	}
	return json.Marshal(out)
}

// GiveBack encrypts and stores again on q the addresses SetApart returned
// for userID. An address no longer there is skipped.
func (s *Service) GiveBack(ctx context.Context, q db.Querier, userID int64, data json.RawMessage) error {
	var in []setApart
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("read the set-apart addresses of user %d: %w", userID, err)
	}
	now := s.now().UTC()
	for _, a := range in {
		sealed := Address{ID: a.ID, UserID: userID, Label: a.Label, Recipient: a.Recipient, Phone: a.Phone,
			Postcode: a.Postcode, Line1: a.Line1, Line2: a.Line2, Note: a.Note}
		if err := crypt.SealFields(s.kr, a.ID, secrets(&sealed)); err != nil {
			return err
		}
		if _, err := writeValues(ctx, q, sealed, now); err != nil {
			return err
		}
	}
	return nil
}
