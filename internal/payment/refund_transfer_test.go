package payment_test

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// shinhan is a valid refund account as a customer types it.
var shinhan = payment.BankAccount{Bank: "088", Account: "110-123-456789", Holder: "김말랑"}

// paidByTransfer places an order of one unit at price, paid by bank
// transfer that staff (returned) confirmed.
func (f *fixture) paidByTransfer(t *testing.T, price int64) (order.Order, int64, audit.Actor) {
	t.Helper()
	o, v := f.order(t, price, 1)
	if _, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: payment.BankTransfer,
		Depositor: "김말랑"}); err != nil {
		t.Fatal(err)
	}
	staff := f.Staff(t, "orders"+strconv.FormatInt(o.ID, 10)+"@example.com")
	if _, err := f.pays.ConfirmDeposit(t.Context(), staff, o.ID, "김말랑"); err != nil {
		t.Fatal(err)
	}
	if got := f.status(t, o.ID); got != order.Paid {
		t.Fatalf("order is %s after the deposit", got)
	}
	return o, v, staff
}

// mails returns the outbox's refund mails, oldest first.
func (f *fixture) mails(t *testing.T) []notify.Mail {
	t.Helper()
	ms, err := f.Outbox.List(t.Context(), 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]notify.Mail, 0, len(ms))
	for i := len(ms) - 1; i >= 0; i-- {
		if strings.Contains(ms[i].Subject, "환불") { // the payment's own mails aside
			out = append(out, ms[i])
		}
	}
	return out
}

// A customer cancelling a paid bank-transfer order: the order is cancelled
// at once (stock and points back) but the money has not moved, so the
// refund waits for staff (환불 대기) with the customer's account, and is
// refunded only when staff record the transfer. Every step names its real
// actor in the payment events and in the audit log, and each mail says
// what happened to the money.
func TestTransferRefundAwaitsStaff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, v, staff := f.paidByTransfer(t, 37600)
	before := len(audittest.Entries(t, f.D, ""))

	// No account, or a bad one: refused field by field, nothing stored.
	bad := []struct {
		name   string
		acc    *payment.BankAccount
		fields []string
	}{
		{"none", nil, []string{payment.FieldRefundBank, payment.FieldRefundNumber, payment.FieldRefundHolder}},
		{"unknown bank", &payment.BankAccount{Bank: "999", Account: "1101234567", Holder: "김말랑"}, []string{payment.FieldRefundBank}},
		{"letters", &payment.BankAccount{Bank: "088", Account: "110-abc-4567", Holder: "김말랑"}, []string{payment.FieldRefundNumber}},
		{"short", &payment.BankAccount{Bank: "088", Account: "12-345", Holder: "김말랑"}, []string{payment.FieldRefundNumber}},
		{"holder", &payment.BankAccount{Bank: "088", Account: "1101234567", Holder: strings.Repeat("김", 31)}, []string{payment.FieldRefundHolder}},
		{"control", &payment.BankAccount{Bank: "088", Account: "1101234567", Holder: "김\n말랑"}, []string{payment.FieldRefundHolder}},
	}
	for _, tt := range bad {
		_, err := f.pays.Cancel(t.Context(), payment.CancelInput{OrderID: o.ID, Actor: order.Customer(o.UserID), Reason: "변심", Account: tt.acc})
		inv, ok := fault.AsInvalid(err)
		if !ok || len(inv.Fields) != len(tt.fields) {
			t.Fatalf("%s: Cancel = %v, want fields %v", tt.name, err, tt.fields)
		}
		for _, k := range tt.fields {
			if inv.Fields[k] == "" {
				t.Errorf("%s: no message for %s in %v", tt.name, k, inv.Fields)
			}
		}
	}
	if rs, _ := f.pays.Refunds(t.Context(), o.ID); len(rs) != 0 || f.status(t, o.ID) != order.Paid ||
		len(audittest.Entries(t, f.D, "")) != before || len(f.mails(t)) != 0 {
		t.Fatalf("refused cancels changed something: refunds %+v, order %s", rs, f.status(t, o.ID))
	}
	// The cancel and its audit entries commit together: an audit log that
	// refuses them undoes the cancel.
	if _, err := f.payments(refusing{}).Cancel(t.Context(), payment.CancelInput{OrderID: o.ID, Actor: order.Customer(o.UserID),
		Account: &shinhan}); !errors.Is(err, errRefused) || f.status(t, o.ID) != order.Paid {
		t.Fatalf("Cancel with the audit log refusing = %v; order %s", err, f.status(t, o.ID))
	}
	if rs, _ := f.pays.Refunds(t.Context(), o.ID); len(rs) != 0 {
		t.Fatalf("refund kept though its audit entry was refused: %+v", rs)
	}

	customer := order.Customer(o.UserID)
	customer.Audit = audit.Actor{Email: "buyer@example.com", IP: "198.51.100.7"}
	got, err := f.pays.Cancel(t.Context(), payment.CancelInput{OrderID: o.ID, Actor: customer, Reason: "변심", Account: &shinhan})
	if err != nil || got.Status != order.Cancelled {
		t.Fatalf("Cancel = %s, %v", got.Status, err)
	}
	if s := f.Stock(t, v); s != 100 {
		t.Errorf("stock = %d, want it back at 100", s)
	}
	rs, err := f.pays.Refunds(t.Context(), o.ID)
	if err != nil || len(rs) != 1 {
		t.Fatalf("refunds = %+v, %v", rs, err)
	}
	rf := rs[0]
	if rf.Status != payment.RefundAwaitingTransfer || rf.Amount != o.Total || !rf.Cancel || rf.ProviderRefundID != "" ||
		rf.ActorKind != payment.ByCustomer || rf.ActorID != o.UserID || rf.Account == nil ||
		*rf.Account != (payment.BankAccount{Bank: "088", Account: "110123456789", Holder: "김말랑"}) {
		t.Fatalf("refund = %+v (%+v)", rf, rf.Account)
	}
	// Not refunded money: the payment is still paid.
	as, _ := f.pays.Attempts(t.Context(), o.ID)
	if len(as) != 1 || as[0].Status != payment.AttemptPaid {
		t.Fatalf("attempt = %+v", as)
	}
	// The account is stored encrypted.
	var raw string
	if err := f.D.Read().GetContext(t.Context(), &raw, f.D.Read().Rebind(
		`SELECT refund_number_enc || refund_holder_enc FROM payment_refunds WHERE id = ?`), rf.ID); err != nil ||
		strings.Contains(raw, "110123456789") || strings.Contains(raw, "김말랑") || raw == "" {
		t.Fatalf("stored account %q, %v", raw, err)
	}
	ev := f.events(t, o.ID, "refund")
	if len(ev) != 1 || ev[0].Outcome != payment.RefundAwaitingTransfer || ev[0].ActorKind != payment.ByCustomer ||
		ev[0].ActorID == nil || *ev[0].ActorID != o.UserID || !strings.Contains(ev[0].Detail, "신한은행 ****6789") {
		t.Fatalf("refund events = %+v", ev)
	}
	if dep := f.events(t, o.ID, "deposit"); len(dep) != 1 || dep[0].ActorKind != payment.ByStaff || *dep[0].ActorID != staff.UserID {
		t.Fatalf("deposit events = %+v", dep)
	}
	req := audittest.Entries(t, f.D, "payment.refund_requested")
	if len(req) != 1 || req[0].ActorID != o.UserID || req[0].ActorEmail != "buyer@example.com" || req[0].Detail["by"] != "customer" ||
		req[0].Detail["status"] != payment.RefundAwaitingTransfer || req[0].TargetID != strconv.FormatInt(o.ID, 10) ||
		fmt.Sprint(req[0].Detail["amount"]) != strconv.FormatInt(o.Total, 10) {
		t.Fatalf("refund entries = %+v", req)
	}
	cancel := audittest.Entries(t, f.D, "order.status_changed")
	if len(cancel) != 1 || cancel[0].ActorID != o.UserID || cancel[0].Detail["by"] != "customer" ||
		cancel[0].Detail["to"] != "cancelled" || cancel[0].Detail["refunded"] != true {
		t.Fatalf("cancel entries = %+v", cancel)
	}
	ms := f.mails(t)
	if len(ms) != 1 || !strings.Contains(ms[0].Subject, "환불 대기") || !strings.Contains(ms[0].Text, "신한은행 ****6789") ||
		!strings.Contains(ms[0].Text, "₩40,600") || strings.Contains(ms[0].Text, "카드") || strings.Contains(ms[0].Text, "110123456789") {
		t.Fatalf("mails = %+v", ms)
	}
	// There is nothing to retry: no provider was asked.
	if _, err := f.pays.RetryRefund(t.Context(), rf.ID, order.Staff(staff)); !errors.Is(err, fault.ErrConflict) {
		t.Errorf("RetryRefund of a transfer = %v", err)
	}

	// Staff send the money and record it.
	if _, err := f.pays.RecordRefundTransfer(t.Context(), staff, rf.ID, strings.Repeat("메", payment.MaxTransferMemo+1)); err == nil {
		t.Fatal("a memo too long was taken")
	}
	if _, err := f.payments(refusing{}).RecordRefundTransfer(t.Context(), staff, rf.ID, ""); !errors.Is(err, errRefused) {
		t.Fatalf("RecordRefundTransfer with the audit log refusing = %v", err)
	}
	if rs, _ := f.pays.Refunds(t.Context(), rf.OrderID); rs[0].Status != payment.RefundAwaitingTransfer {
		t.Fatalf("refund %s though its audit entry was refused", rs[0].Status)
	}
	f.Clock.Advance(26 * time.Hour) // the next day
	done, err := f.pays.RecordRefundTransfer(t.Context(), staff, rf.ID, "  신한 인터넷뱅킹 이체  ")
	if err != nil || done.Status != payment.RefundDone {
		t.Fatalf("RecordRefundTransfer = %+v, %v", done, err)
	}
	rs, _ = f.pays.Refunds(t.Context(), o.ID)
	if rs[0].Status != payment.RefundDone || rs[0].TransferredBy != staff.UserID || rs[0].TransferMemo != "신한 인터넷뱅킹 이체" ||
		!rs[0].TransferredAt.Equal(f.Clock.Now().UTC().Truncate(time.Microsecond)) || rs[0].ProviderRefundID != "transfer" {
		t.Fatalf("refund after the transfer = %+v", rs[0])
	}
	as, _ = f.pays.Attempts(t.Context(), o.ID)
	if as[0].Status != payment.AttemptRefunded || as[0].Refunded != o.Total {
		t.Fatalf("attempt after the transfer = %+v", as[0])
	}
	ev = f.events(t, o.ID, "refund")
	if len(ev) != 2 || ev[1].Outcome != "ok" || ev[1].ActorKind != payment.ByStaff || *ev[1].ActorID != staff.UserID {
		t.Fatalf("refund events = %+v", ev)
	}
	sent := audittest.Entries(t, f.D, "payment.refund_transferred")
	if len(sent) != 1 || sent[0].ActorID != staff.UserID || sent[0].ActorEmail != staff.Email || sent[0].Detail["by"] != "staff" ||
		sent[0].Detail["memo"] != "신한 인터넷뱅킹 이체" || sent[0].Detail["number"] != o.Number {
		t.Fatalf("transfer entries = %+v", sent)
	}
	ms = f.mails(t)
	if len(ms) != 2 || !strings.Contains(ms[1].Subject, "환불이 완료") || !strings.Contains(ms[1].Text, "신한은행 ****6789") ||
		strings.Contains(ms[1].Text, "카드") {
		t.Fatalf("mails = %+v", ms)
	}
	// Recorded once.
	if _, err := f.pays.RecordRefundTransfer(t.Context(), staff, rf.ID, ""); !errors.Is(err, fault.ErrConflict) {
		t.Errorf("second RecordRefundTransfer = %v", err)
	}
	if _, err := f.pays.RecordRefundTransfer(t.Context(), staff, rf.ID+100, ""); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("RecordRefundTransfer of no refund = %v", err)
	}
	if o2 := f.status(t, o.ID); o2 != order.Cancelled {
		t.Errorf("order is %s", o2)
	}
}

// Staff refunding lines of a transfer order: the money waits for the
// transfer, and the order changes (lines refunded) only when it is sent.
func TestTransferRefundOfLines(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _, staff := f.paidByTransfer(t, 30000)
	f.SetStatus(t, o.ID, order.Shipped)
	rf, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, Reason: "불량", Actor: order.Staff(staff), Account: &shinhan})
	if err != nil || rf.Status != payment.RefundAwaitingTransfer || rf.Cancel {
		t.Fatalf("Refund = %+v, %v", rf, err)
	}
	if got := f.status(t, o.ID); got != order.Shipped {
		t.Fatalf("order is %s before the money moved", got)
	}
	// The lines are held by the waiting refund.
	if _, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, Reason: "again", Actor: order.Staff(staff),
		Account: &shinhan}); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("second refund = %v", err)
	}
	if _, err := f.pays.RecordRefundTransfer(t.Context(), staff, rf.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got := f.status(t, o.ID); got != order.Refunded {
		t.Fatalf("order is %s after the transfer", got)
	}
	es := audittest.Entries(t, f.D, "order.status_changed")
	if len(es) != 1 || es[0].ActorID != staff.UserID || es[0].Detail["to"] != "refunded" {
		t.Fatalf("order entries = %+v", es)
	}
}

// A card payment goes back through the provider as before, but the events
// and audit entries name the customer who cancelled, and the mail speaks
// of card refunds.
func TestCardCancelNamesCustomer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.order(t, 8000, 1)
	f.payWithTestpay(t, o)
	// A card refund takes no account: one given is ignored.
	if _, err := f.pays.Cancel(t.Context(), payment.CancelInput{OrderID: o.ID, Actor: order.Customer(o.UserID),
		Account: &payment.BankAccount{Bank: "x"}}); err != nil {
		t.Fatal(err)
	}
	rs, _ := f.pays.Refunds(t.Context(), o.ID)
	if len(rs) != 1 || rs[0].Status != payment.RefundDone || rs[0].Account != nil || rs[0].ActorKind != payment.ByCustomer {
		t.Fatalf("refunds = %+v", rs)
	}
	ev := f.events(t, o.ID, "refund")
	if len(ev) != 1 || ev[0].ActorKind != payment.ByCustomer || *ev[0].ActorID != o.UserID {
		t.Fatalf("refund events = %+v", ev)
	}
	if c := f.events(t, o.ID, "confirm"); len(c) == 0 || c[0].ActorKind != payment.ByCustomer {
		t.Fatalf("confirm events = %+v", c)
	}
	for _, action := range []string{"payment.refund_requested", "payment.refunded", "order.status_changed"} {
		es := audittest.Entries(t, f.D, action)
		if len(es) != 1 || es[0].ActorID != o.UserID || es[0].Detail["by"] != "customer" {
			t.Errorf("%s entries = %+v", action, es)
		}
	}
	ms := f.mails(t)
	if len(ms) != 1 || !strings.Contains(ms[0].Text, "카드·간편결제") || !strings.Contains(ms[0].Subject, "환불이 완료") {
		t.Fatalf("mails = %+v", ms)
	}
	// An unpaid order cancelled by its customer is audited too.
	o2, _ := f.order(t, 5000, 1)
	if _, err := f.pays.Cancel(t.Context(), payment.CancelInput{OrderID: o2.ID, Actor: order.Customer(o2.UserID), Reason: "변심"}); err != nil {
		t.Fatal(err)
	}
	if es := audittest.Entries(t, f.D, "order.status_changed"); len(es) != 2 || es[0].TargetID != strconv.FormatInt(o2.ID, 10) ||
		es[0].ActorID != o2.UserID || es[0].Detail["by"] != "customer" {
		t.Fatalf("cancel entries = %+v", es)
	}
}

// Money paid into a virtual account goes back through the provider, to the
// account the customer gives, and a retry sends the same account.
func TestVirtualAccountRefundNeedsAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.order(t, 11000, 1)
	f.sp.status = payment.StatusAwaitingDeposit
	f.sp.deposit = &payment.Deposit{Bank: "88", Account: "X1234", Holder: "말랑", Secret: "s3cret"}
	st := f.start(t, o, "scripted")
	a, err := f.pays.Confirm(t.Context(), "scripted", st.Attempt.Reference, nil)
	if err != nil || a.Status != payment.AttemptAwaitingDeposit {
		t.Fatalf("virtual account: %+v, %v", a, err)
	}
	f.sp.mu.Lock()
	f.sp.event = payment.Event{Type: "DEPOSIT_CALLBACK", Reference: a.Reference, DepositSecret: "s3cret"}
	f.sp.lookup = &payment.Result{ProviderPaymentID: a.ProviderPaymentID, Status: payment.StatusPaid,
		Charged: payment.Amount{Total: o.Total, Currency: "KRW"}}
	f.sp.mu.Unlock()
	if err := f.pays.Webhook(t.Context(), "scripted", nil, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if err := f.Syncs.Run(t.Context(), f.pays); err != nil {
		t.Fatal(err)
	}
	if wh := f.events(t, o.ID, "webhook"); len(wh) != 1 || wh[0].ActorKind != payment.ByProvider || wh[0].ActorID != nil {
		t.Fatalf("webhook events = %+v", wh)
	}
	if lk := f.events(t, o.ID, "lookup"); len(lk) == 0 || lk[0].ActorKind != payment.ByJob {
		t.Fatalf("lookup events = %+v", lk)
	}
	if _, err := f.pays.Cancel(t.Context(), payment.CancelInput{OrderID: o.ID, Actor: order.Customer(o.UserID)}); err == nil {
		t.Fatal("a virtual-account refund without an account was made")
	} else if _, ok := fault.AsInvalid(err); !ok {
		t.Fatalf("Cancel without an account = %v", err)
	}
	f.sp.mu.Lock()
	f.sp.refundErr = errors.New("timeout")
	f.sp.mu.Unlock()
	if _, err := f.pays.Cancel(t.Context(), payment.CancelInput{OrderID: o.ID, Actor: order.Customer(o.UserID),
		Account: &shinhan}); !errors.Is(err, payment.ErrRefundPending) {
		t.Fatalf("Cancel = %v", err)
	}
	f.sp.mu.Lock()
	f.sp.refundErr = nil
	f.sp.mu.Unlock()
	rs, _ := f.pays.Refunds(t.Context(), o.ID)
	if _, err := f.pays.RetryRefund(t.Context(), rs[0].ID, order.Staff(f.Staff(t, "retry@example.com"))); err != nil {
		t.Fatal(err)
	}
	got := f.sp.refunded()
	if len(got) != 1 || got[0].Account == nil || got[0].Account.Account != "110123456789" || got[0].Account.Bank != "088" {
		t.Fatalf("provider refunds = %+v", got)
	}
	ms := f.mails(t)
	if len(ms) != 1 || !strings.Contains(ms[0].Text, "결제사가 입력하신 계좌(신한은행 ****6789)") || strings.Contains(ms[0].Text, "카드") {
		t.Fatalf("mails = %+v", ms)
	}
}

// The refund account is one of the columns key rotation covers.
func TestRefundAccountRotates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _, _ := f.paidByTransfer(t, 9000)
	if _, err := f.pays.Cancel(t.Context(), payment.CancelInput{OrderID: o.ID, Actor: order.Customer(o.UserID), Account: &shinhan}); err != nil {
		t.Fatal(err)
	}
	fresh, err := crypt.ParseKeyring("k9:" + strings.Repeat("5a", 32))
	if err != nil {
		t.Fatal(err)
	}
	kr, err := fresh.WithRetired(f.KR)
	if err != nil {
		t.Fatal(err)
	}
	st, err := crypt.Rotate(t.Context(), f.D, kr, payment.EncryptedColumns(), nil)
	if err != nil || st.Rotated != 2 {
		t.Fatalf("Rotate = %+v, %v", st, err)
	}
	deps := f.PaymentDeps()
	deps.Keyring = fresh // only the new key: the values must have moved to it
	rotated := payment.NewService(f.D, deps, payment.Config{}, nil, f.Clock.Now, slog.New(slog.DiscardHandler))
	rs, err := rotated.Refunds(t.Context(), o.ID)
	if err != nil || len(rs) != 1 || rs[0].Account == nil || rs[0].Account.Account != "110123456789" {
		t.Fatalf("after rotation: %+v, %v", rs, err)
	}
	pending, err := rotated.AwaitingTransfers(t.Context(), 10)
	if err != nil || len(pending) != 1 || pending[0].ID != rs[0].ID {
		t.Fatalf("AwaitingTransfers = %+v, %v", pending, err)
	}
}

// A refund may withhold part of the lines' share (a return's shipping fee
// the customer pays): the money sent back is the share less the fee, never
// below zero, and the refund records what it kept.
func TestRefundWithholds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		withhold       int64
		back, withheld int64
	}{
		{"none", 0, 20000, 0},
		{"a fee", 6000, 14000, 6000},
		{"more than the share", 25000, 0, 20000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			v1 := f.Product(t, "말랑 A", 20000, 10)
			v2 := f.Product(t, "말랑 B", 40000, 10)
			u := f.Customer(t, "withhold@example.com")
			f.Add(t, u, v1, 1)
			f.Add(t, u, v2, 1)
			two, err := f.Place(t.Context(), order.PlaceInput{UserID: u, IdempotencyKey: "k", AddressID: f.Address(t, u),
				PaymentMethod: "card", Channel: order.PCWeb})
			if err != nil {
				t.Fatal(err)
			}
			f.payWithTestpay(t, two)
			var line int64
			for _, l := range two.Lines {
				if l.VariantID == v1 {
					line = l.ID
				}
			}
			rf, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: two.ID, LineIDs: []int64{line}, Reason: "반품",
				Actor: f.boss, Withhold: tt.withhold})
			if err != nil {
				t.Fatal(err)
			}
			if rf.Amount != tt.back || rf.Withheld != tt.withheld {
				t.Fatalf("refund = %d back, %d withheld; want %d and %d", rf.Amount, rf.Withheld, tt.back, tt.withheld)
			}
			rs, err := f.pays.Refunds(t.Context(), two.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tt.back > 0 && (len(rs) != 1 || rs[0].Amount != tt.back || rs[0].Withheld != tt.withheld) {
				t.Fatalf("stored refunds = %+v", rs)
			}
			if got := f.status(t, two.ID); got != order.PartiallyRefunded {
				t.Errorf("order is %s", got)
			}
		})
	}
	f := newFixture(t)
	o, _ := f.order(t, 20000, 1)
	f.payWithTestpay(t, o)
	if _, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, Reason: "반품", Actor: f.boss, Withhold: -1}); err == nil {
		t.Fatal("a negative withholding was taken")
	}
}
