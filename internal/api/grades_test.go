package api_test

import (
	"net/http"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
)

// Staff list and edit the grades through the API, the discount rate with
// the rest; a customer reads their grade and how far the next one is.
func TestGradesAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	_, staffID := f.customer(t, "grades-staff@example.com")
	tok := f.staffToken(t, f.makeStaff(t, staffID, account.Staff, account.PermOrders)).AccessToken
	cust, _ := f.customer(t, "grades-customer@example.com")

	gs := decode[[]api.Grade](t, f.do(t, req{method: "GET", path: "/api/v1/admin/grades", token: tok}), http.StatusOK)
	if len(gs) != 4 || gs[0].Code != "welcome" || gs[2].Code != "gold" || gs[2].DiscountPercent != 0 {
		t.Fatalf("grades = %+v", gs)
	}
	for _, tt := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"name": "골드", "earn_permille": 30, "min_spend": 1000000, "discount_percent": 51}, "body.discount_percent"},
		{map[string]any{"name": "골드", "earn_permille": 30, "min_spend": 1000000, "discount_percent": -1}, "body.discount_percent"},
		{map[string]any{"name": "", "earn_permille": 30, "min_spend": 1000000, "discount_percent": 5}, "body.name"},
	} {
		wantProblem(t, f.do(t, req{method: "PUT", path: "/api/v1/admin/grades/gold", token: tok, body: tt.body}), http.StatusUnprocessableEntity, tt.field)
	}
	wantProblem(t, f.do(t, req{method: "PUT", path: "/api/v1/admin/grades/platinum", token: tok,
		body: map[string]any{"name": "플래티넘", "earn_permille": 30, "min_spend": 1, "discount_percent": 5}}), http.StatusNotFound)
	g := decode[api.Grade](t, f.do(t, req{method: "PUT", path: "/api/v1/admin/grades/welcome", token: tok,
		body: map[string]any{"name": "웰컴", "earn_permille": 10, "min_spend": 0, "discount_percent": 2}}), http.StatusOK)
	if g.DiscountPercent != 2 {
		t.Fatalf("edited grade = %+v", g)
	}

	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me/grade"}), http.StatusUnauthorized)
	my := decode[api.MyGrade](t, f.do(t, req{method: "GET", path: "/api/v1/me/grade", token: cust}), http.StatusOK)
	if my.Grade.Code != "welcome" || my.Grade.DiscountPercent != 2 || my.Next == nil || my.Next.Code != "silver" ||
		my.Spent != 0 || my.ToNext != 300000 || my.NextEvaluation.IsZero() {
		t.Fatalf("my grade = %+v", my)
	}
}
