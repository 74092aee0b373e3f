package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// A customer gives a birthday at sign-up or in the profile, year optional;
// a date that does not exist is refused next to the field and nothing is
// saved; the account page shows it and the customer's own coupons.
func TestBirthdayOnAccount(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	with := func(birthday string) url.Values {
		f := url.Values{}
		for k, v := range signupForm {
			f[k] = v
		}
		f.Set("birthday", birthday)
		return f
	}
	b := s.browser(t)
	for _, tt := range []struct{ in, msg string }{
		{"5월 17일", "1990-05-17이나 05-17처럼 입력해 주세요."},
		{"02-30", "달력에 없는 날짜입니다."},
		{"2999-01-01", "연도는 1900년부터 올해까지 입력할 수 있습니다."},
	} {
		r := b.post("/signup", with(tt.in))
		wantStatus(t, r, http.StatusUnprocessableEntity, "")
		mustContain(t, r.body, tt.msg, `name="birthday"`)
	}
	var n int
	if err := s.d.Read().GetContext(context.Background(), &n, `SELECT COUNT(*) FROM users WHERE email = 'minji@example.com'`); err != nil || n != 0 {
		t.Fatalf("a refused sign-up stored %d users (%v)", n, err)
	}
	m := s.member(t, with("1990-05-17"))
	r := m.get("/account")
	mustContain(t, r.body, `data-testid="account-birthday"`, "1990년 5월 17일")
	r = m.get("/account/profile")
	mustContain(t, r.body, `value="1990-05-17"`, "연도는 넣지 않아도 됩니다")

	profile := func(birthday string) url.Values {
		return url.Values{"name": {"김민지"}, "phone": {"010-1234-5678"}, "birthday": {birthday}}
	}
	wantStatus(t, m.post("/account/profile", profile("02-29")), http.StatusSeeOther, "/account")
	mustContain(t, m.get("/account").body, "2월 29일")
	r = m.post("/account/profile", profile("2001-02-29"))
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, "달력에 없는 날짜입니다.", `value="2001-02-29"`)
	mustContain(t, m.get("/account").body, "2월 29일")
	wantStatus(t, m.post("/account/profile", profile("")), http.StatusSeeOther, "/account")
	mustNotContain(t, m.get("/account").body, `data-testid="account-birthday"`)

	// The customer's own coupon (a birthday coupon) is listed with its code.
	var id int64
	if err := s.d.Read().GetContext(context.Background(), &id, `SELECT id FROM users WHERE email = 'minji@example.com'`); err != nil {
		t.Fatal(err)
	}
	w := s.d.Write()
	if _, err := w.ExecContext(context.Background(), w.Rebind(`INSERT INTO coupons (code, name, kind, amount, starts_at, ends_at, total_limit, per_customer_limit, user_id)
		VALUES ('BDAY-TESTCODE01', '생일 축하 쿠폰', 'fixed', 5000, ?, ?, 1, 1, ?)`), s.shop.Clock.Now().Add(-time.Hour).UTC(), s.shop.Clock.Now().AddDate(0, 0, 30).UTC(), id); err != nil {
		t.Fatal(err)
	}
	mustContain(t, m.get("/account").body, `data-testid="own-coupons"`, "내 쿠폰", "BDAY-TESTCODE01", "5,000원 할인")
}
