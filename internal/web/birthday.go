package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/coupon"
)

// OwnCoupons lists the coupons that are one customer's own (the birthday
// coupon); *coupon.Service implements it.
type OwnCoupons interface {
	Own(ctx context.Context, userID int64) ([]coupon.Coupon, error)
}

// EnableOwnCoupons shows a customer's own coupons on the account page.
func (h *Handler) EnableOwnCoupons(c OwnCoupons) *Handler {
	if c == nil {
		panic("web: EnableOwnCoupons without the coupons")
	}
	h.ownCoupons = c
	return h
}

// ownCouponView is one of the customer's own coupons on the account page.
type ownCouponView struct {
	Name, Code, Discount, Until string
}

// ownCouponViews are customer userID's usable coupons, or none when the
// shop does not show them.
func (h *Handler) ownCouponViews(ctx context.Context, lc *locale, userID int64) ([]ownCouponView, error) {
	if h.ownCoupons == nil {
		return nil, nil
	}
	cs, err := h.ownCoupons.Own(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]ownCouponView, len(cs))
	for i, c := range cs {
		v := ownCouponView{Name: c.Name, Code: c.Code, Discount: lc.F("coupon.own.won", lc.Won(c.Amount))}
		if c.Kind == coupon.KindPercent {
			v.Discount = lc.F("coupon.own.percent", c.Amount)
		}
		if !c.EndsAt.IsZero() {
			v.Until = lc.F("coupon.own.until", lc.Date(c.EndsAt.Add(-1)))
		}
		out[i] = v
	}
	return out, nil
}

// birthdayField is the birthday's field of the sign-up and profile forms.
func birthdayField(lc *locale, value string) field {
	return field{Name: "birthday", Label: lc.T("f.birthday"), Type: "text", Value: value, Autocomplete: "bday",
		InputMode: "numeric", Hint: lc.T("f.birthday.hint"), MaxLength: 10}
}

// formBirthday reads the birthday field of r's form; text that is not a
// date is a *fault.Invalid under "birthday", for the form, and nothing is
// saved.
func formBirthday(r *http.Request) (account.Birthday, error) {
	return account.ParseBirthday(strings.TrimSpace(r.PostFormValue("birthday")))
}

// birthdayShown is b as the account page shows it: 1990년 5월 17일, 5월 17일.
func birthdayShown(lc *locale, b account.Birthday) string {
	// Numbers go in as text: the message printer would write 1,990.
	y, mo, d := strconv.Itoa(b.Year), strconv.Itoa(b.Month), strconv.Itoa(b.Day)
	if b.Year == 0 {
		return lc.F("birthday.md", mo, d)
	}
	return lc.F("birthday.ymd", y, mo, d)
}

// birthdayText is the birthday's and the own coupons' text.
func birthdayText() []msg {
	return []msg{
		{key: "f.birthday", ko: "생일 (선택)", en: "Birthday (optional)"},
		{key: "f.birthday.hint", ko: "예: 1990-05-17 또는 05-17 (연도는 넣지 않아도 됩니다)",
			en: "For example 1990-05-17, or 05-17 without the year"},
		{key: "must be a date such as 1990-05-17, or a month and day such as 05-17", ko: "1990-05-17이나 05-17처럼 입력해 주세요.",
			en: "Enter a date such as 1990-05-17, or a month and day such as 05-17."},
		{key: "is not a date that exists", ko: "달력에 없는 날짜입니다.", en: "That date does not exist."},
		{key: fmt.Sprintf("must have a year from %d to this year", account.MinBirthYear), ko: fmt.Sprintf("연도는 %d년부터 올해까지 입력할 수 있습니다.", account.MinBirthYear),
			en: fmt.Sprintf("The year must be from %d to this year.", account.MinBirthYear)},
		{key: "must not be in the future", ko: "오늘 이후의 날짜는 입력할 수 없습니다.", en: "The date must not be in the future."},
		{key: "account.birthday", ko: "생일", en: "Birthday"},
		{key: "birthday.md", ko: "%s월 %s일", en: "%s/%s"},
		{key: "birthday.ymd", ko: "%s년 %s월 %s일", en: "%s/%s/%s"},
		{key: "coupon.own.title", ko: "내 쿠폰", en: "My coupons"},
		{key: "coupon.own.hint", ko: "주문할 때 쿠폰 코드를 입력하면 할인됩니다.", en: "Enter the code at checkout."},
		{key: "coupon.own.won", ko: "%s 할인", en: "%s off"},
		{key: "coupon.own.percent", ko: "%d%% 할인", en: "%d%% off"},
		{key: "coupon.own.until", ko: "%s까지", en: "until %s"},
	}
}
