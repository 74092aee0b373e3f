package web

import (
	"context"
	"net/http"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/points"
)

// Points is what the "my points" page needs; *points.Service implements
// it.
type Points interface {
	Balance(ctx context.Context, userID int64) (int64, error)
	Entries(ctx context.Context, userID int64, from, to time.Time) ([]points.Entry, error)
	ExpiringSoon(ctx context.Context, userID int64, within time.Duration) (int64, error)
}

// expiringWindow is how far ahead the page warns of expiring points.
const expiringWindow = 30 * 24 * time.Hour

// pointsView is the "my points" page: the balance, what expires soon, and
// one month of entries as a calendar and as a list.
type pointsView struct {
	Balance, Expiring string
	// Owed is the note shown while refunds took back more earned points
	// than were left (a balance below zero); "" otherwise.
	Owed       string
	Month      string // "2026년 11월"
	Prev, Next string // links to the neighbouring months
	Weeks      [][]calendarDay
	Entries    []pointsRow
	Weekdays   []string
}

type calendarDay struct {
	Day     int // 0 for the blanks before the first and after the last day
	Today   bool
	Entries []pointsRow
	// Checked and Earned: the customer checked in that day, earning Earned
	// (the attendance calendar).
	Checked bool
	Earned  string
}

// monthGrid lays out the month that starts at first as weeks from Sunday,
// as Korean calendars do, with blank days before the first and after the
// last; day fills in each day (Day and Today are set after it).
func monthGrid(first, now time.Time, day func(d time.Time) calendarDay) [][]calendarDay {
	next := first.AddDate(0, 1, 0)
	var weeks [][]calendarDay
	week := make([]calendarDay, int(first.Weekday()))
	for d := first; d.Before(next); d = d.AddDate(0, 0, 1) {
		c := day(d)
		c.Day, c.Today = d.Day(), d.Year() == now.Year() && d.YearDay() == now.YearDay()
		week = append(week, c)
		if len(week) == 7 {
			weeks = append(weeks, week)
			week = nil
		}
	}
	if len(week) > 0 {
		for len(week) < 7 {
			week = append(week, calendarDay{})
		}
		weeks = append(weeks, week)
	}
	return weeks
}

// monthParam is the month the "month" parameter of r names (2026-11), read
// in Asia/Seoul, or the month of now when it names none or one out of
// range.
func monthParam(r *http.Request, now time.Time) time.Time {
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, kst.Zone)
	if m, err := time.ParseInLocation("2006-01", r.URL.Query().Get("month"), kst.Zone); err == nil && m.Year() >= 2000 && m.Year() <= now.Year()+1 {
		first = m
	}
	return first
}

type pointsRow struct {
	When, Kind, Amount, Memo string
	Plus                     bool
}

func (h *Handler) registerPoints(mux *http.ServeMux) {
	mux.Handle("GET /account/points", h.private(h.signedIn(h.pointsPage)))
}

func (h *Handler) pointsPage(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	ctx := r.Context()
	now := h.cfg.Now().In(kst.Zone)
	first := monthParam(r, now)
	next := first.AddDate(0, 1, 0)
	bal, err := h.acc.Points.Balance(ctx, u.ID)
	if err != nil {
		return err
	}
	soon, err := h.acc.Points.ExpiringSoon(ctx, u.ID, expiringWindow)
	if err != nil {
		return err
	}
	es, err := h.acc.Points.Entries(ctx, u.ID, first.UTC(), next.UTC())
	if err != nil {
		return err
	}
	v := &pointsView{Balance: lc.Points(bal), Expiring: lc.Points(soon), Month: lc.Month(first),
		Prev: "/account/points?month=" + first.AddDate(0, -1, 0).Format("2006-01")}
	if bal < 0 {
		v.Balance = signed(bal)
		v.Owed = lc.F("points.owed", money.Won(-bal).Number())
	}
	if next.Before(now.AddDate(0, 1, 0)) {
		v.Next = "/account/points?month=" + next.Format("2006-01")
	}
	byDay := map[int][]pointsRow{}
	for _, e := range es {
		t := e.CreatedAt.In(kst.Zone)
		row := pointsRow{When: lc.DateTime(e.CreatedAt), Kind: lc.T("points." + e.Kind), Amount: signed(e.Amount), Memo: e.Memo, Plus: e.Amount > 0}
		byDay[t.Day()] = append(byDay[t.Day()], row)
		v.Entries = append(v.Entries, row)
	}
	for i := range 7 {
		v.Weekdays = append(v.Weekdays, lc.T("weekday."+time.Weekday(i).String()[:3]))
	}
	v.Weeks = monthGrid(first, now, func(d time.Time) calendarDay { return calendarDay{Entries: byDay[d.Day()]} })
	p := h.accountPage(r, lc, lc.T("points.title"), "/account/points")
	h.render(w, r, lc, http.StatusOK, pointsPage(p, v))
	return nil
}

// signed writes an amount of points with its sign: +1,500 or −800.
func signed(n int64) string {
	if n < 0 {
		return "−" + money.Won(-n).Number()
	}
	return "+" + money.Won(n).Number()
}
