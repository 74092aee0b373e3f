package app

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/config"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/notify/smtptest"
)

// TestSignUpMailsThroughSMTP serves the shop as configured for production
// mail: a sign-up on the storefront stores its mail, the delivery job of
// the running shop hands it to the SMTP server the test starts, and the
// outbox records it as sent.
func TestSignUpMailsThroughSMTP(t *testing.T) {
	t.Parallel()
	smtpd := smtptest.Start(t, smtptest.Options{})
	cfg, err := config.Load(env(map[string]string{
		"MALLANG_DATA_DIR":     t.TempDir(),
		"MALLANG_DATABASE_URL": dbtest.URL(t),
		"MALLANG_LOG_LEVEL":    "warn",
		"MALLANG_SMTP_HOST":    "127.0.0.1",
		"MALLANG_SMTP_PORT":    strconv.Itoa(smtpd.Port),
		"MALLANG_SMTP_TLS":     "none",
		"MALLANG_SMTP_FROM":    "말랑 상점 <no-reply@mallang.example>",
	}))
	if err != nil {
		t.Fatal(err)
	}
	sent := make(chan struct{}, 1)
	a, err := New(context.Background(), cfg, slog.New(signal{msg: "mail sent", c: sent}), "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	base := "http://" + ln.Addr().String()

	form := url.Values{"email": {"minji@example.com"}, "password": {"말랑한 봄날의 산책"}, "name": {"김민지"}, "phone": {"010-1234-5678"}, "terms": {"on"}}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(base+"/signup", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up answered %d", res.StatusCode)
	}
	m, ok := smtpd.Next(10 * time.Second)
	if !ok {
		t.Fatal("the SMTP server received nothing")
	}
	if m.From != "no-reply@mallang.example" || len(m.To) != 1 || m.To[0] != "minji@example.com" ||
		!strings.Contains(string(m.Data), "/account/verify?token=") {
		t.Fatalf("delivered %s → %v:\n%s", m.From, m.To, m.Data)
	}
	// The job marks the mail sent, and logs it, just after the server
	// accepted it.
	select {
	case <-sent:
	case <-time.After(10 * time.Second):
		t.Fatal("the delivery job logged no sent mail")
	}
	var status string
	if err := a.DB.Read().GetContext(context.Background(), &status, `SELECT status FROM outbox WHERE to_address = 'minji@example.com'`); err != nil {
		t.Fatal(err)
	}
	if status != "sent" {
		t.Fatalf("outbox status %q, want sent", status)
	}
}

// signal is a slog.Handler that drops every record and signals c (without
// blocking) when one has the message msg.
type signal struct {
	msg string
	c   chan struct{}
}

func (h signal) Enabled(context.Context, slog.Level) bool { return true }
func (h signal) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h signal) WithGroup(string) slog.Handler            { return h }
func (h signal) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		select {
		case h.c <- struct{}{}:
		default:
		}
	}
	return nil
}
