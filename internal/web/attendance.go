package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/attendance"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
)

// Attendance is the attendance check (출석체크); *attendance.Service
// implements it.
type Attendance interface {
	Rules(ctx context.Context) attendance.Rules
	Today() string
	CheckIn(ctx context.Context, userID int64) (attendance.Check, error)
	Month(ctx context.Context, userID int64, first time.Time) ([]attendance.Check, error)
	Streak(ctx context.Context, userID int64) (int, error)
}

// EnableAttendance adds the attendance calendar to the account pages
// (after EnableAccounts). Its pages answer 404 while the shop's settings
// switch the check off.
func (h *Handler) EnableAttendance(a Attendance) *Handler {
	if a == nil {
		panic("web: EnableAttendance without the attendance service")
	}
	h.attendance = a
	return h
}

func (h *Handler) registerAttendance(mux *http.ServeMux) {
	mux.Handle("GET /account/attendance", h.private(h.signedIn(h.attendancePage)))
	mux.Handle("POST /account/attendance", h.private(h.signedIn(h.checkIn)))
}

// attendanceOn reports whether the account pages offer the check now.
func (h *Handler) attendanceOn(ctx context.Context) bool {
	return h.attendance != nil && h.attendance.Rules(ctx).On
}

// attendanceView is the attendance page: the month's calendar with the
// days checked, the streak, what a check earns and today's button.
type attendanceView struct {
	Flash      string
	Rules      string // "매일 10원, 7일 연속 출석마다 100원 더"
	Streak     string
	Checked    bool // today is checked
	Month      string
	Prev, Next string
	Weekdays   []string
	Weeks      [][]calendarDay
}

func (h *Handler) attendancePage(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	ctx := r.Context()
	if !h.attendanceOn(ctx) {
		return fault.ErrNotFound
	}
	now := h.cfg.Now().In(kst.Zone)
	first := monthParam(r, now)
	checks, err := h.attendance.Month(ctx, u.ID, first)
	if err != nil {
		return err
	}
	// Today's check is in the month shown, or read apart when another
	// month is shown.
	today := checks
	if first.Year() != now.Year() || first.Month() != now.Month() {
		if today, err = h.attendance.Month(ctx, u.ID, now); err != nil {
			return err
		}
	}
	streak, err := h.attendance.Streak(ctx, u.ID)
	if err != nil {
		return err
	}
	rules := h.attendance.Rules(ctx)
	v := &attendanceView{Flash: h.sessions.PopString(ctx, flashKey), Month: lc.Month(first),
		Prev: "/account/attendance?month=" + first.AddDate(0, -1, 0).Format("2006-01")}
	v.Rules = lc.F("att.rules", lc.Points(rules.Points))
	if rules.StreakDays > 0 && rules.StreakBonus > 0 {
		v.Rules = lc.F("att.rules.streak", lc.Points(rules.Points), rules.StreakDays, lc.Points(rules.StreakBonus))
	}
	if streak > 0 {
		v.Streak = lc.F("att.streak", streak)
	}
	day := h.attendance.Today()
	for _, c := range today {
		v.Checked = v.Checked || c.Day == day
	}
	if next := first.AddDate(0, 1, 0); !next.After(now) {
		v.Next = "/account/attendance?month=" + next.Format("2006-01")
	}
	byDay := map[string]attendance.Check{}
	for _, c := range checks {
		byDay[c.Day] = c
	}
	v.Weeks = monthGrid(first, now, func(d time.Time) calendarDay {
		c, ok := byDay[d.Format(time.DateOnly)]
		if !ok {
			return calendarDay{}
		}
		return calendarDay{Checked: true, Earned: signed(c.Points)}
	})
	for i := range 7 {
		v.Weekdays = append(v.Weekdays, lc.T("weekday."+time.Weekday(i).String()[:3]))
	}
	p := h.accountPage(r, lc, lc.T("att.title"), "/account/attendance")
	h.render(w, r, lc, http.StatusOK, attendancePage(p, v))
	return nil
}

// checkIn records today's check and goes back to the calendar, saying
// what it earned, or that today is checked already.
func (h *Handler) checkIn(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	ctx := r.Context()
	if !h.attendanceOn(ctx) {
		return fault.ErrNotFound
	}
	c, err := h.attendance.CheckIn(ctx, u.ID)
	switch {
	case errors.Is(err, attendance.ErrChecked):
		h.sessions.Put(ctx, flashKey, lc.T("att.already"))
	case err != nil:
		return err
	case c.Points > 0:
		h.sessions.Put(ctx, flashKey, lc.F("att.done.points", lc.Points(c.Points)))
	default:
		h.sessions.Put(ctx, flashKey, lc.T("att.done"))
	}
	http.Redirect(w, r, "/account/attendance", http.StatusSeeOther)
	return nil
}
