package notify

import (
	"strings"

	"github.com/mallang/mallang/internal/fault"
)

// InquiryAnswered tells a customer that staff answered (or edited the
// answer to) their 1:1 inquiry, with the answer and a link to it. Data:
// InquiryData.
const InquiryAnswered Template = "inquiry-answered"

// StaffInquiryAsked tells staff a customer wrote a 1:1 inquiry, with its
// text and a link to it in the back office. Data: StaffInquiryData.
const StaffInquiryAsked Template = "staff-inquiry-asked"

// StaffInquiryData fills StaffInquiryAsked.
type StaffInquiryData struct {
	Customer string // the customer's name; may be empty
	Kind     string // the type the customer picked, as the list shows it: "주문/배송"
	Order    string // the order number it is about; may be empty
	Title    string
	Body     string // plain text
	Photos   int    // photos attached
	URL      string // the inquiry in the back office
}

// Validate returns a *fault.Invalid unless kind, title, body and an
// absolute URL are given.
func (d StaffInquiryData) Validate() error {
	var inv fault.Invalid
	for field, v := range map[string]string{"kind": d.Kind, "title": d.Title, "body": d.Body} {
		if strings.TrimSpace(v) == "" {
			inv.Add(field, "is required")
		}
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}

// InquiryData fills InquiryAnswered.
type InquiryData struct {
	Name   string // may be empty
	Title  string // the customer's title
	Answer string // the staff's answer, plain text
	Edited bool   // the answer was changed after it was first sent
	URL    string // the inquiry in the customer's account
}

// Validate returns a *fault.Invalid unless title, answer and an absolute
// URL are given.
func (d InquiryData) Validate() error {
	var inv fault.Invalid
	if strings.TrimSpace(d.Title) == "" {
		inv.Add("title", "is required")
	}
	if strings.TrimSpace(d.Answer) == "" {
		inv.Add("answer", "is required")
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}
