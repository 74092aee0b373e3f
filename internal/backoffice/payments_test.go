package backoffice_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/testpay"
)

// A staff member confirms a bank transfer: the order page shows the
// transfer and its deposit form instead of a bare "mark paid"; a bad
// depositor name is refused next to its field; the confirmation marks the
// order paid, is recorded as a payment event and audited.
func TestDepositConfirmed(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	e.user(t, "orders@example.com", account.Staff, account.PermOrders)
	o := e.placeTransfer(t, nil, 12000, 8000)
	b, _ := e.staffIn("orders@example.com")

	st, body := b.get(orderURL(o))
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="payment-panel"`, `data-testid="deposit-form"`, apptest.Bank.Bank, apptest.Bank.Account, "김말랑",
		"입금 대기", `value="김말랑"`, `data-testid="to-cancelled"`)
	lacks(t, body, `data-testid="to-paid"`, `data-testid="refund-form"`)

	// The bare change to paid is refused while the transfer waits.
	st, body = b.post(orderURL(o)+"/status", url.Values{"to": {"paid"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "입금 확인 양식으로") {
		t.Fatalf("bare paid: %d\n%s", st, body)
	}
	st, body = b.post(orderURL(o)+"/deposit", url.Values{"depositor": {strings.Repeat("김", payment.MaxDepositor+1)}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-depositor"`) ||
		!strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("long depositor: %d\n%s", st, body)
	}
	if got := e.status(t, o.ID); got != order.AwaitingDeposit {
		t.Fatalf("order is %s after refusals", got)
	}

	st, body = b.post(orderURL(o)+"/deposit", url.Values{"depositor": {"김말랑(회사)"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "입금을 확인했습니다", "김말랑(회사)", `data-testid="refund-form"`, `data-testid="ship-form"`)
	lacks(t, body, `data-testid="deposit-form"`)
	if got := e.status(t, o.ID); got != order.Paid {
		t.Fatalf("order is %s", got)
	}
	as, err := e.pays.Attempts(context.Background(), o.ID)
	if err != nil || len(as) != 1 || as[0].Status != payment.AttemptPaid || as[0].Deposit.Depositor != "김말랑(회사)" {
		t.Fatalf("attempts = %+v, %v", as, err)
	}
	// The event: the deposit confirmed by this staff member (the transfer's
	// start is the attempt row itself).
	if strings.Count(body, `data-testid="payment-event"`) != 1 || !strings.Contains(body, "입금자명: 김말랑(회사)") {
		t.Fatalf("events:\n%s", body)
	}
	en := e.auditOf(t, "payment.deposit_confirmed", 1)[0]
	if en.ActorEmail != "orders@example.com" || en.IP != "127.0.0.1" || en.TargetType != "order" ||
		en.TargetID != strconv.FormatInt(o.ID, 10) || en.Detail["number"] != o.Number {
		t.Fatalf("audit entry %+v", en)
	}
	h, err := e.orders.History(context.Background(), o.ID)
	if err != nil || h[len(h)-1].To != order.Paid || h[len(h)-1].Actor.Kind != order.ByStaff {
		t.Fatalf("history = %+v, %v", h, err)
	}

	// Confirming again is told the deposit was confirmed already.
	st, body = b.post(orderURL(o)+"/deposit", url.Values{"depositor": {"김말랑"}})
	if st != http.StatusConflict || !strings.Contains(body, "이미 입금 확인이 끝난 주문입니다") {
		t.Fatalf("second confirm: %d\n%s", st, body)
	}
	e.auditOf(t, "payment.deposit_confirmed", 1)
}

// Staff clicking "입금 확인" several times at once (or two staff members)
// pay the order once: one page says the deposit is confirmed, every other
// one that it was confirmed already, and none is a server error.
func TestConcurrentDepositConfirms(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	e.user(t, "orders@example.com", account.Staff, account.PermOrders)
	o := e.placeTransfer(t, nil, 60000, 50000) // a cash receipt is due by law
	b, _ := e.staffIn("orders@example.com")

	const n = 10
	codes := make([]int, n)
	bodies := make([]string, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			// The browser's client and cookie jar are safe to share; its
			// post helper is not (it keeps the last response).
			req, err := http.NewRequest(http.MethodPost, e.srv.URL+orderURL(o)+"/deposit",
				strings.NewReader(url.Values{"depositor": {"김말랑"}}.Encode()))
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := b.c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Error(err)
			}
			codes[i], bodies[i] = res.StatusCode, string(body)
		})
	}
	close(start)
	wg.Wait()

	confirmed := 0
	for i := range n {
		switch {
		case codes[i] == http.StatusOK && strings.Contains(bodies[i], "입금을 확인했습니다"):
			confirmed++
		case codes[i] == http.StatusConflict && strings.Contains(bodies[i], "이미 입금 확인이 끝난 주문입니다"):
		default:
			t.Errorf("confirm %d: %d\n%s", i, codes[i], bodies[i])
		}
	}
	if confirmed != 1 {
		t.Errorf("%d confirmations paid the order, want 1", confirmed)
	}
	as, err := e.pays.Attempts(context.Background(), o.ID)
	if err != nil || len(as) != 1 || as[0].Status != payment.AttemptPaid {
		t.Fatalf("attempts = %+v, %v", as, err)
	}
	if got := e.status(t, o.ID); got != order.Paid {
		t.Errorf("order is %s", got)
	}
	e.auditOf(t, "payment.deposit_confirmed", 1)
}

var lineRE = regexp.MustCompile(`data-testid="refund-line-(\d+)"`)

// refundLines are the ids of the lines the refund form offers.
func refundLines(body string) []string {
	var ids []string
	for _, m := range lineRE.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// Refunds by line: a refund without a reason or without lines is refused
// next to its field and changes nothing; one line goes back (partially
// refunded), refunding it again is refused, and the rest goes back
// (refunded), every won of the payment returned through the provider.
func TestRefundByLine(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	o := e.placeLines(t, testpay.Name, 12000, 8000)
	e.pay(t, o, testpay.Name)
	b, _ := e.staffIn("boss@example.com")

	st, body := b.get(orderURL(o))
	must(t, st, http.StatusOK, body)
	contains(t, body, "테스트 결제", "결제 완료", `data-testid="refund-form"`)
	lines := refundLines(body)
	if len(lines) != 2 {
		t.Fatalf("refund lines %v:\n%s", lines, body)
	}

	tests := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"no reason", url.Values{"line": {lines[0]}, "reason": {"  "}}, "refund_reason"},
		{"no lines", url.Values{"reason": {"고객 변심"}}, "refund_lines"},
		{"bad line", url.Values{"line": {"x"}, "reason": {"고객 변심"}}, "refund_lines"},
		{"long reason", url.Values{"line": {lines[0]}, "reason": {strings.Repeat("가", payment.MaxRefundReason+1)}}, "refund_reason"},
		{"foreign line", url.Values{"line": {"999999"}, "reason": {"고객 변심"}}, "refund_lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, body := b.post(orderURL(o)+"/refund", tt.form)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-`+tt.field+`"`) ||
				!strings.Contains(body, `data-testid="form-error"`) {
				t.Fatalf("%d\n%s", st, body)
			}
		})
	}
	// The typed reason and the ticked line come back with the messages.
	_, body = b.post(orderURL(o)+"/refund", url.Values{"line": {lines[1]}, "reason": {""}})
	if !strings.Contains(body, `value="`+lines[1]+`" checked`) || !strings.Contains(body, "환불 사유를 입력하세요") {
		t.Fatalf("form not kept:\n%s", body)
	}
	if rs, _ := e.pays.Refunds(context.Background(), o.ID); len(rs) != 0 || e.status(t, o.ID) != order.Paid {
		t.Fatalf("refused refunds changed something: %+v, %s", rs, e.status(t, o.ID))
	}
	e.auditOf(t, "payment.refund_requested", 0)

	// One line.
	st, body = b.post(orderURL(o)+"/refund", url.Values{"line": {lines[0]}, "reason": {"고객 변심 (전화)"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "환불했습니다", `data-testid="payment-refund"`, "tpr_", "부분 환불")
	if got := refundLines(body); len(got) != 1 || got[0] != lines[1] {
		t.Fatalf("lines left %v", got)
	}
	if got := e.status(t, o.ID); got != order.PartiallyRefunded {
		t.Fatalf("order is %s", got)
	}
	// The same line again: the service refuses it, next to the lines.
	st, body = b.post(orderURL(o)+"/refund", url.Values{"line": {lines[0]}, "reason": {"again"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "이미 환불되었습니다") ||
		!strings.Contains(body, `data-testid="error-refund_lines"`) {
		t.Fatalf("refund twice: %d\n%s", st, body)
	}

	// The rest.
	st, body = b.post(orderURL(o)+"/refund", url.Values{"line": {lines[1]}, "reason": {"고객 변심 (전화)"}})
	must(t, st, http.StatusOK, body)
	lacks(t, body, `data-testid="refund-form"`, `data-testid="to-refunded"`)
	if got := e.status(t, o.ID); got != order.Refunded {
		t.Fatalf("order is %s", got)
	}
	rs, err := e.pays.Refunds(context.Background(), o.ID)
	if err != nil || len(rs) != 2 || rs[0].Status != "done" || rs[1].Status != "done" || rs[0].Amount+rs[1].Amount != o.Total {
		t.Fatalf("refunds = %+v, %v (total %d)", rs, err, o.Total)
	}
	as, _ := e.pays.Attempts(context.Background(), o.ID)
	if as[0].Status != payment.AttemptRefunded || as[0].Refunded != o.Total {
		t.Fatalf("attempt = %+v", as[0])
	}
	// The payment service audits each refund in its transactions: asked
	// for, and done.
	es := e.auditOf(t, "payment.refund_requested", 2)
	if es[0].ActorEmail != "boss@example.com" || es[0].Detail["reason"] != "고객 변심 (전화)" || es[0].Detail["status"] != "requested" ||
		es[0].Detail["number"] != o.Number || es[0].Detail["by"] != "staff" {
		t.Fatalf("audit entry %+v", es[0])
	}
	es = e.auditOf(t, "payment.refunded", 2)
	if es[0].ActorEmail != "boss@example.com" || es[0].IP != "127.0.0.1" || es[0].Detail["number"] != o.Number ||
		!strings.HasPrefix(fmt.Sprint(es[0].Detail["provider_refund_id"]), "tpr_") {
		t.Fatalf("audit entry %+v", es[0])
	}
}

// Cancelling a paid order gives its money back through the provider; the
// cancel button no longer only changes the status.
func TestCancelPaidRefunds(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	o := e.placeLines(t, testpay.Name, 15000)
	e.pay(t, o, testpay.Name)
	b, _ := e.staffIn("boss@example.com")

	st, body := b.post(orderURL(o)+"/status", url.Values{"to": {"cancelled"}, "reason": {"품절"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "결제 금액을 환불했습니다", "tpr_")
	if got := e.status(t, o.ID); got != order.Cancelled {
		t.Fatalf("order is %s", got)
	}
	rs, err := e.pays.Refunds(context.Background(), o.ID)
	if err != nil || len(rs) != 1 || rs[0].Amount != o.Total || !rs[0].Cancel || rs[0].Status != "done" {
		t.Fatalf("refunds = %+v, %v", rs, err)
	}
	en := e.auditOf(t, "order.status_changed", 1)[0]
	if en.Detail["from"] != "paid" || en.Detail["to"] != "cancelled" || en.Detail["refunded"] != true || en.Detail["reason"] != "품절" {
		t.Fatalf("audit entry %+v", en)
	}

	// An unpaid order is cancelled as before, audited in its transaction.
	u := e.placeTransfer(t, nil, 9000)
	st, body = b.post(orderURL(u)+"/status", url.Values{"to": {"cancelled"}, "reason": {"고객 요청"}})
	must(t, st, http.StatusOK, body)
	if got := e.status(t, u.ID); got != order.Cancelled {
		t.Fatalf("unpaid order is %s", got)
	}
	e.auditOf(t, "order.status_changed", 2)
}

// A provider's refusal is shown with its code and message and changes
// nothing; an unanswered refund is shown as such and retried from the
// list, once.
func TestRefundDeclinedAndRetried(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	o := e.placeLines(t, "card", 20000, 5000)
	e.pay(t, o, "flaky")
	b, _ := e.staffIn("boss@example.com")
	_, body := b.get(orderURL(o))
	lines := refundLines(body)

	e.flaky.failNextRefund(&payment.Declined{Code: "NOT_CANCELABLE_PAYMENT", Message: "취소할 수 없는 결제입니다"})
	st, body := b.post(orderURL(o)+"/refund", url.Values{"line": {lines[0]}, "reason": {"불량"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "결제사가 환불을 거절했습니다 (NOT_CANCELABLE_PAYMENT: 취소할 수 없는 결제입니다)") ||
		!strings.Contains(body, `value="불량"`) {
		t.Fatalf("declined: %d\n%s", st, body)
	}
	if got := e.status(t, o.ID); got != order.Paid {
		t.Fatalf("order is %s after a refusal", got)
	}
	e.auditOf(t, "payment.refund_declined", 1)
	e.auditOf(t, "payment.refunded", 0)

	e.flaky.failNextRefund(errors.New("connection reset by peer"))
	st, body = b.post(orderURL(o)+"/refund", url.Values{"line": {lines[0]}, "reason": {"불량"}})
	if st != http.StatusAccepted || !strings.Contains(body, "환불 결과를 알 수 없습니다") || !strings.Contains(body, `data-testid="retry-refund"`) {
		t.Fatalf("pending: %d\n%s", st, body)
	}
	e.auditOf(t, "payment.refund_requested", 2)
	e.auditOf(t, "payment.refunded", 0)
	rs, _ := e.pays.Refunds(context.Background(), o.ID)
	if len(rs) != 2 || rs[1].Status != "requested" {
		t.Fatalf("refunds = %+v", rs)
	}
	retry := orderURL(o) + "/refunds/" + strconv.FormatInt(rs[1].ID, 10) + "/retry"

	// Another order's refund is not this order's to retry.
	other := e.placeLines(t, "card", 3000)
	if st, body := b.post(orderURL(other)+"/refunds/"+strconv.FormatInt(rs[1].ID, 10)+"/retry", nil); st != http.StatusNotFound {
		t.Fatalf("foreign retry: %d\n%s", st, body)
	}

	st, body = b.post(retry, nil)
	must(t, st, http.StatusOK, body)
	lacks(t, body, `data-testid="retry-refund"`)
	if got := e.status(t, o.ID); got != order.PartiallyRefunded {
		t.Fatalf("order is %s", got)
	}
	e.auditOf(t, "payment.refunded", 1)
	if st, body := b.post(retry, nil); st != http.StatusConflict {
		t.Fatalf("retry twice: %d\n%s", st, body)
	}
}

// The cash receipts section lists receipts due for paid cash orders with
// the identity masked: a ₩100,000 transfer without a request gets the
// mandatory one to the tax office's number, a smaller one only on
// request. Recording an issue number clears it, audited.
func TestCashReceipts(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	big := e.placeTransfer(t, nil, 70000, 50000)
	small := e.placeTransfer(t, &payment.CashReceiptRequest{Purpose: payment.IncomeDeduction, Identity: "010-9876-5432"}, 30000)
	none := e.placeTransfer(t, nil, 20000)
	b, _ := e.staffIn("boss@example.com")

	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="nav-receipts"`, `data-testid="section-receipts"`)
	// Nothing is due before the money arrives.
	st, body = b.get(bo + "/cash-receipts")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="no-receipts"`)

	for _, o := range []order.Order{big, small, none} {
		st, body := b.post(orderURL(o)+"/deposit", url.Values{"depositor": {"김말랑"}})
		must(t, st, http.StatusOK, body)
	}
	st, body = b.get(bo + "/cash-receipts")
	must(t, st, http.StatusOK, body)
	if strings.Count(body, `data-testid="cash-receipt"`) != 2 {
		t.Fatalf("receipts:\n%s", body)
	}
	contains(t, body, big.Number, small.Number, "******1234", "*******5432", "의무 발행 (100,000원 이상)", "고객 요청", "소득공제",
		"(국세청 자진발급)", `href="`+orderURL(big)+`"`)
	lacks(t, body, none.Number, payment.SelfIssueNumber, "01098765432")
	if strings.Index(body, big.Number) > strings.Index(body, small.Number) {
		t.Fatalf("not oldest first:\n%s", body)
	}

	rc, err := e.pays.CashReceiptOf(context.Background(), big.ID)
	if err != nil || rc.Requested {
		t.Fatalf("receipt of the big order = %+v, %v", rc, err)
	}
	issue := bo + "/cash-receipts/" + strconv.FormatInt(rc.ID, 10) + "/issued"
	st, body = b.post(issue, url.Values{"issue_number": {"  "}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-issue_number"`) {
		t.Fatalf("empty number: %d\n%s", st, body)
	}
	st, body = b.post(issue, url.Values{"issue_number": {"NTS-20261130-0001"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "NTS-20261130-0001", small.Number)
	// It left the receipts due for the list of those issued.
	due, done, _ := strings.Cut(body, `data-testid="issued-receipts"`)
	lacks(t, due, big.Number)
	contains(t, done, big.Number, "NTS-20261130-0001", "직접 발급")
	if rc, err := e.pays.CashReceiptOf(context.Background(), big.ID); err != nil || rc.Status != "issued" || rc.IssueNumber != "NTS-20261130-0001" {
		t.Fatalf("receipt = %+v, %v", rc, err)
	}
	en := e.auditOf(t, "cash_receipt.issued", 1)[0]
	if en.TargetID != strconv.FormatInt(rc.ID, 10) || en.Detail["number"] != big.Number || en.Detail["issue_number"] != "NTS-20261130-0001" {
		t.Fatalf("audit entry %+v", en)
	}
	st, body = b.post(issue, url.Values{"issue_number": {"NTS-again"}})
	if st != http.StatusConflict || !strings.Contains(body, "이미 발행 처리되었거나") {
		t.Fatalf("issue twice: %d\n%s", st, body)
	}
	e.auditOf(t, "cash_receipt.issued", 1)

	// English too.
	_, body = b.get(bo + "/cash-receipts?lang=en")
	contains(t, body, "Cash receipts", "Requested", "*******5432")
}

// Without the orders permission the payment pages and forms are 403 and
// the menu lacks them; without the payment service they do not exist and
// the order page has no payment panel. Cross-site posts stay refused.
func TestPaymentPermissions(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	o := e.placeLines(t, testpay.Name, 12000)
	e.pay(t, o, testpay.Name)
	id := strconv.FormatInt(o.ID, 10)

	e.user(t, "mail@example.com", account.Staff, account.PermMail)
	mail, _ := e.staffIn("mail@example.com")
	st, body := mail.get(bo + "/")
	must(t, st, http.StatusOK, body)
	lacks(t, body, `data-testid="nav-receipts"`)
	for _, tt := range []struct{ method, path string }{
		{"GET", "/cash-receipts"}, {"POST", "/cash-receipts/1/issued"}, {"POST", "/orders/" + id + "/deposit"},
		{"POST", "/orders/" + id + "/refund"}, {"POST", "/orders/" + id + "/refunds/1/retry"},
	} {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			var st int
			var body string
			if tt.method == "GET" {
				st, body = mail.get(bo + tt.path)
			} else {
				st, body = mail.post(bo+tt.path, url.Values{"line": {"1"}, "reason": {"x"}, "issue_number": {"1"}})
			}
			must(t, st, http.StatusForbidden, body)
		})
	}

	// A cross-site refund is refused before the back office sees it.
	boss, _ := e.staffIn("boss@example.com")
	_, body = boss.get(orderURL(o))
	lines := refundLines(body)
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+orderURL(o)+"/refund",
		strings.NewReader(url.Values{"line": lines, "reason": {"csrf"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if st, body := boss.do(req); st != http.StatusForbidden {
		t.Fatalf("cross-site refund: %d\n%s", st, body)
	}
	if rs, _ := e.pays.Refunds(context.Background(), o.ID); len(rs) != 0 || e.status(t, o.ID) != order.Paid {
		t.Fatalf("a forbidden post refunded: %+v", rs)
	}
	if _, total, _ := e.audit.List(context.Background(), audit.Filter{}); total != 0 {
		t.Fatalf("%d audit entries", total)
	}

}
