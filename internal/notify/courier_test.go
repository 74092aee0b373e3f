package notify

import (
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify/smtptest"
)

var plainMail = Message{To: "minji@example.com", Subject: "주문이 접수되었습니다", Text: "본문", HTML: "<p>본문</p>"}

// freePort returns a loopback port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func TestCourierServerDown(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	e := newCourierEnv(t, smtptest.Options{}, freePort(t))
	id := e.send(t, plainMail)

	// A passing failure: the mail waits for the next attempt.
	err := e.courier.Deliver(ctx, id, false)
	if err == nil || errors.Is(err, ErrUndeliverable) {
		t.Fatalf("Deliver = %v, want a passing error", err)
	}
	if strings.Contains(err.Error(), plainMail.To) {
		t.Errorf("error %q names the recipient", err)
	}
	r := e.mail(t, id)
	if r.Status != Queued || r.Attempts != 1 || r.LastError == "" || !r.SentAt.IsZero() {
		t.Fatalf("after a failed attempt: %s/%d/%q/%v, want queued/1/an error/zero", r.Status, r.Attempts, r.LastError, r.SentAt)
	}
	if !strings.Contains(err.Error(), r.LastError) {
		t.Errorf("error %q does not carry last_error %q", err, r.LastError)
	}

	// The job's last attempt gives up.
	if err := e.courier.Deliver(ctx, id, true); err == nil {
		t.Fatal("last Deliver = nil, want the error")
	}
	if r := e.mail(t, id); r.Status != Failed || r.Attempts != 2 || r.LastError == "" {
		t.Fatalf("after the last attempt: %s/%d/%q, want failed/2/an error", r.Status, r.Attempts, r.LastError)
	}
	// Failed is final: another run leaves it alone.
	if err := e.courier.Deliver(ctx, id, false); err != nil {
		t.Fatalf("Deliver of a failed mail = %v, want nil", err)
	}
	if r := e.mail(t, id); r.Status != Failed || r.Attempts != 2 {
		t.Fatalf("failed mail changed: %s/%d", r.Status, r.Attempts)
	}
}

func TestCourierRejectedRecipient(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	// The server refuses the recipient, naming it, and go-mail's error
	// lists it too.
	e := newCourierEnv(t, smtptest.Options{RejectRcpt: true}, 0)
	id := e.send(t, plainMail)
	err := e.courier.Deliver(ctx, id, false)
	if !errors.Is(err, ErrUndeliverable) {
		t.Fatalf("Deliver = %v, want ErrUndeliverable", err)
	}
	var se *gomail.SendError
	if !errors.As(err, &se) {
		t.Fatalf("Deliver = %v, want a *mail.SendError inside", err)
	}
	if !strings.Contains(se.Error(), plainMail.To) {
		t.Errorf("test premise: go-mail's error %q does not name the recipient", se)
	}
	if strings.Contains(err.Error(), plainMail.To) || !strings.Contains(err.Error(), "550") {
		t.Errorf("error %q names the recipient or lacks the server's answer", err)
	}
	r := e.mail(t, id)
	if r.Status != Failed || r.Attempts != 1 || strings.Contains(r.LastError, plainMail.To) || !strings.Contains(r.LastError, "550") {
		t.Fatalf("mail = %s/%d/%q, want failed/1 with the 550 and without the address", r.Status, r.Attempts, r.LastError)
	}
}

func TestCourierRetryAfterRefusal(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	e := newCourierEnv(t, smtptest.Options{RefuseFirst: 1}, 0)
	id := e.send(t, plainMail)
	if err := e.courier.Deliver(ctx, id, false); err == nil || errors.Is(err, ErrUndeliverable) {
		t.Fatalf("first Deliver = %v, want a passing error (451)", err)
	}
	if r := e.mail(t, id); r.Status != Queued || !strings.Contains(r.LastError, "451") {
		t.Fatalf("after the refusal: %s/%q, want queued with the 451", r.Status, r.LastError)
	}
	if err := e.courier.Deliver(ctx, id, false); err != nil {
		t.Fatalf("second Deliver: %v", err)
	}
	if _, ok := e.srv.Next(5 * time.Second); !ok {
		t.Fatal("the server received nothing")
	}
	r := e.mail(t, id)
	if r.Status != Sent || r.Attempts != 2 || r.LastError != "" {
		t.Fatalf("mail = %s/%d/%q, want sent/2/\"\"", r.Status, r.Attempts, r.LastError)
	}
	// A second run of the job for the sent mail sends nothing.
	if err := e.courier.Deliver(ctx, id, false); err != nil {
		t.Fatalf("Deliver of a sent mail: %v", err)
	}
	if m, ok := e.srv.Next(200 * time.Millisecond); ok {
		t.Fatalf("a sent mail was sent again: %q", m.Data)
	}
	if r := e.mail(t, id); r.Status != Sent || r.Attempts != 2 {
		t.Fatalf("sent mail changed: %s/%d", r.Status, r.Attempts)
	}
}

func TestCourierClaim(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		age      time.Duration // how long ago another run claimed the mail
		wantErr  error
		wantSent bool
	}{
		{"fresh claim: another run is delivering", time.Minute, ErrInProgress, false},
		{"lapsed claim: that run died", ClaimLease + time.Second, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			e := newCourierEnv(t, smtptest.Options{}, 0)
			id := e.send(t, plainMail)
			ok, err := claimMail(ctx, e.d.Write(), id, "other-run", testNow, testNow.Add(-ClaimLease))
			if err != nil || !ok {
				t.Fatalf("claim = %v, %v", ok, err)
			}
			e.clock.Advance(tt.age)
			if err := e.courier.Deliver(ctx, id, false); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Deliver = %v, want %v", err, tt.wantErr)
			}
			_, got := e.srv.Next(200 * time.Millisecond)
			if got != tt.wantSent {
				t.Fatalf("server received a message: %v, want %v", got, tt.wantSent)
			}
			want := Sending
			if tt.wantSent {
				want = Sent
			}
			if r := e.mail(t, id); r.Status != want {
				t.Fatalf("status = %s, want %s", r.Status, want)
			}
		})
	}
}

func TestCourierWithdrawnMail(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	e := newCourierEnv(t, smtptest.Options{}, 0)
	id := e.send(t, plainMail)
	// What account deletion does to the mail of a deleted address.
	if _, err := e.d.Write().ExecContext(ctx, e.d.Write().Rebind(
		`UPDATE outbox SET to_address = 'deleted-1@deleted.invalid', text_body = '', html_body = '' WHERE id = ?`), id); err != nil {
		t.Fatal(err)
	}
	if err := e.courier.Deliver(ctx, id, false); !errors.Is(err, ErrUndeliverable) {
		t.Fatalf("Deliver = %v, want ErrUndeliverable", err)
	}
	if _, ok := e.srv.Next(200 * time.Millisecond); ok {
		t.Fatal("a blanked mail was delivered")
	}
	if r := e.mail(t, id); r.Status != Failed {
		t.Fatalf("status = %s, want failed", r.Status)
	}
}

func TestCourierUnknownMail(t *testing.T) {
	t.Parallel()
	e := newCourierEnv(t, smtptest.Options{}, 0)
	if err := e.courier.Deliver(t.Context(), 404, false); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("Deliver = %v, want fault.ErrNotFound", err)
	}
}

func TestCourierHold(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	clock := fake.NewClock(testNow)
	o := NewOutbox(d, &jobList{}, testShop, clock.Now)
	c := NewCourier(d, Hold{}, clock.Now, slog.New(slog.DiscardHandler))
	if err := o.Send(ctx, d.Write(), plainMail); err != nil {
		t.Fatal(err)
	}
	got, err := o.List(ctx, 1, 0)
	if err != nil || len(got) != 1 {
		t.Fatalf("List = %v, %v", got, err)
	}
	for i := range 2 { // the second run finds it held and leaves it
		if err := c.Deliver(ctx, got[0].ID, false); err != nil {
			t.Fatalf("Deliver #%d: %v", i+1, err)
		}
	}
	r, err := o.Get(ctx, got[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Held || r.Attempts != 0 || r.LastError != "" || !r.SentAt.IsZero() || r.Text != plainMail.Text {
		t.Fatalf("held mail = %s/%d/%q/%v, want held/0/\"\"/zero with its body", r.Status, r.Attempts, r.LastError, r.SentAt)
	}
}

func TestMessageID(t *testing.T) {
	t.Parallel()
	a := messageID(7, plainMail, "no-reply@mallang.example")
	if a != messageID(7, plainMail, "no-reply@mallang.example") {
		t.Fatal("two attempts of one mail get different Message-IDs")
	}
	if !strings.HasPrefix(a, "outbox.7.") || !strings.HasSuffix(a, "@mallang.example") {
		t.Errorf("Message-ID = %q", a)
	}
	other := plainMail
	other.Text = "다른 본문"
	if a == messageID(7, other, "no-reply@mallang.example") || a == messageID(8, plainMail, "no-reply@mallang.example") {
		t.Error("different mails share a Message-ID")
	}
}

func TestSendRejectsBadAddress(t *testing.T) {
	t.Parallel()
	e := newCourierEnv(t, smtptest.Options{}, 0)
	err := e.outbox.Send(t.Context(), e.d.Write(), Message{To: "minji@", Subject: "s", Text: "t"})
	if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["to"] == "" {
		t.Fatalf("Send = %v, want *fault.Invalid on to", err)
	}
	assertOutboxEmpty(t, e.outbox)
}
