// Package pricing computes an order's whole price breakdown — line totals,
// the membership grade's discount and the coupon discount with their shares
// per line, gifts, shipping fees, remote-area
// surcharges, points spent, the total and the points to earn — in one pure
// function, Quote. It is the only place totals are computed: the cart, the
// checkout page and order placement all call Quote, so what the buyer sees is
// what the order stores.
//
// Amounts are whole Korean won (int64); the shop's currency is KRW. Every
// amount is bounded by MaxAmount, so no sum or product in Quote overflows.
// The order of operations and the reasons for it are in
// docs/decisions/0022-pricing.md.
package pricing

// MaxAmount is the largest amount, in won, that Quote accepts for a price, a
// fee, a line total or a sum of them (10^12 won, about a billion dollars).
// Larger inputs are rejected as invalid rather than risk an int64 overflow.
const MaxAmount int64 = 1_000_000_000_000

// MaxGradeDiscountPercent is the largest grade discount, in percent, that
// Quote accepts.
const MaxGradeDiscountPercent = 50

// Line is one line of a cart or order as the caller knows it.
type Line struct {
	ID                                         int64 // the caller's id for the line (the cart line's), echoed in PricedLine; 0 for a gift
	VariantID, ProductID, CategoryID, SellerID int64
	Name                                       string
	UnitPrice                                  int64 // the current price the buyer pays for one unit (sale price when on sale)
	Quantity                                   int64
	TaxFree                                    bool // VAT-exempt goods (면세)
	// NoShipping marks goods that are not delivered (digital ones): they
	// belong to no shipment, so they add no fee or surcharge and do not
	// count towards free shipping.
	NoShipping bool
}

// ShippingRules are the shop's shipping-fee rules.
type ShippingRules struct {
	BaseFee   int64 // flat fee
	FreeOver  int64 // a (seller's) subtotal at or above this ships free; 0 means never free
	PerSeller bool  // true: each seller's lines ship (and are charged) separately; false: one fee per order
	Remote    []RemoteArea
}

// RemoteArea is a range of postcodes that costs extra to deliver to.
type RemoteArea struct {
	Name      string // "제주", "도서산간"
	From, To  string // 5-digit postcodes, inclusive range
	Surcharge int64  // added per shipment when the delivery postcode is in range (also when shipping is otherwise free)
}

// Coupon kinds.
const (
	CouponFixed   = "fixed"
	CouponPercent = "percent"
)

// Coupon is a coupon as the caller loaded it. Validity period and usage
// limits are the caller's to check before passing it; Quote checks what
// depends on the order's contents.
type Coupon struct {
	ID          int64
	Code        string
	Kind        string  // "fixed" or "percent"
	Amount      int64   // won for fixed; 1–100 for percent
	MaxDiscount int64   // cap for percent coupons; 0 = no cap
	MinOrder    int64   // minimum eligible subtotal
	CategoryIDs []int64 // when set, only lines in these categories are eligible (exact category ids; the caller expands subcategories)
	ProductIDs  []int64 // when set, only these products are eligible (union with CategoryIDs)
}

// GiftRule adds a free line when the order passes a threshold.
type GiftRule struct {
	ID        int64
	Threshold int64 // order subtotal (after grade and coupon discounts) at or above which the gift is added
	Gift      Line  // the free line to add (UnitPrice is ignored; the gift costs 0); Quantity defaults to 1
}

// PointsRules say how points (적립금) may be spent and are earned.
type PointsRules struct {
	MinSpend        int64 // smallest number of points that may be spent at once (e.g. 1000); 0 = no minimum
	MaxSpendPercent int   // at most this % of (subtotal − grade discount − discount) may be paid with points; 0 = 100
	EarnPermille    int   // points earned per 1000 won paid (the customer's grade rate, e.g. 10 = 1 %)
}

// Input is everything Quote needs. The caller loads current prices, the
// shop's rules, the coupon and the customer's balance; Quote does no I/O.
type Input struct {
	Lines         []Line
	Shipping      ShippingRules
	Postcode      string // delivery postcode; "" before an address is chosen (no remote surcharge)
	Coupon        *Coupon
	Gifts         []GiftRule
	Points        PointsRules
	PointsBalance int64 // the customer's balance
	PointsToUse   int64 // what the customer asks to spend
	// GradeDiscountPercent is the customer's membership grade's discount,
	// 0–MaxGradeDiscountPercent %, on the goods' subtotal (product sale
	// prices already in UnitPrice), taken before the coupon.
	GradeDiscountPercent int
}

// PricedLine is a line with its total and its share of the discount.
type PricedLine struct {
	Line
	LineTotal int64 // UnitPrice × Quantity
	// Discount is everything taken off the line: its share of the grade
	// discount plus its share of the coupon discount (shares sum exactly to
	// Breakdown.GradeDiscount + Breakdown.Discount; each spread by amount,
	// remainder to the largest line). LineTotal − Discount is what the line
	// cost, what a refund of it gives back.
	Discount int64
	// GradeDiscount is the grade discount's part of Discount.
	GradeDiscount int64
	Gift          bool
	// GiftRule is the id of the gift rule that added the line; 0 for a
	// line the buyer chose.
	GiftRule int64
}

// Shipment is one parcel's fees: one per seller with per-seller shipping,
// otherwise one for the whole order (SellerID 0). Gift lines never make a
// shipment of their own.
type Shipment struct {
	SellerID        int64  // 0 when the order ships as one
	Subtotal        int64  // Σ (LineTotal − Discount) of the shipment's lines (after grade and coupon discounts): what the free-over threshold is compared with
	Fee             int64  // BaseFee, or 0 when Subtotal reaches FreeOver
	RemoteArea      string // the matching area's name, "" when none
	RemoteSurcharge int64
}

// Breakdown is the whole price of an order. The order stores it as is.
type Breakdown struct {
	Lines           []PricedLine // gifts appended last
	Subtotal        int64        // Σ LineTotal
	GradeDiscount   int64        // the membership grade's discount: floor(Subtotal × GradeDiscountPercent / 100)
	Discount        int64        // coupon discount, on the goods after the grade discount
	CouponID        int64        // 0 when no coupon applied
	Shipping        int64        // shipping fees (without remote surcharges)
	RemoteSurcharge int64
	PointsUsed      int64
	Total           int64 // Subtotal − GradeDiscount − Discount + Shipping + RemoteSurcharge − PointsUsed; never negative
	PointsToEarn    int64 // floor((Total) × EarnPermille / 1000)
	// TaxFree is the VAT-exempt part of Total: the tax-free lines after
	// their discount shares, reduced by points in proportion (points pay every
	// part of the order alike); shipping is taxable. Rounded down.
	TaxFree   int64
	Problems  []Problem // why a requested coupon or points amount was not applied
	Shipments []Shipment
}

// Problem explains why a requested coupon or points amount was not applied,
// or not applied in full. Message is a fixed English sentence (a key for the
// translation catalog, so it holds no numbers); Limit carries the number
// that matters, in won or points, for the page to show beside it.
type Problem struct {
	Field   string // "coupon" | "points"
	Code    string // one of the Problem… constants, stable for API clients
	Message string // English, shown translated
	Limit   int64  // the minimum order, balance, cap or minimum spend the message refers to; 0 when none
}

// Problem codes, with the message each comes with.
const (
	ProblemCouponMinOrder   = "coupon_min_order"   // eligible subtotal under Coupon.MinOrder (Limit: the minimum)
	ProblemCouponNoLines    = "coupon_no_lines"    // no line is in the coupon's categories or products
	ProblemPointsBalance    = "points_balance"     // asked for more than the balance; clamped to it (Limit: the balance)
	ProblemPointsMaxPercent = "points_max_percent" // asked for more than MaxSpendPercent allows; clamped to it (Limit: the cap)
	ProblemPointsMinSpend   = "points_min_spend"   // under MinSpend (as asked or after clamping); nothing spent (Limit: the minimum)
)

// problemMessage is the fixed English sentence for a problem code.
func problemMessage(code string) string {
	switch code {
	case ProblemCouponMinOrder:
		return "The order does not reach this coupon's minimum amount."
	case ProblemCouponNoLines:
		return "This coupon does not apply to any item in the order."
	case ProblemPointsBalance:
		return "You do not have that many points."
	case ProblemPointsMaxPercent:
		return "That is more than may be paid with points for this order."
	case ProblemPointsMinSpend:
		return "Points can only be spent from the minimum amount up."
	}
	return code
}

func problem(field, code string, limit int64) Problem {
	return Problem{Field: field, Code: code, Message: problemMessage(code), Limit: limit}
}
