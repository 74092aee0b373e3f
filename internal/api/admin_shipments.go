package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/order"
)

// ShipmentRow is one parcel to record: an order, its carrier and tracking
// number, as a courier's file gives them.
type ShipmentRow struct {
	Number   string `json:"number" maxLength:"100" doc:"The order number." example:"20261130-K7QX2M9A"`
	Carrier  string `json:"carrier" maxLength:"100" doc:"The carrier's code (cj, hanjin, lotte, epost, logen, …) or its name as the carriers list gives it (CJ대한통운, 한진택배 or 한진, …)." example:"cj"`
	Tracking string `json:"tracking" maxLength:"100" doc:"The tracking number: 8 to 20 digits and dashes." example:"6789-1234-5678"`
}

// ShipmentsRequest ships orders from a list of parcels.
type ShipmentsRequest struct {
	Rows   []ShipmentRow `json:"rows" minItems:"1" maxItems:"5000" doc:"The parcels, at most 5,000." nullable:"false"`
	DryRun bool          `json:"dry_run,omitempty" doc:"Check every row and ship nothing: the answer says what applying would do now." example:"false"`
}

// ShipmentResultRow is what became of one row.
type ShipmentResultRow struct {
	Row         int    `json:"row" doc:"The row's place in the request, from 1." example:"1"`
	Number      string `json:"number" example:"20261130-K7QX2M9A"`
	OrderID     int64  `json:"order_id,omitempty" doc:"The order the number names; absent when none does." example:"42"`
	CarrierCode string `json:"carrier_code,omitempty" doc:"The carrier the row names; absent when it names none." example:"cj"`
	Tracking    string `json:"tracking" example:"6789-1234-5678"`
	Result      string `json:"result" enum:"ok,shipped,already_shipped,unknown_order,wrong_state,unknown_carrier,bad_tracking,duplicate,empty" doc:"ok: would ship (dry run); shipped; already_shipped (by an earlier row of another file, the order's page or a colleague at the same time); unknown_order; wrong_state (the order is neither paid nor being prepared: see status); unknown_carrier; bad_tracking; duplicate (an earlier row names the same order: see duplicate_of); empty." example:"shipped"`
	Status      string `json:"status,omitempty" doc:"The order's status when checked, for wrong_state and already_shipped." example:""`
	DuplicateOf int    `json:"duplicate_of,omitempty" doc:"The earlier row naming the same order." example:"0"`
}

// ShipmentsResult is the row-by-row report of a shipment list.
type ShipmentsResult struct {
	Rows    []ShipmentResultRow `json:"rows" nullable:"false"`
	Shipped int                 `json:"shipped" doc:"Orders shipped by this request." example:"1"`
	Ready   int                 `json:"ready" doc:"Rows that would ship (a dry run)." example:"0"`
}

type shipmentsInput struct {
	Body ShipmentsRequest
}

type shipmentsOutput struct {
	Body ShipmentsResult
}

// registerAdminShipments adds POST /api/v1/admin/orders/shipments (staff
// returns from staff(…) carry the orders scope).
func (a *API) registerAdminShipments(staff func(id, method, path, summary, desc string, errs ...int) huma.Operation) {
	huma.Register(a.huma, staff("ship-orders", http.MethodPost, "/shipments", "Ship orders from a courier's list of parcels",
		"The shipment upload (송장 일괄등록) of the back office for programs: each row names an order, a carrier and a "+
			"tracking number. Every row is checked, and the good ones ship their orders through the state machine, each in a "+
			"transaction of its own with its shipment, history, audit entry and the customer's mail, so an order is shipped "+
			"once however many requests name it at the same time. The answer reports every row. With dry_run nothing ships. "+
			"422 naming body.rows (none, or more than 5,000).",
		http.StatusUnprocessableEntity), a.shipOrders)
}

func (a *API) shipOrders(ctx context.Context, in *shipmentsInput) (*shipmentsOutput, error) {
	actor, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	lines := make([]order.ShipmentLine, len(in.Body.Rows))
	for i, r := range in.Body.Rows {
		lines[i] = order.ShipmentLine{Row: i + 1, Number: r.Number, Carrier: r.Carrier, Tracking: r.Tracking}
	}
	rows, err := a.adminOrders.ShipLines(ctx, lines, actor, in.Body.DryRun)
	if err != nil {
		return nil, a.fieldProblem(ctx, err, map[string]string{"rows": "body.rows"}, "body")
	}
	out := ShipmentsResult{Rows: make([]ShipmentResultRow, 0, len(rows))}
	for _, r := range rows {
		out.Rows = append(out.Rows, ShipmentResultRow{Row: r.Row, Number: r.Number, OrderID: r.OrderID, CarrierCode: r.CarrierCode,
			Tracking: r.Tracking, Result: r.Result, Status: string(r.Status), DuplicateOf: r.DuplicateOf})
		switch r.Result {
		case order.ShipShipped:
			out.Shipped++
		case order.ShipOK:
			out.Ready++
		}
	}
	return &shipmentsOutput{Body: out}, nil
}
