package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/social"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/security"
)

// Social is what the sign-in buttons need of social login;
// *social.Service implements it.
type Social interface {
	Enabled() []string
	Begin(ctx context.Context, provider string) (string, social.State, error)
	Finish(ctx context.Context, st social.State, query url.Values) (social.Profile, error)
	Resolve(ctx context.Context, p social.Profile) (social.Result, error)
}

// socialStateKey holds the sign-in in progress, as JSON so the session
// codec needs no registered types.
const socialStateKey = "social_state"

func (h *Handler) registerSocial(mux *http.ServeMux) {
	mux.Handle("GET /auth/{provider}", h.private(h.serve(h.socialBegin)))
	mux.Handle("GET /auth/{provider}/callback", h.private(h.serve(h.socialCallback)))
}

// socialLinks are the "sign in with" links of the login and sign-up pages.
// They are links, not forms: the browser then follows the redirect to the
// provider, which a form-action CSP would refuse.
func (h *Handler) socialLinks(lc *locale) []link {
	var ls []link
	for _, p := range h.acc.Social.Enabled() {
		ls = append(ls, link{Label: lc.T("social." + p), URL: "/auth/" + p})
	}
	return ls
}

func (h *Handler) socialBegin(w http.ResponseWriter, r *http.Request, lc *locale) error {
	provider := r.PathValue("provider")
	if !slices.Contains(h.acc.Social.Enabled(), provider) {
		return fmt.Errorf("social sign-in with %q: %w", provider, fault.ErrNotFound)
	}
	authURL, st, err := h.acc.Social.Begin(r.Context(), provider)
	if err != nil {
		return err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	h.sessions.Put(r.Context(), socialStateKey, string(b))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, http.StatusSeeOther)
	return nil
}

func (h *Handler) socialCallback(w http.ResponseWriter, r *http.Request, lc *locale) error {
	ctx := r.Context()
	provider := r.PathValue("provider")
	if !slices.Contains(h.acc.Social.Enabled(), provider) {
		return fmt.Errorf("social sign-in with %q: %w", provider, fault.ErrNotFound)
	}
	var st social.State
	raw := h.sessions.PopString(ctx, socialStateKey)
	if raw == "" || json.Unmarshal([]byte(raw), &st) != nil || st.Provider != provider {
		return h.socialFailed(w, r, lc.T("social.expired"))
	}
	p, err := h.acc.Social.Finish(ctx, st, r.URL.Query())
	switch {
	case errors.Is(err, social.ErrCancelled):
		return h.socialFailed(w, r, lc.T("social.cancelled"))
	case errors.Is(err, fault.ErrUnauthenticated):
		h.log.WarnContext(ctx, "social sign-in refused", "provider", provider, "err", err)
		return h.socialFailed(w, r, lc.T("social.failed"))
	case err != nil:
		return err
	}
	res, err := h.acc.Social.Resolve(ctx, p)
	switch {
	case errors.Is(err, social.ErrEmailRequired):
		return h.socialFailed(w, r, lc.T("social.email"))
	case errors.Is(err, social.ErrAccountExists):
		return h.socialFailed(w, r, lc.T("social.exists"))
	case errors.As(err, new(*account.BlockedError)):
		b, _ := account.AsBlocked(err)
		h.acc.Accounts.RecordLogin(ctx, b.UserID, account.LoginSocial, false, security.ClientIP(r), r.UserAgent())
		return h.socialFailed(w, r, lc.F("blocked.login", b.Reason))
	case errors.Is(err, fault.ErrForbidden):
		return h.socialFailed(w, r, lc.T("social.disabled"))
	case err != nil:
		return err
	}
	u, err := h.acc.Accounts.User(ctx, res.UserID)
	if err != nil {
		return err
	}
	if !u.DormantAt.IsZero() {
		// No session before the owner opens the mailed link.
		h.acc.Accounts.RecordLogin(ctx, u.ID, account.LoginSocial, false, security.ClientIP(r), r.UserAgent())
		h.acc.Accounts.SendWakeLink(ctx, u.ID)
		return h.socialFailed(w, r, lc.T("dormant.login"))
	}
	if err := h.signIn(ctx, u); err != nil {
		return err
	}
	h.acc.Accounts.RecordLogin(ctx, u.ID, account.LoginSocial, true, security.ClientIP(r), r.UserAgent())
	switch {
	case res.Created:
		h.sessions.Put(ctx, flashKey, lc.T("social.created"))
	case res.Linked:
		h.sessions.Put(ctx, flashKey, lc.T("social.linked"))
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

// socialFailed sends the visitor back to the login page with why.
func (h *Handler) socialFailed(w http.ResponseWriter, r *http.Request, msg string) error {
	h.sessions.Put(r.Context(), flashKey, msg)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
