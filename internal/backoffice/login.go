package backoffice

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/ratelimit"
	"github.com/mallang/mallang/internal/security"
)

// maxEmail and maxPassword bound what the login form reads.
const (
	maxEmail    = 320
	maxPassword = 1024
	maxCode     = 64
)

func (h *Handler) loginView(m *messages, email, msg string) *form {
	return &form{
		TestID: "staff-login",
		Title:  m.T("login.title"),
		Action: h.url("/login"),
		Error:  msg,
		Submit: m.T("login.submit"),
		Fields: []field{
			{Name: "email", Label: m.T("login.email"), Type: "email", Value: email, Required: true, Autocomplete: "username", MaxLength: maxEmail},
			{Name: "password", Label: m.T("login.password"), Type: "password", Required: true, Autocomplete: "current-password", MaxLength: maxPassword},
		},
	}
}

// loginForm shows the password step; a signed-in staff member goes on to
// the dashboard.
func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request, m *messages) error {
	if _, ok, err := h.currentStaff(r.Context()); err != nil {
		return err
	} else if ok {
		http.Redirect(w, r, h.url("/"), http.StatusSeeOther)
		return nil
	}
	h.render(w, r, http.StatusOK, formPage(h.bare(r, m, m.T("login.title")), h.loginView(m, "", "")))
	return nil
}

// login checks the password through account.Login, with the shop's login
// limits and the honeypot's blocks. An account that is not staff gets the
// answer of a wrong password, so the form tells nobody who is staff.
func (h *Handler) login(w http.ResponseWriter, r *http.Request, m *messages) error {
	email := cut(r.PostFormValue("email"), maxEmail)
	password := cut(r.PostFormValue("password"), maxPassword)
	p := h.bare(r, m, m.T("login.title"))
	u, err := h.deps.Accounts.Login(r.Context(), account.Login{Email: email, Password: password, IP: security.ClientIP(r), UserAgent: r.UserAgent()})
	if err == nil && !u.Role.IsStaff() {
		err = fault.ErrUnauthenticated
	}
	if err != nil {
		return h.loginFailed(w, r, m, p, h.loginView(m, email, ""), err)
	}
	if err := h.startPending(r.Context(), u); err != nil {
		return err
	}
	enabled, err := h.deps.TwoFactor.Enabled(r.Context(), u.ID)
	if err != nil {
		return err
	}
	next := "/login/code"
	if !enabled {
		next = "/setup-2fa"
	}
	http.Redirect(w, r, h.url(next), http.StatusSeeOther)
	return nil
}

// loginFailed answers a refused step with its form again and returns nil:
// 401 for a wrong password or code, 429 with Retry-After for too many
// attempts, 403 for a blocked address. Any other err is returned for
// serveError.
func (h *Handler) loginFailed(w http.ResponseWriter, r *http.Request, m *messages, p *page, f *form, err error) error {
	status := http.StatusUnauthorized
	switch wait, limited := ratelimit.RetryAfter(err); {
	case errors.Is(err, account.ErrBlocked):
		status = http.StatusForbidden
		f.Error = m.T("login.blocked")
	case limited:
		status = http.StatusTooManyRequests
		w.Header().Set("Retry-After", retryAfterHeader(wait))
		f.Error = m.F("login.limited", ratelimit.Minutes(wait))
	case errors.Is(err, fault.ErrUnauthenticated):
		if f.Error == "" {
			f.Error = m.T("login.wrong")
		}
	default:
		return err
	}
	h.render(w, r, status, formPage(p, f))
	return nil
}

func (h *Handler) codeView(m *messages, msg string) *form {
	return &form{
		TestID: "staff-code",
		Title:  m.T("code.title"),
		Intro:  m.T("code.intro"),
		Action: h.url("/login/code"),
		Error:  msg,
		Submit: m.T("code.submit"),
		Fields: []field{{Name: "code", Label: m.T("code.label"), Type: "text", Required: true,
			Autocomplete: "one-time-code", InputMode: "text", MaxLength: maxCode}},
	}
}

// pending is a step after the password: it runs with the staff member
// waiting for the second factor.
type pending func(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error

// afterPassword serves a step after the password. When no one is waiting
// for the second factor (the wait expired, or the account changed since the
// password was checked) it shows the login form again, 401.
func (h *Handler) afterPassword(fn pending) http.Handler {
	return h.serve(func(w http.ResponseWriter, r *http.Request, m *messages) error {
		u, ok, err := h.pendingUser(r.Context())
		if err != nil {
			return err
		}
		if !ok {
			h.render(w, r, http.StatusUnauthorized, formPage(h.bare(r, m, m.T("login.title")), h.loginView(m, "", m.T("login.expired"))))
			return nil
		}
		return fn(w, r, m, u)
	})
}

// codeForm asks for the TOTP or a recovery code.
func (h *Handler) codeForm(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	h.render(w, r, http.StatusOK, formPage(h.bare(r, m, m.T("code.title")), h.codeView(m, "")))
	return nil
}

// code checks the second factor. Wrong codes count against CodeLimit per
// staff member; a correct one clears the count and signs the session in.
func (h *Handler) code(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	p := h.bare(r, m, m.T("code.title"))
	if err := h.checkCode(r, u.ID, cut(r.PostFormValue("code"), maxCode)); err != nil {
		return h.loginFailed(w, r, m, p, h.codeView(m, m.T("code.wrong")), err)
	}
	if err := h.signIn(r.Context(), u); err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "staff signed in", "user_id", u.ID)
	http.Redirect(w, r, h.url("/"), http.StatusSeeOther)
	return nil
}

// checkCode verifies a second-factor code of userID under CodeLimit,
// through the account service, which counts wrong codes and logs them. It
// returns a *ratelimit.Error once the limit is reached (without checking the
// code), an error wrapping fault.ErrUnauthenticated for a wrong code, or nil.
func (h *Handler) checkCode(r *http.Request, userID int64, code string) error {
	return h.deps.Accounts.CheckSecondFactor(r.Context(), userID, code)
}

// setupView is the setup form; e is the fresh secret to show.
func (h *Handler) setupView(m *messages, msg string) *form {
	return &form{
		TestID: "staff-setup",
		Title:  m.T("setup.title"),
		Action: h.url("/setup-2fa"),
		Error:  msg,
		Submit: m.T("setup.submit"),
		Fields: []field{{Name: "code", Label: m.T("setup.code"), Type: "text", Required: true,
			Autocomplete: "one-time-code", InputMode: "numeric", MaxLength: 16}},
	}
}

// setupForm begins an authenticator setup for a staff member who has none
// and shows the new secret.
func (h *Handler) setupForm(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showSetup(w, r, m, u, http.StatusOK, "")
}

func (h *Handler) showSetup(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, msg string) error {
	if on, err := h.deps.TwoFactor.Enabled(r.Context(), u.ID); err != nil {
		return err
	} else if on {
		// Set up meanwhile (another tab): the code step is next.
		http.Redirect(w, r, h.url("/login/code"), http.StatusSeeOther)
		return nil
	}
	e, err := h.deps.TwoFactor.Begin(r.Context(), u.ID, u.Email)
	if err != nil {
		return err
	}
	v := setupData{
		QR:     "data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QRPNG),
		Secret: groupSecret(e.Secret),
	}
	h.render(w, r, status, setupPage(h.bare(r, m, m.T("setup.title")), h.setupView(m, msg), v))
	return nil
}

// setup confirms the new authenticator with a code from it. That code is
// the second factor of this login: the session is signed in and the
// recovery codes are shown, once.
func (h *Handler) setup(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	codes, err := h.deps.TwoFactor.Confirm(r.Context(), u.ID, cut(r.PostFormValue("code"), 16))
	if _, bad := fault.AsInvalid(err); bad {
		// A new secret is shown: the one the code was for stays pending
		// only until this Begin, so the page and the app must match again.
		return h.showSetup(w, r, m, u, http.StatusUnprocessableEntity, m.T("setup.wrong"))
	}
	if errors.Is(err, fault.ErrNotFound) || errors.Is(err, fault.ErrConflict) {
		http.Redirect(w, r, h.url("/setup-2fa"), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	if err := h.signIn(r.Context(), u); err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "staff set up two-step verification", "user_id", u.ID)
	h.render(w, r, http.StatusOK, codesPage(h.bare(r, m, m.T("codes.title")), codes, h.url("/")))
	return nil
}

// logout ends the staff session.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request, _ *messages) error {
	if err := h.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, h.url("/login"), http.StatusSeeOther)
	return nil
}

// groupSecret shows a base32 secret in groups of four, easier to type.
func groupSecret(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// cut returns at most n bytes of s, so a huge field costs nothing.
func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
