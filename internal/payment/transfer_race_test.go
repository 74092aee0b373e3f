package payment_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// Twenty starts of a bank transfer at once (a double tap, an app retrying
// while the first request is on its way) record one transfer, and one cash
// receipt when one is due, and every start answers with that transfer's
// instructions.
func TestConcurrentTransferStartsRecordOne(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		price   int64 // two units
		receipt bool
	}{
		{"cash receipt due", 60000, true}, // 120,000 won: a cash receipt is due by law
		{"no cash receipt", 9000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			o, _ := f.order(t, tt.price, 2)
			const n = 20
			got := make([]payment.Started, n)
			errs := make([]error, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					<-start
					got[i], errs[i] = f.pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: o.UserID,
						Method: payment.BankTransfer, Depositor: "김말랑"})
				})
			}
			close(start)
			wg.Wait()

			as, err := f.pays.Attempts(t.Context(), o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 1 || as[0].Status != payment.AttemptAwaitingDeposit || as[0].Deposit == nil {
				t.Fatalf("%d attempts, want one transfer awaited: %+v", len(as), as)
			}
			for i := range n {
				a := got[i].Attempt
				if errs[i] != nil || a.Reference != as[0].Reference || a.Deposit == nil || !a.Deposit.Due.Equal(as[0].Deposit.Due) {
					t.Errorf("start %d = %s (%+v), %v; want the transfer %s", i, a.Reference, a.Deposit, errs[i], as[0].Reference)
				}
			}
			rc, err := f.pays.CashReceiptOf(t.Context(), o.ID)
			if tt.receipt && (err != nil || rc.Amount != o.Total) || !tt.receipt && !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("cash receipt = %+v, %v", rc, err)
			}
			if got := f.status(t, o.ID); got != order.AwaitingDeposit {
				t.Errorf("order is %s", got)
			}
		})
	}
}

// Twenty confirmations of one deposit at once (staff clicking twice, two
// staff members) pay the order once; every other one is told the deposit
// was confirmed already.
func TestConcurrentDepositConfirmsPayOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.order(t, 60000, 2)
	f.start(t, o, payment.BankTransfer)
	staff := f.Staff(t, "orders@example.com")
	const n = 20
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = f.pays.ConfirmDeposit(t.Context(), staff, o.ID, "김말랑")
		})
	}
	close(start)
	wg.Wait()

	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, payment.ErrDepositConfirmed) || !errors.Is(err, fault.ErrConflict):
			t.Errorf("confirm %d = %v, want ErrDepositConfirmed", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d confirms succeeded, want 1", ok)
	}
	as, err := f.pays.Attempts(t.Context(), o.ID)
	if err != nil || len(as) != 1 || as[0].Status != payment.AttemptPaid {
		t.Fatalf("attempts = %+v, %v", as, err)
	}
	if got := f.status(t, o.ID); got != order.Paid {
		t.Errorf("order is %s", got)
	}
	if es := audittest.Entries(t, f.D, "payment.deposit_confirmed"); len(es) != 1 {
		t.Errorf("%d deposit confirmations audited, want 1", len(es))
	}
	if ev := f.events(t, o.ID, "deposit"); len(ev) != 1 {
		t.Errorf("%d deposit events, want 1", len(ev))
	}
}

// A customer who opened a card window and then chose a bank transfer, and
// paid in the window after all: the card pays the order, the transfer is no
// longer awaited, and a deposit staff then try to confirm is refused as the
// order being paid otherwise (the money goes back by hand).
func TestTransferClosedWhenPaidOtherwise(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.order(t, 20000, 1)
	card := f.start(t, o, "scripted")
	transfer := f.start(t, o, payment.BankTransfer)
	if transfer.Attempt.Status != payment.AttemptAwaitingDeposit || f.status(t, o.ID) != order.AwaitingDeposit {
		t.Fatalf("transfer = %+v; order %s", transfer.Attempt, f.status(t, o.ID))
	}
	if a, err := f.pays.Confirm(t.Context(), "scripted", card.Attempt.Reference, nil); err != nil || a.Status != payment.AttemptPaid {
		t.Fatalf("card: %+v, %v", a, err)
	}
	if got := f.status(t, o.ID); got != order.Paid {
		t.Fatalf("order is %s", got)
	}
	as, err := f.pays.Attempts(t.Context(), o.ID)
	if err != nil || len(as) != 2 || as[1].ID != transfer.Attempt.ID || as[1].Status != payment.AttemptFailed ||
		as[1].FailureCode != "ORDER_PAID" {
		t.Fatalf("attempts = %+v, %v", as, err)
	}
	staff := f.Staff(t, "orders@example.com")
	if _, err := f.pays.ConfirmDeposit(t.Context(), staff, o.ID, ""); !errors.Is(err, payment.ErrOrderPaid) || !errors.Is(err, fault.ErrConflict) {
		t.Errorf("ConfirmDeposit on the card-paid order = %v, want ErrOrderPaid", err)
	}
	if _, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: payment.BankTransfer}); !errors.Is(err, fault.ErrConflict) {
		t.Errorf("a transfer for the paid order = %v, want a conflict", err)
	}
	if r := f.sp.refunded(); len(r) != 0 {
		t.Errorf("refunds = %+v", r)
	}
}

// A bank transfer is refused while a card payment of the order is being
// confirmed, or waits for the provider's word: it may have taken the money.
func TestTransferRefusedWhileCardSettles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	confirming, _ := f.order(t, 20000, 1)
	if _, won, err := payment.ClaimPrepared(t.Context(), f.pays, confirming, "scripted"); err != nil || !won {
		t.Fatalf("claim = %v, %v", won, err)
	}
	pending, _ := f.order(t, 20000, 1)
	f.sp.confirmErr = errors.Join(payment.ErrUnknownOutcome, context.DeadlineExceeded)
	f.sp.lookupErr = payment.ErrUnknownOutcome
	st := f.start(t, pending, "scripted")
	if a, err := f.pays.Confirm(t.Context(), "scripted", st.Attempt.Reference, nil); err != nil || a.Status != payment.AttemptPending {
		t.Fatalf("unknown outcome: %+v, %v", a, err)
	}
	for name, o := range map[string]order.Order{"confirming": confirming, "pending": pending} {
		t.Run(name, func(t *testing.T) {
			_, err := f.pays.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: payment.BankTransfer})
			if !errors.Is(err, payment.ErrPaymentInProgress) || !errors.Is(err, fault.ErrConflict) {
				t.Errorf("Start = %v, want ErrPaymentInProgress", err)
			}
			if got := f.status(t, o.ID); got != order.PendingPayment {
				t.Errorf("order is %s", got)
			}
			if _, ok, err := f.pays.AwaitedTransfer(t.Context(), o.ID); ok || err != nil {
				t.Errorf("a transfer was recorded: %v, %v", ok, err)
			}
		})
	}
}

// Staff confirming a deposit while the customer's card payment of the same
// order comes back (the return page, a webhook) end with one payment: the
// order is paid once, no transfer stays awaited, a card that lost is given
// back once, and every staff click that did not pay is told why with a
// conflict.
func TestDepositAndCardRace(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	staff := f.Staff(t, "orders@example.com")
	for round := range 4 {
		o, _ := f.order(t, 20000, 1)
		card := f.start(t, o, "scripted")
		f.start(t, o, payment.BankTransfer)
		const n = 10
		staffErrs := make([]error, n)
		cards := make([]payment.Attempt, n)
		cardErrs := make([]error, n)
		start := make(chan struct{})
		// Staff start with the card's confirms on even rounds, and once
		// the card reached the provider on odd ones, so that either may
		// win.
		staffGo := start
		f.sp.mu.Lock()
		f.sp.onConfirm = nil
		f.sp.mu.Unlock()
		if round%2 == 1 {
			reached := make(chan struct{})
			var once sync.Once
			f.sp.mu.Lock()
			f.sp.onConfirm = func() { once.Do(func() { close(reached) }) }
			f.sp.mu.Unlock()
			staffGo = reached
		}
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-staffGo
				_, staffErrs[i] = f.pays.ConfirmDeposit(t.Context(), staff, o.ID, "")
			})
			wg.Go(func() {
				<-start
				cards[i], cardErrs[i] = f.pays.Confirm(t.Context(), "scripted", card.Attempt.Reference, nil)
			})
		}
		close(start)
		wg.Wait()

		as, err := f.pays.Attempts(t.Context(), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		var paid []payment.Attempt
		for _, a := range as {
			if a.Status.Captured() {
				paid = append(paid, a)
			}
			if a.Status == payment.AttemptAwaitingDeposit {
				t.Errorf("round %d: a transfer is still awaited on the paid order: %+v", round, a)
			}
		}
		if len(paid) != 1 {
			t.Fatalf("round %d: %d attempts paid, want 1: %+v", round, len(paid), as)
		}
		if got := f.status(t, o.ID); got != order.Paid {
			t.Errorf("round %d: order is %s", round, got)
		}
		givenBack := 0
		for _, r := range f.sp.refunded() {
			if r.Reference == card.Attempt.Reference {
				givenBack++
			}
		}
		byTransfer := paid[0].Provider == payment.BankTransfer
		t.Logf("round %d: paid by %s", round, paid[0].Provider)
		confirmed := 0
		for i, err := range staffErrs {
			switch {
			case err == nil:
				confirmed++
			case byTransfer && errors.Is(err, payment.ErrDepositConfirmed), !byTransfer && errors.Is(err, payment.ErrOrderPaid):
			default:
				t.Errorf("round %d: staff confirm %d = %v", round, i, err)
			}
		}
		want := payment.AttemptPaid
		if byTransfer {
			want = payment.AttemptCancelled
		}
		for i, err := range cardErrs {
			if err != nil || cards[i].Status != want {
				t.Errorf("round %d: card confirm %d = %s, %v; want %s", round, i, cards[i].Status, err, want)
			}
		}
		if byTransfer && (confirmed != 1 || givenBack != 1) || !byTransfer && (confirmed != 0 || givenBack != 0) {
			t.Errorf("round %d: paid by %s; %d deposits confirmed, card given back %d times", round, paid[0].Provider, confirmed, givenBack)
		}
	}
}
