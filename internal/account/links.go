package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
)

// purpose says what a one-time link does.
type purpose string

const (
	purposeVerify purpose = "verify"
	purposeReset  purpose = "reset"
)

// The reasons a one-time link does not work. Each wraps fault.ErrNotFound,
// so a layer that knows only the fault kinds answers 404; the pages tell
// the three apart so the visitor knows to ask for a new link.
var (
	ErrLinkUnknown = fmt.Errorf("link unknown: %w", fault.ErrNotFound)
	ErrLinkUsed    = fmt.Errorf("link already used: %w", fault.ErrNotFound)
	ErrLinkExpired = fmt.Errorf("link expired: %w", fault.ErrNotFound)
)

// maxTokenLen bounds a token read from a URL before it is hashed.
const maxTokenLen = 128

// newLinkToken stores a fresh one-time token for userID through q, ending
// any earlier unused token of the same purpose, and returns the token
// itself, which only the email carries. The table keeps its SHA-256.
func newLinkToken(ctx context.Context, q db.Querier, userID int64, p purpose, now time.Time, ttl time.Duration) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new %s link: %w", p, err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`),
		now, userID, p); err != nil {
		return "", fmt.Errorf("new %s link: end earlier links: %w", p, err)
	}
	if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO account_tokens (user_id, purpose, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)`),
		userID, p, hashToken(token), now.Add(ttl), now); err != nil {
		return "", fmt.Errorf("new %s link: %w", p, err)
	}
	return token, nil
}

func hashToken(token string) string { return crypt.Digest(token) }

// useLinkToken marks token used through q and returns its user, or one of
// the ErrLink errors. The conditional update makes a link work once even
// when it is opened twice at the same moment.
func useLinkToken(ctx context.Context, q db.Querier, token string, p purpose, now time.Time) (int64, error) {
	if token == "" || len(token) > maxTokenLen {
		return 0, ErrLinkUnknown
	}
	h := hashToken(token)
	var row struct {
		UserID  int64        `db:"user_id"`
		Expires time.Time    `db:"expires_at"`
		Used    sql.NullTime `db:"used_at"`
	}
	err := q.GetContext(ctx, &row, q.Rebind(`SELECT user_id, expires_at, used_at FROM account_tokens WHERE token_hash = ? AND purpose = ?`), h, p)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrLinkUnknown
	}
	if err != nil {
		return 0, fmt.Errorf("open %s link: %w", p, err)
	}
	switch {
	case row.Used.Valid:
		return 0, ErrLinkUsed
	case !now.Before(row.Expires):
		return 0, ErrLinkExpired
	}
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE account_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`), now, h)
	if err != nil {
		return 0, fmt.Errorf("open %s link: %w", p, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, fmt.Errorf("open %s link: %w", p, err)
	} else if n == 0 {
		return 0, ErrLinkUsed
	}
	return row.UserID, nil
}

// link is the absolute address of path with the token.
func (s *Service) link(path, token string) string {
	return s.opt.BaseURL + path + "?token=" + url.QueryEscape(token)
}

// mail renders tmpl with data and sends it to to through q: in the
// caller's transaction, so the mail and the link it carries commit together
// (the outbox only stores it and enqueues its delivery; no mail server is
// contacted while q is open).
func (s *Service) mail(ctx context.Context, q db.Querier, to string, tmpl notify.Template, data any) error {
	m, err := s.opt.Mailer.Render(ctx, tmpl, data)
	if err != nil {
		return fmt.Errorf("mail %s: %w", tmpl, err)
	}
	m.To = to
	if err := s.opt.Mailer.Send(ctx, q, m); err != nil {
		return fmt.Errorf("mail %s: %w", tmpl, err)
	}
	return nil
}

func hours(d time.Duration) int { return max(1, int((d+time.Hour-1)/time.Hour)) }

// The paths of the pages the links open; the web layer serves them.
const (
	VerifyPath = "/account/verify"
	ResetPath  = "/account/reset"
	ForgotPath = "/account/forgot"
)

// PruneLinks deletes one-time links that expired before before; used ones
// go with them, since a used link only needs to stay long enough to say
// "already used".
func (s *Service) PruneLinks(ctx context.Context, before time.Time) (int64, error) {
	q := s.d.Write()
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM account_tokens WHERE expires_at < ?`), before.UTC())
	if err != nil {
		return 0, fmt.Errorf("prune links: %w", err)
	}
	return res.RowsAffected()
}
