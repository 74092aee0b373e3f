package notify

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPConfig says how to reach the shop's mail server.
type SMTPConfig struct {
	Host string
	// Port 0 picks the usual port for TLS: 587 for "starttls", 465 for
	// "tls", 25 for "none".
	Port int
	// Username and Password, when Username is set, sign in with the
	// strongest mechanism the server offers. Over TLS "none" only PLAIN is
	// tried, and go-mail refuses it unless Host is the local machine, so a
	// password never crosses the network in clear.
	Username string
	Password string
	// From is the sender, with or without a display name:
	// "말랑 <no-reply@mallang.kr>".
	From string
	// TLS is "starttls" (upgrade on the submission port; the server must
	// offer it), "tls" (implicit TLS from the first byte) or "none" (plain
	// text; for a relay on the same machine or a test server).
	TLS string
	// Timeout bounds connecting and each command; 0 means 10 seconds.
	Timeout time.Duration
}

// SMTP is the production Transport: it delivers through an SMTP server
// with go-mail. The Courier records the outcome in the outbox table. It
// holds no connection between deliveries and is safe for concurrent use.
type SMTP struct {
	opts     []gomail.Option
	host     string
	fromName string
	fromAddr string
	now      func() time.Time
}

// NewSMTP checks cfg and returns an SMTP mailer; it does not connect, so a
// wrong host or password shows at the first delivery. now stamps the Date
// header.
func NewSMTP(cfg SMTPConfig, now func() time.Time) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtp: host is required")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: from address: %w", err)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	opts := []gomail.Option{gomail.WithTimeout(timeout)}
	port := cfg.Port
	switch cfg.TLS {
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		if port == 0 {
			port = 587
		}
	case "tls":
		opts = append(opts, gomail.WithSSL())
		if port == 0 {
			port = 465
		}
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		if port == 0 {
			port = 25
		}
	default:
		return nil, fmt.Errorf("smtp: TLS %q: want starttls, tls or none", cfg.TLS)
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("smtp: port %d out of range", port)
	}
	opts = append(opts, gomail.WithPort(port))
	if cfg.Username != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if cfg.TLS == "none" {
			// Discovery offers no PLAIN without TLS; go-mail still sends
			// PLAIN to the local machine only.
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(auth),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	s := &SMTP{opts: opts, host: cfg.Host, fromName: from.Name, fromAddr: from.Address, now: now}
	if _, err := s.client(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *SMTP) client() (*gomail.Client, error) {
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return c, nil
}

// Deliver sends m, outbox mail id, through the server. Every attempt of
// one mail carries the same Message-ID (made of id and a digest of the
// message), so the rare duplicate after a crash (see Courier.Deliver) is one
// message to the mailbox providers that drop repeated ids. A failure is
// returned wrapped with the id and without the recipient; a permanent
// refusal (a 5xx answer) also wraps ErrUndeliverable.
func (s *SMTP) Deliver(ctx context.Context, id int64, m Message) error {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	err := msg.FromFormat(s.fromName, s.fromAddr)
	if err == nil {
		err = msg.To(m.To)
	}
	if err == nil {
		msg.Subject(m.Subject)
		msg.SetDateWithValue(s.now())
		msg.SetMessageIDWithValue(messageID(id, m, s.fromAddr))
		for _, k := range AllowedHeaders {
			if v := m.Headers[k]; v != "" {
				msg.SetGenHeader(gomail.Header(k), v)
			}
		}
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		if m.HTML != "" {
			msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
		}
		var c *gomail.Client
		if c, err = s.client(); err == nil {
			err = c.DialAndSendWithContext(ctx, msg)
		}
	}
	if err == nil {
		return nil
	}
	var se *gomail.SendError
	permanent := errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600
	return &deliveryError{id: id, msg: redact(err.Error(), m.To), err: err, permanent: permanent}
}

// messageID is the Message-ID of outbox mail id: the same for every attempt
// of it, and different for another message that got the same id (another
// database, a reset development shop).
func messageID(id int64, m Message, from string) string {
	h := sha256.New()
	for _, part := range []string{m.To, m.Subject, m.Text, m.HTML} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	domain := "localhost"
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		domain = from[at+1:]
	}
	return fmt.Sprintf("outbox.%d.%x@%s", id, h.Sum(nil)[:8], domain)
}

// deliveryError is a failed delivery. Its text leaves out the recipient,
// which go-mail and many servers repeat in their errors, so that callers may
// log it; Unwrap still gives go-mail's error (a *mail.SendError when the
// server answered) for retry decisions.
type deliveryError struct {
	id        int64
	msg       string
	err       error
	permanent bool // the server refused for good
}

func (e *deliveryError) Error() string { return fmt.Sprintf("send mail %d: %s", e.id, e.msg) }
func (e *deliveryError) Unwrap() error { return e.err }

// Is makes a permanent refusal match ErrUndeliverable.
func (e *deliveryError) Is(target error) bool { return e.permanent && target == ErrUndeliverable }

// redact replaces the address addr in s, in any letter case.
func redact(s, addr string) string {
	if addr == "" {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+len(addr) <= len(s) && strings.EqualFold(s[i:i+len(addr)], addr) {
			b.WriteString("<recipient>")
			i += len(addr)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
