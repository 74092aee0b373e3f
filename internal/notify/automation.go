package notify

import (
	"time"

	"github.com/mallang/mallang/internal/fault"
)

// The automations' templates (internal/automation).
const (
	// CartReminder reminds a customer who agreed to marketing mail of a
	// cart left behind; it carries the link that withdraws the consent.
	// Its data is a CartReminderData.
	CartReminder Template = "cart-reminder"
	// PointsExpiring tells a customer that points expire soon. Its data is
	// a PointsExpiringData.
	PointsExpiring Template = "points-expiring"
	// ConfirmReminder asks a customer to confirm a delivered order. Its
	// data is a ConfirmReminderData.
	ConfirmReminder Template = "confirm-reminder"
	// DailyReport is yesterday's sales, mailed to staff. Its data is a
	// DailyReportData.
	DailyReport Template = "daily-report"
)

// CartReminderData fills CartReminder.
type CartReminderData struct {
	Name        string // may be empty
	Lines       int64  // how many products are in the cart
	URL         string // the cart page
	Unsubscribe string // the link that ends marketing mail without signing in
}

// UnsubscribeLink makes the reminder marketing mail with its one-click
// unsubscribe headers.
func (d CartReminderData) UnsubscribeLink() string { return d.Unsubscribe }

// Validate returns a *fault.Invalid unless both links are absolute and
// the cart holds something.
func (d CartReminderData) Validate() error {
	var inv fault.Invalid
	checkURL(&inv, d.URL)
	if d.Lines < 1 {
		inv.Add("lines", "must be at least 1")
	}
	var un fault.Invalid
	checkURL(&un, d.Unsubscribe)
	if un.Err() != nil {
		inv.Add("unsubscribe", "must be an absolute http or https link")
	}
	return inv.Err()
}

// PointsExpiringData fills PointsExpiring.
type PointsExpiringData struct {
	Name      string // may be empty
	Amount    int64  // points that expire
	ExpiresAt time.Time
	URL       string // the customer's points page
}

// Validate returns a *fault.Invalid unless the amount is positive, the
// time set and the link absolute.
func (d PointsExpiringData) Validate() error {
	var inv fault.Invalid
	if d.Amount < 1 {
		inv.Add("amount", "must be positive")
	}
	if d.ExpiresAt.IsZero() {
		inv.Add("expires_at", "is required")
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}

// ConfirmReminderData fills ConfirmReminder.
type ConfirmReminderData struct {
	Name   string // may be empty
	Number string // the order's number
	URL    string // the order's page
}

// Validate returns a *fault.Invalid unless the number is set and the link
// absolute.
func (d ConfirmReminderData) Validate() error {
	var inv fault.Invalid
	checkNumber(&inv, d.Number)
	checkURL(&inv, d.URL)
	return inv.Err()
}

// DailyReportData fills DailyReport: one Korean day's sales.
type DailyReportData struct {
	Day     time.Time // any time in the day (Korean)
	Orders  int64
	Paid    int64 // won charged
	Refunds int64 // won sent back
	Net     int64 // Paid - Refunds
	Top     []ReportProduct
}

// ReportProduct is one of the day's best-selling products.
type ReportProduct struct {
	Name  string
	Items int64
	Net   int64
}

// Validate returns a *fault.Invalid unless the day is set.
func (d DailyReportData) Validate() error {
	var inv fault.Invalid
	if d.Day.IsZero() {
		inv.Add("day", "is required")
	}
	return inv.Err()
}
