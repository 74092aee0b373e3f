package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/api"
)

// A customer checks in through the API once a day: the check earns the
// shop's points, a second one the same day is 409, the month lists the
// checks with the streak, and a bad month is a 422 naming query.month.
func TestAttendanceAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	tok, _ := f.customer(t, "attend@example.com")
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/me/attendance"}), http.StatusUnauthorized)

	m := decode[api.AttendanceMonth](t, f.do(t, req{method: "GET", path: "/api/v1/me/attendance", token: tok}), http.StatusOK)
	if len(m.Checks) != 0 || m.Streak != 0 || m.Points != 10 || m.StreakDays != 7 || m.StreakBonus != 100 {
		t.Fatalf("before any check: %+v", m)
	}
	c := decode[api.AttendanceCheck](t, f.do(t, req{method: "POST", path: "/api/v1/me/attendance", token: tok}), http.StatusCreated)
	if c.Streak != 1 || c.Points != 10 || c.Day != m.Month+c.Day[7:] {
		t.Fatalf("check = %+v (month %s)", c, m.Month)
	}
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/me/attendance", token: tok}), http.StatusConflict)

	f.clock.Advance(24 * time.Hour)
	tok = f.signIn(t, "attend@example.com", minjiPass).AccessToken // the day-old token expired
	c2 := decode[api.AttendanceCheck](t, f.do(t, req{method: "POST", path: "/api/v1/me/attendance", token: tok}), http.StatusCreated)
	if c2.Streak != 2 {
		t.Fatalf("next day's check = %+v", c2)
	}
	m = decode[api.AttendanceMonth](t, f.do(t, req{method: "GET", path: "/api/v1/me/attendance?month=" + c.Day[:7], token: tok}), http.StatusOK)
	if m.Streak != 2 || len(m.Checks) == 0 || m.Checks[0].Day != c.Day {
		t.Fatalf("month = %+v", m)
	}
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me/attendance?month=2026-13", token: tok}), http.StatusUnprocessableEntity, "query.month")
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me/attendance?month=12-2026", token: tok}), http.StatusUnprocessableEntity, "query.month")
}
