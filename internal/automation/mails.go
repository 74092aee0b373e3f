package automation

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/stats"
)

// Marketing mail goes out between these hours in Korea only: sending
// advertising between 21:00 and 08:00 needs a consent of its own
// (정보통신망법 제50조), which the shop does not ask for.
const (
	marketingFrom  = 8
	marketingUntil = 21
)

// MarketingHours tells whether t falls in the hours marketing mail may go.
func MarketingHours(t time.Time) bool {
	h := t.In(kst.Zone).Hour()
	return h >= marketingFrom && h < marketingUntil
}

// cartWindow is how far back a cart counts as left behind: a cart untouched
// for longer is not worth a reminder.
const cartWindow = 7 * 24 * time.Hour

// remindCarts mails each customer who agreed to marketing mail and left a
// cart with something in it untouched since CartAfter ago.
func (s *Service) remindCarts(ctx context.Context, p Policy, now time.Time) (int, error) {
	if !MarketingHours(now) {
		return 0, nil
	}
	var carts []struct {
		ID        int64   `db:"id"`
		UserID    int64   `db:"user_id"`
		UpdatedAt db.Time `db:"updated_at"`
		Lines     int64   `db:"lines"`
	}
	r := s.deps.DB.Read()
	err := r.SelectContext(ctx, &carts, r.Rebind(`SELECT c.id, c.user_id, c.updated_at,
			(SELECT COUNT(*) FROM cart_lines l WHERE l.cart_id = c.id) AS lines
		FROM carts c JOIN users u ON u.id = c.user_id
		WHERE c.user_id IS NOT NULL AND c.updated_at <= ? AND c.updated_at > ?
			AND u.marketing_consent_at IS NOT NULL AND u.active = TRUE AND u.role = 'customer'
			AND EXISTS (SELECT 1 FROM cart_lines l WHERE l.cart_id = c.id)
		ORDER BY c.updated_at, c.id LIMIT ?`), now.Add(-p.CartAfter), now.Add(-cartWindow), batch)
	if err != nil {
		return 0, fmt.Errorf("find carts left behind: %w", err)
	}
	n := 0
	for _, c := range carts {
		subject := "cart:" + strconv.FormatInt(c.ID, 10) + ":" + time.Time(c.UpdatedAt).UTC().Format(time.RFC3339)
		sent, err := s.sendOnce(ctx, CartReminder, subject, c.UserID, func(q db.Querier) error {
			return s.customerMail(ctx, q, c.UserID, true, notify.CartReminder, func(name string) any {
				return notify.CartReminderData{Name: name, Lines: c.Lines, URL: s.deps.BaseURL + "/cart",
					Unsubscribe: s.deps.Unsubscribe(c.UserID)}
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

// customerMail writes tmpl to customer userID on q; marketing mail is not
// written when the customer withdrew from it meanwhile (read on q, in the
// transaction that sends).
func (s *Service) customerMail(ctx context.Context, q db.Querier, userID int64, marketing bool, tmpl notify.Template, data func(name string) any) error {
	if marketing {
		var consent int
		if err := q.GetContext(ctx, &consent, q.Rebind(`SELECT COUNT(*) FROM users WHERE id = ? AND marketing_consent_at IS NOT NULL`), userID); err != nil {
			return fmt.Errorf("read consent: %w", err)
		}
		if consent == 0 {
			return fmt.Errorf("consent withdrawn: %w", notify.ErrUnwritable)
		}
	}
	return notify.SendToCustomer(ctx, s.deps.Mailer, q, s.deps.Contacts, userID, tmpl, data)
}

// noticePoints mails each customer whose points expire within PointsDays,
// once per customer and Korean day of expiry.
func (s *Service) noticePoints(ctx context.Context, p Policy, now time.Time) (int, error) {
	var lots []struct {
		UserID    int64   `db:"user_id"`
		ExpiresAt db.Time `db:"expires_at"`
		Remaining int64   `db:"remaining"`
	}
	r := s.deps.DB.Read()
	err := r.SelectContext(ctx, &lots, r.Rebind(`SELECT e.user_id, e.expires_at, e.remaining FROM points_entries e
		JOIN users u ON u.id = e.user_id
		WHERE e.remaining > 0 AND e.expires_at > ? AND e.expires_at <= ? AND u.active = TRUE
		ORDER BY e.expires_at, e.id LIMIT ?`), now, now.AddDate(0, 0, p.PointsDays), batch*4)
	if err != nil {
		return 0, fmt.Errorf("find points expiring: %w", err)
	}
	type due struct {
		user   int64
		day    string
		at     time.Time
		amount int64
	}
	var order []string
	dues := map[string]*due{}
	for _, l := range lots {
		at := time.Time(l.ExpiresAt).In(kst.Zone)
		day := at.Format(time.DateOnly)
		key := strconv.FormatInt(l.UserID, 10) + ":" + day
		d, ok := dues[key]
		if !ok {
			d = &due{user: l.UserID, day: day, at: at}
			dues[key] = d
			order = append(order, key)
		}
		d.amount += l.Remaining
	}
	n := 0
	for _, key := range order {
		d := dues[key]
		sent, err := s.sendOnce(ctx, PointsNotice, "points:"+key, d.user, func(q db.Querier) error {
			return s.customerMail(ctx, q, d.user, false, notify.PointsExpiring, func(name string) any {
				return notify.PointsExpiringData{Name: name, Amount: d.amount, ExpiresAt: d.at, URL: s.deps.BaseURL + "/account/points"}
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

// remindConfirm mails each customer whose order was delivered ConfirmDays
// ago or more and is still not confirmed, once per order.
func (s *Service) remindConfirm(ctx context.Context, p Policy, now time.Time) (int, error) {
	var orders []struct {
		ID     int64  `db:"id"`
		UserID int64  `db:"user_id"`
		Number string `db:"number"`
	}
	r := s.deps.DB.Read()
	// An order's updated_at is when it became delivered while it stays so
	// (the order's own confirmation reads it the same way).
	err := r.SelectContext(ctx, &orders, r.Rebind(`SELECT id, user_id, number FROM orders
		WHERE status = 'delivered' AND updated_at <= ? ORDER BY updated_at, id LIMIT ?`),
		now.AddDate(0, 0, -p.ConfirmDays), batch)
	if err != nil {
		return 0, fmt.Errorf("find delivered orders: %w", err)
	}
	n := 0
	for _, o := range orders {
		sent, err := s.sendOnce(ctx, ConfirmReminder, "order:"+strconv.FormatInt(o.ID, 10), o.UserID, func(q db.Querier) error {
			return s.customerMail(ctx, q, o.UserID, false, notify.ConfirmReminder, func(name string) any {
				return notify.ConfirmReminderData{Name: name, Number: o.Number, URL: s.deps.BaseURL + "/account/orders/" + o.Number}
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

// topProducts is how many products the daily report names.
const topProducts = 5

// report mails yesterday's sales (Korean days) to every address of the
// policy, once per day and address, from ReportHour on.
func (s *Service) report(ctx context.Context, p Policy, now time.Time) (int, error) {
	k := now.In(kst.Zone)
	if k.Hour() < p.ReportHour {
		return 0, nil
	}
	day := k.AddDate(0, 0, -1).Format(stats.DayLayout)
	rg := stats.Range{From: day, To: day}
	total, err := s.deps.Sales.Total(ctx, rg)
	if err != nil {
		return 0, fmt.Errorf("yesterday's sales: %w", err)
	}
	items, err := s.deps.Sales.Items(ctx, rg, stats.ByProduct)
	if err != nil {
		return 0, fmt.Errorf("yesterday's products: %w", err)
	}
	data := notify.DailyReportData{Day: k.AddDate(0, 0, -1), Orders: total.Orders, Paid: total.Paid, Refunds: total.Refunds,
		Net: total.Net()}
	for i, it := range items {
		if i == topProducts {
			break
		}
		data.Top = append(data.Top, notify.ReportProduct{Name: it.Name, Items: it.Items, Net: it.Net()})
	}
	msg, err := s.deps.Mailer.Render(ctx, notify.DailyReport, data)
	if err != nil {
		return 0, fmt.Errorf("daily report: %w", err)
	}
	n := 0
	for _, to := range p.ReportTo {
		sent, err := s.sendOnce(ctx, DailyReport, "report:"+day+":"+to, 0, func(q db.Querier) error {
			m := msg
			m.To = to
			return s.deps.Mailer.Send(ctx, q, m)
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
