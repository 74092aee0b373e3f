package payment_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/testpay"
)

// injected is the message of the database errors refuse causes.
const injected = "injected fault"

var refusals atomic.Int64

// refuse makes the database fail, with the message injected, every
// statement that does op ("INSERT" or "UPDATE") to a row of table for which
// when holds: a condition on NEW (and OLD, for an update) that both engines
// accept. It is a trigger, so the statement fails as a broken disk or a
// lost connection would, inside whatever transaction runs it.
func refuse(t *testing.T, d *db.DB, table, op, when string) {
	t.Helper()
	name := fmt.Sprintf("refuse_%d", refusals.Add(1))
	var stmts []string
	switch d.Dialect.Engine {
	case db.SQLite:
		stmts = []string{`CREATE TRIGGER ` + name + ` BEFORE ` + op + ` ON ` + table + ` FOR EACH ROW WHEN ` + when +
			` BEGIN SELECT RAISE(ABORT, '` + injected + `'); END`}
	case db.Postgres:
		stmts = []string{`CREATE FUNCTION ` + name + `() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION '` + injected + `'; END $$`,
			`CREATE TRIGGER ` + name + ` BEFORE ` + op + ` ON ` + table + ` FOR EACH ROW WHEN (` + when + `)
			EXECUTE FUNCTION ` + name + `()`}
	default:
		t.Fatalf("refuse: engine %s", d.Dialect.Engine)
	}
	for _, s := range stmts {
		if _, err := d.Write().ExecContext(t.Context(), s); err != nil {
			t.Fatalf("refuse: %v", err)
		}
	}
}

// bare is the scripted provider under another name, whose Prepare gives
// no payment id (the provider assigns it at confirm, as PayPal's does not)
// or fails with prepareErr.
type bare struct {
	*scripted
	prepareErr error
}

func (p *bare) Name() string { return "bare" }

func (p *bare) Prepare(_ context.Context, r payment.PrepareRequest) (payment.Prepared, error) {
	if p.prepareErr != nil {
		return payment.Prepared{}, p.prepareErr
	}
	return payment.Prepared{RedirectURL: "https://pay.example/" + r.Reference, Charge: r.Amount}, nil
}

func (p *bare) Confirm(ctx context.Context, r payment.ConfirmRequest) (payment.Result, error) {
	res, err := p.scripted.Confirm(ctx, r)
	if err == nil && res.ProviderPaymentID == "" {
		res.ProviderPaymentID = "bare_" + r.Reference
	}
	return res, err
}

// scene is one order being paid, with both scripted providers enabled.
type scene struct {
	*fixture
	bare *bare
	o    order.Order
	ref  string // the attempt acted on
}

func newScene(t *testing.T) *scene {
	t.Helper()
	f := newFixture(t)
	b := &bare{scripted: &scripted{}}
	deps := f.PaymentDeps()
	deps.Audit = f.audit
	f.pays = payment.NewService(f.D, deps,
		payment.Config{BaseURL: "http://shop.test", Bank: payment.BankAccount{Bank: "말랑은행", Account: "123-456-789", Holder: "(주)말랑"},
			ConfirmLease: 5 * time.Second},
		[]payment.Provider{f.tp, f.sp, b}, f.Clock.Now, slog.New(slog.DiscardHandler))
	o, _ := f.order(t, 15000, 1)
	return &scene{fixture: f, bare: b, o: o}
}

// begin starts paying the order with provider and keeps the attempt.
func (s *scene) begin(t *testing.T, provider string) payment.Attempt {
	t.Helper()
	a := s.start(t, s.o, provider).Attempt
	s.ref = a.Reference
	return a
}

// pay pays the order through the scripted provider.
func (s *scene) pay(t *testing.T) {
	t.Helper()
	s.begin(t, "scripted")
	if a, err := s.pays.Confirm(t.Context(), "scripted", s.ref, nil); err != nil || a.Status != payment.AttemptPaid {
		t.Fatalf("Confirm = %+v, %v", a, err)
	}
}

func (s *scene) attempt(t *testing.T) payment.Attempt {
	t.Helper()
	a, err := s.pays.ByReference(t.Context(), s.ref)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// expire cancels the order for want of payment, as the job does.
func (s *scene) expire(t *testing.T) {
	t.Helper()
	s.Clock.Advance(time.Hour)
	if n, err := s.Orders.ExpireUnpaid(t.Context(), 0); err != nil || n == 0 {
		t.Fatalf("ExpireUnpaid = %d, %v", n, err)
	}
}

func (s *scene) wantStatus(t *testing.T, want payment.AttemptStatus) {
	t.Helper()
	if a := s.attempt(t); a.Status != want {
		t.Errorf("attempt is %s, want %s", a.Status, want)
	}
}

func (s *scene) wantRefunds(t *testing.T, want int) {
	t.Helper()
	if got := len(s.sp.refunded()); got != want {
		t.Errorf("%d refunds at the provider, want %d", got, want)
	}
}

func wantDeclined(t *testing.T, err error) {
	t.Helper()
	if _, ok := payment.AsDeclined(err); !ok {
		t.Errorf("the provider's decline is lost: %v", err)
	}
}

// Every write of a payment's status, or of the event or alert that goes
// with it, returns its error to the caller: a caller never gets nil while
// the attempt keeps a status the provider's answer no longer supports, and
// the provider's own error (a decline, an unknown outcome) stays reachable.
func TestStatusWriteErrorsReachTheCaller(t *testing.T) {
	t.Parallel()
	declined := &payment.Declined{Code: "REJECT_CARD_COMPANY", Message: "한도 초과"}
	unknown := errors.Join(payment.ErrUnknownOutcome, context.DeadlineExceeded)
	tests := []struct {
		name string
		// act sets the scene, makes the database refuse a write and calls
		// the service.
		act   func(t *testing.T, s *scene) error
		check func(t *testing.T, s *scene, err error)
		// faults is how many injected errors err reports.
		faults int
	}{
		{
			name: "failure of a declined preparation",
			act: func(t *testing.T, s *scene) error {
				refuse(t, s.D, "payment_attempts", "UPDATE", "NEW.status = 'failed'")
				s.bare.prepareErr = declined
				_, err := s.pays.Start(t.Context(), payment.StartInput{OrderID: s.o.ID, UserID: s.o.UserID, Method: "bare"})
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				wantDeclined(t, err)
				as, aerr := s.pays.Attempts(t.Context(), s.o.ID)
				if aerr != nil || len(as) != 1 || as[0].Status != payment.AttemptPrepared {
					t.Errorf("attempts = %+v, %v; want one prepared", as, aerr)
				}
			},
		},
		{
			name: "failure of a declined confirm",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				refuse(t, s.D, "payment_attempts", "UPDATE", "NEW.status = 'failed'")
				s.sp.confirmErr = declined
				_, err := s.pays.Confirm(t.Context(), "scripted", s.ref, nil)
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				wantDeclined(t, err)
				s.wantStatus(t, payment.AttemptConfirming)
			},
		},
		{
			name: "failure the look-up reports",
			act: func(t *testing.T, s *scene) error {
				a := s.begin(t, "scripted")
				refuse(t, s.D, "payment_attempts", "UPDATE", "NEW.status = 'failed'")
				s.sp.lookup = &payment.Result{Status: payment.StatusFailed, FailureCode: "EXPIRED", FailureMessage: "시간 초과"}
				_, err := s.pays.Sync(t.Context(), a.ID)
				return err
			},
			check: func(t *testing.T, s *scene, err error) { s.wantStatus(t, payment.AttemptPrepared) },
		},
		{
			name: "cancellation the look-up reports",
			act: func(t *testing.T, s *scene) error {
				a := s.begin(t, "scripted")
				refuse(t, s.D, "payment_attempts", "UPDATE", "NEW.status = 'cancelled'")
				s.sp.lookup = &payment.Result{Status: payment.StatusCancelled}
				_, err := s.pays.Sync(t.Context(), a.ID)
				return err
			},
			check: func(t *testing.T, s *scene, err error) { s.wantStatus(t, payment.AttemptPrepared) },
		},
		{
			name: "release of a pending confirm",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				refuse(t, s.D, "payment_attempts", "UPDATE", "NEW.status = 'pending'")
				s.sp.status = payment.StatusPending
				_, err := s.pays.Confirm(t.Context(), "scripted", s.ref, nil)
				return err
			},
			check: func(t *testing.T, s *scene, err error) { s.wantStatus(t, payment.AttemptConfirming) },
		},
		{
			name: "release of an unknown outcome",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				refuse(t, s.D, "payment_attempts", "UPDATE", "NEW.status = 'pending'")
				s.sp.confirmErr, s.sp.lookupErr = unknown, payment.ErrUnknownOutcome
				_, err := s.pays.Confirm(t.Context(), "scripted", s.ref, nil)
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				if !errors.Is(err, payment.ErrUnknownOutcome) {
					t.Errorf("the unknown outcome is lost: %v", err)
				}
				s.wantStatus(t, payment.AttemptConfirming)
			},
		},
		{
			name: "event of an unknown outcome the look-up then settles",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				refuse(t, s.D, "payment_events", "INSERT", "NEW.outcome = 'unknown'")
				s.sp.confirmErr = unknown
				s.sp.lookup = &payment.Result{Status: payment.StatusPaid, Charged: payment.Amount{Total: s.o.Total, Currency: "KRW"}}
				_, err := s.pays.Confirm(t.Context(), "scripted", s.ref, nil)
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				// The look-up's answer is acted on all the same.
				s.wantStatus(t, payment.AttemptPaid)
				if got := s.status(t, s.o.ID); got != order.Paid {
					t.Errorf("order is %s", got)
				}
			},
		},
		{
			name: "mark of an amount mismatch",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				refuse(t, s.D, "payment_attempts", "UPDATE", "NEW.status = 'amount_mismatch'")
				s.sp.charged = 100
				_, err := s.pays.Confirm(t.Context(), "scripted", s.ref, nil)
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				// Nothing is given back before the attempt says why; the
				// next look-up finds the payment again.
				s.wantStatus(t, payment.AttemptConfirming)
				s.wantRefunds(t, 0)
			},
		},
		{
			name: "provider's id of an amount mismatch",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "bare")
				refuse(t, s.D, "payment_attempts", "UPDATE", "OLD.provider_payment_id IS NULL AND NEW.provider_payment_id IS NOT NULL")
				s.bare.charged = 100
				_, err := s.pays.Confirm(t.Context(), "bare", s.ref, nil)
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				s.wantStatus(t, payment.AttemptConfirming)
				if n := len(s.bare.refunded()); n != 0 {
					t.Errorf("%d refunds at the provider, want 0", n)
				}
			},
		},
		{
			name: "alert of an amount mismatch",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				refuse(t, s.D, "audit_log", "INSERT", "NEW.action = 'payment.amount_mismatch'")
				s.sp.charged = 100
				_, err := s.pays.Confirm(t.Context(), "scripted", s.ref, nil)
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				s.wantStatus(t, payment.AttemptConfirming)
				s.wantRefunds(t, 0)
			},
		},
		{
			name: "mark of a payment given back",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				s.expire(t)
				refuse(t, s.D, "payment_attempts", "UPDATE", "NEW.status = 'cancelled'")
				_, err := s.pays.Confirm(t.Context(), "scripted", s.ref, nil)
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				s.wantStatus(t, payment.AttemptConfirming)
				s.wantRefunds(t, 0)
			},
		},
		{
			name: "event of a payment given back",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				s.expire(t)
				refuse(t, s.D, "payment_events", "INSERT", "NEW.kind = 'give_back'")
				_, err := s.pays.Confirm(t.Context(), "scripted", s.ref, nil)
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				// The money went back; only its record is missing.
				s.wantStatus(t, payment.AttemptCancelled)
				s.wantRefunds(t, 1)
			},
		},
		{
			name: "alert of a give-back the provider refused",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				s.expire(t)
				refuse(t, s.D, "audit_log", "INSERT", "NEW.action = 'payment.give_back_failed'")
				s.sp.refundErr = errors.New("provider down")
				_, err := s.pays.Confirm(t.Context(), "scripted", s.ref, nil)
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				s.wantStatus(t, payment.AttemptCancelled)
				if ev := s.events(t, s.o.ID, "give_back"); len(ev) != 0 {
					t.Errorf("give-back events = %+v, want none (written with the alert)", ev)
				}
			},
		},
		{
			name: "release after a virtual account was not recorded",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				refuse(t, s.D, "payment_attempts", "UPDATE", "NEW.status IN ('awaiting_deposit', 'pending')")
				s.sp.status = payment.StatusAwaitingDeposit
				s.sp.deposit = &payment.Deposit{Bank: "88", Account: "X1234", Holder: "말랑"}
				_, err := s.pays.Confirm(t.Context(), "scripted", s.ref, nil)
				return err
			},
			check:  func(t *testing.T, s *scene, err error) { s.wantStatus(t, payment.AttemptConfirming) },
			faults: 2,
		},
		{
			name: "release after a payment was not recorded",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				refuse(t, s.D, "payment_attempts", "UPDATE", "NEW.status IN ('paid', 'pending')")
				_, err := s.pays.Confirm(t.Context(), "scripted", s.ref, nil)
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				s.wantStatus(t, payment.AttemptConfirming)
				if got := s.status(t, s.o.ID); got != order.PendingPayment {
					t.Errorf("order is %s", got)
				}
			},
			faults: 2,
		},
		{
			name: "event of the customer's return on the fail URL",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				refuse(t, s.D, "payment_events", "INSERT", "NEW.kind = 'return'")
				_, err := s.pays.Abandon(t.Context(), "scripted", s.ref, "USER_CANCEL", "취소")
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				if a := s.attempt(t); a.Status != payment.AttemptPrepared || a.FailureCode != "" {
					t.Errorf("attempt = %+v, want prepared without a reason (rolled back with the event)", a)
				}
			},
		},
		{
			name: "event of an unverified deposit notification",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, "scripted")
				refuse(t, s.D, "payment_events", "INSERT", "NEW.outcome = 'unverified'")
				s.sp.event = payment.Event{Type: "DEPOSIT_CALLBACK", Reference: s.ref, DepositSecret: "guess"}
				return s.pays.Webhook(t.Context(), "scripted", nil, []byte(`{}`))
			},
			check: func(t *testing.T, s *scene, err error) {
				if !errors.Is(err, payment.ErrUnverified) {
					t.Errorf("the verification failure is lost: %v", err)
				}
			},
		},
		{
			name: "event of a failed look-up",
			act: func(t *testing.T, s *scene) error {
				a := s.begin(t, "scripted")
				refuse(t, s.D, "payment_events", "INSERT", "NEW.kind = 'lookup' AND NEW.outcome = 'error'")
				s.sp.lookupErr = payment.ErrUnknownOutcome
				_, err := s.pays.Sync(t.Context(), a.ID)
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				if !errors.Is(err, payment.ErrUnknownOutcome) {
					t.Errorf("the look-up's error is lost: %v", err)
				}
			},
		},
		{
			name: "event of a declined refund",
			act: func(t *testing.T, s *scene) error {
				s.pay(t)
				refuse(t, s.D, "payment_events", "INSERT", "NEW.kind = 'refund' AND NEW.outcome = 'declined'")
				s.sp.refundErr = declined
				_, err := s.pays.Refund(t.Context(), payment.RefundInput{OrderID: s.o.ID, Reason: "단순 변심", Actor: order.System})
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				wantDeclined(t, err)
				rs, rerr := s.pays.Refunds(t.Context(), s.o.ID)
				if rerr != nil || len(rs) != 1 || rs[0].Status != "requested" {
					t.Errorf("refunds = %+v, %v; want one requested, to retry", rs, rerr)
				}
			},
		},
		{
			name: "event of a refund whose outcome is unknown",
			act: func(t *testing.T, s *scene) error {
				s.pay(t)
				refuse(t, s.D, "payment_events", "INSERT", "NEW.kind = 'refund' AND NEW.outcome = 'unknown'")
				s.sp.refundErr = payment.ErrUnknownOutcome
				_, err := s.pays.Refund(t.Context(), payment.RefundInput{OrderID: s.o.ID, Reason: "단순 변심", Actor: order.System})
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				if !errors.Is(err, payment.ErrRefundPending) {
					t.Errorf("the pending refund is lost: %v", err)
				}
			},
		},
		{
			name: "closing the payments of a cancelled order",
			act: func(t *testing.T, s *scene) error {
				s.begin(t, testpay.Name)
				refuse(t, s.D, "payment_attempts", "UPDATE", "NEW.status = 'failed'")
				_, err := s.pays.Cancel(t.Context(), payment.CancelInput{OrderID: s.o.ID, Actor: order.Customer(s.o.UserID), Reason: ""})
				return err
			},
			check: func(t *testing.T, s *scene, err error) {
				if got := s.status(t, s.o.ID); got != order.Cancelled {
					t.Errorf("order is %s", got)
				}
				s.wantStatus(t, payment.AttemptPrepared)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScene(t)
			err := tt.act(t, s)
			want := max(tt.faults, 1)
			if err == nil || strings.Count(err.Error(), injected) != want {
				t.Fatalf("error = %v, want %d injected database error(s)", err, want)
			}
			tt.check(t, s, err)
		})
	}
}
