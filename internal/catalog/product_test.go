package catalog_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fault"
)

func validProduct(categoryID int64, sku string) catalog.NewProduct {
	return catalog.NewProduct{
		CategoryID: categoryID, Name: "티셔츠", Summary: "면 100%",
		OptionNames: []string{"사이즈", "색상"},
		Variants: []catalog.NewVariant{
			{SKU: sku + "-S", Options: [3]string{"S", "흰색"}, Price: 19000, Stock: 3, Active: true},
			{SKU: sku + "-M", Options: [3]string{"M", "흰색"}, Price: 19000, SalePrice: ptr[int64](15000), Stock: 0, Active: true},
			{SKU: sku + "-L", Options: [3]string{"L", "흰색"}, Price: 9000, Stock: 7, Active: false},
		},
	}
}

func TestProductDetail(t *testing.T) {
	t.Parallel()
	sh := newShop(t)
	ctx := context.Background()
	id, err := sh.s.CreateProduct(ctx, validProduct(sh.choco.ID, "T1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a.jpg", "b.jpg"} {
		if _, err := sh.s.AddImage(ctx, id, catalog.NewImage{Key: key, ContentType: "image/jpeg", Width: 800, Height: 600, ThumbsReady: true}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := sh.s.Product(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// The inactive L variant is cheaper but does not count.
	if p.Price.Minor != 15000 || p.ListPrice.Minor != 19000 || !p.InStock {
		t.Errorf("derived = %v %v %v", p.Price, p.ListPrice, p.InStock)
	}
	if len(p.Options) != 2 || p.Options[0].Name != "사이즈" || p.Options[1].Position != 2 {
		t.Errorf("options = %+v", p.Options)
	}
	var skus []string
	for _, v := range p.Variants {
		skus = append(skus, v.SKU)
	}
	if !slices.Equal(skus, []string{"T1-S", "T1-M", "T1-L"}) || p.Variants[1].SalePrice == nil ||
		p.Variants[1].Effective().Minor != 15000 || p.Variants[2].Active || p.Variants[0].Options[1] != "흰색" {
		t.Errorf("variants = %+v", p.Variants)
	}
	if len(p.Images) != 2 || p.Images[0].Key != "a.jpg" || p.Images[1].Position != 2 || p.Image == nil || p.Image.Key != "a.jpg" {
		t.Errorf("images = %+v, image %+v", p.Images, p.Image)
	}
	if img := p.Images[0]; img.ContentType != "image/jpeg" || img.Width != 800 || img.Height != 600 || !img.ThumbsReady || img.ProductID != id {
		t.Errorf("first image = %+v", img)
	}
	if v := p.Variants[2]; v.Stock != 7 || v.Price.Minor != 9000 || v.SalePrice != nil || v.ProductID != id || v.Options != [3]string{"L", "흰색"} {
		t.Errorf("variant L = %+v", v)
	}
	if len(p.CategoryPath) != 2 || p.CategoryPath[0].Slug != "food" || p.CategoryPath[1].Slug != "choco" {
		t.Errorf("path = %+v", p.CategoryPath)
	}
	if !p.CreatedAt.Equal(now0) {
		t.Errorf("created = %v, want %v", p.CreatedAt, now0)
	}
	// Listings show the first image too.
	res, err := sh.s.List(ctx, catalog.ListQuery{Category: "choco"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Products) != 1 || res.Products[0].Image == nil || res.Products[0].Image.Key != "a.jpg" {
		t.Errorf("listed = %+v", res.Products)
	}
}

// A product created with an English name keeps it, trimmed, and is found
// by a word of it.
func TestCreateProductEnglishName(t *testing.T) {
	t.Parallel()
	sh := newShop(t)
	ctx := context.Background()
	p := validProduct(sh.choco.ID, "EN1")
	p.NameEN = "  Cotton T-Shirt "
	id, err := sh.s.CreateProduct(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sh.s.Product(ctx, id)
	if err != nil || got.NameEN != "Cotton T-Shirt" {
		t.Fatalf("NameEN = %q, %v", got.NameEN, err)
	}
	res, err := sh.s.List(ctx, catalog.ListQuery{Query: "cotton"})
	if err != nil || res.Total != 1 || res.Products[0].ID != id {
		t.Errorf("search cotton = %+v, %v", res, err)
	}
}

func TestProductNotFound(t *testing.T) {
	t.Parallel()
	sh := listShop(t)
	for _, tt := range []struct {
		name string
		id   int64
	}{
		{"draft", sh.ids["초안 상품"]},
		{"archived", sh.ids["보관 상품"]},
		{"unknown", 987654},
		{"zero", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := sh.s.Product(context.Background(), tt.id); !errors.Is(err, fault.ErrNotFound) {
				t.Fatalf("err = %v, want not found", err)
			}
		})
	}
}

func TestSetVariantStock(t *testing.T) {
	t.Parallel()
	sh := newShop(t)
	ctx := context.Background()
	id, err := sh.s.CreateProduct(ctx, validProduct(sh.choco.ID, "T1"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := sh.s.Product(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	small, medium, large := p.Variants[0].ID, p.Variants[1].ID, p.Variants[2].ID
	steps := []struct {
		name    string
		variant int64
		stock   int64
		wantIn  bool
	}{
		{"sell out S", small, 0, false},
		{"inactive L does not count", large, 50, false},
		{"restock M", medium, 4, true},
		{"restock S", small, 2, true},
	}
	for _, st := range steps { // in order: each step builds on the last
		if err := sh.s.SetVariantStock(ctx, st.variant, st.stock); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		p, err := sh.s.Product(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if p.InStock != st.wantIn || p.Price.Minor != 15000 || p.ListPrice.Minor != 19000 {
			t.Errorf("%s: in stock %v price %v/%v", st.name, p.InStock, p.Price, p.ListPrice)
		}
		res, err := sh.s.List(ctx, catalog.ListQuery{InStock: true})
		if err != nil {
			t.Fatal(err)
		}
		if (len(res.Products) == 1) != st.wantIn {
			t.Errorf("%s: in-stock listing has %d products", st.name, len(res.Products))
		}
	}
	if err := sh.s.SetVariantStock(ctx, small, -1); !isInvalid(err, "stock") {
		t.Errorf("negative stock: %v", err)
	}
	if err := sh.s.SetVariantStock(ctx, 999999, 1); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("unknown variant: %v", err)
	}
}

func isInvalid(err error, field string) bool {
	inv, ok := fault.AsInvalid(err)
	return ok && inv.Fields[field] != ""
}

func TestCreateProductValidation(t *testing.T) {
	t.Parallel()
	sh := newShop(t)
	ctx := context.Background()
	if _, err := sh.s.CreateProduct(ctx, validProduct(sh.choco.ID, "TAKEN")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(p *catalog.NewProduct)
		field  string
	}{
		{"no name", func(p *catalog.NewProduct) { p.Name = "  " }, "name"},
		{"long name", func(p *catalog.NewProduct) { p.Name = strings.Repeat("가", 201) }, "name"},
		{"long English name", func(p *catalog.NewProduct) { p.NameEN = strings.Repeat("a", 201) }, "name_en"},
		{"no variants", func(p *catalog.NewProduct) { p.Variants = nil }, "variants"},
		{"no SKU", func(p *catalog.NewProduct) { p.Variants[0].SKU = "" }, "variants[0].sku"},
		{"SKU repeated in the product", func(p *catalog.NewProduct) { p.Variants[1].SKU = p.Variants[0].SKU }, "variants[1].sku"},
		{"SKU taken", func(p *catalog.NewProduct) { p.Variants[2].SKU = "TAKEN-M" }, "variants[2].sku"},
		{"negative price", func(p *catalog.NewProduct) { p.Variants[0].Price = -1 }, "variants[0].price"},
		{"sale not below price", func(p *catalog.NewProduct) { p.Variants[1].SalePrice = ptr[int64](19000) }, "variants[1].sale_price"},
		{"negative sale", func(p *catalog.NewProduct) { p.Variants[1].SalePrice = ptr[int64](-1) }, "variants[1].sale_price"},
		{"negative stock", func(p *catalog.NewProduct) { p.Variants[0].Stock = -3 }, "variants[0].stock"},
		{"missing option value", func(p *catalog.NewProduct) { p.Variants[0].Options[1] = "" }, "variants[0].options"},
		{"extra option value", func(p *catalog.NewProduct) { p.Variants[0].Options[2] = "면" }, "variants[0].options"},
		{"repeated options", func(p *catalog.NewProduct) { p.Variants[1].Options = p.Variants[0].Options }, "variants[1].options"},
		{"four option axes", func(p *catalog.NewProduct) { p.OptionNames = []string{"a", "b", "c", "d"} }, "option_names"},
		{"empty option name", func(p *catalog.NewProduct) { p.OptionNames[1] = "" }, "option_names[1]"},
		{"unknown category", func(p *catalog.NewProduct) { p.CategoryID = 99999 }, "category_id"},
		{"no category", func(p *catalog.NewProduct) { p.CategoryID = 0 }, "category_id"},
		{"unknown seller", func(p *catalog.NewProduct) { p.SellerID = 99999 }, "seller_id"},
		{"bad type", func(p *catalog.NewProduct) { p.Type = "food" }, "type"},
		{"bad status", func(p *catalog.NewProduct) { p.Status = "sold" }, "status"},
		{"bad currency", func(p *catalog.NewProduct) { p.Currency = "won" }, "currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := validProduct(sh.choco.ID, "V-"+tt.name)
			tt.change(&p)
			_, err := sh.s.CreateProduct(ctx, p)
			if !isInvalid(err, tt.field) {
				t.Fatalf("err = %v, want invalid %s", err, tt.field)
			}
		})
	}
	n, err := sh.s.CountProducts(ctx)
	if err != nil || n != 1 {
		t.Fatalf("CountProducts = %d, %v; want only the first product", n, err)
	}
}

func TestCreateProductsAllOrNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		bad   func(p *catalog.NewProduct)
		field string
	}{
		// Caught before the transaction, by validation.
		{"invalid name", func(p *catalog.NewProduct) { p.Name = "" }, "products[2].name"},
		// Caught inside the transaction, after earlier products were inserted.
		{"SKU taken", func(p *catalog.NewProduct) { p.Variants[0].SKU = "OLD-S" }, "products[2].variants[0].sku"},
		{"unknown category", func(p *catalog.NewProduct) { p.CategoryID = 4242 }, "products[2].category_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			s := catalog.NewService(d, fixedNow, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
			ctx := context.Background()
			cat := mustCategory(t, s, catalog.NewCategory{Slug: "c", Name: "c"})
			if _, err := s.CreateProduct(ctx, validProduct(cat.ID, "OLD")); err != nil {
				t.Fatal(err)
			}
			ps := []catalog.NewProduct{validProduct(cat.ID, "A"), validProduct(cat.ID, "B"), validProduct(cat.ID, "C")}
			tt.bad(&ps[2])
			ids, err := s.CreateProducts(ctx, ps)
			if !isInvalid(err, tt.field) || ids != nil {
				t.Fatalf("CreateProducts = %v, %v; want invalid %s", ids, err, tt.field)
			}
			for _, table := range []string{"products", "variants", "product_options"} {
				var n int
				if err := d.Read().GetContext(ctx, &n, "SELECT COUNT(*) FROM "+table); err != nil {
					t.Fatal(err)
				}
				want := map[string]int{"products": 1, "variants": 3, "product_options": 2}[table]
				if n != want {
					t.Errorf("%s has %d rows, want %d", table, n, want)
				}
			}
			res, err := s.List(ctx, catalog.ListQuery{Query: "티셔츠"})
			if err != nil || res.Total != 1 {
				t.Errorf("search finds %d, %v; want the old product only", res.Total, err)
			}
		})
	}
}

// queue is a ThumbnailQueue that records what it was asked and what the
// asking transaction and the rest of the world could see at that moment.
type queue struct {
	d         *db.DB
	fail      error
	asked     []int64
	inTx      bool // the image row was visible through the querier given
	committed bool // the image row was visible outside it
}

func (f *queue) EnqueueThumbnails(ctx context.Context, q db.Querier, imageID int64) error {
	f.asked = append(f.asked, imageID)
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM product_images WHERE id = ?`), imageID); err != nil {
		return err
	}
	f.inTx = n == 1
	if err := f.d.Read().GetContext(ctx, &n, f.d.Read().Rebind(`SELECT COUNT(*) FROM product_images WHERE id = ?`), imageID); err != nil {
		return err
	}
	f.committed = n == 1
	return f.fail
}

func TestAddImage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup := func(t *testing.T, fail error) (*catalog.Service, *queue, int64) {
		d := dbtest.New(t)
		f := &queue{d: d, fail: fail}
		s := catalog.NewService(d, fixedNow, slog.New(slog.DiscardHandler), f)
		cat := mustCategory(t, s, catalog.NewCategory{Slug: "c", Name: "c"})
		id, err := s.CreateProduct(ctx, validProduct(cat.ID, "I"))
		if err != nil {
			t.Fatal(err)
		}
		return s, f, id
	}
	t.Run("enqueues in the same transaction", func(t *testing.T) {
		t.Parallel()
		s, f, pid := setup(t, nil)
		img, err := s.AddImage(ctx, pid, catalog.NewImage{Key: "p/1.png", ContentType: "image/png", Width: 10, Height: 20, Alt: "앞"})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(f.asked, []int64{img.ID}) || !f.inTx || f.committed {
			t.Fatalf("asked %v, seen in tx %v, seen outside %v; want the new image, true, false", f.asked, f.inTx, f.committed)
		}
		got, err := s.Image(ctx, img.ID)
		if err != nil || got != img || got.ThumbsReady || got.Position != 1 || got.Alt != "앞" {
			t.Fatalf("Image = %+v, %v; AddImage gave %+v", got, err, img)
		}
		if err := s.SetThumbsReady(ctx, img.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Image(ctx, img.ID); !got.ThumbsReady {
			t.Fatal("thumbnails not ready")
		}
	})
	t.Run("thumbs ready asks nothing", func(t *testing.T) {
		t.Parallel()
		s, f, pid := setup(t, nil)
		if _, err := s.AddImage(ctx, pid, catalog.NewImage{Key: "k", ContentType: "image/jpeg", ThumbsReady: true}); err != nil {
			t.Fatal(err)
		}
		if len(f.asked) != 0 {
			t.Fatalf("asked %v", f.asked)
		}
	})
	t.Run("a failed enqueue stores nothing", func(t *testing.T) {
		t.Parallel()
		boom := errors.New("queue down")
		s, f, pid := setup(t, boom)
		if _, err := s.AddImage(ctx, pid, catalog.NewImage{Key: "k", ContentType: "image/jpeg"}); !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		if _, err := s.Image(ctx, f.asked[0]); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("image after rollback: %v", err)
		}
	})
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		s, _, pid := setup(t, nil)
		if _, err := s.AddImage(ctx, 424242, catalog.NewImage{Key: "k", ContentType: "image/jpeg"}); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("unknown product: %v", err)
		}
		if _, err := s.AddImage(ctx, pid, catalog.NewImage{ContentType: "text/html"}); !isInvalid(err, "key") || !isInvalid(err, "content_type") {
			t.Errorf("bad image: %v", err)
		}
		if _, err := s.Image(ctx, 424242); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("unknown image: %v", err)
		}
		if err := s.SetThumbsReady(ctx, 424242); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("unknown image ready: %v", err)
		}
	})
}

func TestCategories(t *testing.T) {
	t.Parallel()
	sh := newShop(t)
	ctx := context.Background()
	roots, err := sh.s.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(roots) != 2 || roots[0].Slug != "food" || roots[1].Slug != "fashion" ||
		len(roots[0].Children) != 2 || roots[0].Children[0].Slug != "choco" || roots[0].Children[1].Slug != "coffee" {
		t.Fatalf("tree = %+v", roots)
	}
	roots[0].Children = nil // callers get copies
	c, err := sh.s.CategoryBySlug(ctx, "food")
	if err != nil || len(c.Children) != 2 || c.NameEN != "Food" {
		t.Fatalf("CategoryBySlug = %+v, %v", c, err)
	}
	if _, err := sh.s.CategoryBySlug(ctx, "nope"); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("unknown slug: %v", err)
	}
	path, err := sh.s.CategoryPath(ctx, sh.coffee.ID)
	if err != nil || len(path) != 2 || path[0].ID != sh.food.ID || path[1].ID != sh.coffee.ID {
		t.Fatalf("CategoryPath = %+v, %v", path, err)
	}
	if _, err := sh.s.CategoryPath(ctx, 98765); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("unknown path: %v", err)
	}
	// A new category shows at once on this Service, though the tree is cached.
	tea := mustCategory(t, sh.s, catalog.NewCategory{ParentID: sh.food.ID, Slug: "tea", Name: "차", Position: 3})
	c, err = sh.s.CategoryBySlug(ctx, "food")
	if err != nil || len(c.Children) != 3 || c.Children[2].ID != tea.ID {
		t.Fatalf("after create: %+v, %v", c, err)
	}

	bad := []struct {
		name  string
		c     catalog.NewCategory
		field string
	}{
		{"duplicate slug", catalog.NewCategory{Slug: "food", Name: "또"}, "slug"},
		{"no slug", catalog.NewCategory{Name: "이름"}, "slug"},
		{"bad slug", catalog.NewCategory{Slug: "Food Stuff", Name: "이름"}, "slug"},
		{"no name", catalog.NewCategory{Slug: "x"}, "name"},
		{"unknown parent", catalog.NewCategory{Slug: "y", Name: "y", ParentID: 777}, "parent_id"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := sh.s.CreateCategory(ctx, tt.c); !isInvalid(err, tt.field) {
				t.Fatalf("err = %v, want invalid %s", err, tt.field)
			}
		})
	}
}

func TestSitemapAndCount(t *testing.T) {
	t.Parallel()
	sh := listShop(t)
	ctx := context.Background()
	var ids []int64
	err := sh.s.SitemapProducts(ctx, 0, 0, func(id int64, updated time.Time) error {
		if !updated.Equal(now0) {
			t.Errorf("updated = %v", updated)
		}
		ids = append(ids, id)
		return nil
	})
	if err != nil || len(ids) != 5 || !slices.IsSorted(ids) {
		t.Fatalf("sitemap = %v, %v", ids, err)
	}
	stop := errors.New("stop")
	if err := sh.s.SitemapProducts(ctx, 0, 0, func(int64, time.Time) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("stop: %v", err)
	}
	var slice []int64
	if err := sh.s.SitemapProducts(ctx, 1, 3, func(id int64, _ time.Time) error { slice = append(slice, id); return nil }); err != nil || !slices.Equal(slice, ids[1:4]) {
		t.Fatalf("products 2 to 4 = %v, %v; want %v", slice, err, ids[1:4])
	}
	if _, ok := fault.AsInvalid(sh.s.SitemapProducts(ctx, -1, 0, func(int64, time.Time) error { return nil })); !ok {
		t.Fatal("a negative offset was accepted")
	}
	if n, err := sh.s.CountProducts(ctx); err != nil || n != 7 {
		t.Fatalf("CountProducts = %d, %v; want 7 (drafts and archived count)", n, err)
	}
}

func TestCatalogtestSeed(t *testing.T) {
	t.Parallel()
	s := newService(t)
	f := catalogtest.Seed(t, s, 30)
	ctx := context.Background()
	if len(f.Roots) != 4 || len(f.Leaves) != 7 || len(f.Products) != 30 {
		t.Fatalf("fixture = %d roots, %d leaves, %d products", len(f.Roots), len(f.Leaves), len(f.Products))
	}
	res, err := s.List(ctx, catalog.ListQuery{Category: "food", PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	// Products 0–29 go round the 7 leaves; food holds leaves 0–2.
	if res.Total != 5+5+4 {
		t.Errorf("food has %d products", res.Total)
	}
	p, err := s.Product(ctx, f.Products[3])
	if err != nil || len(p.Variants) != 3 || f.Category(t, "chocolate").ID != f.Leaves[0].ID {
		t.Errorf("product 3 = %+v, %v", p, err)
	}
}

// Images given with new products are attached in the products' transaction:
// all of them or, when one is wrong, none of the batch.
func TestCreateProductsWithImages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.New(t)
	f := &queue{d: d}
	s := catalog.NewService(d, fixedNow, slog.New(slog.DiscardHandler), f)
	cat := mustCategory(t, s, catalog.NewCategory{Slug: "c", Name: "c"})

	a, b := validProduct(cat.ID, "A"), validProduct(cat.ID, "B")
	a.Images = []catalog.NewImage{
		{Key: "p/a1.jpg", ContentType: "image/jpeg", Width: 640, Height: 640, Alt: "앞", ThumbsReady: true},
		{Key: " p/a2.png ", ContentType: "image/png", Alt: "뒤"},
	}
	ids, err := s.CreateProducts(ctx, []catalog.NewProduct{a, b})
	if err != nil {
		t.Fatal(err)
	}
	pa, err := s.Product(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(pa.Images) != 2 || pa.Images[0].Key != "p/a1.jpg" || pa.Images[1].Key != "p/a2.png" || pa.Images[1].Position != 2 || !pa.Images[0].ThumbsReady {
		t.Fatalf("images = %+v", pa.Images)
	}
	if !slices.Equal(f.asked, []int64{pa.Images[1].ID}) || !f.inTx || f.committed {
		t.Fatalf("thumbnails asked for %v (in tx %v, outside %v); want only the second image, inside the transaction", f.asked, f.inTx, f.committed)
	}
	if pb, err := s.Product(ctx, ids[1]); err != nil || len(pb.Images) != 0 {
		t.Fatalf("product B images = %+v, %v", pb.Images, err)
	}

	bad := validProduct(cat.ID, "C")
	bad.Images = []catalog.NewImage{{Key: "p/c.txt", ContentType: "text/plain"}}
	_, err = s.CreateProducts(ctx, []catalog.NewProduct{validProduct(cat.ID, "D"), bad})
	inv, ok := fault.AsInvalid(err)
	if !ok || inv.Fields["products[1].images[0].content_type"] == "" {
		t.Fatalf("bad image: %v", err)
	}
	if n, err := s.CountProducts(ctx); err != nil || n != 2 {
		t.Fatalf("after the refused batch %d products, %v; want 2", n, err)
	}
}
