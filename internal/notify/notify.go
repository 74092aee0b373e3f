// Package notify sends email to customers and staff. A Message is rendered
// from an embedded template (Render) and handed to a Mailer: Outbox in
// development, which only stores it, or SMTP in production, which delivers
// it and stores it with the outcome. Either way every message lands in the
// outbox table, so staff can see what the shop sent.
//
// Message bodies hold one-time links and personal data: nothing in this
// package logs them, and error messages name the outbox id, never the
// address or the body.
package notify

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Message is one email to one recipient. Text is the plain-text part and is
// required; HTML is the HTML part (inline styles only: mail clients drop
// style sheets) and is sent as an alternative when not empty.
type Message struct {
	To      string // a bare address, "name@example.com"
	Subject string
	Text    string
	HTML    string
}

// Validate returns a *fault.Invalid naming each bad field: To must be a single
// bare address, Subject a non-empty single line, Text non-empty. The
// messages do not repeat the address.
func (m Message) Validate() error {
	var v fault.Invalid
	if a, err := mail.ParseAddress(m.To); err != nil || a.Address != m.To || a.Name != "" {
		v.Add("to", "must be a valid email address")
	}
	switch {
	case strings.TrimSpace(m.Subject) == "":
		v.Add("subject", "is required")
	case strings.ContainsAny(m.Subject, "\r\n"):
		v.Add("subject", "must be a single line")
	}
	if strings.TrimSpace(m.Text) == "" {
		v.Add("text", "is required")
	}
	return v.Err()
}

// Mailer sends a Message, recording it in the outbox table through q. It
// returns a *fault.Invalid, and stores nothing, when the message does not
// validate.
//
// q decides the fate of the record: with a transaction the record commits or
// rolls back with the caller's own writes (a sign-up and its verification
// mail together). An implementation that talks to a server (SMTP) does so
// while q is open, so callers pass d.Write() rather than a transaction to
// it, or send after their transaction commits; otherwise the SQLite writer
// waits on the mail server, and a failed send's record rolls back with the
// error.
type Mailer interface {
	Send(ctx context.Context, q db.Querier, m Message) error
}

// Status is where a message stands in the outbox.
type Status string

// The statuses of an outbox message.
const (
	// Queued: stored and not delivered. The Outbox mailer leaves every
	// message here; for SMTP it means the send never finished (a crash).
	Queued Status = "queued"
	// Sent: the SMTP server accepted the message.
	Sent Status = "sent"
	// Failed: the SMTP server could not be reached or refused the message;
	// LastError says why.
	Failed Status = "failed"
)

// Mail is a message as stored in the outbox table.
type Mail struct {
	ID        int64
	To        string
	Subject   string
	Text      string
	HTML      string
	Status    Status
	Attempts  int       // delivery attempts made; 0 for the Outbox mailer
	LastError string    // the last delivery error, "" when none
	SentAt    time.Time // UTC; zero until sent
	CreatedAt time.Time // UTC
	UpdatedAt time.Time // UTC
}

// maxErrorLen bounds the stored last_error, in bytes.
const maxErrorLen = 1000
