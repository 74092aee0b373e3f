package order

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

// PlaceInput is a checkout as the customer submits it.
type PlaceInput struct {
	UserID int64
	// IdempotencyKey identifies this checkout (the checkout page makes one
	// per visit, an API client one per attempt): placing with a key used
	// before returns the order placed then. Required, at most
	// MaxIdempotencyKey bytes.
	IdempotencyKey string
	// AddressID picks an address from the customer's book; when it is 0,
	// Address is the address typed at checkout.
	AddressID    int64
	Address      *Address
	DeliveryNote string // at most address.MaxNoteRunes characters
	CouponCode   string // "" for none
	PointsToUse  int64
	// PaymentMethod is the provider's method ("card", "bank_transfer", …);
	// ignored, and PaymentPoints recorded, when points pay the whole total.
	PaymentMethod string
	Channel       Channel
	// AwaitDepositUntil, when not zero, places the order waiting for a bank
	// transfer due then (AwaitingDeposit) rather than for a payment. An
	// order that points pay wholly is paid all the same.
	AwaitDepositUntil time.Time
	// Then, when not nil, runs in the placing transaction once the order
	// and its lines are stored, before the stock is taken (the payment
	// records a bank transfer there), so both are stored or neither. A repeated checkout that returns the
	// first order does not run it.
	Then func(ctx context.Context, q db.Querier, o Order) error
}

// maxNumberTries bounds the retries when a new order number is taken
// already (about one in 10^12 per order of the same day).
const maxNumberTries = 5

// errNumberTaken means the order number drawn was in use; Place draws another.
var errNumberTaken = errors.New("order number taken")

// Place turns the customer's selected cart lines into an order, in one
// transaction: the lines are priced now by pricing.Quote, stock is taken for
// each with a conditional update, the order and its lines are stored with
// names and prices copied, the coupon is redeemed, points are spent, the
// lines leave the cart and the history records the placement. Anything that
// fails rolls all of it back.
//
// The order waits for payment (PendingPayment, until PayBy) unless points pay
// its whole total, in which case it is Paid at once. A key placed before by
// the same customer returns that order, marked Repeated, and changes
// nothing, also when both requests arrive together.
//
// Errors: *fault.Invalid for bad input and for what the customer must fix on
// the checkout page — "cart" (empty, or a line sold out), "address_id",
// "coupon" and "points" (the pricing problem's message), "payment_method".
func (s *Service) Place(ctx context.Context, in PlaceInput) (Order, error) {
	in, err := s.normalize(in)
	if err != nil {
		return Order{}, err
	}
	// No lookup of the key here: a repeated checkout finds the cart emptied
	// by the first (and looks the key up below), or, if the cart was filled
	// again, clashes on the key at the order row, the first write of the
	// transaction, before any stock is taken. Either way the first order is
	// returned, and the common case saves a query.
	addr, err := s.recipient(ctx, in)
	if err != nil {
		return Order{}, err
	}
	cartID, lines, err := s.deps.Cart.Checkout(ctx, in.UserID)
	if err != nil {
		return Order{}, fmt.Errorf("place order for user %d: %w", in.UserID, err)
	}
	if len(lines) == 0 {
		// A second submission that lost the race finds the cart emptied by
		// the first.
		if o, ok, err := s.byKey(ctx, in.UserID, in.IdempotencyKey); err != nil || ok {
			return o, err
		}
		return Order{}, &fault.Invalid{Fields: map[string]string{"cart": "has nothing selected to order"}}
	}
	b, err := s.quote(ctx, in, addr.Postcode, lines, nil)
	if err != nil {
		// A repeated checkout may be refused now for what the first one
		// used up (its coupon, its points): it gets the first one's order.
		if _, refused := fault.AsInvalid(err); refused {
			if o, ok, kerr := s.byKey(ctx, in.UserID, in.IdempotencyKey); kerr != nil || ok {
				return o, kerr
			}
		}
		return Order{}, err
	}
	o := Order{
		UserID: in.UserID, Channel: in.Channel, IdempotencyKey: in.IdempotencyKey,
		PaymentMethod: in.PaymentMethod, Address: addr, DeliveryNote: in.DeliveryNote,
		Subtotal: b.Subtotal, Discount: b.Discount, CouponID: b.CouponID, Shipping: b.Shipping,
		RemoteSurcharge: b.RemoteSurcharge, PointsUsed: b.PointsUsed, Total: b.Total, PointsToEarn: b.PointsToEarn,
		TaxFree: b.TaxFree,
	}
	if o.Total == 0 {
		o.PaymentMethod = PaymentPoints
	} else if o.PaymentMethod == "" || o.PaymentMethod == PaymentPoints {
		return Order{}, &fault.Invalid{Fields: map[string]string{"payment_method": "is required"}}
	}
	byID := make(map[string]CartLine, len(lines))
	for _, l := range lines {
		byID[strconv.FormatInt(l.ID, 10)] = l
	}
	for try := 0; ; try++ {
		placed, err := s.place(ctx, o, b, cartID, byID, in.AwaitDepositUntil, in.Then)
		switch {
		case err == nil:
			s.deps.Catalog.StockChanged()
			// The order as stored, built in memory: reading it back would
			// cost a fifth of a placement (docs/performance.md).
			s.log.InfoContext(ctx, "order placed", "order_id", placed.ID, "total_minor", placed.Total, "channel", string(placed.Channel))
			return placed, nil
		case errors.Is(err, errNumberTaken):
			// The clash may have been the idempotency key rather than the
			// number: another request of this checkout committed first.
			if o, ok, err := s.byKey(ctx, in.UserID, in.IdempotencyKey); err != nil || ok {
				return o, err
			}
			if try+1 < maxNumberTries {
				continue
			}
		}
		if _, ok := fault.AsInvalid(err); ok {
			return Order{}, err
		}
		return Order{}, fmt.Errorf("place order for user %d: %w", in.UserID, err)
	}
}

// place stores the order in one transaction and returns it as stored.
func (s *Service) place(ctx context.Context, o Order, b pricing.Breakdown, cartID int64, cart map[string]CartLine,
	awaitUntil time.Time, then func(context.Context, db.Querier, Order) error) (Order, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	o.Number = newNumber(now)
	o.CreatedAt, o.UpdatedAt = now, now
	switch {
	case o.Total == 0:
		o.Status, o.PaidAt = Paid, now
	case !awaitUntil.IsZero():
		o.Status, o.PayBy = AwaitingDeposit, awaitUntil.UTC().Truncate(time.Microsecond)
	default:
		o.Status, o.PayBy = PendingPayment, now.Add(s.cfg.PayWithin)
	}
	err := s.d.InTx(ctx, func(q db.Querier) error {
		// The order row first: a second request with the same key stops
		// here (on PostgreSQL it waits for the first to commit) before it
		// takes any stock.
		js, err := breakdownJSON(b)
		if err != nil {
			return err
		}
		placed := HistoryEntry{To: o.Status, Actor: Customer(o.UserID), Reason: "placed", CreatedAt: now}
		o.ID, err = insertPlaced(ctx, q, s.d.Dialect.Engine, &o, js, placed)
		if s.d.Dialect.IsUniqueViolation(err) {
			return errNumberTaken
		}
		if err != nil {
			return fmt.Errorf("insert order: %w", err)
		}
		sealed := o
		if err := s.seal(&sealed); err != nil {
			return err
		}
		if err := writeAddress(ctx, q, sealed); err != nil {
			return err
		}
		var ordered []int64
		for _, pl := range b.Lines {
			l := Line{OrderID: o.ID, VariantID: pl.VariantID, ProductID: pl.ProductID, SellerID: pl.SellerID,
				Name: pl.Name, UnitPrice: pl.UnitPrice, Quantity: pl.Quantity, LineTotal: pl.LineTotal,
				Discount: pl.Discount, Gift: pl.Gift, TaxFree: pl.TaxFree, Status: o.Status, CreatedAt: now, UpdatedAt: now}
			if pl.Gift {
				l.UnitPrice, l.LineTotal = 0, 0
			}
			if cl, ok := cart[pl.Key]; ok && !pl.Gift {
				l.Options, l.SKU = cl.Options, cl.SKU
				ordered = append(ordered, cl.ID)
			}
			o.Lines = append(o.Lines, l)
		}
		if err := insertLines(ctx, q, o.Lines); err != nil {
			return err
		}
		if o.CouponID != 0 {
			if err := s.deps.Coupons.Redeem(ctx, q, o.CouponID, o.UserID, o.ID); err != nil {
				if _, ok := fault.AsInvalid(err); ok {
					return err // the coupon's own reason: used up, expired, …
				}
				if errors.Is(err, fault.ErrConflict) {
					return &fault.Invalid{Fields: map[string]string{"coupon": "can no longer be used"}}
				}
				return err
			}
		}
		if o.PointsUsed > 0 {
			if err := s.deps.Points.Spend(ctx, q, o.UserID, o.PointsUsed, o.ID); err != nil {
				if _, ok := fault.AsInvalid(err); ok {
					return &fault.Invalid{Fields: map[string]string{"points": "is more than your balance"}}
				}
				return err
			}
		}
		if err := s.deps.Cart.RemoveLines(ctx, q, cartID, ordered); err != nil {
			return err
		}
		if then != nil {
			if err := then(ctx, q, o); err != nil {
				return err
			}
		}
		// Stock is taken last, so each variant stays locked for one
		// statement and the commit rather than for the whole placement:
		// buyers of a variant everyone wants at once (a sale) queue on that
		// lock.
		gone, err := s.takeStock(ctx, q, o.Lines)
		if err != nil || len(gone) == 0 {
			return err
		}
		// A gift that ran out is left out rather than refusing the order;
		// the stored breakdown says what was sent.
		if err := deleteLines(ctx, q, o.ID, gone); err != nil {
			return err
		}
		// o.Lines were made from b.Lines one for one.
		lines, priced := make([]Line, 0, len(o.Lines)), make([]pricing.PricedLine, 0, len(b.Lines))
		for i, l := range o.Lines {
			if !slices.Contains(gone, l.ID) {
				lines, priced = append(lines, l), append(priced, b.Lines[i])
			}
		}
		o.Lines, b.Lines = lines, priced
		js, err = breakdownJSON(b)
		if err != nil {
			return err
		}
		return setBreakdown(ctx, q, o.ID, js)
	})
	if err != nil {
		return Order{}, err
	}
	o.Breakdown = b
	return o, nil
}

// takeStock takes the stock of every line on q, in the order of the
// variants' ids so that two orders of the same variants lock them in the
// same order and never wait for each other in a circle. It returns the
// gift lines whose stock ran out; any other line that cannot get its
// units refuses the order with *fault.Invalid{"cart"}.
func (s *Service) takeStock(ctx context.Context, q db.Querier, lines []Line) (goneGifts []int64, err error) {
	byVariant := slices.Clone(lines)
	slices.SortStableFunc(byVariant, func(a, b Line) int { return cmp.Compare(a.VariantID, b.VariantID) })
	for _, l := range byVariant {
		err := s.deps.Catalog.TakeStock(ctx, q, l.VariantID, l.Quantity)
		switch {
		case err == nil:
		case errors.Is(err, catalog.ErrOutOfStock) && l.Gift:
			goneGifts = append(goneGifts, l.ID)
		case errors.Is(err, catalog.ErrOutOfStock):
			return nil, &fault.Invalid{Fields: map[string]string{"cart": l.Name + " is sold out or has fewer units left than ordered"}}
		default:
			return nil, err
		}
	}
	return goneGifts, nil
}

// byKey returns the order userID placed with key, if there is one.
func (s *Service) byKey(ctx context.Context, userID int64, key string) (Order, bool, error) {
	id, err := orderIDByKey(ctx, s.d.Read(), userID, key)
	if errors.Is(err, fault.ErrNotFound) {
		return Order{}, false, nil
	}
	if err != nil {
		return Order{}, false, err
	}
	o, err := s.load(ctx, s.d.Read(), id)
	if err != nil {
		return Order{}, false, fmt.Errorf("read order %d: %w", id, err)
	}
	o.Repeated = true
	return o, true, nil
}

// normalize trims in and checks what needs no database.
func (s *Service) normalize(in PlaceInput) (PlaceInput, error) {
	in.IdempotencyKey = strings.TrimSpace(in.IdempotencyKey)
	in.DeliveryNote = strings.TrimSpace(in.DeliveryNote)
	in.CouponCode = strings.TrimSpace(in.CouponCode)
	in.PaymentMethod = strings.TrimSpace(in.PaymentMethod)
	v := &fault.Invalid{}
	if in.UserID <= 0 {
		v.Add("user", "must be signed in")
	}
	switch {
	case in.IdempotencyKey == "":
		v.Add("idempotency_key", "is required")
	case len(in.IdempotencyKey) > MaxIdempotencyKey:
		v.Add("idempotency_key", fmt.Sprintf("must be at most %d bytes", MaxIdempotencyKey))
	}
	if !in.Channel.valid() {
		v.Add("channel", "must be pc_web, mobile_web or api")
	}
	if len(in.PaymentMethod) > MaxPaymentMethod {
		v.Add("payment_method", "is not a payment method")
	}
	if in.PointsToUse < 0 {
		v.Add("points", "must not be negative")
	}
	if in.AddressID < 0 || (in.AddressID == 0 && in.Address == nil) {
		v.Add("address_id", "choose an address or enter one")
	}
	address.CheckText(v, "delivery_note", in.DeliveryNote, false, address.MaxNoteRunes)
	if err := v.Err(); err != nil {
		return PlaceInput{}, err
	}
	return in, nil
}

// recipient returns the delivery address of the checkout: a copy of the
// book's address, or the one typed, checked as the address book checks it.
func (s *Service) recipient(ctx context.Context, in PlaceInput) (Address, error) {
	if in.AddressID > 0 {
		a, err := s.deps.Addresses.Get(ctx, in.UserID, in.AddressID)
		if errors.Is(err, fault.ErrNotFound) {
			return Address{}, &fault.Invalid{Fields: map[string]string{"address_id": "is not one of your addresses"}}
		}
		if err != nil {
			return Address{}, fmt.Errorf("place order for user %d: %w", in.UserID, err)
		}
		return Address{Recipient: a.Recipient, Phone: a.Phone, Postcode: a.Postcode, Line1: a.Line1, Line2: a.Line2}, nil
	}
	a := Address{
		Recipient: strings.TrimSpace(in.Address.Recipient), Phone: strings.TrimSpace(in.Address.Phone),
		Postcode: strings.TrimSpace(in.Address.Postcode),
		Line1:    strings.TrimSpace(in.Address.Line1), Line2: strings.TrimSpace(in.Address.Line2),
	}
	v := &fault.Invalid{}
	address.CheckText(v, "address.recipient", a.Recipient, true, address.MaxRecipientRunes)
	address.CheckText(v, "address.line1", a.Line1, true, address.MaxLineRunes)
	address.CheckText(v, "address.line2", a.Line2, false, address.MaxLineRunes)
	if !pricing.ValidPostcode(a.Postcode) {
		v.Add("address.postcode", "must be a 5-digit postcode")
	}
	if p, err := address.NormalizePhone(a.Phone); err != nil {
		v.Add("address.phone", "is not a valid phone number")
	} else {
		a.Phone = p
	}
	return a, v.Err()
}

// quote loads the rules, the coupon and the balance and prices the lines.
// A requested coupon or points amount that pricing did not apply in full
// refuses the checkout with pricing's message, so the customer never pays
// other than what they asked for. balance, when not nil, is the customer's
// points balance as the caller read it already; otherwise it is read here
// when points are asked for.
func (s *Service) quote(ctx context.Context, in PlaceInput, postcode string, lines []CartLine, balance *int64) (pricing.Breakdown, error) {
	pin := pricing.Input{Postcode: postcode, PointsToUse: in.PointsToUse}
	for _, l := range lines {
		pin.Lines = append(pin.Lines, pricing.Line{Key: strconv.FormatInt(l.ID, 10), VariantID: l.VariantID,
			ProductID: l.ProductID, CategoryID: l.CategoryID, SellerID: l.SellerID, Name: l.Name,
			UnitPrice: l.UnitPrice, Quantity: l.Quantity, TaxFree: l.TaxFree})
	}
	var err error
	if pin.Shipping, err = s.deps.Shipping.Rules(ctx); err != nil {
		return pricing.Breakdown{}, fmt.Errorf("place order: shipping rules: %w", err)
	}
	if s.deps.Promotions != nil {
		if pin.Points, err = s.deps.Promotions.PointsRules(ctx, in.UserID); err != nil {
			return pricing.Breakdown{}, fmt.Errorf("place order: points rules: %w", err)
		}
		if pin.Gifts, err = s.deps.Promotions.Gifts(ctx); err != nil {
			return pricing.Breakdown{}, fmt.Errorf("place order: gifts: %w", err)
		}
	}
	if in.CouponCode != "" {
		c, err := s.deps.Coupons.Check(ctx, in.CouponCode, in.UserID)
		if errors.Is(err, fault.ErrNotFound) {
			return pricing.Breakdown{}, &fault.Invalid{Fields: map[string]string{"coupon": "is not a valid coupon code"}}
		}
		if err != nil {
			return pricing.Breakdown{}, err
		}
		pin.Coupon = &c
	}
	if balance != nil {
		pin.PointsBalance = *balance
	} else if in.PointsToUse > 0 {
		if pin.PointsBalance, err = s.deps.Points.Balance(ctx, in.UserID); err != nil {
			return pricing.Breakdown{}, fmt.Errorf("place order: points balance: %w", err)
		}
	}
	b, err := pricing.Quote(pin)
	if err != nil {
		return pricing.Breakdown{}, err
	}
	v := &fault.Invalid{}
	for _, p := range b.Problems {
		if (p.Field == "coupon" && in.CouponCode != "") || (p.Field == "points" && in.PointsToUse > 0) {
			v.Add(p.Field, p.Message)
		}
	}
	return b, v.Err()
}
