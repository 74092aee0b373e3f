package promotion

import (
	"errors"
	"fmt"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/fault"
)

// Staff edit a grade's name, earn rate and threshold: the next order earns
// at the new rate; a bad value is named and nothing changes.
func TestUpdateGrade(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, code, field string
		in                GradeChange
	}{
		{"no name", "silver", "name", GradeChange{Name: " ", EarnPermille: 20, MinSpend: 300000}},
		{"rate over a hundred percent", "silver", "earn_permille", GradeChange{Name: "실버", EarnPermille: 1001, MinSpend: 300000}},
		{"negative rate", "silver", "earn_permille", GradeChange{Name: "실버", EarnPermille: -1, MinSpend: 300000}},
		{"lowest grade with a threshold", "welcome", "min_spend", GradeChange{Name: "웰컴", EarnPermille: 10, MinSpend: 1000}},
		{"not above the grade below", "gold", "min_spend", GradeChange{Name: "골드", EarnPermille: 30, MinSpend: 300000}},
		{"not below the grade above", "gold", "min_spend", GradeChange{Name: "골드", EarnPermille: 30, MinSpend: 3000000}},
		{"discount over fifty percent", "gold", "discount_percent", GradeChange{Name: "골드", EarnPermille: 30, MinSpend: 1000000, DiscountPercent: 51}},
		{"negative discount", "gold", "discount_percent", GradeChange{Name: "골드", EarnPermille: 30, MinSpend: 1000000, DiscountPercent: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newService(t)
			_, err := s.UpdateGrade(t.Context(), audit.Actor{}, tt.code, tt.in)
			if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[tt.field] == "" {
				t.Fatalf("UpdateGrade = %v, want a message for %s", err, tt.field)
			}
			if es := audittest.Entries(t, s.d, "grade.changed"); len(es) != 0 {
				t.Fatalf("%d entries after a refusal", len(es))
			}
		})
	}

	s, _ := newService(t)
	ctx := t.Context()
	if _, err := s.UpdateGrade(ctx, audit.Actor{}, "platinum", GradeChange{Name: "플래티넘"}); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("unknown grade = %v", err)
	}
	u := customer(t, s.d)
	before, err := s.PointsRules(ctx, u)
	if err != nil || before.EarnPermille != 10 {
		t.Fatalf("rules before = %+v, %v", before, err)
	}
	g, err := s.UpdateGrade(ctx, audit.Actor{Email: "boss@example.com"}, "welcome", GradeChange{Name: "새싹", EarnPermille: 15, MinSpend: 0})
	if err != nil || g.Name != "새싹" || g.EarnPermille != 15 {
		t.Fatalf("UpdateGrade = %+v, %v", g, err)
	}
	if after, err := s.PointsRules(ctx, u); err != nil || after.EarnPermille != 15 {
		t.Fatalf("rules after = %+v, %v; want the new rate at once", after, err)
	}
	es := audittest.Entries(t, s.d, "grade.changed")
	if len(es) != 1 || es[0].ActorEmail != "boss@example.com" || es[0].TargetID != "welcome" {
		t.Fatalf("audit = %+v", es)
	}
}

// A grade's discount rate is edited with the grade; the customer's next
// quote takes it, and the audit entry names it.
func TestUpdateGradeDiscount(t *testing.T) {
	t.Parallel()
	s, _ := newService(t)
	ctx := t.Context()
	u := customer(t, s.d)
	if err := s.SetGrade(ctx, audit.Actor{}, u, "gold"); err != nil {
		t.Fatal(err)
	}
	if p, err := s.GradeDiscount(ctx, u); err != nil || p != 0 {
		t.Fatalf("GradeDiscount before = %d, %v; want 0 (grades start without one)", p, err)
	}
	g, err := s.UpdateGrade(ctx, audit.Actor{Email: "boss@example.com"}, "gold", GradeChange{Name: "골드", EarnPermille: 30, MinSpend: 1000000, DiscountPercent: 5})
	if err != nil || g.DiscountPercent != 5 {
		t.Fatalf("UpdateGrade = %+v, %v", g, err)
	}
	for _, tt := range []struct {
		name string
		user int64
		want int
	}{{"the gold customer", u, 5}, {"a visitor", 0, 0}, {"a welcome customer", customer(t, s.d), 0}} {
		if p, err := s.GradeDiscount(ctx, tt.user); err != nil || p != tt.want {
			t.Errorf("GradeDiscount of %s = %d, %v; want %d", tt.name, p, err, tt.want)
		}
	}
	es := audittest.Entries(t, s.d, "grade.changed")
	if len(es) != 1 || fmt.Sprint(es[0].Detail["to"].(map[string]any)["discount_percent"]) != "5" {
		t.Fatalf("audit = %+v", es)
	}
}
