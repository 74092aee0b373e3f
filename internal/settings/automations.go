package settings

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/mallang/mallang/internal/fault"
)

// Automations are the mails the shop sends by itself (internal/automation).
// A shop whose settings were stored before they existed reads every one as
// off until staff switch it on.
type Automations struct {
	// CartReminder: a customer who agreed to marketing mail and left a
	// cart untouched for CartHours (1–168) is reminded once.
	CartReminder bool `json:"cart_reminder"`
	CartHours    int  `json:"cart_hours"`
	// PointsNotice: customers hear PointsDays (1–90) ahead that points
	// expire.
	PointsNotice bool `json:"points_notice"`
	PointsDays   int  `json:"points_days"`
	// ConfirmReminder: a customer whose order was delivered ConfirmDays
	// (1–60) days ago and is not confirmed is reminded once.
	ConfirmReminder bool `json:"confirm_reminder"`
	ConfirmDays     int  `json:"confirm_reminder_days"`
	// DailyReport mails yesterday's sales to ReportTo (up to 10
	// addresses) from ReportHour (0–23, Korean time).
	DailyReport bool     `json:"daily_report"`
	ReportHour  int      `json:"report_hour"`
	ReportTo    []string `json:"report_to"`
	// BirthdayCoupon gives every customer who gave a birthday a coupon
	// BirthdayDaysBefore (0–30) days before it, once a year, usable for
	// BirthdayValidDays (1–365) days: BirthdayAmount won off
	// (BirthdayKind "fixed") or percent off ("percent", 1–100, capped by
	// BirthdayMaxDiscount won, 0 no cap), on orders of BirthdayMinOrder
	// won or more. Those who agreed to marketing mail are told by mail.
	BirthdayCoupon      bool   `json:"birthday_coupon"`
	BirthdayKind        string `json:"birthday_kind"`
	BirthdayAmount      int64  `json:"birthday_amount"`
	BirthdayMaxDiscount int64  `json:"birthday_max_discount"`
	BirthdayMinOrder    int64  `json:"birthday_min_order"`
	BirthdayValidDays   int    `json:"birthday_valid_days"`
	BirthdayDaysBefore  int    `json:"birthday_days_before"`
}

// Limits of the automations.
const (
	MaxCartHours      = 168
	MaxPointsDays     = 90
	MaxReminderDays   = 60
	MaxReportAdresses = 10
	MaxBirthdayValid  = 365
	MaxBirthdayBefore = 30
	// MaxBirthdayAmount bounds the birthday coupon's won amounts.
	MaxBirthdayAmount = 10_000_000
)

// DefaultAutomations are a new shop's: the service mails on, the cart
// reminder (marketing) and the report (no address yet) off.
func DefaultAutomations() Automations {
	return Automations{CartHours: 24, PointsNotice: true, PointsDays: 30, ConfirmReminder: true, ConfirmDays: 3, ReportHour: 8,
		BirthdayKind: "fixed", BirthdayAmount: 3000, BirthdayValidDays: 30, BirthdayDaysBefore: 7}
}

// Equal tells whether a and b are the same policy.
func (a Automations) Equal(b Automations) bool {
	// Every field but the addresses compares as it is, so a field added
	// later is compared (and its change audited) without a line here.
	ra, rb := a.ReportTo, b.ReportTo
	a.ReportTo, b.ReportTo = nil, nil
	return reflect.DeepEqual(a, b) && slices.Equal(ra, rb)
}

func (a *Automations) normalize() {
	var to []string
	for _, t := range a.ReportTo {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(to, t) {
			to = append(to, t)
		}
	}
	a.ReportTo = to
}

func (a Automations) validate(v *fault.Invalid) {
	between := func(field string, n, lo, hi int, unit string) {
		if n < lo || n > hi {
			v.Add(field, fmt.Sprintf("must be from %d to %d %s", lo, hi, unit))
		}
	}
	if a.CartReminder || a.CartHours != 0 {
		between("cart_hours", a.CartHours, 1, MaxCartHours, "hours")
	}
	if a.PointsNotice || a.PointsDays != 0 {
		between("points_days", a.PointsDays, 1, MaxPointsDays, "days")
	}
	if a.ConfirmReminder || a.ConfirmDays != 0 {
		between("confirm_reminder_days", a.ConfirmDays, 1, MaxReminderDays, "days")
	}
	between("report_hour", a.ReportHour, 0, 23, "o'clock")
	if len(a.ReportTo) > MaxReportAdresses {
		v.Add("report_to", fmt.Sprintf("must be at most %d addresses", MaxReportAdresses))
	}
	for _, t := range a.ReportTo {
		var one fault.Invalid
		email(&one, "report_to", t)
		if one.Err() != nil {
			v.Add("report_to", "must be email addresses, one per line")
			break
		}
	}
	if a.DailyReport && len(a.ReportTo) == 0 {
		v.Add("report_to", "is required to send the daily report")
	}
	a.validateBirthday(v)
}

// validateBirthday checks the birthday coupon's terms; while it is off,
// only numbers that could never be right are refused.
func (a Automations) validateBirthday(v *fault.Invalid) {
	won := func(field string, n int64) {
		if n < 0 || n > MaxBirthdayAmount {
			v.Add(field, "must be from 0 to 10,000,000 won")
		}
	}
	won("birthday_max_discount", a.BirthdayMaxDiscount)
	won("birthday_min_order", a.BirthdayMinOrder)
	if a.BirthdayDaysBefore < 0 || a.BirthdayDaysBefore > MaxBirthdayBefore {
		v.Add("birthday_days_before", fmt.Sprintf("must be from 0 to %d days", MaxBirthdayBefore))
	}
	if !a.BirthdayCoupon && a.BirthdayKind == "" && a.BirthdayAmount == 0 && a.BirthdayValidDays == 0 {
		return // a shop that never set it up
	}
	switch a.BirthdayKind {
	case "fixed":
		if a.BirthdayAmount < 1 || a.BirthdayAmount > MaxBirthdayAmount {
			v.Add("birthday_amount", "must be from 1 to 10,000,000 won")
		}
	case "percent":
		if a.BirthdayAmount < 1 || a.BirthdayAmount > 100 {
			v.Add("birthday_amount", "must be a percentage from 1 to 100")
		}
	default:
		v.Add("birthday_kind", "must be fixed or percent")
	}
	if a.BirthdayValidDays < 1 || a.BirthdayValidDays > MaxBirthdayValid {
		v.Add("birthday_valid_days", fmt.Sprintf("must be from 1 to %d days", MaxBirthdayValid))
	}
}
