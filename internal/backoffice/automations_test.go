package backoffice_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/mallang/mallang/internal/settings"
)

// Staff switch the automatic mails on the settings page: a new shop starts
// with the service mails on and the marketing reminder off; the stored
// policy follows the form; the daily report needs an address; each
// automation says when it last ran.
func TestAutomationSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b, _ := e.staffIn("boss@example.com")
	st, body := b.get(bo + "/settings")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="automation-settings"`, "자동 메일", "장바구니 알림", `data-testid="run-cart_reminder"`, "아직 실행되지 않았습니다.")
	if got := e.shop.Settings().Current(context.Background()).Automations; !got.Equal(settings.DefaultAutomations()) {
		t.Fatalf("a new shop's automations = %+v", got)
	}

	f := settingsForm(e)
	f.Set("daily_report", "1")
	f.Set("report_to", "")
	st, body = b.post(bo+"/settings", f)
	must(t, st, http.StatusUnprocessableEntity, body)
	contains(t, body, "일일 보고를 보내려면 받는 주소가 있어야 합니다.")

	f.Set("report_to", "boss@example.com\n cs@example.com ")
	f.Set("report_hour", "9")
	f.Set("cart_reminder", "1")
	f.Set("cart_hours", "6")
	f.Del("points_notice")
	st, body = b.post(bo+"/settings", f)
	must(t, st, http.StatusOK, body)
	got := e.shop.Settings().Current(context.Background()).Automations
	if !got.DailyReport || got.ReportHour != 9 || !slices.Equal(got.ReportTo, []string{"boss@example.com", "cs@example.com"}) ||
		!got.CartReminder || got.CartHours != 6 || got.PointsNotice || !got.ConfirmReminder {
		t.Fatalf("stored automations = %+v", got)
	}

	if err := e.shop.Automations().RunAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, body = b.get(bo + "/settings")
	contains(t, body, "마지막 실행:", "0통 보냄")
}

// Staff set up the birthday coupon on the settings form: a percentage over
// 100 is refused in Korean next to its field, good terms are stored.
func TestBirthdayCouponSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b, _ := e.staffIn("boss@example.com")
	st, body := b.get(bo + "/settings")
	must(t, st, http.StatusOK, body)
	contains(t, body, "생일 쿠폰", `data-testid="field-birthday_coupon"`, `data-testid="field-birthday_kind"`, "2월 29일생은")

	f := settingsForm(e)
	f.Set("birthday_coupon", "1")
	f.Set("birthday_kind", "percent")
	f.Set("birthday_amount", "150")
	st, body = b.post(bo+"/settings", f)
	must(t, st, http.StatusUnprocessableEntity, body)
	contains(t, body, `data-testid="error-birthday_amount"`, "1에서 100 사이의 할인율이어야 합니다.")
	if e.shop.Settings().Current(context.Background()).Automations.BirthdayCoupon {
		t.Fatal("refused terms were stored")
	}

	f.Set("birthday_amount", "10")
	f.Set("birthday_max_discount", "5,000")
	f.Set("birthday_valid_days", "14")
	f.Set("birthday_days_before", "3")
	st, body = b.post(bo+"/settings", f)
	must(t, st, http.StatusOK, body)
	a := e.shop.Settings().Current(context.Background()).Automations
	if !a.BirthdayCoupon || a.BirthdayKind != "percent" || a.BirthdayAmount != 10 || a.BirthdayMaxDiscount != 5000 ||
		a.BirthdayValidDays != 14 || a.BirthdayDaysBefore != 3 {
		t.Fatalf("stored %+v", a)
	}
}
