package catalog_test

import (
	"testing"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/money"
)

// A variant and a product follow the one discount rule: on sale when the
// price paid is below the regular price, the discount a whole percent
// rounded down.
func TestDiscountRule(t *testing.T) {
	t.Parallel()
	won := func(n int64) money.Amount { return money.Amount{Minor: n, Currency: money.KRW} }
	tests := []struct {
		name          string
		regular, now  int64
		onSale        bool
		discountRatio int64
	}{
		{"no sale", 19900, 19900, false, 0},
		{"a third off, rounded down", 30000, 20000, true, 33},
		{"just under one percent", 10000, 9901, true, 0},
		{"half", 24900, 12450, true, 50},
		{"free", 5000, 0, true, 100},
		{"sale price above the regular", 5000, 6000, false, 0},
		{"regular price zero", 0, 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sale := won(tt.now)
			v := catalog.Variant{Price: won(tt.regular), SalePrice: &sale}
			p := catalog.Product{Price: won(tt.now), ListPrice: won(tt.regular)}
			if v.OnSale() != tt.onSale || p.OnSale() != tt.onSale {
				t.Errorf("OnSale: variant %v, product %v; want %v", v.OnSale(), p.OnSale(), tt.onSale)
			}
			if v.DiscountPercent() != tt.discountRatio || p.DiscountPercent() != tt.discountRatio {
				t.Errorf("DiscountPercent: variant %d, product %d; want %d", v.DiscountPercent(), p.DiscountPercent(), tt.discountRatio)
			}
		})
	}
	if v := (catalog.Variant{Price: won(1000)}); v.OnSale() || v.DiscountPercent() != 0 {
		t.Errorf("a variant without a sale price is on sale: %v, %d%%", v.OnSale(), v.DiscountPercent())
	}
}
