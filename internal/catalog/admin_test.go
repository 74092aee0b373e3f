package catalog_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fault"
)

// staffActor is who changes the catalog in these tests (the system user id
// 0, since no users table row is made here).
var staffActor = audit.Actor{Email: "staff@example.com", IP: "127.0.0.1"}

type adminEnv struct {
	d   *db.DB
	s   *catalog.Service
	log *audit.Log
	f   catalogtest.Fixture
}

func newAdminEnv(t *testing.T) adminEnv {
	t.Helper()
	d := dbtest.New(t)
	s := catalog.NewService(d, fixedNow, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	return adminEnv{d: d, s: s, log: audit.New(d, fixedNow), f: catalogtest.Categories(t, s)}
}

// audits returns how many entries of action the log holds.
func (e adminEnv) audits(t *testing.T, action string) int {
	t.Helper()
	_, n, err := e.log.List(t.Context(), audit.Filter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	inv, ok := fault.AsInvalid(err)
	if !ok {
		t.Fatalf("err = %v, want *fault.Invalid naming %q", err, field)
	}
	if _, ok := inv.Fields[field]; !ok {
		t.Fatalf("fields = %v, want %q", inv.Fields, field)
	}
}

// shirt is a product with two options (2 × 2 variants), priced 20,000 won
// with a sale price of 18,000, L costing 2,000 more.
func shirt(categoryID int64, sku string) catalog.ProductInput {
	sale := int64(18000)
	p := catalog.ProductInput{CategoryID: categoryID, Name: "말랑 셔츠", NameEN: "Soft shirt", Summary: "부드러운 셔츠",
		Description: `<p>좋은 <script>alert(1)</script>셔츠</p>`, Type: catalog.Physical, State: catalog.StateOnSale, Ships: true,
		Price: 20000, SalePrice: &sale, SEOTitle: "셔츠 | 말랑", SEODescription: "부드러운 면 셔츠",
		Options: []catalog.OptionInput{{Name: "사이즈", Values: []string{"M", "L"}}, {Name: "색상", Values: []string{"블랙", "화이트"}}}}
	for _, c := range catalog.Combinations(p.Options) {
		delta := int64(0)
		if c[0] == "L" {
			delta = 2000
		}
		p.Variants = append(p.Variants, catalog.VariantInput{Options: c, SKU: sku + "-" + c[0] + "-" + c[1], PriceDelta: delta,
			Stock: 5, LowStock: 2, Active: true})
	}
	return p
}

func TestCategoryAdmin(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	ctx := t.Context()
	food, choco := e.f.Category(t, "food"), e.f.Category(t, "chocolate")
	if _, err := e.s.SaveProduct(ctx, staffActor, 0, shirt(choco.ID, "CAT")); err != nil {
		t.Fatal(err)
	}
	newCat, err := e.s.AddCategory(ctx, staffActor, catalog.NewCategory{ParentID: food.ID, Slug: "tea", Name: "차"})
	if err != nil {
		t.Fatal(err)
	}

	refusals := []struct {
		name  string
		do    func() error
		field string
	}{
		{"move under itself", func() error { return e.s.MoveCategory(ctx, staffActor, food.ID, food.ID) }, "parent_id"},
		{"move under a descendant", func() error { return e.s.MoveCategory(ctx, staffActor, food.ID, choco.ID) }, "parent_id"},
		{"move under an unknown", func() error { return e.s.MoveCategory(ctx, staffActor, food.ID, 99999) }, "parent_id"},
		{"delete with products", func() error { return e.s.DeleteCategory(ctx, staffActor, choco.ID) }, "category"},
		{"delete with children", func() error { return e.s.DeleteCategory(ctx, staffActor, food.ID) }, "category"},
		{"rename to nothing", func() error { return e.s.RenameCategory(ctx, staffActor, choco.ID, " ", "") }, "name"},
		{"slug in use", func() error {
			_, err := e.s.AddCategory(ctx, staffActor, catalog.NewCategory{Slug: "food", Name: "또"})
			return err
		}, "slug"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) { wantField(t, tt.do(), tt.field) })
	}
	if err := e.s.RenameCategory(ctx, staffActor, 99999, "없음", ""); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("rename unknown = %v", err)
	}

	// Rename, move, reorder, hide, delete.
	if err := e.s.RenameCategory(ctx, staffActor, newCat.ID, "녹차", "Green tea"); err != nil {
		t.Fatal(err)
	}
	fashion := e.f.Category(t, "fashion")
	if err := e.s.MoveCategory(ctx, staffActor, newCat.ID, fashion.ID); err != nil {
		t.Fatal(err)
	}
	path, err := e.s.CategoryPath(ctx, newCat.ID)
	if err != nil || len(path) != 2 || path[0].ID != fashion.ID || path[1].Name != "녹차" || path[1].NameEN != "Green tea" {
		t.Fatalf("path after move = %+v, %v", path, err)
	}
	if err := e.s.ShiftCategory(ctx, staffActor, newCat.ID, true); err != nil {
		t.Fatal(err)
	}
	fc, err := e.s.CategoryBySlug(ctx, "fashion")
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, c := range fc.Children {
		order = append(order, c.Slug)
	}
	if want := []string{"tops", "tea", "shoes"}; !slices.Equal(order, want) {
		t.Errorf("fashion's children = %v, want %v", order, want)
	}

	// Hiding chocolate takes it out of the tree, its page, the listing and
	// its products' pages.
	before, err := e.s.List(ctx, catalog.ListQuery{})
	if err != nil || before.Total != 1 {
		t.Fatalf("listing before = %d, %v", before.Total, err)
	}
	if err := e.s.HideCategory(ctx, staffActor, choco.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.CategoryBySlug(ctx, "chocolate"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("hidden category = %v", err)
	}
	after, err := e.s.List(ctx, catalog.ListQuery{})
	if err != nil || after.Total != 0 {
		t.Errorf("listing with the category hidden = %d, %v", after.Total, err)
	}
	if _, err := e.s.Product(ctx, before.Products[0].ID); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("product in a hidden category = %v", err)
	}
	inSitemap := 0
	if err := e.s.SitemapProducts(ctx, 0, 0, func(int64, time.Time) error { inSitemap++; return nil }); err != nil || inSitemap != 0 {
		t.Errorf("sitemap with the category hidden: %d products, %v", inSitemap, err)
	}
	all, err := e.s.AdminCategories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if c.ID == choco.ID && (!c.Hidden || c.Products != 1 || c.Depth != 1) {
			t.Errorf("admin sees chocolate as %+v", c)
		}
	}
	if err := e.s.HideCategory(ctx, staffActor, choco.ID, false); err != nil {
		t.Fatal(err)
	}
	if back, _ := e.s.List(ctx, catalog.ListQuery{}); back.Total != 1 {
		t.Errorf("listing after showing again = %d", back.Total)
	}
	if err := e.s.DeleteCategory(ctx, staffActor, newCat.ID); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"category.created", "category.renamed", "category.moved", "category.reordered",
		"category.hidden", "category.shown", "category.deleted"} {
		if e.audits(t, a) != 1 {
			t.Errorf("audit entries of %s = %d, want 1", a, e.audits(t, a))
		}
	}
}

func TestSaveProduct(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	ctx := t.Context()
	leaf := e.f.Leaves[0].ID
	if _, err := e.s.SaveProduct(ctx, staffActor, 0, shirt(leaf, "TAKEN")); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name  string
		edit  func(p *catalog.ProductInput)
		field string
	}{
		{"no name", func(p *catalog.ProductInput) { p.Name = "  " }, "name"},
		{"no category", func(p *catalog.ProductInput) { p.CategoryID = 0 }, "category_id"},
		{"unknown category", func(p *catalog.ProductInput) { p.CategoryID = 99999 }, "category_id"},
		{"bad state", func(p *catalog.ProductInput) { p.State = "gone" }, "state"},
		{"sale not below price", func(p *catalog.ProductInput) { s := int64(20000); p.SalePrice = &s }, "sale_price"},
		{"negative price", func(p *catalog.ProductInput) { p.Price = -1 }, "price"},
		{"four options", func(p *catalog.ProductInput) {
			p.Options = append(p.Options, catalog.OptionInput{Name: "a", Values: []string{"1"}}, catalog.OptionInput{Name: "b", Values: []string{"1"}})
		}, "options"},
		{"option without values", func(p *catalog.ProductInput) { p.Options[1].Values = nil }, "options[1].values"},
		{"missing combination", func(p *catalog.ProductInput) { p.Variants = p.Variants[1:] }, "variants"},
		{"no SKU", func(p *catalog.ProductInput) { p.Variants[2].SKU = "" }, "variants[2].sku"},
		{"SKU twice", func(p *catalog.ProductInput) { p.Variants[1].SKU = p.Variants[0].SKU }, "variants[1].sku"},
		{"SKU of another product", func(p *catalog.ProductInput) { p.Variants[3].SKU = "TAKEN-L-화이트" }, "variants[3].sku"},
		{"negative price by difference", func(p *catalog.ProductInput) { p.Variants[0].PriceDelta = -19000 }, "variants[0].price_delta"},
		{"negative stock", func(p *catalog.ProductInput) { p.Variants[0].Stock = -1 }, "variants[0].stock"},
		{"long SEO title", func(p *catalog.ProductInput) { p.SEOTitle = string(make([]rune, 71)) }, "seo_title"},
	}
	n0, _ := e.s.CountProducts(ctx)
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			p := shirt(leaf, "NEW")
			tt.edit(&p)
			_, err := e.s.SaveProduct(ctx, staffActor, 0, p)
			wantField(t, err, tt.field)
		})
	}
	if n, _ := e.s.CountProducts(ctx); n != n0 {
		t.Errorf("refused saves left %d products, want %d", n, n0)
	}

	id, err := e.s.SaveProduct(ctx, staffActor, 0, shirt(leaf, "SH"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.s.AdminProduct(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Description != "<p>좋은 셔츠</p>" || got.NameEN != "Soft shirt" || got.Price != 20000 || *got.SalePrice != 18000 ||
		len(got.Variants) != 4 || len(got.Options) != 2 || got.State != catalog.StateOnSale {
		t.Fatalf("AdminProduct = %+v", got)
	}
	d, err := e.s.Product(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.SEOTitle != "셔츠 | 말랑" || d.SEODesc != "부드러운 면 셔츠" || d.Price.Minor != 18000 || d.ListPrice.Minor != 20000 {
		t.Errorf("storefront product = %+v", d.Product)
	}
	for _, v := range d.Variants {
		wantPrice := int64(20000)
		if v.Options[0] == "L" {
			wantPrice = 22000
		}
		if v.Price.Minor != wantPrice || v.SalePrice == nil || v.SalePrice.Minor != wantPrice-2000 {
			t.Errorf("variant %s priced %v / %v", v.SKU, v.Price, v.SalePrice)
		}
	}
	keep := map[[3]string]int64{}
	for _, v := range got.Variants {
		keep[v.Options] = v.ID
	}

	// Dropping 블랙 switches the black variants off rather than deleting
	// them (the stock ledger names them: their opening stock), keeps the
	// white ones with their ids and stock, and adds size S without stock.
	p := shirt(leaf, "SH")
	p.Options = []catalog.OptionInput{{Name: "사이즈", Values: []string{"S", "M", "L"}}, {Name: "색상", Values: []string{"화이트"}}}
	p.Variants = nil
	for _, c := range catalog.Combinations(p.Options) {
		p.Variants = append(p.Variants, catalog.VariantInput{Options: c, SKU: "SH2-" + c[0], Active: true})
	}
	if _, err := e.s.SaveProduct(ctx, staffActor, id, p); err != nil {
		t.Fatal(err)
	}
	got, err = e.s.AdminProduct(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	active := map[[3]string]catalog.EditVariant{}
	inactive := 0
	for _, v := range got.Variants {
		if v.Active {
			active[v.Options] = v
		} else {
			inactive++
		}
	}
	if len(active) != 3 || inactive != 2 {
		t.Fatalf("variants after the edit = %+v", got.Variants)
	}
	if m := active[[3]string{"M", "화이트"}]; m.ID != keep[[3]string{"M", "화이트"}] || m.Stock != 5 || m.SKU != "SH2-M" {
		t.Errorf("M/화이트 after the edit = %+v (was id %d, stock 5)", m, keep[[3]string{"M", "화이트"}])
	}
	if s := active[[3]string{"S", "화이트"}]; s.ID == 0 || s.Stock != 0 {
		t.Errorf("new S/화이트 = %+v", s)
	}
	// S, which nothing names, goes away for good when dropped.
	p.Options[0].Values = []string{"M", "L"}
	p.Variants = p.Variants[1:]
	if _, err := e.s.SaveProduct(ctx, staffActor, id, p); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.s.AdminProduct(ctx, id); len(got.Variants) != 4 {
		t.Errorf("variants after dropping S = %+v", got.Variants)
	}
	if e.audits(t, "product.created") != 2 || e.audits(t, "product.updated") != 2 {
		t.Errorf("audit: created %d, updated %d", e.audits(t, "product.created"), e.audits(t, "product.updated"))
	}
	if _, err := e.s.SaveProduct(ctx, staffActor, 99999, p); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("save unknown product = %v", err)
	}
}

func TestSaleStates(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	ctx := t.Context()
	tests := []struct {
		state           catalog.SaleState
		listed, visible bool
		buyable         bool
	}{
		{catalog.StateOnSale, true, true, true},
		{catalog.StateSoldOut, true, true, false},
		{catalog.StateDraft, false, false, false},
		{catalog.StateHidden, false, false, false},
	}
	for i, tt := range tests {
		t.Run(string(tt.state), func(t *testing.T) {
			p := shirt(e.f.Leaves[i].ID, "ST"+string(tt.state))
			p.State = tt.state
			id, err := e.s.SaveProduct(ctx, staffActor, 0, p)
			if err != nil {
				t.Fatal(err)
			}
			l, err := e.s.List(ctx, catalog.ListQuery{Category: e.f.Leaves[i].Slug})
			if err != nil {
				t.Fatal(err)
			}
			if listed := l.Total == 1; listed != tt.listed {
				t.Errorf("listed = %v, want %v", listed, tt.listed)
			}
			if tt.listed && l.Products[0].InStock != tt.buyable {
				t.Errorf("in stock in the listing = %v", l.Products[0].InStock)
			}
			d, err := e.s.Product(ctx, id)
			if (err == nil) != tt.visible {
				t.Fatalf("Product = %v, visible %v", err, tt.visible)
			}
			if err == nil && d.Variants[0].Buyable() != tt.buyable {
				t.Errorf("variant buyable = %v", d.Variants[0].Buyable())
			}
			got, err := e.s.AdminProduct(ctx, id)
			if err != nil || got.State != tt.state {
				t.Fatalf("AdminProduct state = %q, %v", got.State, err)
			}
			cv, err := e.s.CartVariants(ctx, []int64{got.Variants[0].ID})
			if err != nil {
				t.Fatal(err)
			}
			if cv[got.Variants[0].ID].Buyable() != tt.buyable {
				t.Errorf("cart variant buyable = %v", cv[got.Variants[0].ID].Buyable())
			}
			err = e.d.InTx(ctx, func(q db.Querier) error { return e.s.TakeStock(ctx, q, got.Variants[0].ID, 1) })
			if (err == nil) != tt.buyable {
				t.Errorf("TakeStock = %v, want buyable %v", err, tt.buyable)
			}
			rows, total, err := e.s.AdminProducts(ctx, catalog.AdminQuery{State: tt.state, Text: "st" + string(tt.state)})
			if err != nil || total != 1 || rows[0].ID != id {
				t.Errorf("AdminProducts by state and SKU = %+v, %d, %v", rows, total, err)
			}
		})
	}
}

func TestDigitalNeverShips(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	p := catalog.ProductInput{CategoryID: e.f.Leaves[0].ID, Name: "전자책", Type: catalog.Digital, State: catalog.StateOnSale,
		Ships: true, Price: 9000, Variants: []catalog.VariantInput{{SKU: "EBOOK", Stock: 100, Active: true}}}
	id, err := e.s.SaveProduct(t.Context(), staffActor, 0, p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.s.AdminProduct(t.Context(), id)
	if err != nil || got.Ships {
		t.Fatalf("digital product ships = %v, %v", got.Ships, err)
	}
	cv, err := e.s.CartVariants(t.Context(), []int64{got.Variants[0].ID})
	if err != nil || !cv[got.Variants[0].ID].NoShipping {
		t.Errorf("cart variant = %+v, %v", cv[got.Variants[0].ID], err)
	}
}

func TestAdjustStock(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	ctx := t.Context()
	id, err := e.s.SaveProduct(ctx, staffActor, 0, shirt(e.f.Leaves[0].ID, "ADJ"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.s.AdminProduct(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	v := p.Variants[0].ID // stock 5, threshold 2
	tests := []struct {
		name   string
		delta  int64
		reason catalog.StockReason
		note   string
		field  string // "" when it succeeds
		after  int64
	}{
		{"received", 10, catalog.ReasonReceived, "", "", 15},
		{"defect", -3, catalog.ReasonDefect, "찢어짐", "", 12},
		{"below zero", -13, catalog.ReasonCount, "", "delta", 12},
		{"zero", 0, catalog.ReasonCount, "", "delta", 12},
		{"bad reason", 1, "lost", "", "reason", 12},
		{"other without a note", 1, catalog.ReasonOther, " ", "note", 12},
		{"count to zero", -12, catalog.ReasonCount, "실사", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.s.AdjustStock(ctx, staffActor, v, tt.delta, tt.reason, tt.note)
			if tt.field != "" {
				wantField(t, err, tt.field)
			} else if err != nil || got.StockAfter != tt.after {
				t.Fatalf("AdjustStock = %+v, %v", got, err)
			}
			sv, _, err := e.s.StockLedger(ctx, v)
			if err != nil || sv.Stock != tt.after {
				t.Errorf("stock = %d, %v; want %d", sv.Stock, err, tt.after)
			}
		})
	}
	sv, es, err := e.s.StockLedger(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 4 || es[0].Delta != -12 || es[0].Reason != catalog.ReasonCount || es[3].Note != "opening stock" ||
		es[1].Note != "찢어짐" || es[1].ActorEmail != "staff@example.com" || sv.Options != "사이즈: M / 색상: 블랙" {
		t.Errorf("ledger = %+v of %+v", es, sv)
	}
	if _, err := e.s.AdjustStock(ctx, staffActor, 99999, 1, catalog.ReasonReceived, ""); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("unknown variant = %v", err)
	}
	if e.audits(t, "stock.adjusted") != 3 {
		t.Errorf("audit entries = %d, want 3", e.audits(t, "stock.adjusted"))
	}
	low, err := e.s.LowStock(ctx, 10, 0)
	if err != nil || len(low) != 1 || low[0].ID != v {
		t.Errorf("LowStock = %+v, %v", low, err)
	}
	if n, err := e.s.CountLowStock(ctx); n != 1 || err != nil {
		t.Errorf("CountLowStock = %d, %v; want 1", n, err)
	}
	if low, err := e.s.LowStock(ctx, 10, 1); err != nil || len(low) != 0 {
		t.Errorf("LowStock after the first = %+v, %v", low, err)
	}
	if _, err := e.s.LowStock(ctx, 10, -1); err == nil {
		t.Error("LowStock at offset -1 is accepted")
	}
	if _, err := e.s.AdjustStock(ctx, staffActor, v, 3, catalog.ReasonReceived, ""); err != nil {
		t.Fatal(err)
	}
	if low, _ := e.s.LowStock(ctx, 10, 0); len(low) != 0 {
		t.Errorf("LowStock above the threshold = %+v", low)
	}
	if n, err := e.s.CountLowStock(ctx); n != 0 || err != nil {
		t.Errorf("CountLowStock above the threshold = %d, %v; want 0", n, err)
	}
}

// Two staff create products with the same SKU at once: one product is made
// and the other gets a clear field error, never a failure.
func TestSameSKUAtOnce(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	ctx := context.Background()
	const n = 2
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			p := catalog.ProductInput{CategoryID: e.f.Leaves[0].ID, Name: "동시 상품", State: catalog.StateOnSale, Price: 1000,
				Variants: []catalog.VariantInput{{SKU: "RACE-1", Stock: 1, Active: true}}}
			_, errs[i] = e.s.SaveProduct(ctx, staffActor, 0, p)
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		inv, isInv := fault.AsInvalid(err)
		if !isInv || (inv.Fields["variants[0].sku"] == "" && inv.Fields["variants"] == "") {
			t.Errorf("the loser got %v, want a field error", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d creates succeeded, want 1 (%v)", ok, errs)
	}
	if n, _ := e.s.CountProducts(ctx); n != 1 {
		t.Errorf("products = %d, want 1", n)
	}
}
