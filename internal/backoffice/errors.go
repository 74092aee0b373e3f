package backoffice

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/observe"
	"github.com/mallang/mallang/internal/ratelimit"
	"github.com/mallang/mallang/internal/security"
)

// staffPage is a back-office page for the signed-in staff member u. It
// writes its answer and returns nil, or returns an error and writes
// nothing: serveError then picks the page for the error. A page with a form
// answers bad input itself, showing the form again with its messages, and
// returns nil.
type staffPage func(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error

// loginPage is a page of the login steps, served outside a staff session;
// it answers like a staffPage.
type loginPage func(w http.ResponseWriter, r *http.Request, m *messages) error

// serve adapts a login step to net/http: the staff member's language, then
// fn, then serveError for what fn returns.
func (h *Handler) serve(fn loginPage) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		privateHeaders(w)
		m := h.lang(w, r)
		if err := fn(w, r, m); err != nil {
			h.serveError(w, r, m, nil, err)
		}
	})
}

// staff serves a page that needs a signed-in staff member who passed the
// second factor. Anyone else gets fault.ErrUnauthenticated, which
// serveError answers with the login page (a form post too: it changes
// nothing). Pages pass the acting staff member to the services that change
// something (staffActor), which audit the change.
func (h *Handler) staff(fn staffPage) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		privateHeaders(w)
		m := h.lang(w, r)
		u, ok, err := h.currentStaff(r.Context())
		if err == nil && !ok {
			err = fault.ErrUnauthenticated
		}
		if err != nil {
			h.serveError(w, r, m, nil, err)
			return
		}
		if err := fn(w, r, m, u); err != nil {
			h.serveError(w, r, m, &u, err)
		}
	})
}

// need wraps a staff page that needs permission p; others get
// fault.ErrForbidden, answered 403.
func (h *Handler) need(p account.Permission, next staffPage) staffPage {
	return func(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
		if !u.Can(p) {
			return fault.ErrForbidden
		}
		return next(w, r, m, u)
	}
}

// serveError answers a request whose page returned err. It is the one place
// where the back office turns errors into pages, drawn in the back office's
// chrome for staff member u (nil outside a session):
//
//   - fault.ErrUnauthenticated: the back-office login page;
//   - a body over its limit (*http.MaxBytesError): 413 naming the limit;
//   - *fault.Invalid: 422 listing the messages (a form shows them on its
//     fields instead);
//   - fault.ErrNotFound: 404;
//   - fault.ErrForbidden: 403;
//   - too many attempts (ratelimit): 429 with Retry-After;
//   - fault.ErrConflict: 409, saying that something changed meanwhile;
//   - anything else: 500, logged once with the request id, which the page
//     shows; it tells nothing internal. A request the client cancelled is
//     not logged and gets no answer.
func (h *Handler) serveError(w http.ResponseWriter, r *http.Request, m *messages, u *account.User, err error) {
	ctx := r.Context()
	inv, invalid := fault.AsInvalid(err)
	wait, limited := ratelimit.RetryAfter(err)
	chrome := func(title string) *page {
		if u != nil {
			return h.page(r, m, *u, title, "")
		}
		return h.bare(r, m, title)
	}
	show := func(status int, kind string, details []string) {
		h.render(w, r, status, errorPage(chrome(m.T(kind+".title")), m.T(kind+".body"), details, "", h.url("/")))
	}
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return
	case errors.Is(err, fault.ErrUnauthenticated):
		http.Redirect(w, r, h.url("/login"), http.StatusSeeOther)
	case isTooLarge(err):
		limit, _ := security.TooLarge(err)
		h.render(w, r, http.StatusRequestEntityTooLarge, errorPage(chrome(m.T("too_large.title")),
			m.F("too_large.body", security.Megabytes(limit)), nil, "", h.url("/")))
	case invalid:
		msgs := make([]string, 0, len(inv.Fields))
		for _, msg := range inv.Fields {
			msgs = append(msgs, fieldText(m, msg))
		}
		slices.Sort(msgs)
		show(http.StatusUnprocessableEntity, "invalid", msgs)
	case errors.Is(err, fault.ErrNotFound):
		show(http.StatusNotFound, "notfound", nil)
	case errors.Is(err, fault.ErrForbidden):
		show(http.StatusForbidden, "forbidden", nil)
	case limited:
		w.Header().Set("Retry-After", retryAfterHeader(wait))
		show(http.StatusTooManyRequests, "limited", []string{m.F("login.limited", ratelimit.Minutes(wait))})
	case errors.Is(err, fault.ErrConflict):
		show(http.StatusConflict, "conflict", nil)
	default:
		h.log.ErrorContext(ctx, "back-office page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		h.render(w, r, http.StatusInternalServerError, errorPage(chrome(m.T("err.title")), m.T("err.body"), nil, observe.RequestID(ctx), ""))
	}
}

// retryAfterHeader is the Retry-After header for a wait: whole seconds,
// rounded up.
func retryAfterHeader(wait time.Duration) string {
	return strconv.Itoa(int((wait + time.Second - 1) / time.Second))
}

func isTooLarge(err error) bool {
	_, ok := security.TooLarge(err)
	return ok
}
