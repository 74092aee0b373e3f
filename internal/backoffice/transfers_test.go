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
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

var transferRE = regexp.MustCompile(`action="([^"]+/refunds/\d+/transfer)"`)

// A paid bank-transfer order: staff cannot cancel it without the
// customer's account (the refund form asks for it, field by field, and
// stores nothing on error); the customer's cancel waits as 환불 대기 with
// the account, which staff see whole on the order page and in the list of
// refunds to send, and the payment event names the customer. Recording the
// transfer, with a memo, finishes the refund, audited as the staff member.
func TestTransferRefundRecorded(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	o := e.placeTransfer(t, nil, 12000, 8000)
	b, _ := e.staffIn("boss@example.com")
	st, body := b.post(orderURL(o)+"/deposit", url.Values{"depositor": {"김말랑"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="refund-form"`, `data-testid="refund-account"`, `<option value="088">신한은행</option>`)

	// The status form cannot cancel it: the money needs an account.
	st, body = b.post(orderURL(o)+"/status", url.Values{"to": {"cancelled"}, "reason": {"품절"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "환불 계좌가 있어야") {
		t.Fatalf("cancel without an account: %d\n%s", st, body)
	}
	lines := refundLines(body)
	form := url.Values{"line": lines, "reason": {"품절"}, "refund_bank": {"088"}, "refund_number": {"110-12"}, "refund_holder": {"김말랑"}}
	st, body = b.post(orderURL(o)+"/refund", form)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-refund_number"`) ||
		!strings.Contains(body, "계좌번호는 숫자 10~16자리입니다") || !strings.Contains(body, `value="110-12"`) ||
		strings.Contains(body, `data-testid="error-refund_holder"`) {
		t.Fatalf("bad account: %d\n%s", st, body)
	}
	if rs, _ := e.pays.Refunds(context.Background(), o.ID); len(rs) != 0 || e.status(t, o.ID) != order.Paid {
		t.Fatalf("refused refunds changed something: %+v, %s", rs, e.status(t, o.ID))
	}
	e.auditOf(t, "payment.refund_requested", 0)

	// The customer cancels with their account.
	if _, err := e.pays.Cancel(context.Background(), payment.CancelInput{OrderID: o.ID, Actor: order.Customer(o.UserID),
		Reason: "변심", Account: &payment.BankAccount{Bank: "088", Account: "110-123-456789", Holder: "김말랑"}}); err != nil {
		t.Fatal(err)
	}
	st, body = b.get(orderURL(o))
	must(t, st, http.StatusOK, body)
	contains(t, body, "환불 대기", `data-testid="refund-account-shown"`, "신한은행", "110123456789", "김말랑",
		`data-testid="transfer-form"`, "고객 #"+strconv.FormatInt(o.UserID, 10))
	lacks(t, body, "직원 #"+strconv.FormatInt(o.UserID, 10), `data-testid="refund-form"`)
	if e.status(t, o.ID) != order.Cancelled {
		t.Fatalf("order is %s", e.status(t, o.ID))
	}
	m := transferRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no transfer form:\n%s", body)
	}
	action := m[1]

	st, list := b.get(bo + "/refunds")
	must(t, st, http.StatusOK, list)
	if strings.Count(list, `data-testid="transfer"`) != 1 || !strings.Contains(list, o.Number) || !strings.Contains(list, "110123456789") {
		t.Fatalf("refunds to send:\n%s", list)
	}
	// Staff without the orders permission see neither the list nor the
	// account.
	e.user(t, "mail@example.com", account.Staff, account.PermMail)
	other, _ := e.staffIn("mail@example.com")
	if st, body := other.get(bo + "/refunds"); st != http.StatusForbidden || strings.Contains(body, "110123456789") {
		t.Fatalf("refunds for staff without the permission: %d\n%s", st, body)
	}

	st, body = b.post(action, url.Values{"memo": {strings.Repeat("메", payment.MaxTransferMemo+1)}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-transfer_memo"`) {
		t.Fatalf("long memo: %d\n%s", st, body)
	}
	st, body = b.post(action, url.Values{"memo": {"신한 인터넷뱅킹 이체"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "송금을 기록했습니다", `data-testid="refund-sent"`, "신한 인터넷뱅킹 이체")
	lacks(t, body, `data-testid="transfer-form"`)
	rs, err := e.pays.Refunds(context.Background(), o.ID)
	if err != nil || len(rs) != 1 || rs[0].Status != payment.RefundDone || rs[0].TransferMemo != "신한 인터넷뱅킹 이체" {
		t.Fatalf("refunds = %+v, %v", rs, err)
	}
	en := e.auditOf(t, "payment.refund_transferred", 1)[0]
	if en.ActorEmail != "boss@example.com" || en.IP != "127.0.0.1" || en.Detail["memo"] != "신한 인터넷뱅킹 이체" || en.Detail["number"] != o.Number {
		t.Fatalf("audit entry %+v", en)
	}
	if st, body := b.post(action, nil); st != http.StatusConflict {
		t.Fatalf("recording twice: %d\n%s", st, body)
	}
	_, list = b.get(bo + "/refunds")
	contains(t, list, `data-testid="no-transfers"`)

	// A staff refund of a paid transfer order with the account waits too.
	o2 := e.placeTransfer(t, nil, 9000)
	if _, err := e.pays.ConfirmDeposit(context.Background(), audit.Actor{UserID: en.ActorID}, o2.ID, ""); err != nil {
		t.Fatal(err)
	}
	_, body = b.get(orderURL(o2))
	st, body = b.post(orderURL(o2)+"/refund", url.Values{"line": refundLines(body), "reason": {"품절"}, "refund_bank": {"004"},
		"refund_number": {"123456-01-234567"}, "refund_holder": {"이말랑"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "환불을 접수했습니다", "KB국민은행", "12345601234567", `data-testid="transfer-form"`)
	if e.status(t, o2.ID) != order.Cancelled {
		t.Fatalf("order 2 is %s", e.status(t, o2.ID))
	}
}
