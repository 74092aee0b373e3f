package settings_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/settings"
)

// The dormancy policy: a change is audited by its group's name, a stricter
// one (switched on, shorter) is stamped with its time by the service and a
// looser one keeps the last stamp; whatever the form sends as the stamp is
// ignored; a period out of range is refused naming its field.
func TestDormancyPolicyChanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		from, to    settings.Dormancy
		wantStamp   bool
		wantAudited bool
		wantErr     bool
	}{
		{"switched on", settings.Dormancy{}, settings.Dormancy{On: true, Months: 12}, true, true, false},
		{"shortened", settings.Dormancy{On: true, Months: 12}, settings.Dormancy{On: true, Months: 6}, true, true, false},
		{"lengthened", settings.Dormancy{On: true, Months: 6}, settings.Dormancy{On: true, Months: 12}, false, true, false},
		{"switched off", settings.Dormancy{On: true, Months: 12}, settings.Dormancy{Months: 12}, false, true, false},
		{"unchanged", settings.Dormancy{On: true, Months: 12}, settings.Dormancy{On: true, Months: 12}, false, false, false},
		{"stamp sent by the form", settings.Dormancy{On: true, Months: 12},
			settings.Dormancy{On: true, Months: 12, ChangedAt: start.Add(time.Hour)}, false, false, false},
		{"zero months", settings.Dormancy{}, settings.Dormancy{On: true}, false, false, true},
		{"too long", settings.Dormancy{}, settings.Dormancy{On: true, Months: 61}, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			clock := fake.NewClock(start)
			s := newService(t, d, clock, 0)
			form := s.Current(t.Context())
			form.Dormancy = tt.from
			first, err := s.Update(t.Context(), staff, form)
			if err != nil {
				t.Fatal(err)
			}
			earlier := first.Dormancy.ChangedAt
			clock.Advance(24 * time.Hour)
			first.ReturnFee++ // something changes, so the change is audited
			first.Dormancy = tt.to
			got, err := s.Update(t.Context(), staff, first)
			if tt.wantErr {
				if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["dormancy_months"] == "" {
					t.Fatalf("Update = %v, want dormancy_months refused", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if stamped := got.Dormancy.ChangedAt.Equal(clock.Now().UTC()); stamped != tt.wantStamp {
				t.Fatalf("changed_at = %v, stamped now: %v", got.Dormancy.ChangedAt, tt.wantStamp)
			}
			if !tt.wantStamp && !got.Dormancy.ChangedAt.Equal(earlier) {
				t.Fatalf("changed_at = %v, want the earlier %v kept", got.Dormancy.ChangedAt, earlier)
			}
			if stored := s.Current(t.Context()).Dormancy; !stored.ChangedAt.Equal(got.Dormancy.ChangedAt) {
				t.Fatalf("stored changed_at %v, returned %v", stored.ChangedAt, got.Dormancy.ChangedAt)
			}
			es := audittest.Entries(t, d, "settings.changed")
			audited := fmt.Sprint(es[0].Detail["changed"]) != "[return_fee]"
			if audited != tt.wantAudited {
				t.Fatalf("changed = %v, dormancy audited: %v", es[0].Detail["changed"], tt.wantAudited)
			}
		})
	}
}

// A shop whose settings were stored before the policy existed reads it as
// off; a new shop's default is on with 12 months.
func TestDormancyDefaults(t *testing.T) {
	t.Parallel()
	s := newService(t, dbtest.New(t), fake.NewClock(start), 0)
	if got := s.Current(t.Context()).Dormancy; got.On {
		t.Fatalf("stored without the group: %+v, want off", got)
	}
	if got := settings.DefaultDormancy(); !got.On || got.Months != 12 {
		t.Fatalf("default = %+v, want on with 12 months", got)
	}
}
