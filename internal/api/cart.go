package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
)

// Carts is what the cart endpoints need of the cart service; *cart.Service
// implements it. The API only ever passes an Owner with UserID set: API
// clients have no visitor carts.
type Carts interface {
	// Get returns the owner's cart with current prices; an owner without a
	// cart gets an empty one with ID 0.
	Get(ctx context.Context, o cart.Owner) (cart.Cart, error)
	// Add puts quantity units of a variant in the cart, capped at the
	// stock and the per-line maximum, with a Notice when capped.
	Add(ctx context.Context, o cart.Owner, variantID, quantity int64) (cart.Cart, error)
	// SetQuantity changes a line's quantity; fault.ErrNotFound for a line
	// that is not in the owner's cart.
	SetQuantity(ctx context.Context, o cart.Owner, lineID, quantity int64) (cart.Cart, error)
	// Remove deletes a line; fault.ErrNotFound for a line that is not in the
	// owner's cart.
	Remove(ctx context.Context, o cart.Owner, lineID int64) (cart.Cart, error)
	// SelectOnly chooses exactly the given lines for checkout;
	// fault.ErrNotFound when one is not in the owner's cart.
	SelectOnly(ctx context.Context, o cart.Owner, lineIDs []int64) (cart.Cart, error)
}

// CommerceDeps are the services behind the cart, checkout, order and
// payment endpoints. Carts and Orders are required; Payments is optional.
type CommerceDeps struct {
	Carts  Carts
	Orders Orders
	// Checkout prices and places orders; required.
	Checkout Checkout
	// Payments serves the payment endpoints (the ways to pay, paying an
	// order, its payments, staff refunds) and cancels orders, refunding a
	// paid one; required.
	Payments Payments
}

// commerceTags are the OpenAPI tags of the cart, checkout and order
// endpoints.
var commerceTags = []*huma.Tag{
	{Name: "Cart", Description: "The signed-in customer's cart, the same one the shop's web pages show. Every operation needs an access token."},
	{Name: "Orders", Description: "Checkout and the signed-in customer's orders. Every operation needs an access token."},
}

// EnableCommerce adds the cart endpoints (/api/v1/cart…), checkout and the
// order endpoints (/api/v1/checkout/preview, /api/v1/orders…) and the
// payment endpoints (/api/v1/payment-methods,
// /api/v1/orders/{number}/payments, /api/v1/admin/orders/{id}/refunds) over
// deps and re-renders the OpenAPI document with them. They take the same bearer
// access tokens as the account endpoints, so call it once after
// EnableAccounts and before Register; without it the endpoints do not
// exist. It panics when accounts are not enabled or a dependency is
// missing, a wiring mistake every start would show.
func (a *API) EnableCommerce(deps CommerceDeps) {
	if a.acc == nil {
		panic("api: EnableCommerce needs EnableAccounts first")
	}
	if deps.Carts == nil || deps.Orders == nil || deps.Checkout == nil || deps.Payments == nil {
		panic("api: EnableCommerce needs Carts, Orders, Checkout and Payments")
	}
	a.com = &deps
	doc := a.huma.OpenAPI()
	doc.Tags = append(doc.Tags, commerceTags...)
	doc.Info.Description += commerceDescription
	doc.Tags = append(doc.Tags, paymentTags...)
	doc.Info.Description += paymentsDescription
	a.registerCart()
	a.registerOrders()
	a.registerPayments()
	documentErrorHeaders(doc)
	a.renderSpec()
}

const commerceDescription = `

Cart and orders:

* The cart, checkout and order endpoints take the same access token as the account endpoints; each
  customer sees only their own cart lines and orders (another customer's line id or order number is
  a 404).
* Amounts in the cart, checkout and order bodies are whole won, as plain integers (12900 is ₩12,900).
* POST /api/v1/orders needs an ` + "`Idempotency-Key`" + ` header, one per checkout attempt: sending the
  same key again returns the order placed with it (200) instead of placing another.`

// CartLine is one product variant in the cart, with the catalog's current
// name, price and stock.
type CartLine struct {
	ID        int64   `json:"id" doc:"The line's id, for changing or removing it." example:"31"`
	VariantID int64   `json:"variant_id" example:"12"`
	ProductID int64   `json:"product_id" example:"4"`
	Name      string  `json:"name" doc:"The product's name." example:"말랑 다크초콜릿"`
	Options   string  `json:"options" doc:"The variant's options; empty for a product without options." example:"맛: 카카오 70%"`
	SKU       string  `json:"sku" example:"CHOC-70"`
	UnitPrice int64   `json:"unit_price" doc:"What one unit costs now, in won (the sale price when on sale)." example:"12900"`
	ListPrice int64   `json:"list_price" doc:"The regular price of one unit, in won; above unit_price when on sale." example:"15000"`
	Quantity  int64   `json:"quantity" example:"2"`
	Selected  bool    `json:"selected" doc:"Whether the line is chosen for checkout." example:"true"`
	Available bool    `json:"available" doc:"Whether the line can be ordered as it is; when false, problem says why." example:"true"`
	Problem   string  `json:"problem" doc:"Why the line cannot be ordered: \"sold out\", \"no longer sold\" or \"only N left\"; empty when available." example:""`
	LineTotal int64   `json:"line_total" doc:"unit_price × quantity, in won." example:"25800"`
	Image     *string `json:"image" format:"uri" doc:"The small thumbnail (200 px) of the product's first image; null when it has none." example:"https://shop.example.com/media/thumbs/sm/products/4/a.jpg"`
}

// CartNotice says that fewer units were added than asked for.
type CartNotice struct {
	VariantID int64  `json:"variant_id" example:"12"`
	Requested int64  `json:"requested" doc:"Units asked for." example:"5"`
	Added     int64  `json:"added" doc:"Units added." example:"3"`
	Quantity  int64  `json:"quantity" doc:"The line's quantity now." example:"3"`
	Limit     string `json:"limit" enum:"max_quantity,stock" doc:"What capped the line: the most units a line may hold, or the stock." example:"stock"`
	Message   string `json:"message" example:"Only 3 of 5 were added: that is all the stock left."`
}

// Cart is the signed-in customer's cart.
type Cart struct {
	ID       int64        `json:"id" doc:"The cart's id; 0 while the customer has never added anything." example:"9"`
	Lines    []CartLine   `json:"lines" nullable:"false" doc:"In the order they were added."`
	Subtotal int64        `json:"subtotal" doc:"The sum of line_total over the lines that are selected and available, in won: the goods' price at checkout, before discounts and shipping." example:"25800"`
	Count    int          `json:"count" doc:"The number of lines, what a cart badge shows." example:"1"`
	Notices  []CartNotice `json:"notices,omitempty" doc:"After adding: present when fewer units were added than asked for."`
}

func (a *API) newCart(c cart.Cart) Cart {
	out := Cart{ID: c.ID, Lines: make([]CartLine, 0, len(c.Lines)), Subtotal: c.Subtotal, Count: c.Count}
	for _, l := range c.Lines {
		cl := CartLine{
			ID: l.ID, VariantID: l.VariantID, ProductID: l.ProductID, Name: l.Name, Options: l.Options, SKU: l.SKU,
			UnitPrice: l.UnitPrice, ListPrice: l.ListPrice, Quantity: l.Quantity, Selected: l.Selected,
			Available: l.Available, Problem: l.Problem, LineTotal: l.LineTotal,
		}
		if l.Thumb != "" {
			u := a.mediaURL(media.ThumbKey(l.Thumb, media.Small))
			cl.Image = &u
		}
		out.Lines = append(out.Lines, cl)
	}
	for _, n := range c.Notices {
		cn := CartNotice{VariantID: n.VariantID, Requested: n.Requested, Added: n.Added, Quantity: n.Quantity}
		switch n.Limit {
		case cart.LimitStock:
			cn.Limit = "stock"
			cn.Message = fmt.Sprintf("Only %d of %d were added: that is all the stock left.", n.Added, n.Requested)
		default:
			cn.Limit = "max_quantity"
			cn.Message = fmt.Sprintf("Only %d of %d were added: a line holds at most %d.", n.Added, n.Requested, n.Quantity)
		}
		out.Notices = append(out.Notices, cn)
	}
	return out
}

type cartOutput struct {
	Body Cart
}

type addLineInput struct {
	Body struct {
		VariantID int64 `json:"variant_id" minimum:"1" doc:"The variant to add (a product's variants are in GET /api/v1/products/{id})." example:"12"`
		Quantity  int64 `json:"quantity" minimum:"1" doc:"Units to add; a variant already in the cart adds to its line, which is selected again." example:"2"`
	}
}

type setLineInput struct {
	ID   int64 `path:"id" minimum:"1" doc:"The cart line's id." example:"31"`
	Body struct {
		Quantity int64 `json:"quantity" minimum:"1" doc:"The line's new quantity." example:"3"`
	}
}

type lineIDInput struct {
	ID int64 `path:"id" minimum:"1" doc:"The cart line's id." example:"31"`
}

type selectionInput struct {
	Body struct {
		LineIDs []int64 `json:"line_ids" nullable:"false" maxItems:"1000" doc:"The lines to check out; every other line is deselected. An empty list deselects all." example:"[31, 32]"`
	}
}

const lineNotFound = "A line id that is not in the signed-in customer's cart (someone else's, or removed) is 404."

func (a *API) registerCart() {
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "get-cart",
		Method:      http.MethodGet,
		Path:        Prefix + "/cart",
		Summary:     "Get my cart",
		Description: "Returns the signed-in customer's cart with the current names, prices and stock. A line whose variant is no longer sold " +
			"or short of stock is shown with available false and a problem, and cannot be checked out until changed or removed.",
	}, "Cart", true), a.getCart)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "add-cart-line",
		Method:      http.MethodPost,
		Path:        Prefix + "/cart/lines",
		Summary:     "Add to my cart",
		Description: "Adds units of a variant and returns the cart. A line is capped at the stock and at the most units a line may hold: " +
			"when fewer units fit than asked for, those that fit are added and notices say so. " +
			"A variant that does not exist, is no longer sold or is sold out gives 422 naming body.variant_id; a bad quantity, or none fitting, " +
			"422 naming body.quantity; a new line in a full cart 422 naming cart.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusUnprocessableEntity},
	}, "Cart", true), a.addCartLine)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "update-cart-line",
		Method:      http.MethodPatch,
		Path:        Prefix + "/cart/lines/{id}",
		Summary:     "Change a quantity",
		Description: "Sets the quantity of a line, keeping its selection, and returns the cart. A quantity out of range or above the stock gives 422 " +
			"naming body.quantity; a variant no longer sold 422 naming path.id. " + lineNotFound,
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, "Cart", true), a.updateCartLine)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "delete-cart-line",
		Method:      http.MethodDelete,
		Path:        Prefix + "/cart/lines/{id}",
		Summary:     "Remove a line",
		Description: "Removes a line from the cart and returns the cart. " + lineNotFound,
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, "Cart", true), a.deleteCartLine)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "select-cart-lines",
		Method:      http.MethodPut,
		Path:        Prefix + "/cart/selection",
		Summary:     "Choose the lines to check out",
		Description: "Selects exactly the listed lines for checkout, deselecting the others, and returns the cart. If any id is not a line of the " +
			"signed-in customer's cart, nothing changes and the answer is 404.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, "Cart", true), a.selectCartLines)
}

// cartFields say where the fields of the cart service's *fault.Invalid
// are in a request that adds a line; lineFields in one that changes a line.
var (
	cartFields = map[string]string{"variant": "body.variant_id", "quantity": "body.quantity", "cart": "cart"}
	lineFields = map[string]string{"variant": "path.id", "quantity": "body.quantity", "cart": "cart"}
)

func (a *API) getCart(ctx context.Context, _ *struct{}) (*cartOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	c, err := a.com.Carts.Get(ctx, cart.Owner{UserID: u.ID})
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return &cartOutput{Body: a.newCart(c)}, nil
}

func (a *API) addCartLine(ctx context.Context, in *addLineInput) (*cartOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	c, err := a.com.Carts.Add(ctx, cart.Owner{UserID: u.ID}, in.Body.VariantID, in.Body.Quantity)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, cartFields, "body")
	}
	return &cartOutput{Body: a.newCart(c)}, nil
}

func (a *API) updateCartLine(ctx context.Context, in *setLineInput) (*cartOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	c, err := a.com.Carts.SetQuantity(ctx, cart.Owner{UserID: u.ID}, in.ID, in.Body.Quantity)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, lineFields, "body")
	}
	return &cartOutput{Body: a.newCart(c)}, nil
}

func (a *API) deleteCartLine(ctx context.Context, in *lineIDInput) (*cartOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	c, err := a.com.Carts.Remove(ctx, cart.Owner{UserID: u.ID}, in.ID)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, lineFields, "path")
	}
	return &cartOutput{Body: a.newCart(c)}, nil
}

func (a *API) selectCartLines(ctx context.Context, in *selectionInput) (*cartOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	c, err := a.com.Carts.SelectOnly(ctx, cart.Owner{UserID: u.ID}, in.Body.LineIDs)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, nil, "body")
	}
	return &cartOutput{Body: a.newCart(c)}, nil
}

// fieldProblem is problem for the services whose *fault.Invalid fields are
// named otherwise than the request's: at maps a service field to the
// location the client reads ("coupon" → "body.coupon_code"); a field not in
// at is located at in+"."+field. Other errors go to problem.
func (a *API) fieldProblem(ctx context.Context, err error, at map[string]string, in string) error {
	if inv, ok := fault.AsInvalid(err); ok {
		return invalidProblem(inv, at, in)
	}
	return a.problem(ctx, err, in)
}
