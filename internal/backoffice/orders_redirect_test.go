package backoffice_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/testpay"
)

// noFollow is a client of b's session that reports redirects instead of
// following them.
func (b *browser) noFollow() *http.Client {
	return &http.Client{Jar: b.c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// postRaw posts form with c and returns the status and the Location.
func postRaw(t *testing.T, e *payEnv, c *http.Client, path string, form url.Values) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "backoffice-test/1.0")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

// Every form of an order's page goes back to the page with 303 when it
// succeeds, so a refresh never repeats the action; the page then says what
// was done, and the refresh says it again without doing anything.
func TestOrderFormsRedirect(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	b, _ := e.staffIn("boss@example.com")
	ctx := context.Background()

	tests := []struct {
		name string
		// setUp makes the order and returns it, the form's path under the
		// order and the form.
		setUp  func(t *testing.T) (order.Order, string, url.Values)
		done   string
		notice string
		status order.Status
	}{
		{"status", func(t *testing.T) (order.Order, string, url.Values) {
			return e.place(t, "card", 12000, 1), "/status", url.Values{"to": {"paid"}}
		}, "status", "주문 상태를 결제 완료로 바꿨습니다", order.Paid},
		{"ship", func(t *testing.T) (order.Order, string, url.Values) {
			o := e.placeLines(t, testpay.Name, 12000)
			e.pay(t, o, testpay.Name)
			return o, "/ship", url.Values{"carrier_code": {"cj"}, "tracking_number": {"6789-1234-5678"}}
		}, "shipped", "송장번호 6789-1234-5678", order.Shipped},
		{"deposit", func(t *testing.T) (order.Order, string, url.Values) {
			return e.placeTransfer(t, nil, 12000), "/deposit", url.Values{"depositor": {"김말랑"}}
		}, "deposit", "입금을 확인했습니다", order.Paid},
		{"refund", func(t *testing.T) (order.Order, string, url.Values) {
			o := e.placeLines(t, testpay.Name, 12000, 3000)
			e.pay(t, o, testpay.Name)
			_, body := b.get(orderURL(o))
			return o, "/refund", url.Values{"line": refundLines(body)[:1], "reason": {"불량"}}
		}, "refund", "환불했습니다", order.PartiallyRefunded},
		{"refund awaiting a transfer", func(t *testing.T) (order.Order, string, url.Values) {
			o := e.placeTransfer(t, nil, 9000)
			if _, err := e.pays.ConfirmDeposit(ctx, audit.Actor{UserID: e.boss.ID}, o.ID, ""); err != nil {
				t.Fatal(err)
			}
			_, body := b.get(orderURL(o))
			return o, "/refund", url.Values{"line": refundLines(body), "reason": {"품절"}, "refund_bank": {"004"},
				"refund_number": {"123456-01-234567"}, "refund_holder": {"이말랑"}}
		}, "refund-awaiting", "환불을 접수했습니다", order.Cancelled},
		{"cancel paid", func(t *testing.T) (order.Order, string, url.Values) {
			o := e.placeLines(t, testpay.Name, 15000)
			e.pay(t, o, testpay.Name)
			return o, "/status", url.Values{"to": {"cancelled"}, "reason": {"품절"}}
		}, "cancelled", "결제 금액을 환불했습니다", order.Cancelled},
		{"transfer", func(t *testing.T) (order.Order, string, url.Values) {
			o := e.placeTransfer(t, nil, 9000)
			if _, err := e.pays.ConfirmDeposit(ctx, audit.Actor{UserID: e.boss.ID}, o.ID, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := e.pays.Cancel(ctx, payment.CancelInput{OrderID: o.ID, Actor: order.Customer(o.UserID), Reason: "변심",
				Account: &payment.BankAccount{Bank: "088", Account: "110-123-456789", Holder: "김말랑"}}); err != nil {
				t.Fatal(err)
			}
			rs, err := e.pays.Refunds(ctx, o.ID)
			if err != nil || len(rs) != 1 {
				t.Fatalf("refunds = %+v, %v", rs, err)
			}
			return o, "/refunds/" + strconv.FormatInt(rs[0].ID, 10) + "/transfer", url.Values{"memo": {"이체"}}
		}, "transfer", "송금을 기록했습니다", order.Cancelled},
		{"retry", func(t *testing.T) (order.Order, string, url.Values) {
			o := e.placeLines(t, "card", 20000, 5000)
			e.pay(t, o, "flaky")
			_, body := b.get(orderURL(o))
			e.flaky.failNextRefund(errors.New("connection reset by peer"))
			if st, body := b.post(orderURL(o)+"/refund", url.Values{"line": refundLines(body)[:1], "reason": {"불량"}}); st != http.StatusAccepted {
				t.Fatalf("pending refund: %d\n%s", st, body)
			}
			rs, err := e.pays.Refunds(ctx, o.ID)
			if err != nil || len(rs) != 1 {
				t.Fatalf("refunds = %+v, %v", rs, err)
			}
			return o, "/refunds/" + strconv.FormatInt(rs[0].ID, 10) + "/retry", nil
		}, "refund", "환불했습니다", order.PartiallyRefunded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, path, form := tt.setUp(t)
			st, loc := postRaw(t, e, b.noFollow(), orderURL(o)+path, form)
			want := orderURL(o) + "?done=" + tt.done
			if st != http.StatusSeeOther || !strings.HasPrefix(loc, want) {
				t.Fatalf("post %s: %d to %q, want 303 to %s", path, st, loc, want)
			}
			if got := e.status(t, o.ID); got != tt.status {
				t.Fatalf("order is %s, want %s", got, tt.status)
			}
			// The page says what was done, and saying it again (a refresh)
			// does nothing more.
			for range 2 {
				st, body := b.get(loc)
				must(t, st, http.StatusOK, body)
				contains(t, body, `data-testid="notice"`, tt.notice)
			}
		})
	}

	// An unknown done says nothing.
	o := e.place(t, "card", 1000, 1)
	st, body := b.get(orderURL(o) + "?done=%3Cscript%3E")
	must(t, st, http.StatusOK, body)
	lacks(t, body, `data-testid="notice"`)
}
