package cart_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
)

// shop is a small catalog with carts:
//
//	티셔츠 (크기): TS-S 10,000 on sale at 8,000, 5 in stock; TS-M 10,000, 200
//	in stock; TS-L sold out; TS-XL inactive
//	머그컵: MUG 5,000, 3 in stock
//	준비 중 (a draft product): DRAFT 1,000, 10 in stock
//
// and two customers, users[0] and users[1].
type shop struct {
	d     *db.DB
	cat   *catalog.Service
	s     *cart.Service
	clock *fake.Clock
	v     map[string]int64 // variant ids by SKU
	users []int64
}

func newShop(t *testing.T, cfg cart.Config) *shop {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	clk := fake.NewClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	cat := catalog.NewService(d, clk.Now, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	c, err := cat.CreateCategory(ctx, catalog.NewCategory{Slug: "living", Name: "리빙"})
	if err != nil {
		t.Fatal(err)
	}
	sale := int64(8000)
	products := []catalog.NewProduct{
		{CategoryID: c.ID, Name: "티셔츠", OptionNames: []string{"크기"}, Variants: []catalog.NewVariant{
			{SKU: "TS-S", Options: [3]string{"S"}, Price: 10000, SalePrice: &sale, Stock: 5, Active: true},
			{SKU: "TS-M", Options: [3]string{"M"}, Price: 10000, Stock: 200, Active: true},
			{SKU: "TS-L", Options: [3]string{"L"}, Price: 10000, Stock: 0, Active: true},
			{SKU: "TS-XL", Options: [3]string{"XL"}, Price: 10000, Stock: 5, Active: false},
		}},
		{CategoryID: c.ID, Name: "머그컵", Variants: []catalog.NewVariant{{SKU: "MUG", Price: 5000, Stock: 3, Active: true}}},
		{CategoryID: c.ID, Name: "준비 중", Status: catalog.Draft, Variants: []catalog.NewVariant{{SKU: "DRAFT", Price: 1000, Stock: 10, Active: true}}},
	}
	for _, p := range products {
		if _, err := cat.CreateProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	sh := &shop{d: d, cat: cat, s: cart.New(d, cat, cfg, clk.Now), clock: clk, v: map[string]int64{}}
	var rows []struct {
		ID  int64  `db:"id"`
		SKU string `db:"sku"`
	}
	if err := d.Read().SelectContext(ctx, &rows, `SELECT id, sku FROM variants`); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		sh.v[r.SKU] = r.ID
	}
	for _, email := range []string{"a@example.com", "b@example.com"} {
		sh.users = append(sh.users, sh.newUser(t, email))
	}
	return sh
}

// newUser adds a customer and returns the id.
func (sh *shop) newUser(t *testing.T, email string) int64 {
	t.Helper()
	var id int64
	q := sh.d.Write()
	if err := q.GetContext(context.Background(), &id, q.Rebind(`INSERT INTO users (email, role, active) VALUES (?, 'customer', TRUE) RETURNING id`), email); err != nil {
		t.Fatal(err)
	}
	return id
}

func (sh *shop) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	q := sh.d.Write()
	if _, err := q.ExecContext(context.Background(), q.Rebind(query), args...); err != nil {
		t.Fatal(err)
	}
}

func (sh *shop) add(t *testing.T, o cart.Owner, sku string, qty int64) cart.Cart {
	t.Helper()
	c, err := sh.s.Add(context.Background(), o, sh.v[sku], qty)
	if err != nil {
		t.Fatalf("Add(%s, %d): %v", sku, qty, err)
	}
	return c
}

func (sh *shop) get(t *testing.T, o cart.Owner) cart.Cart {
	t.Helper()
	c, err := sh.s.Get(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// quantities returns the cart's quantities by SKU.
func quantities(c cart.Cart) map[string]int64 {
	out := map[string]int64{}
	for _, l := range c.Lines {
		out[l.SKU] = l.Quantity
	}
	return out
}

func equalQuantities(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// line returns the cart's line of sku.
func line(t *testing.T, c cart.Cart, sku string) cart.Line {
	t.Helper()
	for _, l := range c.Lines {
		if l.SKU == sku {
			return l
		}
	}
	t.Fatalf("no line of %s in %+v", sku, c.Lines)
	return cart.Line{}
}

// invalidField returns the fields of the *fault.Invalid in err, or nil.
func invalidFields(err error) map[string]string {
	if inv, ok := fault.AsInvalid(err); ok {
		return inv.Fields
	}
	return nil
}

func countCarts(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.Read().GetContext(context.Background(), &n, `SELECT COUNT(*) FROM carts`); err != nil {
		t.Fatal(err)
	}
	return n
}

type add struct {
	sku string
	qty int64
}

func TestAdd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  cart.Config
		adds []add // all but the last must succeed
		// wantField is the *fault.Invalid field of the last add; "" means it
		// succeeds.
		wantField  string
		wantQty    map[string]int64
		wantNotice *cart.Notice // VariantID not compared
		wantSub    int64
	}{
		{name: "new line", adds: []add{{"TS-M", 2}}, wantQty: map[string]int64{"TS-M": 2}, wantSub: 20000},
		{name: "sale price", adds: []add{{"TS-S", 2}}, wantQty: map[string]int64{"TS-S": 2}, wantSub: 16000},
		{name: "same variant adds up", adds: []add{{"TS-M", 2}, {"TS-M", 3}}, wantQty: map[string]int64{"TS-M": 5}, wantSub: 50000},
		{name: "two variants", adds: []add{{"TS-M", 1}, {"MUG", 2}}, wantQty: map[string]int64{"TS-M": 1, "MUG": 2}, wantSub: 20000},
		{name: "capped at max quantity", cfg: cart.Config{MaxQuantity: 10}, adds: []add{{"TS-M", 8}, {"TS-M", 5}},
			wantQty: map[string]int64{"TS-M": 10}, wantSub: 100000,
			wantNotice: &cart.Notice{Requested: 5, Added: 2, Quantity: 10, Limit: cart.LimitMaxQuantity}},
		{name: "capped at stock", adds: []add{{"MUG", 2}, {"MUG", 2}},
			wantQty: map[string]int64{"MUG": 3}, wantSub: 15000,
			wantNotice: &cart.Notice{Requested: 2, Added: 1, Quantity: 3, Limit: cart.LimitStock}},
		{name: "capped at stock on first add", adds: []add{{"MUG", 7}},
			wantQty: map[string]int64{"MUG": 3}, wantSub: 15000,
			wantNotice: &cart.Notice{Requested: 7, Added: 3, Quantity: 3, Limit: cart.LimitStock}},
		{name: "all the stock already in the cart", adds: []add{{"MUG", 3}, {"MUG", 1}}, wantField: "quantity", wantQty: map[string]int64{"MUG": 3}},
		{name: "max quantity already in the cart", cfg: cart.Config{MaxQuantity: 4}, adds: []add{{"TS-M", 4}, {"TS-M", 1}},
			wantField: "quantity", wantQty: map[string]int64{"TS-M": 4}},
		{name: "sold out", adds: []add{{"TS-L", 1}}, wantField: "variant", wantQty: map[string]int64{}},
		{name: "inactive variant", adds: []add{{"TS-XL", 1}}, wantField: "variant", wantQty: map[string]int64{}},
		{name: "draft product", adds: []add{{"DRAFT", 1}}, wantField: "variant", wantQty: map[string]int64{}},
		{name: "unknown variant", adds: []add{{"NONE", 1}}, wantField: "variant", wantQty: map[string]int64{}},
		{name: "zero", adds: []add{{"TS-M", 0}}, wantField: "quantity", wantQty: map[string]int64{}},
		{name: "negative", adds: []add{{"TS-M", -1}}, wantField: "quantity", wantQty: map[string]int64{}},
		{name: "above the default maximum", adds: []add{{"TS-M", 100}}, wantField: "quantity", wantQty: map[string]int64{}},
		{name: "cart full", cfg: cart.Config{MaxLines: 2}, adds: []add{{"TS-M", 1}, {"TS-S", 1}, {"MUG", 1}},
			wantField: "cart", wantQty: map[string]int64{"TS-M": 1, "TS-S": 1}},
		{name: "full cart takes more of a line it has", cfg: cart.Config{MaxLines: 2}, adds: []add{{"TS-M", 1}, {"TS-S", 1}, {"TS-M", 1}},
			wantQty: map[string]int64{"TS-M": 2, "TS-S": 1}, wantSub: 28000},
	}
	// The cases share a shop per configuration; each has carts of its own.
	shops := map[cart.Config]*shop{}
	for _, tt := range tests {
		if shops[tt.cfg] == nil {
			shops[tt.cfg] = newShop(t, tt.cfg)
		}
	}
	for i, tt := range tests {
		for _, owner := range []string{"customer", "visitor"} {
			t.Run(tt.name+"/"+owner, func(t *testing.T) {
				t.Parallel()
				sh := shops[tt.cfg]
				o := cart.Owner{Token: fmt.Sprintf("visitor-%d", i)}
				if owner == "customer" {
					o = cart.Owner{UserID: sh.newUser(t, fmt.Sprintf("c%d@example.com", i))}
				}
				ctx := context.Background()
				var c cart.Cart
				var err error
				for i, a := range tt.adds {
					id := sh.v[a.sku]
					if a.sku == "NONE" {
						id = 999999
					}
					c, err = sh.s.Add(ctx, o, id, a.qty)
					if i < len(tt.adds)-1 && err != nil {
						t.Fatalf("Add %d: %v", i, err)
					}
				}
				if tt.wantField == "" {
					if err != nil {
						t.Fatalf("Add: %v", err)
					}
					if c.Subtotal != tt.wantSub {
						t.Errorf("Subtotal = %d, want %d", c.Subtotal, tt.wantSub)
					}
					switch {
					case tt.wantNotice == nil && len(c.Notices) > 0:
						t.Errorf("Notices = %+v, want none", c.Notices)
					case tt.wantNotice != nil:
						want := *tt.wantNotice
						want.VariantID = sh.v[tt.adds[len(tt.adds)-1].sku]
						if len(c.Notices) != 1 || c.Notices[0] != want {
							t.Errorf("Notices = %+v, want %+v", c.Notices, want)
						}
					}
				} else if _, ok := invalidFields(err)[tt.wantField]; !ok {
					t.Fatalf("Add = %v, want *fault.Invalid{%q}", err, tt.wantField)
				}
				if got := quantities(sh.get(t, o)); !equalQuantities(got, tt.wantQty) {
					t.Errorf("quantities = %v, want %v", got, tt.wantQty)
				}
			})
		}
	}
}

func TestOwnerMustBeOneOfTwo(t *testing.T) {
	t.Parallel()
	sh := newShop(t, cart.Config{})
	ctx := context.Background()
	for _, o := range []cart.Owner{{}, {UserID: sh.users[0], Token: "t"}, {UserID: -1}} {
		if _, err := sh.s.Add(ctx, o, sh.v["TS-M"], 1); invalidFields(err)["owner"] == "" {
			t.Errorf("Add as %+v = %v, want *fault.Invalid{owner}", o, err)
		}
		if _, err := sh.s.Get(ctx, o); invalidFields(err)["owner"] == "" {
			t.Errorf("Get as %+v = %v, want *fault.Invalid{owner}", o, err)
		}
	}
	if err := sh.s.Merge(ctx, "", sh.users[0]); invalidFields(err)["owner"] == "" {
		t.Errorf("Merge without a token = %v", err)
	}
	c := sh.get(t, cart.Owner{Token: "never-used"})
	if c.ID != 0 || len(c.Lines) != 0 || countCarts(t, sh.d) != 0 {
		t.Errorf("Get of a new visitor = %+v; want an empty cart and none stored", c)
	}
}

// TestCurrentCatalog: the cart shows what the catalog says now, not what it
// said when the line was added.
func TestCurrentCatalog(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		change    string // SQL run after adding 3 of TS-S; ? is the variant id
		wantPrice int64
		wantProb  string
	}{
		{"unchanged", "", 8000, ""},
		{"sale ends", `UPDATE variants SET sale_price_minor = NULL WHERE id = ?`, 10000, ""},
		{"price rises", `UPDATE variants SET sale_price_minor = 9000 WHERE id = ?`, 9000, ""},
		{"stock drops below the quantity", `UPDATE variants SET stock = 2 WHERE id = ?`, 8000, "only 2 left"},
		{"stock drops to the quantity", `UPDATE variants SET stock = 3 WHERE id = ?`, 8000, ""},
		{"sold out", `UPDATE variants SET stock = 0 WHERE id = ?`, 8000, cart.ProblemSoldOut},
		{"sold out by hand", `UPDATE products SET sold_out = TRUE WHERE id = (SELECT product_id FROM variants WHERE id = ?)`, 8000, cart.ProblemSoldOut},
		{"variant retired", `UPDATE variants SET active = FALSE WHERE id = ?`, 8000, cart.ProblemNoLongerSold},
		{"product archived", `UPDATE products SET status = 'archived' WHERE id = (SELECT product_id FROM variants WHERE id = ?)`, 8000, cart.ProblemNoLongerSold},
		{"product deleted", `UPDATE products SET deleted_at = CURRENT_TIMESTAMP WHERE id = (SELECT product_id FROM variants WHERE id = ?)`, 8000, cart.ProblemNoLongerSold},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := newShop(t, cart.Config{})
			o := cart.Owner{UserID: sh.users[0]}
			sh.add(t, o, "TS-S", 3)
			sh.add(t, o, "MUG", 1)
			if tt.change != "" {
				sh.exec(t, tt.change, sh.v["TS-S"])
			}
			c := sh.get(t, o)
			l := line(t, c, "TS-S")
			if l.UnitPrice != tt.wantPrice || l.LineTotal != 3*tt.wantPrice || l.Problem != tt.wantProb || l.Available != (tt.wantProb == "") {
				t.Fatalf("line = %+v; want price %d, problem %q", l, tt.wantPrice, tt.wantProb)
			}
			if l.NoShipping {
				t.Errorf("a T-shirt line ships nothing: %+v", l)
			}
			if l.Name != "티셔츠" || l.Options != "크기: S" || l.ListPrice < l.UnitPrice || l.ProductID == 0 || l.SellerID == 0 || l.CategoryID == 0 {
				t.Errorf("line = %+v", l)
			}
			wantSub := int64(5000)
			if l.Available {
				wantSub += l.LineTotal
			}
			if c.Subtotal != wantSub || c.Count != 2 {
				t.Errorf("Subtotal, Count = %d, %d; want %d, 2", c.Subtotal, c.Count, wantSub)
			}
			sh.exec(t, `UPDATE products SET product_type = 'digital' WHERE id = (SELECT product_id FROM variants WHERE id = ?)`, sh.v["MUG"])
			if mug := line(t, sh.get(t, o), "MUG"); !mug.NoShipping {
				t.Errorf("a digital line ships: %+v", mug)
			}
			sel, err := sh.s.Checkout(context.Background(), o.UserID)
			if tt.wantProb == "" {
				if err != nil || len(sel.Lines) != 2 {
					t.Errorf("Checkout = %d lines, %v; want 2", len(sel.Lines), err)
				}
			} else if msg := invalidFields(err)["cart"]; msg == "" || !strings.Contains(msg, "티셔츠") {
				t.Errorf("Checkout = %v; want *fault.Invalid{cart} naming 티셔츠", err)
			}
		})
	}
}

func TestSetQuantity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		sku       string
		qty       int64
		change    string
		wantField string
		wantQty   int64
	}{
		{name: "more", sku: "TS-M", qty: 7, wantQty: 7},
		{name: "fewer", sku: "TS-M", qty: 1, wantQty: 1},
		{name: "maximum", sku: "TS-M", qty: 99, wantQty: 99},
		{name: "zero", sku: "TS-M", qty: 0, wantField: "quantity", wantQty: 2},
		{name: "negative", sku: "TS-M", qty: -3, wantField: "quantity", wantQty: 2},
		{name: "above the maximum", sku: "TS-M", qty: 100, wantField: "quantity", wantQty: 2},
		{name: "above the stock", sku: "MUG", qty: 4, wantField: "quantity", wantQty: 2},
		{name: "all the stock", sku: "MUG", qty: 3, wantQty: 3},
		{name: "sold out meanwhile", sku: "MUG", qty: 1, change: `UPDATE variants SET stock = 0 WHERE id = ?`, wantField: "quantity", wantQty: 2},
		{name: "retired meanwhile", sku: "MUG", qty: 1, change: `UPDATE variants SET active = FALSE WHERE id = ?`, wantField: "variant", wantQty: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := newShop(t, cart.Config{})
			o := cart.Owner{Token: "tok"}
			c := sh.add(t, o, tt.sku, 2)
			if _, err := sh.s.Select(context.Background(), o, []int64{c.Lines[0].ID}, false); err != nil {
				t.Fatal(err)
			}
			if tt.change != "" {
				sh.exec(t, tt.change, sh.v[tt.sku])
			}
			c, err := sh.s.SetQuantity(context.Background(), o, c.Lines[0].ID, tt.qty)
			if tt.wantField == "" && err != nil {
				t.Fatalf("SetQuantity: %v", err)
			}
			if tt.wantField != "" && invalidFields(err)[tt.wantField] == "" {
				t.Fatalf("SetQuantity = %v, want *fault.Invalid{%q}", err, tt.wantField)
			}
			l := line(t, sh.get(t, o), tt.sku)
			if l.Quantity != tt.wantQty || l.Selected {
				t.Errorf("line = %d, selected %v; want %d and the selection kept", l.Quantity, l.Selected, tt.wantQty)
			}
		})
	}
}

// TestOtherOwnersLines: a line id of another cart is not found, whoever
// asks, and the other cart is left alone.
func TestOtherOwnersLines(t *testing.T) {
	t.Parallel()
	sh := newShop(t, cart.Config{})
	ctx := context.Background()
	owner := cart.Owner{UserID: sh.users[0]}
	theirs := sh.add(t, owner, "TS-M", 2).Lines[0].ID
	others := map[string]cart.Owner{
		"customer with a cart":    {UserID: sh.users[1]},
		"visitor with a cart":     {Token: "other"},
		"visitor without a cart":  {Token: "nobody"},
		"customer without a cart": {UserID: 999},
	}
	sh.add(t, others["customer with a cart"], "MUG", 1)
	mine := sh.add(t, others["visitor with a cart"], "TS-S", 1).Lines[0].ID
	ops := map[string]func(o cart.Owner) error{
		"SetQuantity": func(o cart.Owner) error { _, err := sh.s.SetQuantity(ctx, o, theirs, 5); return err },
		"Remove":      func(o cart.Owner) error { _, err := sh.s.Remove(ctx, o, theirs); return err },
		"Select":      func(o cart.Owner) error { _, err := sh.s.Select(ctx, o, []int64{theirs}, false); return err },
		"SelectOnly":  func(o cart.Owner) error { _, err := sh.s.SelectOnly(ctx, o, []int64{theirs}); return err },
		"Select with one of mine": func(o cart.Owner) error {
			_, err := sh.s.Select(ctx, o, []int64{mine, theirs}, false)
			return err
		},
	}
	for oname, o := range others {
		for opname, op := range ops {
			t.Run(oname+"/"+opname, func(t *testing.T) {
				if err := op(o); !errors.Is(err, fault.ErrNotFound) {
					t.Errorf("%s = %v, want fault.ErrNotFound", opname, err)
				}
			})
		}
	}
	l := sh.get(t, owner).Lines
	if len(l) != 1 || l[0].Quantity != 2 || !l[0].Selected {
		t.Errorf("owner's lines = %+v, want untouched", l)
	}
	if l := sh.get(t, others["visitor with a cart"]).Lines; len(l) != 1 || !l[0].Selected {
		t.Errorf("a refused Select changed the visitor's own line: %+v", l)
	}
}

func TestRemove(t *testing.T) {
	t.Parallel()
	sh := newShop(t, cart.Config{})
	o := cart.Owner{Token: "tok"}
	sh.add(t, o, "TS-M", 1)
	c := sh.add(t, o, "MUG", 1)
	c, err := sh.s.Remove(context.Background(), o, line(t, c, "TS-M").ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := quantities(c); !equalQuantities(got, map[string]int64{"MUG": 1}) || c.Subtotal != 5000 {
		t.Errorf("after Remove: %v, subtotal %d", got, c.Subtotal)
	}
	if _, err := sh.s.Remove(context.Background(), o, line(t, c, "MUG").ID+1000); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("Remove of an unknown line = %v", err)
	}
}

func TestSelectAndCheckout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		do        func(sh *shop, o cart.Owner, ids map[string]int64) error
		wantSel   []string // selected SKUs
		wantField string   // of Checkout's *fault.Invalid; "" means it succeeds
	}{
		{"new lines are selected", nil, []string{"TS-M", "TS-S", "MUG"}, ""},
		{"deselect one", func(sh *shop, o cart.Owner, ids map[string]int64) error {
			_, err := sh.s.Select(context.Background(), o, []int64{ids["MUG"]}, false)
			return err
		}, []string{"TS-M", "TS-S"}, ""},
		{"deselect all, select one again", func(sh *shop, o cart.Owner, ids map[string]int64) error {
			ctx := context.Background()
			if _, err := sh.s.Select(ctx, o, []int64{ids["MUG"], ids["TS-M"], ids["TS-S"], ids["MUG"]}, false); err != nil {
				return err
			}
			_, err := sh.s.Select(ctx, o, []int64{ids["TS-S"]}, true)
			return err
		}, []string{"TS-S"}, ""},
		{"select only", func(sh *shop, o cart.Owner, ids map[string]int64) error {
			_, err := sh.s.SelectOnly(context.Background(), o, []int64{ids["MUG"], ids["TS-M"]})
			return err
		}, []string{"TS-M", "MUG"}, ""},
		{"select nothing", func(sh *shop, o cart.Owner, ids map[string]int64) error {
			_, err := sh.s.SelectOnly(context.Background(), o, nil)
			return err
		}, nil, ""},
		{"a selected line sold out", func(sh *shop, o cart.Owner, ids map[string]int64) error {
			return sh.cat.SetVariantStock(context.Background(), sh.v["MUG"], 0)
		}, []string{"TS-M", "TS-S", "MUG"}, "cart"},
		{"an unselected line sold out", func(sh *shop, o cart.Owner, ids map[string]int64) error {
			if err := sh.cat.SetVariantStock(context.Background(), sh.v["MUG"], 0); err != nil {
				return err
			}
			_, err := sh.s.SelectOnly(context.Background(), o, []int64{ids["TS-M"], ids["TS-S"]})
			return err
		}, []string{"TS-M", "TS-S"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := newShop(t, cart.Config{})
			o := cart.Owner{UserID: sh.users[1]}
			sh.add(t, o, "TS-M", 1)
			sh.add(t, o, "TS-S", 2)
			c := sh.add(t, o, "MUG", 1)
			ids := map[string]int64{}
			for _, l := range c.Lines {
				ids[l.SKU] = l.ID
			}
			if tt.do != nil {
				if err := tt.do(sh, o, ids); err != nil {
					t.Fatal(err)
				}
			}
			c = sh.get(t, o)
			var sel []string
			var sub int64
			for _, l := range c.Lines {
				if l.Selected {
					sel = append(sel, l.SKU)
					if l.Available {
						sub += l.LineTotal
					}
				}
			}
			if fmt.Sprint(sel) != fmt.Sprint(tt.wantSel) || c.Subtotal != sub {
				t.Errorf("selected %v (subtotal %d), want %v (%d)", sel, c.Subtotal, tt.wantSel, sub)
			}
			picked, err := sh.s.Checkout(context.Background(), o.UserID)
			if tt.wantField != "" {
				if invalidFields(err)[tt.wantField] == "" {
					t.Fatalf("Checkout = %v, want *fault.Invalid{%q}", err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range picked.Lines {
				got = append(got, l.SKU)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.wantSel) {
				t.Errorf("Checkout = %v, want %v", got, tt.wantSel)
			}
		})
	}
}

func TestRemoveLines(t *testing.T) {
	t.Parallel()
	sh := newShop(t, cart.Config{})
	ctx := context.Background()
	o, other := cart.Owner{UserID: sh.users[0]}, cart.Owner{UserID: sh.users[1]}
	sh.add(t, o, "TS-M", 1)
	sh.add(t, o, "TS-S", 1)
	c := sh.add(t, o, "MUG", 1)
	oc := sh.add(t, other, "MUG", 1)
	err := sh.d.InTx(ctx, func(q db.Querier) error {
		// Another cart's line id and an unknown id are ignored.
		return sh.s.RemoveLines(ctx, q, c.ID, []int64{line(t, c, "TS-M").ID, line(t, c, "MUG").ID, oc.Lines[0].ID, 0})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := quantities(sh.get(t, o)); !equalQuantities(got, map[string]int64{"TS-S": 1}) {
		t.Errorf("after RemoveLines: %v", got)
	}
	if got := quantities(sh.get(t, other)); !equalQuantities(got, map[string]int64{"MUG": 1}) {
		t.Errorf("another cart: %v", got)
	}
}
