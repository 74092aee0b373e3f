package notify

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// Transport hands one stored mail to a mail server. *SMTP delivers; Hold
// keeps it. id is the outbox id, which a transport may use to give every
// attempt of one mail the same Message-ID.
type Transport interface {
	Deliver(ctx context.Context, id int64, m Message) error
}

// ErrUndeliverable wraps a delivery error that another attempt cannot
// mend: the server refused the message for good (a 5xx answer, such as an
// unknown recipient), or the stored mail no longer validates (an account
// deletion blanked it). The mail is Failed; the job must not retry.
var ErrUndeliverable = errors.New("mail undeliverable")

// ErrInProgress is Deliver's answer when another run holds a fresh claim
// on the mail: the job should look again once ClaimLease has passed.
var ErrInProgress = errors.New("mail delivery in progress")

// ClaimLease is how long a delivery's claim on a mail keeps other runs
// away. It is longer than the delivery job's timeout, so a run is cancelled
// before its claim lapses; a claim older than this belongs to a run that
// died, and the mail is delivered again.
const ClaimLease = 5 * time.Minute

// Hold is the development Transport: it delivers nothing, and the courier
// marks each mail Held, readable in the back office's outbox.
type Hold struct{}

// errHeld is Hold's answer; the courier records it as Held, not as an error.
var errHeld = errors.New("mail held: no mail server configured")

// Deliver implements Transport and keeps the mail.
func (Hold) Deliver(context.Context, int64, Message) error { return errHeld }

// Courier delivers stored mail through a Transport: the work of the mail
// delivery job. It is safe for concurrent use.
type Courier struct {
	d   *db.DB
	t   Transport
	now func() time.Time
	log *slog.Logger
}

// NewCourier returns a Courier that delivers the mail in d through t. now
// stamps the rows and times the claims.
func NewCourier(d *db.DB, t Transport, now func() time.Time, log *slog.Logger) *Courier {
	return &Courier{d: d, t: t, now: now, log: log}
}

// Deliver delivers outbox mail id once. It first claims the mail (queued →
// sending, with a random claim, committed on its own so the database is not
// held while the server talks); a mail that is already sent, failed or held
// is left alone and Deliver returns nil, so running the job twice never
// sends twice. Then:
//
//   - accepted by the server: Sent, nil;
//   - Hold: Held, nil;
//   - refused for good (or the stored mail no longer validates): Failed,
//     and an error wrapping ErrUndeliverable;
//   - any other failure: Queued again for the next attempt, or Failed when
//     final (the job's last attempt), and the error.
//
// Every outcome counts one attempt (Held none) and keeps the server's
// error, without the recipient, as LastError. A mail claimed by another run
// less than ClaimLease ago returns an error wrapping ErrInProgress.
//
// The one duplicate it cannot rule out: the process dies after the server
// accepted the mail and before Sent is written. The claim then lapses and
// the mail is sent again, with the same Message-ID (see SMTP).
func (c *Courier) Deliver(ctx context.Context, id int64, final bool) error {
	claim := rand.Text()
	now := c.now().UTC()
	ok, err := claimMail(ctx, c.d.Write(), id, claim, now, now.Add(-ClaimLease))
	if err != nil {
		return fmt.Errorf("deliver mail %d: %w", id, err)
	}
	if !ok {
		m, err := mailByID(ctx, c.d.Read(), id)
		if err != nil {
			return fmt.Errorf("deliver mail %d: %w", id, err)
		}
		if m.Status == Sending {
			return fmt.Errorf("deliver mail %d: %w", id, ErrInProgress)
		}
		return nil // sent, failed or held: done before
	}
	m, err := mailByID(ctx, c.d.Write(), id)
	if err != nil {
		return fmt.Errorf("deliver mail %d: %w", id, err)
	}
	msg := Message{To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, Headers: m.Headers}
	sendErr := msg.Validate()
	if sendErr != nil {
		sendErr = fmt.Errorf("deliver mail %d: stored message no longer valid (%w): %w", id, sendErr, ErrUndeliverable)
	} else {
		sendErr = c.t.Deliver(ctx, id, msg)
	}
	// Record the outcome even when ctx ended during the delivery.
	rec := context.WithoutCancel(ctx)
	done := c.now().UTC()
	switch {
	case sendErr == nil:
		if err := markSent(rec, c.d.Write(), id, claim, done); err != nil {
			return err
		}
		c.log.InfoContext(ctx, "mail sent", "mail_id", id, "attempts", m.Attempts+1)
		return nil
	case errors.Is(sendErr, errHeld):
		return markHeld(rec, c.d.Write(), id, claim, done)
	}
	to := Queued
	if final || errors.Is(sendErr, ErrUndeliverable) {
		to = Failed
	}
	cause := redact(sendErr.Error(), m.To)
	if err := markAttempt(rec, c.d.Write(), id, claim, to, cause, done); err != nil {
		return errors.Join(sendErr, err)
	}
	return sendErr
}
