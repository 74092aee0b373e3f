package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/cart"
)

func linePath(id int64) string { return "/api/v1/cart/lines/" + strconv.FormatInt(id, 10) }

func TestCart(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	tok, _ := f.customer(t, minjiEmail)
	choco := f.product(t, "말랑 다크초콜릿", 12000, 5, true)
	jelly := f.product(t, "말랑 젤리", 3000, 50, false)
	call := func(method, path string, body any) *httptest.ResponseRecorder {
		return f.do(t, req{method: method, path: path, body: body, token: tok})
	}

	if c := decode[api.Cart](t, call("GET", "/api/v1/cart", nil), http.StatusOK); c.ID != 0 || len(c.Lines) != 0 || c.Count != 0 || c.Subtotal != 0 {
		t.Errorf("empty cart = %+v", c)
	}
	if !strings.Contains(call("GET", "/api/v1/cart", nil).Body.String(), `"lines":[]`) {
		t.Error(`an empty cart has no "lines":[]`)
	}

	c := decode[api.Cart](t, call("POST", "/api/v1/cart/lines", map[string]any{"variant_id": choco, "quantity": 2}), http.StatusCreated)
	if len(c.Lines) != 1 || c.Subtotal != 24000 || c.Count != 1 || len(c.Notices) != 0 {
		t.Fatalf("after add = %+v", c)
	}
	l := c.Lines[0]
	wantImage := testBaseURL + "/media/thumbs/sm/products/1/a.jpg"
	if l.VariantID != choco || l.Name != "말랑 다크초콜릿" || l.Options != "맛: 기본" || l.SKU != "API-1" || l.UnitPrice != 12000 ||
		l.ListPrice != 12000 || l.Quantity != 2 || !l.Selected || !l.Available || l.Problem != "" || l.LineTotal != 24000 ||
		l.ProductID == 0 || l.Image == nil || *l.Image != wantImage {
		t.Errorf("line = %+v (image %v)", l, l.Image)
	}
	// Capped at the stock, with a notice.
	c = decode[api.Cart](t, call("POST", "/api/v1/cart/lines", map[string]any{"variant_id": choco, "quantity": 9}), http.StatusCreated)
	if len(c.Lines) != 1 || c.Lines[0].Quantity != 5 || len(c.Notices) != 1 {
		t.Fatalf("after capped add = %+v", c)
	}
	if n := c.Notices[0]; n.VariantID != choco || n.Requested != 9 || n.Added != 3 || n.Quantity != 5 || n.Limit != "stock" || n.Message == "" {
		t.Errorf("notice = %+v", n)
	}
	c = decode[api.Cart](t, call("POST", "/api/v1/cart/lines", map[string]any{"variant_id": jelly, "quantity": 1}), http.StatusCreated)
	if len(c.Lines) != 2 || c.Subtotal != 63000 || c.Lines[1].Image != nil {
		t.Fatalf("after second add = %+v", c)
	}
	chocoLine, jellyLine := c.Lines[0].ID, c.Lines[1].ID

	c = decode[api.Cart](t, call("PATCH", linePath(jellyLine), map[string]any{"quantity": 4}), http.StatusOK)
	if c.Lines[1].Quantity != 4 || c.Subtotal != 72000 {
		t.Errorf("after change = %+v", c)
	}
	c = decode[api.Cart](t, call("PUT", "/api/v1/cart/selection", map[string]any{"line_ids": []int64{jellyLine}}), http.StatusOK)
	if c.Lines[0].Selected || !c.Lines[1].Selected || c.Subtotal != 12000 || c.Count != 2 {
		t.Errorf("after select = %+v", c)
	}
	c = decode[api.Cart](t, call("DELETE", linePath(jellyLine), nil), http.StatusOK)
	if len(c.Lines) != 1 || c.Lines[0].ID != chocoLine || c.Subtotal != 0 {
		t.Errorf("after remove = %+v", c)
	}
	wantProblem(t, call("DELETE", linePath(jellyLine), nil), http.StatusNotFound)

	t.Run("validation", func(t *testing.T) {
		tests := []struct {
			name         string
			method, path string
			body         any
			locations    []string
		}{
			{"no such variant", "POST", "/api/v1/cart/lines", map[string]any{"variant_id": 999999, "quantity": 1}, []string{"body.variant_id"}},
			{"zero variant", "POST", "/api/v1/cart/lines", map[string]any{"variant_id": 0, "quantity": 1}, []string{"body.variant_id"}},
			{"zero quantity", "POST", "/api/v1/cart/lines", map[string]any{"variant_id": jelly, "quantity": 0}, []string{"body.quantity"}},
			{"over the maximum", "POST", "/api/v1/cart/lines", map[string]any{"variant_id": jelly, "quantity": 100}, []string{"body.quantity"}},
			{"fractional quantity", "POST", "/api/v1/cart/lines", `{"variant_id": 1, "quantity": 1.5}`, []string{"body.quantity"}},
			{"missing fields", "POST", "/api/v1/cart/lines", map[string]any{}, []string{"body.quantity", "body.variant_id"}},
			{"all in the cart already", "POST", "/api/v1/cart/lines", map[string]any{"variant_id": choco, "quantity": 1}, []string{"body.quantity"}},
			{"above the stock", "PATCH", linePath(chocoLine), map[string]any{"quantity": 6}, []string{"body.quantity"}},
			{"negative quantity", "PATCH", linePath(chocoLine), map[string]any{"quantity": -1}, []string{"body.quantity"}},
			{"bad line id", "PATCH", "/api/v1/cart/lines/x", map[string]any{"quantity": 1}, []string{"path.id"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantProblem(t, call(tt.method, tt.path, tt.body), http.StatusUnprocessableEntity, tt.locations...)
			})
		}
	})

	t.Run("another customer's line", func(t *testing.T) {
		other, _ := f.customer(t, "other@example.com")
		ocall := func(method, path string, body any) *httptest.ResponseRecorder {
			return f.do(t, req{method: method, path: path, body: body, token: other})
		}
		wantProblem(t, ocall("PATCH", linePath(chocoLine), map[string]any{"quantity": 1}), http.StatusNotFound)
		wantProblem(t, ocall("DELETE", linePath(chocoLine), nil), http.StatusNotFound)
		wantProblem(t, ocall("PUT", "/api/v1/cart/selection", map[string]any{"line_ids": []int64{chocoLine}}), http.StatusNotFound)
		// Once the other customer has a cart, the line is still not theirs.
		decode[api.Cart](t, ocall("POST", "/api/v1/cart/lines", map[string]any{"variant_id": jelly, "quantity": 1}), http.StatusCreated)
		wantProblem(t, ocall("PATCH", linePath(chocoLine), map[string]any{"quantity": 1}), http.StatusNotFound)
		if c := decode[api.Cart](t, ocall("GET", "/api/v1/cart", nil), http.StatusOK); len(c.Lines) != 1 || c.Lines[0].VariantID != jelly {
			t.Errorf("other cart = %+v", c)
		}
		if c := decode[api.Cart](t, call("GET", "/api/v1/cart", nil), http.StatusOK); len(c.Lines) != 1 || c.Lines[0].Quantity != 5 {
			t.Errorf("own cart after the other's attempts = %+v", c)
		}
	})

	t.Run("sold out line", func(t *testing.T) {
		if _, err := f.d.Write().ExecContext(t.Context(), f.d.Write().Rebind(`UPDATE variants SET stock = 0 WHERE id = ?`), choco); err != nil {
			t.Fatal(err)
		}
		f.cat.StockChanged()
		c := decode[api.Cart](t, call("GET", "/api/v1/cart", nil), http.StatusOK)
		if l := c.Lines[0]; l.Available || l.Problem != cart.ProblemSoldOut || c.Subtotal != 0 {
			t.Errorf("sold-out line = %+v, subtotal %d", l, c.Subtotal)
		}
	})
}

func TestCommerceNeedsToken(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	for _, r := range []req{
		{method: "GET", path: "/api/v1/cart"},
		{method: "POST", path: "/api/v1/cart/lines", body: map[string]any{"variant_id": 1, "quantity": 1}},
		{method: "PATCH", path: "/api/v1/cart/lines/1", body: map[string]any{"quantity": 1}},
		{method: "DELETE", path: "/api/v1/cart/lines/1"},
		{method: "PUT", path: "/api/v1/cart/selection", body: map[string]any{"line_ids": []int64{}}},
		{method: "POST", path: "/api/v1/checkout/preview", body: map[string]any{}},
		{method: "POST", path: "/api/v1/orders", body: map[string]any{}},
		{method: "GET", path: "/api/v1/orders"},
		{method: "GET", path: "/api/v1/orders/20261130-K7QX2M9A"},
		{method: "POST", path: "/api/v1/orders/20261130-K7QX2M9A/cancel"},
	} {
		t.Run(fmt.Sprintf("%s %s", r.method, r.path), func(t *testing.T) {
			rec := f.do(t, r)
			wantProblem(t, rec, http.StatusUnauthorized)
			if rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("no WWW-Authenticate")
			}
			r.token = "not-a-token"
			wantProblem(t, f.do(t, r), http.StatusUnauthorized)
		})
	}
}
