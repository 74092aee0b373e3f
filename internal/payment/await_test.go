package payment_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/payment"
)

// newAwaitScene returns a service on a test shop, with a lease of one
// second, and an attempt that a confirm has claimed.
func newAwaitScene(t *testing.T) (*payment.Service, *ordertest.Shop, int64) {
	t.Helper()
	sh := ordertest.NewShop(t)
	o := sh.PlaceOne(t, sh.Product(t, "말랑 대기 상품", 10000, 10), 1)
	s := payment.NewService(sh.D, sh.PaymentDeps(), payment.Config{ConfirmLease: time.Second}, nil, sh.Clock.Now, slog.New(slog.DiscardHandler))
	id, won, err := payment.ClaimPrepared(t.Context(), s, o, "scripted")
	if err != nil || !won {
		t.Fatalf("claim = %v, %v", won, err)
	}
	return s, sh, id
}

// settleNow records attempt id paid, as the confirm that claimed it does.
func settleNow(t *testing.T, s *payment.Service, id int64) {
	t.Helper()
	if err := payment.SettlePaidNow(t.Context(), s, id); err != nil {
		t.Error(err)
	}
}

// await polls by the service's clock and its wait function: the pauses
// grow to a bound and stop at the lease, with no time passing in the test.
func TestAwaitPollsByTheServiceClock(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name    string
		settled bool // before await's first read
		// onPause runs at the nth pause (from 1), after the clock moved.
		onPause    func(t *testing.T, s *payment.Service, id int64, n int, cancel context.CancelFunc)
		want       payment.AttemptStatus
		wantErr    error
		wantPauses []time.Duration
	}{
		{
			name:       "the lease runs out",
			want:       payment.AttemptConfirming,
			wantPauses: []time.Duration{20 * ms, 40 * ms, 80 * ms, 160 * ms, 250 * ms, 250 * ms, 200 * ms},
		},
		{
			name: "the confirm settles",
			onPause: func(t *testing.T, s *payment.Service, id int64, n int, _ context.CancelFunc) {
				if n == 3 {
					settleNow(t, s, id)
				}
			},
			want:       payment.AttemptPaid,
			wantPauses: []time.Duration{20 * ms, 40 * ms, 80 * ms},
		},
		{
			name:    "settled before the first read",
			settled: true,
			onPause: func(t *testing.T, s *payment.Service, id int64, n int, _ context.CancelFunc) {
				t.Error("paused for a settled attempt")
			},
			want: payment.AttemptPaid,
		},
		{
			name: "the caller gives up",
			onPause: func(t *testing.T, s *payment.Service, id int64, n int, cancel context.CancelFunc) {
				if n == 2 {
					cancel()
				}
			},
			want:       payment.AttemptConfirming,
			wantErr:    context.Canceled,
			wantPauses: []time.Duration{20 * ms, 40 * ms},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, sh, id := newAwaitScene(t)
			if tt.settled {
				settleNow(t, s, id)
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var pauses []time.Duration
			payment.SetWait(s, func(ctx context.Context, d time.Duration) error {
				pauses = append(pauses, d)
				sh.Clock.Advance(d)
				if tt.onPause != nil {
					tt.onPause(t, s, id, len(pauses), cancel)
				}
				return ctx.Err()
			})
			a, err := payment.Await(ctx, s, id)
			if !errors.Is(err, tt.wantErr) || a.Status != tt.want {
				t.Errorf("await = %s, %v; want %s, %v", a.Status, err, tt.want, tt.wantErr)
			}
			if !slices.Equal(pauses, tt.wantPauses) {
				t.Errorf("pauses = %v, want %v", pauses, tt.wantPauses)
			}
		})
	}
}

// A read that comes while the confirm's settling transaction holds the
// attempt returns its outcome: on PostgreSQL it waits for the commit
// without a pause; on SQLite it reads the committed confirming and polls.
func TestAwaitSeesTheSettlingTransaction(t *testing.T) {
	t.Parallel()
	s, sh, id := newAwaitScene(t)
	ctx := t.Context()
	pg := sh.D.Dialect.Engine == db.Postgres
	holding, commit, done := make(chan int), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- sh.D.InTx(ctx, func(q db.Querier) error {
			if err := payment.SettlePaid(ctx, s, q, id); err != nil {
				return err
			}
			pid := 0
			if pg {
				if err := q.GetContext(ctx, &pid, `SELECT pg_backend_pid()`); err != nil {
					return err
				}
			}
			holding <- pid
			<-commit
			return nil
		})
	}()
	pid := <-holding
	var once sync.Once
	var txErr error
	release := func() {
		once.Do(func() {
			close(commit)
			txErr = <-done
		})
	}
	defer release()
	if pg {
		// Commit once the await's read waits for the transaction.
		go func() {
			for ctx.Err() == nil {
				var n int
				err := sh.D.Read().GetContext(ctx, &n, `SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, pid)
				if err != nil || n > 0 {
					release()
					return
				}
			}
		}()
	}
	pauses := 0
	payment.SetWait(s, func(ctx context.Context, d time.Duration) error {
		pauses++
		sh.Clock.Advance(d)
		release()
		return ctx.Err()
	})
	a, err := payment.Await(ctx, s, id)
	release()
	if txErr != nil {
		t.Fatal(txErr)
	}
	want := 1
	if pg {
		want = 0
	}
	if err != nil || a.Status != payment.AttemptPaid || pauses != want {
		t.Errorf("await = %s, %v after %d pauses; want paid after %d", a.Status, err, pauses, want)
	}
}
