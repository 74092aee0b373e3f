package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
)

type imagesEnv struct {
	d       *db.DB
	cat     *catalog.Service
	images  *catalog.Images
	uploads *media.Uploads
	store   *media.Store
	thumbs  *catalogtest.Thumbs
	clock   *fake.Clock
	product int64
	second  int64 // another product
	by      audit.Actor
}

func newImagesEnv(t *testing.T, a catalog.Audit) *imagesEnv {
	t.Helper()
	d := dbtest.New(t)
	store, err := media.Open(t.Context(), "mem://")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := &imagesEnv{d: d, store: store, thumbs: &catalogtest.Thumbs{},
		clock: fake.NewClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)), by: audit.Actor{Email: "staff@example.com"}}
	e.cat = catalog.NewService(d, e.clock.Now, slog.New(slog.DiscardHandler), e.thumbs)
	if a == nil {
		a = audit.New(d, e.clock.Now)
	}
	e.uploads = media.NewUploads(d, store, a, e.clock.Now, slog.New(slog.DiscardHandler), e.cat)
	e.images = catalog.NewImages(e.cat, store, e.uploads, a)
	f := catalogtest.Seed(t, e.cat, 2)
	e.product, e.second = f.Products[0], f.Products[1]
	return e
}

// stage stages a w×h PNG.
func stage(t *testing.T, w, h int) *media.Staged {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	st, err := media.Stage(&buf, media.MaxImageBytes)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Remove)
	return st
}

func (e *imagesEnv) mainKey(t *testing.T) string {
	t.Helper()
	p, err := e.cat.Product(t.Context(), e.product)
	if err != nil {
		t.Fatal(err)
	}
	if p.Image == nil {
		return ""
	}
	return p.Image.Key
}

// cardKey is the key of the image the product's card shows in listings,
// or "" for none.
func (e *imagesEnv) cardKey(t *testing.T) string {
	t.Helper()
	cards, err := e.cat.Cards(t.Context(), []int64{e.product})
	if err != nil || len(cards) != 1 {
		t.Fatalf("Cards = %v, %v", cards, err)
	}
	if cards[0].Image == nil {
		return ""
	}
	return cards[0].Image.Key
}

func (e *imagesEnv) ids(t *testing.T) []int64 {
	t.Helper()
	pi, err := e.images.List(t.Context(), e.product)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, img := range pi.Images {
		ids = append(ids, img.ID)
	}
	return ids
}

func TestImagesAdd(t *testing.T) {
	t.Parallel()
	e := newImagesEnv(t, nil)
	ctx := t.Context()
	got, err := e.images.Add(ctx, e.by, e.product, []*media.Staged{stage(t, 30, 20), stage(t, 10, 40)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Width != 30 || got[1].Height != 40 || !strings.HasPrefix(got[0].Key, "products/") {
		t.Fatalf("Add = %+v", got)
	}
	if k := e.mainKey(t); k != got[0].Key {
		t.Errorf("main image %q, want the first uploaded %q", k, got[0].Key)
	}
	if asked := e.thumbs.Asked(); !slices.Equal(asked, []int64{got[0].ID, got[1].ID}) {
		t.Errorf("thumbnails asked for %v", asked)
	}
	for _, img := range got {
		if ok, err := e.store.Exists(ctx, img.Key); err != nil || !ok {
			t.Errorf("object %s missing: %v", img.Key, err)
		}
	}
	entries, _, err := audit.New(e.d, e.clock.Now).List(ctx, audit.Filter{Action: "product.images.add"})
	if err != nil || len(entries) != 1 || entries[0].TargetID == "" {
		t.Errorf("audit = %+v, %v", entries, err)
	}

	tests := []struct {
		name    string
		product int64
		files   int
		want    error
		field   string
	}{
		{"unknown product", 999999, 1, fault.ErrNotFound, ""},
		{"none", e.product, 0, nil, "images"},
		{"too many", e.product, catalog.MaxImages - 1, nil, "images"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := make([]*media.Staged, tt.files)
			for i := range files {
				files[i] = stage(t, 5+i, 5)
			}
			_, err := e.images.Add(ctx, e.by, tt.product, files)
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Add = %v, want %v", err, tt.want)
			}
			if tt.field != "" {
				if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[tt.field] == "" {
					t.Fatalf("Add = %v, want a message on %s", err, tt.field)
				}
			}
			if n := len(e.ids(t)); n != 2 {
				t.Fatalf("product has %d images after a refused Add, want 2", n)
			}
		})
	}
}

// refuse is an Audit that fails, so the change's transaction rolls back.
type refuse struct{}

func (refuse) Record(context.Context, db.Querier, audit.Entry) error { return io.ErrClosedPipe }

func TestImagesAddFailureStoresNothing(t *testing.T) {
	t.Parallel()
	e := newImagesEnv(t, refuse{})
	ctx := t.Context()
	st := stage(t, 7, 7)
	if _, err := e.images.Add(ctx, e.by, e.product, []*media.Staged{st}); err == nil {
		t.Fatal("Add with a failing audit: no error")
	}
	if ok, _ := e.store.Exists(ctx, st.Key("products")); ok {
		t.Error("object left behind")
	}
	var n int
	if err := e.d.Read().GetContext(ctx, &n, `SELECT (SELECT COUNT(*) FROM product_images) + (SELECT COUNT(*) FROM media_uploads)`); err != nil || n != 0 {
		t.Errorf("%d rows left, %v", n, err)
	}
}

func TestImagesArrange(t *testing.T) {
	t.Parallel()
	e := newImagesEnv(t, nil)
	ctx := t.Context()
	imgs, err := e.images.Add(ctx, e.by, e.product, []*media.Staged{stage(t, 1, 1), stage(t, 2, 2), stage(t, 3, 3)})
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := imgs[0].ID, imgs[1].ID, imgs[2].ID
	if got := e.cardKey(t); got != imgs[0].Key {
		t.Fatalf("card after Add shows %q, want the first image %q", got, imgs[0].Key)
	}

	if err := e.images.Reorder(ctx, e.by, e.product, []int64{c, a, b}); err != nil {
		t.Fatal(err)
	}
	if got := e.ids(t); !slices.Equal(got, []int64{c, a, b}) {
		t.Fatalf("after Reorder: %v", got)
	}
	if e.mainKey(t) != imgs[2].Key || e.cardKey(t) != imgs[2].Key {
		t.Fatal("the first image is not the listing's image")
	}
	for _, bad := range [][]int64{{a, b}, {a, b, b}, {a, b, c, 999}} {
		if _, ok := fault.AsInvalid(e.images.Reorder(ctx, e.by, e.product, bad)); !ok {
			t.Errorf("Reorder(%v): want *fault.Invalid", bad)
		}
	}
	if err := e.images.SetMain(ctx, e.by, e.product, b); err != nil {
		t.Fatal(err)
	}
	if got := e.ids(t); !slices.Equal(got, []int64{b, c, a}) {
		t.Fatalf("after SetMain: %v", got)
	}
	if got := e.cardKey(t); got != imgs[1].Key {
		t.Fatalf("card after SetMain shows %q, want %q", got, imgs[1].Key)
	}
	if err := e.images.SetAlt(ctx, e.by, e.product, b, "  흰색 티셔츠 앞면  "); err != nil {
		t.Fatal(err)
	}
	pi, _ := e.images.List(ctx, e.product)
	if pi.Images[0].Alt != "흰색 티셔츠 앞면" || pi.Name == "" {
		t.Errorf("after SetAlt: %+v", pi)
	}
	if _, ok := fault.AsInvalid(e.images.SetAlt(ctx, e.by, e.product, b, strings.Repeat("가", catalog.MaxAlt+1))); !ok {
		t.Error("SetAlt too long: want *fault.Invalid")
	}
	if err := e.images.Delete(ctx, e.by, e.product, b); err != nil {
		t.Fatal(err)
	}
	if got := e.ids(t); !slices.Equal(got, []int64{c, a}) {
		t.Fatalf("after Delete: %v", got)
	}
	if got := e.cardKey(t); got != imgs[2].Key {
		t.Fatalf("card after deleting the first image shows %q, want %q", got, imgs[2].Key)
	}
	for name, err := range map[string]error{
		"delete twice":            e.images.Delete(ctx, e.by, e.product, b),
		"main of another product": e.images.SetMain(ctx, e.by, e.second, a),
		"alt of another product":  e.images.SetAlt(ctx, e.by, e.second, a, "x"),
	} {
		if !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("%s: %v, want fault.ErrNotFound", name, err)
		}
	}
	entries, _, err := audit.New(e.d, e.clock.Now).List(ctx, audit.Filter{})
	if err != nil || len(entries) != 5 { // add, reorder, main, alt, delete
		t.Errorf("audit has %d entries, %v; want 5", len(entries), err)
	}
}

func TestSweepKeepsAttachedImages(t *testing.T) {
	t.Parallel()
	e := newImagesEnv(t, nil)
	ctx := t.Context()
	imgs, err := e.images.Add(ctx, e.by, e.product, []*media.Staged{stage(t, 4, 4), stage(t, 5, 5)})
	if err != nil {
		t.Fatal(err)
	}
	inText, err := e.uploads.EditorImage(ctx, e.by, stage(t, 6, 6))
	if err != nil {
		t.Fatal(err)
	}
	unused, err := e.uploads.EditorImage(ctx, e.by, stage(t, 7, 7))
	if err != nil {
		t.Fatal(err)
	}
	desc := `<p>설명</p><img src="` + inText + `" alt="">`
	if err := e.cat.UpdateProduct(ctx, e.product, catalog.ProductUpdate{Description: &desc}); err != nil {
		t.Fatal(err)
	}
	if err := e.images.Delete(ctx, e.by, e.product, imgs[1].ID); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(media.Grace + time.Hour)
	fresh, err := e.uploads.EditorImage(ctx, e.by, stage(t, 8, 8))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.uploads.Sweep(ctx); err != nil || n != 2 {
		t.Fatalf("Sweep = %d, %v; want 2 (the deleted image, the unused upload)", n, err)
	}
	key := func(u string) string { return strings.TrimPrefix(u, media.URLPrefix) }
	for k, want := range map[string]bool{imgs[0].Key: true, key(inText): true, key(fresh): true, imgs[1].Key: false, key(unused): false} {
		if ok, err := e.store.Exists(ctx, k); err != nil || ok != want {
			t.Errorf("%s exists = %v, %v; want %v", k, ok, err, want)
		}
	}
}
