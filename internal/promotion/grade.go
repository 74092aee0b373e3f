package promotion

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/notify"
)

// PeriodLayout is the layout of an evaluation's period: the month in
// Asia/Seoul, "2026-12".
const PeriodLayout = "2006-01"

// Period returns the month of t in Asia/Seoul as "2026-12": the period the
// evaluation run at t is for.
func Period(t time.Time) string { return t.In(kst.Zone).Format(PeriodLayout) }

// Evaluator is the monthly evaluation of membership grades (PRODUCT.md §9,
// "the last N months"): it sets every customer's grade from what they
// spent, records each change and mails the customer about it. The job
// runner calls EvaluateMonth on the first of each month.
type Evaluator struct {
	s        *Service
	mail     notify.Mailer
	contacts notify.Contacts
	window   func(ctx context.Context) time.Duration
	account  string
	log      *slog.Logger
}

// NewEvaluator returns the evaluation of s's grades. window gives how far
// back orders count, read at every run (the shop's settings); mail and
// contacts send the change notices, which link to accountURL, the absolute
// address of the storefront's account page.
func NewEvaluator(s *Service, mail notify.Mailer, contacts notify.Contacts, window func(ctx context.Context) time.Duration,
	accountURL string, log *slog.Logger) *Evaluator {
	return &Evaluator{s: s, mail: mail, contacts: contacts, window: window, account: accountURL, log: log}
}

// EvaluateMonth sets the grades of period ("2026-12"): each customer gets
// the highest grade whose MinSpend their spending reaches, the lowest grade
// otherwise — also when staff had set a higher one by hand. Spending is
// the sum of the totals of the customer's orders placed within the window
// before the period began (00:00 on its first day in Asia/Seoul) that are
// paid and not cancelled, returned or refunded (paid, preparing, shipped,
// delivered, completed). Deleted accounts are left alone. It returns how
// many customers' grades changed.
//
// Each change is recorded in member_grade_changes (customer, period, from,
// to, what they spent) and mailed (notify.GradeChanged) in the one
// transaction of the run. A customer is changed at most once per period:
// the record's UNIQUE (user_id, period) makes a second run for the same
// month — a retry, another node — change and mail nobody again. A mail that
// cannot be written (no address) is logged and the change stands.
// Errors: *fault.Invalid naming "period" (not a month) or "window" (not
// positive).
func (e *Evaluator) EvaluateMonth(ctx context.Context, period string) (changed int, err error) {
	start, err := time.ParseInLocation(PeriodLayout, period, kst.Zone)
	if err != nil || start.Format(PeriodLayout) != period {
		return 0, &fault.Invalid{Fields: map[string]string{"period": "must be a month: 2026-12"}}
	}
	window := e.window(ctx)
	if window <= 0 {
		return 0, &fault.Invalid{Fields: map[string]string{"window": "must be positive"}}
	}
	s := e.s
	now := s.now().UTC()
	err = s.d.InTx(ctx, func(q db.Querier) error {
		changed = 0
		grades, err := allGrades(ctx, q)
		if err != nil || len(grades) == 0 {
			return err
		}
		byID := make(map[int64]Grade, len(grades))
		for _, g := range grades {
			byID[g.ID] = g
		}
		lowest := grades[0]
		spent, err := spendBetween(ctx, q, start.Add(-window).UTC(), start.UTC())
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
			to := gradeFor(grades, spent[u])
			from := lowest
			if id, ok := assigned[u]; ok {
				from = byID[id]
			}
			if to.ID == from.ID {
				continue
			}
			first, err := recordChange(ctx, q, u, period, from.Code, to.Code, spent[u], now)
			if err != nil {
				return err
			}
			if !first {
				continue // changed by an earlier run for this period
			}
			if to.ID == lowest.ID {
				_, err = unassignGrade(ctx, q, u, lowest.ID)
			} else {
				_, err = assignGrade(ctx, q, u, to.ID, now)
			}
			if err != nil {
				return err
			}
			changed++
			if err := e.tell(ctx, q, u, from, to, start); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("evaluate grades of %s over %s: %w", period, window, err)
	}
	if changed > 0 {
		s.forgetGrades()
	}
	e.log.InfoContext(ctx, "grades evaluated", "period", period, "changed", changed)
	return changed, nil
}

// tell mails customer u, on q, that their grade went from one grade to
// another from month on.
func (e *Evaluator) tell(ctx context.Context, q db.Querier, u int64, from, to Grade, month time.Time) error {
	err := notify.SendToCustomer(ctx, e.mail, q, e.contacts, u, notify.GradeChanged, func(name string) any {
		return notify.GradeData{Name: name, From: from.Name, To: to.Name, Up: to.Position > from.Position,
			Year: month.Year(), MonthNo: int(month.Month()), Earn: Percent(to.EarnPermille), Discount: to.DiscountPercent,
			URL: e.account}
	})
	if errors.Is(err, notify.ErrUnwritable) {
		e.log.ErrorContext(ctx, "grade mail not sent", "user_id", u, "err", err)
		return nil
	}
	return err
}

// Percent formats a rate in permille as a percentage: 15 is "1.5%".
func Percent(permille int) string {
	s := strconv.Itoa(permille / 10)
	if permille%10 != 0 {
		s += "." + strconv.Itoa(permille%10)
	}
	return s + "%"
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

// reasonEvaluation is the reason recorded for the monthly evaluation's
// changes.
const reasonEvaluation = "evaluation"

// GradeDiscount returns the discount, in percent, of customer userID's
// grade (Service.GradeDiscount).
func (e *Evaluator) GradeDiscount(ctx context.Context, userID int64) (int, error) {
	return e.s.GradeDiscount(ctx, userID)
}

// Standing is where a customer stands among the grades: the grade they
// have, what it gives, and how far the next evaluation's window has
// brought them towards the grade above.
type Standing struct {
	Grade Grade
	// Next is the grade above Grade; nil at the top.
	Next *Grade
	// Spent is what the customer has spent so far, in won, within the
	// window the next evaluation will count (the orders the evaluation
	// counts, placed from NextEvaluation − window until now).
	Spent int64
	// ToNext is what is still to spend, in won, for Next at the next
	// evaluation; 0 at the top or once reached.
	ToNext int64
	// NextEvaluation is when the next evaluation counts up to: 00:00 on the
	// first of next month in Asia/Seoul.
	NextEvaluation time.Time
}

// Standing returns customer userID's standing at now: their grade (the
// lowest when none is assigned), the grade above it, and what they spent
// and still have to spend within the window the next monthly evaluation
// counts. A visitor (userID 0) gets fault.ErrUnauthenticated.
func (e *Evaluator) Standing(ctx context.Context, userID int64) (Standing, error) {
	if userID <= 0 {
		return Standing{}, fault.ErrUnauthenticated
	}
	now := e.s.now()
	k := now.In(kst.Zone)
	next := time.Date(k.Year(), k.Month()+1, 1, 0, 0, 0, 0, kst.Zone)
	st := Standing{NextEvaluation: next.UTC()}
	q := e.s.d.Read()
	grades, err := allGrades(ctx, q)
	if err != nil {
		return Standing{}, err
	}
	if len(grades) == 0 {
		return Standing{}, fmt.Errorf("standing of user %d: no grades: %w", userID, fault.ErrNotFound)
	}
	g, ok, err := gradeOfUser(ctx, q, userID)
	if err != nil {
		return Standing{}, err
	}
	if !ok {
		g = grades[0]
	}
	st.Grade = g
	if i := slices.IndexFunc(grades, func(x Grade) bool { return x.ID == g.ID }); i >= 0 && i+1 < len(grades) {
		st.Next = &grades[i+1]
	}
	window := e.window(ctx)
	if window > 0 {
		if st.Spent, err = spentBy(ctx, q, userID, next.Add(-window).UTC(), now.UTC()); err != nil {
			return Standing{}, err
		}
	}
	if st.Next != nil {
		st.ToNext = max(0, st.Next.MinSpend-st.Spent)
	}
	return st, nil
}
