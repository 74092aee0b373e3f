package order

import (
	"context"
	"fmt"
	"strings"

	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

// Preview is a checkout priced as Place would price it now.
type Preview struct {
	Lines         []cart.Line
	Breakdown     pricing.Breakdown
	PointsBalance int64
	// Postcode is the postcode the breakdown was priced for, "" when the
	// checkout has none yet: then no remote-area surcharge is in it, and
	// the page says one may be added.
	Postcode string
}

// Preview prices the customer's selected cart lines as Place would, with
// the same pricing.Quote, and stores nothing: the checkout page shows it
// before the customer places the order. A coupon that cannot be used and
// points over the rules come back as Problems of the breakdown (priced
// without them) rather than as an error, so the page shows both the
// breakdown and why. An empty selection is *fault.Invalid{"cart"}.
func (s *Service) Preview(ctx context.Context, in PlaceInput) (Preview, error) {
	if in.UserID <= 0 {
		return Preview{}, &fault.Invalid{Fields: map[string]string{"user": "must be signed in"}}
	}
	sel, err := s.deps.Cart.Checkout(ctx, in.UserID)
	if err != nil {
		return Preview{}, fmt.Errorf("preview order: %w", err)
	}
	lines := sel.Lines
	if len(lines) == 0 {
		return Preview{}, &fault.Invalid{Fields: map[string]string{"cart": "has nothing selected to order"}}
	}
	postcode, err := s.previewPostcode(ctx, in)
	if err != nil {
		return Preview{}, err
	}
	p := Preview{Lines: lines, Postcode: postcode}
	if p.PointsBalance, err = s.deps.Points.Spendable(ctx, in.UserID); err != nil {
		return Preview{}, fmt.Errorf("preview order: points balance: %w", err)
	}
	b, err := s.quote(ctx, in, postcode, lines, &p.PointsBalance)
	inv, invalid := fault.AsInvalid(err)
	switch {
	case err == nil:
	case invalid && inv.Fields["coupon"] != "" && len(b.Lines) == 0:
		// The coupon was refused before pricing (unknown, expired, used
		// up): price without it and say why.
		msg := inv.Fields["coupon"]
		in.CouponCode = ""
		if b, err = s.quote(ctx, in, postcode, lines, &p.PointsBalance); err != nil {
			if _, ok := fault.AsInvalid(err); !ok {
				return Preview{}, err
			}
		}
		b.Problems = append(b.Problems, pricing.Problem{Field: "coupon", Message: msg})
	case invalid:
		// Problems already name what was left out.
	default:
		return Preview{}, err
	}
	p.Breakdown = b
	return p, nil
}

// previewPostcode is the postcode a preview prices the surcharge for: the
// chosen book address's, or a typed one as soon as it is a valid postcode,
// whatever the state of the address's other fields. Placing prices the
// same postcode, so the total shown is the total charged.
func (s *Service) previewPostcode(ctx context.Context, in PlaceInput) (string, error) {
	switch {
	case in.AddressID > 0:
		a, err := s.recipient(ctx, in)
		if _, ok := fault.AsInvalid(err); ok {
			return "", nil
		}
		return a.Postcode, err
	case in.Address != nil:
		if pc := strings.TrimSpace(in.Address.Postcode); pricing.ValidPostcode(pc) {
			return pc, nil
		}
	}
	return "", nil
}
