package automation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/notify"
)

// Coupons issues a customer's own coupon on the caller's transaction;
// *coupon.Service implements it.
type Coupons interface {
	Issue(ctx context.Context, q db.Querier, by audit.Actor, userID int64, g coupon.Grant) (coupon.Coupon, error)
}

// BirthdayCouponName is the name the birthday coupon is issued under.
const BirthdayCouponName = "생일 축하 쿠폰"

// BirthdayOn is the day in year a birthday of month and day is kept: the
// day itself, and 2월 28일 for 2월 29일 in a year without it.
func BirthdayOn(year int, month time.Month, day int) time.Time {
	if month == time.February && day == 29 && time.Date(year, time.March, 0, 0, 0, 0, 0, kst.Zone).Day() == 28 {
		day = 28
	}
	return time.Date(year, month, day, 0, 0, 0, 0, kst.Zone)
}

// birthdayCoupons gives each customer whose birthday (kept as BirthdayOn
// says) falls within BirthdayDaysBefore days from today (Korea) a coupon
// once per customer and year, and tells those who agreed to marketing
// mail. The coupon and its mail are one transaction with the row of
// automation_sends, so the automation runs only in the hours marketing
// mail may go, the coupons too.
func (s *Service) birthdayCoupons(ctx context.Context, p Policy, now time.Time) (int, error) {
	if !MarketingHours(now) {
		return 0, nil
	}
	k := now.In(kst.Zone)
	today := time.Date(k.Year(), k.Month(), k.Day(), 0, 0, 0, 0, kst.Zone)
	last := today.AddDate(0, 0, p.BirthdayDaysBefore)
	var days []any
	for d := today; !d.After(last); d = d.AddDate(0, 0, 1) {
		days = append(days, int(d.Month())*100+d.Day())
		if d.Month() == time.February && d.Day() == 28 && BirthdayOn(d.Year(), time.February, 29).Day() == 28 {
			days = append(days, 229)
		}
	}
	var users []struct {
		ID    int64 `db:"id"`
		Month int   `db:"birth_month"`
		Day   int   `db:"birth_day"`
	}
	r := s.deps.DB.Read()
	// A customer given a coupon within the window is skipped here; the key
	// of automation_sends is what makes it once.
	args := append([]any{string(BirthdayCoupon), now.AddDate(0, 0, -(p.BirthdayDaysBefore + 2))}, days...)
	args = append(args, batch)
	err := r.SelectContext(ctx, &users, r.Rebind(`SELECT u.id, u.birth_month, u.birth_day FROM users u
		WHERE u.birth_month IS NOT NULL AND u.active = TRUE AND u.role = 'customer' AND u.deleted_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM automation_sends s WHERE s.kind = ? AND s.user_id = u.id AND s.sent_at > ?)
			AND u.birth_month * 100 + u.birth_day IN (?`+strings.Repeat(", ?", len(days)-1)+`)
		ORDER BY u.id LIMIT ?`), args...)
	if err != nil {
		return 0, fmt.Errorf("find birthdays: %w", err)
	}
	// The coupon can be used until the end of its last day in Korea.
	ends := today.AddDate(0, 0, p.BirthdayValidDays)
	n := 0
	for _, u := range users {
		year := 0
		for _, y := range []int{today.Year(), today.Year() + 1} {
			if b := BirthdayOn(y, time.Month(u.Month), u.Day); !b.Before(today) && !b.After(last) {
				year = y
				break
			}
		}
		if year == 0 {
			continue
		}
		subject := "birthday:" + strconv.FormatInt(u.ID, 10) + ":" + strconv.Itoa(year)
		sent, err := s.sendOnce(ctx, BirthdayCoupon, subject, u.ID, func(q db.Querier) error {
			g := p.Birthday
			g.Name, g.EndsAt, g.Prefix = BirthdayCouponName, ends.UTC(), "BDAY"
			c, err := s.deps.Coupons.Issue(ctx, q, audit.Actor{}, u.ID, g)
			if err != nil {
				return err
			}
			var consent int
			if err := q.GetContext(ctx, &consent, q.Rebind(`SELECT COUNT(*) FROM users WHERE id = ? AND marketing_consent_at IS NOT NULL`), u.ID); err != nil {
				return fmt.Errorf("read consent: %w", err)
			}
			if consent == 0 {
				return nil // the coupon is theirs; no advertising without consent
			}
			err = notify.SendToCustomer(ctx, s.deps.Mailer, q, s.deps.Contacts, u.ID, notify.BirthdayCoupon, func(name string) any {
				return notify.BirthdayCouponData{Name: name, Code: c.Code, Percent: c.Kind == coupon.KindPercent, Amount: c.Amount,
					MaxDiscount: c.MaxDiscount, MinOrder: c.MinOrder, Until: ends.AddDate(0, 0, -1), URL: s.deps.BaseURL + "/",
					Unsubscribe: s.deps.Unsubscribe(u.ID)}
			})
			if errors.Is(err, notify.ErrUnwritable) {
				// A mail that cannot be written keeps the coupon.
				s.deps.Log.WarnContext(ctx, "birthday coupon mail not sent", "user_id", u.ID, "err", err)
				return nil
			}
			return err
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
