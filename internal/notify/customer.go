package notify

import (
	"context"
	"fmt"

	"github.com/mallang/mallang/internal/db"
)

// Contacts gives the address and name of a customer.
type Contacts interface {
	Contact(ctx context.Context, userID int64) (email, name string, err error)
}

// SendToCustomer renders tmpl with data, given the customer's name, and
// sends it through m on q to customer userID's address. A customer without
// an address is an error like any other; callers whose change stands
// without its mail log it.
func SendToCustomer(ctx context.Context, m Mailer, q db.Querier, c Contacts, userID int64, tmpl Template, data func(name string) any) error {
	email, name, err := c.Contact(ctx, userID)
	if err == nil && email == "" {
		err = fmt.Errorf("user %d has no address", userID)
	}
	if err != nil {
		return fmt.Errorf("mail %s: %w", tmpl, err)
	}
	msg, err := Render(tmpl, data(name))
	if err != nil {
		return fmt.Errorf("mail %s: %w", tmpl, err)
	}
	msg.To = email
	if err := m.Send(ctx, q, msg); err != nil {
		return fmt.Errorf("mail %s: %w", tmpl, err)
	}
	return nil
}
