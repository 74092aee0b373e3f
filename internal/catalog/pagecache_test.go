package catalog_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
)

// A listing page is served from memory until a write through the service
// or the page's time to live ends it; a change made behind the service's
// back (another app node) shows once the time has passed.
func TestListPageCache(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	clock := fake.NewClock(catalogtest.Base.Add(24 * time.Hour))
	s := catalog.NewService(d, clock.Now, slog.New(slog.NewTextHandler(io.Discard, nil)), &catalogtest.Thumbs{})
	ctx := context.Background()
	catalogtest.Seed(t, s, 10)
	q := catalog.ListQuery{Sort: catalog.SortNewest}

	first := func() catalog.Product {
		t.Helper()
		res, err := s.List(ctx, q)
		if err != nil || len(res.Products) == 0 {
			t.Fatalf("List = %v, %v", res, err)
		}
		return res.Products[0]
	}
	top := first()

	// Another node renames the product: this node keeps serving its page.
	if _, err := d.Write().ExecContext(ctx, d.Write().Rebind(`UPDATE products SET name = ? WHERE id = ?`), "다른 노드가 바꾼 이름", top.ID); err != nil {
		t.Fatal(err)
	}
	if got := first().Name; got != top.Name {
		t.Fatalf("within the time to live the page changed to %q", got)
	}
	clock.Advance(3 * time.Second)
	if got := first().Name; got != "다른 노드가 바꾼 이름" {
		t.Fatalf("after the time to live the page still shows %q", got)
	}

	// A write through this service shows at once.
	name := "바로 보이는 새 이름"
	if err := s.UpdateProduct(ctx, top.ID, catalog.ProductUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if got := first().Name; got != name {
		t.Fatalf("after UpdateProduct the page shows %q", got)
	}

	// Many concurrent readers of an expired page all get it.
	clock.Advance(3 * time.Second)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			if res, err := s.List(ctx, q); err != nil || len(res.Products) == 0 || res.Products[0].Name != name {
				t.Errorf("concurrent List = %d products, %v", len(res.Products), err)
			}
		})
	}
	wg.Wait()
}
