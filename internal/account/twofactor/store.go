package twofactor

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// state is a user's row of two_factor. The secrets are as stored: encrypted,
// or empty for none.
type state struct {
	Secret   string `db:"secret_enc"`
	Pending  string `db:"pending_secret_enc"`
	LastStep int64  `db:"last_step"`
}

// userExists reports whether a user with id userID exists.
func userExists(ctx context.Context, q db.Querier, userID int64) (bool, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM users WHERE id = ?`), userID)
	if err != nil {
		return false, fmt.Errorf("look up user %d: %w", userID, err)
	}
	return n > 0, nil
}

// stateOf returns the two_factor row of userID, or fault.ErrNotFound when the
// user never began a setup.
func stateOf(ctx context.Context, q db.Querier, userID int64) (state, error) {
	var st state
	err := q.GetContext(ctx, &st, q.Rebind(
		`SELECT secret_enc, pending_secret_enc, last_step FROM two_factor WHERE user_id = ?`), userID)
	if errors.Is(err, sql.ErrNoRows) {
		return state{}, fmt.Errorf("two-factor state of user %d: %w", userID, fault.ErrNotFound)
	}
	if err != nil {
		return state{}, fmt.Errorf("two-factor state of user %d: %w", userID, err)
	}
	return st, nil
}

// setPending stores pending as the user's pending secret, replacing any
// earlier one and leaving the active secret as it is.
func setPending(ctx context.Context, q db.Querier, userID int64, pending string, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`
		INSERT INTO two_factor (user_id, pending_secret_enc, pending_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id)
		DO UPDATE SET pending_secret_enc = excluded.pending_secret_enc,
			pending_at = excluded.pending_at, updated_at = excluded.updated_at`),
		userID, pending, now, now, now)
	if err != nil {
		return fmt.Errorf("store pending secret of user %d: %w", userID, err)
	}
	return nil
}

// activate makes secret the user's active secret, with step as the last
// used time step, if the pending secret is still pending (as read before the
// code was checked), and reports whether it did.
func activate(ctx context.Context, q db.Querier, userID int64, pending, secret string, step int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE two_factor SET secret_enc = ?, pending_secret_enc = '', pending_at = NULL,
			last_step = ?, enabled_at = ?, updated_at = ?
		WHERE user_id = ? AND pending_secret_enc = ?`),
		secret, step, now, now, userID, pending)
	return db.Affected(res, err, "activate secret of user %d", userID)
}

// takeStep records step as the user's last used time step if it is later
// than the stored one and the active secret is still the one the code was
// checked against, and reports whether it did. Of several logins racing with
// codes for the same step, exactly one gets true.
func takeStep(ctx context.Context, q db.Querier, userID int64, secret string, step int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE two_factor SET last_step = ?, updated_at = ?
		WHERE user_id = ? AND secret_enc = ? AND last_step < ?`),
		step, now, userID, secret, step)
	return db.Affected(res, err, "take time step of user %d", userID)
}

// deleteRecoveryCodes removes every recovery code of the user, used or not.
func deleteRecoveryCodes(ctx context.Context, q db.Querier, userID int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM two_factor_recovery_codes WHERE user_id = ?`), userID); err != nil {
		return fmt.Errorf("delete recovery codes of user %d: %w", userID, err)
	}
	return nil
}

// insertRecoveryCodes stores the hashes as unused recovery codes of the user.
func insertRecoveryCodes(ctx context.Context, q db.Querier, userID int64, hashes []string, now time.Time) error {
	for _, h := range hashes {
		_, err := q.ExecContext(ctx, q.Rebind(
			`INSERT INTO two_factor_recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)`), userID, h, now)
		if err != nil {
			return fmt.Errorf("store recovery codes of user %d: %w", userID, err)
		}
	}
	return nil
}

// useRecoveryCode marks the user's unused recovery code with hash as used and
// reports whether there was one. Of several logins racing with the same code,
// exactly one gets true.
func useRecoveryCode(ctx context.Context, q db.Querier, userID int64, hash string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE two_factor_recovery_codes SET used_at = ?
		WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`), now, userID, hash)
	return db.Affected(res, err, "use recovery code of user %d", userID)
}

// unusedRecoveryCodes counts the user's recovery codes not yet used.
func unusedRecoveryCodes(ctx context.Context, q db.Querier, userID int64) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(
		`SELECT COUNT(*) FROM two_factor_recovery_codes WHERE user_id = ? AND used_at IS NULL`), userID)
	if err != nil {
		return 0, fmt.Errorf("count recovery codes of user %d: %w", userID, err)
	}
	return n, nil
}

// deleteState removes the user's two_factor row.
func deleteState(ctx context.Context, q db.Querier, userID int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM two_factor WHERE user_id = ?`), userID); err != nil {
		return fmt.Errorf("delete two-factor state of user %d: %w", userID, err)
	}
	return nil
}
