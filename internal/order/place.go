package order

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/cart"
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
	// ExpectedTotal, when not nil, is the total the customer was shown and
	// agreed to pay. Prepare refuses the checkout ("total") when pricing it
	// now gives another amount, so nobody is charged other than what they
	// saw, whatever changed in between (an address, a price, a coupon).
	ExpectedTotal *int64
}

// TotalChanged is the message of the "total" field when the total priced
// now differs from PlaceInput.ExpectedTotal.
const TotalChanged = "is not the total of this checkout any more; check the new total and place the order again"

// ErrNumberTaken means the order row clashed with another on its number or
// its idempotency key when Store wrote it. The placing transaction must be
// rolled back; the caller then looks the key up with ByKey (another request
// of the same checkout committed first) and otherwise stores the draft
// again in a new transaction, which draws another number (a clash is about
// one in 10^12 per order of the same day).
var ErrNumberTaken = errors.New("order number or checkout key taken")

// Draft is a checkout that Prepare checked and priced, ready for Store.
// When Placed is true, the checkout's idempotency key was placed before and
// Order is that order (marked Repeated); there is nothing to store.
type Draft struct {
	Placed bool
	Order  Order // the order to store (amounts, address, method), or the order placed before
	priced pricing.Breakdown
	sel    cart.Selection
	// awaitUntil, when not zero, is the deposit deadline of a bank transfer.
	awaitUntil time.Time
}

// Prepare checks and prices a checkout without writing anything: the
// customer's selected cart lines are priced now by pricing.Quote with the
// shipping rules, coupon, points and gifts in force, and the delivery
// address is checked as the address book checks it. A key placed before by
// the same customer gives a Draft with Placed set to that order, also when
// the cart was emptied by it.
//
// The order will wait for payment (PendingPayment, until PayBy), or for a
// bank transfer (AwaitingDeposit) when in.AwaitDepositUntil is set, unless
// points pay its whole total, in which case it is Paid at once.
//
// Errors: *fault.Invalid for bad input and for what the customer must fix on
// the checkout page — "cart" (empty, or a line sold out), "address_id",
// "coupon" and "points" (the pricing problem's message), "payment_method",
// and "total" (TotalChanged) when in.ExpectedTotal is not the total now.
func (s *Service) Prepare(ctx context.Context, in PlaceInput) (Draft, error) {
	in, err := s.normalize(in)
	if err != nil {
		return Draft{}, err
	}
	// No lookup of the key here: a repeated checkout finds the cart emptied
	// by the first (and looks the key up below), or, if the cart was filled
	// again, clashes on the key at the order row, the first write of the
	// transaction, before any stock is taken. Either way the first order is
	// returned, and the common case saves a query.
	addr, err := s.recipient(ctx, in)
	if err != nil {
		return Draft{}, err
	}
	sel, err := s.deps.Cart.Checkout(ctx, in.UserID)
	if err == nil && len(sel.Lines) == 0 {
		err = &fault.Invalid{Fields: map[string]string{"cart": "has nothing selected to order"}}
	}
	var b pricing.Breakdown
	if err == nil {
		b, err = s.quote(ctx, in, addr.Postcode, sel.Lines, nil)
	}
	if err == nil && in.ExpectedTotal != nil && *in.ExpectedTotal != b.Total {
		err = &fault.Invalid{Fields: map[string]string{"total": TotalChanged}}
	}
	if err != nil {
		// A repeated checkout may be refused now for what the first one
		// changed: the cart it emptied, the stock it took (the cart read
		// between the two), the coupon or points it used up. It gets the
		// first one's order.
		if _, refused := fault.AsInvalid(err); refused {
			if o, ok, kerr := s.ByKey(ctx, in.UserID, in.IdempotencyKey); kerr != nil || ok {
				return Draft{Placed: ok, Order: o}, kerr
			}
			return Draft{}, err
		}
		return Draft{}, fmt.Errorf("place order for user %d: %w", in.UserID, err)
	}
	o := Order{
		UserID: in.UserID, Channel: in.Channel, IdempotencyKey: in.IdempotencyKey,
		PaymentMethod: in.PaymentMethod, Address: addr, DeliveryNote: in.DeliveryNote,
		Subtotal: b.Subtotal, GradeDiscount: b.GradeDiscount, Discount: b.Discount, CouponID: b.CouponID, Shipping: b.Shipping,
		RemoteSurcharge: b.RemoteSurcharge, PointsUsed: b.PointsUsed, Total: b.Total, PointsToEarn: b.PointsToEarn,
		TaxFree: b.TaxFree,
	}
	if o.Total == 0 {
		o.PaymentMethod = PaymentPoints
	} else if o.PaymentMethod == "" || o.PaymentMethod == PaymentPoints {
		return Draft{}, &fault.Invalid{Fields: map[string]string{"payment_method": "is required"}}
	}
	return Draft{Order: o, priced: b, sel: sel, awaitUntil: in.AwaitDepositUntil}, nil
}

// Store writes a prepared order on q, the caller's transaction: the order
// row with its placement in the history, the address (encrypted), the lines
// with names and prices copied, the coupon's use and the points spent, and
// it removes the ordered lines from the cart. It takes no stock: the caller
// calls TakeStock last, just before committing. Anything that fails must
// roll all of it back.
//
// Errors: ErrNumberTaken (see there); *fault.Invalid{"coupon"} or
// {"points"} when the coupon or the balance was used up meanwhile.
func (s *Service) Store(ctx context.Context, q db.Querier, d Draft) (Order, error) {
	if d.Placed {
		return Order{}, fmt.Errorf("store order: checkout %q was placed already: %w", d.Order.IdempotencyKey, fault.ErrConflict)
	}
	o, b := d.Order, d.priced
	now := s.now().UTC().Truncate(time.Microsecond)
	o.Number = newNumber(now)
	o.CreatedAt, o.UpdatedAt = now, now
	switch {
	case o.Total == 0:
		o.Status, o.PaidAt = Paid, now
	case !d.awaitUntil.IsZero():
		o.Status, o.PayBy = AwaitingDeposit, d.awaitUntil.UTC().Truncate(time.Microsecond)
	default:
		o.Status, o.PayBy = PendingPayment, now.Add(s.cfg.PayWithin)
	}
	// The order row first: a second request with the same key stops here
	// (on PostgreSQL it waits for the first to commit) before it takes any
	// stock.
	js, err := breakdownJSON(b)
	if err != nil {
		return Order{}, err
	}
	placed := HistoryEntry{To: o.Status, Actor: Customer(o.UserID), Reason: "placed", CreatedAt: now}
	o.ID, err = insertPlaced(ctx, q, s.d.Dialect, &o, js, placed)
	if s.d.Dialect.IsUniqueViolation(err) {
		return Order{}, ErrNumberTaken
	}
	if err != nil {
		return Order{}, fmt.Errorf("insert order: %w", err)
	}
	sealed := o
	if err := s.seal(&sealed); err != nil {
		return Order{}, err
	}
	rk, pk := s.keysOf(o.Address)
	if err := writeAddress(ctx, q, sealed, rk, pk); err != nil {
		return Order{}, err
	}
	byID := make(map[int64]cart.Line, len(d.sel.Lines))
	for _, l := range d.sel.Lines {
		byID[l.ID] = l
	}
	var ordered []int64
	for _, pl := range b.Lines {
		l := Line{OrderID: o.ID, VariantID: pl.VariantID, ProductID: pl.ProductID, SellerID: pl.SellerID,
			Name: pl.Name, UnitPrice: pl.UnitPrice, Quantity: pl.Quantity, LineTotal: pl.LineTotal,
			Discount: pl.Discount, Gift: pl.Gift, TaxFree: pl.TaxFree, Status: o.Status, CreatedAt: now, UpdatedAt: now}
		if pl.Gift {
			l.UnitPrice, l.LineTotal = 0, 0
		}
		if cl, ok := byID[pl.ID]; ok && !pl.Gift {
			l.Options, l.SKU = cl.Options, cl.SKU
			ordered = append(ordered, cl.ID)
		}
		o.Lines = append(o.Lines, l)
	}
	if err := insertLines(ctx, q, o.Lines); err != nil {
		return Order{}, err
	}
	if o.CouponID != 0 {
		if err := s.deps.Coupons.Redeem(ctx, q, o.CouponID, o.UserID, o.ID); err != nil {
			if _, ok := fault.AsInvalid(err); ok {
				return Order{}, err // the coupon's own reason: used up, expired, …
			}
			if errors.Is(err, fault.ErrConflict) {
				return Order{}, &fault.Invalid{Fields: map[string]string{"coupon": "can no longer be used"}}
			}
			return Order{}, err
		}
	}
	if o.PointsUsed > 0 {
		if err := s.deps.Points.Spend(ctx, q, o.UserID, o.PointsUsed, o.ID); err != nil {
			if _, ok := fault.AsInvalid(err); ok {
				return Order{}, &fault.Invalid{Fields: map[string]string{"points": "is more than your balance"}}
			}
			return Order{}, err
		}
	}
	if err := s.deps.Cart.RemoveLines(ctx, q, d.sel.CartID, ordered); err != nil {
		return Order{}, err
	}
	if o.Status == Paid {
		// Points paid it all: it counts in the statistics now.
		if err := s.deps.Sales.Paid(ctx, q, o.ID); err != nil {
			return Order{}, err
		}
	}
	o.Breakdown = b
	return o, nil
}

// TakeStock takes the stock of every line of o, which Store returned, on
// q, the same transaction. It comes last, so each variant stays locked for
// one statement and the commit rather than for the whole placement: buyers
// of a variant everyone wants at once (a sale) queue on that lock. A gift
// that ran out is left out rather than refusing the order; o's lines and
// stored breakdown then say what is sent. Any other line short of units
// refuses the order with *fault.Invalid{"cart"}.
func (s *Service) TakeStock(ctx context.Context, q db.Querier, o *Order) error {
	gone, err := s.takeStock(ctx, q, o.Lines)
	if err != nil || len(gone) == 0 {
		return err
	}
	if err := deleteLines(ctx, q, o.ID, gone); err != nil {
		return err
	}
	// o.Lines were made from the breakdown's lines one for one.
	b := o.Breakdown
	lines, priced := make([]Line, 0, len(o.Lines)), make([]pricing.PricedLine, 0, len(b.Lines))
	for i, l := range o.Lines {
		if !slices.Contains(gone, l.ID) {
			lines, priced = append(lines, l), append(priced, b.Lines[i])
		}
	}
	o.Lines, b.Lines = lines, priced
	js, err := breakdownJSON(b)
	if err != nil {
		return err
	}
	o.Breakdown = b
	return setBreakdown(ctx, q, o.ID, js)
}

// Placed is told of an order whose placing transaction committed: the
// catalog's stock views are refreshed and the placement is logged.
func (s *Service) Placed(ctx context.Context, o Order) {
	s.deps.Catalog.StockChanged()
	s.log.InfoContext(ctx, "order placed", "order_id", o.ID, "total_minor", o.Total, "channel", string(o.Channel))
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

// ByKey returns the order userID placed with checkout key, if there is
// one, marked Repeated.
func (s *Service) ByKey(ctx context.Context, userID int64, key string) (Order, bool, error) {
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
func (s *Service) quote(ctx context.Context, in PlaceInput, postcode string, lines []cart.Line, balance *int64) (pricing.Breakdown, error) {
	pin := pricing.Input{Postcode: postcode, PointsToUse: in.PointsToUse}
	for _, l := range lines {
		pin.Lines = append(pin.Lines, l.Line)
	}
	var err error
	if pin.Shipping, err = s.deps.Shipping.Rules(ctx); err != nil {
		return pricing.Breakdown{}, fmt.Errorf("place order: shipping rules: %w", err)
	}
	if pin.Points, err = s.deps.Promotions.PointsRules(ctx, in.UserID); err != nil {
		return pricing.Breakdown{}, fmt.Errorf("place order: points rules: %w", err)
	}
	if pin.GradeDiscountPercent, err = s.deps.Promotions.GradeDiscount(ctx, in.UserID); err != nil {
		return pricing.Breakdown{}, fmt.Errorf("place order: grade discount: %w", err)
	}
	if pin.Gifts, err = s.deps.Promotions.Gifts(ctx); err != nil {
		return pricing.Breakdown{}, fmt.Errorf("place order: gifts: %w", err)
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
		if pin.PointsBalance, err = s.deps.Points.Spendable(ctx, in.UserID); err != nil {
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
