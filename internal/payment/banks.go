package payment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/fault"
)

// Bank is a Korean bank a refund can be sent to.
type Bank struct {
	// Code is the bank's three-digit code of the Korea Financial
	// Telecommunications and Clearings Institute (금융결제원 표준 은행코드),
	// which every Korean banking system knows it by.
	Code string
	Name string // Korean, as customers know it
	// NameEN is the English name.
	NameEN string
}

// banks are the banks offered for a refund account, in the order the
// customer's list shows them: the most used first.
var banks = []Bank{
	{"004", "KB국민은행", "KB Kookmin Bank"},
	{"088", "신한은행", "Shinhan Bank"},
	{"020", "우리은행", "Woori Bank"},
	{"081", "하나은행", "Hana Bank"},
	{"011", "NH농협은행", "NH NongHyup Bank"},
	{"012", "지역농·축협", "NongHyup (local)"},
	{"003", "IBK기업은행", "IBK Industrial Bank"},
	{"090", "카카오뱅크", "KakaoBank"},
	{"092", "토스뱅크", "Toss Bank"},
	{"089", "케이뱅크", "K Bank"},
	{"023", "SC제일은행", "SC First Bank"},
	{"027", "한국씨티은행", "Citibank Korea"},
	{"031", "iM뱅크(대구)", "iM Bank (Daegu)"},
	{"032", "부산은행", "Busan Bank"},
	{"034", "광주은행", "Gwangju Bank"},
	{"035", "제주은행", "Jeju Bank"},
	{"037", "전북은행", "Jeonbuk Bank"},
	{"039", "경남은행", "Kyongnam Bank"},
	{"002", "KDB산업은행", "KDB Korea Development Bank"},
	{"007", "Sh수협은행", "Suhyup Bank"},
	{"045", "새마을금고", "MG Community Credit Cooperatives"},
	{"048", "신협", "Credit Union (Shinhyup)"},
	{"050", "저축은행", "Savings Bank"},
	{"064", "산림조합", "Korea Forestry Cooperatives"},
	{"071", "우체국", "Korea Post"},
}

// Banks lists the banks a refund account may be at, for the forms' lists.
// The caller may not change the slice.
func Banks() []Bank { return banks }

// BankName returns the Korean name of the bank with code, or code itself
// when it is not in the list (a value stored before the list changed).
func BankName(code string) string {
	for _, b := range banks {
		if b.Code == code {
			return b.Name
		}
	}
	return code
}

// Limits of a refund account.
const (
	MinAccountDigits = 10 // Korean account numbers have 10 to 14 digits;
	MaxAccountDigits = 16 // virtual and securities accounts up to 16.
	MaxAccountHolder = 30 // characters
)

// Fields of a refund account in a *fault.Invalid.
const (
	FieldRefundBank   = "refund_bank"
	FieldRefundNumber = "refund_number"
	FieldRefundHolder = "refund_holder"
)

// CleanAccount returns acc as stored: the number without the hyphens and
// spaces people type, the holder's name trimmed. It checks acc and adds to
// v a message per field at fault (FieldRefundBank, FieldRefundNumber,
// FieldRefundHolder); acc == nil is reported as every field missing.
func CleanAccount(v *fault.Invalid, acc *BankAccount) BankAccount {
	if acc == nil {
		acc = &BankAccount{}
	}
	out := BankAccount{Bank: strings.TrimSpace(acc.Bank), Holder: strings.TrimSpace(acc.Holder)}
	out.Account = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.TrimSpace(acc.Account))
	switch {
	case out.Bank == "":
		v.Add(FieldRefundBank, "is required")
	case BankName(out.Bank) == out.Bank:
		v.Add(FieldRefundBank, "is not a bank in the list")
	}
	switch n := len(out.Account); {
	case n == 0:
		v.Add(FieldRefundNumber, "is required")
	case strings.ContainsFunc(out.Account, func(r rune) bool { return r < '0' || r > '9' }):
		v.Add(FieldRefundNumber, "must be digits (hyphens allowed)")
	case n < MinAccountDigits || n > MaxAccountDigits:
		v.Add(FieldRefundNumber, "must have 10 to 16 digits")
	}
	switch n := utf8.RuneCountInString(out.Holder); {
	case n == 0:
		v.Add(FieldRefundHolder, "is required")
	case !utf8.ValidString(out.Holder) || strings.ContainsFunc(out.Holder, unicode.IsControl):
		v.Add(FieldRefundHolder, "must not contain line breaks or control characters")
	case n > MaxAccountHolder:
		v.Add(FieldRefundHolder, "must be at most 30 characters")
	}
	return out
}

// Masked is the account as shown to anyone but staff: the bank's name and
// the number's last four digits ("신한은행 ****6789").
func (a BankAccount) Masked() string {
	n := a.Account
	if len(n) > 4 {
		n = "****" + n[len(n)-4:]
	}
	return strings.TrimSpace(BankName(a.Bank) + " " + n)
}
