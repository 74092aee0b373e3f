// Package points keeps the points (적립금) ledger of customers: points earned
// on orders, reviews and attendance, spent at checkout, given back when an
// order is cancelled, adjusted by staff, and expired.
//
// Every change is an entry with a signed amount and the balance after it.
// Credits that can be spent (earn entries and positive adjustments) are lots:
// each keeps what is left of it, and debits take from the lot that expires
// soonest first, so that what expires later is exactly what was not spent.
// The balance of a customer is one row, and every change starts with that
// row, so the changes of one customer run one at a time on both engines.
// Spending is a conditional update that never takes the balance below zero;
// only a refund taking back points the customer has spent already does
// (decision 0040): the lots are empty then, and credits pay that debt off
// before they become lots again.
package points

import "time"

// The kinds of entries.
const (
	KindEarn   = "earn"   // points credited for an order, a review or attendance; a lot
	KindSpend  = "spend"  // points used on an order
	KindExpire = "expire" // what was left of lots past their expiry
	KindAdjust = "adjust" // a staff correction; a lot when positive
	KindRefund = "refund" // points an order spent, given back when it is cancelled or refunded; a lot
	KindRevoke = "revoke" // points an order earned, taken back when its lines are refunded
)

// Entry is one line of a customer's points ledger. Amount is in points
// (1 point is ₩1), positive for credits and negative for debits.
type Entry struct {
	ID           int64
	UserID       int64
	Kind         string
	Amount       int64
	BalanceAfter int64
	// OrderID is the order the entry belongs to, 0 for none.
	OrderID int64
	Memo    string
	// ExpiresAt is when what remains of a lot expires; zero means never
	// (and is always zero for entries that are not lots).
	ExpiresAt time.Time
	// Remaining is what is left of a lot to spend or expire; 0 for other
	// entries.
	Remaining int64
	// ActorID is the staff member who made an adjustment, 0 for none.
	ActorID   int64
	CreatedAt time.Time
}
