// Package stats keeps the shop's sales statistics: daily summaries by
// channel, payment method, customer grade, new or returning customer, and
// by variant (so product, SKU and category), kept in the transaction that
// pays an order or records its refund done, and recomputable from the
// orders and refunds (Rebuild). Every figure is in won; a day is a Korean
// calendar day (Asia/Seoul). An order counts on the day it was paid, a
// refund on the day its money went back (decision 0059).
//
// Queries read the summaries only, never the orders, so a page answers in
// the same time at a thousand orders and at a million.
package stats

import (
	"time"

	"github.com/mallang/mallang/internal/kst"
)

// DayLayout is how a day is written in the summaries and in URLs.
const DayLayout = "2006-01-02"

// Day returns the Korean calendar day of t as "2006-01-02".
func Day(t time.Time) string { return t.In(kst.Zone).Format(DayLayout) }

// Figures are the sales of one row of a report. Amounts are won.
type Figures struct {
	Orders int64 `db:"orders"`
	Items  int64 `db:"items"`
	Gross  int64 `db:"gross"`  // lines before any discount
	Coupon int64 `db:"coupon"` // coupon discounts
	// GradeDiscount is the membership grades' discounts (등급 할인).
	GradeDiscount int64 `db:"grade_discount"`
	Points        int64 `db:"points"`   // points spent
	Shipping      int64 `db:"shipping"` // shipping fees with surcharges
	Paid          int64 `db:"paid"`     // charged: gross - grade discount - coupon - points + shipping
	Refunds       int64 `db:"refunds"`  // money sent back
	// RefundCount is how many refunds were done.
	RefundCount int64 `db:"refund_count"`
}

// Net is what the shop kept: paid less refunds.
func (f Figures) Net() int64 { return f.Paid - f.Refunds }

// Discounts is grade discounts, coupons and points together.
func (f Figures) Discounts() int64 { return f.GradeDiscount + f.Coupon + f.Points }

// Add adds g to f.
func (f *Figures) Add(g Figures) {
	f.Orders += g.Orders
	f.Items += g.Items
	f.Gross += g.Gross
	f.Coupon += g.Coupon
	f.GradeDiscount += g.GradeDiscount
	f.Points += g.Points
	f.Shipping += g.Shipping
	f.Paid += g.Paid
	f.Refunds += g.Refunds
	f.RefundCount += g.RefundCount
}

// Customer kinds: an order is its customer's first paid order, or not.
const (
	NewCustomer       = "new"
	ReturningCustomer = "returning"
)
