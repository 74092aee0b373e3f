// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 for tests, speaking plain text, and hands over every message it
// receives. Tests of the mailer and of whole flows (a sign-up that mails a
// link) deliver to it through the production SMTP client.
package smtptest

import (
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message as the server got it.
type Message struct {
	From string
	To   []string
	Data []byte
	User string // the user that signed in, "" without auth
}

// Options shape the server. With User set it offers PLAIN and accepts mail
// only after that user signs in with Password. With RejectRcpt it refuses
// every recipient, naming it, as servers do. With RefuseFirst n it answers
// the first n transactions' MAIL command with 451 (try again later), as a
// busy or greylisting server does, and accepts the ones after.
type Options struct {
	User, Password string
	RejectRcpt     bool
	RefuseFirst    int
}

// Server is a running test server.
type Server struct {
	opts    Options
	refuse  atomic.Int64 // transactions still to refuse
	Refused atomic.Int64 // transactions refused so far
	// Got receives each message once its data has arrived.
	Got  chan Message
	Port int
}

// Start starts a server on a free port; it stops when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{opts: opts, Got: make(chan Message, 16)}
	s.refuse.Store(int64(opts.RefuseFirst))
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		// Close stops only listeners that Serve has registered; closing l
		// too ends a Serve that has not got that far.
		_ = srv.Close()
		_ = l.Close()
		<-done
	})
	s.Port = l.Addr().(*net.TCPAddr).Port
	return s
}

// Next waits up to d for the next message; ok is false when none came.
func (s *Server) Next(d time.Duration) (m Message, ok bool) {
	select {
	case m = <-s.Got:
		return m, true
	case <-time.After(d):
		return Message{}, false
	}
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(*smtp.Conn) (smtp.Session, error) {
	if s.opts.User == "" {
		return &plainSession{srv: s}, nil
	}
	return &authSession{plainSession{srv: s}}, nil
}

type plainSession struct {
	srv  *Server
	user string
	msg  Message
}

func (ss *plainSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.opts.User != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	if ss.srv.refuse.Add(-1) >= 0 {
		ss.srv.Refused.Add(1)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	ss.msg = Message{From: from, User: ss.user}
	return nil
}

func (ss *plainSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.srv.opts.RejectRcpt {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + to + ">: no such user"}
	}
	ss.msg.To = append(ss.msg.To, to)
	return nil
}

func (ss *plainSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.msg.Data = b
	ss.srv.Got <- ss.msg
	return nil
}

func (ss *plainSession) Reset()        { ss.msg = Message{} }
func (ss *plainSession) Logout() error { return nil }

type authSession struct{ plainSession }

func (as *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (as *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != as.srv.opts.User || password != as.srv.opts.Password {
			return errors.New("invalid credentials")
		}
		as.user = user
		return nil
	}), nil
}
