package address_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fault"
)

// clock is a fake clock that moves one second each time it is read, so every
// address is newer than the one before.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// keyring builds a keyring of ids with current as the current key.
func keyring(t *testing.T, current string, ids ...string) *crypt.Keyring {
	t.Helper()
	keys := map[string][]byte{}
	for _, id := range ids {
		// The same id always names the same key material.
		keys[id] = bytes.Repeat([]byte(id[len(id)-1:]), crypt.KeySize)
	}
	kr, err := crypt.NewKeyring(current, keys)
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func setup(t *testing.T) (*address.Service, *db.DB, *crypt.Keyring, *clock) {
	t.Helper()
	d := dbtest.New(t)
	kr := keyring(t, "k1", "k1")
	c := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.FixedZone("KST", 9*3600))}
	return address.New(d, kr, c.Now), d, kr, c
}

func newUser(t *testing.T, d *db.DB, email string) int64 {
	t.Helper()
	var id int64
	q := d.Write()
	if err := q.QueryRowxContext(t.Context(), q.Rebind(`INSERT INTO users (email) VALUES (?) RETURNING id`), email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func home() address.Input {
	return address.Input{
		Label: "집", Recipient: "김말랑", Phone: "010-1234-5678", Postcode: "06236",
		Line1: "서울특별시 강남구 테헤란로 427", Line2: "위워크타워 10층", Note: "문 앞에 놓아 주세요",
	}
}

func office() address.Input {
	return address.Input{
		Label: "회사", Recipient: "이말랑", Phone: "+82 2 312 3456", Postcode: "04524",
		Line1: "서울특별시 중구 세종대로 110",
	}
}

func mustCreate(t *testing.T, s *address.Service, uid int64, in address.Input) address.Address {
	t.Helper()
	a, err := s.Create(t.Context(), uid, in)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return a
}

// ids returns the ids of list in order, with a '*' after the default.
func ids(list []address.Address) string {
	var b strings.Builder
	for i, a := range list {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprint(&b, a.ID)
		if a.IsDefault {
			b.WriteString("*")
		}
	}
	return b.String()
}

func listIDs(t *testing.T, s *address.Service, uid int64) string {
	t.Helper()
	list, err := s.List(t.Context(), uid)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	return ids(list)
}

// defaults counts the default rows of uid in the table itself.
func defaults(t *testing.T, d *db.DB, uid int64) int {
	t.Helper()
	var n int
	q := d.Read()
	if err := q.GetContext(t.Context(), &n, q.Rebind(`SELECT COUNT(*) FROM addresses WHERE user_id = ? AND is_default = TRUE`), uid); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCRUD(t *testing.T) {
	t.Parallel()
	s, d, _, _ := setup(t)
	ctx := t.Context()
	uid := newUser(t, d, "kim@example.com")

	if list, err := s.List(ctx, uid); err != nil || len(list) != 0 {
		t.Fatalf("empty book: List = %v, %v", list, err)
	}
	if _, err := s.Default(ctx, uid); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("empty book: Default error = %v, want ErrNotFound", err)
	}

	a := mustCreate(t, s, uid, home())
	want := address.Address{
		ID: a.ID, UserID: uid, Label: "집", Recipient: "김말랑", Phone: "+821012345678", Postcode: "06236",
		Line1: "서울특별시 강남구 테헤란로 427", Line2: "위워크타워 10층", Note: "문 앞에 놓아 주세요",
		IsDefault: true, CreatedAt: a.CreatedAt, UpdatedAt: a.CreatedAt,
	}
	if a != want {
		t.Fatalf("Create = %+v, want %+v", a, want)
	}
	if a.CreatedAt.Location() != time.UTC {
		t.Fatalf("CreatedAt %v is not UTC", a.CreatedAt)
	}
	got, err := s.Get(ctx, uid, a.ID)
	if err != nil || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	got.CreatedAt, got.UpdatedAt = a.CreatedAt, a.UpdatedAt
	if got != want {
		t.Fatalf("Get = %+v, want %+v", got, want)
	}

	u, err := s.Update(ctx, uid, a.ID, address.Input{
		Recipient: " 박말랑 ", Phone: "01098765432", Postcode: "48058", Line1: "부산광역시 해운대구 센텀중앙로 79",
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	got, err = s.Get(ctx, uid, a.ID)
	if err != nil {
		t.Fatalf("Get after Update: %v", err)
	}
	if got.Recipient != "박말랑" || got.Phone != "+821098765432" || got.Label != "" || got.Line2 != "" || got.Note != "" ||
		!got.IsDefault || !got.CreatedAt.Equal(a.CreatedAt) || !got.UpdatedAt.After(a.UpdatedAt) || !got.UpdatedAt.Equal(u.UpdatedAt) {
		t.Fatalf("after Update: %+v (Update returned %+v)", got, u)
	}

	if err := s.Delete(ctx, uid, a.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(ctx, uid, a.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("Get after Delete error = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, uid, a.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("second Delete error = %v, want ErrNotFound", err)
	}
}

func TestDefaultRules(t *testing.T) {
	t.Parallel()
	s, d, _, _ := setup(t)
	ctx := t.Context()
	uid := newUser(t, d, "kim@example.com")

	a := mustCreate(t, s, uid, home())
	b := mustCreate(t, s, uid, office())
	c := mustCreate(t, s, uid, home())
	step := func(name, want string) {
		t.Helper()
		if got := listIDs(t, s, uid); got != want {
			t.Fatalf("%s: list %q, want %q", name, got, want)
		}
		if n := defaults(t, d, uid); want != "" && n != 1 {
			t.Fatalf("%s: %d defaults in the table", name, n)
		}
		def, err := s.Default(ctx, uid)
		if want == "" {
			if !errors.Is(err, fault.ErrNotFound) {
				t.Fatalf("%s: Default error = %v, want ErrNotFound", name, err)
			}
			return
		}
		if err != nil || fmt.Sprint(def.ID, "*") != strings.Fields(want)[0] {
			t.Fatalf("%s: Default = %d, %v; list %q", name, def.ID, err, want)
		}
	}
	step("the first is the default, the rest newest first", fmt.Sprintf("%d* %d %d", a.ID, c.ID, b.ID))

	if err := s.SetDefault(ctx, uid, b.ID); err != nil {
		t.Fatal(err)
	}
	step("SetDefault", fmt.Sprintf("%d* %d %d", b.ID, c.ID, a.ID))

	if err := s.SetDefault(ctx, uid, b.ID); err != nil {
		t.Fatal(err)
	}
	step("SetDefault on the default", fmt.Sprintf("%d* %d %d", b.ID, c.ID, a.ID))

	if _, err := s.Update(ctx, uid, b.ID, office()); err != nil {
		t.Fatal(err)
	}
	step("Update without MakeDefault keeps the default", fmt.Sprintf("%d* %d %d", b.ID, c.ID, a.ID))

	in := home()
	in.MakeDefault = true
	if _, err := s.Update(ctx, uid, a.ID, in); err != nil {
		t.Fatal(err)
	}
	step("Update with MakeDefault", fmt.Sprintf("%d* %d %d", a.ID, c.ID, b.ID))

	e, err := s.Create(ctx, uid, in)
	if err != nil || !e.IsDefault {
		t.Fatalf("Create with MakeDefault = %+v, %v", e, err)
	}
	step("Create with MakeDefault", fmt.Sprintf("%d* %d %d %d", e.ID, c.ID, b.ID, a.ID))

	if err := s.Delete(ctx, uid, b.ID); err != nil {
		t.Fatal(err)
	}
	step("deleting another keeps the default", fmt.Sprintf("%d* %d %d", e.ID, c.ID, a.ID))

	if err := s.Delete(ctx, uid, e.ID); err != nil {
		t.Fatal(err)
	}
	step("deleting the default promotes the newest", fmt.Sprintf("%d* %d", c.ID, a.ID))

	if err := s.Delete(ctx, uid, c.ID); err != nil {
		t.Fatal(err)
	}
	step("and again", fmt.Sprintf("%d*", a.ID))

	if err := s.Delete(ctx, uid, a.ID); err != nil {
		t.Fatal(err)
	}
	step("the last one deleted", "")

	f := mustCreate(t, s, uid, office())
	step("a new first address is the default", fmt.Sprintf("%d*", f.ID))
}

func TestOneDefaultInTheDatabase(t *testing.T) {
	t.Parallel()
	s, d, _, _ := setup(t)
	uid := newUser(t, d, "kim@example.com")
	mustCreate(t, s, uid, home())
	b := mustCreate(t, s, uid, office())
	q := d.Write()
	_, err := q.ExecContext(t.Context(), q.Rebind(`UPDATE addresses SET is_default = TRUE WHERE id = ?`), b.ID)
	if !d.Dialect.IsUniqueViolation(err) {
		t.Fatalf("a second default: error %v, want a unique violation", err)
	}
}

func TestOtherCustomersAddresses(t *testing.T) {
	t.Parallel()
	s, d, _, _ := setup(t)
	ctx := t.Context()
	kim := newUser(t, d, "kim@example.com")
	lee := newUser(t, d, "lee@example.com")
	kims := mustCreate(t, s, kim, home())
	mustCreate(t, s, kim, office())
	lees := mustCreate(t, s, lee, office())
	const missing = 999_999
	const noUser = 888_888

	ops := []struct {
		name string
		do   func(uid, id int64) error
	}{
		{"Get", func(uid, id int64) error { _, err := s.Get(ctx, uid, id); return err }},
		{"Update", func(uid, id int64) error {
			in := office()
			in.MakeDefault = true
			_, err := s.Update(ctx, uid, id, in)
			return err
		}},
		{"Delete", func(uid, id int64) error { return s.Delete(ctx, uid, id) }},
		{"SetDefault", func(uid, id int64) error { return s.SetDefault(ctx, uid, id) }},
	}
	cases := []struct {
		name    string
		uid, id int64
	}{
		{"another customer's address", lee, kims.ID},
		{"a missing address", lee, missing},
		{"a user that does not exist", noUser, kims.ID},
	}
	for _, op := range ops {
		for _, c := range cases {
			err := op.do(c.uid, c.id)
			if !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("%s, %s: error %v, want ErrNotFound", op.name, c.name, err)
			}
		}
	}
	got, err := s.Get(ctx, kim, kims.ID)
	if err != nil || got.Recipient != "김말랑" || !got.IsDefault {
		t.Fatalf("kim's address after lee's attempts: %+v, %v", got, err)
	}
	if got := listIDs(t, s, lee); got != fmt.Sprintf("%d*", lees.ID) {
		t.Fatalf("lee's book: %q", got)
	}
	if n := defaults(t, d, kim); n != 1 {
		t.Fatalf("kim has %d defaults", n)
	}
	if _, err := s.Create(ctx, noUser, home()); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("Create for a missing user: %v, want ErrNotFound", err)
	}
}

func TestDeletedAccount(t *testing.T) {
	t.Parallel()
	s, d, _, _ := setup(t)
	ctx := t.Context()
	uid := newUser(t, d, "kim@example.com")
	a := mustCreate(t, s, uid, home())
	q := d.Write()
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET deleted_at = CURRENT_TIMESTAMP WHERE id = ?`), uid); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, uid, office()); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("Create for a deleted account: %v, want ErrNotFound", err)
	}
	if _, err := s.Update(ctx, uid, a.ID, office()); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("Update for a deleted account: %v, want ErrNotFound", err)
	}
	if err := s.SetDefault(ctx, uid, a.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("SetDefault for a deleted account: %v, want ErrNotFound", err)
	}
}

func TestCap(t *testing.T) {
	t.Parallel()
	s, d, _, _ := setup(t)
	uid := newUser(t, d, "kim@example.com")
	for range address.MaxPerUser {
		mustCreate(t, s, uid, office())
	}
	_, err := s.Create(t.Context(), uid, home())
	inv, ok := fault.AsInvalid(err)
	if !ok || !strings.Contains(inv.Fields["address"], "at most 20 addresses") {
		t.Fatalf("Create past the cap: %v", err)
	}
	list, _ := s.List(t.Context(), uid)
	if err := s.Delete(t.Context(), uid, list[len(list)-1].ID); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, uid, home())
}

func TestDeleteAllForUser(t *testing.T) {
	t.Parallel()
	s, d, _, _ := setup(t)
	ctx := t.Context()
	kim := newUser(t, d, "kim@example.com")
	lee := newUser(t, d, "lee@example.com")
	mustCreate(t, s, kim, home())
	mustCreate(t, s, kim, office())
	l := mustCreate(t, s, lee, home())

	errAbort := errors.New("abort")
	err := d.InTx(ctx, func(q db.Querier) error {
		if err := s.DeleteAllForUser(ctx, q, kim); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatal(err)
	}
	if got, _ := s.List(ctx, kim); len(got) != 2 {
		t.Fatalf("a rolled-back deletion left %d addresses, want 2", len(got))
	}

	if err := d.InTx(ctx, func(q db.Querier) error { return s.DeleteAllForUser(ctx, q, kim) }); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.List(ctx, kim); len(got) != 0 {
		t.Fatalf("kim has %d addresses after deletion", len(got))
	}
	if got := listIDs(t, s, lee); got != fmt.Sprintf("%d*", l.ID) {
		t.Fatalf("lee's book after kim's deletion: %q", got)
	}
}
