package notify

import (
	"strings"

	"github.com/mallang/mallang/internal/fault"
)

// ReviewHidden tells a customer that staff hid their review of a product,
// with the reason and a link to their reviews. Data: ReviewHiddenData.
const ReviewHidden Template = "review-hidden"

// ReviewHiddenData fills ReviewHidden.
type ReviewHiddenData struct {
	Name    string // may be empty
	Product string // the product's name as ordered
	Reason  string // the staff's reason, plain text
	URL     string // the customer's reviews in their account
}

// Validate returns a *fault.Invalid unless product, reason and an absolute
// URL are given.
func (d ReviewHiddenData) Validate() error {
	var inv fault.Invalid
	if strings.TrimSpace(d.Product) == "" {
		inv.Add("product", "is required")
	}
	if strings.TrimSpace(d.Reason) == "" {
		inv.Add("reason", "is required")
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}

// ReviewRequest asks a customer, some days after delivery, to review what
// they bought, with a link to the review form. Data: ReviewRequestData.
const ReviewRequest Template = "review-request"

// ReviewRequestData fills ReviewRequest.
type ReviewRequestData struct {
	Name    string // may be empty
	Product string // the product's name as ordered
	Points  int64  // points a photo review earns; 0 says nothing of points
	URL     string // the review form
}

// Validate returns a *fault.Invalid unless product and an absolute URL are
// given.
func (d ReviewRequestData) Validate() error {
	var inv fault.Invalid
	if strings.TrimSpace(d.Product) == "" {
		inv.Add("product", "is required")
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}
