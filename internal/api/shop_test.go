package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/account/twofactor"
	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/testpay"
	"github.com/mallang/mallang/internal/points"
)

// These tests send their requests through the whole shop as apptest builds
// it — the app's router with its middleware, over the real services on a
// fresh database (SQLite, or PostgreSQL when MALLANG_TEST_POSTGRES_URL is
// set) — and check what a client receives.

var (
	_ api.Carts    = (*cart.Service)(nil)
	_ api.Orders   = (*order.Service)(nil)
	_ api.Payments = (*payment.Service)(nil)
)

const (
	testBaseURL = apptest.BaseURL
	testIP      = "203.0.113.5"
	blockedIP   = "198.51.100.66"
	testAgent   = "MallangApp/3.1 (iOS 19)"
	minjiEmail  = "minji@example.com"
	minjiPass   = "말랑한 봄날의 산책"
	minjiPhone  = "010-1234-5678"
	minjiE164   = "+821012345678"

	testBuyerProtection = apptest.BuyerProtection
	// testDepositWithin is how long the test shop's transfers wait.
	testDepositWithin = apptest.DepositWithin
	// bearerScheme names the API's security scheme in the document.
	bearerScheme = "bearer"
)

// fixture is a test shop with the services the tests set it up through.
type fixture struct {
	d       *db.DB
	h       http.Handler
	clock   *fake.Clock
	logs    *apptest.Logs
	acc     *account.Service
	addr    *address.Service
	cat     *catalog.Service
	carts   *cart.Service
	coupons *coupon.Service
	points  *points.Service
	orders  *order.Service
	pays    *payment.Service
	tp      *testpay.Provider
	tf      *twofactor.Service
	audit   *audit.Log
	leaf    int64            // a leaf category for products
	n       int              // products and orders made so far, for unique names
	secrets map[int64]string // the authenticator secrets of staff, by user id
}

// newShop builds a test shop with bank transfer, the test provider and
// extra, its catalogtest categories, and blockedIP blocked by the honeypot.
func newShop(t *testing.T, extra ...payment.Provider) *fixture {
	t.Helper()
	s := apptest.New(t, apptest.Options{Providers: extra})
	s.Block(t, blockedIP)
	return &fixture{
		d: s.DB, h: s.Handler(), clock: s.Clock, logs: s.Logs,
		acc: s.Accounts, addr: s.Addresses(), cat: s.Catalog, carts: s.Carts(), coupons: s.Coupons(),
		points: s.Points(), orders: s.Orders(), pays: s.Payments(), tp: s.TestPay(), tf: s.TwoFactor(), audit: s.Audit(),
		leaf: catalogtest.Categories(t, s.Catalog).Leaves[0].ID,
	}
}

// req is one request to the API.
type req struct {
	method, path string
	body         any    // marshalled as JSON unless nil; a string is sent as is
	token        string // the bearer access token, if any
	ip           string // the client address; testIP when empty
}

// do serves r through the shop and returns the response.
func (f *fixture) do(t *testing.T, r req) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	hr := httptest.NewRequestWithContext(t.Context(), r.method, r.path, body)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	hr.Header.Set("User-Agent", testAgent)
	ip := r.ip
	if ip == "" {
		ip = testIP
	}
	hr.RemoteAddr = ip + ":51234"
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, hr)
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s %s: Cache-Control = %q, want no-store", r.method, r.path, cc)
	}
	return rec
}

// send is do with extra request headers; it reports instead of stopping,
// so goroutines may call it.
func (f *fixture) send(t *testing.T, r req, header http.Header) *httptest.ResponseRecorder {
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

// get serves one request without a body through h.
func get(t testing.TB, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	hr := httptest.NewRequestWithContext(t.Context(), method, target, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, hr)
	return rec
}

// decode checks the status of rec and decodes its JSON body into v.
func decode[T any](t *testing.T, rec *httptest.ResponseRecorder, status int) T {
	t.Helper()
	var v T
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("body: %v; %s", err, rec.Body)
	}
	return v
}

// problemBody is an RFC 9457 problem as a client decodes it.
type problemBody struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
	Errors   []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}

// decodeProblem checks that rec is a problem with status and returns it.
func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder, status int) problemBody {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problemBody
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body: %v; %s", err, rec.Body)
	}
	if p.Status != status || p.Title != http.StatusText(status) || p.Type == "" || p.Detail == "" || p.Instance == "" {
		t.Fatalf("incomplete problem %+v", p)
	}
	return p
}

// wantProblem checks that rec is a problem with status and, when fields are
// given, that its errors name exactly those locations.
func wantProblem(t *testing.T, rec *httptest.ResponseRecorder, status int, locations ...string) problemBody {
	t.Helper()
	p := decodeProblem(t, rec, status)
	if len(locations) > 0 {
		var got []string
		for _, e := range p.Errors {
			got = append(got, e.Location)
		}
		slices.Sort(got)
		slices.Sort(locations)
		if strings.Join(got, " ") != strings.Join(locations, " ") {
			t.Errorf("error locations = %v, want %v (%s)", got, locations, rec.Body)
		}
	}
	return p
}

var mailTokenRE = regexp.MustCompile(`\?token=([A-Za-z0-9_-]+)`)

// mailToken returns the token of the newest mail to addr, read from the
// outbox table.
func (f *fixture) mailToken(t *testing.T, addr string) string {
	t.Helper()
	q := f.d.Read()
	var text string
	if err := q.GetContext(t.Context(), &text, q.Rebind(`SELECT text_body FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1`), addr); err != nil {
		t.Fatalf("mail to %s: %v", addr, err)
	}
	m := mailTokenRE.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no link in the mail to %s: %s", addr, text)
	}
	return m[1]
}

func signUpBody(email string) map[string]any {
	return map[string]any{
		"email": email, "password": minjiPass, "name": "김민지", "phone": minjiPhone,
		"agree_terms": true, "marketing_consent": true,
	}
}

// member signs email up and verifies it through the API.
func (f *fixture) member(t *testing.T, email string) {
	t.Helper()
	decode[api.Status](t, f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: signUpBody(email)}), http.StatusAccepted)
	decode[map[string]any](t, f.do(t, req{method: "POST", path: "/api/v1/auth/verify", body: map[string]string{"token": f.mailToken(t, email)}}), http.StatusOK)
}

// signIn runs the password grant and returns the pair.
func (f *fixture) signIn(t *testing.T, email, password string) api.Token {
	t.Helper()
	return decode[api.Token](t, f.do(t, req{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"email": email, "password": password}}), http.StatusOK)
}

// customer signs a new customer up and in and returns the access token and
// the user id.
func (f *fixture) customer(t *testing.T, email string) (string, int64) {
	t.Helper()
	f.member(t, email)
	tok := f.signIn(t, email, minjiPass).AccessToken
	me := decode[api.User](t, f.do(t, req{method: "GET", path: "/api/v1/me", token: tok}), http.StatusOK)
	return tok, me.ID
}

// product adds a product with one variant of price and stock, with an
// image when image is set, and returns the variant's id.
func (f *fixture) product(t *testing.T, name string, price, stock int64, image bool) int64 {
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
func (f *fixture) stock(t *testing.T, id int64) int64 {
	t.Helper()
	q := f.d.Read()
	var n int64
	if err := q.GetContext(t.Context(), &n, q.Rebind(`SELECT stock FROM variants WHERE id = ?`), id); err != nil {
		t.Fatal(err)
	}
	return n
}
