// Package notify sends email to customers and staff. A Message is rendered
// from an embedded template (Render) and handed to the Outbox, the one
// Mailer: Send stores it in the outbox table and enqueues its delivery job
// in the caller's transaction, so a mail exists if and only if the change
// that asked for it committed. The job calls Courier.Deliver, which hands
// the mail to a Transport: SMTP in production, Hold in development (the
// mail stays in the outbox, marked as not delivered by design). Either way
// every message is in the outbox table, so staff see what the shop sent
// (decisions 0012 and 0034).
//
// Message bodies hold one-time links and personal data: nothing in this
// package logs them, and error messages name the outbox id, never the
// address or the body.
package notify

import (
	"context"
	"net/mail"
	"slices"
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
	// Headers are extra header fields, only those in AllowedHeaders; Render
	// sets the unsubscribe headers of marketing mail (see Unsubscribable).
	Headers map[string]string
}

// The extra header fields a Message may carry.
const (
	// HeaderListUnsubscribe is the unsubscribe link in angle brackets
	// (RFC 2369), which mail programs show as their own button.
	HeaderListUnsubscribe = "List-Unsubscribe"
	// HeaderListUnsubscribePost says the link unsubscribes on a POST of
	// "List-Unsubscribe=One-Click" without asking (RFC 8058).
	HeaderListUnsubscribePost = "List-Unsubscribe-Post"
)

// AllowedHeaders are the header fields a Message may carry beyond the
// ones the transport writes itself.
var AllowedHeaders = []string{HeaderListUnsubscribe, HeaderListUnsubscribePost}

// Unsubscribable is template data of marketing mail: Render gives the
// mail the one-click unsubscribe headers of its link (RFC 8058).
type Unsubscribable interface {
	UnsubscribeLink() string
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
	for k, val := range m.Headers {
		if !slices.Contains(AllowedHeaders, k) || val == "" || strings.ContainsAny(val, "\r\n") || len(val) > 900 {
			v.Add("headers", "must be List-Unsubscribe headers of one line each")
			break
		}
	}
	return v.Err()
}

// Mailer sends a Message: it stores it through q and enqueues its
// delivery, and returns at once; the mail server is never contacted while q
// is open. It returns a *fault.Invalid, and stores nothing, when the message
// does not validate.
//
// With a transaction as q the mail and its job commit or roll back with the
// caller's own writes (an order and its confirmation together; a crash
// after the commit loses no mail, and a rollback sends none). With a pool
// (d.Write()) the Mailer opens a transaction of its own for the two.
//
// Render renders a template (see the function Render) under the shop's
// name as staff set it at the moment of the call.
type Mailer interface {
	Send(ctx context.Context, q db.Querier, m Message) error
	Render(ctx context.Context, tmpl Template, data any) (Message, error)
}

// Status is where a message stands in the outbox.
type Status string

// The statuses of an outbox message. A mail goes queued → sending → sent,
// or back to queued after a passing failure (attempts and LastError say
// so), or to failed; without a mail server, queued → held.
const (
	// Queued: stored, its delivery job waiting (also between retries).
	Queued Status = "queued"
	// Sending: a delivery job claimed it and is talking to the server.
	Sending Status = "sending"
	// Sent: the SMTP server accepted the message.
	Sent Status = "sent"
	// Failed: the server refused the message for good, or every attempt
	// failed; LastError says why. Nothing delivers it any more.
	Failed Status = "failed"
	// Held: no mail server is configured (development); the mail is kept
	// in the outbox for staff and developers to read and is not delivered.
	Held Status = "held"
)

// Mail is a message as stored in the outbox table.
type Mail struct {
	ID        int64
	To        string
	Subject   string
	Text      string
	HTML      string
	Headers   map[string]string // extra header fields; nil when none
	Status    Status
	Attempts  int       // delivery attempts whose outcome is known; 0 while none, and for held mail
	LastError string    // the last delivery error, "" when none
	SentAt    time.Time // UTC; zero until sent
	CreatedAt time.Time // UTC
	UpdatedAt time.Time // UTC
}

// maxErrorLen bounds the stored last_error, in bytes.
const maxErrorLen = 1000
