package payment_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/testpay"
)

// scripted is a provider whose answers a test sets: it counts every call,
// can hold Confirm for a while (to make concurrent confirms overlap) and
// keeps the refunds it made, so tests see exactly what reached "the
// provider". The real adapters are tested against fakes of the real APIs
// in their own packages; this one tests the service's decisions.
type scripted struct {
	mu          sync.Mutex
	delay       time.Duration
	confirmErr  error
	charged     int64 // 0: the expected amount
	status      payment.Status
	lookup      *payment.Result
	lookupErr   error
	refundErr   error
	event       payment.Event
	eventErr    error
	confirms    atomic.Int32
	lookups     atomic.Int32
	refunds     []payment.RefundRequest
	deposit     *payment.Deposit
	refundDelay time.Duration
	// onConfirm, when set, is called as Confirm begins: a test learns that
	// a confirm claimed its attempt and reached the provider.
	onConfirm func()
}

func (p *scripted) Name() string { return "scripted" }

func (p *scripted) Prepare(_ context.Context, r payment.PrepareRequest) (payment.Prepared, error) {
	return payment.Prepared{ProviderPaymentID: "sp_" + r.Reference, RedirectURL: "https://pay.example/" + r.Reference, Charge: r.Amount}, nil
}

func (p *scripted) Confirm(_ context.Context, r payment.ConfirmRequest) (payment.Result, error) {
	p.confirms.Add(1)
	p.mu.Lock()
	delay, err, charged, st, dep, hook := p.delay, p.confirmErr, p.charged, p.status, p.deposit, p.onConfirm
	p.mu.Unlock()
	if hook != nil {
		hook()
	}
	time.Sleep(delay)
	if err != nil {
		return payment.Result{}, err
	}
	if charged == 0 {
		charged = r.Expected.Total
	}
	if st == "" {
		st = payment.StatusPaid
	}
	return payment.Result{ProviderPaymentID: r.ProviderPaymentID, Status: st, Deposit: dep,
		Charged: payment.Amount{Total: charged, Currency: "KRW"}, Method: "카드"}, nil
}

func (p *scripted) Lookup(context.Context, payment.LookupRequest) (payment.Result, error) {
	p.lookups.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lookupErr != nil {
		return payment.Result{}, p.lookupErr
	}
	if p.lookup == nil {
		return payment.Result{}, payment.ErrNotFound
	}
	return *p.lookup, nil
}

func (p *scripted) Refund(_ context.Context, r payment.RefundRequest) (payment.RefundResult, error) {
	time.Sleep(p.refundDelay)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.refundErr != nil {
		return payment.RefundResult{}, p.refundErr
	}
	p.refunds = append(p.refunds, r)
	return payment.RefundResult{ProviderRefundID: "rf" + strconv.Itoa(len(p.refunds)), Refunded: r.Amount.Total}, nil
}

func (p *scripted) ParseWebhook(context.Context, http.Header, []byte) (payment.Event, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.event, p.eventErr
}

func (p *scripted) refunded() []payment.RefundRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]payment.RefundRequest(nil), p.refunds...)
}

type fixture struct {
	*ordertest.Shop
	tp    *testpay.Provider
	sp    *scripted
	pays  *payment.Service
	audit *audit.Log
	// boss is a staff member who refunds.
	boss order.Actor
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	sh := ordertest.NewShop(t)
	tp, err := testpay.New([]byte("testpay key for the payment tests, 32+ bytes"), func(ref string) string {
		return "http://shop.test/pay/testpay/" + ref
	}, sh.Clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	sp := &scripted{}
	log := audit.New(sh.D, sh.Clock.Now)
	f := &fixture{Shop: sh, tp: tp, sp: sp, audit: log, boss: order.Staff(sh.Staff(t, "boss@example.com"))}
	f.pays = f.payments(log)
	return f
}

// payments is the fixture's payment service with log as its audit log.
func (f *fixture) payments(log payment.Audit) *payment.Service {
	deps := f.PaymentDeps()
	deps.Audit = log
	return payment.NewService(f.D, deps,
		payment.Config{BaseURL: "http://shop.test", Bank: payment.BankAccount{Bank: "말랑은행", Account: "123-456-789", Holder: "(주)말랑"},
			BuyerProtection: "구매안전서비스: 말랑은행 에스크로", ConfirmLease: 5 * time.Second},
		[]payment.Provider{f.tp, f.sp}, f.Clock.Now, slog.New(slog.DiscardHandler))
}

// refusing is an audit log that refuses every entry.
type refusing struct{}

var errRefused = errors.New("audit log refused")

func (refusing) Record(context.Context, db.Querier, audit.Entry) error { return errRefused }

// order places an order of quantity units at price for a new customer.
func (f *fixture) order(t *testing.T, price, quantity int64) (order.Order, int64) {
	t.Helper()
	v := f.Product(t, "말랑 테스트 상품", price, 100)
	return f.PlaceOne(t, v, quantity), v
}

func (f *fixture) status(t *testing.T, id int64) order.Status {
	t.Helper()
	o, err := f.Orders.AdminGet(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o.Status
}

func (f *fixture) start(t *testing.T, o order.Order, method string) payment.Started {
	t.Helper()
	s, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: method})
	if err != nil {
		t.Fatalf("Start(%s): %v", method, err)
	}
	return s
}

func (f *fixture) payWithTestpay(t *testing.T, o order.Order) payment.Attempt {
	t.Helper()
	st := f.start(t, o, testpay.Name)
	a, err := f.pays.Confirm(t.Context(), testpay.Name, st.Attempt.Reference, f.tp.Approve(st.Attempt.Reference, o.Total))
	if err != nil || a.Status != payment.AttemptPaid {
		t.Fatalf("Confirm = %+v, %v", a, err)
	}
	return a
}

func (f *fixture) events(t *testing.T, orderID int64, kind string) []payment.EventRecord {
	t.Helper()
	all, err := f.pays.Events(t.Context(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	var out []payment.EventRecord
	for _, e := range all {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func TestTestpayPaysOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.order(t, 12000, 2)
	st := f.start(t, o, testpay.Name)
	if st.RedirectURL != "http://shop.test/pay/testpay/"+st.Attempt.Reference {
		t.Errorf("RedirectURL = %q", st.RedirectURL)
	}
	q := f.tp.Approve(st.Attempt.Reference, o.Total)
	for range 3 { // the return page refreshed twice
		a, err := f.pays.Confirm(t.Context(), testpay.Name, st.Attempt.Reference, q)
		if err != nil || a.Status != payment.AttemptPaid || a.Amount != o.Total {
			t.Fatalf("Confirm = %+v, %v", a, err)
		}
	}
	if got := f.status(t, o.ID); got != order.Paid {
		t.Fatalf("order is %s", got)
	}
	h, _ := f.Orders.History(t.Context(), o.ID)
	paid := 0
	for _, e := range h {
		if e.To == order.Paid {
			paid++
		}
	}
	if paid != 1 {
		t.Errorf("%d paid entries in the history, want 1", paid)
	}
	if _, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: testpay.Name}); !errors.Is(err, fault.ErrConflict) {
		t.Errorf("Start on a paid order = %v, want ErrConflict", err)
	}
}

// A forged approval (its signature or amount edited in the return URL) is
// declined; an approval for another amount than the order's is the amount
// check's: the payment is given back and the order stays unpaid.
func TestTestpayTampering(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.order(t, 30000, 1)
	st := f.start(t, o, testpay.Name)
	q := f.tp.Approve(st.Attempt.Reference, o.Total)
	q.Set("amount", "100")
	a, err := f.pays.Confirm(t.Context(), testpay.Name, st.Attempt.Reference, q)
	if err != nil || a.Status != payment.AttemptFailed || a.FailureCode != testpay.CodeForged {
		t.Fatalf("forged: %+v, %v", a, err)
	}
	st = f.start(t, o, testpay.Name)
	a, err = f.pays.Confirm(t.Context(), testpay.Name, st.Attempt.Reference, f.tp.Approve(st.Attempt.Reference, 100))
	if err != nil || a.Status != payment.AttemptAmountMismatch {
		t.Fatalf("other amount: %+v, %v", a, err)
	}
	if got := f.status(t, o.ID); got != order.PendingPayment {
		t.Errorf("order is %s", got)
	}
	if ev := f.events(t, o.ID, "give_back"); len(ev) != 1 || ev[0].Outcome != "ok" {
		t.Errorf("give-back events = %+v", ev)
	}
	if ev := f.events(t, o.ID, "amount_mismatch"); len(ev) != 1 {
		t.Errorf("mismatch events = %+v", ev)
	}
	entries, _, err := f.audit.List(t.Context(), audit.Filter{})
	if err != nil || len(entries) != 1 || entries[0].Action != "payment.amount_mismatch" || entries[0].TargetID != strconv.FormatInt(o.ID, 10) {
		t.Errorf("audit entries = %+v, %v", entries, err)
	}
	// The customer can still pay the right amount.
	f.payWithTestpay(t, o)
}

// Twenty confirms of one payment at once call the provider once and move
// the order once.
func TestConcurrentConfirmsCaptureOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.sp.delay = 100 * time.Millisecond
	o, _ := f.order(t, 15000, 1)
	st := f.start(t, o, "scripted")
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			a, err := f.pays.Confirm(t.Context(), "scripted", st.Attempt.Reference, url.Values{})
			if err != nil || a.Status != payment.AttemptPaid {
				t.Errorf("Confirm = %s, %v", a.Status, err)
			}
		})
	}
	wg.Wait()
	if n := f.sp.confirms.Load(); n != 1 {
		t.Errorf("provider confirmed %d times, want 1", n)
	}
	if got := f.status(t, o.ID); got != order.Paid {
		t.Errorf("order is %s", got)
	}
	if ev := f.events(t, o.ID, "confirm"); len(ev) != 1 {
		t.Errorf("confirm events = %d, want 1", len(ev))
	}
}

func TestDeclineAndUnknownOutcome(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.order(t, 15000, 1)
	f.sp.confirmErr = &payment.Declined{Code: "REJECT_CARD_COMPANY", Message: "한도 초과"}
	st := f.start(t, o, "scripted")
	a, err := f.pays.Confirm(t.Context(), "scripted", st.Attempt.Reference, nil)
	if err != nil || a.Status != payment.AttemptFailed || a.FailureCode != "REJECT_CARD_COMPANY" || a.FailureMessage != "한도 초과" {
		t.Fatalf("declined: %+v, %v", a, err)
	}
	// A timeout, and the provider cannot be asked either: the attempt
	// waits, unpaid, for a later look-up.
	f.sp.confirmErr = errors.Join(payment.ErrUnknownOutcome, context.DeadlineExceeded)
	f.sp.lookupErr = payment.ErrUnknownOutcome
	st = f.start(t, o, "scripted")
	a, err = f.pays.Confirm(t.Context(), "scripted", st.Attempt.Reference, nil)
	if err != nil || a.Status != payment.AttemptPending {
		t.Fatalf("unknown: %+v, %v", a, err)
	}
	if got := f.status(t, o.ID); got != order.PendingPayment {
		t.Errorf("order is %s", got)
	}
	// The provider had taken the money: reconciliation finds it.
	f.sp.mu.Lock()
	f.sp.lookupErr = nil
	f.sp.lookup = &payment.Result{ProviderPaymentID: st.Attempt.ProviderPaymentID, Status: payment.StatusPaid,
		Charged: payment.Amount{Total: o.Total, Currency: "KRW"}}
	f.sp.mu.Unlock()
	f.Clock.Advance(5 * time.Minute)
	if n, err := f.pays.Reconcile(t.Context()); err != nil || n != 1 {
		t.Fatalf("Reconcile = %d, %v", n, err)
	}
	if got := f.status(t, o.ID); got != order.Paid {
		t.Errorf("order is %s after reconciling", got)
	}
}

// A payment that arrives for an order cancelled meanwhile, or for an order
// another attempt paid already, is given back at the provider.
func TestUnusablePaymentsAreGivenBack(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.order(t, 20000, 1)
	first := f.start(t, o, "scripted")
	second := f.start(t, o, "scripted")
	if a, err := f.pays.Confirm(t.Context(), "scripted", first.Attempt.Reference, nil); err != nil || a.Status != payment.AttemptPaid {
		t.Fatalf("first: %+v, %v", a, err)
	}
	a, err := f.pays.Confirm(t.Context(), "scripted", second.Attempt.Reference, nil)
	if err != nil || a.Status != payment.AttemptCancelled || a.FailureCode != "DUPLICATE_PAYMENT" {
		t.Fatalf("second: %+v, %v", a, err)
	}
	if r := f.sp.refunded(); len(r) != 1 || r[0].Amount.Total != o.Total || !r[0].Full {
		t.Fatalf("refunds = %+v", r)
	}

	late, _ := f.order(t, 9000, 1)
	st := f.start(t, late, "scripted")
	f.Clock.Advance(time.Hour)
	if n, err := f.Orders.ExpireUnpaid(t.Context(), 0); err != nil || n == 0 {
		t.Fatalf("ExpireUnpaid = %d, %v", n, err)
	}
	a, err = f.pays.Confirm(t.Context(), "scripted", st.Attempt.Reference, nil)
	if err != nil || a.Status != payment.AttemptCancelled || a.FailureCode != "ORDER_CANCELLED" {
		t.Fatalf("late: %+v, %v", a, err)
	}
	if r := f.sp.refunded(); len(r) != 2 || r[1].Amount.Total != late.Total {
		t.Fatalf("refunds = %+v", r)
	}
	if got := f.status(t, late.ID); got != order.Cancelled {
		t.Errorf("late order is %s", got)
	}
}

func TestBankTransfer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.order(t, 60000, 2) // 120,000 won: a cash receipt is due by law
	st, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: payment.BankTransfer, Depositor: "김말랑"})
	if err != nil {
		t.Fatal(err)
	}
	a := st.Attempt
	if a.Status != payment.AttemptAwaitingDeposit || a.Deposit == nil || a.Deposit.Account != "123-456-789" ||
		a.Deposit.Depositor != "김말랑" || a.Deposit.Notice == "" || !a.Deposit.Due.Equal(f.Clock.Now().UTC().Add(72*time.Hour).Truncate(time.Microsecond)) {
		t.Fatalf("attempt = %+v (%+v)", a, a.Deposit)
	}
	if got := f.status(t, o.ID); got != order.AwaitingDeposit {
		t.Fatalf("order is %s", got)
	}
	// A repeated submission returns the same transfer.
	again, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: payment.BankTransfer})
	if err != nil || again.Attempt.ID != a.ID {
		t.Fatalf("again = %+v, %v", again.Attempt, err)
	}
	rc, err := f.pays.CashReceiptOf(t.Context(), o.ID)
	if err != nil || rc.Requested || rc.Identity != payment.SelfIssueNumber || rc.Amount != o.Total {
		t.Fatalf("cash receipt = %+v, %v", rc, err)
	}
	if pending, err := f.pays.PendingCashReceipts(t.Context(), 10); err != nil || len(pending) != 0 {
		t.Fatalf("receipts due before payment = %+v, %v", pending, err)
	}
	// The order expires after the 30-minute payment window? No: a transfer
	// waits until its own deadline.
	f.Clock.Advance(time.Hour)
	if n, _ := f.Orders.ExpireUnpaid(t.Context(), 0); n != 0 {
		t.Fatalf("expired %d before the transfer deadline", n)
	}
	// The confirmation and its audit entry commit together: an audit log
	// that refuses the entry undoes everything.
	staff := f.Staff(t, "orders@example.com")
	if _, err := f.payments(refusing{}).ConfirmDeposit(t.Context(), staff, o.ID, "김말랑"); !errors.Is(err, errRefused) ||
		f.status(t, o.ID) != order.AwaitingDeposit {
		t.Fatalf("ConfirmDeposit with the audit log refusing = %v; order %s", err, f.status(t, o.ID))
	}
	if _, err := f.pays.ConfirmDeposit(t.Context(), staff, o.ID, "김말랑"); err != nil {
		t.Fatal(err)
	}
	if got := f.status(t, o.ID); got != order.Paid {
		t.Fatalf("order is %s", got)
	}
	es := audittest.Entries(t, f.D, "payment.deposit_confirmed")
	if len(es) != 1 || es[0].ActorID != staff.UserID || es[0].ActorEmail != staff.Email || es[0].TargetType != "order" ||
		es[0].TargetID != strconv.FormatInt(o.ID, 10) || es[0].Detail["number"] != o.Number ||
		fmt.Sprint(es[0].Detail["attempt_id"]) != strconv.FormatInt(a.ID, 10) || fmt.Sprint(es[0].Detail["amount"]) != strconv.FormatInt(o.Total, 10) {
		t.Fatalf("deposit entries = %+v", es)
	}
	// A second confirmation (a second click) is told so, as a conflict.
	if _, err := f.pays.ConfirmDeposit(t.Context(), staff, o.ID, ""); !errors.Is(err, payment.ErrDepositConfirmed) ||
		!errors.Is(err, fault.ErrConflict) {
		t.Errorf("second ConfirmDeposit = %v, want ErrDepositConfirmed", err)
	}
	pending, err := f.pays.PendingCashReceipts(t.Context(), 10)
	if err != nil || len(pending) != 1 {
		t.Fatalf("receipts due = %+v, %v", pending, err)
	}
	err = f.payments(refusing{}).MarkCashReceiptIssued(t.Context(), staff, pending[0].ID, "H-2026-0001")
	if again, perr := f.pays.PendingCashReceipts(t.Context(), 10); !errors.Is(err, errRefused) || perr != nil || len(again) != 1 {
		t.Fatalf("MarkCashReceiptIssued with the audit log refusing = %v; still due %d, %v", err, len(again), perr)
	}
	if err := f.pays.MarkCashReceiptIssued(t.Context(), staff, pending[0].ID, "H-2026-0001"); err != nil {
		t.Fatal(err)
	}
	if again, err := f.pays.PendingCashReceipts(t.Context(), 10); err != nil || len(again) != 0 {
		t.Fatalf("receipts due after issuing = %+v, %v", again, err)
	}
	if err := f.pays.MarkCashReceiptIssued(t.Context(), staff, pending[0].ID, "H-2026-0002"); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("issuing again = %v", err)
	}
	es = audittest.Entries(t, f.D, "")
	if len(es) != 2 || es[0].Action != "cash_receipt.issued" || es[0].TargetID != strconv.FormatInt(pending[0].ID, 10) ||
		es[0].Detail["issue_number"] != "H-2026-0001" || es[0].Detail["number"] != o.Number ||
		fmt.Sprint(es[0].Detail["order_id"]) != strconv.FormatInt(o.ID, 10) {
		t.Fatalf("entries = %+v", es)
	}

	// A transfer never made: the order is cancelled at the deadline and the
	// attempt closed.
	late, _ := f.order(t, 5000, 1)
	if _, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: late.ID, UserID: late.UserID, Method: payment.BankTransfer,
		CashReceipt: &payment.CashReceiptRequest{Purpose: payment.ExpenseProof, Identity: "124-81-00998"}}); err != nil {
		t.Fatal(err)
	}
	rc, err = f.pays.CashReceiptOf(t.Context(), late.ID)
	if err != nil || !rc.Requested || rc.Identity != "1248100998" {
		t.Fatalf("requested receipt = %+v, %v", rc, err)
	}
	f.Clock.Advance(73 * time.Hour)
	if n, err := f.Orders.ExpireUnpaid(t.Context(), 0); err != nil || n != 1 {
		t.Fatalf("ExpireUnpaid = %d, %v", n, err)
	}
	if _, err := f.pays.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	as, _ := f.pays.Attempts(t.Context(), late.ID)
	if len(as) != 1 || as[0].Status != payment.AttemptFailed || as[0].FailureCode != "ORDER_CANCELLED" {
		t.Errorf("attempts = %+v", as)
	}
	if _, err := f.pays.ConfirmDeposit(t.Context(), staff, late.ID, ""); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("deposit after expiry = %v", err)
	}
}

func TestBankTransferInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.order(t, 5000, 1)
	cases := []struct {
		name  string
		in    payment.StartInput
		field string
	}{
		{"method", payment.StartInput{Method: "bitcoin"}, "payment_method"},
		{"depositor", payment.StartInput{Method: payment.BankTransfer, Depositor: string(make([]rune, 31))}, "depositor"},
		{"purpose", payment.StartInput{Method: payment.BankTransfer, CashReceipt: &payment.CashReceiptRequest{Purpose: "gift", Identity: "01012345678"}}, "cash_receipt_purpose"},
		{"phone", payment.StartInput{Method: payment.BankTransfer, CashReceipt: &payment.CashReceiptRequest{Purpose: payment.IncomeDeduction, Identity: "0212345678"}}, "cash_receipt_identity"},
		{"business", payment.StartInput{Method: payment.BankTransfer, CashReceipt: &payment.CashReceiptRequest{Purpose: payment.ExpenseProof, Identity: "1248100999"}}, "cash_receipt_identity"},
		{"letters", payment.StartInput{Method: payment.BankTransfer, CashReceipt: &payment.CashReceiptRequest{Purpose: payment.IncomeDeduction, Identity: "010-abcd-5678"}}, "cash_receipt_identity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.OrderID, c.in.UserID = o.ID, o.UserID
			_, err := f.pays.Start(t.Context(), c.in)
			inv, ok := fault.AsInvalid(err)
			if !ok || inv.Fields[c.field] == "" {
				t.Fatalf("err = %v, want invalid %s", err, c.field)
			}
		})
	}
	if got := f.status(t, o.ID); got != order.PendingPayment {
		t.Errorf("order is %s after refused input", got)
	}
	if as, _ := f.pays.Attempts(t.Context(), o.ID); len(as) != 0 {
		t.Errorf("refused input left attempts: %+v", as)
	}
	other, _ := f.order(t, 5000, 1)
	if _, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: other.ID, UserID: o.UserID, Method: testpay.Name}); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("another customer's order = %v, want ErrNotFound", err)
	}
}

func TestValidBusinessNumber(t *testing.T) {
	t.Parallel()
	for n, want := range map[string]bool{
		"1248100998": true,  // 삼성전자
		"2208162517": true,  // 네이버
		"1248100999": false, // check digit off by one
		"124810099":  false,
		"12481009a8": false,
		"":           false,
	} {
		if got := payment.ValidBusinessNumber(n); got != want {
			t.Errorf("ValidBusinessNumber(%q) = %v, want %v", n, got, want)
		}
	}
}

// Refunding one line gives back its share; refunding the rest gives back
// what is left of the payment, and the order ends refunded. Nothing is
// refunded twice.
func TestPartialThenWholeRefund(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.Product(t, "말랑 머그", 7000, 10)
	b := f.Product(t, "말랑 컵받침", 3000, 10)
	f.SetTaxFree(t, b) // VAT-exempt: its share is sent as the tax-free part
	u := f.Customer(t, "refund@example.com")
	f.Add(t, u, a, 1)
	f.Add(t, u, b, 1)
	o, err := f.Place(t.Context(), order.PlaceInput{UserID: u, IdempotencyKey: "r1", AddressID: f.Address(t, u),
		PaymentMethod: "scripted", Channel: order.PCWeb})
	if err != nil {
		t.Fatal(err)
	}
	// 10,000 won of goods and 3,000 shipping.
	if o.Total != 13000 || o.TaxFree != 3000 {
		t.Fatalf("total = %d, tax-free = %d", o.Total, o.TaxFree)
	}
	st := f.start(t, o, "scripted")
	if _, err := f.pays.Confirm(t.Context(), "scripted", st.Attempt.Reference, nil); err != nil {
		t.Fatal(err)
	}
	rf, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, LineIDs: []int64{o.Lines[1].ID},
		Reason: "파손", Actor: f.boss})
	if err != nil {
		t.Fatal(err)
	}
	// The line's share: 3,000 × 13,000 / 13,000.
	if rf.Amount != 3000 || rf.Status != "done" {
		t.Fatalf("refund = %+v", rf)
	}
	if got := f.status(t, o.ID); got != order.PartiallyRefunded {
		t.Fatalf("order is %s", got)
	}
	if got := f.Stock(t, b); got != 10 {
		t.Errorf("stock of the refunded line = %d, want 10", got)
	}
	if _, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, LineIDs: []int64{o.Lines[1].ID},
		Reason: "다시", Actor: f.boss}); err == nil {
		t.Fatal("refunding a refunded line again succeeded")
	}
	rf, err = f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, Reason: "전체 환불", Actor: f.boss})
	if err != nil {
		t.Fatal(err)
	}
	if rf.Amount != 10000 {
		t.Errorf("last refund = %d, want 10000 (the rest, with shipping)", rf.Amount)
	}
	if got := f.status(t, o.ID); got != order.Refunded {
		t.Errorf("order is %s", got)
	}
	as, _ := f.pays.Attempts(t.Context(), o.ID)
	if as[0].Status != payment.AttemptRefunded || as[0].Refunded != 13000 {
		t.Errorf("attempt = %+v", as[0])
	}
	if as[0].TaxFree != 3000 {
		t.Errorf("attempt's tax-free part = %d, want 3000", as[0].TaxFree)
	}
	if r := f.sp.refunded(); len(r) != 2 || r[0].Amount.Total != 3000 || r[0].Amount.TaxFree != 3000 ||
		r[1].Amount.Total != 10000 || r[1].Amount.TaxFree != 0 || !r[1].Full || r[1].Balance != 10000 {
		t.Errorf("provider refunds = %+v", r)
	}
	if _, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, Reason: "또", Actor: f.boss}); !errors.Is(err, fault.ErrConflict) {
		t.Errorf("refund of a refunded order = %v, want ErrConflict", err)
	}
}

// Concurrent requests to refund the same order refund it once; a refusal
// by the provider undoes the claim so the refund can be asked again.
func TestConcurrentRefundsRefundOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, v := f.order(t, 25000, 2)
	st := f.start(t, o, "scripted")
	if _, err := f.pays.Confirm(t.Context(), "scripted", st.Attempt.Reference, nil); err != nil {
		t.Fatal(err)
	}
	f.sp.refundErr = &payment.Declined{Code: "NOT_CANCELABLE_PAYMENT", Message: "취소할 수 없는 결제"}
	_, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, Reason: "고객 요청", Actor: f.boss})
	if _, ok := payment.AsDeclined(err); !ok {
		t.Fatalf("declined refund = %v", err)
	}
	f.sp.mu.Lock()
	f.sp.refundErr = nil
	f.sp.refundDelay = 50 * time.Millisecond
	f.sp.mu.Unlock()
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			_, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, Reason: "고객 요청", Actor: f.boss})
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, fault.ErrConflict):
			default:
				if _, inv := fault.AsInvalid(err); !inv {
					t.Errorf("Refund = %v", err)
				}
			}
		})
	}
	wg.Wait()
	if ok.Load() != 1 || len(f.sp.refunded()) != 1 {
		t.Fatalf("%d refunds succeeded, %d reached the provider; want 1 and 1", ok.Load(), len(f.sp.refunded()))
	}
	// Paid and not shipped: a whole refund is a cancellation.
	if got := f.status(t, o.ID); got != order.Cancelled {
		t.Errorf("order is %s", got)
	}
	if got := f.Stock(t, v); got != 100 {
		t.Errorf("stock = %d, want 100", got)
	}
}

func TestCustomerCancelsPaidOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, v := f.order(t, 8000, 3)
	f.payWithTestpay(t, o)
	if _, err := f.pays.Cancel(t.Context(), payment.CancelInput{OrderID: o.ID, Actor: order.Customer(o.UserID + 1000), Reason: "변심"}); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("another customer's cancel = %v", err)
	}
	got, err := f.pays.Cancel(t.Context(), payment.CancelInput{OrderID: o.ID, Actor: order.Customer(o.UserID), Reason: "변심"})
	if err != nil || got.Status != order.Cancelled {
		t.Fatalf("Cancel = %s, %v", got.Status, err)
	}
	if s := f.Stock(t, v); s != 100 {
		t.Errorf("stock = %d", s)
	}
	rs, _ := f.pays.Refunds(t.Context(), o.ID)
	if len(rs) != 1 || rs[0].Amount != o.Total || rs[0].Status != "done" || !rs[0].Cancel {
		t.Errorf("refunds = %+v", rs)
	}
	// An order waiting for its transfer is cancelled without a refund, and
	// the transfer is no longer expected.
	o2, _ := f.order(t, 8000, 1)
	if _, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: o2.ID, UserID: o2.UserID, Method: payment.BankTransfer}); err != nil {
		t.Fatal(err)
	}
	if got, err := f.pays.Cancel(t.Context(), payment.CancelInput{OrderID: o2.ID, Actor: order.Customer(o2.UserID), Reason: ""}); err != nil || got.Status != order.Cancelled {
		t.Fatalf("Cancel unpaid = %s, %v", got.Status, err)
	}
	if as, _ := f.pays.Attempts(t.Context(), o2.ID); len(as) != 1 || as[0].Status != payment.AttemptFailed || as[0].FailureCode != "ORDER_CANCELLED" {
		t.Errorf("the transfer of the cancelled order = %+v", as)
	}
	if _, err := f.pays.ConfirmDeposit(t.Context(), audit.Actor{UserID: 1}, o2.ID, ""); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("deposit confirmed on a cancelled order: %v", err)
	}
}

func TestWebhookSettlesThroughLookup(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.order(t, 11000, 1)
	f.sp.status = payment.StatusAwaitingDeposit
	f.sp.deposit = &payment.Deposit{Bank: "88", Account: "X1234", Holder: "말랑", Secret: "s3cret"}
	st := f.start(t, o, "scripted")
	a, err := f.pays.Confirm(t.Context(), "scripted", st.Attempt.Reference, nil)
	if err != nil || a.Status != payment.AttemptAwaitingDeposit || a.Deposit == nil || a.Deposit.Account != "X1234" {
		t.Fatalf("virtual account: %+v, %v", a, err)
	}
	if got := f.status(t, o.ID); got != order.AwaitingDeposit {
		t.Fatalf("order is %s", got)
	}
	// A deposit notification with the wrong secret is refused.
	f.sp.event = payment.Event{Type: "DEPOSIT_CALLBACK", Reference: a.Reference, DepositSecret: "guess"}
	if err := f.pays.Webhook(t.Context(), "scripted", nil, []byte(`{}`)); !errors.Is(err, payment.ErrUnverified) {
		t.Fatalf("wrong secret = %v", err)
	}
	if got := f.status(t, o.ID); got != order.AwaitingDeposit {
		t.Fatalf("order is %s after a forged notification", got)
	}
	// The real one: the service looks the payment up and acts on that.
	f.sp.mu.Lock()
	f.sp.event.DepositSecret = "s3cret"
	f.sp.lookup = &payment.Result{ProviderPaymentID: a.ProviderPaymentID, Status: payment.StatusPaid,
		Charged: payment.Amount{Total: o.Total, Currency: "KRW"}}
	f.sp.mu.Unlock()
	for range 2 { // delivered twice
		if err := f.pays.Webhook(t.Context(), "scripted", nil, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	// The provider is answered before anything is settled: a job syncs the
	// payment for each notification.
	if got := f.status(t, o.ID); got != order.AwaitingDeposit {
		t.Fatalf("order is %s before the sync jobs ran", got)
	}
	if got := f.Syncs.Enqueued(); len(got) != 2 || got[0] != a.ID || got[1] != a.ID {
		t.Fatalf("syncs enqueued = %v, want attempt %d twice", got, a.ID)
	}
	if err := f.Syncs.Run(t.Context(), f.pays); err != nil {
		t.Fatal(err)
	}
	if got := f.status(t, o.ID); got != order.Paid {
		t.Fatalf("order is %s", got)
	}
	if n := f.sp.lookups.Load(); n != 1 {
		t.Errorf("looked up %d times, want 1 (the second webhook finds it settled)", n)
	}
	// Unknown payments and unhandled events are accepted and ignored.
	f.sp.mu.Lock()
	f.sp.event = payment.Event{Type: "PAYMENT_STATUS_CHANGED", Reference: "nope-123456"}
	f.sp.mu.Unlock()
	if err := f.pays.Webhook(t.Context(), "scripted", nil, nil); err != nil {
		t.Errorf("unknown payment = %v", err)
	}
	if err := f.pays.Webhook(t.Context(), testpay.Name, nil, nil); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("provider without webhooks = %v", err)
	}
}

// A points-only order needs no payment: refunding it gives the points back.
func TestRefundPointsOnlyOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v := f.Product(t, "말랑 쿠션", 25000, 10)
	u := f.Customer(t, "points@example.com")
	f.Give(t, u, 60000)
	f.Add(t, u, v, 2) // 50,000 won: shipping is free
	o, err := f.Place(t.Context(), order.PlaceInput{UserID: u, IdempotencyKey: "p1", AddressID: f.Address(t, u),
		PointsToUse: 50000, Channel: order.PCWeb})
	if err != nil || o.Status != order.Paid || o.Total != 0 {
		t.Fatalf("Place = %+v, %v", o, err)
	}
	if _, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, Reason: "품절", Actor: f.boss}); err != nil {
		t.Fatal(err)
	}
	if got := f.status(t, o.ID); got != order.Cancelled {
		t.Errorf("order is %s", got)
	}
	bal, err := f.Points.Balance(t.Context(), u)
	if err != nil || bal != 60000 {
		t.Errorf("balance = %d, %v", bal, err)
	}
}

// A refund mails the customer what came back.
func TestRefundMailsCustomer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pays := payment.NewService(f.D, f.PaymentDeps(),
		payment.Config{BaseURL: "https://shop.example"}, []payment.Provider{f.sp}, f.Clock.Now, slog.New(slog.DiscardHandler))
	o, _ := f.order(t, 21000, 1)
	st, err := pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: "scripted"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pays.Confirm(t.Context(), "scripted", st.Attempt.Reference, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, Reason: "품절", Actor: f.boss}); err != nil {
		t.Fatal(err)
	}
	// The order's placing, the payment's confirmation and the refund, one
	// each (the refund's mail also tells of the cancellation a whole refund
	// before shipping makes).
	mails, err := f.Outbox.List(t.Context(), 10, 0)
	var refunds []notify.Mail
	seen := map[string]int{}
	for _, m := range mails {
		for _, s := range []string{"접수되었습니다", "결제가 완료되었습니다", "취소", "환불이 완료되었습니다"} {
			if strings.Contains(m.Subject, s) {
				seen[s]++
			}
		}
		if strings.Contains(m.Subject, "환불") {
			refunds = append(refunds, m)
		}
	}
	if err != nil || len(mails) != 3 || len(refunds) != 1 || seen["결제가 완료되었습니다"] != 1 || seen["접수되었습니다"] != 1 {
		t.Fatalf("mails = %+v, %v", mails, err)
	}
	m := refunds[0]
	if !strings.Contains(m.Subject, o.Number) || !strings.Contains(m.Text, "₩24,000") ||
		!strings.Contains(m.Text, "https://shop.example/account/orders/"+o.Number) || !strings.HasPrefix(m.To, "buyer") {
		t.Errorf("mail to %s: %s\n%s", m.To, m.Subject, m.Text)
	}
}

// The encrypted payment columns rotate to a new key and still open.
func TestPaymentColumnsRotate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.order(t, 5000, 1)
	if _, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: payment.BankTransfer,
		CashReceipt: &payment.CashReceiptRequest{Purpose: payment.IncomeDeduction, Identity: "010-9876-5432"}}); err != nil {
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
	if err != nil || st.Rotated != 1 {
		t.Fatalf("Rotate = %+v, %v", st, err)
	}
	deps := f.PaymentDeps()
	deps.Keyring = kr
	rotated := payment.NewService(f.D, deps, payment.Config{}, nil, f.Clock.Now, slog.New(slog.DiscardHandler))
	rc, err := rotated.CashReceiptOf(t.Context(), o.ID)
	if err != nil || rc.Identity != "01098765432" {
		t.Fatalf("after rotation: %+v, %v", rc, err)
	}
}

// A payment service without a dependency is a wiring mistake: NewService
// refuses it, naming what is missing.
func TestNewServiceNamesMissingDeps(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	deps := f.PaymentDeps()
	deps.Queue, deps.Mailer = nil, nil
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "Queue") || !strings.Contains(msg, "Mailer") || strings.Contains(msg, "Orders") {
			t.Errorf("panic = %q, want Queue and Mailer named", msg)
		}
	}()
	payment.NewService(f.D, deps, payment.Config{}, nil, f.Clock.Now, slog.New(slog.DiscardHandler))
}
