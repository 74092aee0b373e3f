package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/settings"
)

// settingsForm is the settings form as the page fills it from the current
// settings, with every way to pay switched on.
func settingsForm(e *env) url.Values {
	st := e.shop.Settings().Current(context.Background())
	f := url.Values{
		"version": {strconv.FormatInt(st.Version, 10)}, "shop_name": {st.ShopName}, "logo": {st.Logo},
		"contact_phone": {"1588-0000"}, "contact_email": {"help@mallang.test"}, "contact_hours": {"평일 10:00~17:00"},
		"business_name": {"주식회사 말랑(예시)"}, "representative": {"김말랑"}, "registration": {"123-45-67891"},
		"mail_order": {"제2026-서울마포-0000호"}, "address": {"서울특별시 마포구 예시로 1"}, "privacy_name": {"이보호"},
		"privacy_email": {"privacy@mallang.test"}, "deposit_hours": {strconv.Itoa(st.DepositHours)},
		"confirm_days": {strconv.Itoa(st.ConfirmDays)}, "return_fee": {strconv.FormatInt(st.ReturnFee, 10)},
		"grade_window_days": {strconv.Itoa(st.GradeWindowDays)},
		"payment_on":        e.shop.Settings().Methods(),
		"attendance_points": {strconv.FormatInt(st.Attendance.Points, 10)}, "streak_days": {strconv.Itoa(st.Attendance.StreakDays)},
		"streak_bonus":       {strconv.FormatInt(st.Attendance.StreakBonus, 10)},
		"review_text_points": {strconv.FormatInt(st.Reviews.TextPoints, 10)}, "review_photo_points": {strconv.FormatInt(st.Reviews.PhotoPoints, 10)},
		"review_request_days": {strconv.Itoa(st.Reviews.RequestAfterDays)},
	}
	if st.Attendance.On {
		f.Set("attendance_on", "1")
	}
	f.Set("dormancy_months", strconv.Itoa(st.Dormancy.Months))
	if st.Dormancy.On {
		f.Set("dormancy_on", "1")
	}
	a := st.Automations
	for k, v := range map[string]string{"cart_hours": strconv.Itoa(a.CartHours), "points_days": strconv.Itoa(a.PointsDays),
		"confirm_reminder_days": strconv.Itoa(a.ConfirmDays), "report_hour": strconv.Itoa(a.ReportHour),
		"report_to": strings.Join(a.ReportTo, "\n"), "birthday_kind": a.BirthdayKind,
		"birthday_amount": strconv.FormatInt(a.BirthdayAmount, 10), "birthday_max_discount": strconv.FormatInt(a.BirthdayMaxDiscount, 10),
		"birthday_min_order": strconv.FormatInt(a.BirthdayMinOrder, 10), "birthday_valid_days": strconv.Itoa(a.BirthdayValidDays),
		"birthday_days_before": strconv.Itoa(a.BirthdayDaysBefore)} {
		f.Set(k, v)
	}
	for k, on := range map[string]bool{"cart_reminder": a.CartReminder, "points_notice": a.PointsNotice,
		"confirm_reminder": a.ConfirmReminder, "daily_report": a.DailyReport, "birthday_coupon": a.BirthdayCoupon} {
		if on {
			f.Set(k, "1")
		}
	}
	for i, a := range st.BankAccounts {
		n := strconv.Itoa(i)
		f.Set("bank_accounts."+n+".bank", a.Bank)
		f.Set("bank_accounts."+n+".account", a.Account)
		f.Set("bank_accounts."+n+".holder", a.Holder)
	}
	return f
}

// Staff with the settings permission change the shop's settings: the
// change is stored, audited with them as the actor, and the shop's name
// in the back office follows at once.
func TestSettingsSaved(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b, _ := e.staffIn("boss@example.com")
	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	contains(t, body, bo+"/settings")
	st, body = b.get(bo + "/settings")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="settings-form"`, `data-testid="method-testpay"`, `data-testid="method-bank_transfer"`,
		bo+"/settings/legal/terms", bo+"/promotions/grades")

	f := settingsForm(e)
	f.Set("shop_name", "말랑 마켓")
	f.Set("return_fee", "3000")
	f["payment_on"] = []string{"bank_transfer"} // testpay switched off
	f.Del("attendance_on")
	f.Set("attendance_points", "20")
	f.Set("streak_days", "0")
	f.Set("review_photo_points", "700")
	f.Set("review_request_days", "0")
	st, body = b.post(bo+"/settings", f)
	must(t, st, http.StatusOK, body)
	contains(t, body, "설정을 저장했습니다", "말랑 마켓", "123-45-67891")
	got := e.shop.Settings().Current(context.Background())
	if got.ShopName != "말랑 마켓" || got.ReturnFee != 3000 || got.Business.Registration != "1234567891" ||
		got.PaymentOn("testpay") || !got.PaymentOn("bank_transfer") || got.Contact.Phone != "1588-0000" ||
		got.Attendance != (settings.Attendance{Points: 20, StreakBonus: 100}) ||
		got.Reviews != (settings.Reviews{TextPoints: 100, PhotoPoints: 700}) {
		t.Fatalf("stored = %+v", got)
	}
	es, _, err := e.audit.List(context.Background(), audit.Filter{Action: "settings.changed"})
	if err != nil || len(es) != 1 || es[0].ActorEmail != "boss@example.com" {
		t.Fatalf("audit = %+v, %v", es, err)
	}

	// The same form again was made on the version before.
	st, body = b.post(bo+"/settings", f)
	must(t, st, http.StatusConflict, body)
	contains(t, body, "다른 직원이 설정을 바꿨습니다")
}

// A bad field shows the form again with its message on that field, and
// nothing is stored.
func TestSettingsFormErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b, _ := e.staffIn("boss@example.com")
	tests := []struct {
		field, value, message string
	}{
		{"shop_name", "", "필수 항목입니다"},
		{"registration", "123-45-67890", "올바른 사업자등록번호가 아닙니다"},
		{"registration", "1234", "올바른 사업자등록번호가 아닙니다"},
		{"contact_email", "help", "이메일 주소 형식이 아닙니다"},
		{"privacy_email", "privacy@", "이메일 주소 형식이 아닙니다"},
		{"contact_phone", "전화", "숫자로 입력하세요"},
		{"logo", "https://cdn.example/logo.png", "이미지 경로"},
		{"deposit_hours", "0", "1시간에서 720시간 사이"},
		{"deposit_hours", "사흘", "숫자로 입력하세요"},
		{"confirm_days", "61", "1일에서 60일 사이"},
		{"return_fee", "200000", "0원에서 100,000원 사이"},
		{"grade_window_days", "0", "1일에서 730일 사이"},
		{"attendance_points", "10001", "0원에서 10,000원 사이"},
		{"attendance_points", "열", "숫자로 입력하세요"},
		{"streak_days", "32", "0일에서 31일 사이"},
		{"cart_hours", "200", "1시간에서 168시간 사이"},
		{"points_days", "0", "1일에서 90일 사이"},
		{"report_hour", "24", "0시에서 23시 사이"},
		{"report_to", "사장님", "이메일 주소를 한 줄에 하나씩"},
		{"review_photo_points", "100001", "0원에서 100,000원 사이"},
		{"review_request_days", "91", "0일에서 90일 사이"},
		{"streak_bonus", "100001", "0원에서 100,000원 사이"},
		{"bank_accounts.0.holder", "", "필수 항목입니다"},
		{"bank_accounts.1.account", "국민-123", "숫자로 입력하세요"},
	}
	for _, tt := range tests {
		t.Run(tt.field+"="+tt.value, func(t *testing.T) {
			f := settingsForm(e)
			f.Set(tt.field, tt.value)
			if strings.HasPrefix(tt.field, "bank_accounts.1") {
				f.Set("bank_accounts.1.bank", "국민은행")
				f.Set("bank_accounts.1.holder", "말랑")
			}
			st, body := b.post(bo+"/settings", f)
			must(t, st, http.StatusUnprocessableEntity, body)
			contains(t, body, `data-testid="form-error"`, `data-testid="error-`+tt.field+`"`, tt.message)
			if got := e.shop.Settings().Current(context.Background()); got.Version != 1 {
				t.Fatalf("version %d after a refused form", got.Version)
			}
		})
	}
	if es, _, err := e.audit.List(context.Background(), audit.Filter{Action: "settings.changed"}); err != nil || len(es) != 0 {
		t.Fatalf("audit = %+v, %v", es, err)
	}
}

// The terms are published as versions: each save is a new one, dated; a
// missing text or date is asked again and stores nothing.
func TestLegalPublished(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b, _ := e.staffIn("boss@example.com")
	page := bo + "/settings/legal/terms"
	st, body := b.get(page)
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="legal-none"`, `data-testid="legal-form"`)
	today := e.clock.Now().In(kst.Zone).Format("2006-01-02")

	st, body = b.post(page, url.Values{"body": {"  "}, "effective_at": {today}})
	must(t, st, http.StatusUnprocessableEntity, body)
	contains(t, body, `data-testid="error-body"`, "필수 항목입니다")
	st, body = b.post(page, url.Values{"body": {"제1조"}, "effective_at": {"내일"}})
	must(t, st, http.StatusUnprocessableEntity, body)
	contains(t, body, `data-testid="error-effective_at"`)
	st, body = b.post(page, url.Values{"body": {"제1조"}, "effective_at": {"2020-01-01"}})
	must(t, st, http.StatusUnprocessableEntity, body)
	contains(t, body, `data-testid="error-effective_at"`, "오늘 이후 날짜여야 합니다")
	if list, _ := e.shop.Settings().LegalVersions(context.Background(), settings.Terms); len(list) != 0 {
		t.Fatalf("%d versions after refused forms", len(list))
	}

	st, body = b.post(page, url.Values{"body": {"제1조 (목적)\n이 약관은…"}, "effective_at": {today}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "v1을 게시했습니다", `data-testid="legal-version"`, "현재 시행 중")
	cur, err := e.shop.Settings().CurrentLegal(context.Background(), settings.Terms)
	if err != nil || cur.Version != 1 || cur.Body != "제1조 (목적)\n이 약관은…" {
		t.Fatalf("current terms = %+v, %v", cur, err)
	}
	if es, _, _ := e.audit.List(context.Background(), audit.Filter{Action: "legal.published"}); len(es) != 1 || es[0].ActorEmail != "boss@example.com" {
		t.Fatalf("audit = %+v", es)
	}
	if st, _ := b.get(bo + "/settings/legal/refunds"); st != http.StatusNotFound {
		t.Errorf("unknown document: %d", st)
	}
}

// Staff without the settings permission get 403 on every settings page
// and form, and no menu entry.
func TestSettingsNeedThePermission(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "orders@example.com", account.Staff, account.PermOrders, account.PermSecurity, account.PermCustomers)
	b, _ := e.staffIn("orders@example.com")
	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	lacks(t, body, bo+"/settings")
	for _, r := range []struct {
		method, path string
	}{
		{http.MethodGet, "/settings"}, {http.MethodPost, "/settings"},
		{http.MethodGet, "/settings/legal/terms"}, {http.MethodPost, "/settings/legal/terms"},
		{http.MethodGet, "/settings/legal/privacy"}, {http.MethodPost, "/settings/legal/privacy"},
	} {
		var st int
		if r.method == http.MethodGet {
			st, _ = b.get(bo + r.path)
		} else {
			st, _ = b.post(bo+r.path, url.Values{"body": {"x"}, "shop_name": {"x"}})
		}
		if st != http.StatusForbidden {
			t.Errorf("%s %s: %d, want 403", r.method, r.path, st)
		}
	}
	if got := e.shop.Settings().Current(context.Background()); got.Version != 1 {
		t.Fatalf("settings changed to v%d", got.Version)
	}
}
