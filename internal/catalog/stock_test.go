package catalog_test

import (
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fault"
)

// stockShop is a catalog with one product of two variants, A (stock a) and
// B (stock 5), for the stock tests.
type stockShop struct {
	d          *db.DB
	s          *catalog.Service
	product    int64
	varA, varB int64
}

func newStockShop(t *testing.T, a int64, activeA bool, status catalog.Status) stockShop {
	t.Helper()
	d := dbtest.New(t)
	s := catalog.NewService(d, time.Now, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	f := catalogtest.Categories(t, s)
	id, err := s.CreateProduct(t.Context(), catalog.NewProduct{
		CategoryID: f.Leaves[0].ID, Name: "말랑 초콜릿", Status: status, OptionNames: []string{"맛"},
		Variants: []catalog.NewVariant{
			{SKU: "ST-A", Options: [3]string{"다크"}, Price: 5000, Stock: a, Active: activeA},
			{SKU: "ST-B", Options: [3]string{"밀크"}, Price: 6000, Stock: 5, Active: true},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	sh := stockShop{d: d, s: s, product: id}
	if err := d.Read().GetContext(t.Context(), &sh.varA, `SELECT id FROM variants WHERE sku = 'ST-A'`); err != nil {
		t.Fatal(err)
	}
	if err := d.Read().GetContext(t.Context(), &sh.varB, `SELECT id FROM variants WHERE sku = 'ST-B'`); err != nil {
		t.Fatal(err)
	}
	return sh
}

// stock returns variant id's stock, the stock of its product's active
// variants together, and the product's in-stock flag.
func (sh stockShop) stock(t *testing.T, id int64) (stock, total int64, inStock bool) {
	t.Helper()
	q := sh.d.Read()
	if err := q.GetContext(t.Context(), &stock, q.Rebind(`SELECT stock FROM variants WHERE id = ?`), id); err != nil {
		t.Fatal(err)
	}
	row := q.QueryRowxContext(t.Context(), q.Rebind(`SELECT COALESCE((SELECT SUM(v.stock) FROM variants v
		WHERE v.product_id = p.id AND v.active = TRUE), 0), p.in_stock FROM products p WHERE p.id = ?`), sh.product)
	if err := row.Scan(&total, &inStock); err != nil {
		t.Fatal(err)
	}
	return stock, total, inStock
}

func TestTakeStock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		stock     int64
		active    bool
		status    catalog.Status
		take      int64
		unknown   bool
		want      error
		wantStock int64
		wantTotal int64 // of the product: A (when active) + B's 5
	}{
		{"enough", 5, true, catalog.Active, 2, false, nil, 3, 8},
		{"exact", 2, true, catalog.Active, 2, false, nil, 0, 5},
		{"short", 1, true, catalog.Active, 2, false, catalog.ErrOutOfStock, 1, 6},
		{"none left", 0, true, catalog.Active, 1, false, catalog.ErrOutOfStock, 0, 5},
		{"inactive variant", 5, false, catalog.Active, 1, false, catalog.ErrOutOfStock, 5, 5},
		{"draft product", 5, true, catalog.Draft, 1, false, catalog.ErrOutOfStock, 5, 10},
		{"archived product", 5, true, catalog.Archived, 1, false, catalog.ErrOutOfStock, 5, 10},
		{"unknown variant", 5, true, catalog.Active, 1, true, catalog.ErrOutOfStock, 5, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := newStockShop(t, tt.stock, tt.active, tt.status)
			id := sh.varA
			if tt.unknown {
				id = 999999
			}
			err := sh.d.InTx(t.Context(), func(q db.Querier) error {
				return sh.s.TakeStock(t.Context(), q, id, tt.take)
			})
			if !errors.Is(err, tt.want) {
				t.Fatalf("TakeStock = %v, want %v", err, tt.want)
			}
			if tt.want != nil && !errors.Is(err, fault.ErrConflict) {
				t.Errorf("TakeStock = %v, want it to wrap fault.ErrConflict", err)
			}
			stock, total, inStock := sh.stock(t, sh.varA)
			if stock != tt.wantStock || total != tt.wantTotal || inStock != (total > 0) {
				t.Errorf("after: stock %d, total %d, in stock %v; want %d, %d, %v",
					stock, total, inStock, tt.wantStock, tt.wantTotal, tt.wantTotal > 0)
			}
		})
	}
}

func TestStockInvalidQuantity(t *testing.T) {
	t.Parallel()
	sh := newStockShop(t, 5, true, catalog.Active)
	for _, qty := range []int64{0, -1} {
		err := sh.d.InTx(t.Context(), func(q db.Querier) error { return sh.s.TakeStock(t.Context(), q, sh.varA, qty) })
		if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["quantity"] == "" {
			t.Errorf("TakeStock(%d) = %v, want invalid quantity", qty, err)
		}
		err = sh.d.InTx(t.Context(), func(q db.Querier) error { return sh.s.ReturnStock(t.Context(), q, sh.varA, qty) })
		if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["quantity"] == "" {
			t.Errorf("ReturnStock(%d) = %v, want invalid quantity", qty, err)
		}
	}
}

func TestReturnStock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		stock     int64
		active    bool
		unknown   bool
		want      error
		wantStock int64
		wantTotal int64
	}{
		{"back in stock", 0, true, false, nil, 3, 8},
		{"adds up", 4, true, false, nil, 7, 12},
		// Units come back to a deactivated variant too, so reactivating it
		// shows the true count; the product total counts active ones only.
		{"inactive variant", 1, false, false, nil, 4, 5},
		{"unknown variant", 1, true, true, fault.ErrNotFound, 1, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := newStockShop(t, tt.stock, tt.active, catalog.Active)
			id := sh.varA
			if tt.unknown {
				id = 999999
			}
			err := sh.d.InTx(t.Context(), func(q db.Querier) error {
				return sh.s.ReturnStock(t.Context(), q, id, 3)
			})
			if !errors.Is(err, tt.want) {
				t.Fatalf("ReturnStock = %v, want %v", err, tt.want)
			}
			stock, total, inStock := sh.stock(t, sh.varA)
			if stock != tt.wantStock || total != tt.wantTotal || !inStock {
				t.Errorf("after: stock %d, total %d, in stock %v; want %d, %d, true", stock, total, inStock, tt.wantStock, tt.wantTotal)
			}
		})
	}
}

// A failure later in the caller's transaction gives the stock back.
func TestTakeStockRollsBack(t *testing.T) {
	t.Parallel()
	sh := newStockShop(t, 3, true, catalog.Active)
	err := sh.d.InTx(t.Context(), func(q db.Querier) error {
		if err := sh.s.TakeStock(t.Context(), q, sh.varA, 2); err != nil {
			return err
		}
		return sh.s.TakeStock(t.Context(), q, sh.varB, 6) // B has 5
	})
	if !errors.Is(err, catalog.ErrOutOfStock) {
		t.Fatalf("TakeStock = %v, want ErrOutOfStock", err)
	}
	if stock, total, _ := sh.stock(t, sh.varA); stock != 3 || total != 8 {
		t.Errorf("after rollback: stock %d, total %d; want 3, 8", stock, total)
	}
}

// Fifty buyers after the last ten units: exactly ten get one, and the
// product shows sold out.
func TestTakeStockLastUnits(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	s := catalog.NewService(d, time.Now, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	f := catalogtest.Categories(t, s)
	id, err := s.CreateProduct(t.Context(), catalog.NewProduct{
		CategoryID: f.Leaves[0].ID, Name: "한정판 초콜릿",
		Variants: []catalog.NewVariant{{SKU: "LAST-1", Price: 9900, Stock: 10, Active: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Product(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	variant := p.Variants[0].ID
	const buyers = 50
	var wg sync.WaitGroup
	errs := make(chan error, buyers)
	start := make(chan struct{})
	for range buyers {
		wg.Go(func() {
			<-start
			errs <- d.InTx(t.Context(), func(q db.Querier) error { return s.TakeStock(t.Context(), q, variant, 1) })
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	took, out := 0, 0
	for err := range errs {
		switch {
		case err == nil:
			took++
		case errors.Is(err, catalog.ErrOutOfStock):
			out++
		default:
			t.Errorf("TakeStock: %v", err)
		}
	}
	if took != 10 || out != buyers-10 {
		t.Errorf("took %d, out of stock %d; want 10, %d", took, out, buyers-10)
	}
	s.StockChanged()
	p, err = s.Product(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Variants[0].Stock != 0 || p.InStock {
		t.Errorf("after: stock %d, in stock %v; want 0, false", p.Variants[0].Stock, p.InStock)
	}
}

// Two buyers take the last unit of each of a product's two variants at
// once; the product must end sold out. Each buyer holds its transaction
// open a moment after taking the unit, so the second one's product update
// waits for the first one's commit: computed from what it saw before
// waiting, it would leave the product "in stock".
func TestTakeStockLastUnitOfEachVariant(t *testing.T) {
	t.Parallel()
	for round := range 5 {
		sh := newStockShop(t, 1, true, catalog.Active)
		if err := sh.s.SetVariantStock(t.Context(), sh.varB, 1); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		start := make(chan struct{})
		for _, v := range []int64{sh.varA, sh.varB} {
			wg.Go(func() {
				<-start
				errs <- sh.d.InTx(t.Context(), func(q db.Querier) error {
					if err := sh.s.TakeStock(t.Context(), q, v, 1); err != nil {
						return err
					}
					time.Sleep(30 * time.Millisecond)
					return nil
				})
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: TakeStock = %v", round, err)
			}
		}
		if stock, total, inStock := sh.stock(t, sh.varA); stock != 0 || total != 0 || inStock {
			t.Fatalf("round %d: stock %d, total %d, in stock %v; want 0, 0, false", round, stock, total, inStock)
		}
	}
}
