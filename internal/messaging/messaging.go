// Package messaging sends customers the notices of their orders as Kakao
// 알림톡 (with a text message in its place when the shop wants one) instead
// of mail, through a Korean messaging provider (decision 0067).
//
// A Sender is the provider: it sends one 알림톡 from a pre-approved
// template, or one SMS/LMS text. internal/messaging/solapi is the adapter of
// the one provider Mallang speaks (SOLAPI), with a local fake of its
// documented API in solapi/solapitest.
//
// Service decides and delivers. Divert is called by notify.SendToCustomer
// in the transaction of the change a mail tells of (an order placed, its
// bank-transfer instructions, shipped, delivered): when the shop switched
// messaging on, set the event's template code and the customer has a phone
// number, it stores a row in the messages table (unique per order and
// event, so the same notice is stored once) and enqueues its delivery job
// on the same transaction, and the mail is not written. Otherwise the mail
// goes as before. Deliver, the job's work, claims the row, decrypts the
// customer's phone number (only there) and calls the Sender; a message
// that is sent is never sent again, so a job that runs twice sends once.
//
// Phone numbers, template variables and provider keys are never logged;
// errors name the message id.
package messaging

import (
	"context"
	"errors"
)

// Alimtalk is one 알림톡 to send: the shop's pre-approved template with the
// values of its variables.
type Alimtalk struct {
	// To is the recipient's number as digits, "01012345678".
	To string
	// From is the shop's sending number registered with the provider, as
	// digits; a text sent in the 알림톡's place comes from it.
	From string
	// SenderKey is the Kakao channel's key at the provider (SOLAPI's pfId).
	SenderKey string
	// Template is the template's code as the provider approved it.
	Template string
	// Variables are the template's variables by name as the template writes
	// them, "#{주문번호}" → "20260101-0001".
	Variables map[string]string
	// FallbackText: when the 알림톡 cannot be delivered (no KakaoTalk, the
	// channel blocked), the provider sends its text as an SMS or LMS.
	FallbackText bool
}

// Text is one SMS or LMS (a long text, with a subject) to send.
type Text struct {
	To      string // digits
	From    string // digits, the registered sending number
	Subject string // LMS only; may be empty
	Body    string
}

// Receipt is the provider's acceptance of a message.
type Receipt struct {
	// MessageID is the provider's id of the message, kept with the row so
	// staff can find it in the provider's console.
	MessageID string
}

// Sender sends messages through a provider. Its methods return a
// *Refused when the provider turned the message down for good (bad keys,
// a template or number it does not accept): asking again would not help.
// Any other error (network, timeout, the provider's 5xx) may be retried;
// the message may or may not have been accepted.
type Sender interface {
	SendAlimtalk(ctx context.Context, m Alimtalk) (Receipt, error)
	SendText(ctx context.Context, m Text) (Receipt, error)
}

// Refused is the provider's refusal of a message, with its code and its
// message (SOLAPI's errorCode and errorMessage, or a statusCode that is
// not an acceptance). It never holds the recipient's number.
type Refused struct {
	Status  int // HTTP status
	Code    string
	Message string
}

func (e *Refused) Error() string {
	return "refused by the provider: " + e.Code + ": " + e.Message
}

// IsRefused reports whether err is, or wraps, a *Refused.
func IsRefused(err error) bool {
	var r *Refused
	return errors.As(err, &r)
}
