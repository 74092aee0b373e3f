package honeypot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// insertAttempt stores one attempt.
func insertAttempt(ctx context.Context, q db.Querier, ip, userAgent, username string, at time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`
		INSERT INTO honeypot_attempts (ip, user_agent, username, created_at) VALUES (?, ?, ?, ?)`),
		ip, userAgent, username, at)
	if err != nil {
		return fmt.Errorf("insert attempt: %w", err)
	}
	return nil
}

// countAttempts counts the attempts from ip made after since, through the
// (ip, created_at) index.
func countAttempts(ctx context.Context, q db.Querier, ip string, since time.Time) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`
		SELECT COUNT(*) FROM honeypot_attempts WHERE ip = ? AND created_at > ?`), ip, since)
	if err != nil {
		return 0, fmt.Errorf("count attempts: %w", err)
	}
	return n, nil
}

type blockRow struct {
	ID        int64        `db:"id"`
	IP        string       `db:"ip"`
	Attempts  int          `db:"attempts"`
	BlockedAt time.Time    `db:"blocked_at"`
	ExpiresAt time.Time    `db:"expires_at"`
	ClearedAt sql.NullTime `db:"cleared_at"`
}

func (r blockRow) block() Block {
	return Block{ID: r.ID, IP: r.IP, Attempts: r.Attempts, BlockedAt: r.BlockedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}
}

// blockOf reads the block row of ip, active or not; found is false when ip
// was never blocked.
func blockOf(ctx context.Context, q db.Querier, ip string) (b blockRow, found bool, err error) {
	err = q.GetContext(ctx, &b, q.Rebind(`
		SELECT id, ip, attempts, blocked_at, expires_at, cleared_at FROM honeypot_blocks WHERE ip = ?`), ip)
	if errors.Is(err, sql.ErrNoRows) {
		return blockRow{}, false, nil
	}
	if err != nil {
		return blockRow{}, false, fmt.Errorf("read block: %w", err)
	}
	return b, true, nil
}

// upsertBlock blocks ip until expires, or extends its block, in one
// statement: the unique ip makes concurrent blockers meet on one row. A
// block still running keeps its start and the larger of the two counts and
// ends; an ended one starts over. The update is skipped, and ok is false,
// when the block was cleared after countedSince, the time the caller counted
// attempts from, because its count then includes attempts that no longer
// count.
func upsertBlock(ctx context.Context, q db.Querier, ip string, attempts int, now, expires, countedSince time.Time) (ok bool, err error) {
	res, err := q.ExecContext(ctx, q.Rebind(`
		INSERT INTO honeypot_blocks (ip, attempts, blocked_at, expires_at, cleared_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, NULL, ?, ?)
		ON CONFLICT (ip) DO UPDATE SET
			attempts = CASE WHEN honeypot_blocks.expires_at > excluded.blocked_at AND honeypot_blocks.attempts > excluded.attempts
				THEN honeypot_blocks.attempts ELSE excluded.attempts END,
			blocked_at = CASE WHEN honeypot_blocks.expires_at > excluded.blocked_at
				THEN honeypot_blocks.blocked_at ELSE excluded.blocked_at END,
			expires_at = CASE WHEN honeypot_blocks.expires_at > excluded.expires_at
				THEN honeypot_blocks.expires_at ELSE excluded.expires_at END,
			cleared_at = NULL,
			updated_at = excluded.updated_at
		WHERE honeypot_blocks.cleared_at IS NULL OR honeypot_blocks.cleared_at <= ?`),
		ip, attempts, now, expires, now, now, countedSince)
	if err != nil {
		return false, fmt.Errorf("upsert block: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("upsert block: %w", err)
	}
	return n > 0, nil
}

// activeBlock reports whether ip has a block running at now.
func activeBlock(ctx context.Context, q db.Querier, ip string, now time.Time) (bool, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`
		SELECT COUNT(*) FROM honeypot_blocks WHERE ip = ? AND expires_at > ?`), ip, now)
	if err != nil {
		return false, fmt.Errorf("read block: %w", err)
	}
	return n > 0, nil
}

// selectActiveBlocks reads the blocks running at now, newest first.
func selectActiveBlocks(ctx context.Context, q db.Querier, now time.Time) ([]Block, error) {
	var rows []blockRow
	err := q.SelectContext(ctx, &rows, q.Rebind(`
		SELECT id, ip, attempts, blocked_at, expires_at, cleared_at FROM honeypot_blocks
		WHERE expires_at > ? ORDER BY blocked_at DESC, id DESC`), now)
	if err != nil {
		return nil, fmt.Errorf("select blocks: %w", err)
	}
	bs := make([]Block, len(rows))
	for i, r := range rows {
		bs[i] = r.block()
	}
	return bs, nil
}

// clearBlock ends the running block of ip at now and marks it cleared;
// found is false when ip has no running block. The returned block has the
// end it had before clearing.
func clearBlock(ctx context.Context, q db.Querier, ip string, now time.Time) (b Block, found bool, err error) {
	r, found, err := blockOf(ctx, q, ip)
	if err != nil || !found || !r.ExpiresAt.After(now) {
		return Block{}, false, err
	}
	res, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE honeypot_blocks SET expires_at = ?, cleared_at = ?, updated_at = ?
		WHERE id = ? AND expires_at > ?`), now, now, now, r.ID, now)
	if err != nil {
		return Block{}, false, fmt.Errorf("clear block: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return Block{}, false, fmt.Errorf("clear block: %w", err)
	}
	return r.block(), n > 0, nil
}

type attemptRow struct {
	ID        int64     `db:"id"`
	IP        string    `db:"ip"`
	UserAgent string    `db:"user_agent"`
	Username  string    `db:"username"`
	CreatedAt time.Time `db:"created_at"`
}

// selectAttempts reads one page of attempts, newest first.
func selectAttempts(ctx context.Context, q db.Querier, limit, offset int) ([]AttemptRow, error) {
	var rows []attemptRow
	err := q.SelectContext(ctx, &rows, q.Rebind(`
		SELECT id, ip, user_agent, username, created_at FROM honeypot_attempts
		ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("select attempts: %w", err)
	}
	as := make([]AttemptRow, len(rows))
	for i, r := range rows {
		as[i] = AttemptRow{ID: r.ID, IP: r.IP, UserAgent: r.UserAgent, Username: r.Username, CreatedAt: r.CreatedAt.UTC()}
	}
	return as, nil
}

// deleteAttemptsBefore deletes the attempts made before before.
func deleteAttemptsBefore(ctx context.Context, q db.Querier, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM honeypot_attempts WHERE created_at < ?`), before)
	if err != nil {
		return 0, fmt.Errorf("delete attempts: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete attempts: %w", err)
	}
	return n, nil
}

// deleteBlocksEnded deletes the blocks that ended before before.
func deleteBlocksEnded(ctx context.Context, q db.Querier, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM honeypot_blocks WHERE expires_at < ?`), before)
	if err != nil {
		return 0, fmt.Errorf("delete ended blocks: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete ended blocks: %w", err)
	}
	return n, nil
}
