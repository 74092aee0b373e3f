package messaging

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// maxErrorLen bounds the stored last_error, in bytes.
const maxErrorLen = 500

// row is a messages row as scanned.
type row struct {
	ID         int64        `db:"id"`
	UserID     int64        `db:"user_id"`
	Event      string       `db:"event"`
	Template   string       `db:"template_code"`
	Variables  string       `db:"variables"`
	Fallback   bool         `db:"fallback_sms"`
	Status     string       `db:"status"`
	Attempts   int          `db:"attempts"`
	ProviderID string       `db:"provider_message_id"`
	LastError  string       `db:"last_error"`
	SentAt     sql.NullTime `db:"sent_at"`
	CreatedAt  time.Time    `db:"created_at"`
}

const columns = `id, user_id, event, template_code, variables, fallback_sms, status, attempts, provider_message_id,
	last_error, sent_at, created_at`

// message is the row as the package reads it.
func (r row) message() (Message, error) {
	m := Message{ID: r.ID, UserID: r.UserID, Event: Event(r.Event), Template: r.Template, FallbackSMS: r.Fallback,
		Status: Status(r.Status), Attempts: r.Attempts, ProviderID: r.ProviderID, LastError: r.LastError,
		CreatedAt: r.CreatedAt.UTC()}
	if r.SentAt.Valid {
		m.SentAt = r.SentAt.Time.UTC()
	}
	if err := json.Unmarshal([]byte(r.Variables), &m.Variables); err != nil {
		return Message{}, fmt.Errorf("message %d: variables: %w", r.ID, err)
	}
	return m, nil
}

// hasPhone reports, on q, whether user id has a phone number stored. It
// reads only whether the encrypted column is filled: the number itself is
// decrypted by the delivery job alone.
func hasPhone(ctx context.Context, q db.Querier, userID int64) (bool, error) {
	var enc sql.NullString
	err := q.GetContext(ctx, &enc, q.Rebind(`SELECT phone_enc FROM users WHERE id = ? AND deleted_at IS NULL`), userID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("phone of user %d: %w", userID, err)
	}
	return enc.Valid && enc.String != "", nil
}

// insertMessage stores m as queued unless a message with its key is
// stored already; it returns the new id, or 0 when the key was taken.
func insertMessage(ctx context.Context, q db.Querier, key string, m Message, now time.Time) (int64, error) {
	vars, err := json.Marshal(m.Variables)
	if err != nil {
		return 0, fmt.Errorf("store message: %w", err)
	}
	var id int64
	err = q.GetContext(ctx, &id, q.Rebind(`INSERT INTO messages (user_id, dedupe_key, event, template_code, variables,
		fallback_sms, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)
		ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`),
		m.UserID, key, string(m.Event), m.Template, string(vars), m.FallbackSMS, now, now)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store message: %w", err)
	}
	return id, nil
}

// claimMessage makes message id Sending under claim when it is queued or
// its last claim ended before now (a run that died), and reports whether
// it did.
func claimMessage(ctx context.Context, q db.Querier, id int64, claim string, now, until time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE messages SET status = 'sending', claim = ?, claimed_until = ?, updated_at = ?
		WHERE id = ? AND (status = 'queued' OR (status = 'sending' AND claimed_until < ?))`), claim, until, now, id, now)
	if err != nil {
		return false, fmt.Errorf("claim message %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim message %d: %w", id, err)
	}
	return n == 1, nil
}

// markSent records the accepted attempt of the message claimed with claim.
func markSent(ctx context.Context, q db.Querier, id int64, claim, providerID string, now time.Time) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE messages SET status = 'sent', attempts = attempts + 1, last_error = '',
		provider_message_id = ?, claim = '', claimed_until = NULL, sent_at = ?, updated_at = ?
		WHERE id = ? AND status = 'sending' AND claim = ?`), clip(providerID, 100), now, now, id, claim)
	return db.ClaimKept(res, err, "mark message %d sent", id)
}

// markAttempt records a failed attempt of the message claimed with claim
// and leaves it in status to: Queued for another attempt, or Failed.
func markAttempt(ctx context.Context, q db.Querier, id int64, claim string, to Status, cause string, now time.Time) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE messages SET status = ?, attempts = attempts + 1, last_error = ?,
		claim = '', claimed_until = NULL, updated_at = ? WHERE id = ? AND status = 'sending' AND claim = ?`),
		string(to), clip(cause, maxErrorLen), now, id, claim)
	return db.ClaimKept(res, err, "mark message %d "+string(to), id)
}

// messageByID reads message id, or fault.ErrNotFound.
func messageByID(ctx context.Context, q db.Querier, id int64) (Message, error) {
	var r row
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT `+columns+` FROM messages WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, fmt.Errorf("message %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return Message{}, fmt.Errorf("read message %d: %w", id, err)
	}
	return r.message()
}

// messagesOf lists the messages of user id, newest first.
func messagesOf(ctx context.Context, q db.Querier, userID int64) ([]Message, error) {
	var rows []row
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT `+columns+` FROM messages WHERE user_id = ? ORDER BY id DESC`), userID); err != nil {
		return nil, fmt.Errorf("messages of user %d: %w", userID, err)
	}
	out := make([]Message, 0, len(rows))
	for _, r := range rows {
		m, err := r.message()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// clip cuts s to at most n bytes on a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n]
}

// recentMessages lists the newest limit messages of every customer.
func recentMessages(ctx context.Context, q db.Querier, limit int) ([]Message, error) {
	var rows []row
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT `+columns+` FROM messages ORDER BY id DESC LIMIT ?`), limit); err != nil {
		return nil, fmt.Errorf("recent messages: %w", err)
	}
	out := make([]Message, 0, len(rows))
	for _, r := range rows {
		m, err := r.message()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
