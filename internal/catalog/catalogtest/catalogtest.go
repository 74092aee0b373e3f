// Package catalogtest makes catalogs for tests of the packages above
// catalog (web, api, seed): a small two-level category tree and any number
// of products with predictable names, prices, stock and dates.
package catalogtest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/josa"
)

// Base is the creation time of product 0; product i was created i minutes
// later, so the newest product has the highest index.
var Base = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Fixture is what Seed made.
type Fixture struct {
	// Roots are the top-level categories in tree order, with Children.
	Roots []catalog.Category
	// Leaves are the second-level categories that hold the products;
	// product i is in Leaves[i%len(Leaves)].
	Leaves []catalog.Category
	// Products are the ids of the products, by index i.
	Products []int64
}

// Category returns the category of the fixture with slug, failing the test
// when there is none.
func (f Fixture) Category(t testing.TB, slug string) catalog.Category {
	t.Helper()
	for _, c := range append(append([]catalog.Category(nil), f.Roots...), f.Leaves...) {
		if c.Slug == slug {
			return c
		}
	}
	t.Fatalf("catalogtest: no category %q", slug)
	return catalog.Category{}
}

type node struct {
	slug, name, nameEN string
	children           []node
}

// tree is the category tree Seed makes: four roots ("food", "fashion",
// "living", "digital"; digital has no children and no products) and seven
// leaves.
var tree = []node{
	{"food", "식품", "Food", []node{
		{"chocolate", "초콜릿", "Chocolate", nil},
		{"coffee", "커피", "Coffee", nil},
		{"snack", "과자", "Snacks", nil},
	}},
	{"fashion", "패션", "Fashion", []node{
		{"tops", "상의", "Tops", nil},
		{"shoes", "신발", "Shoes", nil},
	}},
	{"living", "리빙", "Living", []node{
		{"kitchen", "주방", "Kitchen", nil},
		{"bath", "욕실", "Bath", nil},
	}},
	{"digital", "디지털", "Digital", nil},
}

// nouns name the products of each leaf, in Leaves order.
var nouns = [][]string{
	{"다크초콜릿세트", "밀크초콜릿", "초콜릿쿠키"},
	{"원두커피", "드립백커피", "콜드브루"},
	{"감자칩", "버터쿠키", "쌀과자"},
	{"면 티셔츠", "린넨 셔츠", "니트"},
	{"운동화", "슬리퍼", "로퍼"},
	{"프라이팬", "도마", "머그컵"},
	{"수건", "비누", "칫솔"},
}

var adjectives = []string{"말랑", "포근한", "산뜻한", "든든한", "고소한"}

// Categories makes the fixture's category tree (no products). Call it once
// per database.
func Categories(t testing.TB, s *catalog.Service) Fixture {
	t.Helper()
	ctx := context.Background()
	var f Fixture
	for i, r := range tree {
		root, err := s.CreateCategory(ctx, catalog.NewCategory{Slug: r.slug, Name: r.name, NameEN: r.nameEN, Position: i})
		if err != nil {
			t.Fatalf("catalogtest: %v", err)
		}
		for j, c := range r.children {
			leaf, err := s.CreateCategory(ctx, catalog.NewCategory{ParentID: root.ID, Slug: c.slug, Name: c.name, NameEN: c.nameEN, Position: j})
			if err != nil {
				t.Fatalf("catalogtest: %v", err)
			}
			f.Leaves = append(f.Leaves, leaf)
		}
	}
	roots, err := s.Categories(ctx)
	if err != nil {
		t.Fatalf("catalogtest: %v", err)
	}
	for _, r := range roots {
		f.Roots = append(f.Roots, *r)
	}
	return f
}

// Product returns product i of the fixture in category categoryID (Seed
// puts it in Leaves[i%7], whose noun it carries):
//   - name "<adjective> <noun> <i>", such as "말랑 다크초콜릿세트 0";
//   - one variant priced 1,000 + (i×37 mod 50)×500 won, SKU "CT-<i>-1";
//   - every 5th (i%5 == 4) on sale at 10 % off;
//   - every 7th (i%7 == 6) sold out, the others 10 in stock;
//   - every 10th (i%10 == 0) featured;
//   - every 4th (i%4 == 3) with a 사이즈 option and variants S, M, L, where
//     L costs 1,000 won more;
//   - created Base + i minutes.
func Product(i int, categoryID int64) catalog.NewProduct {
	noun := nouns[i%len(nouns)][i/len(nouns)%3]
	price := int64(1000 + (i*37%50)*500)
	var sale *int64
	if i%5 == 4 {
		sp := price - price/10
		sale = &sp
	}
	stock := int64(10)
	if i%7 == 6 {
		stock = 0
	}
	name := fmt.Sprintf("%s %s %d", adjectives[i%len(adjectives)], noun, i)
	p := catalog.NewProduct{
		CategoryID:  categoryID,
		Name:        name,
		Summary:     noun + " — 말랑 직영",
		Description: fmt.Sprintf("<p>%s%s 정성껏 고른 <b>말랑</b> 상품입니다.</p>", name, josa.Pick(name, "은(는)")),
		Featured:    i%10 == 0,
		CreatedAt:   Base.Add(time.Duration(i) * time.Minute),
	}
	if i%4 == 3 {
		p.OptionNames = []string{"사이즈"}
		for j, size := range []string{"S", "M", "L"} {
			vp := price
			if size == "L" {
				vp += 1000
			}
			v := catalog.NewVariant{SKU: fmt.Sprintf("CT-%d-%d", i, j+1), Options: [3]string{size}, Price: vp, Stock: stock, Active: true}
			if sale != nil {
				sp := vp - vp/10
				v.SalePrice = &sp
			}
			p.Variants = append(p.Variants, v)
		}
		return p
	}
	p.Variants = []catalog.NewVariant{{SKU: fmt.Sprintf("CT-%d-1", i), Price: price, SalePrice: sale, Stock: stock, Active: true}}
	return p
}

// Seed makes the category tree and n products (see Product), in batches of
// 500, and returns what it made. Call it once per database.
func Seed(t testing.TB, s *catalog.Service, n int) Fixture {
	t.Helper()
	f := Categories(t, s)
	f.Products = Products(t, s, f, 0, n)
	return f
}

// Products adds products from to from+n-1 of the fixture f (see Product)
// and returns their ids.
func Products(t testing.TB, s *catalog.Service, f Fixture, from, n int) []int64 {
	t.Helper()
	ids := make([]int64, 0, n)
	const batch = 500
	for start := from; start < from+n; start += batch {
		end := min(start+batch, from+n)
		ps := make([]catalog.NewProduct, 0, end-start)
		for i := start; i < end; i++ {
			ps = append(ps, Product(i, f.Leaves[i%len(f.Leaves)].ID))
		}
		got, err := s.CreateProducts(context.Background(), ps)
		if err != nil {
			t.Fatalf("catalogtest: products %d to %d: %v", start, end-1, err)
		}
		ids = append(ids, got...)
	}
	return ids
}

// Thumbs stands in for the job queue that makes thumbnails
// (catalog.ThumbnailQueue): it records the images asked for, in order.
type Thumbs struct {
	mu  sync.Mutex
	ids []int64
}

// EnqueueThumbnails records imageID.
func (t *Thumbs) EnqueueThumbnails(_ context.Context, _ db.Querier, imageID int64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ids = append(t.ids, imageID)
	return nil
}

// Asked returns the images whose thumbnails were asked for.
func (t *Thumbs) Asked() []int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.ids)
}
