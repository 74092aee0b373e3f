package catalog_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db/dbtest"
)

func TestCartVariants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.New(t)
	s := catalog.NewService(d, fixedNow, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	cat := mustCategory(t, s, catalog.NewCategory{Slug: "tops", Name: "상의"})
	create := func(p catalog.NewProduct) int64 {
		t.Helper()
		id, err := s.CreateProduct(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	shirt := create(catalog.NewProduct{
		CategoryID: cat.ID, Name: "면 티셔츠", OptionNames: []string{"크기", "색상"},
		Variants: []catalog.NewVariant{
			{SKU: "SH-L-BK", Options: [3]string{"L", "검정"}, Price: 19000, SalePrice: ptr[int64](15000), Stock: 4, Active: true},
			{SKU: "SH-M-BK", Options: [3]string{"M", "검정"}, Price: 19000, Stock: 0, Active: true},
			{SKU: "SH-S-BK", Options: [3]string{"S", "검정"}, Price: 19000, Stock: 5, Active: false},
		},
	})
	for _, key := range []string{"shirt-1.jpg", "shirt-2.jpg"} {
		if _, err := s.AddImage(ctx, shirt, catalog.NewImage{Key: key, ContentType: "image/jpeg", ThumbsReady: true}); err != nil {
			t.Fatal(err)
		}
	}
	card := create(catalog.NewProduct{CategoryID: cat.ID, Name: "기프트카드", Type: catalog.Digital,
		Variants: []catalog.NewVariant{{SKU: "GC", Price: 10000, Stock: 100, Active: true}}})
	draft := create(catalog.NewProduct{CategoryID: cat.ID, Name: "준비 중", Status: catalog.Draft,
		Variants: []catalog.NewVariant{{SKU: "DR", Price: 1000, Stock: 1, Active: true}}})
	gone := create(catalog.NewProduct{CategoryID: cat.ID, Name: "삭제됨",
		Variants: []catalog.NewVariant{{SKU: "GO", Price: 1000, Stock: 1, Active: true}}})
	if _, err := d.Write().ExecContext(ctx, d.Write().Rebind(`UPDATE products SET deleted_at = ? WHERE id = ?`), fixedNow(), gone); err != nil {
		t.Fatal(err)
	}
	variant := map[string]int64{}
	for _, p := range []int64{shirt, card, draft, gone} {
		var rows []struct {
			ID  int64  `db:"id"`
			SKU string `db:"sku"`
		}
		if err := d.Read().SelectContext(ctx, &rows, d.Read().Rebind(`SELECT id, sku FROM variants WHERE product_id = ?`), p); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			variant[r.SKU] = r.ID
		}
	}
	// Far more ids than one statement binds, most of them unknown, with a
	// repeat: the answer is the same as for the known ids alone.
	ids := []int64{variant["SH-L-BK"], variant["SH-L-BK"]}
	for i := int64(0); i < 2500; i++ {
		ids = append(ids, 1_000_000+i)
	}
	for _, sku := range []string{"SH-M-BK", "SH-S-BK", "GC", "DR", "GO"} {
		ids = append(ids, variant[sku])
	}
	got, err := s.CartVariants(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 {
		t.Fatalf("CartVariants returned %d variants, want the 6 that exist", len(got))
	}
	tests := []struct {
		sku  string
		want catalog.CartVariant
	}{
		{"SH-L-BK", catalog.CartVariant{ProductID: shirt, ProductName: "면 티셔츠", Options: "크기: L / 색상: 검정",
			UnitPrice: 15000, ListPrice: 19000, Stock: 4, Active: true, Thumb: "shirt-1.jpg", ProductType: catalog.Physical}},
		{"SH-M-BK", catalog.CartVariant{ProductID: shirt, ProductName: "면 티셔츠", Options: "크기: M / 색상: 검정",
			UnitPrice: 19000, ListPrice: 19000, Stock: 0, Active: true, Thumb: "shirt-1.jpg", ProductType: catalog.Physical}},
		{"SH-S-BK", catalog.CartVariant{ProductID: shirt, ProductName: "면 티셔츠", Options: "크기: S / 색상: 검정",
			UnitPrice: 19000, ListPrice: 19000, Stock: 5, Active: false, Thumb: "shirt-1.jpg", ProductType: catalog.Physical}},
		{"GC", catalog.CartVariant{ProductID: card, ProductName: "기프트카드",
			UnitPrice: 10000, ListPrice: 10000, Stock: 100, Active: true, ProductType: catalog.Digital, NoShipping: true}},
		{"DR", catalog.CartVariant{ProductID: draft, ProductName: "준비 중",
			UnitPrice: 1000, ListPrice: 1000, Stock: 1, Active: false, ProductType: catalog.Physical}},
		{"GO", catalog.CartVariant{ProductID: gone, ProductName: "삭제됨",
			UnitPrice: 1000, ListPrice: 1000, Stock: 1, Active: false, ProductType: catalog.Physical}},
	}
	house := got[variant["GC"]].SellerID
	if house == 0 {
		t.Fatal("seller id not read")
	}
	for _, tt := range tests {
		t.Run(tt.sku, func(t *testing.T) {
			want := tt.want
			want.VariantID, want.SKU, want.CategoryID, want.SellerID = variant[tt.sku], tt.sku, cat.ID, house
			if g := got[variant[tt.sku]]; g != want {
				t.Errorf("CartVariants[%s] =\n %+v, want\n %+v", tt.sku, g, want)
			}
			if b := got[variant[tt.sku]].Buyable(); b != (want.Active && want.Stock > 0) {
				t.Errorf("Buyable = %v", b)
			}
		})
	}
	empty, err := s.CartVariants(ctx, nil)
	if err != nil || len(empty) != 0 {
		t.Errorf("CartVariants(nil) = %v, %v; want an empty map", empty, err)
	}
}
