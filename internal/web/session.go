package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/wiring"
)

// Accounts is what the account pages need of the account service;
// *account.Service implements it.
type Accounts interface {
	SignUp(ctx context.Context, in account.SignUp) error
	// OpenLink opens a verification link and tells whether it woke a
	// dormant account.
	OpenLink(ctx context.Context, token string) (account.User, bool, error)
	ResendVerification(ctx context.Context, email string) error
	LinkGuard(ctx context.Context, ip, email string) error
	Login(ctx context.Context, in account.Login) (account.User, error)
	SessionUser(ctx context.Context, id, version int64) (account.User, error)
	User(ctx context.Context, id int64) (account.User, error)
	RequestPasswordReset(ctx context.Context, email string) error
	CheckResetLink(ctx context.Context, token string) error
	ResetPassword(ctx context.Context, token, password string) (account.User, error)
	ChangePassword(ctx context.Context, userID int64, current, password string) (account.User, error)
	UpdateProfile(ctx context.Context, userID int64, p account.Profile) (account.User, error)
	Delete(ctx context.Context, userID int64, confirm string) error
	// RecordLogin keeps a social sign-in in the sign-in history.
	RecordLogin(ctx context.Context, userID int64, method string, success bool, ip, userAgent string)
	// SendWakeLink mails a dormant account's owner the link that wakes it.
	SendWakeLink(ctx context.Context, userID int64)
}

// AccountDeps are what the account, cart, order and payment pages need.
// Every field but Secure is required: EnableAccounts panics when one is
// missing, so a shop wired wrong fails at start rather than on a request.
// Tests give the real services (on a test database) or fakes.
type AccountDeps struct {
	// Accounts signs customers up and in; *account.Service in the shop.
	Accounts Accounts
	// Store keeps sessions; *account.SessionStore in the shop.
	Store scs.Store
	// Addresses is the address book; *address.Service.
	Addresses Addresses
	// Social is social sign-in; *social.Service, which offers no button
	// when no provider is configured.
	Social Social
	// Carts are the shopping carts; *cart.Service.
	Carts Carts
	// Orders are the customer's orders; *order.Service.
	Orders Orders
	// Checkout prices and places orders; *checkout.Service.
	Checkout Checkout
	// Points is the points ledger; *points.Service.
	Points Points
	// Payments pays, confirms and cancels orders; *payment.Service.
	Payments Payments
	// Returns takes return and exchange requests; *returns.Service.
	Returns Returns
	// Inquiries keeps the customer's 1:1 inquiries; *inquiry.Service.
	Inquiries Inquiries
	// Secure marks the session cookie Secure (a shop served over HTTPS).
	Secure bool
}

// missing names the fields of d that are not set. A typed nil pointer (a
// service not yet made) counts as not set.
func (d AccountDeps) missing() []string {
	return wiring.Missing(
		"Accounts", d.Accounts, "Store", d.Store, "Addresses", d.Addresses, "Social", d.Social,
		"Carts", d.Carts, "Orders", d.Orders, "Checkout", d.Checkout, "Points", d.Points,
		"Payments", d.Payments, "Returns", d.Returns, "Inquiries", d.Inquiries,
	)
}

// sessionCookie names the session cookie. The __Host- prefix, used when
// the cookie is Secure, makes the browser refuse it from any subdomain or
// path-scoped setter.
const (
	sessionCookie       = "mallang_session"
	secureSessionCookie = "__Host-mallang_session"
	sessionLifetime     = 14 * 24 * time.Hour
)

// EnableAccounts adds sign-up, login, the account pages, the cart, checkout,
// the order pages and payments to h. Without it the storefront has no
// sessions at all (the catalog pages never need one). It panics when a
// field of deps other than Secure is missing: that is a wiring mistake.
func (h *Handler) EnableAccounts(deps AccountDeps) {
	if m := deps.missing(); len(m) > 0 {
		panic("web: EnableAccounts without " + strings.Join(m, ", "))
	}
	sm := scs.New()
	sm.Codec = account.SessionCodec{}
	sm.Store = deps.Store
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = sessionCookie
	if deps.Secure {
		sm.Cookie.Name = secureSessionCookie
	}
	sm.Cookie.HttpOnly = true
	sm.Cookie.Secure = deps.Secure
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = true
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		h.serveError(w, r, h.locales[pickLang(w, r)], err)
	}
	h.acc = deps
	h.sessions = sm
}

// currentUser returns the signed-in user of r's session, ending a session
// whose user is gone or whose sessions were ended since (password change).
func (h *Handler) currentUser(r *http.Request) (account.User, bool, error) {
	ctx := r.Context()
	id := h.sessions.GetInt64(ctx, account.SessionUserID)
	if id == 0 {
		return account.User{}, false, nil
	}
	u, err := h.acc.Accounts.SessionUser(ctx, id, h.sessions.GetInt64(ctx, account.SessionVersion))
	if errors.Is(err, fault.ErrUnauthenticated) {
		if err := h.sessions.Destroy(ctx); err != nil {
			return account.User{}, false, err
		}
		return account.User{}, false, nil
	}
	if err != nil {
		return account.User{}, false, err
	}
	return u, true, nil
}

// signIn starts a fresh session for u: a new token, so a token planted
// before login (session fixation) is worth nothing after it.
func (h *Handler) signIn(ctx context.Context, u account.User) error {
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.sessions.Put(ctx, account.SessionUserID, u.ID)
	h.sessions.Put(ctx, account.SessionVersion, u.SessionVersion)
	return h.mergeCart(ctx, u.ID)
}

// safeNext returns next when it is a path on this site, and "/account"
// otherwise, so a login link cannot send people to another site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n\t") {
		return "/account"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/account"
	}
	return next
}
