package cart

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

// Catalog is what carts need of the catalog: the current data of variants.
// *catalog.Service implements it.
type Catalog interface {
	CartVariants(ctx context.Context, ids []int64) (map[int64]catalog.CartVariant, error)
}

// Config holds the cart's limits; zero values take the defaults.
type Config struct {
	// MaxQuantity is the most units of one variant a cart line may hold
	// (default 99).
	MaxQuantity int64
	// MaxLines is the most lines a cart may hold (default 100, at most
	// 1,000).
	MaxLines int
}

// Service keeps carts. It is safe for concurrent use.
type Service struct {
	db  *db.DB
	cat Catalog
	cfg Config
	now func() time.Time
}

// New returns the cart service on d. now gives the current time (UTC is
// taken from it).
func New(d *db.DB, cat Catalog, cfg Config, now func() time.Time) *Service {
	if cfg.MaxQuantity <= 0 {
		cfg.MaxQuantity = 99
	}
	if cfg.MaxLines <= 0 {
		cfg.MaxLines = 100
	}
	// Line ids are checked in one IN list, which is bounded.
	cfg.MaxLines = min(cfg.MaxLines, maxParams)
	return &Service{db: d, cat: cat, cfg: cfg, now: now}
}

func invalid(field, message string) error {
	return &fault.Invalid{Fields: map[string]string{field: message}}
}

// checkQuantity refuses a quantity outside 1..MaxQuantity.
func (s *Service) checkQuantity(quantity int64) error {
	if quantity < 1 || quantity > s.cfg.MaxQuantity {
		return invalid("quantity", fmt.Sprintf("must be between 1 and %d", s.cfg.MaxQuantity))
	}
	return nil
}

// variant returns the catalog's current data of a variant, or
// *fault.Invalid{"variant"} when it cannot be bought.
func (s *Service) variant(ctx context.Context, id int64) (catalog.CartVariant, error) {
	vs, err := s.cat.CartVariants(ctx, []int64{id})
	if err != nil {
		return catalog.CartVariant{}, err
	}
	v, ok := vs[id]
	switch {
	case !ok:
		return v, invalid("variant", "does not exist")
	case !v.Active:
		return v, invalid("variant", "is no longer sold")
	case v.Stock <= 0:
		return v, invalid("variant", "is sold out")
	}
	return v, nil
}

// lockCart returns the id of the owner's cart inside the transaction q,
// holding the cart's row lock until q ends, so that changes to one cart run
// one at a time on both engines (SQLite has a single writer anyway). With
// create it makes the cart when there is none; the unique owner columns make
// two first adds at once end with one cart, and the loser reads the
// winner's. Without create a missing cart is fault.ErrNotFound.
func (s *Service) lockCart(ctx context.Context, q db.Querier, o Owner, create bool, now time.Time) (int64, error) {
	if create {
		// One statement finds or creates the cart and takes its lock.
		return upsertCart(ctx, q, o, now)
	}
	// A cart may vanish between finding and locking it (a merge or a prune
	// deleted it); then look again.
	for range 3 {
		id, err := cartID(ctx, q, o)
		if err != nil {
			return 0, err
		}
		ok, err := touchCart(ctx, q, id, now)
		if err != nil || ok {
			return id, err
		}
	}
	return 0, fmt.Errorf("cart of %s keeps changing: %w", o, fault.ErrConflict)
}

// Add puts quantity units of a variant in the owner's cart, creating the
// cart on first use. Adding a variant the cart holds adds to its line (and
// selects it). The line is capped at Config.MaxQuantity and at the stock:
// when fewer units fit than asked for, the units that fit are added and the
// returned cart carries a Notice; when none fit, nothing changes and Add
// returns *fault.Invalid{"quantity"}. A variant that does not exist, is not
// sold or is sold out is refused with *fault.Invalid{"variant"}, a quantity
// outside 1..MaxQuantity with *fault.Invalid{"quantity"}, and a new line in
// a full cart with *fault.Invalid{"cart"}.
func (s *Service) Add(ctx context.Context, o Owner, variantID, quantity int64) (Cart, error) {
	notices, err := s.Put(ctx, o, variantID, quantity)
	if err != nil {
		return Cart{}, err
	}
	c, err := s.Get(ctx, o)
	c.Notices = append(c.Notices, notices...)
	return c, err
}

// Put is Add without reading the cart back: for a caller that only
// redirects to the cart page (the storefront's add-to-cart form), the read
// would be wasted. It returns the Notice of a capped quantity, if any.
func (s *Service) Put(ctx context.Context, o Owner, variantID, quantity int64) ([]Notice, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	if err := s.checkQuantity(quantity); err != nil {
		return nil, err
	}
	// The catalog is read before the transaction: on PostgreSQL the read
	// would need a second connection while this one is held.
	v, err := s.variant(ctx, variantID)
	if err != nil {
		return nil, fmt.Errorf("add variant %d to the cart of %s: %w", variantID, o, err)
	}
	limit, why := s.cfg.MaxQuantity, LimitMaxQuantity
	if v.Stock < limit {
		limit, why = v.Stock, LimitStock
	}
	now := s.now().UTC()
	var notice *Notice
	err = s.db.InTx(ctx, func(q db.Querier) error {
		cartID, err := s.lockCart(ctx, q, o, true, now)
		if err != nil {
			return err
		}
		line, n, err := lineAndCount(ctx, q, cartID, variantID)
		if err != nil {
			return err
		}
		exists := line.ID != 0
		if !exists && n >= s.cfg.MaxLines {
			return invalid("cart", fmt.Sprintf("can hold at most %d products", s.cfg.MaxLines))
		}
		qty := min(line.Quantity+quantity, limit)
		if qty <= line.Quantity {
			if why == LimitStock {
				return invalid("quantity", OnlyLeft(limit)+", all of them already in the cart")
			}
			return invalid("quantity", fmt.Sprintf("at most %d of a product per order", limit))
		}
		if qty < line.Quantity+quantity {
			notice = &Notice{VariantID: variantID, Requested: quantity, Added: qty - line.Quantity, Quantity: qty, Limit: why}
		}
		if exists {
			_, err = setLine(ctx, q, cartID, line.ID, qty, true, now)
			return err
		}
		return insertLine(ctx, q, cartID, variantID, qty, now)
	})
	if err != nil {
		return nil, fmt.Errorf("add variant %d to the cart of %s: %w", variantID, o, err)
	}
	if notice != nil {
		return []Notice{*notice}, nil
	}
	return nil, nil
}

// SetQuantity sets the quantity of a line of the owner's cart, from 1 to
// Config.MaxQuantity (removing a line is Remove), keeping its selection.
// It returns fault.ErrNotFound when the owner's cart has no such line,
// *fault.Invalid{"quantity"} for a quantity out of range or above the stock,
// and *fault.Invalid{"variant"} when the variant is no longer sold.
func (s *Service) SetQuantity(ctx context.Context, o Owner, lineID, quantity int64) (Cart, error) {
	if err := o.validate(); err != nil {
		return Cart{}, err
	}
	if err := s.checkQuantity(quantity); err != nil {
		return Cart{}, err
	}
	err := s.setQuantity(ctx, o, lineID, quantity)
	if err != nil {
		return Cart{}, fmt.Errorf("set quantity of line %d in the cart of %s: %w", lineID, o, err)
	}
	return s.Get(ctx, o)
}

func (s *Service) setQuantity(ctx context.Context, o Owner, lineID, quantity int64) error {
	r := s.db.Read()
	cartID, err := cartID(ctx, r, o)
	if err != nil {
		return err
	}
	line, err := lineInCart(ctx, r, cartID, lineID)
	if err != nil {
		return err
	}
	v, err := s.variant(ctx, line.VariantID)
	if inv, ok := fault.AsInvalid(err); ok && inv.Fields["variant"] == "is sold out" {
		return invalid("quantity", "is sold out")
	}
	if err != nil {
		return err
	}
	if quantity > v.Stock {
		return invalid("quantity", OnlyLeft(v.Stock))
	}
	now := s.now().UTC()
	return s.db.InTx(ctx, func(q db.Querier) error {
		cartID, err := s.lockCart(ctx, q, o, false, now)
		if err != nil {
			return err
		}
		ok, err := setQuantity(ctx, q, cartID, lineID, quantity, now)
		if err != nil {
			return err
		}
		if !ok {
			return fault.ErrNotFound
		}
		return nil
	})
}

// Remove deletes a line from the owner's cart, or returns fault.ErrNotFound
// when the owner's cart has no such line.
func (s *Service) Remove(ctx context.Context, o Owner, lineID int64) (Cart, error) {
	if err := o.validate(); err != nil {
		return Cart{}, err
	}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(q db.Querier) error {
		cartID, err := s.lockCart(ctx, q, o, false, now)
		if err != nil {
			return err
		}
		ok, err := deleteLine(ctx, q, cartID, lineID)
		if err != nil {
			return err
		}
		if !ok {
			return fault.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return Cart{}, fmt.Errorf("remove line %d from the cart of %s: %w", lineID, o, err)
	}
	return s.Get(ctx, o)
}

// Select marks lines of the owner's cart as chosen for checkout (or not),
// leaving the others as they are. If any id is not a line of the owner's
// cart it changes nothing and returns fault.ErrNotFound.
func (s *Service) Select(ctx context.Context, o Owner, lineIDs []int64, selected bool) (Cart, error) {
	return s.selectLines(ctx, o, lineIDs, func(q db.Querier, cartID int64, ids []int64, now time.Time) error {
		n, err := setSelected(ctx, q, cartID, ids, selected, now)
		if err != nil {
			return err
		}
		if n != int64(len(ids)) {
			return fault.ErrNotFound
		}
		return nil
	})
}

// SelectOnly chooses exactly the given lines of the owner's cart for
// checkout; an empty list clears every choice. If any id is not a line of
// the owner's cart it changes nothing and returns fault.ErrNotFound.
func (s *Service) SelectOnly(ctx context.Context, o Owner, lineIDs []int64) (Cart, error) {
	return s.selectLines(ctx, o, lineIDs, func(q db.Querier, cartID int64, ids []int64, now time.Time) error {
		if len(ids) > 0 {
			n, err := countLinesIn(ctx, q, cartID, ids)
			if err != nil {
				return err
			}
			if n != len(ids) {
				return fault.ErrNotFound
			}
		}
		return selectOnly(ctx, q, cartID, ids, now)
	})
}

// selectLines runs change on the owner's locked cart with lineIDs without
// repeats. No cart and no ids is an empty cart, not an error.
func (s *Service) selectLines(ctx context.Context, o Owner, lineIDs []int64,
	change func(q db.Querier, cartID int64, ids []int64, now time.Time) error) (Cart, error) {
	if err := o.validate(); err != nil {
		return Cart{}, err
	}
	ids := slices.Clone(lineIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > s.cfg.MaxLines {
		// More distinct ids than a cart can hold: some are not in it.
		return Cart{}, fmt.Errorf("select lines in the cart of %s: %w", o, fault.ErrNotFound)
	}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(q db.Querier) error {
		cartID, err := s.lockCart(ctx, q, o, false, now)
		if errors.Is(err, fault.ErrNotFound) && len(ids) == 0 {
			return nil
		}
		if err != nil {
			return err
		}
		return change(q, cartID, ids, now)
	})
	if err != nil {
		return Cart{}, fmt.Errorf("select lines in the cart of %s: %w", o, err)
	}
	return s.Get(ctx, o)
}

// Get returns the owner's cart with current names, prices and stock; an
// owner without a cart gets an empty Cart with ID 0.
func (s *Service) Get(ctx context.Context, o Owner) (Cart, error) {
	if err := o.validate(); err != nil {
		return Cart{}, err
	}
	c, err := s.get(ctx, o)
	if err != nil {
		return Cart{}, fmt.Errorf("cart of %s: %w", o, err)
	}
	return c, nil
}

func (s *Service) get(ctx context.Context, o Owner) (Cart, error) {
	id, rows, err := ownerLines(ctx, s.db.Read(), o)
	if errors.Is(err, fault.ErrNotFound) {
		return Cart{}, nil
	}
	if err != nil {
		return Cart{}, err
	}
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.VariantID
	}
	vs, err := s.cat.CartVariants(ctx, ids)
	if err != nil {
		return Cart{}, err
	}
	c := Cart{ID: id, Lines: make([]Line, 0, len(rows)), Count: len(rows)}
	for _, row := range rows {
		l := newLine(row, vs[row.VariantID])
		if l.Selected && l.Available {
			c.Subtotal += l.LineTotal
		}
		c.Lines = append(c.Lines, l)
	}
	return c, nil
}

// newLine joins a stored line with its variant's current data (the zero
// value for a variant that no longer exists).
func newLine(r lineRow, v catalog.CartVariant) Line {
	l := Line{
		Line: pricing.Line{ID: r.ID, VariantID: r.VariantID, ProductID: v.ProductID, CategoryID: v.CategoryID,
			SellerID: v.SellerID, Name: v.ProductName, UnitPrice: v.UnitPrice, Quantity: r.Quantity, TaxFree: v.TaxFree,
			NoShipping: v.NoShipping},
		Options: v.Options, SKU: v.SKU, Thumb: v.Thumb, ListPrice: v.ListPrice, Stock: v.Stock, Selected: r.Selected,
		LineTotal: v.UnitPrice * r.Quantity,
	}
	switch {
	case v.VariantID == 0 || !v.Active:
		l.Problem = ProblemNoLongerSold
	case v.Stock <= 0 || v.SoldOut:
		l.Problem = ProblemSoldOut
	case r.Quantity > v.Stock:
		l.Problem = OnlyLeft(v.Stock)
	}
	l.Available = l.Problem == ""
	return l
}

// Selection is the part of a customer's cart chosen for checkout.
type Selection struct {
	CartID int64 // 0 when the customer has no cart
	Lines  []Line
}

// Checkout returns the selected lines of userID's cart, with current prices,
// for an order to be placed from. Nothing selected (or no cart) is no lines
// and no error: a second submission of a checkout finds the cart emptied by
// the first, and order placement then returns the first one's order. It
// returns *fault.Invalid{"cart"} when a selected line is not Available,
// naming each such product and its problem, so the buyer can fix the cart
// first. The order must still take stock with its own conditional update:
// the stock read here may be gone a moment later.
func (s *Service) Checkout(ctx context.Context, userID int64) (Selection, error) {
	c, err := s.Get(ctx, Owner{UserID: userID})
	if err != nil {
		return Selection{}, err
	}
	lines, err := checkoutLines(c)
	if err != nil {
		return Selection{}, err
	}
	return Selection{CartID: c.ID, Lines: lines}, nil
}

// checkoutLines picks the selected lines of c for Checkout; none when
// nothing is selected.
func checkoutLines(c Cart) ([]Line, error) {
	var lines []Line
	var problems []string
	for _, l := range c.Lines {
		if !l.Selected {
			continue
		}
		lines = append(lines, l)
		if !l.Available {
			name := l.Name
			if l.Options != "" {
				name += " (" + l.Options + ")"
			}
			if name == "" {
				name = l.SKU
			}
			problems = append(problems, name+": "+l.Problem)
		}
	}
	if len(problems) > 0 {
		return nil, invalid("cart", strings.Join(problems, "; "))
	}
	return lines, nil
}

// RemoveLines deletes the given lines of a cart inside the caller's
// transaction q; order placement calls it for the lines it ordered. Ids that
// are not (or no longer) lines of the cart are ignored.
func (s *Service) RemoveLines(ctx context.Context, q db.Querier, cartID int64, lineIDs []int64) error {
	ids := slices.Clone(lineIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil
	}
	if _, err := touchCart(ctx, q, cartID, s.now().UTC()); err != nil {
		return err
	}
	for len(ids) > 0 {
		n := min(len(ids), maxParams)
		if err := deleteLines(ctx, q, cartID, ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}
