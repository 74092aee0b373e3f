//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAttendance: a customer opens 출석체크 from the account, checks in,
// sees today stamped on the calendar with the points it earned and the
// button gone; the points show in the points ledger.
func TestAttendance(t *testing.T) {
	s := startShopWith(t, nil)
	browser := startBrowser(t)
	const email, password = "attend@example.com", "매일 출석하는 고객의 비밀번호"
	newCustomer(t, s, email, password, "출석왕")
	b := newTab(t, browser, s.Base, "attendance")
	signIn(b, email, password)
	b.open("/account")
	b.follow("open the attendance check", chromedp.Click(chromedp.CSS(`[data-testid="my-attendance"]`)))
	if got := b.text(`[data-testid="attendance-rules"]`); !strings.Contains(got, "10원을 드리고") {
		b.fatalf("the rules read %q", got)
	}
	if n := b.count(`[data-testid="attendance-day"]`); n != 0 {
		b.fatalf("%d days stamped before any check", n)
	}
	b.follow("check in", chromedp.Click(chromedp.CSS(`[data-testid="check-in"]`)))
	if got := b.text(`[data-testid="flash"]`); got != "출석했습니다. 적립금 10원을 드렸습니다." {
		b.fatalf("after checking in the page says %q", got)
	}
	if n := b.count(`[data-testid="attendance-day"]`); n != 1 {
		b.fatalf("%d days stamped after one check", n)
	}
	if n := b.count(`[data-testid="check-in"]`); n != 0 {
		b.fatalf("the check-in button is still there")
	}
	if got := b.text(`[data-testid="attendance-streak"]`); got != "1일 연속 출석 중입니다." {
		b.fatalf("the streak reads %q", got)
	}
	b.screenshot("calendar")
	b.open("/account/points")
	if got := b.text(`[data-testid="points-balance"]`); !strings.Contains(got, "10원") {
		b.fatalf("the points balance reads %q after a check", got)
	}
	b.checkHealthy()
}
