package settings

import (
	"strings"

	"github.com/mallang/mallang/internal/fault"
)

// MaxTemplateCode is the longest 알림톡 template code or channel key, in
// characters (the messages below say 64).
const MaxTemplateCode = 64

// Messaging is how the shop sends the notices of an order by Kakao 알림톡
// (internal/messaging, decision 0067). The provider's API key and secret
// are not here: they come from the environment, like the payment
// providers' keys, so no secret is stored in the database or shown on a
// page.
type Messaging struct {
	// On sends by 알림톡 the notices whose template code is set, to
	// customers with a phone number; the others, and every notice while
	// off, go by mail.
	On bool `json:"on"`
	// Sender is the shop's sending number registered with the provider
	// (발신번호), stored as digits.
	Sender string `json:"sender"`
	// SenderKey is the Kakao channel's key at the provider (발신 프로필
	// 키; SOLAPI calls it pfId).
	SenderKey string `json:"sender_key"`
	// Templates are the codes of the shop's templates Kakao approved, per
	// notice; an empty code sends that notice by mail.
	Templates MessageTemplates `json:"templates"`
	// FallbackSMS has the provider send the notice as a text message when
	// the 알림톡 cannot be delivered (대체 발송).
	FallbackSMS bool `json:"fallback_sms"`
}

// MessageTemplates are the 알림톡 template codes of the order notices.
type MessageTemplates struct {
	Placed    string `json:"placed"`    // order placed
	Deposit   string `json:"deposit"`   // where to send a bank transfer
	Shipped   string `json:"shipped"`   // carrier and tracking number
	Delivered string `json:"delivered"` // arrived; confirms itself on a date
}

// normalize trims the fields and writes the sender as digits.
func (m *Messaging) normalize() {
	for _, p := range []*string{&m.Sender, &m.SenderKey, &m.Templates.Placed, &m.Templates.Deposit,
		&m.Templates.Shipped, &m.Templates.Delivered} {
		*p = strings.TrimSpace(*p)
	}
	if phoneLike(m.Sender) {
		m.Sender = strings.ReplaceAll(m.Sender, "-", "")
	}
}

// validate checks m (normalized) into v. While on, the sender and the
// channel are required; a code, when given, is letters, digits, '_' and
// '-' only.
func (m Messaging) validate(v *fault.Invalid) {
	switch {
	case m.Sender == "" && m.On:
		v.Add("messaging_sender", "is required to send messages")
	case m.Sender != "" && (!phoneLike(m.Sender) || len(m.Sender) < 8 || len(m.Sender) > 12):
		v.Add("messaging_sender", "must be a phone number of 8 to 12 digits (hyphens allowed)")
	}
	switch {
	case m.SenderKey == "" && m.On:
		v.Add("messaging_sender_key", "is required to send messages")
	case m.SenderKey != "" && !code(m.SenderKey):
		v.Add("messaging_sender_key", "must be up to 64 letters, digits, _ or -")
	}
	for _, t := range []struct{ field, code string }{{"template_placed", m.Templates.Placed},
		{"template_deposit", m.Templates.Deposit}, {"template_shipped", m.Templates.Shipped},
		{"template_delivered", m.Templates.Delivered}} {
		if t.code != "" && !code(t.code) {
			v.Add(t.field, "must be up to 64 letters, digits, _ or -")
		}
	}
}

// code reports whether s is a provider's code: 1 to MaxTemplateCode ASCII
// letters, digits, '_' and '-'.
func code(s string) bool {
	if s == "" || len(s) > MaxTemplateCode {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' && r != '-' {
			return false
		}
	}
	return true
}
