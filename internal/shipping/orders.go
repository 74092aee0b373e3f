package shipping

import (
	"context"

	"github.com/mallang/mallang/internal/pricing"
)

// ForOrders is shipping as orders read it (order.Shipping): the rules in
// force and a parcel's tracking page by carrier code.
type ForOrders struct{ Shipping *Service }

// Rules returns the shipping-fee rules in force.
func (f ForOrders) Rules(ctx context.Context) (pricing.ShippingRules, error) {
	return f.Shipping.Rules(ctx)
}

// TrackingURL returns the tracking page of number at the carrier with code,
// or fault.ErrNotFound for an unknown carrier.
func (f ForOrders) TrackingURL(ctx context.Context, code, number string) (string, error) {
	c, err := f.Shipping.Carrier(ctx, code)
	if err != nil {
		return "", err
	}
	return TrackingURL(c, number)
}
