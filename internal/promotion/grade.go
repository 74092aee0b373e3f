package promotion

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// EvaluateGrades sets every customer's grade from what they spent within
// window before now: the sum of the totals of their orders placed in that
// time that are paid and not cancelled, returned or refunded (paid,
// preparing, shipped, delivered, completed). A customer gets the highest
// grade whose MinSpend the sum reaches, the lowest grade otherwise — also
// when staff had set a higher one by hand. Deleted accounts are left alone.
// It returns how many customers' grades changed.
//
// It is the monthly job (PRODUCT.md §9, "the last N months"): it runs in one
// transaction and writes only grades that differ, so running it twice, or
// on two nodes at once, gives the same grades and the second run changes
// nothing. window must be positive (*fault.Invalid{"window"}).
func (s *Service) EvaluateGrades(ctx context.Context, window time.Duration) (changed int, err error) {
	if window <= 0 {
		return 0, &fault.Invalid{Fields: map[string]string{"window": "must be positive"}}
	}
	now := s.now().UTC()
	err = s.d.InTx(ctx, func(q db.Querier) error {
		changed = 0
		grades, err := allGrades(ctx, q)
		if err != nil || len(grades) == 0 {
			return err
		}
		lowest := grades[0].ID
		spent, err := spendSince(ctx, q, now.Add(-window))
		if err != nil {
			return err
		}
		assigned, err := allAssignments(ctx, q)
		if err != nil {
			return err
		}
		deleted, err := deletedUsers(ctx, q)
		if err != nil {
			return err
		}
		users := make([]int64, 0, len(spent)+len(assigned))
		for u := range spent {
			users = append(users, u)
		}
		for u := range assigned {
			if _, ok := spent[u]; !ok && !deleted[u] {
				users = append(users, u)
			}
		}
		slices.Sort(users) // the same order every run: writes lock rows in one order
		for _, u := range users {
			target := gradeFor(grades, spent[u]).ID
			current, ok := assigned[u]
			if !ok {
				current = lowest
			}
			if target == current {
				continue
			}
			var did bool
			if target == lowest {
				did, err = unassignGrade(ctx, q, u, lowest)
			} else {
				did, err = assignGrade(ctx, q, u, target, now)
			}
			if err != nil {
				return err
			}
			if did {
				changed++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("evaluate grades over %s: %w", window, err)
	}
	if changed > 0 {
		s.forgetGrades()
	}
	return changed, nil
}

// gradeFor returns the highest grade (by position) whose MinSpend spent
// reaches, or the lowest grade when it reaches none. grades is non-empty
// and ordered lowest first.
func gradeFor(grades []Grade, spent int64) Grade {
	g := grades[0]
	for _, c := range grades[1:] {
		if spent >= c.MinSpend {
			g = c
		}
	}
	return g
}
