package apitoken

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// activeSessionVersion is the session version of userID when the user may
// sign in (active, not deleted), and fault.ErrNotFound otherwise.
func activeSessionVersion(ctx context.Context, q db.Querier, userID int64) (int64, error) {
	var ver int64
	err := q.GetContext(ctx, &ver, q.Rebind(`
		SELECT session_version FROM users WHERE id = ? AND active AND deleted_at IS NULL`), userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("active user %d: %w", userID, fault.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("read session version of user %d: %w", userID, err)
	}
	return ver, nil
}

// family is a sign-in to store. Scopes is the stored, space-separated
// form; Staff and Scopes are zero for a customer's.
type family struct {
	UserID         int64
	SessionVersion int64
	Staff          bool
	Scopes         string
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

// insertFamily starts a family and returns its id.
func insertFamily(ctx context.Context, q db.Querier, f family) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`
		INSERT INTO api_token_families (user_id, session_version, staff, scopes, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), f.UserID, f.SessionVersion, f.Staff, f.Scopes, f.CreatedAt, f.ExpiresAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert token family of user %d: %w", f.UserID, err)
	}
	return id, nil
}

// refreshRow is a refresh token to store. ParentID is 0 for the first
// token of a family.
type refreshRow struct {
	FamilyID  int64
	Hash      string
	ParentID  int64
	Client    string
	IP        string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// insertRefresh stores a refresh token.
func insertRefresh(ctx context.Context, q db.Querier, r refreshRow) error {
	parent := sql.NullInt64{Int64: r.ParentID, Valid: r.ParentID != 0}
	_, err := q.ExecContext(ctx, q.Rebind(`
		INSERT INTO api_refresh_tokens (family_id, token_hash, parent_id, client, ip, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`),
		r.FamilyID, r.Hash, parent, r.Client, r.IP, r.CreatedAt, r.ExpiresAt)
	if err != nil {
		return fmt.Errorf("insert refresh token of family %d: %w", r.FamilyID, err)
	}
	return nil
}

// markUsed rotates out the unexpired, unused refresh token with hash and
// reports whether it did. It is the one step that decides which of several
// concurrent refreshes wins: the condition and the change are one statement,
// so on PostgreSQL a second update waits for the first's row lock and then
// finds used_at set, and on SQLite the single writer runs them in turn.
func markUsed(ctx context.Context, q db.Querier, hash string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE api_refresh_tokens SET used_at = ?
		WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`), now, hash, now)
	if err != nil {
		return false, fmt.Errorf("mark refresh token used: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("mark refresh token used: %w", err)
	}
	return n == 1, nil
}

// live is a refresh token whose family and user may still get tokens.
type live struct {
	ID             int64     `db:"id"`
	FamilyID       int64     `db:"family_id"`
	UserID         int64     `db:"user_id"`
	SessionVersion int64     `db:"session_version"`
	Staff          bool      `db:"staff"`
	Scopes         string    `db:"scopes"`
	FamilyExpires  time.Time `db:"family_expires_at"`
}

// liveRefresh returns the token with hash when its family is neither
// revoked nor expired, its user is active, not blocked and not deleted, and the user's
// session version is still the family's; fault.ErrNotFound otherwise.
func liveRefresh(ctx context.Context, q db.Querier, hash string, now time.Time) (live, error) {
	var l live
	err := q.GetContext(ctx, &l, q.Rebind(`
		SELECT t.id, t.family_id, f.user_id, f.session_version, f.staff, f.scopes, f.expires_at AS family_expires_at
		FROM api_refresh_tokens t
		JOIN api_token_families f ON f.id = t.family_id
		JOIN users u ON u.id = f.user_id
		WHERE t.token_hash = ? AND f.revoked_at IS NULL AND f.expires_at > ?
			AND u.session_version = f.session_version AND u.active AND u.deleted_at IS NULL AND u.blocked_at IS NULL`), hash, now)
	if errors.Is(err, sql.ErrNoRows) {
		return live{}, fmt.Errorf("live refresh token: %w", fault.ErrNotFound)
	}
	if err != nil {
		return live{}, fmt.Errorf("read refresh token: %w", err)
	}
	l.FamilyExpires = l.FamilyExpires.UTC()
	return l, nil
}

// refreshState is what is known of a refresh token that could not be
// rotated.
type refreshState struct {
	FamilyID int64        `db:"family_id"`
	UserID   int64        `db:"user_id"`
	UsedAt   sql.NullTime `db:"used_at"`
}

// refreshByHash returns the state of the refresh token with hash, or
// fault.ErrNotFound.
func refreshByHash(ctx context.Context, q db.Querier, hash string) (refreshState, error) {
	var st refreshState
	err := q.GetContext(ctx, &st, q.Rebind(`
		SELECT t.family_id, f.user_id, t.used_at
		FROM api_refresh_tokens t JOIN api_token_families f ON f.id = t.family_id
		WHERE t.token_hash = ?`), hash)
	if errors.Is(err, sql.ErrNoRows) {
		return refreshState{}, fmt.Errorf("refresh token: %w", fault.ErrNotFound)
	}
	if err != nil {
		return refreshState{}, fmt.Errorf("read refresh token: %w", err)
	}
	return st, nil
}

// revokeFamily revokes family id, keeping the time of an earlier revocation.
func revokeFamily(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE api_token_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`), now, id); err != nil {
		return fmt.Errorf("revoke token family %d: %w", id, err)
	}
	return nil
}

// revokeFamilyOf revokes the family of the refresh token with hash (rotated
// or not, expired or not), keeping the time of an earlier revocation, and
// reports whether the token exists.
func revokeFamilyOf(ctx context.Context, q db.Querier, hash string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE api_token_families SET revoked_at = COALESCE(revoked_at, ?)
		WHERE id IN (SELECT family_id FROM api_refresh_tokens WHERE token_hash = ?)`), now, hash)
	if err != nil {
		return false, fmt.Errorf("revoke token family: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("revoke token family: %w", err)
	}
	return n > 0, nil
}

// revokeUserFamilies revokes every family of userID not yet revoked.
func revokeUserFamilies(ctx context.Context, q db.Querier, userID int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE api_token_families SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`), now, userID); err != nil {
		return fmt.Errorf("revoke token families of user %d: %w", userID, err)
	}
	return nil
}

// grant is what a live family was granted.
type grant struct {
	Staff  bool   `db:"staff"`
	Scopes string `db:"scopes"`
}

// liveFamily returns what family id grants when an access token of it,
// issued to userID at session version ver, may still be used at now, and
// fault.ErrNotFound otherwise. It reads one family and one user, both by
// primary key.
func liveFamily(ctx context.Context, q db.Querier, id, userID, ver int64, now time.Time) (grant, error) {
	var g grant
	err := q.GetContext(ctx, &g, q.Rebind(`
		SELECT f.staff, f.scopes FROM api_token_families f JOIN users u ON u.id = f.user_id
		WHERE f.id = ? AND f.user_id = ? AND f.session_version = ? AND f.revoked_at IS NULL AND f.expires_at > ?
			AND u.session_version = ? AND u.active AND u.deleted_at IS NULL`), id, userID, ver, now, ver)
	if errors.Is(err, sql.ErrNoRows) {
		return grant{}, fmt.Errorf("live token family %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return grant{}, fmt.Errorf("check token family %d: %w", id, err)
	}
	return g, nil
}

// deleteEndedRefresh deletes the refresh tokens that expired at or before
// before, or whose family ended (expired or revoked) at or before before.
func deleteEndedRefresh(ctx context.Context, q db.Querier, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`
		DELETE FROM api_refresh_tokens
		WHERE expires_at <= ? OR family_id IN (
			SELECT id FROM api_token_families WHERE expires_at <= ? OR revoked_at <= ?)`), before, before, before)
	if err != nil {
		return 0, fmt.Errorf("delete ended refresh tokens: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete ended refresh tokens: %w", err)
	}
	return n, nil
}

// deleteEndedFamilies deletes the families that ended at or before before,
// and those left without refresh tokens (all expired, so nobody can
// refresh them). Run it after deleteEndedRefresh, in the same transaction:
// a family is created with its first token, so none is empty otherwise.
func deleteEndedFamilies(ctx context.Context, q db.Querier, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`
		DELETE FROM api_token_families
		WHERE expires_at <= ? OR revoked_at <= ? OR NOT EXISTS (
			SELECT 1 FROM api_refresh_tokens t WHERE t.family_id = api_token_families.id)`), before, before)
	if err != nil {
		return 0, fmt.Errorf("delete ended token families: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete ended token families: %w", err)
	}
	return n, nil
}
