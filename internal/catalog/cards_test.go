package catalog_test

import (
	"slices"
	"testing"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// TestCardsKeepTheOrderAsked: Cards reads the products asked for in that
// order, once each, and leaves out unknown and archived ones.
func TestCardsKeepTheOrderAsked(t *testing.T) {
	t.Parallel()
	s := newService(t)
	fx := catalogtest.Seed(t, s, 4)
	p := fx.Products
	archived := catalog.Archived
	if err := s.UpdateProduct(t.Context(), p[1], catalog.ProductUpdate{Status: &archived}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ids  []int64
		want []int64
	}{
		{"none", nil, nil},
		{"in the order asked", []int64{p[3], p[0], p[2]}, []int64{p[3], p[0], p[2]}},
		{"archived and unknown left out", []int64{p[1], 99999, p[2]}, []int64{p[2]}},
		{"twice shown once", []int64{p[0], p[0]}, []int64{p[0]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Cards(t.Context(), tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range got {
				ids = append(ids, c.ID)
				if c.Name == "" {
					t.Errorf("card %d without a name", c.ID)
				}
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("Cards(%v) = %v, want %v", tt.ids, ids, tt.want)
			}
		})
	}
}
