// Package inquiry keeps customers' 1:1 inquiries (1:1 문의): a signed-in
// customer asks a question of a type, optionally about one of their
// orders, with up to three photos; staff answer it (and may edit the
// answer), and the customer is mailed in the answer's transaction. Staff
// keep answer templates to start an answer from. Every staff change is
// audited in its transaction. See docs/decisions/0049-customer-care.md.
package inquiry

import (
	"time"
)

// Kind is what an inquiry is about.
type Kind string

// The kinds, in the order the form lists them.
const (
	KindOrder   Kind = "order"   // 주문/배송
	KindCancel  Kind = "cancel"  // 취소/반품
	KindProduct Kind = "product" // 상품
	KindPayment Kind = "payment" // 결제
	KindAccount Kind = "account" // 회원
	KindOther   Kind = "other"   // 기타
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindOrder, KindCancel, KindProduct, KindPayment, KindAccount, KindOther}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Word is k as the Korean form lists it ("주문/배송"), for the staff mail;
// pages name kinds through their message catalogs.
func (k Kind) Word() string {
	switch k {
	case KindOrder:
		return "주문/배송"
	case KindCancel:
		return "취소/반품"
	case KindProduct:
		return "상품"
	case KindPayment:
		return "결제"
	case KindAccount:
		return "회원"
	default:
		return "기타"
	}
}

// Status is where an inquiry stands.
type Status string

// The statuses: open until staff answer.
const (
	Open     Status = "open"
	Answered Status = "answered"
)

// Limits of what a customer and staff write.
const (
	MaxTitle     = 100     // characters
	MaxBody      = 5000    // characters
	MaxAnswer    = 5000    // characters
	MaxPhotos    = 3       // photos per inquiry
	MaxPhotoSize = 5 << 20 // bytes per photo, as return photos
	// MaxRequestBytes is the body limit of the routes that take an inquiry
	// with its photos (base64 in the API's JSON, parts of a form).
	MaxRequestBytes = 24 << 20
	MaxList         = 100 // inquiries per page at most
)

// Inquiry is one 1:1 inquiry with its answer.
type Inquiry struct {
	ID     int64
	UserID int64
	// OrderID and OrderNumber name the order it is about; 0 and "" for none.
	OrderID     int64
	OrderNumber string
	Kind        Kind
	Title       string
	Body        string
	Status      Status
	// Answer is the staff's answer, "" while open; AnsweredBy the staff
	// member who last wrote it and AnsweredAt when.
	Answer     string
	AnsweredBy int64
	AnsweredAt time.Time
	// Photos are the media keys of the photos attached.
	Photos    []string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Upload is a photo as the customer sent it; its type is sniffed from the
// bytes, never taken from the client.
type Upload struct {
	Data []byte
}

// AskInput is an inquiry as a customer writes it.
type AskInput struct {
	UserID int64
	Kind   Kind
	// OrderNumber is one of the customer's orders, or "" for none.
	OrderNumber string
	Title       string
	Body        string
	Photos      []Upload
}

// Filter narrows the staff's queue. Zero fields do not filter.
type Filter struct {
	Status Status
	Kind   Kind
	// Limit is the page size: 50 when 0 or less, at most MaxList.
	Limit  int
	Offset int
}

// Template is an answer text staff keep.
type Template struct {
	ID        int64
	Title     string
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}
