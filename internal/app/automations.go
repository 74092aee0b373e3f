package app

import (
	"context"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/automation"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/jobs"
)

// automationsEvery is how often the automations look for mail to send: a
// cart reminder or a report goes out up to this late.
const automationsEvery = 15 * time.Minute

// wireAutomations builds the automations (their mails read the settings at
// each run) and the unsubscribe links their marketing mail carries.
func (a *App) wireAutomations() {
	a.unsubscribe = automation.NewUnsubscribe(crypt.Derive(a.cfg.SecretKey, "mallang unsubscribe links"), a.cfg.BaseURL)
	a.automations = automation.New(automation.Deps{DB: a.DB, Mailer: a.acc.outbox, Contacts: a.Accounts,
		Sales: a.acc.stats, Coupons: a.acc.coupons, Policies: automationPolicy{a}, Now: a.now, BaseURL: a.cfg.BaseURL,
		Unsubscribe: a.unsubscribe.Link, Accounts: a.Accounts, Log: a.log})
}

// tasks are the scheduled jobs the runner starts: the automations, and the
// review requests (once per delivered line, decision 0064) hourly.
func (a *App) tasks() []jobs.Task {
	return []jobs.Task{
		{Name: "automations", Every: automationsEvery, Run: a.automations.RunAll},
		{Name: "review requests", Every: time.Hour, Run: func(ctx context.Context) error {
			n, err := a.acc.reviews.Request(ctx)
			if n > 0 {
				a.log.InfoContext(ctx, "review requests mailed", "mails", n)
			}
			return err
		}},
	}
}

// Automations is the shop's automatic mail, for tools and tests.
func (a *App) Automations() *automation.Service { return a.automations }

// Unsubscribe is the unsubscribe links' maker, for tests.
func (a *App) Unsubscribe() *automation.Unsubscribe { return a.unsubscribe }

// automationPolicy reads the automations' policy from the live settings.
type automationPolicy struct{ a *App }

func (p automationPolicy) Automations(ctx context.Context) automation.Policy {
	cur := p.a.live.s.Current(ctx)
	st, dm := cur.Automations, cur.Dormancy
	return automation.Policy{CartReminder: st.CartReminder, CartAfter: time.Duration(st.CartHours) * time.Hour,
		PointsNotice: st.PointsNotice, PointsDays: st.PointsDays, ConfirmReminder: st.ConfirmReminder, ConfirmDays: st.ConfirmDays,
		DailyReport: st.DailyReport, ReportHour: st.ReportHour, ReportTo: st.ReportTo,
		BirthdayCoupon: st.BirthdayCoupon, BirthdayValidDays: st.BirthdayValidDays, BirthdayDaysBefore: st.BirthdayDaysBefore,
		Birthday: coupon.Grant{Kind: st.BirthdayKind, Amount: st.BirthdayAmount, MaxDiscount: st.BirthdayMaxDiscount, MinOrder: st.BirthdayMinOrder},

		Dormancy: dm.On, DormancyMonths: dm.Months, DormancyChangedAt: dm.ChangedAt}
}

// unsubscriber ends the consent an unsubscribe link names.
type unsubscriber struct {
	links    *automation.Unsubscribe
	accounts *account.Service
}

func (u unsubscriber) Check(id, token string) (int64, bool) { return u.links.Check(id, token) }

func (u unsubscriber) Withdraw(ctx context.Context, userID int64) (bool, error) {
	return u.accounts.WithdrawMarketing(ctx, userID)
}
