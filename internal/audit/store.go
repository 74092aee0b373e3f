package audit

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// insertEntry writes e with its detail already encoded. An actor id of 0 is
// stored as NULL, which the foreign key to users allows.
func insertEntry(ctx context.Context, q db.Querier, e Entry, detail string) error {
	actor := sql.NullInt64{Int64: e.ActorID, Valid: e.ActorID != 0}
	_, err := q.ExecContext(ctx, q.Rebind(`
		INSERT INTO audit_log (actor_id, actor_email, action, target_type, target_id, detail, ip, user_agent, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		actor, e.ActorEmail, e.Action, e.TargetType, e.TargetID, detail, e.IP, e.UserAgent, e.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert entry: %w", err)
	}
	return nil
}

// where is the condition for f, with its arguments; each filter matches an
// index that leads with its column.
func where(f Filter) (string, []any) {
	var conds []string
	var args []any
	if f.ActorID != 0 {
		conds = append(conds, "actor_id = ?")
		args = append(args, f.ActorID)
	}
	if f.Action != "" {
		conds = append(conds, "action = ?")
		args = append(args, f.Action)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// countEntries counts the entries matching f.
func countEntries(ctx context.Context, q db.Querier, f Filter) (int, error) {
	cond, args := where(f)
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM audit_log`+cond), args...); err != nil {
		return 0, fmt.Errorf("count entries: %w", err)
	}
	return n, nil
}

type entryRow struct {
	ID         int64         `db:"id"`
	ActorID    sql.NullInt64 `db:"actor_id"`
	ActorEmail string        `db:"actor_email"`
	Action     string        `db:"action"`
	TargetType string        `db:"target_type"`
	TargetID   string        `db:"target_id"`
	Detail     []byte        `db:"detail"`
	IP         string        `db:"ip"`
	UserAgent  string        `db:"user_agent"`
	CreatedAt  time.Time     `db:"created_at"`
}

// selectEntries reads one page of the entries matching f, newest first; id
// orders entries recorded at the same instant.
func selectEntries(ctx context.Context, q db.Querier, f Filter, limit, offset int) ([]Entry, error) {
	cond, args := where(f)
	var rows []entryRow
	err := q.SelectContext(ctx, &rows, q.Rebind(`
		SELECT id, actor_id, actor_email, action, target_type, target_id, detail, ip, user_agent, created_at
		FROM audit_log`+cond+`
		ORDER BY created_at DESC, id DESC
		LIMIT ? OFFSET ?`), append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("select entries: %w", err)
	}
	es := make([]Entry, 0, len(rows))
	for _, r := range rows {
		e := Entry{
			ID: r.ID, ActorID: r.ActorID.Int64, ActorEmail: r.ActorEmail, Action: r.Action,
			TargetType: r.TargetType, TargetID: r.TargetID, IP: r.IP, UserAgent: r.UserAgent,
			CreatedAt: r.CreatedAt.UTC(),
		}
		dec := json.NewDecoder(bytes.NewReader(r.Detail))
		dec.UseNumber()
		if err := dec.Decode(&e.Detail); err != nil {
			return nil, fmt.Errorf("entry %d: decode detail: %w", r.ID, err)
		}
		if len(e.Detail) == 0 {
			e.Detail = nil
		}
		es = append(es, e)
	}
	return es, nil
}
