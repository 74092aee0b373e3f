package backoffice

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/security"
)

// The staff cookie. The __Host- prefix, used when the cookie is Secure,
// makes the browser refuse it from a subdomain or with a narrower path.
const (
	staffCookie       = "mallang_staff"
	secureStaffCookie = "__Host-mallang_staff"
	staffLifetime     = 12 * time.Hour
	staffIdle         = time.Hour
)

// Session keys of a staff session. A session is signed in only when it
// holds account.SessionUserID, account.SessionVersion and keyFactorAt; the
// pending keys carry a login between the password and the second factor,
// under names the storefront does not read.
const (
	keyPendingUser    = "staff_pending_user_id"
	keyPendingVersion = "staff_pending_session_version"
	keyPendingAt      = "staff_pending_at"
	keyFactorAt       = "staff_second_factor_at"
)

// pendingTTL bounds the time between the password and the second factor.
const pendingTTL = 10 * time.Minute

func newSessions(store scs.Store, secure bool, onError func(http.ResponseWriter, *http.Request, error)) *scs.SessionManager {
	sm := scs.New()
	sm.Codec = account.SessionCodec{}
	sm.Store = store
	sm.Lifetime = staffLifetime
	sm.IdleTimeout = staffIdle
	sm.Cookie.Name = staffCookie
	if secure {
		sm.Cookie.Name = secureStaffCookie
	}
	sm.Cookie.Path = "/"
	sm.Cookie.HttpOnly = true
	sm.Cookie.Secure = secure
	sm.Cookie.SameSite = http.SameSiteStrictMode
	sm.Cookie.Persist = false
	sm.ErrorFunc = onError
	return sm
}

// staffActor is staff member u, acting through request r, as the services
// record them in the audit log.
func staffActor(r *http.Request, u account.User) audit.Actor {
	return audit.Actor{UserID: u.ID, Email: u.Email, IP: security.ClientIP(r), UserAgent: r.UserAgent()}
}

// currentStaff returns the signed-in staff member of the session. A
// session that names a user who is gone, no longer staff, or whose
// sessions were ended since is destroyed.
func (h *Handler) currentStaff(ctx context.Context) (account.User, bool, error) {
	sm := h.sessions
	id := sm.GetInt64(ctx, account.SessionUserID)
	if id == 0 || sm.GetInt64(ctx, keyFactorAt) == 0 {
		return account.User{}, false, nil
	}
	u, err := h.deps.Accounts.SessionUser(ctx, id, sm.GetInt64(ctx, account.SessionVersion))
	if err == nil && !u.Role.IsStaff() {
		err = fault.ErrUnauthenticated
	}
	if errors.Is(err, fault.ErrUnauthenticated) {
		return account.User{}, false, sm.Destroy(ctx)
	}
	if err != nil {
		return account.User{}, false, err
	}
	return u, true, nil
}

// startPending begins a login that passed the password: a fresh token (so
// a token planted before cannot ride along), and the user waiting for the
// second factor.
func (h *Handler) startPending(ctx context.Context, u account.User) error {
	sm := h.sessions
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Remove(ctx, account.SessionUserID)
	sm.Remove(ctx, account.SessionVersion)
	sm.Remove(ctx, keyFactorAt)
	sm.Put(ctx, keyPendingUser, u.ID)
	sm.Put(ctx, keyPendingVersion, u.SessionVersion)
	sm.Put(ctx, keyPendingAt, h.deps.Now().UTC().Unix())
	return nil
}

// pendingUser returns the staff member waiting for the second factor, or
// false when there is none, the wait expired or the account changed since
// the password was checked.
func (h *Handler) pendingUser(ctx context.Context) (account.User, bool, error) {
	sm := h.sessions
	id := sm.GetInt64(ctx, keyPendingUser)
	at := sm.GetInt64(ctx, keyPendingAt)
	if id == 0 || h.deps.Now().UTC().Sub(time.Unix(at, 0)) > pendingTTL {
		return account.User{}, false, nil
	}
	u, err := h.deps.Accounts.SessionUser(ctx, id, sm.GetInt64(ctx, keyPendingVersion))
	if errors.Is(err, fault.ErrUnauthenticated) || err == nil && !u.Role.IsStaff() {
		return account.User{}, false, nil
	}
	if err != nil {
		return account.User{}, false, err
	}
	return u, true, nil
}

// signIn completes a login after the second factor: a fresh token again,
// and the session now names the user.
func (h *Handler) signIn(ctx context.Context, u account.User) error {
	sm := h.sessions
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Remove(ctx, keyPendingUser)
	sm.Remove(ctx, keyPendingVersion)
	sm.Remove(ctx, keyPendingAt)
	sm.Put(ctx, account.SessionUserID, u.ID)
	sm.Put(ctx, account.SessionVersion, u.SessionVersion)
	sm.Put(ctx, keyFactorAt, h.deps.Now().UTC().Unix())
	return nil
}
