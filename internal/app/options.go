package app

import (
	"context"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/account/social"
	"github.com/mallang/mallang/internal/account/twofactor"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/testpay"
	"github.com/mallang/mallang/internal/promotion"
	"github.com/mallang/mallang/internal/security/honeypot"
	"github.com/mallang/mallang/internal/shipping"
)

// Options replace what NewWith would otherwise take from the configuration
// or the system, so a test can run the whole shop over its own database and
// clock (see internal/app/apptest). The binary passes none.
type Options struct {
	// DB is an open database to use instead of opening cfg.DatabaseURL.
	// NewWith still applies the migrations; Close leaves it open, for its
	// opener to close.
	DB *db.DB
	// Now is the clock of every service, instead of time.Now.
	Now func() time.Time
	// Providers are payment providers enabled after the configured ones.
	// Each must have a name of its own.
	Providers []payment.Provider
	// DemoStep, when set, is called by serve's demo load before each of its
	// steps ("products", "shop", "staff", "pictures", "done"): blocking
	// holds the load there, and an error stops it there as a process
	// stopped at that point would.
	DemoStep func(ctx context.Context, step string) error
	// DemoPool is the number of distinct demo pictures per category; 0
	// means seed.DemoPool (tests draw fewer).
	DemoPool int
}

// Addresses is the address book service.
func (a *App) Addresses() *address.Service { return a.acc.addresses }

// Trap is the honeypot that blocks addresses from every login form.
func (a *App) Trap() *honeypot.Trap { return a.acc.trap }

// TestPay is the built-in test payment provider, or nil when
// MALLANG_TESTPAY is off; tests approve payments with it.
func (a *App) TestPay() *testpay.Provider { return a.testpay }

// Sessions is the store of the storefront's and the back office's sessions.
func (a *App) Sessions() *account.SessionStore { return a.acc.sessions }

// Social is social sign-in.
func (a *App) Social() *social.Service { return a.acc.social }

// Checkout places orders and starts their payment.
func (a *App) Checkout() *checkout.Service { return a.acc.checkout }

// TwoFactor is the staff second factor (authenticator and recovery codes).
func (a *App) TwoFactor() *twofactor.Service { return a.acc.twoFactor }

// Audit is the audit log.
func (a *App) Audit() *audit.Log { return a.acc.audit }

// Outbox is the record of the mail the shop sent.
func (a *App) Outbox() *notify.Outbox { return a.acc.outbox }

// Shipping is the shipping rules and carriers.
func (a *App) Shipping() *shipping.Service { return a.acc.shipping }

// Promotions is gifts with purchase, points settings and membership grades.
func (a *App) Promotions() *promotion.Service { return a.acc.promotions }
