package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment/testpay"
	"github.com/mallang/mallang/internal/returns"
)

// deliveredCard places an order of one unit at each price, paid by card
// (testpay), shipped and delivered.
func (e *payEnv) deliveredCard(t *testing.T, prices ...int64) order.Order {
	t.Helper()
	o := e.placeLines(t, "card", prices...)
	e.pay(t, o, testpay.Name)
	staff := order.Staff(audit.Actor{UserID: 1})
	if _, err := e.orders.Ship(context.Background(), o.ID, "cj", "1234-5678-9012", staff); err != nil {
		t.Fatal(err)
	}
	o, err := e.orders.Transition(context.Background(), o.ID, order.Delivered, staff, "")
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// Staff with the orders permission find a customer's return request in the
// list, refuse it without a reason (asked again), approve it, record the
// parcel, and receive it as resellable: the refund is the line less the
// fee. Staff without the permission get 403.
func TestReturnsSection(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	o := e.deliveredCard(t, 30000, 25000)
	rt, err := e.shop.Returns().Request(context.Background(), returns.RequestInput{UserID: o.UserID, OrderID: o.ID,
		Kind: returns.KindReturn, LineIDs: []int64{o.Lines[0].ID}, Reason: returns.ChangeOfMind, Note: "색이 사진과 달라요"})
	if err != nil {
		t.Fatal(err)
	}
	page := bo + "/returns/" + strconv.FormatInt(rt.ID, 10)
	b, _ := e.staffIn("boss@example.com")
	st, body := b.get(bo + "/returns")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="return-row"`, o.Number, "단순 변심", "신청됨", "6,000원", "반품/교환")

	st, body = b.get(page)
	must(t, st, http.StatusOK, body)
	contains(t, body, "색이 사진과 달라요", `data-testid="approve-form"`, `data-testid="refuse-form"`)
	lacks(t, body, `data-testid="receive-form"`)

	st, body = b.post(page+"/refuse", url.Values{"reason": {""}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("refuse without a reason: %d\n%s", st, body)
	}
	contains(t, body, `data-testid="error-reason"`, "필수 항목입니다")

	st, body = b.post(page+"/approve", url.Values{})
	must(t, st, http.StatusOK, body)
	contains(t, body, "승인됨", `data-testid="shipment-form"`, `data-testid="receive-form"`)
	st, body = b.post(page+"/approve", url.Values{})
	if st != http.StatusConflict {
		t.Fatalf("approving twice: %d", st)
	}
	st, body = b.post(page+"/shipment", url.Values{"carrier_code": {"cj"}, "tracking_number": {"abc"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("bad tracking number: %d\n%s", st, body)
	}
	contains(t, body, `data-testid="error-tracking_number"`, "송장번호를 확인하세요")
	st, body = b.post(page+"/shipment", url.Values{"carrier_code": {"cj"}, "tracking_number": {"555566667777"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "회수 중", "555566667777")
	st, body = b.post(page+"/receive", url.Values{"resellable": {"1"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "환불 처리됨", "재판매 가능")
	lacks(t, body, `data-testid="receive-form"`, `data-testid="refuse-form"`)
	rs, err := e.pays.Refunds(context.Background(), o.ID)
	if err != nil || len(rs) != 1 || rs[0].Amount != 30000-6000 || rs[0].Withheld != 6000 {
		t.Fatalf("refunds = %+v, %v", rs, err)
	}
	for _, action := range []string{"return.approved", "return.sent_back", "return.received", "return.refunded"} {
		if es := e.auditOf(t, action, 1); es[0].ActorEmail != "boss@example.com" {
			t.Errorf("%s by %q", action, es[0].ActorEmail)
		}
	}

	// Without the orders permission: no section.
	e.user(t, "mail@example.com", account.Staff, account.PermMail)
	other, _ := e.staffIn("mail@example.com")
	if st, _ := other.get(bo + "/returns"); st != http.StatusForbidden {
		t.Errorf("list without the permission: %d", st)
	}
	if st, _ := other.post(page+"/approve", url.Values{}); st != http.StatusForbidden {
		t.Errorf("approve without the permission: %d", st)
	}
}
