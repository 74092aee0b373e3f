// Package seed fills the catalog with a believable Korean demo shop: a
// two-level category tree (식품, 패션, 생활, 디지털 with ten subcategories),
// each selling a few kinds of product (원두, 반팔 티셔츠, 샴푸) with their own
// Korean and English names, sizes and counts, options, prices and
// descriptions; sale prices, a few sold-out products (never featured),
// featured, digital and subscription products; and for each a picture of
// its kind drawn offline, the same for the same seed. It makes the 200-product shop of
// the first start and, with Options.Products, catalogs of any size for
// benchmarks.
package seed

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
)

// DefaultProducts is the size of the demo catalog.
const DefaultProducts = 200

const (
	// batchSize products are created per CreateProducts call (one
	// transaction each).
	batchSize = 500
	// poolPerKind caps the distinct images of a kind of product; bigger
	// catalogs reuse them, so 100,000 products cost at most 6 images for
	// each of the 73 kinds, and no thumbnail jobs.
	poolPerKind = 6
)

// Options tune Run.
type Options struct {
	// Products is how many products to add; 0 means DefaultProducts.
	Products int
	// Images makes a picture for every product (stored in the media bucket
	// with its thumbnails) and attaches it.
	Images bool
	// Rand seeds the generator: the same seed, size and starting catalog
	// give the same products, variants and images.
	Rand int64
	// Now is the end of the 90 days over which creation times are spread;
	// zero means the current time.
	Now time.Time

	pool int // distinct images per kind; 0 means poolPerKind (tests make fewer)
}

// Stats counts what Run made. Categories counts the demo tree, including
// categories that already existed and were reused.
type Stats struct {
	Categories int
	Products   int
	Variants   int
	Images     int
}

// Run adds the demo categories (reusing those whose slug exists, so it can
// run again on a seeded shop) and opt.Products products, writing one
// progress line per batch to progress ("상품 12,500 / 100,000 (12%)"; nil
// discards them). Products go in through CreateProducts in batches of 500.
// Each leaf category's products take its kinds in turn. With opt.Images,
// each kind of product gets up to 6 distinct pictures of that kind (a
// T-shirt, a mug, a bag of coffee) whose thumbnails Run makes itself, and
// every product gets one of its kind's, attached by CreateProducts with
// ThumbsReady set, so no thumbnail jobs are queued. SKUs continue from the current product count. A negative
// opt.Products is a *fault.Invalid.
func Run(ctx context.Context, cat *catalog.Service, store *media.Store, opt Options, progress io.Writer) (Stats, error) {
	if opt.Products < 0 {
		return Stats{}, &fault.Invalid{Fields: map[string]string{"products": "must not be negative"}}
	}
	if opt.Products == 0 {
		opt.Products = DefaultProducts
	}
	if progress == nil {
		progress = io.Discard
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	opt.Now = opt.Now.UTC()
	var st Stats
	leaves, leafIDs, err := categories(ctx, cat)
	if err != nil {
		return st, err
	}
	st.Categories = len(tree) + len(leaves)
	offset, err := cat.CountProducts(ctx)
	if err != nil {
		return st, fmt.Errorf("seed: %w", err)
	}
	// Product i is of leaf i%len(leaves) and, the j-th of its leaf, of that
	// leaf's kind j%len(kinds); so how many products each kind gets is
	// known before any is made.
	kindOf := func(i int) (li, ki int) {
		li = i % len(leaves)
		return li, (i / len(leaves)) % len(leaves[li].kinds)
	}
	var pools [][][]string // keys of the pictures of each kind of each leaf
	if opt.Images {
		if opt.pool <= 0 {
			opt.pool = poolPerKind
		}
		want := make([][]int, len(leaves))
		for li, l := range leaves {
			want[li] = make([]int, len(l.kinds))
		}
		for i := 0; i < min(opt.Products, opt.pool*len(leaves)*maxKinds()); i++ {
			li, ki := kindOf(i)
			want[li][ki] = min(opt.pool, want[li][ki]+1)
		}
		if pools, err = makePools(ctx, store, leaves, want, opt.Rand, progress); err != nil {
			return st, err
		}
	}
	rng := rand.New(rand.NewPCG(uint64(opt.Rand), 0x6d616c6c616e67)) // "mallang"
	used := make(map[[2]int]int)                                     // images handed out per kind
	for start := 0; start < opt.Products; start += batchSize {
		n := min(batchSize, opt.Products-start)
		batch := make([]catalog.NewProduct, n)
		for j := range batch {
			i := start + j
			li, ki := kindOf(i)
			batch[j] = makeProduct(rng, leaves[li], &leaves[li].kinds[ki], leafIDs[li], "ML"+strconv.Itoa(1_000_000+offset+i), opt.Now)
			st.Variants += len(batch[j].Variants)
			if pools != nil {
				pool := pools[li][ki]
				key := pool[used[[2]int{li, ki}]%len(pool)]
				used[[2]int{li, ki}]++
				batch[j].Images = []catalog.NewImage{{Key: key, ContentType: "image/jpeg", Width: cardSize, Height: cardSize,
					Alt: batch[j].Name, ThumbsReady: true}}
			}
		}
		ids, err := cat.CreateProducts(ctx, batch)
		if err != nil {
			return st, fmt.Errorf("seed products %d–%d: %w", start+1, start+n, err)
		}
		st.Products += len(ids)
		if pools != nil {
			st.Images += len(ids)
		}
		done := start + n
		fmt.Fprintf(progress, "상품 %s / %s (%d%%)\n", thousands(done), thousands(opt.Products), done*100/opt.Products)
	}
	return st, nil
}

// categories makes (or finds) the demo tree and returns its leaves, in tree
// order, with their ids.
func categories(ctx context.Context, cat *catalog.Service) ([]*leaf, []int64, error) {
	existing, err := cat.Categories(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("seed categories: %w", err)
	}
	bySlug := map[string]int64{}
	var walk func([]*catalog.Category)
	walk = func(cs []*catalog.Category) {
		for _, c := range cs {
			bySlug[c.Slug] = c.ID
			walk(c.Children)
		}
	}
	walk(existing)
	ensure := func(nc catalog.NewCategory) (int64, error) {
		if id, ok := bySlug[nc.Slug]; ok {
			return id, nil
		}
		c, err := cat.CreateCategory(ctx, nc)
		if err != nil {
			return 0, fmt.Errorf("seed category %s: %w", nc.Slug, err)
		}
		return c.ID, nil
	}
	var leaves []*leaf
	var ids []int64
	for ti := range tree {
		t := &tree[ti]
		parent, err := ensure(catalog.NewCategory{Slug: t.slug, Name: t.name, NameEN: t.nameEN, Position: ti + 1})
		if err != nil {
			return nil, nil, err
		}
		for li := range t.leaves {
			l := &t.leaves[li]
			id, err := ensure(catalog.NewCategory{ParentID: parent, Slug: l.slug, Name: l.name, NameEN: l.nameEN, Position: li + 1})
			if err != nil {
				return nil, nil, err
			}
			leaves = append(leaves, l)
			ids = append(ids, id)
		}
	}
	return leaves, ids, nil
}

// maxKinds is the most kinds a leaf of the tree has.
func maxKinds() int {
	n := 0
	for _, t := range tree {
		for _, l := range t.leaves {
			n = max(n, len(l.kinds))
		}
	}
	return n
}

// makePools draws want[leaf][kind] pictures of each kind, stores them and
// their thumbnails and returns their keys, per leaf and kind. Pictures
// whose thumbnails are already stored are skipped (the keys are content
// hashes, so a second run finds them). Each picture has a generator of its
// own, seeded by seed, leaf, kind and number, so the same seed draws the
// same bytes whatever the order they are drawn in.
func makePools(ctx context.Context, store *media.Store, leaves []*leaf, want [][]int, seed int64, progress io.Writer) ([][][]string, error) {
	total := 0
	for _, w := range want {
		for _, n := range w {
			total += n
		}
	}
	fmt.Fprintf(progress, "상품 이미지 %s장 만드는 중…\n", thousands(total))
	pools := make([][][]string, len(leaves))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, runtime.GOMAXPROCS(0)))
	for li, l := range leaves {
		pools[li] = make([][]string, len(l.kinds))
		for ki := range l.kinds {
			pools[li][ki] = make([]string, want[li][ki])
			for n := range want[li][ki] {
				g.Go(func() error {
					data := picture(seed, l, li, ki, n)
					key := media.ContentKey("products", data, "image/jpeg")
					pools[li][ki][n] = key
					ok, err := store.Exists(gctx, media.ThumbKey(key, media.Sizes[len(media.Sizes)-1]))
					if err != nil || ok {
						return err
					}
					if err := store.Put(gctx, key, "image/jpeg", bytes.NewReader(data)); err != nil {
						return fmt.Errorf("seed image: %w", err)
					}
					if err := store.MakeThumbnails(gctx, key); err != nil {
						return fmt.Errorf("seed image: %w", err)
					}
					return nil
				})
			}
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return pools, nil
}

// picture draws picture n of kind ki of leaf l, the li-th leaf, with a
// generator of its own, seeded by seed, leaf, kind and number: the same
// arguments draw the same bytes whatever the order pictures are drawn in.
func picture(seed int64, l *leaf, li, ki, n int) []byte {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(li)<<32|uint64(ki)<<16|uint64(n)))
	return card(rng, l.hue, &l.kinds[ki])
}

// thousands writes n with thousands separators: 12,500.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
