package automation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/notify"
)

// Accounts makes a customer dormant; *account.Service implements it.
type Accounts interface {
	// MakeDormant makes customer userID dormant, in its own transaction,
	// unless they signed in after inactiveSince (or are not a customer,
	// or are dormant already): then it reports false and changes nothing.
	MakeDormant(ctx context.Context, userID int64, inactiveSince time.Time) (bool, error)
}

// NoticeAhead is how long before an account goes dormant its owner is
// told; an account goes dormant no sooner than this after its notice.
const NoticeAhead = 30 * 24 * time.Hour

// The kinds under which the dormancy mails are kept in automation_sends:
// notices keyed by customer and last sign-in (one per dormancy cycle: a
// sign-in starts a new one), policy mails by the change and customer.
const (
	dormancyNotice Kind = "dormancy_notice"
	dormancyPolicy Kind = "dormancy_policy"
)

// eligible is the SQL condition of an account the dormancy policy applies
// to: an active customer's, not deleted, not dormant. Staff, sellers and
// sign-ups never verified are left alone.
const eligible = `u.role = 'customer' AND u.active = TRUE AND u.deleted_at IS NULL AND u.dormant_at IS NULL`

// dormancy runs the dormancy policy: the policy change mail, the notices,
// then the accounts whose day came. It returns the mails sent and accounts
// made dormant.
func (s *Service) dormancy(ctx context.Context, p Policy, now time.Time) (int, error) {
	var errs []error
	n, err := s.dormancyPolicyMails(ctx, p)
	errs = append(errs, err)
	m, err := s.dormancyNotices(ctx, p, now)
	errs = append(errs, err)
	k, err := s.makeDormant(ctx, p, now)
	errs = append(errs, err)
	return n + m + k, errors.Join(errs...)
}

// dormancyPolicyMails tells every member of the shop when the policy
// changed that it became stricter, once per change and member.
func (s *Service) dormancyPolicyMails(ctx context.Context, p Policy) (int, error) {
	if p.DormancyChangedAt.IsZero() {
		return 0, nil
	}
	changed := p.DormancyChangedAt.UTC()
	var users []int64
	r := s.deps.DB.Read()
	err := r.SelectContext(ctx, &users, r.Rebind(`SELECT u.id FROM users u WHERE `+eligible+` AND u.created_at < ?
			AND NOT EXISTS (SELECT 1 FROM automation_sends s WHERE s.kind = ? AND s.user_id = u.id AND s.sent_at >= ?)
		ORDER BY u.id LIMIT ?`), changed, string(dormancyPolicy), changed, batch)
	if err != nil {
		return 0, fmt.Errorf("find members to tell of the dormancy policy: %w", err)
	}
	n := 0
	for _, id := range users {
		subject := "policy:" + changed.Format(time.RFC3339Nano) + ":" + strconv.FormatInt(id, 10)
		sent, err := s.sendOnce(ctx, dormancyPolicy, subject, id, func(q db.Querier) error {
			return s.customerMail(ctx, q, id, false, notify.DormancyPolicy, func(name string) any {
				return notify.DormancyPolicyData{Name: name, Months: p.DormancyMonths, URL: s.deps.BaseURL + "/login"}
			})
		})
		if err != nil {
			return n, err
		}
		if sent {
			n++
		}
	}
	return n, nil
}

// dormancyNotices tells each customer whose last sign-in (or sign-up) is
// within NoticeAhead of the period's end the day their account goes
// dormant: the period's end, or NoticeAhead from now when that is later
// (a policy switched on or shortened gives everyone their 30 days).
func (s *Service) dormancyNotices(ctx context.Context, p Policy, now time.Time) (int, error) {
	due := now.AddDate(0, -p.DormancyMonths, 0).Add(NoticeAhead)
	var rows []struct {
		ID     int64   `db:"id"`
		Active db.Time `db:"active_at"`
	}
	r := s.deps.DB.Read()
	err := r.SelectContext(ctx, &rows, r.Rebind(`SELECT u.id, COALESCE(u.last_login_at, u.created_at) AS active_at FROM users u
		WHERE `+eligible+` AND COALESCE(u.last_login_at, u.created_at) <= ?
			AND NOT EXISTS (SELECT 1 FROM automation_sends s WHERE s.kind = ? AND s.user_id = u.id
				AND s.sent_at > COALESCE(u.last_login_at, u.created_at))
		ORDER BY u.id LIMIT ?`), due, string(dormancyNotice), batch)
	if err != nil {
		return 0, fmt.Errorf("find customers to tell of dormancy: %w", err)
	}
	n := 0
	for _, row := range rows {
		active := time.Time(row.Active).UTC()
		on := active.AddDate(0, p.DormancyMonths, 0)
		if soonest := now.Add(NoticeAhead); on.Before(soonest) {
			on = soonest
		}
		subject := "notice:" + strconv.FormatInt(row.ID, 10) + ":" + active.Format(time.RFC3339Nano)
		sent, err := s.sendOnce(ctx, dormancyNotice, subject, row.ID, func(q db.Querier) error {
			return s.customerMail(ctx, q, row.ID, false, notify.DormancyNotice, func(name string) any {
				return notify.DormancyNoticeData{Name: name, On: on, Months: p.DormancyMonths, URL: s.deps.BaseURL + "/login"}
			})
		})
		if err != nil {
			return n, err
		}
		if sent {
			n++
		}
	}
	return n, nil
}

// makeDormant makes dormant each customer who has not signed in for the
// period and was told at least NoticeAhead ago, in this dormancy cycle.
func (s *Service) makeDormant(ctx context.Context, p Policy, now time.Time) (int, error) {
	since := now.AddDate(0, -p.DormancyMonths, 0)
	var users []int64
	r := s.deps.DB.Read()
	err := r.SelectContext(ctx, &users, r.Rebind(`SELECT u.id FROM users u
		WHERE `+eligible+` AND COALESCE(u.last_login_at, u.created_at) <= ?
			AND EXISTS (SELECT 1 FROM automation_sends s WHERE s.kind = ? AND s.user_id = u.id
				AND s.sent_at > COALESCE(u.last_login_at, u.created_at) AND s.sent_at <= ?)
		ORDER BY u.id LIMIT ?`), since, string(dormancyNotice), now.Add(-NoticeAhead), batch)
	if err != nil {
		return 0, fmt.Errorf("find accounts to make dormant: %w", err)
	}
	n := 0
	for _, id := range users {
		done, err := s.deps.Accounts.MakeDormant(ctx, id, since)
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}
