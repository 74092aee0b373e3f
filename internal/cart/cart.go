// Package cart holds shopping carts: one per signed-in customer and one per
// anonymous visitor, stored in the database so that a visitor's cart
// survives across requests and app nodes and merges into the customer's cart
// at login. A cart stores variant ids, quantities and which lines are chosen
// for checkout; names, prices, stock and availability always come from the
// current catalog. See docs/decisions/0024-cart.md.
package cart

import (
	"fmt"

	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/pricing"
)

// Problems a line can have; a line with a problem is not Available and
// cannot be checked out. A line short of stock says "only N left" (see
// OnlyLeft), with N in Line.Stock.
const (
	ProblemSoldOut      = "sold out"
	ProblemNoLongerSold = "no longer sold"
)

// OnlyLeft is the problem of a line whose quantity exceeds the stock.
func OnlyLeft(stock int64) string { return fmt.Sprintf("only %d left", stock) }

// Owner says whose cart it is: a signed-in customer (UserID) or an anonymous
// visitor (Token, a random string of at least 128 bits that the web layer
// keeps in the visitor's session). Exactly one must be set. Only the token's
// SHA-256 is stored, so the token itself is the key to the cart: never log it
// or put it in a URL.
type Owner struct {
	UserID int64
	Token  string
}

// validate returns *fault.Invalid{"owner"} unless exactly one of UserID and
// Token is set.
func (o Owner) validate() error {
	switch {
	case o.UserID < 0:
		return invalid("owner", "must be a customer or a visitor")
	case o.UserID > 0 && o.Token != "":
		return invalid("owner", "must be a customer or a visitor, not both")
	case o.UserID == 0 && o.Token == "":
		return invalid("owner", "must be a customer or a visitor")
	}
	return nil
}

// String names the owner in error messages without revealing a token.
func (o Owner) String() string {
	if o.UserID > 0 {
		return fmt.Sprintf("user %d", o.UserID)
	}
	return "visitor"
}

// hashToken is what carts.token_hash holds for a visitor's token.
func hashToken(token string) string { return crypt.Digest(token) }

// Cart is a cart as the buyer sees it now. ID is 0 when the owner has no
// cart yet (an empty cart is not an error).
type Cart struct {
	ID    int64
	Lines []Line // in the order they were added
	// Subtotal is the sum of LineTotal over the lines that are Selected and
	// Available, in won: what checkout would charge before shipping and
	// discounts.
	Subtotal int64
	// Count is the number of lines, what the cart badge shows.
	Count int
	// Notices tell, after Add, that fewer units were added than asked for.
	Notices []Notice
}

// Line is one variant in a cart with its current catalog data. UnitPrice,
// ListPrice and LineTotal are in won.
type Line struct {
	// Line is what pricing needs of it: ID is the cart line's id, Name the
	// product's name, UnitPrice the price a unit sells at now (the sale
	// price when on sale).
	pricing.Line
	Options   string // such as "크기: L / 색상: 검정"; "" without options
	SKU       string
	Thumb     string // media key of the product's first image, or ""
	ListPrice int64
	Stock     int64 // units in stock now
	Selected  bool  // chosen for checkout
	// Available is true when the line can be checked out as it is: the
	// variant is sold and has at least Quantity in stock. Otherwise Problem
	// says why.
	Available bool
	Problem   string
	LineTotal int64 // UnitPrice × Quantity
}

// Limit says what capped a quantity.
type Limit string

// The limits on a line's quantity.
const (
	LimitMaxQuantity Limit = "max quantity" // Config.MaxQuantity per line
	LimitStock       Limit = "stock"        // the units in stock
)

// Notice reports that Add put fewer units in the cart than asked for,
// because the line reached Limit. The units that fit were added.
type Notice struct {
	VariantID int64
	Requested int64 // units asked for
	Added     int64 // units added
	Quantity  int64 // the line's quantity now
	Limit     Limit
}
