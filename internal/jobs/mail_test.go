package jobs

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/notify/notifytest"
	"github.com/mallang/mallang/internal/notify/smtptest"
)

type mailEnv struct {
	d      *db.DB
	queue  *Queue
	outbox *notify.Outbox
	srv    *smtptest.Server
	runner *Runner
}

// newMailEnv returns an outbox whose deliveries go through River to a
// real SMTP server on 127.0.0.1, with a started Runner that retries a
// failed delivery at once.
func newMailEnv(t *testing.T, opts smtptest.Options) mailEnv {
	t.Helper()
	ctx := t.Context()
	d := dbtest.New(t)
	if err := Migrate(ctx, d); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	q, err := NewQueue(d)
	if err != nil {
		t.Fatal(err)
	}
	clock := fake.NewClock(now)
	srv := smtptest.Start(t, opts)
	smtp, err := notify.NewSMTP(notify.SMTPConfig{Host: "127.0.0.1", Port: srv.Port, From: "말랑 <no-reply@mallang.example>",
		TLS: "none", Timeout: 5 * time.Second}, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	courier := notify.NewCourier(d, smtp, clock.Now, log)
	r, err := NewRunner(d, log, nil, nil, nil, nil, &Mail{Courier: courier, Backoff: func(int) time.Duration { return 0 }}, nil, nil)
	if err != nil {
		t.Fatalf("NewRunner: %v", err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return mailEnv{d: d, queue: q, outbox: notify.NewOutbox(d, q, notifytest.Shop("말랑"), clock.Now), srv: srv, runner: r}
}

var orderMail = notify.Message{To: "minji@example.com", Subject: "[말랑] 주문이 접수되었습니다", Text: "주문 M-1", HTML: "<p>주문 M-1</p>"}

func (e mailEnv) workAll(t *testing.T) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	return e.runner.WorkAll(ctx)
}

func (e mailEnv) mails(t *testing.T) []notify.Mail {
	t.Helper()
	got, err := e.outbox.List(t.Context(), notify.MaxPage, 0)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func countKind(t *testing.T, d *db.DB, kind string) int {
	t.Helper()
	var n int
	if err := d.Read().GetContext(t.Context(), &n, d.Read().Rebind(`SELECT count(*) FROM river_job WHERE kind = ?`), kind); err != nil {
		t.Fatalf("count jobs: %v", err)
	}
	return n
}

// received returns the messages the server got within a short wait after
// the jobs were done.
func (e mailEnv) received() []smtptest.Message {
	var got []smtptest.Message
	for {
		m, ok := e.srv.Next(100 * time.Millisecond)
		if !ok {
			return got
		}
		got = append(got, m)
	}
}

func TestMailSendInTransaction(t *testing.T) {
	t.Parallel()
	errRollback := errors.New("order failed")
	tests := []struct {
		name string
		fail error // what the caller's transaction returns
		want int   // mails, jobs and deliveries
	}{
		{"committed", nil, 1},
		{"rolled back", errRollback, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newMailEnv(t, smtptest.Options{})
			ctx := t.Context()
			err := e.d.InTx(ctx, func(q db.Querier) error {
				if err := e.outbox.Send(ctx, q, orderMail); err != nil {
					return err
				}
				return tt.fail
			})
			if !errors.Is(err, tt.fail) {
				t.Fatalf("InTx = %v, want %v", err, tt.fail)
			}
			if got := countKind(t, e.d, MailDeliveryArgs{}.Kind()); got != tt.want {
				t.Fatalf("delivery jobs = %d, want %d", got, tt.want)
			}
			if err := e.workAll(t); err != nil {
				t.Fatalf("WorkAll: %v", err)
			}
			got := e.received()
			if len(got) != tt.want {
				t.Fatalf("server received %d messages, want %d", len(got), tt.want)
			}
			mails := e.mails(t)
			if len(mails) != tt.want {
				t.Fatalf("outbox holds %d mails, want %d", len(mails), tt.want)
			}
			if tt.want == 0 {
				return
			}
			if got[0].To[0] != orderMail.To || !strings.Contains(string(got[0].Data), "M-1") {
				t.Errorf("server received %q for %v", got[0].Data, got[0].To)
			}
			if m := mails[0]; m.Status != notify.Sent || m.Attempts != 1 {
				t.Errorf("mail = %s/%d, want sent/1", m.Status, m.Attempts)
			}
		})
	}
}

// TestMailRetriedAfterSMTPFailure is the proof issue 13 asks for: the
// server refuses the first attempt, the job retries, and the message
// arrives once; a second job for the sent mail sends nothing.
func TestMailRetriedAfterSMTPFailure(t *testing.T) {
	t.Parallel()
	e := newMailEnv(t, smtptest.Options{RefuseFirst: 1})
	ctx := t.Context()
	if err := e.outbox.Send(ctx, e.d.Write(), orderMail); err != nil {
		t.Fatal(err)
	}
	// WorkAll names the failed first attempt.
	if err := e.workAll(t); err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("WorkAll = %v, want the 451 of the first attempt", err)
	}
	if n := e.srv.Refused.Load(); n != 1 {
		t.Fatalf("server refused %d attempts, want 1", n)
	}
	if got := e.received(); len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	mails := e.mails(t)
	if len(mails) != 1 {
		t.Fatalf("outbox holds %d mails, want 1", len(mails))
	}
	m := mails[0]
	if m.Status != notify.Sent || m.Attempts != 2 || m.LastError != "" {
		t.Fatalf("mail = %s/%d/%q, want sent/2/\"\"", m.Status, m.Attempts, m.LastError)
	}

	// The job again for the same mail, as after a crash between the
	// server's answer and River recording the job done.
	if err := e.d.InTx(ctx, func(q db.Querier) error { return e.queue.EnqueueMailDelivery(ctx, q, m.ID) }); err != nil {
		t.Fatal(err)
	}
	if err := e.workAll(t); err != nil {
		t.Fatalf("WorkAll of the second job: %v", err)
	}
	if got := e.received(); len(got) != 0 {
		t.Fatalf("a sent mail was sent again (%d messages)", len(got))
	}
	if again := e.mails(t)[0]; again.Status != notify.Sent || again.Attempts != 2 || !again.SentAt.Equal(m.SentAt) {
		t.Fatalf("mail after the second job = %s/%d/%v, want unchanged", again.Status, again.Attempts, again.SentAt)
	}
}

func TestMailRefusedForGoodIsNotRetried(t *testing.T) {
	t.Parallel()
	e := newMailEnv(t, smtptest.Options{RejectRcpt: true})
	if err := e.outbox.Send(t.Context(), e.d.Write(), orderMail); err != nil {
		t.Fatal(err)
	}
	if err := e.workAll(t); err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("WorkAll = %v, want the job cancelled", err)
	}
	m := e.mails(t)[0]
	if m.Status != notify.Failed || m.Attempts != 1 || strings.Contains(m.LastError, orderMail.To) {
		t.Fatalf("mail = %s/%d/%q, want failed/1 without the address", m.Status, m.Attempts, m.LastError)
	}
}

func TestMailBackoff(t *testing.T) {
	t.Parallel()
	var total time.Duration
	for n := 1; n < MailAttempts; n++ {
		if MailBackoff(n) < MailBackoff(max(n-1, 1)) {
			t.Errorf("wait after attempt %d (%v) is shorter than the one before", n, MailBackoff(n))
		}
		total += MailBackoff(n)
	}
	if total < 6*time.Hour || total > 12*time.Hour {
		t.Errorf("the attempts span %v, want about eight hours", total)
	}
}
