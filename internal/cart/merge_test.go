package cart_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/fault"
)

func TestMerge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		cfg               cart.Config
		visitor, customer []add
		deselect          []string // visitor's lines deselected before the merge
		want              map[string]int64
		wantSel           map[string]bool // selection of some lines after the merge
	}{
		{name: "into an empty account", visitor: []add{{"TS-M", 2}, {"MUG", 1}},
			want: map[string]int64{"TS-M": 2, "MUG": 1}},
		{name: "same variant adds up", visitor: []add{{"TS-M", 2}}, customer: []add{{"TS-M", 3}},
			want: map[string]int64{"TS-M": 5}},
		{name: "different variants kept", visitor: []add{{"TS-M", 2}}, customer: []add{{"TS-S", 1}},
			want: map[string]int64{"TS-M": 2, "TS-S": 1}},
		{name: "sum capped at stock", visitor: []add{{"MUG", 2}}, customer: []add{{"MUG", 2}},
			want: map[string]int64{"MUG": 3}},
		{name: "sum capped at max quantity", cfg: cart.Config{MaxQuantity: 6}, visitor: []add{{"TS-M", 4}}, customer: []add{{"TS-M", 5}},
			want: map[string]int64{"TS-M": 6}},
		{name: "mixed", visitor: []add{{"TS-M", 1}, {"MUG", 3}}, customer: []add{{"MUG", 1}, {"TS-S", 2}},
			want: map[string]int64{"TS-M": 1, "MUG": 3, "TS-S": 2}},
		{name: "empty visitor cart", customer: []add{{"MUG", 1}}, want: map[string]int64{"MUG": 1}},
		{name: "lines beyond the maximum dropped", cfg: cart.Config{MaxLines: 2}, visitor: []add{{"TS-M", 1}, {"MUG", 1}},
			customer: []add{{"TS-S", 1}}, want: map[string]int64{"TS-S": 1, "TS-M": 1}},
		{name: "selection kept", visitor: []add{{"TS-M", 1}, {"MUG", 1}}, customer: []add{{"TS-S", 1}}, deselect: []string{"MUG"},
			want: map[string]int64{"TS-M": 1, "MUG": 1, "TS-S": 1}, wantSel: map[string]bool{"TS-M": true, "MUG": false, "TS-S": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := newShop(t, tt.cfg)
			ctx := context.Background()
			visitor, customer := cart.Owner{Token: "visitor"}, cart.Owner{UserID: sh.users[0]}
			bystander := cart.Owner{Token: "bystander"}
			sh.add(t, bystander, "TS-M", 1)
			for _, a := range tt.visitor {
				sh.add(t, visitor, a.sku, a.qty)
			}
			if len(tt.visitor) == 0 {
				// A cart whose lines were all removed.
				c := sh.add(t, visitor, "TS-M", 1)
				if _, err := sh.s.Remove(ctx, visitor, c.Lines[0].ID); err != nil {
					t.Fatal(err)
				}
			}
			for _, sku := range tt.deselect {
				if _, err := sh.s.Select(ctx, visitor, []int64{line(t, sh.get(t, visitor), sku).ID}, false); err != nil {
					t.Fatal(err)
				}
			}
			for _, a := range tt.customer {
				sh.add(t, customer, a.sku, a.qty)
			}
			for i := range 2 { // the second merge finds nothing to do
				if err := sh.s.Merge(ctx, "visitor", customer.UserID); err != nil {
					t.Fatalf("Merge %d: %v", i, err)
				}
				c := sh.get(t, customer)
				if got := quantities(c); !equalQuantities(got, tt.want) {
					t.Fatalf("after merge %d: %v, want %v", i, got, tt.want)
				}
				for sku, sel := range tt.wantSel {
					if line(t, c, sku).Selected != sel {
						t.Errorf("%s selected = %v, want %v", sku, !sel, sel)
					}
				}
			}
			if c := sh.get(t, visitor); c.ID != 0 || len(c.Lines) != 0 {
				t.Errorf("visitor's cart after the merge = %+v, want gone", c)
			}
			if got := quantities(sh.get(t, bystander)); !equalQuantities(got, map[string]int64{"TS-M": 1}) {
				t.Errorf("another visitor's cart: %v", got)
			}
			if n := countCarts(t, sh.d); n != 2 {
				t.Errorf("%d carts, want the customer's and the bystander's", n)
			}
		})
	}
}

func TestMergeWithoutVisitorCart(t *testing.T) {
	t.Parallel()
	sh := newShop(t, cart.Config{})
	if err := sh.s.Merge(context.Background(), "never-used", sh.users[0]); err != nil {
		t.Fatalf("Merge = %v", err)
	}
	if n := countCarts(t, sh.d); n != 0 {
		t.Errorf("Merge without a visitor's cart made %d carts", n)
	}
}

// TestConcurrentMerges: logins that merge the same visitor's cart at once
// move its lines once.
func TestConcurrentMerges(t *testing.T) {
	t.Parallel()
	sh := newShop(t, cart.Config{})
	ctx := context.Background()
	customer := cart.Owner{UserID: sh.users[0]}
	sh.add(t, cart.Owner{Token: "v"}, "TS-M", 2)
	sh.add(t, cart.Owner{Token: "v"}, "TS-S", 1)
	sh.add(t, customer, "TS-M", 3)
	const n = 20
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { errs <- sh.s.Merge(ctx, "v", customer.UserID) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Merge: %v", err)
		}
	}
	if got := quantities(sh.get(t, customer)); !equalQuantities(got, map[string]int64{"TS-M": 5, "TS-S": 1}) {
		t.Errorf("after %d concurrent merges: %v", n, got)
	}
	if c := countCarts(t, sh.d); c != 1 {
		t.Errorf("%d carts, want 1", c)
	}
}

// TestConcurrentFirstAdds: many first adds of one owner at once make one
// cart holding every line.
func TestConcurrentFirstAdds(t *testing.T) {
	t.Parallel()
	for _, owner := range []string{"customer", "visitor"} {
		t.Run(owner, func(t *testing.T) {
			t.Parallel()
			sh := newShop(t, cart.Config{})
			o := cart.Owner{Token: "first"}
			if owner == "customer" {
				o = cart.Owner{UserID: sh.users[0]}
			}
			skus := []string{"TS-S", "TS-M", "MUG"}
			const n = 20
			errs := make(chan error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					_, err := sh.s.Add(context.Background(), o, sh.v[skus[i%len(skus)]], 1)
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			refused := 0
			for err := range errs {
				switch {
				case invalidFields(err)["quantity"] != "":
					refused++
				case err != nil:
					t.Fatalf("Add: %v", err)
				}
			}
			if c := countCarts(t, sh.d); c != 1 {
				t.Fatalf("%d concurrent first adds made %d carts, want 1", n, c)
			}
			// 7 adds each of TS-S and TS-M, 6 of MUG; TS-S and MUG stop at
			// their stock and the 2 + 3 adds past it are refused.
			if refused != 5 {
				t.Errorf("%d adds refused, want 5", refused)
			}
			if got, want := quantities(sh.get(t, o)), map[string]int64{"TS-S": 5, "TS-M": 7, "MUG": 3}; !equalQuantities(got, want) {
				t.Errorf("quantities = %v, want %v", got, want)
			}
		})
	}
}

// TestConcurrentAddsOfOneVariant: adds of one variant at once sum exactly,
// up to the cap; the adds past the cap are refused and change nothing.
func TestConcurrentAddsOfOneVariant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cfg       cart.Config
		sku       string
		n, each   int64
		wantQty   int64
		wantNoted int // adds that added fewer than asked
		wantRefd  int // adds that added nothing
	}{
		{"below the cap", cart.Config{}, "TS-M", 20, 2, 40, 0, 0},
		{"max quantity", cart.Config{MaxQuantity: 15}, "TS-M", 20, 1, 15, 0, 5},
		{"max quantity, uneven", cart.Config{MaxQuantity: 15}, "TS-M", 20, 2, 15, 1, 12},
		{"stock", cart.Config{}, "TS-S", 20, 1, 5, 0, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := newShop(t, tt.cfg)
			o := cart.Owner{UserID: sh.users[1]}
			var wg sync.WaitGroup
			var mu sync.Mutex
			noted, refused := 0, 0
			for range tt.n {
				wg.Go(func() {
					c, err := sh.s.Add(context.Background(), o, sh.v[tt.sku], tt.each)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case invalidFields(err)["quantity"] != "":
						refused++
					case err != nil:
						t.Errorf("Add: %v", err)
					case len(c.Notices) > 0:
						noted++
					}
				})
			}
			wg.Wait()
			if got := quantities(sh.get(t, o)); got[tt.sku] != tt.wantQty || len(got) != 1 {
				t.Errorf("quantities = %v, want %s: %d", got, tt.sku, tt.wantQty)
			}
			if noted != tt.wantNoted || refused != tt.wantRefd {
				t.Errorf("%d capped and %d refused adds, want %d and %d", noted, refused, tt.wantNoted, tt.wantRefd)
			}
		})
	}
}

func TestPrune(t *testing.T) {
	t.Parallel()
	sh := newShop(t, cart.Config{})
	ctx := context.Background()
	old, customer := cart.Owner{Token: "old"}, cart.Owner{UserID: sh.users[0]}
	touched, fresh := cart.Owner{Token: "touched"}, cart.Owner{Token: "fresh"}
	sh.add(t, old, "TS-M", 1)
	sh.add(t, customer, "TS-M", 1)
	c := sh.add(t, touched, "TS-M", 1)
	sh.clock.Advance(20 * 24 * time.Hour)
	// A change to a line keeps its cart.
	if _, err := sh.s.SetQuantity(ctx, touched, c.Lines[0].ID, 2); err != nil {
		t.Fatal(err)
	}
	sh.add(t, fresh, "MUG", 1)
	cutoff := sh.clock.Now().Add(-7 * 24 * time.Hour)
	tests := []struct {
		name   string
		before time.Time
		want   int64
		gone   []cart.Owner
		kept   []cart.Owner
	}{
		{"nothing older", cutoff.Add(-30 * 24 * time.Hour), 0, nil, []cart.Owner{old, customer, touched, fresh}},
		{"old visitor carts", cutoff, 1, []cart.Owner{old}, []cart.Owner{customer, touched, fresh}},
		{"again", cutoff, 0, []cart.Owner{old}, []cart.Owner{customer, touched, fresh}},
	}
	for _, tt := range tests { // in order: each prune sees the previous one's result
		n, err := sh.s.Prune(ctx, tt.before)
		if err != nil || n != tt.want {
			t.Fatalf("%s: Prune = %d, %v; want %d", tt.name, n, err, tt.want)
		}
		for _, o := range tt.gone {
			if c := sh.get(t, o); c.ID != 0 {
				t.Errorf("%s: cart of %v kept", tt.name, o)
			}
		}
		for _, o := range tt.kept {
			if c := sh.get(t, o); c.ID == 0 || len(c.Lines) != 1 {
				t.Errorf("%s: cart of %v = %+v, want kept", tt.name, o, c)
			}
		}
	}
	var lines int
	if err := sh.d.Read().GetContext(ctx, &lines, `SELECT COUNT(*) FROM cart_lines`); err != nil || lines != 3 {
		t.Errorf("%d lines left, %v; want the 3 of the kept carts", lines, err)
	}
	// A pruned visitor starts again with a new cart.
	if c := sh.add(t, old, "MUG", 1); len(c.Lines) != 1 || c.Lines[0].Quantity != 1 {
		t.Errorf("cart after prune = %+v", c)
	}
	if _, err := sh.s.Remove(ctx, cart.Owner{Token: "nobody"}, 1); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("Remove without a cart = %v", err)
	}
}
