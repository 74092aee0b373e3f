package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// AdminOrders is what the staff's order endpoints use (*order.Service);
// see its methods for the errors.
type AdminOrders interface {
	AdminList(ctx context.Context, f order.AdminFilter) ([]order.Order, int, error)
	BulkTransition(ctx context.Context, ids []int64, to order.Status, actor order.Actor, reason string) (order.BulkResult, error)
	ShipLines(ctx context.Context, lines []order.ShipmentLine, actor order.Actor, dryRun bool) ([]order.ShipmentCheck, error)
}

// AdminOrderLine is one line of an order in the staff's list.
type AdminOrderLine struct {
	Name     string `json:"name" example:"말랑 드립백커피"`
	Options  string `json:"options" example:"맛: 기본"`
	SKU      string `json:"sku" example:"COFFEE-10"`
	Quantity int64  `json:"quantity" example:"2"`
	Status   string `json:"status" example:"paid"`
}

// AdminOrder is an order in the staff's list, without its address.
type AdminOrder struct {
	ID            int64            `json:"id" example:"42"`
	Number        string           `json:"number" example:"20261130-K7QX2M9A"`
	UserID        int64            `json:"user_id" example:"7"`
	Status        string           `json:"status" example:"paid"`
	PaymentMethod string           `json:"payment_method" example:"card"`
	Channel       string           `json:"channel" enum:"pc_web,mobile_web,api" example:"pc_web"`
	Total         int64            `json:"total" doc:"What the customer pays, in won." example:"25800"`
	PayBy         *time.Time       `json:"pay_by" doc:"The payment deadline of an unpaid order; null otherwise." example:"2026-12-01T02:00:00Z"`
	Lines         []AdminOrderLine `json:"lines" nullable:"false"`
	CreatedAt     time.Time        `json:"created_at" example:"2026-11-30T05:00:00Z"`
	UpdatedAt     time.Time        `json:"updated_at" example:"2026-11-30T05:00:00Z"`
}

// AdminOrderPage is one page of the staff's order list.
type AdminOrderPage struct {
	Items       []AdminOrder `json:"items" nullable:"false" doc:"The orders of this page, newest first; empty past the last page."`
	Total       int          `json:"total" doc:"Orders matching the filters, counted up to 10,000 (see total_capped)." example:"213"`
	TotalCapped bool         `json:"total_capped" doc:"True when at least total orders match: the count stops at 10,000, so a page of a million orders costs no more than one of a thousand." example:"false"`
	Page        int          `json:"page" doc:"This page, counted from 1." example:"1"`
	PerPage     int          `json:"per_page" doc:"Orders per page." example:"50"`
	Pages       int          `json:"pages" doc:"Number of pages (of the counted orders); 0 when nothing matches." example:"5"`
}

type adminOrdersInput struct {
	Q       string `query:"q" maxLength:"100" doc:"An order number, a customer's email, the recipient's phone number, or else a name (the recipient's, spaces and case ignored, or the customer's account name, whole), a line's SKU or a line's whole product name."`
	Status  string `query:"status" doc:"One order status."`
	Method  string `query:"method" doc:"The payment method (card, bank_transfer, …)."`
	Channel string `query:"channel" enum:"pc_web,mobile_web,api"`
	From    string `query:"from" doc:"The first day placed, YYYY-MM-DD, a Korean calendar day." example:"2026-11-01"`
	To      string `query:"to" doc:"The last day placed, included, YYYY-MM-DD, a Korean calendar day." example:"2026-11-30"`
	Min     int64  `query:"min" minimum:"0" doc:"The least total, in won." default:"0"`
	Max     int64  `query:"max" minimum:"0" doc:"The largest total, in won; 0 for no limit." default:"0"`
	Due     string `query:"due" enum:"today" doc:"today: orders awaiting a deposit whose deadline falls before the end of today in Korea."`
	Stuck   int    `query:"stuck" minimum:"0" maximum:"3650" doc:"Orders whose status has not changed for more than this many days; 0 for any." default:"0"`
	Page    int    `query:"page" minimum:"1" maximum:"10000" default:"1"`
	PerPage int    `query:"per_page" minimum:"50" maximum:"500" default:"50" doc:"50, 100, 200 or 500."`
}

// perPages are the page sizes of the staff's order list, as in the back
// office.
var perPages = []int{50, 100, 200, 500}

type adminOrdersOutput struct {
	Body AdminOrderPage
}

// BulkStatusRequest moves orders to one status.
type BulkStatusRequest struct {
	IDs    []int64 `json:"ids" minItems:"1" maxItems:"500" doc:"The orders' ids, at most 500." example:"[41, 42]"`
	To     string  `json:"to" enum:"preparing,delivered,completed,cancelled" doc:"The status to move them to: those that move no money (shipping, paying and refunds go one order at a time)." example:"preparing"`
	Reason string  `json:"reason,omitempty" maxLength:"500" doc:"Kept in each order's history; required to cancel." example:""`
}

// BulkStatusItem is one order of a bulk change.
type BulkStatusItem struct {
	ID      int64  `json:"id" example:"41"`
	Number  string `json:"number" doc:"Empty for an order not found." example:"20261130-K7QX2M9A"`
	From    string `json:"from" doc:"Its status before." example:"paid"`
	Refusal string `json:"refusal,omitempty" enum:"not_found,not_allowed,paid,changed" doc:"Why it was left as it was: not_found; not_allowed (the order's status does not lead to the target); paid (a paid order is cancelled with its refund, one at a time); changed (it changed meanwhile)." example:""`
}

// BulkStatusResult is what a bulk change did.
type BulkStatusResult struct {
	To      string           `json:"to" example:"preparing"`
	Changed []BulkStatusItem `json:"changed" nullable:"false"`
	Refused []BulkStatusItem `json:"refused" nullable:"false"`
}

type bulkStatusInput struct {
	Body BulkStatusRequest
}

type bulkStatusOutput struct {
	Body BulkStatusResult
}

// EnableAdminOrders adds the staff's order list and bulk status change
// (/api/v1/admin/orders…) over o. Call it before Register.
func (a *API) EnableAdminOrders(o AdminOrders) {
	if a.acc == nil || o == nil {
		panic("api: EnableAdminOrders needs EnableAccounts first, and the orders")
	}
	a.adminOrders = o
	staff := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return a.staffOp(huma.Operation{OperationID: id, Method: method, Path: Prefix + "/admin/orders" + path,
			Summary: summary, Description: "For staff with the orders permission, with a staff token carrying the orders scope " +
				"(any other token gets 403). " + desc, Errors: append([]int{http.StatusForbidden}, errs...)}, account.PermOrders)
	}
	huma.Register(a.huma, staff("list-admin-orders", http.MethodGet, "", "List and search every customer's orders",
		"Returns a page of the orders matching every filter given, newest first, with their lines and without their "+
			"addresses; the parameters are those of the back office's order list. 422 naming the parameter at fault.",
		http.StatusUnprocessableEntity), a.listAdminOrders)
	huma.Register(a.huma, staff("bulk-order-status", http.MethodPost, "/status", "Move orders to a status together",
		"Moves each order through the state machine in a transaction of its own (its history, audit entry and mail go "+
			"with it), so one refused order stops none of the others; the answer lists the orders moved and those left as "+
			"they were, with why. 422 naming body.ids (none, or more than 500), body.to or body.reason (required to cancel).",
		http.StatusUnprocessableEntity), a.bulkOrderStatus)
	a.registerAdminShipments(staff)
	documentErrorHeaders(a.huma.OpenAPI())
	a.renderSpec()
}

func (a *API) listAdminOrders(ctx context.Context, in *adminOrdersInput) (*adminOrdersOutput, error) {
	if _, err := staffActor(ctx); err != nil {
		return nil, err
	}
	if !slices.Contains(perPages, in.PerPage) {
		return nil, invalidProblem(&fault.Invalid{Fields: map[string]string{"per_page": "must be 50, 100, 200 or 500"}}, nil, "query")
	}
	f := order.AdminFilter{Query: in.Q, Status: order.Status(in.Status), Method: in.Method, Channel: order.Channel(in.Channel),
		From: in.From, To: in.To, DueToday: in.Due == "today", StuckDays: in.Stuck, Limit: in.PerPage, Offset: (in.Page - 1) * in.PerPage}
	if in.Min > 0 {
		f.Min = &in.Min
	}
	if in.Max > 0 {
		f.Max = &in.Max
	}
	os, total, err := a.adminOrders.AdminList(ctx, f)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, map[string]string{"q": "query.q", "status": "query.status", "method": "query.method",
			"channel": "query.channel", "from": "query.from", "to": "query.to", "min": "query.min", "max": "query.max",
			"stuck": "query.stuck", "limit": "query.per_page", "offset": "query.page"}, "query")
	}
	out := AdminOrderPage{Items: make([]AdminOrder, 0, len(os)), Total: total, TotalCapped: total >= order.CountLimit,
		Page: in.Page, PerPage: in.PerPage, Pages: (total + in.PerPage - 1) / in.PerPage}
	for _, o := range os {
		ao := AdminOrder{ID: o.ID, Number: o.Number, UserID: o.UserID, Status: string(o.Status), PaymentMethod: o.PaymentMethod,
			Channel: string(o.Channel), Total: o.Total, Lines: make([]AdminOrderLine, 0, len(o.Lines)),
			CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC()}
		if !o.PayBy.IsZero() {
			t := o.PayBy.UTC()
			ao.PayBy = &t
		}
		for _, l := range o.Lines {
			ao.Lines = append(ao.Lines, AdminOrderLine{Name: l.Name, Options: l.Options, SKU: l.SKU, Quantity: l.Quantity, Status: string(l.Status)})
		}
		out.Items = append(out.Items, ao)
	}
	return &adminOrdersOutput{Body: out}, nil
}

func (a *API) bulkOrderStatus(ctx context.Context, in *bulkStatusInput) (*bulkStatusOutput, error) {
	actor, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	res, err := a.adminOrders.BulkTransition(ctx, in.Body.IDs, order.Status(in.Body.To), actor, in.Body.Reason)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, map[string]string{"ids": "body.ids", "to": "body.to", "reason": "body.reason"}, "body")
	}
	out := BulkStatusResult{To: string(res.To), Changed: make([]BulkStatusItem, 0, len(res.Changed)),
		Refused: make([]BulkStatusItem, 0, len(res.Refused))}
	for _, it := range res.Changed {
		out.Changed = append(out.Changed, BulkStatusItem{ID: it.OrderID, Number: it.Number, From: string(it.From)})
	}
	for _, it := range res.Refused {
		out.Refused = append(out.Refused, BulkStatusItem{ID: it.OrderID, Number: it.Number, From: string(it.From), Refusal: it.Refusal})
	}
	return &bulkStatusOutput{Body: out}, nil
}
