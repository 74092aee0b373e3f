package notify

import (
	"strings"

	"github.com/mallang/mallang/internal/fault"
)

// GradeChanged tells a customer the monthly evaluation moved them to
// another membership grade, with what the new grade gives and a link to
// the account page. Data: GradeData.
const GradeChanged Template = "grade-changed"

// GradeData fills GradeChanged.
type GradeData struct {
	Name     string // the customer's name; may be empty
	From, To string // the grades' names, as the shop calls them
	Up       bool   // the new grade is higher than the old one
	Year     int    // the year and month (1–12) the grade holds from
	MonthNo  int
	Earn     string // the new grade's earn rate, "3%" or "1.5%"
	Discount int    // the new grade's discount in percent; 0 when none
	URL      string // the account page
}

// Validate returns a *fault.Invalid unless both grades, the month and an
// absolute URL are given.
func (d GradeData) Validate() error {
	var inv fault.Invalid
	if strings.TrimSpace(d.From) == "" {
		inv.Add("from", "is required")
	}
	if strings.TrimSpace(d.To) == "" {
		inv.Add("to", "is required")
	}
	if d.Year < 2000 || d.MonthNo < 1 || d.MonthNo > 12 {
		inv.Add("month", "is required")
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}
