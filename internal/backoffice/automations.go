package backoffice

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/automation"
	"github.com/mallang/mallang/internal/settings"
)

// Automations tells when each automation last ran; *automation.Service
// implements it.
type Automations interface {
	Runs(ctx context.Context) ([]automation.Run, error)
}

// automationFields are the automations' one-line fields on the settings
// form.
var automationFields = []string{"cart_hours", "points_days", "confirm_reminder_days", "report_hour", "report_to",
	"birthday_kind", "birthday_amount", "birthday_max_discount", "birthday_min_order", "birthday_valid_days", "birthday_days_before"}

// automationView is the automations' part of the settings form: each
// switch with its last run.
type automationView struct {
	On   map[string]bool
	Runs map[string]string
}

// automationValues fills the form's fields from a.
func automationValues(a settings.Automations, values map[string]string) automationView {
	values["cart_hours"] = strconv.Itoa(a.CartHours)
	values["points_days"] = strconv.Itoa(a.PointsDays)
	values["confirm_reminder_days"] = strconv.Itoa(a.ConfirmDays)
	values["report_hour"] = strconv.Itoa(a.ReportHour)
	values["report_to"] = strings.Join(a.ReportTo, "\n")
	values["birthday_kind"] = a.BirthdayKind
	values["birthday_amount"] = strconv.FormatInt(a.BirthdayAmount, 10)
	values["birthday_max_discount"] = strconv.FormatInt(a.BirthdayMaxDiscount, 10)
	values["birthday_min_order"] = strconv.FormatInt(a.BirthdayMinOrder, 10)
	values["birthday_valid_days"] = strconv.Itoa(a.BirthdayValidDays)
	values["birthday_days_before"] = strconv.Itoa(a.BirthdayDaysBefore)
	return automationSwitchesOf(a)
}

// automationSwitchesOf is the view of a's on/off switches.
func automationSwitchesOf(a settings.Automations) automationView {
	return automationView{On: map[string]bool{"cart_reminder": a.CartReminder, "points_notice": a.PointsNotice,
		"confirm_reminder": a.ConfirmReminder, "daily_report": a.DailyReport, "birthday_coupon": a.BirthdayCoupon}}
}

// parseAutomations reads the automations from the posted form into st,
// putting a field that is not a whole number into errs.
func parseAutomations(r *http.Request, m *messages, v *settingsView, st *settings.Settings) {
	a := &st.Automations
	for _, f := range []struct {
		name string
		out  *int
	}{{"cart_hours", &a.CartHours}, {"points_days", &a.PointsDays}, {"confirm_reminder_days", &a.ConfirmDays}, {"report_hour", &a.ReportHour},
		{"birthday_valid_days", &a.BirthdayValidDays}, {"birthday_days_before", &a.BirthdayDaysBefore}} {
		n, ok := parseWhole(v.Values[f.name])
		if !ok || n > 1<<20 {
			v.Errors[f.name] = m.T("v.whole")
			continue
		}
		*f.out = int(n)
	}
	for _, line := range strings.FieldsFunc(v.Values["report_to"], func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		a.ReportTo = append(a.ReportTo, strings.TrimSpace(line))
	}
	a.CartReminder = r.PostFormValue("cart_reminder") == "1"
	a.PointsNotice = r.PostFormValue("points_notice") == "1"
	a.ConfirmReminder = r.PostFormValue("confirm_reminder") == "1"
	a.DailyReport = r.PostFormValue("daily_report") == "1"
	a.BirthdayCoupon = r.PostFormValue("birthday_coupon") == "1"
	a.BirthdayKind = v.Values["birthday_kind"]
	for _, f := range []struct {
		name string
		out  *int64
	}{{"birthday_amount", &a.BirthdayAmount}, {"birthday_max_discount", &a.BirthdayMaxDiscount}, {"birthday_min_order", &a.BirthdayMinOrder}} {
		n, ok := parseWhole(v.Values[f.name])
		if !ok {
			v.Errors[f.name] = m.T("v.whole")
			continue
		}
		*f.out = n
	}
	v.Auto = automationSwitchesOf(*a)
}

// automationRuns says when each automation last ran and what it sent.
func (h *Handler) automationRuns(ctx context.Context, m *messages) (map[string]string, error) {
	out := map[string]string{}
	if h.deps.Automations == nil {
		return out, nil
	}
	runs, err := h.deps.Automations.Runs(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		switch {
		case r.RanAt.IsZero():
			out[string(r.Kind)] = m.T("auto.never")
		case r.Error != "":
			out[string(r.Kind)] = m.F("auto.failed", m.Time(r.RanAt))
		default:
			out[string(r.Kind)] = m.F("auto.ran", m.Time(r.RanAt), r.Sent)
		}
	}
	return out, nil
}

// automationTexts are the automations' texts, {Korean, English}.
var automationTexts = map[string][2]string{
	"auto.title":                 {"자동 메일", "Automatic mail"},
	"auto.intro":                 {"조건에 맞는 고객에게 상점이 알아서 보내는 메일입니다. 같은 메일은 한 번만 보냅니다.", "Mail the shop sends by itself when it is due; each one goes once."},
	"auto.cart_reminder":         {"장바구니 알림 (마케팅 수신 동의 고객, 오전 8시~오후 9시에만)", "Cart reminder (customers who agreed to marketing mail, 8:00–21:00 only)"},
	"auto.cart_hours":            {"장바구니를 그대로 둔 시간", "Hours a cart stays untouched"},
	"auto.cart_hours.hint":       {"이 시간이 지나면 한 번 알려 드립니다 (1~168시간).", "Reminded once after this many hours (1–168)."},
	"auto.points_notice":         {"적립금 소멸 안내", "Points expiry notice"},
	"auto.points_days":           {"소멸 며칠 전에 알릴까요", "Days ahead of expiry"},
	"auto.points_days.hint":      {"1~90일", "1–90 days"},
	"auto.confirm_reminder":      {"구매확정 알림", "Purchase confirmation reminder"},
	"auto.confirm_reminder_days": {"배송 완료 후 며칠 뒤에 알릴까요", "Days after delivery"},
	"auto.confirm_reminder_days.hint": {"구매확정하지 않은 주문에 한 번 보냅니다 (1~60일).",
		"Sent once to orders not confirmed yet (1–60 days)."},
	"auto.daily_report":                       {"일일 매출 보고 (직원에게)", "Daily sales report (to staff)"},
	"auto.report_hour":                        {"보내는 시각 (0~23시)", "Hour to send (0–23, Korean time)"},
	"auto.report_to":                          {"받는 주소", "Send to"},
	"auto.report_to.hint":                     {"한 줄에 하나씩, 10개까지", "One address per line, up to 10"},
	"auto.never":                              {"아직 실행되지 않았습니다.", "Has not run yet."},
	"auto.ran":                                {"마지막 실행: %s · %d통 보냄", "Last run: %s · %d sent"},
	"auto.failed":                             {"마지막 실행: %s · 실패 (다음 실행 때 다시 시도합니다)", "Last run: %s · failed (tried again at the next run)"},
	"v.must be from 1 to 168 hours":           {"1시간에서 168시간 사이여야 합니다.", "Must be from 1 to 168 hours."},
	"v.must be from 1 to 90 days":             {"1일에서 90일 사이여야 합니다.", "Must be from 1 to 90 days."},
	"v.must be from 0 to 23 o'clock":          {"0시에서 23시 사이여야 합니다.", "Must be from 0 to 23."},
	"v.must be at most 10 addresses":          {"주소는 10개까지 넣을 수 있습니다.", "Must be at most 10 addresses."},
	"v.must be email addresses, one per line": {"이메일 주소를 한 줄에 하나씩 입력하세요.", "Must be email addresses, one per line."},
	"v.is required to send the daily report":  {"일일 보고를 보내려면 받는 주소가 있어야 합니다.", "Is required to send the daily report."},
	"auto.birthday_coupon": {"생일 쿠폰 (생일을 입력한 고객 모두에게 1년에 한 번, 오전 8시~오후 9시에 발급하고 마케팅 수신 동의 고객에게만 메일로 알림)",
		"Birthday coupon (once a year to every customer who gave a birthday, issued 8:00–21:00; mailed only to customers who agreed to marketing mail)"},
	"auto.birthday_kind":                 {"쿠폰 종류", "Coupon kind"},
	"auto.birthday_kind.fixed":           {"금액 할인 (원)", "Won off"},
	"auto.birthday_kind.percent":         {"비율 할인 (%)", "Percent off"},
	"auto.birthday_amount":               {"할인 금액 또는 비율", "Amount or percentage off"},
	"auto.birthday_amount.hint":          {"금액 할인은 원, 비율 할인은 1~100%", "Won for won off, 1–100 for percent off"},
	"auto.birthday_max_discount":         {"최대 할인 금액 (비율 할인, 0은 제한 없음)", "Most taken off (percent coupons; 0: no cap)"},
	"auto.birthday_min_order":            {"최소 주문 금액 (0은 제한 없음)", "Minimum order (0: any)"},
	"auto.birthday_valid_days":           {"사용 기간 (발급일부터, 1~365일)", "Days usable from issue (1–365)"},
	"auto.birthday_days_before":          {"생일 며칠 전에 발급할까요 (0~30일)", "Days before the birthday to issue (0–30)"},
	"auto.birthday_days_before.hint":     {"2월 29일생은 평년에는 2월 28일을 생일로 봅니다.", "Customers born on 29 February get it for 28 February in other years."},
	"v.must be from 0 to 10,000,000 won": {"0원에서 10,000,000원 사이여야 합니다.", "Must be from 0 to 10,000,000 won."},
	"v.must be from 1 to 10,000,000 won": {"1원에서 10,000,000원 사이여야 합니다.", "Must be from 1 to 10,000,000 won."},
	"v.must be from 1 to 365 days":       {"1일에서 365일 사이여야 합니다.", "Must be from 1 to 365 days."},
	"v.must be from 0 to 30 days":        {"0일에서 30일 사이여야 합니다.", "Must be from 0 to 30 days."},
}

// birthdayKinds are the birthday coupon's kinds for the form's select.
func birthdayKinds(p *page, v settingsView) []option {
	var out []option
	for _, k := range []string{"fixed", "percent"} {
		out = append(out, option{Value: k, Label: p.M.T("auto.birthday_kind." + k), Selected: v.Values["birthday_kind"] == k})
	}
	return out
}
