package notify

import (
	"time"

	"github.com/mallang/mallang/internal/fault"
)

// The dormant-account templates (docs/decisions/0069-dormant-accounts.md).
const (
	// DormancyNotice tells a customer, 30 days ahead, the day their account
	// goes dormant unless they sign in. Its data is a DormancyNoticeData.
	DormancyNotice Template = "dormancy-notice"
	// AccountDormant answers a sign-in of a dormant account: the one-time
	// link that brings the account and its data back. Its data is a
	// LinkData.
	AccountDormant Template = "account-dormant"
	// DormancyPolicy tells members that the shop's dormancy policy became
	// stricter. Its data is a DormancyPolicyData.
	DormancyPolicy Template = "dormancy-policy"
)

// DormancyNoticeData fills DormancyNotice.
type DormancyNoticeData struct {
	Name   string    // may be empty
	On     time.Time // the day the account goes dormant
	Months int       // the shop's period without a sign-in
	URL    string    // the sign-in page
}

// Validate returns a *fault.Invalid unless the day and period are set and
// the link absolute.
func (d DormancyNoticeData) Validate() error {
	var inv fault.Invalid
	if d.On.IsZero() {
		inv.Add("on", "is required")
	}
	if d.Months < 1 {
		inv.Add("months", "must be at least 1")
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}

// DormancyPolicyData fills DormancyPolicy.
type DormancyPolicyData struct {
	Name   string // may be empty
	Months int    // the new period without a sign-in
	URL    string // the sign-in page
}

// Validate returns a *fault.Invalid unless the period is set and the link
// absolute.
func (d DormancyPolicyData) Validate() error {
	var inv fault.Invalid
	if d.Months < 1 {
		inv.Add("months", "must be at least 1")
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}
