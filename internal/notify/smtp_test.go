package notify

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/notify/smtptest"
)

func testConfig(port int) SMTPConfig {
	return SMTPConfig{
		Host: "127.0.0.1", Port: port, From: "말랑 <no-reply@mallang.example>",
		TLS: "none", Timeout: 5 * time.Second,
	}
}

// courierEnv is an outbox whose mail a Courier delivers through SMTP to a
// test server, called directly as the delivery job would.
type courierEnv struct {
	d       *db.DB
	outbox  *Outbox
	courier *Courier
	srv     *smtptest.Server
	clock   *fake.Clock
}

func newCourierEnv(t *testing.T, opts smtptest.Options, port int) courierEnv {
	t.Helper()
	d := dbtest.New(t)
	e := courierEnv{d: d, clock: fake.NewClock(testNow)}
	if port == 0 {
		e.srv = smtptest.Start(t, opts)
		port = e.srv.Port
	}
	cfg := testConfig(port)
	cfg.Username, cfg.Password = opts.User, opts.Password
	s, err := NewSMTP(cfg, e.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	e.outbox = NewOutbox(d, &jobList{}, testShop, e.clock.Now)
	e.courier = NewCourier(d, s, e.clock.Now, slog.New(slog.DiscardHandler))
	return e
}

// send stores m and returns its outbox id.
func (e courierEnv) send(t *testing.T, m Message) int64 {
	t.Helper()
	if err := e.outbox.Send(t.Context(), e.d.Write(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got, err := e.outbox.List(t.Context(), 1, 0)
	if err != nil || len(got) != 1 {
		t.Fatalf("List = %v, %v", got, err)
	}
	return got[0].ID
}

func (e courierEnv) mail(t *testing.T, id int64) Mail {
	t.Helper()
	m, err := e.outbox.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCourierSMTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, user, password string
	}{
		{"no auth", "", ""},
		{"plain auth", "shop", "s3cret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			e := newCourierEnv(t, smtptest.Options{User: tt.user, Password: tt.password}, 0)
			m, err := Render("말랑", VerifyEmail, VerifyEmailData{Name: "민지", URL: "https://shop.example/signup/verify?token=abc", Hours: 24})
			if err != nil {
				t.Fatal(err)
			}
			m.To = "minji@example.com"
			id := e.send(t, m)
			select {
			case <-e.srv.Got:
				t.Fatal("Send delivered; only the job may")
			default:
			}
			e.clock.Advance(time.Minute)
			if err := e.courier.Deliver(ctx, id, false); err != nil {
				t.Fatalf("Deliver: %v", err)
			}

			var got smtptest.Message
			select {
			case got = <-e.srv.Got:
			default:
				t.Fatal("the server received nothing")
			}
			if got.From != "no-reply@mallang.example" || len(got.To) != 1 || got.To[0] != m.To || got.User != tt.user {
				t.Fatalf("envelope from %q to %q as %q, want no-reply@mallang.example to [%s] as %q",
					got.From, got.To, got.User, m.To, tt.user)
			}
			assertMIME(t, got.Data, m)
			if hdr, err := mail.ReadMessage(bytes.NewReader(got.Data)); err != nil ||
				hdr.Header.Get("Message-Id") != "<"+messageID(id, m, "no-reply@mallang.example")+">" {
				t.Errorf("Message-ID is not the mail's stable one (%v)", err)
			}
			r := e.mail(t, id)
			if r.To != m.To || r.Subject != m.Subject || r.Text != m.Text || r.HTML != m.HTML {
				t.Error("outbox row differs from the message sent")
			}
			sentAt := testNow.Add(time.Minute)
			if r.Status != Sent || r.Attempts != 1 || r.LastError != "" || !r.SentAt.Equal(sentAt) {
				t.Errorf("outbox row = %s/%d/%q/%v, want sent/1/\"\"/%v", r.Status, r.Attempts, r.LastError, r.SentAt, sentAt)
			}
		})
	}
}

// assertMIME checks that data is m as a multipart/alternative message with
// an encoded Korean subject, a text part and an HTML part.
func assertMIME(t *testing.T, data []byte, m Message) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	if to := msg.Header.Get("To"); to != "<"+m.To+">" && to != m.To {
		t.Errorf("To header = %q, want %s", to, m.To)
	}
	raw := msg.Header.Get("Subject")
	if !strings.HasPrefix(strings.ToUpper(raw), "=?UTF-8?") {
		t.Errorf("Subject header %q is not RFC 2047 encoded", raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(raw)
	if err != nil || subject != m.Subject {
		t.Errorf("Subject = %q (%v), want %q", subject, err, m.Subject)
	}
	from, err := mail.ParseAddress(msg.Header.Get("From"))
	if err != nil || from.Name != "말랑" || from.Address != "no-reply@mallang.example" {
		t.Errorf("From = %+v (%v), want 말랑 <no-reply@mallang.example>", from, err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v), want multipart/alternative", mt, err)
	}
	parts := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		pt, pp, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("part Content-Type: %v", err)
		}
		if !strings.EqualFold(pp["charset"], "utf-8") {
			t.Errorf("part %s charset = %q, want UTF-8", pt, pp["charset"])
		}
		b, err := io.ReadAll(p) // quoted-printable is decoded by the reader
		if err != nil {
			t.Fatal(err)
		}
		parts[pt] = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	if len(parts) != 2 {
		t.Fatalf("parts = %d, want text/plain and text/html", len(parts))
	}
	if parts["text/plain"] != m.Text {
		t.Errorf("text part = %q, want %q", parts["text/plain"], m.Text)
	}
	if parts["text/html"] != m.HTML {
		t.Errorf("html part = %q, want %q", parts["text/html"], m.HTML)
	}
}

func TestNewSMTPConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(c *SMTPConfig)
		ok   bool
	}{
		{"none", func(*SMTPConfig) {}, true},
		{"starttls default port", func(c *SMTPConfig) { c.TLS, c.Port = "starttls", 0 }, true},
		{"tls with auth", func(c *SMTPConfig) { c.TLS, c.Username, c.Password = "tls", "u", "p" }, true},
		{"no host", func(c *SMTPConfig) { c.Host = "" }, false},
		{"bad from", func(c *SMTPConfig) { c.From = "no-reply" }, false},
		{"unknown tls", func(c *SMTPConfig) { c.TLS = "ssl" }, false},
		{"empty tls", func(c *SMTPConfig) { c.TLS = "" }, false},
		{"port too big", func(c *SMTPConfig) { c.Port = 70000 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := testConfig(2525)
			tt.edit(&c)
			_, err := NewSMTP(c, fixedNow)
			if (err == nil) != tt.ok {
				t.Fatalf("NewSMTP = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
