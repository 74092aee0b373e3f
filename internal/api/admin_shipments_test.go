package api_test

import (
	"net/http"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
)

// Staff with the orders scope ship orders from a list of parcels: a dry
// run reports every row and ships nothing; the real one ships the good
// rows once, and a second request finds them shipped already.
func TestAdminShipments(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	v := f.product(t, "말랑 드립백커피", 8000, 100, false)
	paid := f.placed(t, f.checkoutCustomer(t, "a@example.com"), "bank_transfer", v)
	unpaid := f.placed(t, f.checkoutCustomer(t, "b@example.com"), "bank_transfer", v)
	q := f.d.Write()
	if _, err := q.ExecContext(t.Context(), q.Rebind(`UPDATE orders SET status = 'paid' WHERE number = ?`), paid.Number); err != nil {
		t.Fatal(err)
	}
	tok := f.catalogStaffToken(t, "staff@example.com", account.PermOrders)
	rows := []api.ShipmentRow{
		{Number: paid.Number, Carrier: "CJ대한통운", Tracking: "6789-1234-5678"},
		{Number: unpaid.Number, Carrier: "cj", Tracking: "123456789012"},
		{Number: paid.Number, Carrier: "cj", Tracking: "123456789013"},
		{Number: "NOPE", Carrier: "cj", Tracking: "123456789014"},
	}
	post := func(dry bool) api.ShipmentsResult {
		t.Helper()
		return decode[api.ShipmentsResult](t, f.do(t, req{method: "POST", path: "/api/v1/admin/orders/shipments", token: tok,
			body: api.ShipmentsRequest{Rows: rows, DryRun: dry}}), http.StatusOK)
	}
	results := func(r api.ShipmentsResult) []string {
		var out []string
		for _, row := range r.Rows {
			out = append(out, row.Result)
		}
		return out
	}
	tests := []struct {
		name    string
		dry     bool
		want    []string
		shipped int
	}{
		{"dry run", true, []string{"ok", "wrong_state", "duplicate", "unknown_order"}, 0},
		{"apply", false, []string{"shipped", "wrong_state", "duplicate", "unknown_order"}, 1},
		{"again", false, []string{"already_shipped", "wrong_state", "duplicate", "unknown_order"}, 0},
	}
	for _, tt := range tests {
		got := post(tt.dry)
		if g := results(got); len(g) != len(tt.want) || g[0] != tt.want[0] || g[1] != tt.want[1] || g[2] != tt.want[2] || g[3] != tt.want[3] ||
			got.Shipped != tt.shipped {
			t.Fatalf("%s: %+v, want %v", tt.name, got, tt.want)
		}
		if got.Rows[1].Status != "awaiting_deposit" && got.Rows[1].Status != "pending_payment" || got.Rows[2].DuplicateOf != 1 ||
			got.Rows[0].CarrierCode != "cj" {
			t.Fatalf("%s: rows %+v", tt.name, got.Rows)
		}
	}
	rec := f.do(t, req{method: "POST", path: "/api/v1/admin/orders/shipments", token: tok, body: api.ShipmentsRequest{Rows: []api.ShipmentRow{}}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("no rows: %d %s", rec.Code, rec.Body)
	}
}
