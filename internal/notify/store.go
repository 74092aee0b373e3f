package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// row is one outbox row as scanned.
type row struct {
	ID        int64        `db:"id"`
	To        string       `db:"to_address"`
	Subject   string       `db:"subject"`
	Text      string       `db:"text_body"`
	HTML      string       `db:"html_body"`
	Headers   string       `db:"headers"`
	Status    string       `db:"status"`
	Attempts  int          `db:"attempts"`
	LastError string       `db:"last_error"`
	SentAt    sql.NullTime `db:"sent_at"`
	CreatedAt time.Time    `db:"created_at"`
	UpdatedAt time.Time    `db:"updated_at"`
}

func (r row) mail() Mail {
	m := Mail{
		ID: r.ID, To: r.To, Subject: r.Subject, Text: r.Text, HTML: r.HTML,
		Status: Status(r.Status), Attempts: r.Attempts, LastError: r.LastError,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.SentAt.Valid {
		m.SentAt = r.SentAt.Time.UTC()
	}
	if r.Headers != "" && r.Headers != "{}" {
		// A row that does not parse keeps no headers: they are extras.
		_ = json.Unmarshal([]byte(r.Headers), &m.Headers)
	}
	return m
}

const columns = `id, to_address, subject, text_body, html_body, headers, status, attempts, last_error, sent_at, created_at, updated_at`

func insertMail(ctx context.Context, q db.Querier, m Message, now time.Time) (int64, error) {
	headers := []byte("{}")
	if len(m.Headers) > 0 {
		var err error
		if headers, err = json.Marshal(m.Headers); err != nil {
			return 0, fmt.Errorf("insert outbox mail: %w", err)
		}
	}
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO outbox (to_address, subject, text_body, html_body, headers, status, attempts, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?) RETURNING id`), m.To, m.Subject, m.Text, m.HTML, string(headers), now, now)
	if err != nil {
		return 0, fmt.Errorf("insert outbox mail: %w", err)
	}
	return id, nil
}

// claimMail makes mail id Sending under claim when it is queued or its
// last claim was made before stale (a run that died), and reports whether
// it did.
func claimMail(ctx context.Context, q db.Querier, id int64, claim string, now, stale time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE outbox SET status = 'sending', claim = ?, claimed_at = ?, updated_at = ?
		WHERE id = ? AND (status = 'queued' OR (status = 'sending' AND claimed_at < ?))`), claim, now, now, id, stale)
	if err != nil {
		return false, fmt.Errorf("claim outbox mail %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim outbox mail %d: %w", id, err)
	}
	return n == 1, nil
}

// markSent records the delivered attempt of the mail claimed with claim.
func markSent(ctx context.Context, q db.Querier, id int64, claim string, now time.Time) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE outbox SET status = 'sent', attempts = attempts + 1, last_error = '',
		claim = '', claimed_at = NULL, sent_at = ?, updated_at = ? WHERE id = ? AND status = 'sending' AND claim = ?`), now, now, id, claim)
	return db.ClaimKept(res, err, "mark outbox mail %d sent", id)
}

// markAttempt records a failed attempt of the mail claimed with claim, its
// error cut to maxErrorLen bytes, and leaves it in status to: Queued for
// another attempt, or Failed.
func markAttempt(ctx context.Context, q db.Querier, id int64, claim string, to Status, cause string, now time.Time) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?,
		claim = '', claimed_at = NULL, updated_at = ? WHERE id = ? AND status = 'sending' AND claim = ?`),
		string(to), truncate(cause, maxErrorLen), now, id, claim)
	return db.ClaimKept(res, err, "mark outbox mail %d "+string(to), id)
}

// markHeld records that the mail claimed with claim is kept, not delivered.
func markHeld(ctx context.Context, q db.Querier, id int64, claim string, now time.Time) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE outbox SET status = 'held', claim = '', claimed_at = NULL, updated_at = ?
		WHERE id = ? AND status = 'sending' AND claim = ?`), now, id, claim)
	return db.ClaimKept(res, err, "mark outbox mail %d held", id)
}

func mailByID(ctx context.Context, q db.Querier, id int64) (Mail, error) {
	var r row
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT `+columns+` FROM outbox WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Mail{}, fmt.Errorf("outbox mail %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return Mail{}, fmt.Errorf("outbox mail %d: %w", id, err)
	}
	return r.mail(), nil
}

// listMails returns a page of mails, newest first.
func listMails(ctx context.Context, q db.Querier, limit, offset int) ([]Mail, error) {
	var rs []row
	err := q.SelectContext(ctx, &rs, q.Rebind(`SELECT `+columns+` FROM outbox ORDER BY id DESC LIMIT ? OFFSET ?`), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list outbox mails: %w", err)
	}
	out := make([]Mail, len(rs))
	for i, r := range rs {
		out[i] = r.mail()
	}
	return out, nil
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
