package payment_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/toss"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

// withToss makes f's payment service issue cash receipts through Toss (a
// tosstest fake), with auto as MALLANG_CASH_RECEIPT_AUTO.
func (f *fixture) withToss(t *testing.T, auto string) *tosstest.Server {
	t.Helper()
	srv := tosstest.NewServer()
	t.Cleanup(srv.Close)
	tp, err := toss.New(toss.Config{SecretKey: tosstest.SecretKey, ClientKey: tosstest.ClientKey, BaseURL: srv.URL()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	deps := f.PaymentDeps()
	deps.Audit = f.audit
	f.pays = payment.NewService(f.D, deps,
		payment.Config{BaseURL: "http://shop.test", Bank: payment.BankAccount{Bank: "말랑은행", Account: "123-456-789", Holder: "(주)말랑"},
			Receipts: tp, CashReceiptAuto: auto}, []payment.Provider{f.tp}, f.Clock.Now, slog.New(slog.DiscardHandler))
	return srv
}

// transfer places an order of one unit at price and starts its bank
// transfer with receipt (nil: none asked).
func (f *fixture) transfer(t *testing.T, price int64, receipt *payment.CashReceiptRequest) order.Order {
	t.Helper()
	o, _ := f.order(t, price, 1)
	if _, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: payment.BankTransfer,
		Depositor: "김말랑", CashReceipt: receipt}); err != nil {
		t.Fatal(err)
	}
	return o
}

// deposit confirms order o's transfer as a staff member.
func (f *fixture) deposit(t *testing.T, o order.Order) {
	t.Helper()
	staff := f.Staff(t, "deposit"+strconv.FormatInt(o.ID, 10)+"@example.com")
	if _, err := f.pays.ConfirmDeposit(t.Context(), staff, o.ID, "김말랑"); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) receipt(t *testing.T, orderID int64) payment.CashReceipt {
	t.Helper()
	c, err := f.pays.CashReceiptOf(t.Context(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) runReceipts(t *testing.T) {
	t.Helper()
	if err := f.Syncs.RunReceipts(t.Context(), f.pays); err != nil {
		t.Fatal(err)
	}
}

var phone = &payment.CashReceiptRequest{Purpose: payment.IncomeDeduction, Identity: "010-1234-5678"}

// A requested receipt is issued through Toss only once the deposit is
// confirmed, and once however often its job runs: twice in a row, two at
// the same moment, or again after an answer that never arrived.
func TestCashReceiptIssuedAfterDeposit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := f.withToss(t, payment.AutoSelfIssued)
	o := f.transfer(t, 30000, phone)
	c := f.receipt(t, o.ID)

	// Before the money arrived nothing is queued, and a job run anyway
	// issues nothing.
	if n := len(f.Syncs.Receipts.Enqueued()); n != 0 {
		t.Fatalf("%d receipt jobs before the deposit", n)
	}
	if err := f.pays.SettleCashReceipt(t.Context(), c.ID); err != nil {
		t.Fatal(err)
	}
	if got := srv.Receipts(); len(got) != 0 {
		t.Fatalf("issued before the deposit: %+v", got)
	}

	f.deposit(t, o)
	if ids := f.Syncs.Receipts.Enqueued(); len(ids) != 1 || ids[0] != c.ID {
		t.Fatalf("jobs after the deposit = %v, want [%d]", ids, c.ID)
	}
	// The first run's answer is lost (the call outlives its deadline):
	// the receipt stays pending and the job fails, to be retried.
	srv.DelayNext(tosstest.ReceiptsPath, 10*time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	err := f.pays.SettleCashReceipt(ctx, c.ID)
	cancel()
	if !errors.Is(err, payment.ErrUnknownOutcome) {
		t.Fatalf("settle with the answer lost = %v", err)
	}
	if got := f.receipt(t, o.ID); got.Status != payment.ReceiptPending {
		t.Fatalf("after a lost answer the receipt is %s", got.Status)
	}
	// The retry and a second worker at once: one receipt at Toss.
	// The claim of the run whose answer was lost was released.
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Go(func() { errs <- f.pays.SettleCashReceipt(t.Context(), c.ID) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		// The one that found the other holding the receipt is told to
		// come back later, as River will.
		if err != nil && !errors.Is(err, payment.ErrReceiptBusy) {
			t.Fatal(err)
		}
	}
	f.runReceipts(t) // the queued job, after the fact
	got := srv.Receipts()
	if len(got) != 1 {
		t.Fatalf("Toss issued %d receipts, want 1: %+v", len(got), got)
	}
	tr := got[0]
	if tr.Amount != o.Total || tr.Type != "소득공제" || tr.CustomerIdentityNumber != "01012345678" || tr.OrderID == "" {
		t.Fatalf("Toss receipt = %+v", tr)
	}
	c = f.receipt(t, o.ID)
	if c.Status != payment.ReceiptIssued || c.Provider != "toss" || c.ReceiptKey != tr.ReceiptKey ||
		c.IssueNumber != tr.IssueNumber || c.ReceiptURL != tr.ReceiptURL || c.IssuedAt.IsZero() {
		t.Fatalf("receipt = %+v, Toss %+v", c, tr)
	}
	es := audittest.Entries(t, f.D, "cash_receipt.issued")
	if len(es) != 1 || es[0].ActorID != 0 || es[0].Detail["by"] != payment.ByJob || es[0].TargetID != strconv.FormatInt(c.ID, 10) {
		t.Fatalf("issued entries = %+v", es)
	}
	// Issued is issued: staff cannot record another number for it.
	if err := f.pays.MarkCashReceiptIssued(t.Context(), f.Staff(t, "late@example.com"), c.ID, "123"); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("MarkCashReceiptIssued of an issued receipt = %v", err)
	}
}

// A transfer of ₩100,000 or more without a request gets a receipt to the
// tax office's self-issue number, issued through Toss after the deposit,
// when the shop's setting says so; below that, or with the setting off,
// none.
func TestCashReceiptSelfIssued(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		auto  string
		price int64
		want  bool
	}{
		{"at the threshold", payment.AutoSelfIssued, 100000, true},
		{"default setting", "", 150000, true},
		{"below", payment.AutoSelfIssued, 99000, false},
		{"setting off", payment.AutoOff, 100000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			srv := f.withToss(t, tt.auto)
			o := f.transfer(t, tt.price, nil)
			f.deposit(t, o)
			f.runReceipts(t)
			_, err := f.pays.CashReceiptOf(t.Context(), o.ID)
			got := srv.Receipts()
			if !tt.want {
				if !errors.Is(err, fault.ErrNotFound) || len(got) != 0 {
					t.Fatalf("receipt %v, Toss %+v; want none", err, got)
				}
				return
			}
			c := f.receipt(t, o.ID)
			if len(got) != 1 || got[0].CustomerIdentityNumber != payment.SelfIssueNumber || got[0].Amount != tt.price ||
				got[0].Type != "소득공제" {
				t.Fatalf("Toss receipts = %+v", got)
			}
			if c.Requested || c.Status != payment.ReceiptIssued || c.IssueNumber != got[0].IssueNumber {
				t.Fatalf("receipt = %+v", c)
			}
		})
	}
}

// A refund sent back to the customer cancels the receipt at Toss: by the
// refunded amount for a refund of lines, whole when nothing is left.
func TestCashReceiptCancelledOnRefund(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := f.withToss(t, payment.AutoSelfIssued)
	u := f.Customer(t, "two@example.com")
	a, b := f.Product(t, "차 세트", 60000, 10), f.Product(t, "찻잔", 50000, 10)
	f.Add(t, u, a, 1)
	f.Add(t, u, b, 1)
	o, err := f.Place(t.Context(), order.PlaceInput{UserID: u, IdempotencyKey: "k", AddressID: f.Address(t, u),
		PaymentMethod: "card", Channel: order.PCWeb})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: u, Method: payment.BankTransfer,
		CashReceipt: phone}); err != nil {
		t.Fatal(err)
	}
	f.deposit(t, o)
	f.runReceipts(t)
	if c := f.receipt(t, o.ID); c.Status != payment.ReceiptIssued || c.Amount != 110000 {
		t.Fatalf("receipt = %+v", c)
	}
	staff := f.Staff(t, "refunds@example.com")
	f.SetStatus(t, o.ID, order.Shipped)
	full, err := f.Orders.AdminGet(t.Context(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var cup int64
	for _, l := range full.Lines {
		if l.UnitPrice == 50000 {
			cup = l.ID
		}
	}

	// The cup goes back: ₩50,000 of the receipt is cancelled.
	rf, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, LineIDs: []int64{cup}, Reason: "파손",
		Actor: order.Staff(staff), Account: &shinhan})
	if err != nil {
		t.Fatal(err)
	}
	f.runReceipts(t)
	if got := srv.Receipts()[0]; len(got.Cancels) != 0 {
		t.Fatalf("cancelled before the money went back: %+v", got.Cancels)
	}
	if _, err := f.pays.RecordRefundTransfer(t.Context(), staff, rf.ID, ""); err != nil {
		t.Fatal(err)
	}
	f.runReceipts(t)
	f.runReceipts(t) // nothing more to do
	tr := srv.Receipts()[0]
	c := f.receipt(t, o.ID)
	if len(tr.Cancels) != 1 || tr.Cancels[0] != 50000 || tr.Amount != 60000 {
		t.Fatalf("Toss receipt after the partial refund = %+v", tr)
	}
	if c.Status != payment.ReceiptIssued || c.Cancelled != 50000 || c.CancelDue != 50000 {
		t.Fatalf("receipt after the partial refund = %+v", c)
	}
	if es := audittest.Entries(t, f.D, "cash_receipt.partially_cancelled"); len(es) != 1 || fmt.Sprint(es[0].Detail["amount"]) != "50000" {
		t.Fatalf("partial cancel entries = %+v", es)
	}

	// The rest: the receipt is cancelled whole.
	rf, err = f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, Reason: "반품", Actor: order.Staff(staff), Account: &shinhan})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.pays.RecordRefundTransfer(t.Context(), staff, rf.ID, ""); err != nil {
		t.Fatal(err)
	}
	f.runReceipts(t)
	tr = srv.Receipts()[0]
	c = f.receipt(t, o.ID)
	if len(tr.Cancels) != 2 || tr.Cancels[1] != 60000 || tr.Amount != 0 {
		t.Fatalf("Toss receipt after the whole refund = %+v", tr)
	}
	if c.Status != payment.ReceiptCancelled || c.Cancelled != 110000 {
		t.Fatalf("receipt after the whole refund = %+v", c)
	}
	if es := audittest.Entries(t, f.D, "cash_receipt.cancelled"); len(es) != 1 {
		t.Fatalf("cancel entries = %+v", es)
	}
}

// A customer cancelling a paid order gets the whole receipt cancelled once
// staff send the money back.
func TestCashReceiptCancelledWithOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := f.withToss(t, payment.AutoSelfIssued)
	o := f.transfer(t, 120000, nil)
	f.deposit(t, o)
	f.runReceipts(t)
	rf, err := f.pays.Cancel(t.Context(), payment.CancelInput{OrderID: o.ID, Actor: order.Customer(o.UserID), Reason: "변심", Account: &shinhan})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.pays.RecordRefundTransfer(t.Context(), f.Staff(t, "s@example.com"), rf.ID, ""); err != nil {
		t.Fatal(err)
	}
	f.runReceipts(t)
	tr := srv.Receipts()
	if len(tr) != 1 || len(tr[0].Cancels) != 1 || tr[0].Cancels[0] != 120000 || tr[0].Amount != 0 {
		t.Fatalf("Toss receipts = %+v", tr)
	}
	if c := f.receipt(t, o.ID); c.Status != payment.ReceiptCancelled {
		t.Fatalf("receipt = %+v", c)
	}
}

// Toss refusing a receipt leaves it failed with Toss's reason; staff retry
// it (a new request, not the refused one again) and it is issued, and each
// step is audited with its actor.
func TestCashReceiptRefusedThenRetried(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := f.withToss(t, payment.AutoSelfIssued)
	o := f.transfer(t, 30000, phone)
	f.deposit(t, o)
	srv.RefuseNextReceipt("INVALID_REQUEST", "국세청에 등록되지 않은 번호입니다.")
	f.runReceipts(t)
	c := f.receipt(t, o.ID)
	if c.Status != payment.ReceiptFailed || c.Failure != "INVALID_REQUEST: 국세청에 등록되지 않은 번호입니다." || len(srv.Receipts()) != 0 {
		t.Fatalf("receipt = %+v, Toss %+v", c, srv.Receipts())
	}
	due, err := f.pays.PendingCashReceipts(t.Context(), 10)
	if err != nil || len(due) != 1 || due[0].ID != c.ID {
		t.Fatalf("due = %+v, %v", due, err)
	}
	if es := audittest.Entries(t, f.D, "cash_receipt.failed"); len(es) != 1 || es[0].Detail["by"] != payment.ByJob {
		t.Fatalf("failed entries = %+v", es)
	}
	staff := f.Staff(t, "retry@example.com")
	if err := f.pays.RetryCashReceipt(t.Context(), staff, c.ID); err != nil {
		t.Fatal(err)
	}
	// Pressed twice: queued twice, issued once (the same try, the same key).
	if err := f.pays.RetryCashReceipt(t.Context(), staff, c.ID); err != nil {
		t.Fatalf("second retry = %v", err)
	}
	f.runReceipts(t)
	c = f.receipt(t, o.ID)
	if got := srv.Receipts(); len(got) != 1 || c.Status != payment.ReceiptIssued || c.ReceiptKey != got[0].ReceiptKey || c.Failure != "" {
		t.Fatalf("after the retry: receipt %+v, Toss %+v", c, got)
	}
	es := audittest.Entries(t, f.D, "cash_receipt.retried")
	if len(es) != 2 || es[0].ActorID != staff.UserID {
		t.Fatalf("retried entries = %+v", es)
	}
	if err := f.pays.RetryCashReceipt(t.Context(), staff, c.ID); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("retry of an issued receipt = %v", err)
	}
}

// Without Toss, receipts stay with staff as before: nothing is queued and
// a retry is refused.
func TestCashReceiptByHand(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o := f.transfer(t, 30000, phone)
	f.deposit(t, o)
	if n := len(f.Syncs.Receipts.Enqueued()); n != 0 {
		t.Fatalf("%d receipt jobs without Toss", n)
	}
	c := f.receipt(t, o.ID)
	if err := f.pays.RetryCashReceipt(t.Context(), f.Staff(t, "a@example.com"), c.ID); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("retry without Toss = %v", err)
	}
	if err := f.pays.MarkCashReceiptIssued(t.Context(), f.Staff(t, "b@example.com"), c.ID, "123456789"); err != nil {
		t.Fatal(err)
	}
	if c = f.receipt(t, o.ID); c.Status != payment.ReceiptIssued || c.Provider != "" || c.IssueNumber != "123456789" {
		t.Fatalf("receipt = %+v", c)
	}
}

// A customer asks for a receipt after ordering: while the deposit is
// awaited it replaces the self-issue one; after the payment it is issued
// at once, within the period the rules allow.
func TestCashReceiptRequestedAfterOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := f.withToss(t, payment.AutoSelfIssued)

	// Awaiting the deposit, self-issue due: the request replaces it.
	big := f.transfer(t, 100000, nil)
	biz := payment.CashReceiptRequest{Purpose: payment.ExpenseProof, Identity: "220-81-62517"}
	if !payment.ValidBusinessNumber("2208162517") {
		t.Fatal("the test's business number is not valid")
	}
	c, err := f.pays.RequestCashReceipt(t.Context(), big.UserID, big.ID, biz)
	if err != nil || !c.Requested || c.Identity != "2208162517" || c.Purpose != payment.ExpenseProof {
		t.Fatalf("RequestCashReceipt = %+v, %v", c, err)
	}
	f.deposit(t, big)
	f.runReceipts(t)
	if got := srv.Receipts(); len(got) != 1 || got[0].Type != "지출증빙" || got[0].CustomerIdentityNumber != "2208162517" {
		t.Fatalf("Toss receipts = %+v", got)
	}

	// Paid, none asked: the request is issued at once.
	small := f.transfer(t, 20000, nil)
	f.deposit(t, small)
	f.Clock.Advance(4 * 24 * time.Hour)
	tests := []struct {
		name   string
		userID int64
		req    payment.CashReceiptRequest
		want   error
	}{
		{"someone else's order", big.UserID, *phone, fault.ErrNotFound},
		{"bad number", small.UserID, payment.CashReceiptRequest{Purpose: payment.IncomeDeduction, Identity: "12"}, nil},
		{"no purpose", small.UserID, payment.CashReceiptRequest{Identity: "01012345678"}, nil},
	}
	for _, tt := range tests {
		_, err := f.pays.RequestCashReceipt(t.Context(), tt.userID, small.ID, tt.req)
		if tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
		if _, ok := fault.AsInvalid(err); tt.want == nil && !ok {
			t.Errorf("%s: %v, want invalid", tt.name, err)
		}
	}
	if _, err := f.pays.RequestCashReceipt(t.Context(), small.UserID, small.ID, *phone); err != nil {
		t.Fatal(err)
	}
	f.runReceipts(t)
	if got := srv.Receipts(); len(got) != 2 || got[1].Amount != small.Total {
		t.Fatalf("Toss receipts = %+v", got)
	}
	if _, err := f.pays.RequestCashReceipt(t.Context(), small.UserID, small.ID, *phone); !errors.Is(err, payment.ErrReceiptIssued) {
		t.Fatalf("second request = %v", err)
	}
	if es := audittest.Entries(t, f.D, "cash_receipt.requested"); len(es) != 2 || es[0].Detail["by"] != payment.ByCustomer {
		t.Fatalf("requested entries = %+v", es)
	}

	// Past the period: refused.
	late := f.transfer(t, 20000, nil)
	f.deposit(t, late)
	f.Clock.Advance(payment.CashReceiptRequestDays*24*time.Hour + time.Minute)
	if _, err := f.pays.RequestCashReceipt(t.Context(), late.UserID, late.ID, *phone); !errors.Is(err, payment.ErrReceiptTooLate) {
		t.Fatalf("late request = %v", err)
	}
}

// A refund sent while the receipt's issue had no answer yet: Toss issued
// the whole sale under the key, so the retried job records what Toss says
// it issued (not the sale less the refund) and cancels the refund from it.
// Toss's receipt and ours end on the same amount.
func TestCashReceiptRefundWhileIssuing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := f.withToss(t, payment.AutoSelfIssued)
	o := f.transfer(t, 120000, nil)
	f.deposit(t, o)
	c := f.receipt(t, o.ID)
	srv.DelayNext(tosstest.ReceiptsPath, 10*time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	err := f.pays.SettleCashReceipt(ctx, c.ID)
	cancel()
	if !errors.Is(err, payment.ErrUnknownOutcome) {
		t.Fatalf("settle with the answer lost = %v", err)
	}
	// Meanwhile the order is cancelled and its money sent back in part
	// (a refund of ₩20,000 recorded by hand would do the same): here,
	// the whole order, so the receipt ends cancelled.
	rf, err := f.pays.Cancel(t.Context(), payment.CancelInput{OrderID: o.ID, Actor: order.Customer(o.UserID), Reason: "변심", Account: &shinhan})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.pays.RecordRefundTransfer(t.Context(), f.Staff(t, "s@example.com"), rf.ID, ""); err != nil {
		t.Fatal(err)
	}
	f.runReceipts(t)
	tr := srv.Receipts()
	c = f.receipt(t, o.ID)
	if len(tr) != 1 || tr[0].Issued != 120000 || tr[0].Amount != 0 || len(tr[0].Cancels) != 1 {
		t.Fatalf("Toss receipts = %+v", tr)
	}
	if c.Status != payment.ReceiptCancelled || c.Cancelled != 120000 {
		t.Fatalf("receipt = %+v", c)
	}
}
