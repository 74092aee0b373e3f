package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/shipping"
)

// shopEnv is env with handles on the shop's catalog, carts, addresses,
// coupons, shipping, orders and checkout, and a category for products.
type shopEnv struct {
	*env
	cat      *catalog.Service
	carts    *cart.Service
	addr     *address.Service
	coupons  *coupon.Service
	shipping *shipping.Service
	orders   *order.Service
	checkout *checkout.Service
	leaf     int64
	n        int
}

func newShopEnv(t *testing.T) *shopEnv {
	t.Helper()
	e := newEnv(t)
	s := &shopEnv{env: e, cat: e.shop.Catalog, carts: e.shop.Carts(), addr: e.shop.Addresses(), coupons: e.shop.Coupons(),
		shipping: e.shop.Shipping(), orders: e.shop.Orders(), checkout: e.shop.Checkout()}
	s.leaf = catalogtest.Categories(t, s.cat).Leaves[0].ID
	return s
}

// place has a new customer order quantity of a new product of price,
// paying with method, and returns the order.
func (s *shopEnv) place(t *testing.T, method string, price, quantity int64) order.Order {
	t.Helper()
	ctx := context.Background()
	s.n++
	id, err := s.cat.CreateProduct(ctx, catalog.NewProduct{CategoryID: s.leaf, Name: "말랑 쿠키 " + strconv.Itoa(s.n),
		OptionNames: []string{"맛"},
		Variants:    []catalog.NewVariant{{SKU: "BO-" + strconv.Itoa(s.n), Options: [3]string{"버터"}, Price: price, Stock: 100, Active: true}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.cat.Product(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	q := s.d.Write()
	var userID int64
	if err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO users (email) VALUES (?) RETURNING id`),
		"buyer"+strconv.Itoa(s.n)+"@example.com").Scan(&userID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.carts.Add(ctx, cart.Owner{UserID: userID}, p.Variants[0].ID, quantity); err != nil {
		t.Fatal(err)
	}
	a, err := s.addr.Create(ctx, userID, address.Input{Recipient: "김말랑", Phone: "010-1234-5678", Postcode: "06236",
		Line1: "서울 강남구 테헤란로 123", Line2: "4층"})
	if err != nil {
		t.Fatal(err)
	}
	placed, err := s.checkout.Place(ctx, checkout.Input{PlaceInput: order.PlaceInput{UserID: userID,
		IdempotencyKey: "k" + strconv.Itoa(s.n), AddressID: a.ID, PaymentMethod: method, Channel: order.PCWeb}})
	if err != nil {
		t.Fatal(err)
	}
	return placed.Order
}

func orderURL(o order.Order) string { return bo + "/orders/" + strconv.FormatInt(o.ID, 10) }

var trackingRE = regexp.MustCompile(`href="([^"]+)"[^>]*data-testid="tracking-link"`)

// A staff member with the orders permission finds a bank-transfer order,
// marks it paid and ships it; the customer's order then has a shipment
// with a tracking link, and the audit log says who did what from where.
func TestOrdersPaidAndShipped(t *testing.T) {
	t.Parallel()
	s := newShopEnv(t)
	s.user(t, "orders@example.com", account.Staff, account.PermOrders)
	o := s.place(t, "card", 12000, 2)
	other := s.place(t, "bank_transfer", 8000, 1)
	b, _ := s.staffIn("orders@example.com")

	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	for _, key := range []string{"orders", "coupons", "shipping"} {
		if !strings.Contains(body, `data-testid="section-`+key+`"`) {
			t.Fatalf("dashboard lacks %s:\n%s", key, body)
		}
	}

	// The list: both orders, newest first; the filter and the search.
	st, body = b.get(bo + "/orders")
	must(t, st, http.StatusOK, body)
	if strings.Count(body, `data-testid="order-row"`) != 2 || strings.Index(body, other.Number) > strings.Index(body, o.Number) ||
		!strings.Contains(body, "무통장 입금") || !strings.Contains(body, "결제 대기") {
		t.Fatalf("order list:\n%s", body)
	}
	st, body = b.get(bo + "/orders?q=" + strings.ToLower(o.Number))
	if st != http.StatusOK || strings.Count(body, `data-testid="order-row"`) != 1 || !strings.Contains(body, o.Number) {
		t.Fatalf("search: %d\n%s", st, body)
	}
	st, body = b.get(bo + "/orders?status=paid")
	if st != http.StatusOK || strings.Contains(body, `data-testid="order-row"`) {
		t.Fatalf("status filter: %d\n%s", st, body)
	}

	// The order: lines, amounts, address, history and what staff may do.
	st, body = b.get(orderURL(o))
	must(t, st, http.StatusOK, body)
	for _, want := range []string{o.Number, "말랑 쿠키 1", "24,000원", "김말랑", "010-1234-5678", "서울 강남구 테헤란로 123", "06236",
		`data-testid="to-paid"`, `data-testid="to-awaiting_deposit"`, `data-testid="to-cancelled"`, `data-testid="history-entry"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("order page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, `data-testid="ship-form"`) || strings.Contains(body, `data-testid="to-preparing"`) {
		t.Fatalf("an unpaid order offers shipping:\n%s", body)
	}

	// Marked paid.
	st, body = b.post(orderURL(o)+"/status", url.Values{"to": {"paid"}})
	must(t, st, http.StatusOK, body)
	if !strings.Contains(body, "주문 상태를 결제 완료로 바꿨습니다") || !strings.Contains(body, `data-testid="ship-form"`) ||
		!strings.Contains(body, `data-testid="to-preparing"`) || !strings.Contains(body, "CJ대한통운") {
		t.Fatalf("after paid:\n%s", body)
	}

	// Shipped: a bad tracking number first, then a good one.
	st, body = b.post(orderURL(o)+"/ship", url.Values{"carrier_code": {"hanjin"}, "tracking_number": {"12ab"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-tracking_number"`) ||
		!strings.Contains(body, `value="12ab"`) || !strings.Contains(body, `<option value="hanjin" selected`) {
		t.Fatalf("bad tracking number: %d\n%s", st, body)
	}
	st, body = b.post(orderURL(o)+"/ship", url.Values{"carrier_code": {"cj"}, "tracking_number": {"6789-1234-5678"}})
	must(t, st, http.StatusOK, body)
	m := trackingRE.FindStringSubmatch(body)
	if m == nil || m[1] != "https://trace.cjlogistics.com/next/tracking.html?wblNo=678912345678" || !strings.Contains(body, "배송 중") {
		t.Fatalf("after shipping:\n%s", body)
	}
	got, err := s.orders.Get(context.Background(), o.UserID, o.ID)
	if err != nil || got.Status != order.Shipped || len(got.Shipments) != 1 || got.Shipments[0].TrackingURL == "" ||
		got.Shipments[0].TrackingNumber != "6789-1234-5678" {
		t.Fatalf("customer's order = %+v, %v", got, err)
	}

	// Audited, by whom and from where.
	tests := []struct {
		action string
		detail map[string]string
	}{
		{"order.status_changed", map[string]string{"from": "pending_payment", "to": "paid", "number": o.Number}},
		{"order.shipped", map[string]string{"from": "paid", "to": "shipped", "carrier": "cj", "tracking_number": "6789-1234-5678"}},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			es, _, err := s.audit.List(context.Background(), audit.Filter{Action: tt.action})
			if err != nil || len(es) != 1 {
				t.Fatalf("audit %s = %+v, %v", tt.action, es, err)
			}
			e := es[0]
			if e.ActorEmail != "orders@example.com" || e.ActorID == 0 || e.IP != "127.0.0.1" || e.UserAgent != "backoffice-test/1.0" ||
				e.TargetType != "order" || e.TargetID != strconv.FormatInt(o.ID, 10) {
				t.Fatalf("entry %+v", e)
			}
			for k, v := range tt.detail {
				if e.Detail[k] != v {
					t.Errorf("detail %s = %v, want %s", k, e.Detail[k], v)
				}
			}
		})
	}
	h, err := s.orders.History(context.Background(), o.ID)
	if err != nil || len(h) != 3 || h[1].Actor.Kind != order.ByStaff || h[2].To != order.Shipped {
		t.Fatalf("history = %+v, %v", h, err)
	}
}

// Refused changes say why, change nothing and leave no audit entry.
func TestOrderRefused(t *testing.T) {
	t.Parallel()
	s := newShopEnv(t)
	o := s.place(t, "card", 12000, 1)
	b, _ := s.staffIn("boss@example.com")

	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
		want   string
	}{
		{"not allowed from here", "/status", url.Values{"to": {"delivered"}}, http.StatusConflict, "이 주문은 지금 결제 대기 상태라 배송 완료로 바꿀 수 없습니다"},
		{"ship unpaid", "/ship", url.Values{"carrier_code": {"cj"}, "tracking_number": {"1234-5678-9012"}}, http.StatusConflict, "배송 처리는 결제 완료 또는 상품 준비 중인 주문만"},
		{"cancel without reason", "/status", url.Values{"to": {"cancelled"}}, http.StatusUnprocessableEntity, "취소 사유를 입력하세요"},
		{"shipped without the form", "/status", url.Values{"to": {"shipped"}}, http.StatusUnprocessableEntity, "배송 처리 양식에서"},
		{"unknown status", "/status", url.Values{"to": {"lost"}}, http.StatusUnprocessableEntity, "알 수 없는 주문 상태"},
		{"unknown carrier", "/ship", url.Values{"carrier_code": {"nope"}, "tracking_number": {"1234-5678-9012"}}, http.StatusUnprocessableEntity, "택배사를 고르세요"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, body := b.post(orderURL(o)+tt.path, tt.form)
			if st != tt.status || !strings.Contains(body, tt.want) || !strings.Contains(body, `data-testid="form-error"`) {
				t.Fatalf("%d, want %d with %q\n%s", st, tt.status, tt.want, body)
			}
		})
	}
	// Cancelled with a reason; cancelling again is refused.
	st, body := b.post(orderURL(o)+"/status", url.Values{"to": {"cancelled"}, "reason": {"고객 요청 (전화)"}})
	if st != http.StatusOK || !strings.Contains(body, "주문 취소") || !strings.Contains(body, "고객 요청 (전화)") {
		t.Fatalf("cancel: %d\n%s", st, body)
	}
	st, body = b.post(orderURL(o)+"/status", url.Values{"to": {"cancelled"}, "reason": {"again"}})
	if st != http.StatusConflict || !strings.Contains(body, "이 주문은 지금 주문 취소 상태라") {
		t.Fatalf("cancel twice: %d\n%s", st, body)
	}
	es, total, err := s.audit.List(context.Background(), audit.Filter{})
	if err != nil || total != 1 || es[0].Action != "order.status_changed" || es[0].Detail["reason"] != "고객 요청 (전화)" {
		t.Fatalf("audit = %+v (%d), %v", es, total, err)
	}
	for _, path := range []string{"/orders/999999", "/orders/x"} {
		if st, body := b.get(bo + path); st != http.StatusNotFound {
			t.Fatalf("%s: %d\n%s", path, st, body)
		}
	}
	if st, body := b.post(bo+"/orders/999999/status", url.Values{"to": {"paid"}}); st != http.StatusNotFound {
		t.Fatalf("unknown order: %d\n%s", st, body)
	}
}

// Without the orders permission every commerce page is 403 and the menu
// does not offer them; without the services the routes do not exist.
func TestCommercePermissions(t *testing.T) {
	t.Parallel()
	s := newShopEnv(t)
	o := s.place(t, "card", 12000, 1)
	s.user(t, "mail@example.com", account.Staff, account.PermMail, account.PermCustomers)
	b, _ := s.staffIn("mail@example.com")
	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	if strings.Contains(body, `data-testid="nav-orders"`) || strings.Contains(body, `data-testid="section-coupons"`) {
		t.Fatalf("the menu offers commerce:\n%s", body)
	}
	id := strconv.FormatInt(o.ID, 10)
	for _, tt := range []struct{ method, path string }{
		{"GET", "/orders"}, {"GET", "/orders/" + id}, {"POST", "/orders/" + id + "/status"}, {"POST", "/orders/" + id + "/ship"},
		{"GET", "/coupons"}, {"GET", "/coupons/new"}, {"POST", "/coupons"}, {"POST", "/coupons/1/active"},
		{"GET", "/shipping"}, {"POST", "/shipping"},
	} {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			var st int
			var body string
			if tt.method == "GET" {
				st, body = b.get(bo + tt.path)
			} else {
				st, body = b.post(bo+tt.path, url.Values{"to": {"paid"}, "code": {"NOPE"}, "base_fee": {"0"},
					"carrier_code": {"cj"}, "tracking_number": {"1234-5678-9012"}})
			}
			must(t, st, http.StatusForbidden, body)
		})
	}
	if got, _ := s.orders.AdminGet(context.Background(), o.ID); got.Status != order.PendingPayment {
		t.Fatalf("a forbidden post changed the order to %s", got.Status)
	}
	if _, total, _ := s.audit.List(context.Background(), audit.Filter{}); total != 0 {
		t.Fatalf("%d audit entries", total)
	}

}

// A customer's page lists their latest orders, each a link to the order,
// for staff who may see orders; staff with only the customers permission
// see the account without them.
func TestUserPageListsOrders(t *testing.T) {
	t.Parallel()
	s := newShopEnv(t)
	s.user(t, "cs@example.com", account.Staff, account.PermCustomers, account.PermOrders)
	s.user(t, "members@example.com", account.Staff, account.PermCustomers)
	o := s.place(t, "bank_transfer", 8000, 2)
	page := bo + "/users/" + strconv.FormatInt(o.UserID, 10)

	b, _ := s.staffIn("cs@example.com")
	st, body := b.get(page)
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="user-orders"`, `href="`+orderURL(o)+`" data-testid="user-order">`+o.Number+`</a>`,
		`data-status="awaiting_deposit"`, "입금 대기", o.TotalAmount().Korean())

	other, _ := s.staffIn("members@example.com")
	st, body = other.get(page)
	must(t, st, http.StatusOK, body)
	if strings.Contains(body, `data-testid="user-orders"`) || strings.Contains(body, o.Number) {
		t.Fatalf("staff without the orders permission see the customer's orders:\n%s", body)
	}
}
