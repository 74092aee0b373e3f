// Package settings keeps the shop's settings in the database, where staff
// change them while the shop runs: the shop's name and logo, the customer
// centre, the business information Korean e-commerce law asks every page to
// show, the accounts bank transfers go to and their deadline, the days after
// which a delivered order confirms itself, the return fee and the ways to pay
// that are switched off. It also keeps the legal documents (이용약관,
// 개인정보처리방침) as dated versions.
//
// Every node reads the settings through a cache that asks the database for
// one integer (the settings' version) at most every Config.CheckEvery, so a
// change made on one node is seen on every node within that time without a
// restart (docs/decisions/0048-settings.md).
package settings

import (
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/fault"
)

// Limits of the settings.
const (
	MaxBankAccounts  = 3
	MaxText          = 100 // characters of a name, number or hours line
	MaxAddress       = 200 // characters of the business address
	MaxLogo          = 500 // characters of the logo's address
	MaxReturnFee     = 100000
	MaxConfirmDays   = 60
	MaxDepositHours  = 720
	MaxGradeWindow   = 730
	MaxCheckPoints   = 10000  // points one attendance check earns
	MaxStreakDays    = 31     // the longest streak that earns a bonus
	MaxStreakBonus   = 100000 // points of the streak bonus
	MaxReviewPoints  = 100000 // points one review earns
	MaxRequestDays   = 90     // days after delivery the review request waits
	registrationSize = 10
)

// Settings are the shop's settings. Version is the stored version they
// were read at (0 for values not yet stored); Update refuses a change made
// on an older version with fault.ErrConflict.
type Settings struct {
	Version int64 `json:"-"`
	// ShopName is shown in the header, in every page title and in mails.
	ShopName string `json:"shop_name"`
	// Logo is the path of the shop's logo image on the shop (/media/…: the
	// pages load images from the shop only); empty shows the name instead.
	Logo     string   `json:"logo"`
	Contact  Contact  `json:"contact"`
	Business Business `json:"business"`
	// BankAccounts are the shop's accounts for bank transfers; the first is
	// the one a transfer order names. Bank transfer is offered only with
	// one.
	BankAccounts []BankAccount `json:"bank_accounts"`
	// DepositHours is how long a bank-transfer order waits for the money
	// (1–720 hours).
	DepositHours int `json:"deposit_hours"`
	// ConfirmDays is how many days after delivery an order confirms itself
	// (구매확정, 1–60).
	ConfirmDays int `json:"confirm_days"`
	// ReturnFee is the return shipping, round trip, in won, that a customer
	// pays for a change of mind (0–100,000).
	ReturnFee int64 `json:"return_fee"`
	// GradeWindowDays is how many days of orders the monthly evaluation of
	// membership grades counts (1–730).
	GradeWindowDays int `json:"grade_window_days"`
	// PaymentsOff lists the ways to pay (payment method keys such as
	// "bank_transfer", "toss") that staff switched off: checkout does not
	// offer them and the API refuses them.
	PaymentsOff []string `json:"payments_off"`
	// Attendance is the attendance check (출석체크). A shop whose settings
	// were stored before it existed reads it as off until staff switch it
	// on.
	Attendance Attendance `json:"attendance"`
	// Automations are the mails the shop sends by itself.
	Automations Automations `json:"automations"`
	// Messaging sends the order notices by Kakao 알림톡 (messaging.go).
	// A shop whose settings were stored before it existed reads it as off.
	Messaging Messaging `json:"messaging"`
	// Reviews is the review policy. A shop whose settings were stored
	// before it existed reads it as zero: reviews earn nothing and no
	// request is mailed until staff set them.
	Reviews Reviews `json:"reviews"`
	// Dormancy is the dormant-account policy (dormancy.go). A shop whose
	// settings were stored before it existed reads it as off.
	Dormancy Dormancy `json:"dormancy"`
}

// Reviews is the shop's product review policy.
type Reviews struct {
	// TextPoints are earned by a review without photos, PhotoPoints by one
	// with photos (0–100,000 each; 0: none).
	TextPoints  int64 `json:"text_points"`
	PhotoPoints int64 `json:"photo_points"`
	// RequestAfterDays: the customer is asked by mail to review what was
	// delivered this many days before (0–90; 0: never).
	RequestAfterDays int `json:"request_after_days"`
}

// Attendance is the shop's attendance check policy.
type Attendance struct {
	On bool `json:"on"`
	// Points earned by each day's check (0–10,000).
	Points int64 `json:"points"`
	// StreakDays: every StreakDays-th day in a row also earns StreakBonus
	// points (0: no bonus; at most 31 days, 100,000 points).
	StreakDays  int   `json:"streak_days"`
	StreakBonus int64 `json:"streak_bonus"`
}

// Contact is the customer centre (고객센터).
type Contact struct {
	Phone string `json:"phone"`
	Email string `json:"email"`
	// Hours says when the phone is answered ("평일 10:00–17:00").
	Hours string `json:"hours"`
}

// Business is the information Korean e-commerce law (전자상거래법 제10조)
// asks a shop to show: the company name, the representative, the business
// registration number, the mail-order business report number, the address
// and the person responsible for personal data.
type Business struct {
	Name           string `json:"name"`           // 상호
	Representative string `json:"representative"` // 대표자
	// Registration is the 사업자등록번호 as ten digits.
	Registration string `json:"registration"`
	MailOrder    string `json:"mail_order"` // 통신판매업 신고번호
	Address      string `json:"address"`
	PrivacyName  string `json:"privacy_name"`  // 개인정보보호책임자
	PrivacyEmail string `json:"privacy_email"` // and the address to write to
}

// BankAccount is an account bank transfers go to.
type BankAccount struct {
	Bank    string `json:"bank"`
	Account string `json:"account"`
	Holder  string `json:"holder"`
}

// PaymentOn reports whether method is not switched off.
func (s Settings) PaymentOn(method string) bool { return !slices.Contains(s.PaymentsOff, method) }

// Bank is the account bank transfers go to: the first, or the zero value
// when there is none.
func (s Settings) Bank() BankAccount {
	if len(s.BankAccounts) == 0 {
		return BankAccount{}
	}
	return s.BankAccounts[0]
}

// clone returns s with its slices copied, so a caller cannot change the
// cached value.
func (s Settings) clone() Settings {
	s.BankAccounts = slices.Clone(s.BankAccounts)
	s.PaymentsOff = slices.Clone(s.PaymentsOff)
	s.Automations.ReportTo = slices.Clone(s.Automations.ReportTo)
	return s
}

// ValidRegistration reports whether n is a valid 사업자등록번호: ten digits
// (dashes and spaces allowed between them) whose last digit is the check
// digit of the National Tax Service's rule. It returns the ten digits.
func ValidRegistration(n string) (string, bool) {
	digits := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, n)
	if len(digits) != registrationSize {
		return "", false
	}
	d := make([]int, registrationSize)
	for i, r := range digits {
		if r < '0' || r > '9' {
			return "", false
		}
		d[i] = int(r - '0')
	}
	weights := [9]int{1, 3, 7, 1, 3, 7, 1, 3, 5}
	sum := 0
	for i, w := range weights {
		sum += d[i] * w
	}
	sum += d[8] * 5 / 10
	if (10-sum%10)%10 != d[9] {
		return "", false
	}
	return digits, true
}

// FormatRegistration writes ten digits as 123-45-67890; anything else is
// returned as it is.
func FormatRegistration(digits string) string {
	if len(digits) != registrationSize {
		return digits
	}
	return digits[:3] + "-" + digits[3:5] + "-" + digits[5:]
}

// LookupURL is the Fair Trade Commission's public page that shows the
// mail-order business registered under a 사업자등록번호 (ten digits); the
// law asks shops to link it beside the number.
func LookupURL(digits string) string {
	return "https://www.ftc.go.kr/bizCommPop.do?wrkr_no=" + digits
}

// normalize trims every text field and writes the registration number as
// ten digits when it is valid.
func (s *Settings) normalize() {
	for _, p := range []*string{&s.ShopName, &s.Logo, &s.Contact.Phone, &s.Contact.Email, &s.Contact.Hours,
		&s.Business.Name, &s.Business.Representative, &s.Business.Registration, &s.Business.MailOrder,
		&s.Business.Address, &s.Business.PrivacyName, &s.Business.PrivacyEmail} {
		*p = strings.TrimSpace(*p)
	}
	if d, ok := ValidRegistration(s.Business.Registration); ok {
		s.Business.Registration = d
	}
	var accs []BankAccount
	for _, a := range s.BankAccounts {
		a = BankAccount{Bank: strings.TrimSpace(a.Bank), Account: strings.TrimSpace(a.Account), Holder: strings.TrimSpace(a.Holder)}
		if a != (BankAccount{}) {
			accs = append(accs, a)
		}
	}
	s.BankAccounts = accs
	var off []string
	for _, m := range s.PaymentsOff {
		if m = strings.TrimSpace(m); m != "" && !slices.Contains(off, m) {
			off = append(off, m)
		}
	}
	slices.Sort(off)
	s.PaymentsOff = off
	s.Automations.normalize()
	s.Messaging.normalize()
}

// validate checks s (normalized) into v; methods are the ways to pay the
// shop knows.
func (s Settings) validate(v *fault.Invalid, methods []string) {
	text(v, "shop_name", s.ShopName, MaxText, true)
	if s.Logo != "" {
		text(v, "logo", s.Logo, MaxLogo, false)
		// The pages' Content-Security-Policy loads images from the shop
		// only, so the logo is a path on it (an uploaded /media/… image).
		if !strings.HasPrefix(s.Logo, "/") || strings.HasPrefix(s.Logo, "//") || strings.ContainsAny(s.Logo, "\"<> ") {
			v.Add("logo", "must be a path on the shop, such as /media/…")
		}
	}
	text(v, "contact_phone", s.Contact.Phone, MaxText, false)
	if s.Contact.Phone != "" && !phoneLike(s.Contact.Phone) {
		v.Add("contact_phone", "must be digits (hyphens allowed)")
	}
	email(v, "contact_email", s.Contact.Email)
	text(v, "contact_hours", s.Contact.Hours, MaxText, false)
	text(v, "business_name", s.Business.Name, MaxText, false)
	text(v, "representative", s.Business.Representative, MaxText, false)
	if s.Business.Registration != "" {
		if _, ok := ValidRegistration(s.Business.Registration); !ok {
			v.Add("registration", "is not a valid business registration number")
		}
	}
	text(v, "mail_order", s.Business.MailOrder, MaxText, false)
	text(v, "address", s.Business.Address, MaxAddress, false)
	text(v, "privacy_name", s.Business.PrivacyName, MaxText, false)
	email(v, "privacy_email", s.Business.PrivacyEmail)
	if len(s.BankAccounts) > MaxBankAccounts {
		v.Add("bank_accounts", fmt.Sprintf("must have at most %d accounts", MaxBankAccounts))
	}
	for i, a := range s.BankAccounts {
		f := func(name string) string { return "bank_accounts." + strconv.Itoa(i) + "." + name }
		text(v, f("bank"), a.Bank, 40, true)
		text(v, f("account"), a.Account, 40, true)
		if a.Account != "" && !phoneLike(a.Account) {
			v.Add(f("account"), "must be digits (hyphens allowed)")
		}
		text(v, f("holder"), a.Holder, 60, true)
	}
	if s.DepositHours < 1 || s.DepositHours > MaxDepositHours {
		v.Add("deposit_hours", fmt.Sprintf("must be from 1 to %d hours", MaxDepositHours))
	}
	if s.ConfirmDays < 1 || s.ConfirmDays > MaxConfirmDays {
		v.Add("confirm_days", fmt.Sprintf("must be from 1 to %d days", MaxConfirmDays))
	}
	if s.ReturnFee < 0 || s.ReturnFee > MaxReturnFee {
		v.Add("return_fee", fmt.Sprintf("must be from 0 to %d won", MaxReturnFee))
	}
	if s.GradeWindowDays < 1 || s.GradeWindowDays > MaxGradeWindow {
		v.Add("grade_window_days", fmt.Sprintf("must be from 1 to %d days", MaxGradeWindow))
	}
	if a := s.Attendance; a.Points < 0 || a.Points > MaxCheckPoints {
		v.Add("attendance_points", fmt.Sprintf("must be from 0 to %d points", MaxCheckPoints))
	}
	if a := s.Attendance; a.StreakDays < 0 || a.StreakDays > MaxStreakDays {
		v.Add("streak_days", fmt.Sprintf("must be from 0 to %d days", MaxStreakDays))
	}
	if a := s.Attendance; a.StreakBonus < 0 || a.StreakBonus > MaxStreakBonus {
		v.Add("streak_bonus", fmt.Sprintf("must be from 0 to %d points", MaxStreakBonus))
	}
	s.Automations.validate(v)
	s.Dormancy.validate(v)
	s.Messaging.validate(v)
	if r := s.Reviews; r.TextPoints < 0 || r.TextPoints > MaxReviewPoints {
		v.Add("review_text_points", fmt.Sprintf("must be from 0 to %d points", MaxReviewPoints))
	}
	if r := s.Reviews; r.PhotoPoints < 0 || r.PhotoPoints > MaxReviewPoints {
		v.Add("review_photo_points", fmt.Sprintf("must be from 0 to %d points", MaxReviewPoints))
	}
	if r := s.Reviews; r.RequestAfterDays < 0 || r.RequestAfterDays > MaxRequestDays {
		v.Add("review_request_days", fmt.Sprintf("must be from 0 to %d days", MaxRequestDays))
	}
	for _, m := range s.PaymentsOff {
		if !slices.Contains(methods, m) {
			v.Add("payments_off", "names a way to pay the shop does not have")
		}
	}
}

// text checks a one-line text field: required when asked, at most max
// characters, no control characters.
func text(v *fault.Invalid, field, s string, max int, required bool) {
	switch {
	case required && s == "":
		v.Add(field, "is required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, fmt.Sprintf("must be at most %d characters", max))
	case strings.ContainsFunc(s, unicode.IsControl):
		v.Add(field, "must not contain line breaks or control characters")
	}
}

// email checks an optional email address.
func email(v *fault.Invalid, field, s string) {
	if s == "" {
		return
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || utf8.RuneCountInString(s) > 254 {
		v.Add(field, "must be an email address")
	}
}

// phoneLike reports whether s is digits with hyphens between them.
func phoneLike(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}
