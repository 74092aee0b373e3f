package wishlist_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify/notifytest"
	"github.com/mallang/mallang/internal/wishlist"
)

// contacts reads a customer's address from users, as account.Service does.
type contacts struct{}

func (contacts) Contact(ctx context.Context, q db.Querier, id int64) (string, string, error) {
	var r struct {
		Email string `db:"email"`
		Name  string `db:"name"`
	}
	if err := q.GetContext(ctx, &r, q.Rebind(`SELECT email, name FROM users WHERE id = ?`), id); err != nil {
		return "", "", fault.ErrNotFound
	}
	return r.Email, r.Name, nil
}

type fixture struct {
	d     *db.DB
	cat   *catalog.Service
	s     *wishlist.Service
	staff audit.Actor
}

func setup(t *testing.T) *fixture {
	t.Helper()
	d := dbtest.New(t)
	clock := fake.NewClock(time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC))
	log := slog.New(slog.DiscardHandler)
	cat := catalog.NewService(d, clock.Now, log, &catalogtest.Thumbs{})
	s := wishlist.New(d, wishlist.Deps{Catalog: cat, Mailer: notifytest.Outbox(d, clock.Now), Customers: contacts{}},
		wishlist.Config{BaseURL: "https://shop.example"}, clock.Now, log)
	cat.Watch(s)
	f := &fixture{d: d, cat: cat, s: s}
	f.staff = audit.Actor{UserID: f.user(t, "staff@example.com"), Email: "staff@example.com"}
	return f
}

func (f *fixture) user(t *testing.T, email string) int64 {
	t.Helper()
	var id int64
	err := f.d.Write().GetContext(t.Context(), &id, f.d.Write().Rebind(
		`INSERT INTO users (email, name, role, active) VALUES (?, '김말랑', 'customer', TRUE) RETURNING id`), email)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// product makes one product with one variant of price and stock and
// returns its id and the variant's.
func (f *fixture) product(t *testing.T, price, stock int64) (int64, int64) {
	t.Helper()
	fx := catalogtest.Categories(t, f.cat)
	p := catalogtest.Product(0, fx.Leaves[0].ID)
	p.Variants = []catalog.NewVariant{{SKU: "W-1", Price: price, Stock: stock, Active: true}}
	ids, err := f.cat.CreateProducts(t.Context(), []catalog.NewProduct{p})
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.cat.Product(t.Context(), ids[0])
	if err != nil {
		t.Fatal(err)
	}
	return ids[0], d.Variants[0].ID
}

// mails returns the subjects of the mails sent to addr.
func (f *fixture) mails(t *testing.T, addr string) []string {
	t.Helper()
	var subjects []string
	err := f.d.Read().SelectContext(t.Context(), &subjects, f.d.Read().Rebind(
		`SELECT subject FROM outbox WHERE to_address = ? ORDER BY id`), addr)
	if err != nil {
		t.Fatal(err)
	}
	return subjects
}

// TestWishOncePerCustomer: racing wishes of one customer make one wish
// and a count of one; racing removals take it back to zero; nothing is an
// error, and a product not on sale cannot be wished.
func TestWishOncePerCustomer(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pid, _ := f.product(t, 10000, 5)
	a, b := f.user(t, "a@example.com"), f.user(t, "b@example.com")
	race := func(fn func() (bool, error)) int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		changed := 0
		for range 8 {
			wg.Go(func() {
				ok, err := fn()
				if err != nil {
					t.Errorf("race: %v", err)
				}
				if ok {
					mu.Lock()
					changed++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return changed
	}
	count := func() int64 {
		n, err := f.s.Count(t.Context(), pid)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	steps := []struct {
		name        string
		do          func() (bool, error)
		wantChanged int
		wantCount   int64
	}{
		{"a wishes eight times at once", func() (bool, error) { return f.s.Add(t.Context(), a, pid) }, 1, 1},
		{"b wishes too", func() (bool, error) { return f.s.Add(t.Context(), b, pid) }, 1, 2},
		{"a removes eight times at once", func() (bool, error) { return f.s.Remove(t.Context(), a, pid) }, 1, 1},
		{"a wishes again", func() (bool, error) { return f.s.Add(t.Context(), a, pid) }, 1, 2},
	}
	for _, st := range steps {
		if got := race(st.do); got != st.wantChanged {
			t.Errorf("%s: %d calls changed something, want %d", st.name, got, st.wantChanged)
		}
		if got := count(); got != st.wantCount {
			t.Errorf("%s: count %d, want %d", st.name, got, st.wantCount)
		}
	}
	if has, _ := f.s.Has(t.Context(), a, pid); !has {
		t.Error("Has(a) = false after wishing")
	}
	if ws, _ := f.s.List(t.Context(), b, 0, 0); len(ws) != 1 || ws[0].ProductID != pid {
		t.Errorf("List(b) = %v, want product %d", ws, pid)
	}
	if _, err := f.s.Add(t.Context(), a, pid+1000); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("wish of an unknown product: %v, want not found", err)
	}
}

// TestBackInStockMailedOncePerChange: a wisher is mailed when the sold-out
// product comes back, once: more stock on top, or the same change looked at
// again, mails nothing; a second sell-out and return is a second change and
// a second mail. A customer who did not wish it gets nothing.
func TestBackInStockMailedOncePerChange(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pid, vid := f.product(t, 10000, 1)
	fan := f.user(t, "fan@example.com")
	f.user(t, "other@example.com")
	if _, err := f.s.Add(t.Context(), fan, pid); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	sellOut := func() error { // the last unit sold by an order
		return f.d.InTx(ctx, func(q db.Querier) error { return f.cat.TakeStock(ctx, q, vid, 1) })
	}
	steps := []struct {
		name  string
		do    func() error
		mails int
	}{
		{"sold out", sellOut, 0},
		{"stock received", func() error {
			_, err := f.cat.AdjustStock(ctx, f.staff, vid, 1, catalog.ReasonReceived, "")
			return err
		}, 1},
		{"more stock on top", func() error {
			_, err := f.cat.AdjustStock(ctx, f.staff, vid, 3, catalog.ReasonReceived, "")
			return err
		}, 1},
		{"the same change looked at again", func() error {
			return f.d.InTx(ctx, func(q db.Querier) error { return f.cat.Refresh(ctx, q, []int64{pid}, false) })
		}, 1},
		{"sold out again", func() error { return f.cat.SetVariantStock(ctx, vid, 0) }, 1},
		{"a cancelled order returns stock", func() error {
			return f.d.InTx(ctx, func(q db.Querier) error { return f.cat.ReturnStock(ctx, q, vid, 1) })
		}, 2},
		{"and it is looked at twice", func() error {
			return f.d.InTx(ctx, func(q db.Querier) error {
				if err := f.cat.Refresh(ctx, q, []int64{pid}, false); err != nil {
					return err
				}
				return f.cat.Refresh(ctx, q, []int64{pid}, false)
			})
		}, 2},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := f.mails(t, "fan@example.com")
		if len(got) != st.mails {
			t.Fatalf("%s: %d mails %q, want %d", st.name, len(got), got, st.mails)
		}
		for _, s := range got {
			if !strings.Contains(s, "다시 입고") {
				t.Errorf("%s: subject %q does not say it is back", st.name, s)
			}
		}
	}
	if got := f.mails(t, "other@example.com"); len(got) != 0 {
		t.Errorf("a customer who did not wish got %q", got)
	}
}

// TestPriceDropMailed: a lower price (a sale price set, as the bulk import
// does) mails the wisher with both prices; a rise mails nothing; a later
// drop from the higher price is a new change.
func TestPriceDropMailed(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pid, vid := f.product(t, 10000, 5)
	fan := f.user(t, "fan@example.com")
	if _, err := f.s.Add(t.Context(), fan, pid); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	price := func(sale int64) func() error {
		return func() error {
			return f.d.InTx(ctx, func(q db.Querier) error {
				if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE variants SET sale_price_minor = ? WHERE id = ?`), sale, vid); err != nil {
					return err
				}
				return f.cat.Refresh(ctx, q, []int64{pid}, false)
			})
		}
	}
	steps := []struct {
		name string
		do   func() error
		want []string // substrings of each mail's subject so far
	}{
		{"on sale at 8,000", price(8000), []string{"8,000원"}},
		{"up to 9,000", price(9000), []string{"8,000원"}},
		{"down to 7,500", price(7500), []string{"8,000원", "7,500원"}},
		{"the same price again", price(7500), []string{"8,000원", "7,500원"}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := f.mails(t, "fan@example.com")
		if len(got) != len(st.want) {
			t.Fatalf("%s: mails %q, want %d", st.name, got, len(st.want))
		}
		for i, w := range st.want {
			if !strings.Contains(got[i], w) || !strings.Contains(got[i], "가격") {
				t.Errorf("%s: mail %d %q, want the price %s", st.name, i, got[i], w)
			}
		}
	}
}

// TestUnwishedProductCostsNothing: changes of a product no one wishes
// record nothing and mail no one.
func TestUnwishedProductCostsNothing(t *testing.T) {
	t.Parallel()
	f := setup(t)
	_, vid := f.product(t, 10000, 0)
	if _, err := f.cat.AdjustStock(t.Context(), f.staff, vid, 5, catalog.ReasonReceived, ""); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.d.Read().GetContext(t.Context(), &n, `SELECT (SELECT COUNT(*) FROM wish_watch) + (SELECT COUNT(*) FROM wish_alerts) + (SELECT COUNT(*) FROM outbox)`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d rows written for a product no one wishes", n)
	}
}
