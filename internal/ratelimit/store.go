package ratelimit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// addHit counts one attempt in the window of (name, keyHash) that starts at
// start, creating the window's row on its first attempt, and returns the new
// count. It is one statement, so concurrent attempts never lose a count: on
// SQLite the single writer runs them one by one, on PostgreSQL the conflict
// takes the row lock and each update sees the previous one's count.
func addHit(ctx context.Context, q db.Querier, name, keyHash string, start, end, now time.Time) (int, error) {
	var hits int
	err := q.QueryRowxContext(ctx, q.Rebind(`
		INSERT INTO rate_limits (name, key_hash, window_start, window_end, hits, created_at, updated_at)
		VALUES (?, ?, ?, ?, 1, ?, ?)
		ON CONFLICT (name, key_hash, window_start)
		DO UPDATE SET hits = rate_limits.hits + 1, updated_at = excluded.updated_at
		RETURNING hits`), name, keyHash, start, end, now, now).Scan(&hits)
	if err != nil {
		return 0, fmt.Errorf("add hit: %w", err)
	}
	return hits, nil
}

// hitsIn is the count of the window of (name, keyHash) that starts at start,
// 0 when it has none.
func hitsIn(ctx context.Context, q db.Querier, name, keyHash string, start time.Time) (int, error) {
	var hits int
	err := q.GetContext(ctx, &hits, q.Rebind(`
		SELECT hits FROM rate_limits WHERE name = ? AND key_hash = ? AND window_start = ?`),
		name, keyHash, start)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read hits: %w", err)
	}
	return hits, nil
}

// deleteKey deletes every window of (name, keyHash).
func deleteKey(ctx context.Context, q db.Querier, name, keyHash string) error {
	if _, err := q.ExecContext(ctx, q.Rebind(
		`DELETE FROM rate_limits WHERE name = ? AND key_hash = ?`), name, keyHash); err != nil {
		return fmt.Errorf("delete hits: %w", err)
	}
	return nil
}

// deleteEnded deletes every window that ended at or before before.
func deleteEnded(ctx context.Context, q db.Querier, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM rate_limits WHERE window_end <= ?`), before)
	if err != nil {
		return 0, fmt.Errorf("delete ended windows: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete ended windows: %w", err)
	}
	return n, nil
}
