package app

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/config"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/notify/smtptest"
)

// TestSignUpMailsThroughSMTP runs the shop as configured for production
// mail: a sign-up on the storefront is delivered by the SMTP server the
// test starts, and the outbox records it as sent.
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
	a, err := New(context.Background(), cfg, slog.New(slog.DiscardHandler), "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)

	form := url.Values{"email": {"minji@example.com"}, "password": {"말랑한 봄날의 산책"}, "name": {"김민지"}, "phone": {"010-1234-5678"}, "terms": {"on"}}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(srv.URL+"/signup", form)
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
	var status string
	if err := a.DB.Read().GetContext(context.Background(), &status, `SELECT status FROM outbox WHERE to_address = 'minji@example.com'`); err != nil || status != "sent" {
		t.Fatalf("outbox status %q, %v", status, err)
	}
}
