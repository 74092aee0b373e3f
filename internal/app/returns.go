package app

import (
	"net/mail"

	"github.com/mallang/mallang/internal/returns"
)

// wireReturns builds the returns service on the order and payment services.
// The staff's notices go to MALLANG_STAFF_EMAIL, or else to the address
// mail is sent from, which a small shop reads anyway.
func (a *App) wireReturns() {
	s := a.acc
	staff := a.staffEmail()
	s.returns = returns.NewService(a.DB, returns.Deps{Orders: s.orders, Payments: s.payments, Media: a.Media,
		Carriers: s.shipping, Audit: s.audit, Keyring: s.keyring, Mailer: s.outbox, Customers: a.Accounts},
		returns.Config{Fee: a.cfg.ReturnFee, BaseURL: a.cfg.BaseURL, AdminURL: a.cfg.BaseURL + a.cfg.AdminPath, StaffEmail: staff, Fees: a.live},
		a.now, a.log)
}

// staffEmail is where the staff's notices go: MALLANG_STAFF_EMAIL, or else
// the address mail is sent from.
func (a *App) staffEmail() string {
	if a.cfg.StaffEmail != "" {
		return a.cfg.StaffEmail
	}
	if addr, err := mail.ParseAddress(a.cfg.SMTP.From); err == nil {
		return addr.Address
	}
	return ""
}

// Returns is the returns service, for tools and tests.
func (a *App) Returns() *returns.Service { return a.acc.returns }
