package notify

import (
	"strings"
	"time"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/money"
)

// The templates of an order's life. Each is Korean first with an English
// line (customers have no language setting yet); its data type validates
// before rendering. Amounts are money.Amount: the Korean text writes them
// with won (12,900원, decision 0053), the English line as they print
// (₩12,900). Times are UTC and print in Korea Standard Time.
const (
	// OrderPlaced confirms a new order with its lines and total. Data:
	// OrderPlacedData.
	OrderPlaced Template = "order-placed"
	// TransferInstructions tells a customer paying by bank transfer where
	// to send exactly how much, by when. Data: TransferData.
	TransferInstructions Template = "transfer-instructions"
	// PaymentConfirmed says the payment arrived (a card approved, a
	// deposit matched). Data: PaymentConfirmedData.
	PaymentConfirmed Template = "payment-confirmed"
	// VirtualAccountIssued gives the virtual account (가상계좌) a provider
	// issued for the order. Data: VirtualAccountData.
	VirtualAccountIssued Template = "vaccount-issued"
	// OrderShipped gives the carrier and tracking link. Data: ShippedData.
	OrderShipped Template = "order-shipped"
	// OrderDelivered says the parcel arrived and asks for 구매확정 before
	// the automatic confirmation. Data: DeliveredData.
	OrderDelivered Template = "order-delivered"
	// OrderCancelled says the order is cancelled and whether a refund
	// follows. Data: CancelledData.
	OrderCancelled Template = "order-cancelled"
	// ReturnUpdated tells the customer where a return or exchange request
	// stands. Data: ReturnData.
	ReturnUpdated Template = "return-updated"
	// StaffReturnRequested tells staff a customer asked for a return or an
	// exchange. Data: StaffReturnData.
	StaffReturnRequested Template = "staff-return-requested"
)

// Line is one order line as a mail lists it.
type Line struct {
	Name   string       // the product's name as ordered
	Option string       // the chosen options, "색상: 아이보리 / 크기: M"; may be empty
	Qty    int          // at least 1
	Amount money.Amount // the line's total after its discounts
}

// Item is a product a return or exchange is about.
type Item struct {
	Name   string // the product's name as ordered
	Option string // may be empty
	Qty    int    // at least 1
}

// OrderPlacedData fills OrderPlaced.
type OrderPlacedData struct {
	Name     string // the customer's name; may be empty
	Number   string // the order number
	Lines    []Line // at least one
	Shipping money.Amount
	Discount money.Amount // coupon and points together, as a positive amount; zero when none
	Total    money.Amount // what the customer pays: lines + shipping − discount
	URL      string       // the order's page
	// Paid is true for an order paid as it was placed (points covered the
	// whole total): the mail says preparing starts, not that payment is
	// awaited.
	Paid bool
	// Transfer, when the order waits for a bank transfer, puts the
	// account, exact amount and deadline in the same mail, so the customer
	// gets one mail for one order.
	Transfer *TransferData
}

// Validate returns a *fault.Invalid unless the order has a number, lines
// with names and quantities, no negative amount and an absolute URL, and a
// complete transfer when it has one. It does not re-add the total: pricing
// computed it, and the mail shows it.
func (d OrderPlacedData) Validate() error {
	var inv fault.Invalid
	if d.Transfer != nil {
		if err := d.Transfer.Validate(); err != nil {
			return err
		}
	}
	checkNumber(&inv, d.Number)
	if len(d.Lines) == 0 {
		inv.Add("lines", "at least one line is required")
	}
	for _, l := range d.Lines {
		if strings.TrimSpace(l.Name) == "" || l.Qty < 1 || l.Amount.Minor < 0 {
			inv.Add("lines", "every line needs a name, a quantity of at least 1 and an amount")
			break
		}
	}
	if d.Shipping.Minor < 0 || d.Discount.Minor < 0 || d.Total.Minor < 0 {
		inv.Add("total", "amounts must not be negative")
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}

// Deposit is where and how much a customer sends for an order: a bank
// transfer to the shop's account or a virtual account.
type Deposit struct {
	Name     string // may be empty
	Number   string // the order number
	Bank     string // "국민은행"
	Account  string // "123456-01-234567"
	Holder   string // the account holder
	Amount   money.Amount
	Deadline time.Time // UTC; the order is cancelled when nothing arrived by then
	URL      string    // the order's page
}

func (d Deposit) check(inv *fault.Invalid) {
	checkNumber(inv, d.Number)
	if strings.TrimSpace(d.Bank) == "" || strings.TrimSpace(d.Account) == "" {
		inv.Add("account", "bank and account number are required")
	}
	if d.Amount.Minor <= 0 {
		inv.Add("amount", "must be positive")
	}
	if d.Deadline.IsZero() {
		inv.Add("deadline", "is required")
	}
	checkURL(inv, d.URL)
}

// TransferData fills TransferInstructions.
type TransferData struct {
	Deposit
	Depositor string // the depositor name the customer gave; may be empty
}

// Validate returns a *fault.Invalid unless the deposit is complete and
// names the account holder.
func (d TransferData) Validate() error {
	var inv fault.Invalid
	d.check(&inv)
	if strings.TrimSpace(d.Holder) == "" {
		inv.Add("holder", "is required")
	}
	return inv.Err()
}

// VirtualAccountData fills VirtualAccountIssued. Holder may be empty (the
// provider names the account after the shop).
type VirtualAccountData struct {
	Deposit
}

// Validate returns a *fault.Invalid unless the deposit is complete.
func (d VirtualAccountData) Validate() error {
	var inv fault.Invalid
	d.check(&inv)
	return inv.Err()
}

// PaymentConfirmedData fills PaymentConfirmed.
type PaymentConfirmedData struct {
	Name   string // may be empty
	Number string
	Amount money.Amount
	Method string // how it was paid, in Korean: "신용카드", "무통장입금", "카카오페이"
	URL    string
}

// Validate returns a *fault.Invalid unless number, a positive amount, the
// method and an absolute URL are given.
func (d PaymentConfirmedData) Validate() error {
	var inv fault.Invalid
	checkNumber(&inv, d.Number)
	if d.Amount.Minor <= 0 {
		inv.Add("amount", "must be positive")
	}
	if strings.TrimSpace(d.Method) == "" {
		inv.Add("method", "is required")
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}

// ShippedData fills OrderShipped.
type ShippedData struct {
	Name           string // may be empty
	Number         string
	Carrier        string // the carrier's Korean name, "CJ대한통운"
	TrackingNumber string
	TrackingURL    string // the carrier's tracking page; may be empty when the carrier has none
	URL            string
}

// Validate returns a *fault.Invalid unless number, carrier, tracking number
// and an absolute URL are given, and TrackingURL, when set, is absolute.
func (d ShippedData) Validate() error {
	var inv fault.Invalid
	checkNumber(&inv, d.Number)
	checkShipment(&inv, d.Carrier, d.TrackingNumber, d.TrackingURL)
	checkURL(&inv, d.URL)
	return inv.Err()
}

// DeliveredData fills OrderDelivered.
type DeliveredData struct {
	Name      string // may be empty
	Number    string
	ConfirmBy time.Time // UTC; when the order confirms itself (구매확정) unless the customer acts first
	Points    int64     // points the confirmation earns; 0 shows nothing
	URL       string    // the order's page, where the customer confirms or asks for a return
}

// Validate returns a *fault.Invalid unless number, ConfirmBy and an
// absolute URL are given.
func (d DeliveredData) Validate() error {
	var inv fault.Invalid
	checkNumber(&inv, d.Number)
	if d.ConfirmBy.IsZero() {
		inv.Add("confirm_by", "is required")
	}
	if d.Points < 0 {
		inv.Add("points", "must not be negative")
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}

// CancelledData fills OrderCancelled.
type CancelledData struct {
	Name   string // may be empty
	Number string
	Reason string // why, as the customer or staff gave it; may be empty
	// Paid says money was taken: a refund follows, announced in a mail of
	// its own (order-refunded, or refund-pending for a transfer).
	Paid bool
	URL  string
}

// Validate returns a *fault.Invalid unless number and an absolute URL are
// given.
func (d CancelledData) Validate() error {
	var inv fault.Invalid
	checkNumber(&inv, d.Number)
	checkURL(&inv, d.URL)
	return inv.Err()
}

// ReturnStep is where a return or exchange request stands.
type ReturnStep string

// The steps ReturnUpdated tells about.
const (
	ReturnRequested ReturnStep = "requested" // the request was received
	ReturnApproved  ReturnStep = "approved"  // staff approved it: send the goods back
	ReturnRefused   ReturnStep = "refused"   // staff refused it, with a reason
	ReturnReceived  ReturnStep = "received"  // the goods came back; refund or exchange follows
	ExchangeShipped ReturnStep = "exchange_shipped"
)

// ReturnData fills ReturnUpdated.
type ReturnData struct {
	Name     string // may be empty
	Number   string
	Exchange bool // an exchange rather than a return
	Step     ReturnStep
	Items    []Item // at least one
	// Reason is the staff's reason for a refusal (required then) and is
	// not shown at other steps.
	Reason string
	// Fee is the return shipping the customer pays (a change of mind),
	// deducted from the refund; zero when the shop pays.
	Fee money.Amount
	// Carrier, TrackingNumber and TrackingURL describe the exchange's
	// parcel; required for ExchangeShipped.
	Carrier, TrackingNumber, TrackingURL string
	URL                                  string
}

// Validate returns a *fault.Invalid unless the step is known and fits the
// kind (ExchangeShipped only for an exchange), items are given, a refusal
// has a reason, a shipped exchange its parcel, and URL is absolute.
func (d ReturnData) Validate() error {
	var inv fault.Invalid
	checkNumber(&inv, d.Number)
	switch d.Step {
	case ReturnRequested, ReturnApproved, ReturnReceived:
	case ReturnRefused:
		if strings.TrimSpace(d.Reason) == "" {
			inv.Add("reason", "a refusal needs a reason")
		}
	case ExchangeShipped:
		if !d.Exchange {
			inv.Add("step", "only an exchange is shipped back")
		}
		checkShipment(&inv, d.Carrier, d.TrackingNumber, d.TrackingURL)
	default:
		inv.Add("step", "is unknown")
	}
	checkItems(&inv, d.Items)
	if d.Fee.Minor < 0 {
		inv.Add("fee", "must not be negative")
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}

// StaffReturnData fills StaffReturnRequested.
type StaffReturnData struct {
	Number   string
	Customer string // the customer's name; may be empty
	Exchange bool
	Items    []Item
	Reason   string // the reason the customer picked, as the list shows it: "단순 변심"
	Note     string // what the customer wrote; may be empty
	Photos   int    // photos attached
	URL      string // the request in the back office
}

// Validate returns a *fault.Invalid unless number, items, reason and an
// absolute URL are given.
func (d StaffReturnData) Validate() error {
	var inv fault.Invalid
	checkNumber(&inv, d.Number)
	checkItems(&inv, d.Items)
	if strings.TrimSpace(d.Reason) == "" {
		inv.Add("reason", "is required")
	}
	if d.Photos < 0 {
		inv.Add("photos", "must not be negative")
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}

func checkNumber(inv *fault.Invalid, n string) {
	if strings.TrimSpace(n) == "" {
		inv.Add("number", "is required")
	}
}

func checkItems(inv *fault.Invalid, items []Item) {
	if len(items) == 0 {
		inv.Add("items", "at least one item is required")
	}
	for _, it := range items {
		if strings.TrimSpace(it.Name) == "" || it.Qty < 1 {
			inv.Add("items", "every item needs a name and a quantity of at least 1")
			break
		}
	}
}

func checkShipment(inv *fault.Invalid, carrier, number, tracking string) {
	if strings.TrimSpace(carrier) == "" || strings.TrimSpace(number) == "" {
		inv.Add("tracking", "carrier and tracking number are required")
	}
	if tracking != "" {
		var t fault.Invalid
		checkURL(&t, tracking)
		if t.Err() != nil {
			inv.Add("tracking_url", "must be an absolute http or https link")
		}
	}
}

// templateFuncs are the functions every template may call: dates in KST,
// the way a Korean reads them and the English line's way.
func templateFuncs() map[string]any {
	return map[string]any{
		"when":   func(t time.Time) string { return dayKo(t) + " " + t.In(kst.Zone).Format("15:04") },    // 2026년 3월 3일(화) 23:59
		"day":    dayKo,                                                                                  // 2026년 3월 3일(화)
		"whenEn": func(t time.Time) string { return t.In(kst.Zone).Format("Mon 2 Jan 2006, 15:04 MST") }, // Tue 3 Mar 2026, 23:59 KST
		"dayEn":  func(t time.Time) string { return t.In(kst.Zone).Format("Mon 2 Jan 2006") },            // Tue 3 Mar 2026
		"num":    func(n int64) string { return money.Won(n).Number() },                                  // 1,290 (points)
		"won":    func(a money.Amount) string { return a.Korean() },                                      // 12,900원, in the Korean text
	}
}

// dayKo is t's date in KST with the Korean weekday: 2026년 3월 3일(화).
func dayKo(t time.Time) string {
	k := t.In(kst.Zone)
	return k.Format("2006년 1월 2일") + "(" + [...]string{"일", "월", "화", "수", "목", "금", "토"}[k.Weekday()] + ")"
}
