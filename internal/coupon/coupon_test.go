package coupon_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
)

var t0 = time.Date(2025, 3, 1, 1, 0, 0, 0, time.UTC)

func setup(t *testing.T) (*coupon.Service, *db.DB, *fake.Clock) {
	t.Helper()
	d := dbtest.New(t)
	c := fake.NewClock(t0)
	return coupon.New(d, audit.New(d, c.Now), c.Now), d, c
}

func exec(t *testing.T, d *db.DB, query string, args ...any) {
	t.Helper()
	if _, err := d.Write().ExecContext(t.Context(), d.Write().Rebind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func newUser(t *testing.T, d *db.DB, email string) int64 {
	t.Helper()
	var id int64
	err := d.Write().GetContext(t.Context(), &id, d.Write().Rebind(
		`INSERT INTO users (email, name, role, active) VALUES (?, '김말랑', 'customer', TRUE) RETURNING id`), email)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// catalog adds categories 10 (식품) > 11 (초콜릿) > 12 (다크), 20 (과자) and
// products 100 in 11 and 200 in 20.
func catalog(t *testing.T, d *db.DB) {
	t.Helper()
	exec(t, d, `INSERT INTO categories (id, parent_id, slug, name) VALUES (10, NULL, 'food', '식품'), (20, NULL, 'snack', '과자')`)
	exec(t, d, `INSERT INTO categories (id, parent_id, slug, name) VALUES (11, 10, 'chocolate', '초콜릿')`)
	exec(t, d, `INSERT INTO categories (id, parent_id, slug, name) VALUES (12, 11, 'dark', '다크')`)
	exec(t, d, `INSERT INTO products (id, seller_id, category_id, name) VALUES (100, 1, 11, '다크초콜릿'), (200, 1, 20, '버터쿠키')`)
}

func valid() coupon.NewCoupon {
	return coupon.NewCoupon{Code: "spring-10", Name: "봄맞이 10% 할인", Kind: coupon.KindPercent, Amount: 10,
		MaxDiscount: 5000, MinOrder: 20000, StartsAt: t0, EndsAt: t0.AddDate(0, 1, 0)}
}

func mustCreate(t *testing.T, s *coupon.Service, in coupon.NewCoupon) coupon.Coupon {
	t.Helper()
	c, err := s.Create(t.Context(), audittest.Staff, in)
	if err != nil {
		t.Fatalf("Create(%+v): %v", in, err)
	}
	return c
}

func reason(err error) string {
	inv, ok := fault.AsInvalid(err)
	if !ok {
		return ""
	}
	return inv.Fields["coupon"]
}

func redeem(t *testing.T, s *coupon.Service, d *db.DB, couponID, userID, orderID int64) error {
	t.Helper()
	return d.InTx(t.Context(), func(q db.Querier) error { return s.Redeem(t.Context(), q, couponID, userID, orderID) })
}

func release(t *testing.T, s *coupon.Service, d *db.DB, orderID int64) string {
	t.Helper()
	var kept string
	if err := d.InTx(t.Context(), func(q db.Querier) (err error) {
		kept, err = s.Release(t.Context(), q, orderID)
		return err
	}); err != nil {
		t.Fatalf("Release(%d): %v", orderID, err)
	}
	return kept
}

func TestCreateGet(t *testing.T) {
	t.Parallel()
	s, d, _ := setup(t)
	catalog(t, d)
	in := valid()
	in.Code = "  spring-10 "
	in.CategoryIDs = []int64{11, 11, 20}
	in.ProductIDs = []int64{200}
	in.TotalLimit = 100
	c := mustCreate(t, s, in)
	got, err := s.Get(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := coupon.Coupon{ID: c.ID, Code: "SPRING-10", Name: "봄맞이 10% 할인", Kind: "percent", Amount: 10,
		MaxDiscount: 5000, MinOrder: 20000, StartsAt: t0, EndsAt: t0.AddDate(0, 1, 0), TotalLimit: 100,
		PerCustomerLimit: 1, Active: true, CategoryIDs: []int64{11, 20}, ProductIDs: []int64{200},
		CreatedAt: t0, UpdatedAt: t0}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) || fmt.Sprintf("%+v", c) != fmt.Sprintf("%+v", want) {
		t.Fatalf("Get = %+v\nCreate = %+v\nwant %+v", got, c, want)
	}
	if _, err := s.Get(t.Context(), c.ID+1); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
	}
}

func TestCreateInvalid(t *testing.T) {
	t.Parallel()
	s, d, _ := setup(t)
	catalog(t, d)
	mustCreate(t, s, valid())
	tests := []struct {
		name  string
		edit  func(*coupon.NewCoupon)
		field string
	}{
		{"code taken in another case", func(c *coupon.NewCoupon) { c.Code = "Spring-10" }, "code"},
		{"code too short", func(c *coupon.NewCoupon) { c.Code = "AB" }, "code"},
		{"code in Korean", func(c *coupon.NewCoupon) { c.Code = "봄맞이쿠폰" }, "code"},
		{"code with space", func(c *coupon.NewCoupon) { c.Code = "SPRING 10" }, "code"},
		{"no name", func(c *coupon.NewCoupon) { c.Name = "  " }, "name"},
		{"unknown kind", func(c *coupon.NewCoupon) { c.Kind = "bogo" }, "kind"},
		{"percent over 100", func(c *coupon.NewCoupon) { c.Amount = 101 }, "amount"},
		{"percent zero", func(c *coupon.NewCoupon) { c.Amount = 0 }, "amount"},
		{"fixed zero", func(c *coupon.NewCoupon) { c.Kind, c.Amount, c.MaxDiscount = "fixed", 0, 0 }, "amount"},
		{"fixed with cap", func(c *coupon.NewCoupon) { c.Kind, c.Amount = "fixed", 3000 }, "max_discount"},
		{"negative cap", func(c *coupon.NewCoupon) { c.MaxDiscount = -1 }, "max_discount"},
		{"negative minimum", func(c *coupon.NewCoupon) { c.MinOrder = -1 }, "min_order"},
		{"ends before start", func(c *coupon.NewCoupon) { c.EndsAt = t0.Add(-time.Hour) }, "ends_at"},
		{"negative total", func(c *coupon.NewCoupon) { c.TotalLimit = -1 }, "total_limit"},
		{"negative per customer", func(c *coupon.NewCoupon) { c.PerCustomerLimit = -1 }, "per_customer_limit"},
		{"missing category", func(c *coupon.NewCoupon) { c.CategoryIDs = []int64{11, 999} }, "category_ids"},
		{"missing product", func(c *coupon.NewCoupon) { c.ProductIDs = []int64{999} }, "product_ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid()
			in.Code = "OTHER-1"
			tt.edit(&in)
			_, err := s.Create(t.Context(), audittest.Staff, in)
			inv, ok := fault.AsInvalid(err)
			if !ok || inv.Fields[tt.field] == "" {
				t.Fatalf("Create = %v, want *fault.Invalid on %q", err, tt.field)
			}
		})
	}
	if cs, err := s.List(t.Context(), 10, 0); err != nil || len(cs) != 1 {
		t.Fatalf("List = %d coupons, %v; want only the valid one", len(cs), err)
	}
}

func TestListSetActive(t *testing.T) {
	t.Parallel()
	s, d, c := setup(t)
	catalog(t, d)
	var ids []int64
	for i := range 3 {
		in := valid()
		in.Code = fmt.Sprintf("CODE-%d", i)
		in.ProductIDs = []int64{100}
		ids = append(ids, mustCreate(t, s, in).ID)
		c.Set(c.Now().Add(time.Minute))
	}
	page, err := s.List(t.Context(), 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].ID != ids[1] || page[1].ID != ids[0] || !slices.Equal(page[1].ProductIDs, []int64{100}) {
		t.Fatalf("List(2, 1) = %+v", page)
	}
	if _, _, err := s.SetActive(t.Context(), audittest.Staff, ids[0], false); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(t.Context(), ids[0]); got.Active {
		t.Fatal("still active after SetActive(false)")
	}
	if _, _, err := s.SetActive(t.Context(), audittest.Staff, 9999, true); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("SetActive(missing) = %v, want ErrNotFound", err)
	}
}

// TestCheck gives a distinct reason for each way a coupon cannot be used.
func TestCheck(t *testing.T) {
	t.Parallel()
	s, d, c := setup(t)
	catalog(t, d)
	uid := newUser(t, d, "kim@example.com")
	other := newUser(t, d, "lee@example.com")
	mk := func(code string, edit func(*coupon.NewCoupon)) coupon.Coupon {
		in := valid()
		in.Code = code
		if edit != nil {
			edit(&in)
		}
		return mustCreate(t, s, in)
	}
	mk("OK-1", func(c *coupon.NewCoupon) { c.CategoryIDs = []int64{11}; c.ProductIDs = []int64{200} })
	off := mk("OFF-1", nil)
	if _, _, err := s.SetActive(t.Context(), audittest.Staff, off.ID, false); err != nil {
		t.Fatal(err)
	}
	mk("LATER-1", func(c *coupon.NewCoupon) { c.StartsAt = t0.AddDate(0, 0, 1); c.EndsAt = time.Time{} })
	mk("PAST-1", func(c *coupon.NewCoupon) { c.StartsAt = t0.AddDate(0, -2, 0); c.EndsAt = t0 })
	one := mk("ONE-1", func(c *coupon.NewCoupon) { c.TotalLimit = 1; c.PerCustomerLimit = 2 })
	mine := mk("MINE-1", nil)
	if err := redeem(t, s, d, one.ID, other, 1); err != nil {
		t.Fatal(err)
	}
	if err := redeem(t, s, d, mine.ID, uid, 2); err != nil {
		t.Fatal(err)
	}
	reasons := map[string]bool{}
	tests := []struct {
		name, code string
		user       int64
		want       string // "" means usable
	}{
		{"usable, any case", " ok-1 ", uid, ""},
		{"unknown", "NOPE-1", uid, "is not a valid coupon code"},
		{"inactive", "OFF-1", uid, "is no longer offered"},
		{"not started", "LATER-1", uid, "cannot be used yet"},
		{"expired at its end", "PAST-1", uid, "has expired"},
		{"used up", "ONE-1", uid, "has been used up"},
		{"used by you", "MINE-1", uid, "has already been used on your account"},
		{"used by someone else", "MINE-1", other, ""},
		{"visitor", "MINE-1", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Check(t.Context(), tt.code, tt.user)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				if got.Code != coupon.NormalizeCode(tt.code) || got.Kind != "percent" || got.Amount != 10 ||
					got.MaxDiscount != 5000 || got.MinOrder != 20000 {
					t.Fatalf("Check = %+v", got)
				}
				return
			}
			if r := reason(err); r != tt.want {
				t.Fatalf("Check = %v, want reason %q", err, tt.want)
			}
			if reasons[tt.want] {
				t.Fatalf("reason %q given twice", tt.want)
			}
			reasons[tt.want] = true
		})
	}
	// Subcategories count: 11 brings 12 along.
	got, err := s.Check(t.Context(), "OK-1", uid)
	if err != nil || !slices.Equal(got.CategoryIDs, []int64{11, 12}) || !slices.Equal(got.ProductIDs, []int64{200}) {
		t.Fatalf("Check targets = %v %v, %v; want [11 12] [200]", got.CategoryIDs, got.ProductIDs, err)
	}
	// The clock decides validity.
	c.Set(t0.AddDate(0, 1, 0))
	if _, err := s.Check(t.Context(), "OK-1", uid); reason(err) != "has expired" {
		t.Fatalf("Check after the end = %v, want expired", err)
	}
}

func TestRedeemRechecks(t *testing.T) {
	t.Parallel()
	s, d, c := setup(t)
	uid := newUser(t, d, "kim@example.com")
	cp := mustCreate(t, s, valid())
	tests := []struct {
		name  string
		setup func()
		want  string
	}{
		{"before start", func() { c.Set(t0.Add(-time.Second)) }, "cannot be used yet"},
		{"after end", func() { c.Set(t0.AddDate(0, 1, 0)) }, "has expired"},
		{"inactive", func() {
			c.Set(t0)
			if _, _, err := s.SetActive(t.Context(), audittest.Staff, cp.ID, false); err != nil {
				t.Fatal(err)
			}
		}, "is no longer offered"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup()
			if err := redeem(t, s, d, cp.ID, uid, int64(i+1)); reason(err) != tt.want {
				t.Fatalf("Redeem = %v, want %q", err, tt.want)
			}
		})
	}
	if err := redeem(t, s, d, 9999, uid, 50); reason(err) != "is not a valid coupon code" {
		t.Fatalf("Redeem(missing) = %v", err)
	}
	if got, _ := s.Get(t.Context(), cp.ID); got.UsedCount != 0 {
		t.Fatalf("used count %d after refusals, want 0", got.UsedCount)
	}
}

func TestRedeemOneCouponPerOrder(t *testing.T) {
	t.Parallel()
	s, d, _ := setup(t)
	uid := newUser(t, d, "kim@example.com")
	a := mustCreate(t, s, valid())
	in := valid()
	in.Code = "OTHER-1"
	b := mustCreate(t, s, in)
	if err := redeem(t, s, d, a.ID, uid, 7); err != nil {
		t.Fatal(err)
	}
	if err := redeem(t, s, d, b.ID, uid, 7); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("second coupon on order 7 = %v, want ErrConflict", err)
	}
}

func TestReleaseAndRedeemAgain(t *testing.T) {
	t.Parallel()
	s, d, _ := setup(t)
	uid := newUser(t, d, "kim@example.com")
	in := valid()
	in.TotalLimit = 1
	cp := mustCreate(t, s, in)
	if err := redeem(t, s, d, cp.ID, uid, 1); err != nil {
		t.Fatal(err)
	}
	if err := redeem(t, s, d, cp.ID, uid, 2); reason(err) != "has been used up" {
		t.Fatalf("Redeem over the limit = %v", err)
	}
	for range 3 { // idempotent
		release(t, s, d, 1)
	}
	release(t, s, d, 404) // an order without a coupon
	if got, _ := s.Get(t.Context(), cp.ID); got.UsedCount != 0 {
		t.Fatalf("used count %d after release, want 0", got.UsedCount)
	}
	if _, err := s.Check(t.Context(), cp.Code, uid); err != nil {
		t.Fatalf("Check after release: %v", err)
	}
	if err := redeem(t, s, d, cp.ID, uid, 2); err != nil {
		t.Fatalf("Redeem after release: %v", err)
	}
	if got, _ := s.Get(t.Context(), cp.ID); got.UsedCount != 1 {
		t.Fatalf("used count %d, want 1", got.UsedCount)
	}
}

// TestConcurrentRedeem redeems at once from many goroutines: the limits hold
// exactly on both engines.
func TestConcurrentRedeem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		total, per  int64
		tries       int
		sameUser    bool
		wantOK      int
		wantRefusal string
	}{
		{"total limit 10, 50 customers", 10, 1, 50, false, 10, "has been used up"},
		{"one per customer, 20 tries", 0, 1, 20, true, 1, "has already been used on your account"},
		{"three per customer, 20 tries", 100, 3, 20, true, 3, "has already been used on your account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, d, _ := setup(t)
			in := valid()
			in.TotalLimit, in.PerCustomerLimit = tt.total, tt.per
			cp := mustCreate(t, s, in)
			users := make([]int64, tt.tries)
			for i := range users {
				if tt.sameUser && i > 0 {
					users[i] = users[0]
					continue
				}
				users[i] = newUser(t, d, fmt.Sprintf("c%d@example.com", i))
			}
			errs := make([]error, tt.tries)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range tt.tries {
				wg.Go(func() {
					<-start
					errs[i] = d.InTx(t.Context(), func(q db.Querier) error {
						return s.Redeem(t.Context(), q, cp.ID, users[i], int64(1000+i))
					})
				})
			}
			close(start)
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case reason(err) != tt.wantRefusal:
					t.Errorf("Redeem = %v, want %q", err, tt.wantRefusal)
				}
			}
			if ok != tt.wantOK {
				t.Fatalf("%d redeemed, want %d", ok, tt.wantOK)
			}
			got, err := s.Get(t.Context(), cp.ID)
			if err != nil || got.UsedCount != int64(tt.wantOK) {
				t.Fatalf("used count %d (%v), want %d", got.UsedCount, err, tt.wantOK)
			}
			var rows int64
			if err := d.Read().GetContext(t.Context(), &rows, `SELECT COUNT(*) FROM coupon_redemptions`); err != nil || rows != int64(tt.wantOK) {
				t.Fatalf("%d redemptions (%v), want %d", rows, err, tt.wantOK)
			}
		})
	}
}

// TestConcurrentReleaseRedeem releases and redeems at once: the count always
// matches the unreleased uses and never passes the limit.
func TestConcurrentReleaseRedeem(t *testing.T) {
	t.Parallel()
	s, d, _ := setup(t)
	in := valid()
	in.TotalLimit = 5
	cp := mustCreate(t, s, in)
	var users []int64
	for i := range 20 {
		users = append(users, newUser(t, d, fmt.Sprintf("c%d@example.com", i)))
	}
	for i := range 5 {
		if err := redeem(t, s, d, cp.ID, users[i], int64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, 30)
	for i := range 30 {
		wg.Go(func() {
			<-start
			errs[i] = d.InTx(t.Context(), func(q db.Querier) error {
				if i < 10 { // each of the first five orders released twice
					_, err := s.Release(t.Context(), q, int64(i%5+1))
					return err
				}
				return s.Redeem(t.Context(), q, cp.ID, users[i-10], int64(100+i))
			})
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil && reason(err) == "" {
			t.Fatalf("unexpected error: %v", err)
		}
	}
	var open int64
	if err := d.Read().GetContext(t.Context(), &open, `SELECT COUNT(*) FROM coupon_redemptions WHERE released_at IS NULL`); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(t.Context(), cp.ID)
	if err != nil || got.UsedCount != open || open > 5 {
		t.Fatalf("used count %d (%v), %d unreleased uses; want equal and at most 5", got.UsedCount, err, open)
	}
}

// A change and its audit entry commit together: with the audit log
// refusing entries, nothing is created or switched; a switch to the state a
// coupon already has records nothing.
func TestAudited(t *testing.T) {
	t.Parallel()
	s, d, _ := setup(t)
	ctx := t.Context()
	c, err := s.Create(ctx, audittest.Staff, valid())
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(c.ID, 10)
	es := audittest.Entries(t, d, "coupon.created")
	if len(es) != 1 || es[0].TargetType != "coupon" || es[0].TargetID != id || es[0].ActorEmail != audittest.Staff.Email ||
		es[0].IP != audittest.Staff.IP || es[0].Detail["code"] != "SPRING-10" || es[0].Detail["kind"] != coupon.KindPercent {
		t.Fatalf("created: %+v", es)
	}
	switches := []struct {
		name    string
		active  bool
		changed bool
		entries int
	}{
		{"off", false, true, 1}, {"off again", false, false, 1}, {"on", true, true, 2}, {"on again", true, false, 2},
	}
	for _, sw := range switches {
		got, changed, err := s.SetActive(ctx, audittest.Staff, c.ID, sw.active)
		if err != nil || changed != sw.changed || got.Active != sw.active || got.Code != "SPRING-10" {
			t.Fatalf("%s: SetActive = %+v, %v, %v", sw.name, got, changed, err)
		}
		n := len(audittest.Entries(t, d, "coupon.activated")) + len(audittest.Entries(t, d, "coupon.deactivated"))
		if n != sw.entries {
			t.Fatalf("%s: %d switch entries, want %d", sw.name, n, sw.entries)
		}
	}
	if es := audittest.Entries(t, d, "coupon.deactivated"); len(es) != 1 || es[0].TargetID != id || es[0].Detail["code"] != "SPRING-10" {
		t.Fatalf("deactivated: %+v", es)
	}

	audittest.Refuse(t, d)
	in := valid()
	in.Code = "REFUSED-1"
	if _, err := s.Create(ctx, audittest.Staff, in); err == nil {
		t.Fatal("Create with the audit log refusing succeeded")
	}
	if cs, err := s.List(ctx, 10, 0); err != nil || len(cs) != 1 {
		t.Fatalf("after a refused entry: %d coupons, %v", len(cs), err)
	}
	if _, _, err := s.SetActive(ctx, audittest.Staff, c.ID, false); err == nil {
		t.Fatal("SetActive with the audit log refusing succeeded")
	}
	if got, err := s.Get(ctx, c.ID); err != nil || !got.Active {
		t.Fatalf("after a refused switch: %+v, %v", got, err)
	}
	// Nothing to record, so nothing to refuse.
	if _, changed, err := s.SetActive(ctx, audittest.Staff, c.ID, true); err != nil || changed {
		t.Fatalf("unchanged switch with the audit log refusing = %v, %v", changed, err)
	}
	if _, _, err := s.SetActive(ctx, audittest.Staff, c.ID+100, false); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("SetActive(missing) = %v", err)
	}
}

// TestReleaseOnlyWhileValid: a coupon comes back only while it can still be
// used; an expired or withdrawn one stays used, and Release says why.
func TestReleaseOnlyWhileValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		change   func(t *testing.T, s *coupon.Service, c *fake.Clock, id int64)
		wantKept string
		wantUsed int64
	}{
		{"still valid", func(*testing.T, *coupon.Service, *fake.Clock, int64) {}, "", 0},
		{"expired", func(_ *testing.T, _ *coupon.Service, c *fake.Clock, _ int64) { c.Advance(31 * 24 * time.Hour) },
			coupon.KeptExpired, 1},
		{"no longer offered", func(t *testing.T, s *coupon.Service, _ *fake.Clock, id int64) {
			if _, _, err := s.SetActive(t.Context(), audittest.Staff, id, false); err != nil {
				t.Fatal(err)
			}
		}, coupon.KeptInactive, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, d, c := setup(t)
			uid := newUser(t, d, "kim@example.com")
			cp := mustCreate(t, s, valid()) // one per customer, ends in a month
			if err := redeem(t, s, d, cp.ID, uid, 1); err != nil {
				t.Fatal(err)
			}
			tt.change(t, s, c, cp.ID)
			for i := range 2 { // the same answer when asked again
				if kept := release(t, s, d, 1); kept != tt.wantKept {
					t.Fatalf("Release #%d kept %q, want %q", i+1, kept, tt.wantKept)
				}
			}
			if got, _ := s.Get(t.Context(), cp.ID); got.UsedCount != tt.wantUsed {
				t.Fatalf("used count %d, want %d", got.UsedCount, tt.wantUsed)
			}
			// Given back, the customer may use it again despite the limit
			// of one per customer.
			err := redeem(t, s, d, cp.ID, uid, 2)
			if tt.wantKept == "" && err != nil {
				t.Fatalf("Redeem after release: %v", err)
			}
			if tt.wantKept != "" && err == nil {
				t.Fatal("Redeem of a kept coupon succeeded")
			}
		})
	}
}
