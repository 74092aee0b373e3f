package notify

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify/smtptest"
)

func testConfig(port int) SMTPConfig {
	return SMTPConfig{
		Host: "127.0.0.1", Port: port, From: "말랑 <no-reply@mallang.example>",
		TLS: "none", Timeout: 5 * time.Second,
	}
}

func TestSMTPSend(t *testing.T) {
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
			d := dbtest.New(t)
			srv := smtptest.Start(t, smtptest.Options{User: tt.user, Password: tt.password})
			port := srv.Port
			cfg := testConfig(port)
			cfg.Username, cfg.Password = tt.user, tt.password
			s, err := NewSMTP(cfg, fixedNow)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Render(VerifyEmail, VerifyEmailData{Name: "민지", URL: "https://shop.example/signup/verify?token=abc", Hours: 24})
			if err != nil {
				t.Fatal(err)
			}
			m.To = "minji@example.com"
			if err := s.Send(ctx, d.Write(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}

			var got smtptest.Message
			select {
			case got = <-srv.Got:
			default:
				t.Fatal("the server received nothing")
			}
			if got.From != "no-reply@mallang.example" || len(got.To) != 1 || got.To[0] != m.To || got.User != tt.user {
				t.Fatalf("envelope from %q to %q as %q, want no-reply@mallang.example to [%s] as %q",
					got.From, got.To, got.User, m.To, tt.user)
			}
			assertMIME(t, got.Data, m)

			mails, err := NewOutbox(d, fixedNow).List(ctx, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(mails) != 1 {
				t.Fatalf("outbox holds %d mails, want 1", len(mails))
			}
			r := mails[0]
			if r.To != m.To || r.Subject != m.Subject || r.Text != m.Text || r.HTML != m.HTML {
				t.Error("outbox row differs from the message sent")
			}
			if r.Status != Sent || r.Attempts != 1 || r.LastError != "" || !r.SentAt.Equal(testNow) {
				t.Errorf("outbox row = %s/%d/%q/%v, want sent/1/\"\"/%v", r.Status, r.Attempts, r.LastError, r.SentAt, testNow)
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

func TestSMTPServerDown(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens on port now
	s, err := NewSMTP(testConfig(port), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	m := Message{To: "minji@example.com", Subject: "인증", Text: "t", HTML: "<p>t</p>"}
	err = s.Send(ctx, d.Write(), m)
	if err == nil {
		t.Fatal("Send = nil, want an error")
	}
	if strings.Contains(err.Error(), m.To) {
		t.Errorf("error %q names the recipient", err)
	}
	mails, lerr := NewOutbox(d, fixedNow).List(ctx, 10, 0)
	if lerr != nil {
		t.Fatal(lerr)
	}
	if len(mails) != 1 {
		t.Fatalf("outbox holds %d mails, want 1", len(mails))
	}
	r := mails[0]
	if r.Status != Failed || r.Attempts != 1 || r.LastError == "" || !r.SentAt.IsZero() {
		t.Fatalf("outbox row = %s/%d/%q/%v, want failed/1/an error/zero", r.Status, r.Attempts, r.LastError, r.SentAt)
	}
	if !strings.Contains(err.Error(), r.LastError) {
		t.Errorf("error %q does not carry last_error %q", err, r.LastError)
	}
}

func TestSMTPRejectedRecipientIsRedacted(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	// The server refuses the recipient, naming it, and go-mail's error
	// lists it too.
	port := smtptest.Start(t, smtptest.Options{RejectRcpt: true}).Port
	s, err := NewSMTP(testConfig(port), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	m := Message{To: "minji@example.com", Subject: "인증", Text: "t"}
	err = s.Send(ctx, d.Write(), m)
	var se *gomail.SendError
	if !errors.As(err, &se) {
		t.Fatalf("Send = %v, want a *mail.SendError inside", err)
	}
	if strings.Contains(err.Error(), m.To) || !strings.Contains(err.Error(), "550") {
		t.Errorf("error %q names the recipient or lacks the server's answer", err)
	}
	if !strings.Contains(errors.Unwrap(err).Error(), m.To) {
		t.Errorf("test premise: go-mail's error %q does not name the recipient", errors.Unwrap(err))
	}
	got, err := NewOutbox(d, fixedNow).List(ctx, 1, 0)
	if err != nil || len(got) != 1 || got[0].Status != Failed || strings.Contains(got[0].LastError, m.To) {
		t.Fatalf("outbox = %+v, %v, want one failed mail without the address in last_error", got, err)
	}
}

func TestSMTPRejectsBadAddress(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	srv := smtptest.Start(t, smtptest.Options{})
	port := srv.Port
	s, err := NewSMTP(testConfig(port), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(ctx, d.Write(), Message{To: "minji@", Subject: "s", Text: "t"})
	if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["to"] == "" {
		t.Fatalf("Send = %v, want *fault.Invalid on to", err)
	}
	assertOutboxEmpty(t, NewOutbox(d, fixedNow))
	select {
	case <-srv.Got:
		t.Fatal("the server received a message")
	default:
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
