package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// Outbox is the development Mailer: Send stores the message, queued, and
// delivers nothing. List and Get serve the back-office page that shows the
// outbox, which is where a developer opens a verification link.
type Outbox struct {
	d   *db.DB
	now func() time.Time
}

// NewOutbox returns an Outbox on d. now stamps the rows.
func NewOutbox(d *db.DB, now func() time.Time) *Outbox {
	return &Outbox{d: d, now: now}
}

// Send validates m and stores it through q with status Queued. A bad message
// returns a *fault.Invalid and stores nothing.
func (o *Outbox) Send(ctx context.Context, q db.Querier, m Message) error {
	_, err := queue(ctx, q, m, o.now().UTC())
	return err
}

// queue validates m and stores it through q with status Queued, returning
// its outbox id: the first step of every Mailer. A bad message returns a
// *fault.Invalid and stores nothing.
func queue(ctx context.Context, q db.Querier, m Message, now time.Time) (int64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	id, err := insertMail(ctx, q, m, now)
	if err != nil {
		return 0, fmt.Errorf("store mail: %w", err)
	}
	return id, nil
}

// MaxPage is the most mails List returns at once.
const MaxPage = 200

// List returns up to limit mails of the outbox table, newest first, after
// skipping offset of them. It reads every mail, whichever Mailer stored it.
// limit is clamped to 1..MaxPage and a negative offset counts as 0.
func (o *Outbox) List(ctx context.Context, limit, offset int) ([]Mail, error) {
	limit = min(max(limit, 1), MaxPage)
	offset = max(offset, 0)
	return listMails(ctx, o.d.Read(), limit, offset)
}

// Get returns the mail with the given id, or fault.ErrNotFound.
func (o *Outbox) Get(ctx context.Context, id int64) (Mail, error) {
	return mailByID(ctx, o.d.Read(), id)
}
