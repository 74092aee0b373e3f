package shipping

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

func newService(t *testing.T) (*Service, *fake.Clock) {
	t.Helper()
	c := fake.NewClock(time.Date(2025, 3, 1, 1, 0, 0, 0, time.UTC))
	d := dbtest.New(t)
	return New(d, audit.New(d, c.Now), c.Now), c
}

func TestRules(t *testing.T) {
	t.Parallel()
	custom := pricing.ShippingRules{BaseFee: 2500, FreeOver: 30000, PerSeller: false, Remote: []pricing.RemoteArea{
		{Name: "울릉도", From: "40200", To: "40240", Surcharge: 6000},
		{Name: "제주", From: "63000", To: "63644", Surcharge: 4000},
	}}
	tests := []struct {
		name string
		save []pricing.ShippingRules
		want pricing.ShippingRules
	}{
		{"nothing saved: defaults", nil, Defaults()},
		{"saved rules, areas in the order given", []pricing.ShippingRules{custom}, custom},
		{"saved again: replaced", []pricing.ShippingRules{Defaults(), custom}, custom},
		{"no areas means none, not the defaults", []pricing.ShippingRules{custom, {BaseFee: 0, FreeOver: 0, PerSeller: true}},
			pricing.ShippingRules{PerSeller: true, Remote: []pricing.RemoteArea{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newService(t)
			ctx := context.Background()
			for _, r := range tt.save {
				if err := s.SetRules(ctx, audittest.Staff, r); err != nil {
					t.Fatalf("SetRules: %v", err)
				}
			}
			got, err := s.Rules(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Rules = %+v, want %+v", got, tt.want)
			}
			// A new service reads the same from the database.
			again, err := New(s.d, s.audit, time.Now).Rules(ctx)
			if err != nil || !reflect.DeepEqual(again, tt.want) {
				t.Fatalf("Rules from the database = %+v, %v; want %+v", again, err, tt.want)
			}
		})
	}
}

func TestSetRulesInvalid(t *testing.T) {
	t.Parallel()
	jeju := pricing.RemoteArea{Name: "제주", From: "63000", To: "63644", Surcharge: 3000}
	tests := []struct {
		name  string
		r     pricing.ShippingRules
		field string
	}{
		{"negative fee", pricing.ShippingRules{BaseFee: -1}, "base_fee"},
		{"negative free-over", pricing.ShippingRules{FreeOver: -100}, "free_over"},
		{"negative surcharge", pricing.ShippingRules{Remote: []pricing.RemoteArea{{Name: "제주", From: "63000", To: "63644", Surcharge: -1}}}, "remote[0].surcharge"},
		{"four-digit postcode", pricing.ShippingRules{Remote: []pricing.RemoteArea{{Name: "제주", From: "6300", To: "63644"}}}, "remote[0].from"},
		{"old six-digit postcode", pricing.ShippingRules{Remote: []pricing.RemoteArea{{Name: "제주", From: "63000", To: "690-01"}}}, "remote[0].to"},
		{"from after to", pricing.ShippingRules{Remote: []pricing.RemoteArea{{Name: "제주", From: "63644", To: "63000"}}}, "remote[0].to"},
		{"overlap", pricing.ShippingRules{Remote: []pricing.RemoteArea{jeju, {Name: "우도", From: "63001", To: "63001"}}}, "remote[1].from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newService(t)
			ctx := context.Background()
			err := s.SetRules(ctx, audittest.Staff, tt.r)
			inv, ok := fault.AsInvalid(err)
			if !ok || inv.Fields[tt.field] == "" {
				t.Fatalf("SetRules = %v, want *fault.Invalid for %q", err, tt.field)
			}
			got, err := s.Rules(ctx)
			if err != nil || !reflect.DeepEqual(got, Defaults()) {
				t.Fatalf("after a refused save Rules = %+v, %v; want the defaults", got, err)
			}
		})
	}
}

func TestRulesCache(t *testing.T) {
	t.Parallel()
	s, c := newService(t)
	ctx := context.Background()
	if err := s.SetRules(ctx, audittest.Staff, pricing.ShippingRules{BaseFee: 1000}); err != nil {
		t.Fatal(err)
	}
	fee := func() int64 {
		t.Helper()
		r, err := s.Rules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return r.BaseFee
	}
	if got := fee(); got != 1000 {
		t.Fatalf("fee %d, want 1000", got)
	}
	// Another node saves new rules: this one serves its copy until it expires.
	if err := New(s.d, s.audit, c.Now).SetRules(ctx, audittest.Staff, pricing.ShippingRules{BaseFee: 2000}); err != nil {
		t.Fatal(err)
	}
	if got := fee(); got != 1000 {
		t.Fatalf("fee %d within the cache time, want the cached 1000", got)
	}
	c.Advance(CacheFor)
	if got := fee(); got != 2000 {
		t.Fatalf("fee %d after the cache time, want 2000", got)
	}
	// Saving on this node is seen at once.
	if err := s.SetRules(ctx, audittest.Staff, pricing.ShippingRules{BaseFee: 3500}); err != nil {
		t.Fatal(err)
	}
	if got := fee(); got != 3500 {
		t.Fatalf("fee %d after saving, want 3500", got)
	}
	// The caller's copy is its own.
	r, err := s.Rules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r.Remote = append(r.Remote, pricing.RemoteArea{Name: "x"})
	if again, _ := s.Rules(ctx); len(again.Remote) != 0 {
		t.Fatalf("changing a result changed the cache: %+v", again)
	}
}

func TestCarriers(t *testing.T) {
	t.Parallel()
	s, _ := newService(t)
	ctx := context.Background()
	list, err := s.Carriers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, c := range list {
		codes = append(codes, c.Code)
		if !c.Active || c.Name == "" || !strings.HasPrefix(c.TrackingURLTemplate, "https://") || !strings.Contains(c.TrackingURLTemplate, TrackingPlaceholder) {
			t.Errorf("carrier %+v: want active, named, with an https template holding %s", c, TrackingPlaceholder)
		}
		if _, err := TrackingURL(c, "123456789012"); err != nil {
			t.Errorf("TrackingURL(%s) = %v", c.Code, err)
		}
	}
	if want := []string{"cj", "hanjin", "lotte", "epost", "logen"}; !reflect.DeepEqual(codes, want) {
		t.Fatalf("carriers %v, want %v", codes, want)
	}

	if _, err := s.d.Write().ExecContext(ctx, `UPDATE carriers SET active = FALSE WHERE code = 'lotte'`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		code     string
		wantName string
		active   bool
		err      error
	}{
		{"cj", "CJ대한통운", true, nil},
		{"epost", "우체국택배", true, nil},
		{"lotte", "롯데택배", false, nil},
		{"dhl", "", false, fault.ErrNotFound},
		{"", "", false, fault.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			c, err := s.Carrier(ctx, tt.code)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Carrier(%q) = %v, want %v", tt.code, err, tt.err)
			}
			if c.Name != tt.wantName || c.Active != tt.active {
				t.Fatalf("Carrier(%q) = %+v, want %s, active %v", tt.code, c, tt.wantName, tt.active)
			}
		})
	}
	list, err = s.Carriers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.Code == "lotte" {
			t.Fatalf("Carriers lists the inactive carrier %+v", c)
		}
	}
	if len(list) != 4 {
		t.Fatalf("%d active carriers, want 4", len(list))
	}
}

// A save and its audit entry commit together: with the audit log refusing
// entries the rules before stay; saving the rules in force records nothing.
func TestSetRulesAudited(t *testing.T) {
	t.Parallel()
	s, _ := newService(t)
	ctx := context.Background()
	custom := pricing.ShippingRules{BaseFee: 2500, FreeOver: 30000, Remote: []pricing.RemoteArea{}}
	if err := s.SetRules(ctx, audittest.Staff, Defaults()); err != nil {
		t.Fatal(err)
	}
	if es := audittest.Entries(t, s.d, ""); len(es) != 0 {
		t.Fatalf("saving the rules in force recorded %+v", es)
	}
	if err := s.SetRules(ctx, audittest.Staff, custom); err != nil {
		t.Fatal(err)
	}
	es := audittest.Entries(t, s.d, "shipping.rules_saved")
	if len(es) != 1 || es[0].TargetType != "settings" || es[0].TargetID != "shipping" || es[0].ActorEmail != audittest.Staff.Email {
		t.Fatalf("entries = %+v", es)
	}
	from, _ := es[0].Detail["from"].(map[string]any)
	to, _ := es[0].Detail["to"].(map[string]any)
	if fmt.Sprint(from["base_fee"]) != "3000" || fmt.Sprint(to["base_fee"]) != "2500" || fmt.Sprint(to["remote_areas"]) != "0" {
		t.Fatalf("detail = %+v", es[0].Detail)
	}
	if err := s.SetRules(ctx, audittest.Staff, custom); err != nil {
		t.Fatal(err)
	}
	if n := len(audittest.Entries(t, s.d, "")); n != 1 {
		t.Fatalf("saving the same rules again: %d entries", n)
	}

	audittest.Refuse(t, s.d)
	if err := s.SetRules(ctx, audittest.Staff, Defaults()); err == nil {
		t.Fatal("SetRules with the audit log refusing succeeded")
	}
	if got, err := loadRules(ctx, s.d.Read()); err != nil || !reflect.DeepEqual(got, custom) {
		t.Fatalf("rules after the refused save = %+v, %v; want %+v", got, err, custom)
	}
}
