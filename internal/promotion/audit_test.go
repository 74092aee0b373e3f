package promotion

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/mallang/mallang/internal/audit/audittest"
)

// A change and its audit entry commit together: with the audit log refusing
// entries nothing is created, switched, saved or assigned; a change to what
// is already in force records nothing.
func TestAudited(t *testing.T) {
	t.Parallel()
	s, c := newService(t)
	ctx := t.Context()
	by := audittest.Staff
	p, _ := product(t, s.d, "미니 에코백", "active")
	v := variant(t, s.d, p, 5, true)
	g, err := s.CreateGift(ctx, by, NewGift{Name: "5만 원 이상 에코백", Threshold: 50000, VariantID: v, Quantity: 1, StartsAt: c.Now()})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(g.ID, 10)
	if es := audittest.Entries(t, s.d, "gift.created"); len(es) != 1 || es[0].TargetType != "gift" || es[0].TargetID != id ||
		es[0].ActorEmail != by.Email || es[0].Detail["name"] != "5만 원 이상 에코백" {
		t.Fatalf("created: %+v", es)
	}
	for _, sw := range []struct {
		active, changed bool
		entries         int
	}{{false, true, 1}, {false, false, 1}, {true, true, 2}, {true, false, 2}} {
		got, changed, err := s.SetGiftActive(ctx, by, g.ID, sw.active)
		if err != nil || changed != sw.changed || got.Active != sw.active || got.Name != g.Name {
			t.Fatalf("SetGiftActive(%t) = %+v, %t, %v", sw.active, got, changed, err)
		}
		if n := len(audittest.Entries(t, s.d, "gift.activated")) + len(audittest.Entries(t, s.d, "gift.deactivated")); n != sw.entries {
			t.Fatalf("after SetGiftActive(%t): %d switch entries, want %d", sw.active, n, sw.entries)
		}
	}

	before, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSettings(ctx, by, before); err != nil {
		t.Fatal(err)
	}
	changed := before
	changed.PointsMinSpend = before.PointsMinSpend + 1000
	if err := s.SetSettings(ctx, by, changed); err != nil {
		t.Fatal(err)
	}
	es := audittest.Entries(t, s.d, "points.settings_saved")
	if len(es) != 1 || es[0].TargetType != "settings" || es[0].TargetID != "points" {
		t.Fatalf("settings saved: %+v", es)
	}
	from, _ := es[0].Detail["from"].(map[string]any)
	to, _ := es[0].Detail["to"].(map[string]any)
	if fmt.Sprint(from["points_min_spend"]) != fmt.Sprint(before.PointsMinSpend) || fmt.Sprint(to["points_min_spend"]) != fmt.Sprint(changed.PointsMinSpend) {
		t.Fatalf("settings detail = %+v", es[0].Detail)
	}

	u := customer(t, s.d)
	for _, code := range []string{"welcome", "vip", "vip"} {
		if err := s.SetGrade(ctx, by, u, code); err != nil {
			t.Fatal(err)
		}
	}
	es = audittest.Entries(t, s.d, "grade.assigned")
	if len(es) != 1 || es[0].TargetType != "user" || es[0].TargetID != strconv.FormatInt(u, 10) ||
		es[0].Detail["from"] != "welcome" || es[0].Detail["to"] != "vip" {
		t.Fatalf("grade assigned: %+v", es)
	}

	audittest.Refuse(t, s.d)
	if _, err := s.CreateGift(ctx, by, NewGift{Name: "거절", Threshold: 1000, VariantID: v, Quantity: 1, StartsAt: c.Now()}); err == nil {
		t.Fatal("CreateGift with the audit log refusing succeeded")
	}
	if gs, err := s.ListGifts(ctx, 10, 0); err != nil || len(gs) != 1 {
		t.Fatalf("gift rules after a refused create: %+v, %v", gs, err)
	}
	if _, _, err := s.SetGiftActive(ctx, by, g.ID, false); err == nil {
		t.Fatal("SetGiftActive with the audit log refusing succeeded")
	}
	if got, err := s.Gift(ctx, g.ID); err != nil || !got.Active {
		t.Fatalf("after the refused switch: %+v, %v", got, err)
	}
	if _, sw, err := s.SetGiftActive(ctx, by, g.ID, true); err != nil || sw {
		t.Fatalf("unchanged switch with the audit log refusing = %t, %v", sw, err)
	}
	if err := s.SetSettings(ctx, by, before); err == nil {
		t.Fatal("SetSettings with the audit log refusing succeeded")
	}
	c.Advance(CacheFor)
	if got, err := s.Settings(ctx); err != nil || got != changed {
		t.Fatalf("settings after the refused save = %+v, %v; want %+v", got, err, changed)
	}
	if err := s.SetGrade(ctx, by, u, "gold"); err == nil {
		t.Fatal("SetGrade with the audit log refusing succeeded")
	}
	if gr, err := s.GradeOf(ctx, u); err != nil || gr.Code != "vip" {
		t.Fatalf("grade after the refused assignment = %+v, %v", gr, err)
	}
	if err := s.SetGrade(ctx, by, u, "vip"); err != nil {
		t.Fatalf("assigning the grade held with the audit log refusing = %v", err)
	}
}
