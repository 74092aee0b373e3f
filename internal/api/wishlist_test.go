package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// A customer wishes products through the API: a second wish of the same
// product changes nothing, the list is the latest first, an unknown
// product is 404, taking one off is 204 even twice, and a visitor is 401.
func TestWishlistAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	tok, _ := f.customer(t, "wish@example.com")
	ids, err := f.cat.CreateProducts(t.Context(), []catalog.NewProduct{catalogtest.Product(0, f.leaf), catalogtest.Product(1, f.leaf)})
	if err != nil {
		t.Fatal(err)
	}
	fx := struct{ Products []int64 }{ids}
	path := func(id int64) string { return "/api/v1/me/wishlist/" + strconv.FormatInt(id, 10) }
	wantProblem(t, f.do(t, req{method: "PUT", path: path(fx.Products[0])}), http.StatusUnauthorized)
	for _, id := range []int64{fx.Products[0], fx.Products[1], fx.Products[0]} {
		if r := f.do(t, req{method: "PUT", path: path(id), token: tok}); r.Code != http.StatusNoContent {
			t.Fatalf("PUT %s = %d: %s", path(id), r.Code, r.Body)
		}
	}
	wantProblem(t, f.do(t, req{method: "PUT", path: path(99999), token: tok}), http.StatusNotFound)
	l := decode[api.WishList](t, f.do(t, req{method: "GET", path: "/api/v1/me/wishlist", token: tok}), http.StatusOK)
	if len(l.Items) != 2 || l.Items[0].ProductID != fx.Products[1] || l.Items[1].ProductID != fx.Products[0] {
		t.Fatalf("wishlist = %+v", l)
	}
	for range 2 {
		if r := f.do(t, req{method: "DELETE", path: path(fx.Products[1]), token: tok}); r.Code != http.StatusNoContent {
			t.Fatalf("DELETE = %d: %s", r.Code, r.Body)
		}
	}
	l = decode[api.WishList](t, f.do(t, req{method: "GET", path: "/api/v1/me/wishlist", token: tok}), http.StatusOK)
	if len(l.Items) != 1 || l.Items[0].ProductID != fx.Products[0] {
		t.Fatalf("wishlist after removal = %+v", l)
	}
}
