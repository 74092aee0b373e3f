package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/a-h/templ"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/observe"
	"github.com/mallang/mallang/internal/ratelimit"
	"github.com/mallang/mallang/internal/security"
)

// pageFunc is a storefront page. It writes its answer and returns nil, or
// returns an error and writes nothing: serveError then picks the page for
// the error. A page with a form answers bad input itself (formError) so the
// visitor sees the form again with its messages.
type pageFunc func(w http.ResponseWriter, r *http.Request, lc *locale) error

// userPage is a page for signed-in customers only; signedIn runs it with
// the customer.
type userPage func(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error

// serve adapts fn to net/http: the visitor's language, then fn, then
// serveError for what fn returns.
func (h *Handler) serve(fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lc := h.locales[pickLang(w, r)]
		if err := fn(w, r, lc); err != nil {
			h.serveError(w, r, lc, err)
		}
	}
}

// serveKo is serve for files read by machines (the sitemaps): they are the
// same in every language, so the request's language is not looked at and
// the answer does not vary by it.
func (h *Handler) serveKo(fn pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lc := h.locales[langKo]
		if err := fn(w, r, lc); err != nil {
			h.serveError(w, r, lc, err)
		}
	}
}

// signedIn serves a page that needs a signed-in customer; a visitor gets
// fault.ErrUnauthenticated, which serveError answers with the login page.
func (h *Handler) signedIn(fn userPage) http.HandlerFunc {
	return h.serve(func(w http.ResponseWriter, r *http.Request, lc *locale) error {
		u, ok, err := h.currentUser(r)
		if err != nil {
			return err
		}
		if !ok {
			return fault.ErrUnauthenticated
		}
		return fn(w, r, lc, u)
	})
}

// errBadForm is a posted body that is not a form, or is over the size limit
// (then it also wraps *http.MaxBytesError).
var errBadForm = errors.New("malformed form")

// parseForm reads a posted form; its error wraps errBadForm.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("%w: %w", errBadForm, err)
	}
	return nil
}

// serveError answers a request whose page returned err. It is the one place
// where the storefront turns errors into pages:
//
//   - fault.ErrUnauthenticated: the login page, coming back here after it
//     (to the account page after a form that was posted);
//   - a malformed form: 400, or 413 for one over the size limit, naming
//     the limit in MB;
//   - *fault.Invalid: 422 listing the messages (a form shows them on its
//     fields instead, see formError);
//   - fault.ErrNotFound: the 404 page;
//   - an account staff blocked (*account.BlockedError): 403 with the reason;
//   - fault.ErrForbidden: 403;
//   - too many attempts (ratelimit): 429 with Retry-After;
//   - fault.ErrConflict: 409, saying that something changed meanwhile;
//   - anything else: 500, logged once with the request id; the page tells
//     nothing internal. A request the client cancelled is not logged and
//     gets no answer.
func (h *Handler) serveError(w http.ResponseWriter, r *http.Request, lc *locale, err error) {
	ctx := r.Context()
	inv, invalid := fault.AsInvalid(err)
	wait, limited := ratelimit.RetryAfter(err)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return
	case errors.Is(err, fault.ErrUnauthenticated):
		target := localPath(r.URL)
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		if r.Method != http.MethodGet {
			target = "/account"
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(target), http.StatusSeeOther)
	case errors.Is(err, errBadForm):
		status, msg, title := http.StatusBadRequest, lc.T("form.bad"), lc.T("form.bad.title")
		if errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
			title, msg = lc.T("form.too_large.title"), lc.F("form.too_large", security.Megabytes(tooBig.Limit))
		}
		p := h.accountPage(r, lc, title, localPath(r.URL))
		h.render(w, r, lc, status, formPage(p, &form{TestID: "bad-form", Title: title, Error: msg,
			Links: []link{{Label: lc.T("nf.home"), URL: "/"}}}))
	case invalid:
		msgs := make([]string, 0, len(inv.Fields))
		for _, m := range inv.Fields {
			msgs = append(msgs, lc.T(m))
		}
		slices.Sort(msgs)
		h.statusPage(w, r, lc, http.StatusUnprocessableEntity, "invalid", msgs)
	case errors.Is(err, fault.ErrNotFound):
		h.notFoundIn(w, r, lc)
	case errors.As(err, new(*account.BlockedError)):
		b, _ := account.AsBlocked(err)
		h.statusPage(w, r, lc, http.StatusForbidden, "blocked", []string{lc.F("blocked.reason", b.Reason)})
	case errors.Is(err, fault.ErrForbidden):
		h.statusPage(w, r, lc, http.StatusForbidden, "forbidden", nil)
	case limited:
		w.Header().Set("Retry-After", retryAfter(wait))
		h.statusPage(w, r, lc, http.StatusTooManyRequests, "limited", []string{lc.F("form.limited", ratelimit.Minutes(wait))})
	case errors.Is(err, fault.ErrConflict):
		h.statusPage(w, r, lc, http.StatusConflict, "conflict", nil)
	default:
		h.log.ErrorContext(ctx, "storefront page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p := h.newPage(r, lc, h.tree.Load(), lc.T("err.title"), localPath(r.URL), nil)
		p.NoIndex = true
		h.render(w, r, lc, http.StatusInternalServerError, serverErrorBody(p, observe.RequestID(ctx), retryURL(r)))
	}
}

// retryAfter is the Retry-After header for a wait: whole seconds, rounded
// up.
func retryAfter(wait time.Duration) string {
	return strconv.Itoa(int((wait + time.Second - 1) / time.Second))
}

// retryURL is the address that asks for r again.
func retryURL(r *http.Request) string {
	u := localPath(r.URL)
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	return u
}

// statusPage answers status with the page of kind (forbidden, conflict,
// invalid, limited): its title and text from the "<kind>.title" and
// "<kind>.body" messages, and the lines of details under them.
func (h *Handler) statusPage(w http.ResponseWriter, r *http.Request, lc *locale, status int, kind string, details []string) {
	p := h.newPage(r, lc, h.tree.Load(), lc.T(kind+".title"), localPath(r.URL), nil)
	p.NoIndex = true
	h.render(w, r, lc, status, statusBody(p, status, kind, details, retryURL(r)))
}

// formError answers a form whose submission failed with err: the form again
// with the reasons (422 for bad input, 429 with Retry-After for too many
// attempts, 403 for a blocked address), and nil. Any other err is returned
// for serveError.
func (h *Handler) formError(w http.ResponseWriter, r *http.Request, lc *locale, p *page, f *form, err error) error {
	status := http.StatusUnprocessableEntity
	if inv, ok := fault.AsInvalid(err); ok {
		for _, m := range f.setErrors(lc, inv) {
			f.Error = m
		}
	} else if wait, ok := ratelimit.RetryAfter(err); ok {
		status = http.StatusTooManyRequests
		w.Header().Set("Retry-After", retryAfter(wait))
		f.Error = lc.F("form.limited", ratelimit.Minutes(wait))
	} else if errors.Is(err, account.ErrBlocked) {
		status = http.StatusForbidden
		f.Error = lc.T("form.blocked")
	} else {
		return err
	}
	h.render(w, r, lc, status, formPage(p, f))
	return nil
}

// render writes a page with status. The page is rendered whole into a
// pooled buffer first and written in one piece with its Content-Length:
// a listing page of about 26 kB went out in five writes and chunks when
// it streamed through the response's small buffers, and a component that
// fails half way now answers with the error page instead of half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, lc *locale, status int, c templ.Component) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Language", lc.lang.Code())
	if hd.Get("Cache-Control") == "no-store" {
		// A private page (the account area) stays out of every cache.
	} else if status == http.StatusOK {
		hd.Set("Cache-Control", "no-cache")
	} else {
		hd.Set("Cache-Control", "no-store")
	}
	buf := pageBufs.Get().(*bytes.Buffer)
	defer putPageBuf(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		if status == http.StatusInternalServerError { // the error page itself failed
			h.log.ErrorContext(r.Context(), "render error page", "path", r.URL.Path, "err", err)
			hd.Set("Cache-Control", "no-store")
			http.Error(w, lc.T("err.title"), status)
			return
		}
		h.serveError(w, r, lc, fmt.Errorf("render page: %w", err))
		return
	}
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		h.log.DebugContext(r.Context(), "write page", "path", r.URL.Path, "err", err) // a client that went away
	}
}

// pageBufs holds the buffers render fills; see putPageBuf.
var pageBufs = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 32<<10)) }}

// putPageBuf returns buf to pageBufs, unless an unusually long page grew
// it past 256 kB: the pool would keep that much for every busy client.
func putPageBuf(buf *bytes.Buffer) {
	if buf.Cap() > 256<<10 {
		return
	}
	buf.Reset()
	pageBufs.Put(buf)
}

// notFoundIn renders the 404 page in lc: a search box and links home and
// to the categories, when they can be had (the page works without them).
func (h *Handler) notFoundIn(w http.ResponseWriter, r *http.Request, lc *locale) {
	tree, err := h.categories(r.Context())
	if err != nil {
		h.log.WarnContext(r.Context(), "404 page without categories", "err", err)
		tree = nil
	}
	p := h.newPage(r, lc, tree, lc.T("nf.title"), localPath(r.URL), nil)
	p.NoIndex = true
	h.render(w, r, lc, http.StatusNotFound, notFoundBody(p))
}

// tooLarge answers a request whose body is declared larger than the limit
// of its route (security.Limit) with the page of a form over the limit,
// before anything of the body is read.
func (h *Handler) tooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	lc := h.locales[pickLang(w, r)]
	h.serveError(w, r, lc, fmt.Errorf("%w: %w", errBadForm, &http.MaxBytesError{Limit: limit}))
}
