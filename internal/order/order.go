// Package order places and keeps customers' orders: checkout in one
// transaction (re-priced by internal/pricing, stock taken with a conditional
// update so the last unit is never sold twice, coupon and points recorded,
// names and prices copied onto the lines), the order's life from payment to
// delivery, return and refund as a state machine whose every step is checked
// in the statement that makes it and recorded in a history, the expiry of
// unpaid orders, and shipments with the carrier's tracking link.
//
// The recipient, phone, postcode, address lines and delivery note are
// personal data, stored encrypted with internal/crypt and bound to the
// order's row; EncryptedColumns lists them for key rotation. See
// docs/decisions/0025-orders.md.
package order

import (
	"crypto/rand"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/pricing"
)

// Status is where an order, or one of its lines, is in its life.
type Status string

// The statuses, in the order a normal order goes through them, then the
// ways out.
const (
	PendingPayment    Status = "pending_payment"  // placed, waiting for the payment to be confirmed
	AwaitingDeposit   Status = "awaiting_deposit" // bank transfer or virtual account: waiting for the money
	Paid              Status = "paid"
	Preparing         Status = "preparing" // the seller is packing it
	Shipped           Status = "shipped"
	Delivered         Status = "delivered"
	Completed         Status = "completed" // the customer confirmed the purchase (구매확정), or time did
	Cancelled         Status = "cancelled" // before shipping; stock, coupon and points came back
	ReturnRequested   Status = "return_requested"
	Returned          Status = "returned" // the goods came back; stock only for what staff judged resellable
	Refunded          Status = "refunded"
	PartiallyRefunded Status = "partially_refunded"
)

// Statuses lists every status, in the order above.
var Statuses = []Status{PendingPayment, AwaitingDeposit, Paid, Preparing, Shipped, Delivered, Completed,
	Cancelled, ReturnRequested, Returned, Refunded, PartiallyRefunded}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Channel is where an order was placed, kept for statistics.
type Channel string

// The channels.
const (
	PCWeb     Channel = "pc_web"
	MobileWeb Channel = "mobile_web"
	API       Channel = "api"
)

func (c Channel) valid() bool { return c == PCWeb || c == MobileWeb || c == API }

// ActorKind says who made a change.
type ActorKind string

// The kinds of actor.
const (
	ByCustomer ActorKind = "customer"
	ByStaff    ActorKind = "staff"
	BySystem   ActorKind = "system" // jobs and payment callbacks
)

// Actor is who makes a change: a customer or staff member by user id, or the
// system (ID 0).
type Actor struct {
	Kind ActorKind
	ID   int64
	// Audit names a staff member in the audit log (their email address,
	// and the address and user agent they acted from); Staff sets it. The
	// history keeps only Kind and ID.
	Audit audit.Actor
}

// Customer is the customer with user id id, acting on their own order.
func Customer(id int64) Actor { return Actor{Kind: ByCustomer, ID: id} }

// Staff is staff member a. Their changes of status (Transition, Ship) are
// recorded in the audit log as well as in the history.
func Staff(a audit.Actor) Actor { return Actor{Kind: ByStaff, ID: a.UserID, Audit: a} }

// System is the shop itself: the expiry job, payment confirmations.
var System = Actor{Kind: BySystem}

// PaymentPoints is the payment method of an order whose whole total was paid
// with points; such an order is paid the moment it is placed.
const PaymentPoints = "points"

// Longest values accepted.
const (
	MaxIdempotencyKey = 64 // bytes
	MaxPaymentMethod  = 32 // bytes
	MaxReason         = 500
	MaxTracking       = 64 // characters of a tracking number
)

// Address is who and where an order is delivered to, copied from the
// address book (or typed at checkout) when the order is placed, so later
// changes to the book do not move a placed order.
type Address struct {
	Recipient string
	Phone     string // E.164
	Postcode  string // five digits
	Line1     string
	Line2     string
}

// Order is a placed order. Amounts are whole won, copied from the pricing
// breakdown computed at checkout (Breakdown holds it whole, for display);
// they are never recomputed.
type Order struct {
	ID             int64
	Number         string // "20261130-K7QX2M9A"; what the customer quotes
	UserID         int64
	Status         Status
	Channel        Channel
	IdempotencyKey string
	PaymentMethod  string
	Address        Address
	DeliveryNote   string

	Subtotal        int64
	GradeDiscount   int64 // the membership grade's discount (등급 할인), taken before the coupon
	Discount        int64 // the coupon's discount
	CouponID        int64 // 0 when no coupon was used
	Shipping        int64
	RemoteSurcharge int64
	PointsUsed      int64
	Total           int64 // what the customer pays
	PointsToEarn    int64 // credited when the order completes
	TaxFree         int64 // the VAT-exempt part of Total (면세), from the breakdown
	Breakdown       pricing.Breakdown

	PayBy       time.Time // zero when the order does not wait for payment
	PaidAt      time.Time // zero until paid
	CancelledAt time.Time // zero unless cancelled
	CreatedAt   time.Time
	UpdatedAt   time.Time

	Lines     []Line
	Shipments []Shipment

	// Repeated is set by Place when it returns the order that an earlier
	// request with the same idempotency key placed, rather than placing
	// one; it is not stored.
	Repeated bool
}

// TotalAmount is Total as money, for formatting.
func (o Order) TotalAmount() money.Amount { return money.Won(o.Total) }

// Line is one variant of an order, with the name, options, SKU and price it
// had when the order was placed. Amounts are whole won.
type Line struct {
	ID        int64
	OrderID   int64
	VariantID int64
	ProductID int64
	SellerID  int64
	Name      string
	Options   string
	SKU       string
	UnitPrice int64
	Quantity  int64
	LineTotal int64 // UnitPrice × Quantity
	Discount  int64 // the line's share of the grade and coupon discounts: LineTotal − Discount is what it cost
	Gift      bool  // added free by a gift-with-purchase rule
	TaxFree   bool  // VAT-exempt goods
	Status    Status
	CreatedAt time.Time
	UpdatedAt time.Time
}

// HistoryEntry is one recorded change of an order's (or a line's) status.
// From is "" for the entry that placed the order; LineID is 0 for a change
// of the whole order; ActorID is 0 for the system.
type HistoryEntry struct {
	ID        int64
	OrderID   int64
	LineID    int64
	From      Status
	To        Status
	Actor     Actor
	Reason    string
	CreatedAt time.Time
}

// Shipment is one parcel of an order. SellerID is 0 when it holds the whole
// order. TrackingURL is the carrier's page for the parcel, "" when it cannot
// be built (an unknown or retired carrier).
type Shipment struct {
	ID             int64
	OrderID        int64
	SellerID       int64
	CarrierCode    string
	TrackingNumber string
	TrackingURL    string
	ShippedAt      time.Time
	DeliveredAt    time.Time // zero until delivered
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// numberAlphabet has no 0, 1, I or O, which customers misread when they
// quote a number on the phone; 32 symbols so that a random byte maps onto it
// without bias.
const numberAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// numberRandom is the length of an order number's random part: 32^8 (about
// 10^12) numbers per day, so guessing another customer's number is hopeless
// and clashes, which are retried, are rare.
const numberRandom = 8

// newNumber returns an order number for an order placed at t: the date in
// Korea, a hyphen and numberRandom random symbols.
func newNumber(t time.Time) string {
	var b [numberRandom]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	out := make([]byte, 0, 9+numberRandom)
	out = t.In(kst.Zone).AppendFormat(out, "20060102")
	out = append(out, '-')
	for _, c := range b {
		out = append(out, numberAlphabet[c&31])
	}
	return string(out)
}

// secrets lists the encrypted columns of the orders table with the field of
// o that each holds; everything that encrypts, decrypts or rotates walks this
// one list.
func secrets(o *Order) []crypt.Field {
	c := func(name string) crypt.Column { return crypt.Column{Table: "orders", IDColumn: "id", Column: name} }
	return []crypt.Field{
		{Column: c("recipient_enc"), Value: &o.Address.Recipient},
		{Column: c("phone_enc"), Value: &o.Address.Phone},
		{Column: c("postcode_enc"), Value: &o.Address.Postcode},
		{Column: c("line1_enc"), Value: &o.Address.Line1},
		{Column: c("line2_enc"), Value: &o.Address.Line2},
		{Column: c("note_enc"), Value: &o.DeliveryNote},
	}
}

// EncryptedColumns returns the encrypted columns of the orders table, for
// crypt.Rotate (`mallang rotate-keys`).
func EncryptedColumns() []crypt.Column { return crypt.ColumnsOf(secrets(&Order{})) }
