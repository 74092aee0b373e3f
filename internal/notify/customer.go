package notify

import (
	"context"
	"errors"
	"fmt"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Contacts gives the address and name of a customer, read on q: the
// caller's transaction when the mail goes with a change, so the mail never
// waits for another connection while that transaction holds rows.
type Contacts interface {
	Contact(ctx context.Context, q db.Querier, userID int64) (email, name string, err error)
}

// ErrUnwritable marks a mail that cannot be written: the customer is gone
// or has no address, or the template refused its data. The change the mail
// tells of stands without it; any other error of SendToCustomer is the
// database's and fails the caller's transaction.
var ErrUnwritable = errors.New("mail cannot be made")

// Diverter is a Mailer that may send a customer's notice another way: a
// Kakao 알림톡 (internal/messaging, decision 0067). Divert stores the
// notice tmpl with its rendered data on q and reports true, and then no
// mail is written; false leaves the notice to the mail. Its errors fail
// the caller's transaction.
type Diverter interface {
	Divert(ctx context.Context, q db.Querier, userID int64, tmpl Template, data any) (bool, error)
}

// SendToCustomer renders tmpl with data, given the customer's name, and
// sends it through m on q to customer userID's address, both on q: in the
// transaction of the change it tells of, the mail commits with the change
// or not at all. When m is also a Diverter that takes the notice, it goes
// that way instead of by mail.
func SendToCustomer(ctx context.Context, m Mailer, q db.Querier, c Contacts, userID int64, tmpl Template, data func(name string) any) error {
	email, name, err := c.Contact(ctx, q, userID)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return fmt.Errorf("mail %s: user %d: %w", tmpl, userID, ErrUnwritable)
	case err != nil:
		return fmt.Errorf("mail %s: %w", tmpl, err)
	case email == "":
		return fmt.Errorf("mail %s: user %d has no address: %w", tmpl, userID, ErrUnwritable)
	}
	d := data(name)
	msg, err := m.Render(ctx, tmpl, d)
	if err != nil {
		return fmt.Errorf("mail %s: %w: %w", tmpl, ErrUnwritable, err)
	}
	if dv, ok := m.(Diverter); ok {
		diverted, err := dv.Divert(ctx, q, userID, tmpl, d)
		if err != nil {
			return fmt.Errorf("mail %s: %w", tmpl, err)
		}
		if diverted {
			return nil
		}
	}
	msg.To = email
	if err := m.Send(ctx, q, msg); err != nil {
		return fmt.Errorf("mail %s: %w", tmpl, err)
	}
	return nil
}
