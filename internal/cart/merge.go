package cart

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Merge moves the cart of the visitor with token into the customer's cart;
// the login flow calls it once the visitor has signed in as userID. A
// variant in both carts ends in one line with the quantities added up,
// capped at Config.MaxQuantity and at the stock (but never below what the
// customer's line already held); other lines move over as they are, their
// quantity capped the same way while the variant is in stock, and selected
// as they were. Lines beyond Config.MaxLines are dropped. The visitor's cart
// is then deleted. A token without a cart is not an error, so Merge is
// idempotent, and two logins merging the same cart at once move its lines
// once. It returns *fault.Invalid{"owner"} for an empty token or a
// non-positive userID.
func (s *Service) Merge(ctx context.Context, token string, userID int64) error {
	if token == "" || userID <= 0 {
		return invalid("owner", "must be a visitor's token and a customer")
	}
	visitor, customer := Owner{Token: token}, Owner{UserID: userID}
	// Read the visitor's variants from the catalog before the transaction:
	// on PostgreSQL the read would need a second connection while this one
	// is held. Lines added meanwhile are capped at MaxQuantity only.
	r := s.db.Read()
	fromID, err := cartID(ctx, r, visitor)
	if errors.Is(err, fault.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("merge cart into user %d: %w", userID, err)
	}
	rows, err := cartLines(ctx, r, fromID)
	if err != nil {
		return fmt.Errorf("merge cart %d into user %d: %w", fromID, userID, err)
	}
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.VariantID
	}
	vs, err := s.cat.CartVariants(ctx, ids)
	if err != nil {
		return fmt.Errorf("merge cart %d into user %d: %w", fromID, userID, err)
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(q db.Querier) error {
		// Lock the visitor's cart first, then the customer's, always in that
		// order: a second merge of the same cart waits here and then finds
		// the cart gone.
		fromID, err := cartID(ctx, q, visitor)
		if errors.Is(err, fault.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		ok, err := touchCart(ctx, q, fromID, now)
		if err != nil || !ok {
			return err
		}
		toID, err := s.lockCart(ctx, q, customer, true, now)
		if err != nil {
			return err
		}
		return s.mergeLines(ctx, q, fromID, toID, vs, now)
	})
	if err != nil {
		return fmt.Errorf("merge cart into user %d: %w", userID, err)
	}
	return nil
}

// mergeLines moves the lines of cart from into cart to, both locked, and
// deletes from.
func (s *Service) mergeLines(ctx context.Context, q db.Querier, from, to int64, vs map[int64]catalog.CartVariant, now time.Time) error {
	moving, err := cartLines(ctx, q, from)
	if err != nil {
		return err
	}
	staying, err := cartLines(ctx, q, to)
	if err != nil {
		return err
	}
	have := make(map[int64]lineRow, len(staying))
	for _, l := range staying {
		have[l.VariantID] = l
	}
	count := len(staying)
	for _, l := range moving {
		limit := s.cfg.MaxQuantity
		if v, ok := vs[l.VariantID]; ok && v.Buyable() {
			limit = min(limit, v.Stock)
		}
		if mine, ok := have[l.VariantID]; ok {
			qty := max(min(mine.Quantity+l.Quantity, limit), mine.Quantity)
			if _, err := setLine(ctx, q, to, mine.ID, qty, mine.Selected || l.Selected, now); err != nil {
				return err
			}
			continue
		}
		if count >= s.cfg.MaxLines {
			continue
		}
		if err := moveLine(ctx, q, l.ID, to, min(l.Quantity, limit), now); err != nil {
			return err
		}
		count++
	}
	return deleteCart(ctx, q, from)
}

// Prune deletes the visitors' carts (never a customer's) not changed since
// before, with their lines, and returns how many it deleted. A job runs it
// daily; reading a cart does not count as a change.
func (s *Service) Prune(ctx context.Context, before time.Time) (int64, error) {
	n, err := deleteAnonymousBefore(ctx, s.db.Write(), before.UTC())
	if err != nil {
		return 0, err
	}
	return n, nil
}
