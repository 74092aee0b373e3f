// Package wishlist keeps customers' wishes (찜): a signed-in customer
// wishes a product once (the database's unique pair keeps a double click
// or two racing requests to one wish), the product keeps its count, and
// every wisher is mailed once when a wished product comes back in stock or
// its price falls. The catalog tells the service of every change of price
// or stock in the change's transaction (catalog.Watcher); the service
// compares the variants with what it last saw (wish_watch) and records
// each change it mails in wish_alerts, unique by product, kind and the
// variant's change count, so one change is one mail however often it is
// looked at. See docs/decisions/0065-wishlist-and-product-questions.md.
package wishlist

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/wiring"
)

// MaxList is the most wishes one page lists.
const MaxList = 100

// Catalog reads a product's variants as the catalog's watcher sees them
// (*catalog.Service).
type Catalog interface {
	VariantStates(ctx context.Context, q db.Querier, productID int64) ([]catalog.VariantState, error)
}

// Deps are what the service uses; every one is required.
type Deps struct {
	Catalog   Catalog
	Mailer    notify.Mailer
	Customers notify.Contacts
}

// Config holds the shop's public address, for the links in the mails.
type Config struct {
	BaseURL string
}

// Wish is one product on a customer's wishlist.
type Wish struct {
	ProductID int64
	CreatedAt time.Time
}

// Kind is what an alert told the wishers.
type Kind string

// The kinds of alert.
const (
	Restock   Kind = "restock"    // the product can be bought again
	PriceDrop Kind = "price_drop" // a variant costs less than before
)

// Service keeps wishlists and mails their alerts. It is safe for
// concurrent use.
type Service struct {
	d    *db.DB
	deps Deps
	cfg  Config
	now  func() time.Time
	log  *slog.Logger
}

// New returns the service; it panics naming a missing dependency.
func New(d *db.DB, deps Deps, cfg Config, now func() time.Time, log *slog.Logger) *Service {
	if m := wiring.Missing("Catalog", deps.Catalog, "Mailer", deps.Mailer, "Customers", deps.Customers); len(m) > 0 {
		panic("wishlist: New without " + strings.Join(m, ", "))
	}
	if d == nil || now == nil || log == nil {
		panic("wishlist: New without a database, clock or logger")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Service{d: d, deps: deps, cfg: cfg, now: now, log: log}
}

// Add puts product productID on customer userID's wishlist and reports
// whether it was not there yet: a second wish, or one racing the first,
// changes nothing and is not an error. The product's count goes up by one
// in the same transaction. A product not on the storefront is
// fault.ErrNotFound. The first wish of a product records its variants as
// they are now, so only later changes are mailed.
func (s *Service) Add(ctx context.Context, userID, productID int64) (bool, error) {
	added := false
	err := s.d.InTx(ctx, func(q db.Querier) error {
		vs, err := s.deps.Catalog.VariantStates(ctx, q, productID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		if added, err = insertWish(ctx, q, userID, productID, now); err != nil || !added {
			return err
		}
		first, err := addCount(ctx, q, productID, 1)
		if err != nil {
			return err
		}
		for _, v := range vs {
			if err := watchVariant(ctx, q, v, first, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("wish product %d for user %d: %w", productID, userID, err)
	}
	return added, nil
}

// Remove takes product productID off customer userID's wishlist and
// reports whether it was there; removing one that is not, or twice at
// once, changes nothing and is not an error.
func (s *Service) Remove(ctx context.Context, userID, productID int64) (bool, error) {
	removed := false
	err := s.d.InTx(ctx, func(q db.Querier) error {
		var err error
		if removed, err = deleteWish(ctx, q, userID, productID); err != nil || !removed {
			return err
		}
		_, err = addCount(ctx, q, productID, -1)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("unwish product %d for user %d: %w", productID, userID, err)
	}
	return removed, nil
}

// Has reports whether customer userID wished product productID.
func (s *Service) Has(ctx context.Context, userID, productID int64) (bool, error) {
	return hasWish(ctx, s.d.Read(), userID, productID)
}

// Count returns how many customers wish product productID.
func (s *Service) Count(ctx context.Context, productID int64) (int64, error) {
	return countOf(ctx, s.d.Read(), productID)
}

// List returns customer userID's wishes, the latest first.
func (s *Service) List(ctx context.Context, userID int64, limit, offset int) ([]Wish, error) {
	if limit <= 0 || limit > MaxList {
		limit = MaxList
	}
	return wishesOf(ctx, s.d.Read(), userID, limit, max(offset, 0))
}

// CountMine returns how many products customer userID wished.
func (s *Service) CountMine(ctx context.Context, userID int64) (int, error) {
	return countMine(ctx, s.d.Read(), userID)
}

// WishlistURL is the customer's wishlist page.
func (s *Service) WishlistURL() string { return s.cfg.BaseURL + "/account/wishlist" }

// ProductURL is product id's page.
func (s *Service) ProductURL(id int64) string {
	return s.cfg.BaseURL + "/products/" + strconv.FormatInt(id, 10)
}

// alert is one change to mail.
type alert struct {
	kind     Kind
	marker   string
	old, new int64
}

// VariantsChanged implements catalog.Watcher: in the transaction of a
// change of product productID, it compares the product's variants with
// what its wishers last saw and, for a variant that can be bought again
// or costs less, mails every wisher once per kind of change. Each variant
// whose state moved counts a change; the alert is keyed by the first such
// variant and its count, so calling it again for the same state, or twice
// in one transaction, mails nothing more. A product no one wished costs
// one indexed question.
func (s *Service) VariantsChanged(ctx context.Context, q db.Querier, productID int64, variants func() ([]catalog.VariantState, error)) error {
	wished, err := anyWish(ctx, q, productID)
	if err != nil || !wished {
		return err
	}
	vs, err := variants()
	if err != nil {
		return err
	}
	seen, err := watchOf(ctx, q, productID)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	var alerts []alert
	has := map[Kind]bool{}
	name, currency := "", money.KRW
	for _, v := range vs {
		name, currency = v.ProductName, money.Currency(v.Currency)
		w, ok := seen[v.ID]
		if !ok {
			if err := watchVariant(ctx, q, v, false, now); err != nil {
				return err
			}
			continue
		}
		if w.Price == v.Price && w.Available == v.Available {
			continue
		}
		var kinds []alert
		if v.Available && !w.Available {
			kinds = append(kinds, alert{kind: Restock})
		}
		if v.Available && v.Price < w.Price {
			kinds = append(kinds, alert{kind: PriceDrop, old: w.Price, new: v.Price})
		}
		changes := w.Changes
		if len(kinds) > 0 {
			changes++
		}
		if err := updateWatch(ctx, q, v, changes, now); err != nil {
			return err
		}
		for _, a := range kinds {
			if has[a.kind] {
				continue
			}
			has[a.kind] = true
			a.marker = strconv.FormatInt(v.ID, 10) + ":" + strconv.FormatInt(changes, 10)
			alerts = append(alerts, a)
		}
	}
	for _, a := range alerts {
		if err := s.mail(ctx, q, productID, name, currency, a, now); err != nil {
			return err
		}
	}
	return nil
}

// mail records alert a of product productID and, when it is new, mails
// every wisher on q. A wisher without an address is skipped and logged.
func (s *Service) mail(ctx context.Context, q db.Querier, productID int64, name string, c money.Currency, a alert, now time.Time) error {
	id, fresh, err := insertAlert(ctx, q, productID, a, now)
	if err != nil || !fresh {
		return err
	}
	msg, err := s.deps.Mailer.Render(ctx, notify.WishAlert, notify.WishAlertData{Restock: a.kind == Restock, Product: name,
		Old: money.New(a.old, c), New: money.New(a.new, c), URL: s.ProductURL(productID), Wishlist: s.WishlistURL()})
	if err != nil {
		s.log.ErrorContext(ctx, "wish alert not written", "product_id", productID, "kind", a.kind, "err", err)
		return nil
	}
	users, err := wishersOf(ctx, q, productID)
	if err != nil {
		return err
	}
	sent := 0
	for _, uid := range users {
		email, _, err := s.deps.Customers.Contact(ctx, q, uid)
		switch {
		case errors.Is(err, fault.ErrNotFound) || (err == nil && email == ""):
			continue
		case err != nil:
			return err
		}
		m := msg
		m.To = email
		if err := s.deps.Mailer.Send(ctx, q, m); err != nil {
			if _, ok := fault.AsInvalid(err); ok {
				s.log.ErrorContext(ctx, "wish alert not sent", "product_id", productID, "user_id", uid, "err", err)
				continue
			}
			return err
		}
		sent++
	}
	s.log.InfoContext(ctx, "wish alert", "product_id", productID, "kind", a.kind, "recipients", sent)
	return setRecipients(ctx, q, id, sent)
}
