package settings_test

import (
	"fmt"
	"testing"

	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/settings"
)

// A change of any automation field, the addresses included, is audited
// by the group's name; the same addresses in another slice are no change.
func TestAutomationChangesAreAudited(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*settings.Automations)
		want   bool
	}{
		{"hours", func(a *settings.Automations) { a.CartHours = 48 }, true},
		{"switch", func(a *settings.Automations) { a.DailyReport, a.ReportTo = true, []string{"boss@example.com"} }, true},
		{"birthday coupon", func(a *settings.Automations) {
			a.BirthdayCoupon, a.BirthdayKind, a.BirthdayAmount, a.BirthdayValidDays = true, "fixed", 3000, 30
		}, true},
		{"birthday days before", func(a *settings.Automations) { a.BirthdayDaysBefore = 3 }, true},
		{"nothing", func(*settings.Automations) {}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			s := newService(t, d, fake.NewClock(start), 0)
			form := s.Current(t.Context())
			form.ReturnFee++ // something changes, so the change is audited
			tt.change(&form.Automations)
			if _, err := s.Update(t.Context(), staff, form); err != nil {
				t.Fatal(err)
			}
			es := audittest.Entries(t, d, "settings.changed")
			if len(es) != 1 {
				t.Fatalf("%d audit entries", len(es))
			}
			if got := fmt.Sprint(es[0].Detail["changed"]); (got != "[return_fee]") != tt.want {
				t.Fatalf("changed = %s, automations changed: %v", got, tt.want)
			}
		})
	}
}

// The birthday coupon's terms are checked when it is on, and a shop whose
// settings predate it reads it as off.
func TestBirthdayCouponTerms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*settings.Automations)
		field  string // "" when accepted
	}{
		{"fixed", func(a *settings.Automations) {
			a.BirthdayCoupon, a.BirthdayKind, a.BirthdayAmount = true, "fixed", 5000
		}, ""},
		{"percent", func(a *settings.Automations) {
			a.BirthdayCoupon, a.BirthdayKind, a.BirthdayAmount, a.BirthdayMaxDiscount = true, "percent", 10, 5000
		}, ""},
		{"percent over 100", func(a *settings.Automations) {
			a.BirthdayCoupon, a.BirthdayKind, a.BirthdayAmount = true, "percent", 101
		}, "birthday_amount"},
		{"no amount", func(a *settings.Automations) { a.BirthdayCoupon, a.BirthdayAmount = true, 0 }, "birthday_amount"},
		{"unknown kind", func(a *settings.Automations) { a.BirthdayCoupon, a.BirthdayKind = true, "free" }, "birthday_kind"},
		{"no validity", func(a *settings.Automations) { a.BirthdayCoupon, a.BirthdayValidDays = true, 0 }, "birthday_valid_days"},
		{"a year and a day", func(a *settings.Automations) { a.BirthdayValidDays = 366 }, "birthday_valid_days"},
		{"too early", func(a *settings.Automations) { a.BirthdayDaysBefore = 31 }, "birthday_days_before"},
		{"on the day", func(a *settings.Automations) { a.BirthdayCoupon, a.BirthdayDaysBefore = true, 0 }, ""},
		{"negative minimum", func(a *settings.Automations) { a.BirthdayMinOrder = -1 }, "birthday_min_order"},
		{"never set up", func(a *settings.Automations) {
			a.BirthdayKind, a.BirthdayAmount, a.BirthdayValidDays, a.BirthdayDaysBefore = "", 0, 0, 0
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			s := newService(t, d, fake.NewClock(start), 0)
			form := s.Current(t.Context())
			a := &form.Automations
			a.BirthdayKind, a.BirthdayAmount, a.BirthdayValidDays, a.BirthdayDaysBefore = "fixed", 3000, 30, 7
			tt.change(a)
			_, err := s.Update(t.Context(), staff, form)
			inv, bad := fault.AsInvalid(err)
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("Update = %v", err)
			case tt.field != "" && (!bad || inv.Fields[tt.field] == "" || len(inv.Fields) != 1):
				t.Fatalf("Update = %v, want one message for %s", err, tt.field)
			}
		})
	}
	if a := settings.DefaultAutomations(); a.BirthdayCoupon {
		t.Fatal("a new shop gives birthday coupons before staff decide to")
	}
}
