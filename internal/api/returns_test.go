package api_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

// deliver ships and delivers order number as staff member staffID would.
func (f *fixture) deliver(t *testing.T, number string, staffID int64) int64 {
	t.Helper()
	id := orderID(t, f, number)
	staff := order.Staff(audit.Actor{UserID: staffID})
	if _, err := f.orders.Ship(t.Context(), id, "cj", "1234-5678-9012", staff); err != nil {
		t.Fatal(err)
	}
	if _, err := f.orders.Transition(t.Context(), id, order.Delivered, staff, ""); err != nil {
		t.Fatal(err)
	}
	return id
}

func returnsPath(number string) string { return "/api/v1/orders/" + number + "/returns" }

func adminReturnPath(id int64, step string) string {
	p := "/api/v1/admin/returns/" + strconv.FormatInt(id, 10)
	if step != "" {
		p += "/" + step
	}
	return p
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A customer asks to return a line of a delivered card order with a photo;
// staff approve, record the parcel, receive it (resellable) and the refund
// is the line less the change-of-mind fee. Customers cannot take staff
// steps, and refused requests say which field is at fault.
func TestReturnAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	admin := f.checkoutCustomer(t, "staff@example.com")
	f.staff(t, &admin, "staff", "orders")
	tea := f.product(t, "말랑 캐모마일 티", 34600, 10, false)
	mug := f.product(t, "말랑 머그", 25000, 10, false)
	o := f.placed(t, c, "testpay", tea, mug)
	f.pay(t, c, o, "testpay")

	body := map[string]any{"kind": "return", "line_ids": []int64{o.Lines[0].ID}, "reason": "change_of_mind",
		"note": "생각과 달라요", "photos": [][]byte{tinyPNG(t)}}
	ask := func(b any) *httptest.ResponseRecorder {
		return f.do(t, req{method: "POST", path: returnsPath(o.Number), token: c.token, body: b})
	}
	// Not delivered yet: a conflict.
	wantProblem(t, ask(body), http.StatusConflict)
	f.deliver(t, o.Number, admin.id)

	tests := []struct {
		name     string
		body     map[string]any
		location string
	}{
		{"unknown reason", map[string]any{"kind": "return", "line_ids": []int64{o.Lines[0].ID}, "reason": "bored"}, "body.reason"},
		{"no lines", map[string]any{"kind": "return", "line_ids": []int64{}, "reason": "defect"}, "body.line_ids"},
		{"another order's line", map[string]any{"kind": "return", "line_ids": []int64{999999}, "reason": "defect"}, "body.line_ids"},
		{"not a photo", map[string]any{"kind": "return", "line_ids": []int64{o.Lines[0].ID}, "reason": "defect",
			"photos": [][]byte{[]byte("just text, not an image")}}, "body.photos"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, ask(tt.body), http.StatusUnprocessableEntity, tt.location)
		})
	}

	rt := decode[api.ReturnRequest](t, ask(body), http.StatusCreated)
	if rt.Status != "requested" || rt.Fee != 6000 || len(rt.Lines) != 1 || rt.Lines[0].Amount != 34600 || len(rt.Photos) != 1 {
		t.Fatalf("request = %+v", rt)
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, rt.Photos[0], nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" {
		t.Errorf("photo = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	// The same line again is a conflict; the order cannot be confirmed.
	wantProblem(t, ask(body), http.StatusConflict)
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/orders/" + o.Number + "/confirm", token: c.token}), http.StatusConflict)
	list := decode[[]api.ReturnRequest](t, f.do(t, req{method: "GET", path: returnsPath(o.Number), token: c.token}), http.StatusOK)
	if len(list) != 1 || list[0].ID != rt.ID {
		t.Fatalf("list = %+v", list)
	}
	// A customer's token carries no orders scope.
	wantProblem(t, f.do(t, req{method: "POST", path: adminReturnPath(rt.ID, "approve"), token: c.token}), http.StatusForbidden)
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/admin/returns", token: c.token}), http.StatusForbidden)

	staffDo := func(step string, b any, status int) api.ReturnRequest {
		t.Helper()
		return decode[api.ReturnRequest](t, f.do(t, req{method: "POST", path: adminReturnPath(rt.ID, step), token: admin.token, body: b}), status)
	}
	open := decode[api.Page[api.ReturnRequest]](t, f.do(t, req{method: "GET", path: "/api/v1/admin/returns?status=open", token: admin.token}), http.StatusOK).Items
	if len(open) != 1 || open[0].ID != rt.ID {
		t.Fatalf("open requests = %+v", open)
	}
	wantProblem(t, f.do(t, req{method: "POST", path: adminReturnPath(rt.ID, "receive"), token: admin.token,
		body: map[string]any{"resellable": true}}), http.StatusConflict)
	staffDo("approve", nil, http.StatusOK)
	wantProblem(t, f.do(t, req{method: "POST", path: adminReturnPath(rt.ID, "shipment"), token: admin.token,
		body: map[string]any{"carrier_code": "nowhere", "tracking_number": "555566667777"}}), http.StatusUnprocessableEntity, "body.carrier_code")
	staffDo("shipment", map[string]any{"carrier_code": "cj", "tracking_number": "555566667777"}, http.StatusOK)
	got := staffDo("receive", map[string]any{"resellable": true}, http.StatusOK)
	if got.Status != "refunded" || got.RefundID == nil || !got.Resellable {
		t.Fatalf("received = %+v", got)
	}
	ps := decode[api.OrderPayments](t, f.do(t, req{method: "GET", path: paymentsPath(o.Number), token: c.token}), http.StatusOK)
	if len(ps.Refunds) != 1 || ps.Refunds[0].Amount != 34600-6000 {
		t.Fatalf("refunds = %+v; want ₩28,600 back", ps.Refunds)
	}
	ord := decode[api.Order](t, f.do(t, req{method: "GET", path: "/api/v1/orders/" + o.Number, token: c.token}), http.StatusOK)
	if ord.Status != "partially_refunded" {
		t.Errorf("order = %s", ord.Status)
	}
}

// Two requests for the same line at once: one 201, the other 409, never a
// 500.
func TestReturnAPIRace(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	admin := f.checkoutCustomer(t, "staff@example.com")
	f.staff(t, &admin, "staff", "orders")
	o := f.placed(t, c, "testpay", f.product(t, "말랑 컵", 12000, 10, false))
	f.pay(t, c, o, "testpay")
	f.deliver(t, o.Number, admin.id)
	body := map[string]any{"kind": "exchange", "line_ids": []int64{o.Lines[0].ID}, "reason": "defect"}
	codes := make([]int, 8)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Go(func() {
			codes[i] = f.do(t, req{method: "POST", path: returnsPath(o.Number), token: c.token, body: body}).Code
		})
	}
	wg.Wait()
	created := 0
	for _, code := range codes {
		switch code {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
		default:
			t.Errorf("answer %d", code)
		}
	}
	if created != 1 {
		t.Fatalf("codes = %v; want one 201", codes)
	}
}

// The return operations are in the OpenAPI document: the customer's with a
// bearer token, the staff's with the orders scope.
func TestReturnsOpenAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	rec := get(t, f.h, "GET", "/api/v1/openapi.json")
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, method, scope string }{
		{"/api/v1/orders/{number}/returns", "post", ""},
		{"/api/v1/orders/{number}/returns", "get", ""},
		{"/api/v1/admin/returns", "get", "orders"},
		{"/api/v1/admin/returns/{id}", "get", "orders"},
		{"/api/v1/admin/returns/{id}/approve", "post", "orders"},
		{"/api/v1/admin/returns/{id}/refuse", "post", "orders"},
		{"/api/v1/admin/returns/{id}/shipment", "post", "orders"},
		{"/api/v1/admin/returns/{id}/receive", "post", "orders"},
		{"/api/v1/admin/returns/{id}/refund", "post", "orders"},
		{"/api/v1/admin/returns/{id}/exchange", "post", "orders"},
	} {
		op, ok := doc.Paths[tt.path][tt.method]
		if !ok {
			t.Errorf("%s %s is not documented", tt.method, tt.path)
			continue
		}
		want := []string{}
		if tt.scope != "" {
			want = []string{tt.scope}
		}
		if len(op.Security) != 1 || !slices.Equal(op.Security[0][bearerScheme], want) {
			t.Errorf("%s %s: security %v, want bearer %v", tt.method, tt.path, op.Security, want)
		}
	}
}

// The refund of a received return meets the provider's refusal (502: the
// goods stay received, the refund can be tried again) and then its silence
// (202 naming the refund, never a 500): the return is refunded, the
// payment service finishing the refund with its own retries.
func TestReturnRefundProviderTrouble(t *testing.T) {
	t.Parallel()
	f, fake := tossShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	admin := f.checkoutCustomer(t, "staff@example.com")
	f.staff(t, &admin, "staff", "orders")
	o := f.placed(t, c, "toss", f.product(t, "말랑 다크초콜릿", 32000, 10, false))
	key := f.payByToss(t, fake, c, o)
	f.deliver(t, o.Number, admin.id)
	rt := decode[api.ReturnRequest](t, f.do(t, req{method: "POST", path: returnsPath(o.Number), token: c.token,
		body: map[string]any{"kind": "return", "line_ids": []int64{o.Lines[0].ID}, "reason": "defect"}}), http.StatusCreated)
	decode[api.ReturnRequest](t, f.do(t, req{method: "POST", path: adminReturnPath(rt.ID, "approve"), token: admin.token}), http.StatusOK)

	cancelAtToss(t, fake, key, o.Total) // cancelled in Toss's dashboard: Toss refuses again
	wantProblem(t, f.do(t, req{method: "POST", path: adminReturnPath(rt.ID, "receive"), token: admin.token,
		body: map[string]any{"resellable": false}}), http.StatusBadGateway)
	if got := decode[api.ReturnRequest](t, f.do(t, req{method: "GET", path: adminReturnPath(rt.ID, ""), token: admin.token}), http.StatusOK); got.Status != "received" {
		t.Fatalf("after the refusal the return is %s", got.Status)
	}

	fake.FailNext(tosstest.CancelPath(key), http.StatusGatewayTimeout)
	rec := f.do(t, req{method: "POST", path: adminReturnPath(rt.ID, "refund"), token: admin.token})
	if rec.Code != http.StatusAccepted {
		t.Fatalf("refund without an answer: %d %s", rec.Code, rec.Body)
	}
	var pending api.RefundPendingProblem
	if err := json.Unmarshal(rec.Body.Bytes(), &pending); err != nil || pending.RefundID == 0 {
		t.Fatalf("pending = %s (%v)", rec.Body, err)
	}
	got := decode[api.ReturnRequest](t, f.do(t, req{method: "GET", path: adminReturnPath(rt.ID, ""), token: admin.token}), http.StatusOK)
	if got.Status != "refunded" || got.RefundID == nil || *got.RefundID != pending.RefundID {
		t.Fatalf("return = %+v; want refunded with refund %d", got, pending.RefundID)
	}
}
