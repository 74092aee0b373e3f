// Package returns is returns and exchanges: before the purchase is
// confirmed, a customer asks to send back whole lines of a delivered order
// for a reason, staff approve or refuse, record the parcel coming back, and
// on receipt refund the lines (through the payment service, withholding
// the return-shipping fee a change of mind costs) or ship the exchange.
//
// The order moves on the returns service's transaction through the order
// service's return steps (order.Service.OpenReturn and the rest), so an
// order in a return cannot be confirmed, and a line is in one open return
// at a time: the database refuses a second (a unique index), so two
// requests at once leave one and the other is fault.ErrConflict. See
// docs/decisions/0039-returns.md.
package returns

import (
	"time"

	"github.com/mallang/mallang/internal/payment"
)

// Kind is what the customer wants: their money back or the same goods again.
type Kind string

// The kinds of request.
const (
	KindReturn   Kind = "return"
	KindExchange Kind = "exchange"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindReturn || k == KindExchange }

// Reason is why the customer sends the goods back, from the list the forms
// show.
type Reason string

// The reasons a customer picks from.
const (
	ChangeOfMind Reason = "change_of_mind" // 단순 변심
	Defect       Reason = "defect"         // 상품 불량
	WrongItem    Reason = "wrong_item"     // 오배송
	Damaged      Reason = "damaged"        // 파손 (in transit)
	Other        Reason = "other"          // 기타
)

// Reasons lists the reasons in the order the forms show them.
var Reasons = []Reason{ChangeOfMind, Defect, WrongItem, Damaged, Other}

// Valid reports whether r is a known reason.
func (r Reason) Valid() bool {
	for _, v := range Reasons {
		if v == r {
			return true
		}
	}
	return false
}

// CustomerPays reports whether the customer pays the return shipping for
// r: a change of mind, or another reason of theirs (staff may waive the fee
// when they approve); the shop pays for its own faults (a defect, a wrong
// item, damage in transit).
func (r Reason) CustomerPays() bool { return r == ChangeOfMind || r == Other }

// Status is where a request stands.
type Status string

// The statuses of a request. Requested, approved, sent back and received
// are open: the lines are held and the order cannot be confirmed.
const (
	Requested Status = "requested"
	Approved  Status = "approved"
	Refused   Status = "refused"
	SentBack  Status = "sent_back" // the parcel coming back is recorded
	Received  Status = "received"  // the goods are back; refund or exchange follows
	Refunded  Status = "refunded"  // the refund was made (it may await a transfer; see the payment's refund)
	Exchanged Status = "exchanged" // the exchange's parcel left
)

// Statuses lists every status, in the order a request goes through them.
var Statuses = []Status{Requested, Approved, SentBack, Received, Refunded, Exchanged, Refused}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Open reports whether a request in s still holds its lines.
func (s Status) Open() bool { return s == Requested || s == Approved || s == SentBack || s == Received }

// Limits of a request.
const (
	MaxNote      = 1000    // characters of the customer's text
	MaxRefusal   = 200     // characters of a refusal's reason
	MaxPhotos    = 3       // photos per request
	MaxPhotoSize = 5 << 20 // bytes per photo
	// MaxRequestBytes is the body limit of the routes that take a request
	// (web form, API JSON): MaxPhotos of MaxPhotoSize, base64 in JSON, and
	// the rest.
	MaxRequestBytes = 24 << 20
)

// Return is a return or exchange request.
type Return struct {
	ID      int64
	OrderID int64
	UserID  int64
	// Number is the order's number.
	Number string
	Kind   Kind
	Reason Reason
	Note   string
	Status Status
	// Fee is the return shipping the customer pays, in won: withheld from
	// the refund of a return; 0 when the shop pays.
	Fee int64
	// Refusal is the staff's reason when Refused.
	Refusal string
	// BackCarrier and BackTracking name the parcel coming back; SelfSent
	// says the customer sends it their own way instead.
	BackCarrier  string
	BackTracking string
	SelfSent     bool
	// Resellable is the staff's word on the goods received: only then did
	// their stock come back.
	Resellable bool
	// RefundID is the payment's refund of a refunded return.
	RefundID int64
	// ExchangeCarrier and ExchangeTracking name the exchange's parcel.
	ExchangeCarrier  string
	ExchangeTracking string
	// Account is where a refund of money that came by bank transfer or a
	// virtual account goes, decrypted: show it whole to staff only, Masked
	// to the customer. nil when the payment needs none.
	Account   *payment.BankAccount
	Lines     []Line
	Photos    []Photo
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Line is an order line a request sends back, whole.
type Line struct {
	LineID   int64
	Name     string
	Options  string
	Quantity int64
	// Amount is the line's total after its discount, in won.
	Amount int64
}

// Photo is a photo the customer attached, stored in media.
type Photo struct {
	Key         string
	ContentType string
}

// Upload is a photo as the customer sent it; its type is sniffed from the
// bytes, never taken from the client.
type Upload struct {
	Data []byte
}

// RequestInput is a customer's request.
type RequestInput struct {
	UserID  int64
	OrderID int64
	Kind    Kind
	// LineIDs are the lines to send back, whole; at least one.
	LineIDs []int64
	Reason  Reason
	Note    string
	Photos  []Upload
	// Account receives the refund of a return whose money came by bank
	// transfer or a virtual account: required then, ignored otherwise.
	Account *payment.BankAccount
}

// Filter narrows the staff's list.
type Filter struct {
	// Status, when set, keeps the requests in it; "open" keeps every open
	// one.
	Status string
	Limit  int // 1 to MaxList; 0 means 50
	Offset int
}

// MaxList is the most requests List returns at once.
const MaxList = 200
