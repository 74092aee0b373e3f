package app

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/settings"
)

// settingsCheckEvery is how long a node trusts its cached settings before
// it asks the database whether another node changed them (one query of
// one integer; decision 0048).
const settingsCheckEvery = 2 * time.Second

// live reads the shop's settings for the services that follow them at
// every use (order: the confirm-after days, payment: accounts, deadline and
// methods switched off, returns: the fee). Its settings service is set by
// wireSettings, after the payment service it needs the methods of and
// before any request.
type live struct{ s *settings.Service }

// ConfirmAfter implements order.Terms.
func (l *live) ConfirmAfter(ctx context.Context) time.Duration {
	return time.Duration(l.s.Current(ctx).ConfirmDays) * 24 * time.Hour
}

// gradeWindow is how many days of orders the monthly grade evaluation
// counts.
func (l *live) gradeWindow(ctx context.Context) time.Duration {
	return time.Duration(l.s.Current(ctx).GradeWindowDays) * 24 * time.Hour
}

// ShopName implements notify.Shop and twofactor.Issuer: mails and
// authenticator apps name the shop as staff last set it.
func (l *live) ShopName(ctx context.Context) string { return l.s.Current(ctx).ShopName }

// InUse implements media.Referrer: the settings' logo is in use. The
// uploads are wired before the settings service, which the sweep reaches
// through l.
func (l *live) InUse(ctx context.Context, keys []string) ([]string, error) {
	return l.s.InUse(ctx, keys)
}

// ReturnFee implements returns.Fees.
func (l *live) ReturnFee(ctx context.Context) int64 { return l.s.Current(ctx).ReturnFee }

// PaymentTerms implements payment.TermsSource.
func (l *live) PaymentTerms(ctx context.Context) payment.Terms {
	st := l.s.Current(ctx)
	b := st.Bank()
	return payment.Terms{Bank: payment.BankAccount{Bank: b.Bank, Account: b.Account, Holder: b.Holder},
		DepositWithin: time.Duration(st.DepositHours) * time.Hour, Off: st.PaymentsOff}
}

// LegalInForce implements account.LegalVersions.
func (l *live) LegalInForce(ctx context.Context) (terms, privacy int64, err error) {
	vs, err := l.s.CurrentVersions(ctx)
	if err != nil {
		return 0, 0, err
	}
	return vs[settings.Terms], vs[settings.Privacy], nil
}

// wireSettings builds the settings service and, on a shop's first start,
// stores the environment's values as the initial settings: from then on
// the back office decides (docs/configuration.md names the variables).
func (a *App) wireSettings(ctx context.Context) error {
	s := settings.NewService(a.DB, a.acc.audit, settings.Config{CheckEvery: settingsCheckEvery,
		Methods: a.acc.payments.AllMethods()}, a.now, a.log)
	if err := s.Init(ctx, a.initialSettings()); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	a.live.s = s
	return nil
}

// initialSettings are the settings a new shop starts with, from the
// configuration.
func (a *App) initialSettings() settings.Settings {
	cfg := a.cfg
	st := settings.Settings{ShopName: ShopName, DepositHours: int(cfg.Payments.DepositWithin / time.Hour),
		ConfirmDays: int(cfg.OrderConfirmAfter / (24 * time.Hour)), ReturnFee: cfg.ReturnFee, GradeWindowDays: 90,
		Attendance:  settings.Attendance{On: true, Points: 10, StreakDays: 7, StreakBonus: 100},
		Automations: settings.DefaultAutomations(),
		Dormancy:    settings.DefaultDormancy(),
		Reviews:     settings.Reviews{TextPoints: 100, PhotoPoints: 500, RequestAfterDays: 7}}
	if cfg.Payments.BankAccount != "" {
		st.BankAccounts = []settings.BankAccount{{Bank: cfg.Payments.BankName, Account: cfg.Payments.BankAccount,
			Holder: cfg.Payments.BankHolder}}
	}
	return st
}

// Settings is the shop's settings and legal documents.
func (a *App) Settings() *settings.Service { return a.live.s }
