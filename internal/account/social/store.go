package social

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// owner is the account an identity or address belongs to, with what decides
// whether it may sign in or be linked.
type owner struct {
	UserID          int64      `db:"user_id"`
	IdentityID      int64      `db:"identity_id"`
	Active          bool       `db:"active"`
	DeletedAt       *time.Time `db:"deleted_at"`
	EmailVerifiedAt *time.Time `db:"email_verified_at"`
	BlockedAt       *time.Time `db:"blocked_at"`
	BlockedReason   string     `db:"blocked_reason"`
}

// identityOwner is the identity (provider, subject) with its user, or
// fault.ErrNotFound.
func identityOwner(ctx context.Context, q db.Querier, provider, subject string) (owner, error) {
	var o owner
	err := q.GetContext(ctx, &o, q.Rebind(`
		SELECT i.id AS identity_id, u.id AS user_id, u.active, u.deleted_at, u.email_verified_at, u.blocked_at, u.blocked_reason
		FROM user_identities i JOIN users u ON u.id = i.user_id
		WHERE i.provider = ? AND i.subject = ?`), provider, subject)
	if errors.Is(err, sql.ErrNoRows) {
		return owner{}, fmt.Errorf("%s identity: %w", provider, fault.ErrNotFound)
	}
	if err != nil {
		return owner{}, fmt.Errorf("read %s identity: %w", provider, err)
	}
	return o, nil
}

// emailOwner is the user with the normalised address email, deleted or
// not (the address stays taken), or fault.ErrNotFound.
func emailOwner(ctx context.Context, q db.Querier, email string) (owner, error) {
	var o owner
	err := q.GetContext(ctx, &o, q.Rebind(`
		SELECT id AS user_id, 0 AS identity_id, active, deleted_at, email_verified_at, blocked_at, blocked_reason
		FROM users WHERE email = ?`), email)
	if errors.Is(err, sql.ErrNoRows) {
		return owner{}, fmt.Errorf("user by email: %w", fault.ErrNotFound)
	}
	if err != nil {
		return owner{}, fmt.Errorf("read user by email: %w", err)
	}
	return o, nil
}

// insertCustomer creates an active customer whose address is verified and
// who has no password yet: an empty hash matches no password.
func insertCustomer(ctx context.Context, q db.Querier, email, name string, now time.Time) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`
		INSERT INTO users (email, name, password_hash, role, active, email_verified_at, created_at, updated_at)
		VALUES (?, ?, '', 'customer', TRUE, ?, ?, ?)
		RETURNING id`), email, name, now, now, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert customer: %w", err)
	}
	return id, nil
}

// insertIdentity links (provider, subject) to userID.
func insertIdentity(ctx context.Context, q db.Querier, userID int64, provider, subject, email string, now time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`
		INSERT INTO user_identities (user_id, provider, subject, email, created_at, last_login_at)
		VALUES (?, ?, ?, ?, ?, ?)`), userID, provider, subject, email, now, now); err != nil {
		return fmt.Errorf("insert %s identity of user %d: %w", provider, userID, err)
	}
	return nil
}

// touchIdentity records a sign-in with identity id.
func touchIdentity(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(
		`UPDATE user_identities SET last_login_at = ? WHERE id = ?`), now, id); err != nil {
		return fmt.Errorf("touch identity %d: %w", id, err)
	}
	return nil
}

// identitiesOf lists the identities of userID by provider.
func identitiesOf(ctx context.Context, q db.Querier, userID int64) ([]Identity, error) {
	var ids []Identity
	if err := q.SelectContext(ctx, &ids, q.Rebind(`
		SELECT id, user_id, provider, subject, email, created_at, last_login_at
		FROM user_identities WHERE user_id = ? ORDER BY provider`), userID); err != nil {
		return nil, fmt.Errorf("list identities of user %d: %w", userID, err)
	}
	return ids, nil
}

// lockUser touches userID and returns its password hash. On PostgreSQL the
// update holds the row lock until the transaction ends, so concurrent
// unlinks of one user run one after the other and each sees the other's
// result; SQLite has a single writer anyway. fault.ErrNotFound when there is
// no such user.
func lockUser(ctx context.Context, q db.Querier, userID int64, now time.Time) (string, error) {
	var hash string
	err := q.QueryRowxContext(ctx, q.Rebind(`
		UPDATE users SET updated_at = ? WHERE id = ? RETURNING password_hash`), now, userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("user %d: %w", userID, fault.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("lock user %d: %w", userID, err)
	}
	return hash, nil
}

// deleteIdentity deletes the provider identity of userID and reports
// whether there was one.
func deleteIdentity(ctx context.Context, q db.Querier, userID int64, provider string) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(
		`DELETE FROM user_identities WHERE user_id = ? AND provider = ?`), userID, provider)
	if err != nil {
		return false, fmt.Errorf("delete %s identity of user %d: %w", provider, userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("delete %s identity of user %d: %w", provider, userID, err)
	}
	return n > 0, nil
}
