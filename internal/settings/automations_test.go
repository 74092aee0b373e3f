package settings_test

import (
	"fmt"
	"testing"

	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
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
