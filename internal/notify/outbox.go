package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// DeliveryQueue enqueues the delivery job of one stored mail inside the
// caller's transaction: q comes from db.InTx, and the job exists if and only
// if that transaction commits. jobs.Queue implements it.
type DeliveryQueue interface {
	EnqueueMailDelivery(ctx context.Context, q db.Querier, mailID int64) error
}

// Shop gives the shop's name as staff set it, read at every mail so a
// change reaches the next one without a restart; the app's live settings
// implement it.
type Shop interface {
	ShopName(ctx context.Context) string
}

// Outbox is the Mailer and the record of every mail: Send stores the
// message, queued, and enqueues its delivery job; List and Get serve the
// back-office page that shows the outbox, which is where a developer opens
// a verification link when no mail server is configured.
type Outbox struct {
	d    *db.DB
	jobs DeliveryQueue
	shop Shop
	now  func() time.Time
}

// NewOutbox returns an Outbox on d whose Send enqueues deliveries on jobs
// and whose Render names the shop as shop says. now stamps the rows.
func NewOutbox(d *db.DB, jobs DeliveryQueue, shop Shop, now func() time.Time) *Outbox {
	if d == nil || jobs == nil || shop == nil || now == nil {
		panic("notify: NewOutbox without every dependency")
	}
	return &Outbox{d: d, jobs: jobs, shop: shop, now: now}
}

// Render renders tmpl with data (see the function Render) under the shop's
// current name.
func (o *Outbox) Render(ctx context.Context, tmpl Template, data any) (Message, error) {
	return Render(o.shop.ShopName(ctx), tmpl, data)
}

// Send validates m, stores it through q with status Queued and enqueues its
// delivery job in the same transaction; see Mailer for what q decides. It
// never contacts a mail server. A bad message returns a *fault.Invalid and
// stores nothing.
func (o *Outbox) Send(ctx context.Context, q db.Querier, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if !db.IsTx(q) {
		// A pool cannot carry the job (and the two must commit together).
		return o.d.InTx(ctx, func(tx db.Querier) error { return o.send(ctx, tx, m) })
	}
	return o.send(ctx, q, m)
}

func (o *Outbox) send(ctx context.Context, q db.Querier, m Message) error {
	id, err := insertMail(ctx, q, m, o.now().UTC())
	if err != nil {
		return fmt.Errorf("store mail: %w", err)
	}
	if err := o.jobs.EnqueueMailDelivery(ctx, q, id); err != nil {
		return fmt.Errorf("store mail %d: %w", id, err)
	}
	return nil
}

// MaxPage is the most mails List returns at once.
const MaxPage = 200

// List returns up to limit mails of the outbox table, newest first, after
// skipping offset of them. limit is clamped to 1..MaxPage and a negative
// offset counts as 0.
func (o *Outbox) List(ctx context.Context, limit, offset int) ([]Mail, error) {
	limit = min(max(limit, 1), MaxPage)
	offset = max(offset, 0)
	return listMails(ctx, o.d.Read(), limit, offset)
}

// Get returns the mail with the given id, or fault.ErrNotFound.
func (o *Outbox) Get(ctx context.Context, id int64) (Mail, error) {
	return mailByID(ctx, o.d.Read(), id)
}
