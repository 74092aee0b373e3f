package backoffice

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
)

// Page sizes of the lists.
const (
	outboxPage   = 50
	attemptsPage = 50
	auditPage    = 50
	usersPage    = 50
)

// outbox lists the mail the shop sent, newest first.
func (h *Handler) outbox(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	n := pageNumber(r)
	mails, err := h.deps.Outbox.List(r.Context(), outboxPage+1, (n-1)*outboxPage)
	if err != nil {
		return err
	}
	more := len(mails) > outboxPage
	if more {
		mails = mails[:outboxPage]
	}
	h.render(w, r, http.StatusOK, outboxList(h.page(r, m, u, m.T("outbox.title"), "outbox"), mails, newPager(r, n, more)))
	return nil
}

// mail shows one mail: the text part with clickable links and the HTML
// part in a sandboxed frame that runs no script.
func (h *Handler) mail(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	ml, err := h.deps.Outbox.Get(r.Context(), id)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, mailPage(h.page(r, m, u, m.F("outbox.mail", ml.ID), "outbox"), ml, linkify(ml.Text)))
	return nil
}

// honeypot shows the active blocks and the recent attempts.
func (h *Handler) honeypot(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showHoneypot(w, r, m, u, "")
}

func (h *Handler) showHoneypot(w http.ResponseWriter, r *http.Request, m *messages, u account.User, notice string) error {
	n := 1
	if r.Method == http.MethodGet {
		n = pageNumber(r)
	}
	blocks, err := h.deps.Trap.Blocks(r.Context())
	if err != nil {
		return err
	}
	attempts, err := h.deps.Trap.Attempts(r.Context(), attemptsPage+1, (n-1)*attemptsPage)
	if err != nil {
		return err
	}
	more := len(attempts) > attemptsPage
	if more {
		attempts = attempts[:attemptsPage]
	}
	p := h.page(r, m, u, m.T("hp.title"), "honeypot")
	p.Notice = notice
	h.render(w, r, http.StatusOK, honeypotPage(p, blocks, attempts, newPager(r, n, more), h.url("/honeypot/clear")))
	return nil
}

// clearBlock ends the block of an IP; the trap audits it in the same
// transaction (honeypot.Config.Audit).
func (h *Handler) clearBlock(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ip := cut(strings.TrimSpace(r.PostFormValue("ip")), 100)
	err := h.deps.Trap.Clear(r.Context(), staffActor(r, u), ip)
	_, bad := fault.AsInvalid(err)
	switch {
	case err == nil:
		h.log.InfoContext(r.Context(), "honeypot block cleared", "actor_id", u.ID)
		return h.showHoneypot(w, r, m, u, m.F("hp.cleared", ip))
	case errors.Is(err, fault.ErrNotFound) || bad:
		return h.showHoneypot(w, r, m, u, m.T("hp.gone"))
	default:
		return err
	}
}

// auditLog lists the audit log, newest first, optionally for one action.
func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	n := pageNumber(r)
	action := cut(strings.TrimSpace(r.URL.Query().Get("action")), audit.MaxAction)
	es, total, err := h.deps.Audit.List(r.Context(), audit.Filter{Action: action, Limit: auditPage, Offset: (n - 1) * auditPage})
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, auditPageView(h.page(r, m, u, m.T("audit.title"), "audit"), auditView(m, es), action, newPager(r, n, n*auditPage < total)))
	return nil
}

// mySecurity shows the staff member's own recovery codes left and the
// form that makes new ones.
func (h *Handler) mySecurity(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showSecurity(w, r, m, u, http.StatusOK, "")
}

func (h *Handler) securityView(m *messages, msg string) *form {
	return &form{
		TestID: "recovery-codes",
		Title:  m.T("sec.regen"),
		Intro:  m.T("sec.regen.intro"),
		Action: h.url("/security/recovery-codes"),
		Error:  msg,
		Submit: m.T("sec.regen"),
		Fields: []field{{Name: "code", Label: m.T("sec.totp"), Type: "text", Required: true,
			Autocomplete: "one-time-code", InputMode: "numeric", MaxLength: 16}},
	}
}

func (h *Handler) showSecurity(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, msg string) error {
	left, err := h.deps.TwoFactor.RemainingRecoveryCodes(r.Context(), u.ID)
	if err != nil {
		return err
	}
	h.render(w, r, status, securityPage(h.page(r, m, u, m.T("sec.title"), "security"), left, h.securityView(m, msg)))
	return nil
}

// regenerateCodes makes new recovery codes after a fresh TOTP code (not a
// recovery code), so a stolen session alone cannot mint codes.
func (h *Handler) regenerateCodes(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	code := strings.Map(func(c rune) rune {
		if c == ' ' || c == '-' {
			return -1
		}
		return c
	}, cut(r.PostFormValue("code"), 16))
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return h.showSecurity(w, r, m, u, http.StatusUnprocessableEntity, m.T("sec.totp.only"))
	}
	if err := h.checkCode(r, u.ID, code); err != nil {
		status := http.StatusUnprocessableEntity
		msg := m.T("code.wrong")
		if wait, ok := retryAfter(err); ok {
			status = http.StatusTooManyRequests
			msg = m.F("login.limited", wait)
		} else if !errors.Is(err, fault.ErrUnauthenticated) {
			return err
		}
		return h.showSecurity(w, r, m, u, status, msg)
	}
	codes, err := h.deps.TwoFactor.RegenerateRecoveryCodes(r.Context(), u.ID)
	if err != nil {
		return err
	}
	err = h.deps.Audit.RecordAlone(r.Context(), staffActor(r, u).Entry("twofactor.recovery_codes_regenerated", "user", strconv.FormatInt(u.ID, 10), nil))
	if err != nil {
		h.log.WarnContext(r.Context(), "audit recovery codes", "err", err)
	}
	h.render(w, r, http.StatusOK, codesPage(h.page(r, m, u, m.T("codes.title"), "security"), codes, h.url("/security")))
	return nil
}
