package notify

import (
	"strings"

	"github.com/mallang/mallang/internal/fault"
)

// InquiryAnswered tells a customer that staff answered (or edited the
// answer to) their 1:1 inquiry, with the answer and a link to it. Data:
// InquiryData.
const InquiryAnswered Template = "inquiry-answered"

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
