package promotion

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

// MaxGradeName is the most characters of a grade's name.
const MaxGradeName = 30

// GradeChange is what staff edit of a grade: its name, the points earned
// per 1,000 won paid, the spending that reaches it and its discount in
// percent (0–pricing.MaxGradeDiscountPercent).
type GradeChange struct {
	Name            string
	EarnPermille    int
	MinSpend        int64
	DiscountPercent int
}

// UpdateGrade changes the grade with code, recording "grade.changed" for by,
// with the values before and after, in the audit log in the same
// transaction. It returns *fault.Invalid naming each bad field ("name",
// "earn_permille", "discount_percent", "min_spend": the lowest grade's must be 0, and each
// grade's must lie strictly between those of the grades below and above it,
// so the order of the grades stays their order of spending) and
// fault.ErrNotFound for an unknown code. The new rate applies to the next
// order; this node forgets its cached grades at once, others within CacheFor.
func (s *Service) UpdateGrade(ctx context.Context, by audit.Actor, code string, in GradeChange) (Grade, error) {
	in.Name = strings.TrimSpace(in.Name)
	var out Grade
	err := s.d.InTx(ctx, func(q db.Querier) error {
		gs, err := allGrades(ctx, q)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(gs, func(g Grade) bool { return g.Code == code })
		if i < 0 {
			return fmt.Errorf("grade %q: %w", code, fault.ErrNotFound)
		}
		if err := checkGrade(in, gs, i); err != nil {
			return err
		}
		before := gs[i]
		if before.Name == in.Name && before.EarnPermille == in.EarnPermille && before.MinSpend == in.MinSpend &&
			before.DiscountPercent == in.DiscountPercent {
			out = before
			return nil
		}
		now := s.now().UTC()
		if err := updateGrade(ctx, q, before.ID, in, now); err != nil {
			return err
		}
		out = before
		out.Name, out.EarnPermille, out.MinSpend, out.DiscountPercent, out.UpdatedAt = in.Name, in.EarnPermille, in.MinSpend, in.DiscountPercent, now
		return s.audit.Record(ctx, q, by.Entry("grade.changed", "grade", code, map[string]any{
			"from": map[string]any{"name": before.Name, "earn_permille": before.EarnPermille, "min_spend": before.MinSpend,
				"discount_percent": before.DiscountPercent},
			"to": map[string]any{"name": in.Name, "earn_permille": in.EarnPermille, "min_spend": in.MinSpend,
				"discount_percent": in.DiscountPercent}}))
	})
	if err != nil {
		return Grade{}, err
	}
	s.mu.Lock()
	s.rules, s.userGrades = nil, nil
	s.saves++
	s.mu.Unlock()
	return out, nil
}

// checkGrade validates the change of grade i of gs (lowest first).
func checkGrade(in GradeChange, gs []Grade, i int) error {
	v := &fault.Invalid{}
	switch {
	case in.Name == "":
		v.Add("name", "is required")
	case utf8.RuneCountInString(in.Name) > MaxGradeName:
		v.Add("name", fmt.Sprintf("must be at most %d characters", MaxGradeName))
	case strings.ContainsFunc(in.Name, unicode.IsControl):
		v.Add("name", "must not contain line breaks or control characters")
	}
	if in.EarnPermille < 0 || in.EarnPermille > 1000 {
		v.Add("earn_permille", "must be from 0 to 100 percent")
	}
	if in.DiscountPercent < 0 || in.DiscountPercent > pricing.MaxGradeDiscountPercent {
		v.Add("discount_percent", fmt.Sprintf("must be a percentage from 0 to %d", pricing.MaxGradeDiscountPercent))
	}
	switch {
	case in.MinSpend < 0:
		v.Add("min_spend", "must not be negative")
	case in.MinSpend > pricing.MaxAmount:
		v.Add("min_spend", "is too large")
	case i == 0 && in.MinSpend != 0:
		v.Add("min_spend", "must be 0 for the lowest grade")
	case i > 0 && in.MinSpend <= gs[i-1].MinSpend:
		v.Add("min_spend", "must be more than the grade below")
	case i+1 < len(gs) && in.MinSpend >= gs[i+1].MinSpend:
		v.Add("min_spend", "must be less than the grade above")
	}
	return v.Err()
}

// updateGrade stores the change of grade id.
func updateGrade(ctx context.Context, q db.Querier, id int64, in GradeChange, now any) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE member_grades SET name = ?, earn_permille = ?, min_spend = ?, discount_percent = ?,
		updated_at = ? WHERE id = ?`), in.Name, in.EarnPermille, in.MinSpend, in.DiscountPercent, now, id); err != nil {
		return fmt.Errorf("update grade %d: %w", id, err)
	}
	return nil
}
