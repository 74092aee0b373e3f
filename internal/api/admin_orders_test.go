package api_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/order"
)

// Staff with the orders scope list every customer's orders with the back
// office's filters, a page at a time (page, per_page, total), and move
// several to a status together, learning which were refused and why.
func TestAdminOrders(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	v := f.product(t, "말랑 드립백커피", 8000, 100, false)
	var placed []api.Order
	for i := range 3 {
		c := f.checkoutCustomer(t, "buyer"+strconv.Itoa(i)+"@example.com")
		placed = append(placed, f.placed(t, c, "bank_transfer", v))
	}
	q := f.d.Write()
	if _, err := q.ExecContext(t.Context(), q.Rebind(`UPDATE orders SET status = 'paid' WHERE number IN (?, ?)`),
		placed[0].Number, placed[1].Number); err != nil {
		t.Fatal(err)
	}
	tok := f.catalogStaffToken(t, "staff@example.com", account.PermOrders)
	all := decode[api.AdminOrderPage](t, f.do(t, req{method: "GET", path: "/api/v1/admin/orders", token: tok}), http.StatusOK)
	if len(all.Items) != 3 {
		t.Fatalf("list: %+v", all)
	}
	id := map[string]int64{}
	for _, o := range all.Items {
		id[o.Number] = o.ID
	}

	lists := []struct {
		name  string
		query string
		want  []string
		total int
	}{
		{"everything", "", []string{placed[2].Number, placed[1].Number, placed[0].Number}, 3},
		{"status", "?status=paid", []string{placed[1].Number, placed[0].Number}, 2},
		{"email", "?q=buyer2%40example.com", []string{placed[2].Number}, 1},
		{"past the last page", "?status=paid&per_page=50&page=2", nil, 2},
	}
	for _, tt := range lists {
		t.Run(tt.name, func(t *testing.T) {
			pg := decode[api.AdminOrderPage](t, f.do(t, req{method: "GET", path: "/api/v1/admin/orders" + tt.query, token: tok}), http.StatusOK)
			var got []string
			for _, o := range pg.Items {
				got = append(got, o.Number)
			}
			if !slices.Equal(got, tt.want) || pg.PerPage != 50 || pg.Total != tt.total || pg.Pages != 1 {
				t.Fatalf("page %+v, want %v", pg, tt.want)
			}
		})
	}
	for _, bad := range []struct{ query, location string }{
		{"?per_page=30", "query.per_page"},
		{"?per_page=1000", "query.per_page"},
		{"?from=11%2F30", "query.from"},
		{"?status=lost", "query.status"},
	} {
		p := decodeProblem(t, f.do(t, req{method: "GET", path: "/api/v1/admin/orders" + bad.query, token: tok}), http.StatusUnprocessableEntity)
		if len(p.Errors) == 0 || p.Errors[0].Location != bad.location {
			t.Errorf("%s: %+v, want %s", bad.query, p, bad.location)
		}
	}

	ids := []int64{id[placed[0].Number], id[placed[1].Number], id[placed[2].Number], 999999}
	res := decode[api.BulkStatusResult](t, f.do(t, req{method: "POST", path: "/api/v1/admin/orders/status", token: tok,
		body: map[string]any{"ids": ids, "to": "preparing"}}), http.StatusOK)
	if len(res.Changed) != 2 || res.Changed[0].Number != placed[0].Number || len(res.Refused) != 2 ||
		res.Refused[0].Refusal != order.RefusedNotAllowed || res.Refused[0].From != "awaiting_deposit" ||
		res.Refused[1].Refusal != order.RefusedNotFound {
		t.Fatalf("bulk: %+v", res)
	}
	for _, bad := range []struct {
		body     map[string]any
		location string
	}{
		{map[string]any{"ids": []int64{}, "to": "preparing"}, "body.ids"},
		{map[string]any{"ids": []int64{id[placed[2].Number]}, "to": "shipped"}, "body.to"},
		{map[string]any{"ids": []int64{id[placed[2].Number]}, "to": "cancelled"}, "body.reason"},
	} {
		p := decodeProblem(t, f.do(t, req{method: "POST", path: "/api/v1/admin/orders/status", token: tok, body: bad.body}), http.StatusUnprocessableEntity)
		if len(p.Errors) == 0 || p.Errors[0].Location != bad.location {
			t.Errorf("%v: %+v, want %s", bad.body, p, bad.location)
		}
	}

	// A customer's token and staff without the orders scope are refused.
	other := f.catalogStaffToken(t, "catalog@example.com", account.PermCatalog)
	buyer, _ := f.customer(t, "someone@example.com")
	for _, tk := range []string{other, buyer} {
		if rec := f.do(t, req{method: "GET", path: "/api/v1/admin/orders", token: tk}); rec.Code != http.StatusForbidden {
			t.Errorf("list: %d", rec.Code)
		}
		if rec := f.do(t, req{method: "POST", path: "/api/v1/admin/orders/status", token: tk,
			body: map[string]any{"ids": []int64{id[placed[2].Number]}, "to": "cancelled", "reason": "x"}}); rec.Code != http.StatusForbidden {
			t.Errorf("bulk: %d", rec.Code)
		}
	}
}
