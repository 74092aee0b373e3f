package address

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Service manages the address books of customers. Every method takes the
// signed-in customer's user id and touches only that customer's addresses:
// an address id of another customer is fault.ErrNotFound, exactly as a
// missing one. Reads that meet a value that does not decrypt return an error
// wrapping crypt.ErrUndecryptable (a server fault, not the customer's).
type Service struct {
	d   *db.DB
	kr  *crypt.Keyring
	now func() time.Time
}

// New returns the address service. kr encrypts new values and must hold every
// key that stored values are under.
func New(d *db.DB, kr *crypt.Keyring, now func() time.Time) *Service {
	return &Service{d: d, kr: kr, now: now}
}

// List returns the addresses of userID, the default first, then the newest
// first; none is an empty list, not an error.
func (s *Service) List(ctx context.Context, userID int64) ([]Address, error) {
	rs, err := addressesOf(ctx, s.d.Read(), userID)
	if err != nil {
		return nil, err
	}
	out := make([]Address, 0, len(rs))
	for _, r := range rs {
		a, err := s.open(r)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Masked returns the addresses of userID in List's order without decrypting
// anything: only ID, UserID, IsDefault and the times are set. Staff see
// these until they ask to reveal the addresses.
func (s *Service) Masked(ctx context.Context, userID int64) ([]Address, error) {
	rs, err := addressesOf(ctx, s.d.Read(), userID)
	if err != nil {
		return nil, err
	}
	out := make([]Address, len(rs))
	for i, r := range rs {
		out[i] = Address{ID: r.ID, UserID: r.UserID, IsDefault: r.IsDefault, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	}
	return out, nil
}

// Get returns address id of userID, or fault.ErrNotFound when it does not
// exist or belongs to someone else.
func (s *Service) Get(ctx context.Context, userID, id int64) (Address, error) {
	r, err := addressByID(ctx, s.d.Read(), userID, id)
	if err != nil {
		return Address{}, err
	}
	return s.open(r)
}

// Default returns the default address of userID, or fault.ErrNotFound when
// the customer has no addresses.
func (s *Service) Default(ctx context.Context, userID int64) (Address, error) {
	r, err := defaultOf(ctx, s.d.Read(), userID)
	if err != nil {
		return Address{}, err
	}
	return s.open(r)
}

// Create adds an address to userID's book. The first address becomes the
// default, as does any with in.MakeDefault (taking the default from the old
// one in the same transaction). It returns *fault.Invalid for bad input
// (keys label, recipient, phone, postcode, line1, line2, note) or, under the
// key "address", when the customer already has MaxPerUser addresses; and
// fault.ErrNotFound when the user does not exist.
func (s *Service) Create(ctx context.Context, userID int64, in Input) (Address, error) {
	in, err := in.normalize()
	if err != nil {
		return Address{}, err
	}
	now := s.now().UTC()
	var a Address
	err = s.d.InTx(ctx, func(q db.Querier) error {
		if err := lockOwner(ctx, q, userID); err != nil {
			return err
		}
		n, err := countOf(ctx, q, userID)
		if err != nil {
			return err
		}
		if n >= MaxPerUser {
			return &fault.Invalid{Fields: map[string]string{
				"address": fmt.Sprintf("you can keep at most %d addresses; delete one to add another", MaxPerUser),
			}}
		}
		isDefault := n == 0 || in.MakeDefault
		if isDefault && n > 0 {
			if err := clearDefault(ctx, q, userID, now); err != nil {
				return err
			}
		}
		id, err := insertAddress(ctx, q, s.d.Dialect, userID, isDefault, now)
		if err != nil {
			return err
		}
		a = fromInput(in, id, userID, isDefault, now, now)
		return s.write(ctx, q, a, now)
	})
	if err != nil {
		return Address{}, fmt.Errorf("create address for user %d: %w", userID, err)
	}
	return a, nil
}

// Update replaces the fields of address id of userID with in and, when
// in.MakeDefault is set, makes it the default. It returns *fault.Invalid for
// bad input and fault.ErrNotFound when the address does not exist or belongs
// to someone else.
func (s *Service) Update(ctx context.Context, userID, id int64, in Input) (Address, error) {
	in, err := in.normalize()
	if err != nil {
		return Address{}, err
	}
	now := s.now().UTC()
	var a Address
	err = s.d.InTx(ctx, func(q db.Querier) error {
		if err := lockOwner(ctx, q, userID); err != nil {
			return notFoundAs(err, id)
		}
		cur, err := addressByID(ctx, q, userID, id)
		if err != nil {
			return err
		}
		if in.MakeDefault && !cur.IsDefault {
			if err := s.moveDefault(ctx, q, userID, id, now); err != nil {
				return err
			}
			cur.IsDefault = true
		}
		a = fromInput(in, id, userID, cur.IsDefault, cur.CreatedAt, now)
		return s.write(ctx, q, a, now)
	})
	if err != nil {
		return Address{}, fmt.Errorf("update address %d of user %d: %w", id, userID, err)
	}
	return a, nil
}

// Delete removes address id of userID. When it was the default, the newest
// remaining address becomes the default in the same transaction. It returns
// fault.ErrNotFound when the address does not exist or belongs to someone
// else.
func (s *Service) Delete(ctx context.Context, userID, id int64) error {
	now := s.now().UTC()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		if err := lockOwner(ctx, q, userID); err != nil {
			return notFoundAs(err, id)
		}
		cur, err := addressByID(ctx, q, userID, id)
		if err != nil {
			return err
		}
		ok, err := deleteAddress(ctx, q, userID, id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("address %d: %w", id, fault.ErrNotFound)
		}
		if cur.IsDefault {
			return promoteNewest(ctx, q, userID, now)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete address %d of user %d: %w", id, userID, err)
	}
	return nil
}

// SetDefault makes address id of userID the default, taking the default from
// the old one in the same transaction; it does nothing when the address is
// the default already. It returns fault.ErrNotFound when the address does not
// exist or belongs to someone else.
func (s *Service) SetDefault(ctx context.Context, userID, id int64) error {
	now := s.now().UTC()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		if err := lockOwner(ctx, q, userID); err != nil {
			return notFoundAs(err, id)
		}
		cur, err := addressByID(ctx, q, userID, id)
		if err != nil {
			return err
		}
		if cur.IsDefault {
			return nil
		}
		return s.moveDefault(ctx, q, userID, id, now)
	})
	if err != nil {
		return fmt.Errorf("make address %d of user %d the default: %w", id, userID, err)
	}
	return nil
}

// DeleteAllForUser deletes every address of userID on q, for account
// deletion: the caller runs it inside the transaction that deletes or
// anonymises the account, so the two commit together.
func (s *Service) DeleteAllForUser(ctx context.Context, q db.Querier, userID int64) error {
	return deleteAllOf(ctx, q, userID)
}

// moveDefault takes the default from the current default address of userID
// and gives it to address id. The owner must be locked (lockOwner).
func (s *Service) moveDefault(ctx context.Context, q db.Querier, userID, id int64, now time.Time) error {
	if err := clearDefault(ctx, q, userID, now); err != nil {
		return err
	}
	ok, err := markDefault(ctx, q, s.d.Dialect, userID, id, now)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("address %d: %w", id, fault.ErrNotFound)
	}
	return nil
}

// write encrypts the personal fields of a, bound to a.ID, and stores them.
func (s *Service) write(ctx context.Context, q db.Querier, a Address, now time.Time) error {
	sealed := a
	if err := crypt.SealFields(s.kr, a.ID, secrets(&sealed)); err != nil {
		return err
	}
	ok, err := writeValues(ctx, q, sealed, now)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("address %d: %w", a.ID, fault.ErrNotFound)
	}
	return nil
}

// open decrypts a stored row. The error names the column and row, never a
// value.
func (s *Service) open(r row) (Address, error) {
	a := Address{
		ID: r.ID, UserID: r.UserID,
		Label: r.Label, Recipient: r.Recipient, Phone: r.Phone, Postcode: r.Postcode,
		Line1: r.Line1, Line2: r.Line2, Note: r.Note,
		IsDefault: r.IsDefault, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if err := crypt.OpenFields(s.kr, r.ID, secrets(&a)); err != nil {
		return Address{}, err
	}
	return a, nil
}

// fromInput is the address that in describes.
func fromInput(in Input, id, userID int64, isDefault bool, created, updated time.Time) Address {
	return Address{
		ID: id, UserID: userID,
		Label: in.Label, Recipient: in.Recipient, Phone: in.Phone, Postcode: in.Postcode,
		Line1: in.Line1, Line2: in.Line2, Note: in.Note,
		IsDefault: isDefault, CreatedAt: created, UpdatedAt: updated,
	}
}

// notFoundAs turns "no such user" into "no such address", so a caller with a
// bad user id learns nothing more than one with a bad address id.
func notFoundAs(err error, id int64) error {
	if errors.Is(err, fault.ErrNotFound) {
		return fmt.Errorf("address %d: %w", id, fault.ErrNotFound)
	}
	return err
}
