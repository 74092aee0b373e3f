package honeypot

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Trap records attempts at the fake login and keeps the blocks. It is safe
// for concurrent use, in one process or across many that share the database.
type Trap struct {
	d   *db.DB
	cfg Config
	now func() time.Time
}

// New returns a Trap on d with cfg (zero fields take the defaults) that reads
// the time from now (time.Now in app, a fake clock in tests).
func New(d *db.DB, cfg Config, now func() time.Time) *Trap {
	return &Trap{d: d, cfg: cfg.withDefaults(), now: now}
}

// Record stores one attempt and reports whether its IP is blocked afterwards.
// When the IP has made BlockAfter attempts or more within Window (counting
// only attempts after a block of it was last cleared), the attempt blocks it
// for BlockFor, or extends the block it already has. The page answers the
// same way whatever Record returns, so the trap gives nothing away. An IP
// that does not parse is a *fault.Invalid and nothing is stored.
func (t *Trap) Record(ctx context.Context, a Attempt) (blocked bool, err error) {
	ip, err := normalizeIP(a.IP)
	if err != nil {
		return false, fmt.Errorf("honeypot: record attempt: %w", err)
	}
	now := t.now().UTC()
	// The attempt commits on its own before the count: of attempts made at
	// the same moment, the one that commits last then counts every other,
	// so the threshold is never missed however many arrive at once. Inside
	// one transaction, each would count only itself and the committed past.
	if err := insertAttempt(ctx, t.d.Write(), ip, clean(a.UserAgent, MaxUserAgent), clean(a.Username, MaxUsername), now); err != nil {
		return false, fmt.Errorf("honeypot: record attempt from %s: %w", ip, err)
	}
	b, found, err := blockOf(ctx, t.d.Read(), ip)
	if err != nil {
		return false, fmt.Errorf("honeypot: record attempt from %s: %w", ip, err)
	}
	since := now.Add(-t.cfg.Window)
	if found && b.ClearedAt.Valid && b.ClearedAt.Time.After(since) {
		since = b.ClearedAt.Time
	}
	n, err := countAttempts(ctx, t.d.Read(), ip, since)
	if err != nil {
		return false, fmt.Errorf("honeypot: record attempt from %s: %w", ip, err)
	}
	if n < t.cfg.BlockAfter {
		return found && b.ExpiresAt.After(now), nil
	}
	ok, err := upsertBlock(ctx, t.d.Write(), ip, n, now, now.Add(t.cfg.BlockFor), since)
	if err != nil {
		return false, fmt.Errorf("honeypot: block %s: %w", ip, err)
	}
	// !ok: staff cleared the block between the count and the upsert, so the
	// count included attempts that no longer count; the next attempt counts
	// afresh.
	return ok, nil
}

// Blocked reports whether ip (as for Attempt.IP) is blocked now. It is one
// look-up by the unique index on the address; login handlers call it before
// checking a password and refuse blocked callers. An IP that does not parse
// is a *fault.Invalid.
func (t *Trap) Blocked(ctx context.Context, ip string) (bool, error) {
	norm, err := normalizeIP(ip)
	if err != nil {
		return false, fmt.Errorf("honeypot: check block: %w", err)
	}
	ok, err := activeBlock(ctx, t.d.Read(), norm, t.now().UTC())
	if err != nil {
		return false, fmt.Errorf("honeypot: check block of %s: %w", norm, err)
	}
	return ok, nil
}

// Attempts returns one page of recorded attempts, newest first. limit is 50
// when 0 or less and at most 500; a negative offset counts as 0.
func (t *Trap) Attempts(ctx context.Context, limit, offset int) ([]AttemptRow, error) {
	if limit <= 0 {
		limit = 50
	}
	limit, offset = min(limit, 500), max(offset, 0)
	rows, err := selectAttempts(ctx, t.d.Read(), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("honeypot: list attempts: %w", err)
	}
	return rows, nil
}

// Blocks returns the active blocks, newest first.
func (t *Trap) Blocks(ctx context.Context) ([]Block, error) {
	bs, err := selectActiveBlocks(ctx, t.d.Read(), t.now().UTC())
	if err != nil {
		return nil, fmt.Errorf("honeypot: list blocks: %w", err)
	}
	return bs, nil
}

// Clear ends the active block of ip now. The attempts stay for the record
// but no longer count towards a new block, so a member of staff who tripped
// the trap is not blocked again by their next mistake. With Config.Audit
// set, the clearing is recorded for by in the same transaction. It returns
// fault.ErrNotFound when ip has no active block, and a *fault.Invalid when
// ip does not parse.
func (t *Trap) Clear(ctx context.Context, by audit.Actor, ip string) error {
	norm, err := normalizeIP(ip)
	if err != nil {
		return fmt.Errorf("honeypot: clear block: %w", err)
	}
	now := t.now().UTC()
	err = t.d.InTx(ctx, func(q db.Querier) error {
		b, found, err := clearBlock(ctx, q, norm, now)
		if err != nil {
			return err
		}
		if !found {
			return fault.ErrNotFound
		}
		if t.cfg.Audit == nil {
			return nil
		}
		return t.cfg.Audit.Record(ctx, q, by.Entry("honeypot.block_cleared", "ip", norm, map[string]any{
			"block_id":   strconv.FormatInt(b.ID, 10),
			"attempts":   b.Attempts,
			"blocked_at": b.BlockedAt.UTC().Format(time.RFC3339),
			"expires_at": b.ExpiresAt.UTC().Format(time.RFC3339),
		}))
	})
	if err != nil {
		return fmt.Errorf("honeypot: clear block of %s: %w", norm, err)
	}
	return nil
}

// Prune deletes attempts made before before and blocks that ended before
// it, and returns how many rows it deleted. It never deletes what still
// counts: before is moved back to Window ago when it is later. A periodic
// job calls it with the retention the shop keeps (for example 90 days ago).
func (t *Trap) Prune(ctx context.Context, before time.Time) (int64, error) {
	before = before.UTC()
	if limit := t.now().UTC().Add(-t.cfg.Window); before.After(limit) {
		before = limit
	}
	var total int64
	err := t.d.InTx(ctx, func(q db.Querier) error {
		n, err := deleteAttemptsBefore(ctx, q, before)
		if err != nil {
			return err
		}
		m, err := deleteBlocksEnded(ctx, q, before)
		total = n + m
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("honeypot: prune: %w", err)
	}
	return total, nil
}
