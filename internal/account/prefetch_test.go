package account

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/mallang/mallang/internal/fault"
)

// inRequest runs fn with the context of a request prepared by
// PrefetchSessionUser.
func inRequest(t *testing.T, fn func(ctx context.Context)) {
	t.Helper()
	ran := false
	PrefetchSessionUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ran = true
		fn(r.Context())
	})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if !ran {
		t.Fatal("the handler did not run")
	}
}

func TestPrefetchedSessionUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.signedUp(t)
	u, err := f.s.UpdateProfile(ctx, u.ID, Profile{Name: u.Name, Phone: "010-2345-6789", MarketingConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	st := NewSessionStore(f.d, nil, f.clock.Now)
	exp := f.clock.Now().Add(time.Hour)
	commit := func(token string, values map[string]any) {
		t.Helper()
		b, err := scs.GobCodec{}.Encode(exp, values)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CommitCtx(ctx, token, b, exp); err != nil {
			t.Fatal(err)
		}
	}
	commit("signed-in", map[string]any{SessionUserID: u.ID, SessionVersion: u.SessionVersion})
	commit("visitor", map[string]any{"lang": "ko"})
	exec := func(query string, args ...any) {
		t.Helper()
		q := f.d.Write()
		if _, err := q.ExecContext(ctx, q.Rebind(query), args...); err != nil {
			t.Fatal(err)
		}
	}
	want, err := f.s.User(ctx, u.ID)
	if err != nil || want.Phone != "+821023456789" || want.MarketingConsentAt.IsZero() {
		t.Fatalf("User = %+v, %v", want, err)
	}

	t.Run("the first SessionUser takes the user read with the session", func(t *testing.T) {
		inRequest(t, func(ctx context.Context) {
			data, found, err := st.FindCtx(ctx, "signed-in")
			if err != nil || !found || len(data) == 0 {
				t.Fatalf("FindCtx = %d bytes, %v, %v", len(data), found, err)
			}
			// A change after the session was read is not seen by the first
			// call, which proves it asked no second query, and is seen by
			// the next, which reads the database.
			exec(`UPDATE users SET name = ? WHERE id = ?`, "바뀐 이름", u.ID)
			defer exec(`UPDATE users SET name = ? WHERE id = ?`, want.Name, u.ID)
			got, err := f.s.SessionUser(ctx, u.ID, u.SessionVersion)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("first SessionUser = %+v, %v; want %+v", got, err, want)
			}
			again, err := f.s.SessionUser(ctx, u.ID, u.SessionVersion)
			if err != nil || again.Name != "바뀐 이름" {
				t.Fatalf("second SessionUser = %+v, %v", again, err)
			}
		})
	})
	t.Run("a visitor's session holds no user", func(t *testing.T) {
		inRequest(t, func(ctx context.Context) {
			if _, found, err := st.FindCtx(ctx, "visitor"); err != nil || !found {
				t.Fatalf("FindCtx = %v, %v", found, err)
			}
			got, err := f.s.SessionUser(ctx, u.ID, u.SessionVersion)
			if err != nil || got.ID != u.ID {
				t.Fatalf("SessionUser = %+v, %v", got, err)
			}
		})
	})
	t.Run("an old session version is refused", func(t *testing.T) {
		inRequest(t, func(ctx context.Context) {
			if _, found, err := st.FindCtx(ctx, "signed-in"); err != nil || !found {
				t.Fatalf("FindCtx = %v, %v", found, err)
			}
			if _, err := f.s.SessionUser(ctx, u.ID, u.SessionVersion-1); !errors.Is(err, fault.ErrUnauthenticated) {
				t.Fatalf("SessionUser = %v, want ErrUnauthenticated", err)
			}
		})
	})
	t.Run("an inactive or deleted user is refused", func(t *testing.T) {
		for _, change := range []string{`UPDATE users SET active = FALSE WHERE id = ?`, `UPDATE users SET deleted_at = CURRENT_TIMESTAMP WHERE id = ?`} {
			exec(change, u.ID)
			inRequest(t, func(ctx context.Context) {
				if _, found, err := st.FindCtx(ctx, "signed-in"); err != nil || !found {
					t.Fatalf("FindCtx = %v, %v", found, err)
				}
				if _, err := f.s.SessionUser(ctx, u.ID, u.SessionVersion); !errors.Is(err, fault.ErrUnauthenticated) {
					t.Fatalf("after %s: SessionUser = %v, want ErrUnauthenticated", change, err)
				}
			})
		}
	})
}
