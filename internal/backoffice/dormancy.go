package backoffice

import (
	"net/http"
	"strconv"

	"github.com/mallang/mallang/internal/settings"
)

// dormancyView is the dormant-account policy's part of the settings form
// (docs/decisions/0069-dormant-accounts.md).
type dormancyView struct {
	On bool
	// Changed says when the policy last became stricter and members were
	// told; "" when never.
	Changed string
}

// dormancyValues fills the form's period field from d and returns its
// switch.
func dormancyValues(m *messages, d settings.Dormancy, values map[string]string) dormancyView {
	values["dormancy_months"] = strconv.Itoa(d.Months)
	v := dormancyView{On: d.On}
	if !d.ChangedAt.IsZero() {
		v.Changed = m.F("dormancy.changed", m.Time(d.ChangedAt))
	}
	return v
}

// parseDormancy reads the policy from the posted form into st, putting a
// period that is not a whole number into the view's errors.
func parseDormancy(r *http.Request, m *messages, v *settingsView, st *settings.Settings) {
	v.Values["dormancy_months"] = cut(r.PostFormValue("dormancy_months"), 20)
	n, ok := parseWhole(v.Values["dormancy_months"])
	if !ok || n > 1<<20 {
		v.Errors["dormancy_months"] = m.T("v.whole")
	} else {
		st.Dormancy.Months = int(n)
	}
	st.Dormancy.On = r.PostFormValue("dormancy_on") == "1"
	v.Dormancy.On = st.Dormancy.On
}

// dormancyTexts are the policy's texts, {Korean, English}.
var dormancyTexts = map[string][2]string{
	"dormancy.title": {"휴면 계정", "Dormant accounts"},
	"dormancy.intro": {"오랫동안 로그인하지 않은 고객에게 30일 전에 메일로 알리고, 그날이 되면 이름·전화번호·배송지를 따로 암호화해 보관한 뒤 계정을 잠급니다. 다시 로그인해 이메일 인증을 마치면 되돌아옵니다. 직원 계정은 휴면 처리하지 않습니다.",
		"Customers who do not sign in for long are told by mail 30 days ahead; on the day their name, phone number and addresses are set apart, encrypted, and the account is locked until they sign in again and confirm by email. Staff accounts never go dormant."},
	"dormancy.on":                   {"휴면 계정 정책 사용", "Make inactive accounts dormant"},
	"dormancy.months":               {"로그인하지 않은 기간 (개월)", "Months without a sign-in"},
	"dormancy.months.hint":          {"1~60개월. 정책을 켜거나 기간을 줄이면 모든 회원에게 한 번 메일로 알립니다.", "1–60 months. Switching it on or shortening it mails every member once."},
	"dormancy.changed":              {"회원 안내: %s에 바뀐 정책을 알렸습니다.", "Members were told of the change of %s."},
	"v.must be from 1 to 60 months": {"1개월에서 60개월 사이여야 합니다.", "Must be from 1 to 60 months."},
	"cust.dormant":                  {"휴면", "Dormant"},
	"cust.dormant.since":            {"%s에 휴면 계정으로 전환되었습니다. 이름, 전화번호, 배송지는 분리 보관 중이며 고객이 다시 로그인해 이메일 인증을 마치면 되돌아옵니다.", "Dormant since %s. The name, phone number and addresses are set apart until the customer signs in again and confirms by email."},
	"cust.status.dormant":           {"휴면", "Dormant"},
	"users.dormantonly":             {"휴면 계정만", "Dormant only"},
}
