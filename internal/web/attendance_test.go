package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
)

// A customer checks in from the account: the calendar says what a check
// earns, the check credits the points and stamps the day, a second check
// the same day is refused with a clear message, the next day continues the
// streak, and with the check switched off in the settings the page is gone
// from the menu and answers 404.
func TestAttendancePage(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	b := s.member(t, signupForm)
	r := b.get("/account")
	mustContain(t, r.body, `href="/account/attendance"`)
	r = b.get("/account/attendance")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "하루 한 번 출석하면 적립금 10원을 드리고, 7일 연속 출석할 때마다 100원을 더 드립니다.",
		`data-testid="check-in"`, "오늘 출석하기")

	r = b.post("/account/attendance", url.Values{})
	wantStatus(t, r, http.StatusSeeOther, "")
	r = b.get("/account/attendance")
	mustContain(t, r.body, "출석했습니다. 적립금 10원을 드렸습니다.", "오늘은 출석했습니다", "1일 연속 출석 중입니다.",
		`data-testid="attendance-day"`, "+10")
	mustNotContain(t, r.body, `data-testid="check-in"`)

	r = b.post("/account/attendance", url.Values{})
	wantStatus(t, r, http.StatusSeeOther, "")
	r = b.get("/account/attendance")
	mustContain(t, r.body, "오늘은 이미 출석했습니다. 내일 다시 와 주세요.")
	r = b.get("/account/points")
	mustContain(t, r.body, "출석체크 ", "+10")

	s.shop.Clock.Advance(24 * time.Hour)
	b.post("/account/attendance", url.Values{})
	r = b.get("/account/attendance")
	mustContain(t, r.body, "2일 연속 출석 중입니다.")

	ctx := context.Background()
	st := s.shop.Settings().Current(ctx)
	st.Attendance.On = false
	if _, err := s.shop.Settings().Update(ctx, audit.Actor{}, st); err != nil {
		t.Fatal(err)
	}
	r = b.get("/account")
	mustNotContain(t, r.body, `href="/account/attendance"`)
	wantStatus(t, b.get("/account/attendance"), http.StatusNotFound, "")
	wantStatus(t, b.post("/account/attendance", url.Values{}), http.StatusNotFound, "")
}
