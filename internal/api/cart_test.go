package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/account/apitoken"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/testpay"
	"github.com/mallang/mallang/internal/points"
	"github.com/mallang/mallang/internal/promotion"
	"github.com/mallang/mallang/internal/ratelimit"
	"github.com/mallang/mallang/internal/shipping"
)

// These tests run the cart, checkout and order endpoints over the real
// catalog, cart, shipping, coupon, points, address and order services,
// wired as app wires them, on a fresh database — SQLite, or PostgreSQL when
// MALLANG_TEST_POSTGRES_URL is set — and check what a client receives.

var (
	_ Carts  = (*cart.Service)(nil)
	_ Orders = (*order.Service)(nil)
)

// commerceFixture is the accounts fixture over a real catalog, with the
// commerce endpoints enabled.
type commerceFixture struct {
	*accountsFixture
	cat     *catalog.Service
	carts   *cart.Service
	coupons *coupon.Service
	points  *points.Service
	orders  *order.Service
	leaf    int64
	n       int
	// pays and tp are set by newPaymentsFixture only.
	pays *payment.Service
	tp   *testpay.Provider
}

func newCommerceFixture(t *testing.T) *commerceFixture {
	t.Helper()
	return newShopFixture(t, false)
}

// newShopFixture is newCommerceFixture with, when payments is set, a real
// payment service over bank transfer, the test provider and extra, passed
// as CommerceDeps.Payments.
func newShopFixture(t *testing.T, payments bool, extra ...payment.Provider) *commerceFixture {
	t.Helper()
	d := dbtest.New(t)
	af := &accountsFixture{d: d, clock: &testClock{t: time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)}, logs: &lockedBuffer{}}
	now := af.clock.Now
	kr := crypt.DeriveKeyring([]byte(testKeyText))
	tokens, err := apitoken.New(d, apitoken.Config{SigningKey: []byte(testKeyText), Issuer: testBaseURL}, now)
	if err != nil {
		t.Fatal(err)
	}
	af.addr = address.New(d, kr, now)
	limiter := ratelimit.New(d, now)
	af.acc = account.NewService(d, account.Options{
		BaseURL: testBaseURL, Keyring: kr, Mailer: notify.NewOutbox(d, now), Limiter: limiter,
		Blocklist: blockedIPs{}, OnSessionsEnd: []account.Hook{tokens.RevokeUser},
	}, now, nil)

	f := &commerceFixture{accountsFixture: af, cat: catalog.NewService(d, now, nil, nil)}
	f.carts = cart.New(d, f.cat, cart.Config{}, now)
	f.coupons = coupon.New(d, audit.New(d, now), now)
	f.points = points.New(d, now)
	f.orders = order.NewService(d, order.Deps{
		Catalog: f.cat, Cart: f.carts, Addresses: af.addr, Coupons: f.coupons, Points: f.points,
		Shipping: shipping.New(d, audit.New(d, now), now), Promotions: promotion.New(d, f.cat, audit.New(d, now), now), Keyring: kr,
		Audit: audit.New(d, now),
	}, order.Config{}, now, nil)
	f.leaf = catalogtest.Categories(t, f.cat).Leaves[0].ID

	a := New(Config{BaseURL: testBaseURL, Version: "test"}, f.cat, slog.New(slog.NewJSONHandler(af.logs, nil)))
	a.EnableAccounts(AccountDeps{Accounts: af.acc, Tokens: tokens, Addresses: af.addr, Limiter: limiter})
	tp, err := testpay.New([]byte(testKeyText+" testpay"), func(ref string) string {
		return testBaseURL + "/pay/testpay/" + ref
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	f.tp = tp
	f.pays = payment.NewService(d, payment.Deps{Orders: f.orders, Keyring: kr}, payment.Config{
		BaseURL: testBaseURL, Bank: payment.BankAccount{Bank: "말랑은행", Account: "123-456", Holder: "(주)말랑"},
		BuyerProtection: testBuyerProtection, DepositWithin: testDepositWithin,
	}, append([]payment.Provider{tp}, extra...), now, nil)
	deps := CommerceDeps{Carts: f.carts, Orders: f.orders, Checkout: checkout.New(d, f.orders, f.pays)}
	if payments {
		deps.Payments = f.pays
	}
	a.EnableCommerce(deps)
	mux := http.NewServeMux()
	a.Register(mux)
	af.h = mux
	return f
}

// product adds a product with one variant of price and stock, with an
// image when image is set, and returns the variant's id.
func (f *commerceFixture) product(t *testing.T, name string, price, stock int64, image bool) int64 {
	t.Helper()
	f.n++
	np := catalog.NewProduct{CategoryID: f.leaf, Name: name, OptionNames: []string{"맛"},
		Variants: []catalog.NewVariant{{SKU: "API-" + strconv.Itoa(f.n), Options: [3]string{"기본"}, Price: price, Stock: stock, Active: true}}}
	if image {
		np.Images = []catalog.NewImage{{Key: "products/" + strconv.Itoa(f.n) + "/a.png", ContentType: "image/png", Width: 800, Height: 800, ThumbsReady: true}}
	}
	id, err := f.cat.CreateProduct(t.Context(), np)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.cat.Product(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Variants[0].ID
}

// stock returns variant id's stock.
func (f *commerceFixture) stock(t *testing.T, id int64) int64 {
	t.Helper()
	q := f.d.Read()
	var n int64
	if err := q.GetContext(t.Context(), &n, q.Rebind(`SELECT stock FROM variants WHERE id = ?`), id); err != nil {
		t.Fatal(err)
	}
	return n
}

// customer signs a new customer up and in and returns the access token and
// the user id.
func (f *commerceFixture) customer(t *testing.T, email string) (string, int64) {
	t.Helper()
	f.member(t, email)
	tok := f.signIn(t, email, minjiPass).AccessToken
	me := decode[User](t, f.do(t, req{method: "GET", path: "/api/v1/me", token: tok}), http.StatusOK)
	return tok, me.ID
}

// send is do with extra request headers; it reports instead of stopping,
// so goroutines may call it.
func (f *commerceFixture) send(t *testing.T, r req, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if r.body != nil {
		j, err := json.Marshal(r.body)
		if err != nil {
			t.Error(err)
		}
		body = bytes.NewReader(j)
	}
	hr := httptest.NewRequestWithContext(t.Context(), r.method, r.path, body)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range header {
		hr.Header[k] = vs
	}
	hr.Header.Set("Authorization", "Bearer "+r.token)
	hr.RemoteAddr = testIP + ":51234"
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, hr)
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s %s: Cache-Control = %q, want no-store", r.method, r.path, cc)
	}
	return rec
}

func linePath(id int64) string { return "/api/v1/cart/lines/" + strconv.FormatInt(id, 10) }

func TestCart(t *testing.T) {
	t.Parallel()
	f := newCommerceFixture(t)
	tok, _ := f.customer(t, minjiEmail)
	choco := f.product(t, "말랑 다크초콜릿", 12000, 5, true)
	jelly := f.product(t, "말랑 젤리", 3000, 50, false)
	call := func(method, path string, body any) *httptest.ResponseRecorder {
		return f.do(t, req{method: method, path: path, body: body, token: tok})
	}

	if c := decode[Cart](t, call("GET", "/api/v1/cart", nil), http.StatusOK); c.ID != 0 || len(c.Lines) != 0 || c.Count != 0 || c.Subtotal != 0 {
		t.Errorf("empty cart = %+v", c)
	}
	if !strings.Contains(call("GET", "/api/v1/cart", nil).Body.String(), `"lines":[]`) {
		t.Error(`an empty cart has no "lines":[]`)
	}

	c := decode[Cart](t, call("POST", "/api/v1/cart/lines", map[string]any{"variant_id": choco, "quantity": 2}), http.StatusCreated)
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
	c = decode[Cart](t, call("POST", "/api/v1/cart/lines", map[string]any{"variant_id": choco, "quantity": 9}), http.StatusCreated)
	if len(c.Lines) != 1 || c.Lines[0].Quantity != 5 || len(c.Notices) != 1 {
		t.Fatalf("after capped add = %+v", c)
	}
	if n := c.Notices[0]; n.VariantID != choco || n.Requested != 9 || n.Added != 3 || n.Quantity != 5 || n.Limit != "stock" || n.Message == "" {
		t.Errorf("notice = %+v", n)
	}
	c = decode[Cart](t, call("POST", "/api/v1/cart/lines", map[string]any{"variant_id": jelly, "quantity": 1}), http.StatusCreated)
	if len(c.Lines) != 2 || c.Subtotal != 63000 || c.Lines[1].Image != nil {
		t.Fatalf("after second add = %+v", c)
	}
	chocoLine, jellyLine := c.Lines[0].ID, c.Lines[1].ID

	c = decode[Cart](t, call("PATCH", linePath(jellyLine), map[string]any{"quantity": 4}), http.StatusOK)
	if c.Lines[1].Quantity != 4 || c.Subtotal != 72000 {
		t.Errorf("after change = %+v", c)
	}
	c = decode[Cart](t, call("PUT", "/api/v1/cart/selection", map[string]any{"line_ids": []int64{jellyLine}}), http.StatusOK)
	if c.Lines[0].Selected || !c.Lines[1].Selected || c.Subtotal != 12000 || c.Count != 2 {
		t.Errorf("after select = %+v", c)
	}
	c = decode[Cart](t, call("DELETE", linePath(jellyLine), nil), http.StatusOK)
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
		decode[Cart](t, ocall("POST", "/api/v1/cart/lines", map[string]any{"variant_id": jelly, "quantity": 1}), http.StatusCreated)
		wantProblem(t, ocall("PATCH", linePath(chocoLine), map[string]any{"quantity": 1}), http.StatusNotFound)
		if c := decode[Cart](t, ocall("GET", "/api/v1/cart", nil), http.StatusOK); len(c.Lines) != 1 || c.Lines[0].VariantID != jelly {
			t.Errorf("other cart = %+v", c)
		}
		if c := decode[Cart](t, call("GET", "/api/v1/cart", nil), http.StatusOK); len(c.Lines) != 1 || c.Lines[0].Quantity != 5 {
			t.Errorf("own cart after the other's attempts = %+v", c)
		}
	})

	t.Run("sold out line", func(t *testing.T) {
		if _, err := f.d.Write().ExecContext(t.Context(), f.d.Write().Rebind(`UPDATE variants SET stock = 0 WHERE id = ?`), choco); err != nil {
			t.Fatal(err)
		}
		f.cat.StockChanged()
		c := decode[Cart](t, call("GET", "/api/v1/cart", nil), http.StatusOK)
		if l := c.Lines[0]; l.Available || l.Problem != cart.ProblemSoldOut || c.Subtotal != 0 {
			t.Errorf("sold-out line = %+v, subtotal %d", l, c.Subtotal)
		}
	})
}

func TestCommerceNeedsToken(t *testing.T) {
	t.Parallel()
	f := newCommerceFixture(t)
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

func TestEnableCommerceNeedsAccounts(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("EnableCommerce without EnableAccounts did not panic")
		}
	}()
	New(Config{BaseURL: testBaseURL}, stubCatalog{}, nil).EnableCommerce(CommerceDeps{Carts: (*cart.Service)(nil), Orders: (*order.Service)(nil)})
}
