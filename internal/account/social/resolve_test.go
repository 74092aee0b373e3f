package social_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account/social"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// account is a user row to seed.
type account struct {
	email    string
	active   bool
	deleted  bool
	verified bool
	password bool
}

func addUser(t *testing.T, d *db.DB, a account) int64 {
	t.Helper()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var deleted, verified *time.Time
	if a.deleted {
		deleted = &now
	}
	if a.verified {
		verified = &now
	}
	hash := ""
	if a.password {
		hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"
	}
	var id int64
	err := d.Write().QueryRowxContext(t.Context(), d.Write().Rebind(`
		INSERT INTO users (email, name, password_hash, role, active, email_verified_at, created_at, updated_at, deleted_at)
		VALUES (?, '기존 회원', ?, 'customer', ?, ?, ?, ?, ?) RETURNING id`),
		a.email, hash, a.active, verified, now, now, deleted).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func countRows(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Read().GetContext(t.Context(), &n, `SELECT COUNT(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestResolve(t *testing.T) {
	t.Parallel()
	kakao := func(email string, verified bool) social.Profile {
		return social.Profile{Provider: social.Kakao, Subject: "1001", Email: email, EmailVerified: verified, Name: "민아"}
	}
	good := account{email: "mina@example.com", active: true, verified: true, password: true}
	tests := []struct {
		name       string
		existing   *account
		linkedTo   bool // the profile's identity is already linked to the existing user
		profile    social.Profile
		want       social.Result // UserID 0 = a new user; -1 = the existing user
		wantErr    error
		identities int // rows in user_identities afterwards
	}{
		{"new verified address creates", nil, false, kakao("mina@example.com", true), social.Result{Created: true}, nil, 1},
		{"verified address links", &good, false, kakao(" MINA@Example.com ", true), social.Result{UserID: -1, Linked: true}, nil, 1},
		{"linked identity signs in", &good, true, kakao("", false), social.Result{UserID: -1}, nil, 1},
		{"unverified address never links", &good, false, kakao("mina@example.com", false), social.Result{}, social.ErrEmailRequired, 0},
		{"unverified new address", nil, false, kakao("new@example.com", false), social.Result{}, social.ErrEmailRequired, 0},
		{"no address", nil, false, kakao("", true), social.Result{}, social.ErrEmailRequired, 0},
		{"malformed address", nil, false, kakao("not an address", true), social.Result{}, social.ErrEmailRequired, 0},
		{"account with its own address unverified", &account{email: "mina@example.com", active: true, password: true},
			false, kakao("mina@example.com", true), social.Result{}, social.ErrAccountExists, 0},
		{"deleted account", &account{email: "mina@example.com", active: true, verified: true, deleted: true},
			false, kakao("mina@example.com", true), social.Result{}, fault.ErrForbidden, 0},
		{"disabled account", &account{email: "mina@example.com", verified: true},
			false, kakao("mina@example.com", true), social.Result{}, fault.ErrForbidden, 0},
		{"identity of a disabled account", &account{email: "mina@example.com", verified: true},
			true, kakao("mina@example.com", true), social.Result{}, fault.ErrForbidden, 1},
		{"identity of a deleted account", &account{email: "mina@example.com", active: true, verified: true, deleted: true},
			true, kakao("mina@example.com", true), social.Result{}, fault.ErrForbidden, 1},
		{"unknown provider", nil, false, social.Profile{Provider: "facebook", Subject: "1", Email: "a@b.c", EmailVerified: true},
			social.Result{}, fault.ErrNotFound, 0},
		{"no subject", nil, false, social.Profile{Provider: social.Naver, Email: "a@example.com", EmailVerified: true},
			social.Result{}, social.ErrRejected, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			var existing int64
			if tt.existing != nil {
				existing = addUser(t, e.d, *tt.existing)
			}
			if tt.linkedTo {
				if _, err := e.d.Write().ExecContext(t.Context(), e.d.Write().Rebind(
					`INSERT INTO user_identities (user_id, provider, subject, email) VALUES (?, ?, ?, '')`),
					existing, tt.profile.Provider, tt.profile.Subject); err != nil {
					t.Fatal(err)
				}
			}
			got, err := e.svc.Resolve(t.Context(), tt.profile)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("Resolve = %+v, %v; want error %v", got, err, tt.wantErr)
			}
			want := tt.want
			switch {
			case err != nil:
			case want.UserID == -1:
				want.UserID = existing
			case want.Created:
				if got.UserID == 0 || got.UserID == existing {
					t.Fatalf("Resolve gave user %d, want a new one", got.UserID)
				}
				want.UserID = got.UserID
			}
			if got != want {
				t.Errorf("Resolve = %+v, want %+v", got, want)
			}
			if n := countRows(t, e.d, "user_identities"); n != tt.identities {
				t.Errorf("%d identities, want %d", n, tt.identities)
			}
			if tt.existing == nil && !want.Created {
				if n := countRows(t, e.d, "users"); n != 0 {
					t.Errorf("%d users created on error", n)
				}
			}
		})
	}
}

// TestResolveConcurrent sends the same new profile from many callbacks at
// once (a double-clicked button, two tabs): one account comes out.
func TestResolveConcurrent(t *testing.T) {
	t.Parallel()
	for _, withAccount := range []bool{false, true} {
		t.Run(fmt.Sprintf("existing account %v", withAccount), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			var existing int64
			if withAccount {
				existing = addUser(t, e.d, account{email: "race@example.com", active: true, verified: true, password: true})
			}
			p := social.Profile{Provider: social.Google, Subject: "g-race", Email: "race@example.com", EmailVerified: true, Name: "경주"}
			const n = 10
			warmPool(t, e.d, n)
			results := make([]social.Result, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					results[i], errs[i] = e.svc.Resolve(t.Context(), p)
				})
			}
			close(start)
			wg.Wait()
			created, linked := 0, 0
			for i := range n {
				if errs[i] != nil {
					t.Fatalf("Resolve %d: %v", i, errs[i])
				}
				if results[i].UserID != results[0].UserID {
					t.Fatalf("Resolve gave users %d and %d", results[0].UserID, results[i].UserID)
				}
				if results[i].Created {
					created++
				}
				if results[i].Linked {
					linked++
				}
			}
			wantCreated, wantLinked := 1, 0
			if withAccount {
				wantCreated, wantLinked = 0, 1
				if results[0].UserID != existing {
					t.Errorf("signed in user %d, want %d", results[0].UserID, existing)
				}
			}
			if created != wantCreated || linked != wantLinked {
				t.Errorf("created %d, linked %d; want %d, %d", created, linked, wantCreated, wantLinked)
			}
			if got := countRows(t, e.d, "users"); got != 1 {
				t.Errorf("%d users, want 1", got)
			}
			if got := countRows(t, e.d, "user_identities"); got != 1 {
				t.Errorf("%d identities, want 1", got)
			}
		})
	}
}

// warmPool opens the pool's connections before a race, so that the racers
// are not spread out by connecting one after another.
func warmPool(t *testing.T, d *db.DB, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_ = d.InTx(t.Context(), func(q db.Querier) error {
				_, err := q.ExecContext(t.Context(), `SELECT 1`)
				return err
			})
		})
	}
	wg.Wait()
}

func TestUnlink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password bool
		linked   []string
		unlink   []string
		want     []error // one per unlink
		left     int
	}{
		{"with a password", true, []string{social.Kakao}, []string{social.Kakao}, []error{nil}, 0},
		{"the last way in", false, []string{social.Kakao}, []string{social.Kakao}, []error{fault.ErrConflict}, 1},
		{"one of two, then the last", false, []string{social.Kakao, social.Naver},
			[]string{social.Naver, social.Kakao}, []error{nil, fault.ErrConflict}, 1},
		{"not linked", true, []string{social.Kakao}, []string{social.Google}, []error{fault.ErrNotFound}, 1},
		{"not linked, no password", false, []string{social.Kakao}, []string{social.Google}, []error{fault.ErrNotFound}, 1},
		{"twice", true, []string{social.Kakao}, []string{social.Kakao, social.Kakao}, []error{nil, fault.ErrNotFound}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			id := addUser(t, e.d, account{email: "u@example.com", active: true, verified: true, password: tt.password})
			for i, p := range tt.linked {
				if err := e.svc.Link(t.Context(), id, social.Profile{Provider: p, Subject: fmt.Sprint(100 + i)}); err != nil {
					t.Fatal(err)
				}
			}
			for i, p := range tt.unlink {
				if err := e.svc.Unlink(t.Context(), id, p); !errors.Is(err, tt.want[i]) || (err == nil) != (tt.want[i] == nil) {
					t.Fatalf("Unlink(%s) = %v, want %v", p, err, tt.want[i])
				}
			}
			ids, err := e.svc.Identities(t.Context(), id)
			if err != nil || len(ids) != tt.left {
				t.Fatalf("Identities = %+v, %v; want %d", ids, err, tt.left)
			}
		})
	}
	t.Run("unknown user", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		if err := e.svc.Unlink(t.Context(), 999, social.Kakao); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("Unlink = %v, want fault.ErrNotFound", err)
		}
	})
}

// TestUnlinkConcurrent unlinks both identities of a user without a
// password at once: one must stay.
func TestUnlinkConcurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	providers := []string{social.Google, social.Kakao, social.Naver}
	id := addUser(t, e.d, account{email: "u@example.com", active: true, verified: true})
	for i, p := range providers {
		if err := e.svc.Link(t.Context(), id, social.Profile{Provider: p, Subject: fmt.Sprint(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	errs := make([]error, len(providers))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, p := range providers {
		wg.Go(func() {
			<-start
			errs[i] = e.svc.Unlink(t.Context(), id, p)
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, fault.ErrConflict):
			t.Fatalf("Unlink: %v", err)
		}
	}
	if ids, _ := e.svc.Identities(t.Context(), id); ok != 2 || len(ids) != 1 {
		t.Fatalf("%d unlinks succeeded, %d identities left; want 2 and 1", ok, len(ids))
	}
}

func TestLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mina := addUser(t, e.d, account{email: "mina@example.com", active: true, verified: true, password: true})
	joon := addUser(t, e.d, account{email: "joon@example.com", active: true, verified: true, password: true})
	naver := social.Profile{Provider: social.Naver, Subject: "nv-1", Email: "Mina@Naver.com", EmailVerified: true}
	tests := []struct {
		name   string
		userID int64
		p      social.Profile
		want   error
	}{
		{"link", mina, naver, nil},
		{"again is a no-op", mina, naver, nil},
		{"another user's identity", joon, naver, fault.ErrConflict},
		{"a second identity at the provider", mina, social.Profile{Provider: social.Naver, Subject: "nv-2"}, fault.ErrConflict},
		{"an unverified address is fine when signed in", joon, social.Profile{Provider: social.Naver, Subject: "nv-3", Email: "x@y.z"}, nil},
		{"unknown user", 999, social.Profile{Provider: social.Kakao, Subject: "1"}, fault.ErrNotFound},
		{"disabled provider", mina, social.Profile{Provider: "facebook", Subject: "1"}, fault.ErrNotFound},
	}
	for _, tt := range tests { // in order: each step builds on the last
		if err := e.svc.Link(t.Context(), tt.userID, tt.p); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
			t.Fatalf("%s: Link = %v, want %v", tt.name, err, tt.want)
		}
	}
	ids, err := e.svc.Identities(t.Context(), mina)
	if err != nil || len(ids) != 1 || ids[0].Subject != "nv-1" || ids[0].Email != "mina@naver.com" {
		t.Fatalf("Identities = %+v, %v", ids, err)
	}
	// The linked identity now signs mina in.
	res, err := e.svc.Resolve(t.Context(), naver)
	if err != nil || res != (social.Result{UserID: mina}) {
		t.Fatalf("Resolve = %+v, %v", res, err)
	}
}
