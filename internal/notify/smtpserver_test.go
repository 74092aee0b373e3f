package notify

import (
	"errors"
	"io"
	"net"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as the test SMTP server got it.
type received struct {
	from string
	to   []string
	data []byte
	user string // the user that signed in, "" without auth
}

// smtpServer is a real SMTP server on 127.0.0.1, speaking plain text. With
// user set it offers PLAIN and accepts mail only after that user signs in
// with password. With rejectRcpt it refuses every recipient, naming it, as
// servers do.
type smtpServer struct {
	user, password string
	rejectRcpt     bool
	got            chan received
}

// startSMTP starts s on a free port and returns it with its port; it stops
// when the test ends.
func startSMTP(t *testing.T, s smtpServer) (*smtpServer, int) {
	t.Helper()
	s.got = make(chan received, 4)
	srv := smtp.NewServer(&s)
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
	return &s, l.Addr().(*net.TCPAddr).Port
}

// NewSession implements smtp.Backend.
func (s *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	if s.user == "" {
		return &plainSession{srv: s}, nil
	}
	return &authSession{plainSession{srv: s}}, nil
}

type plainSession struct {
	srv  *smtpServer
	user string
	msg  received
}

func (ss *plainSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.user != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.msg = received{from: from, user: ss.user}
	return nil
}

func (ss *plainSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.srv.rejectRcpt {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + to + ">: no such user"}
	}
	ss.msg.to = append(ss.msg.to, to)
	return nil
}

func (ss *plainSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.msg.data = b
	ss.srv.got <- ss.msg
	return nil
}

func (ss *plainSession) Reset()        { ss.msg = received{} }
func (ss *plainSession) Logout() error { return nil }

type authSession struct{ plainSession }

func (as *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (as *authSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != as.srv.user || password != as.srv.password {
			return errors.New("invalid credentials")
		}
		as.user = user
		return nil
	}), nil
}
