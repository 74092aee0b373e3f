package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/mallang/mallang/internal/db"
)

// The session keys this package defines; the web layer puts them at login.
const (
	SessionUserID  = "user_id"
	SessionVersion = "session_version"
)

// SessionStore keeps browser sessions (github.com/alexedwards/scs/v2) in the
// sessions table, so every app node sees the same sessions. It stores the
// SHA-256 of each token rather than the token, so a copy of the table
// cannot be replayed as cookies, and copies the user id out of the session
// data so a user's sessions can be ended in one statement.
type SessionStore struct {
	d     *db.DB
	now   func() time.Time
	codec scs.Codec
}

// NewSessionStore returns the store; give the same codec to the
// SessionManager (nil means SessionCodec).
func NewSessionStore(d *db.DB, codec scs.Codec, now func() time.Time) *SessionStore {
	if codec == nil {
		codec = SessionCodec{}
	}
	return &SessionStore{d: d, now: now, codec: codec}
}

var _ scs.CtxStore = (*SessionStore)(nil)

// FindCtx returns the data of an unexpired session.
func (st *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	if token == "" || len(token) > maxTokenLen {
		return nil, false, nil
	}
	var b []byte
	err := st.d.Read().GetContext(ctx, &b, st.d.Read().Rebind(`SELECT data FROM sessions WHERE token_hash = ? AND expires_at > ?`),
		hashToken(token), st.now().UTC())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	return b, true, nil
}

// CommitCtx saves a session, creating or replacing it.
func (st *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	var userID any
	if _, values, err := st.codec.Decode(b); err == nil {
		if id, ok := values[SessionUserID].(int64); ok && id > 0 {
			userID = id
		}
	}
	now := st.now().UTC()
	q := st.d.Write()
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO sessions (token_hash, user_id, data, expires_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (token_hash) DO UPDATE SET user_id = excluded.user_id, data = excluded.data,
			expires_at = excluded.expires_at, updated_at = excluded.updated_at`),
		hashToken(token), userID, b, expiry.UTC(), now, now)
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// DeleteCtx removes a session.
func (st *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	q := st.d.Write()
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM sessions WHERE token_hash = ?`), hashToken(token)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Find, Commit and Delete satisfy scs.Store; scs calls the Ctx forms.
func (st *SessionStore) Find(token string) ([]byte, bool, error) {
	return st.FindCtx(context.Background(), token)
}

// Commit saves a session.
func (st *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.CommitCtx(context.Background(), token, b, expiry)
}

// Delete removes a session.
func (st *SessionStore) Delete(token string) error { return st.DeleteCtx(context.Background(), token) }

// Prune deletes expired sessions and returns how many.
func (st *SessionStore) Prune(ctx context.Context) (int64, error) {
	q := st.d.Write()
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM sessions WHERE expires_at <= ?`), st.now().UTC())
	if err != nil {
		return 0, fmt.Errorf("prune sessions: %w", err)
	}
	return res.RowsAffected()
}

// UserSessions counts the live sessions of a user (the account page shows
// it next to "sign out everywhere").
func (st *SessionStore) UserSessions(ctx context.Context, userID int64) (int, error) {
	var n int
	err := st.d.Read().GetContext(ctx, &n, st.d.Read().Rebind(`SELECT COUNT(*) FROM sessions WHERE user_id = ? AND expires_at > ?`), userID, st.now().UTC())
	if err != nil {
		return 0, fmt.Errorf("count sessions: %w", err)
	}
	return n, nil
}
