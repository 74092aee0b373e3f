package messaging

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/phone"
	"github.com/mallang/mallang/internal/settings"
	"github.com/mallang/mallang/internal/wiring"
)

// Status is where a stored message stands.
type Status string

// A message goes queued → sending → sent, or back to queued after a
// passing failure, or to failed: refused by the provider, the customer
// without a number by the time it is sent, or every attempt failed.
const (
	Queued  Status = "queued"
	Sending Status = "sending"
	Sent    Status = "sent"
	Failed  Status = "failed"
)

// ClaimLease is how long a delivery's claim keeps other runs of the job
// away from a message; the job's timeout is well below it.
const ClaimLease = 5 * time.Minute

// ErrInProgress is Deliver's answer when another run holds a fresh claim
// on the message: the job looks again once ClaimLease has passed.
var ErrInProgress = errors.New("message delivery in progress")

// Message is a stored 알림톡.
type Message struct {
	ID          int64
	UserID      int64
	Event       Event
	Template    string
	Variables   map[string]string
	FallbackSMS bool
	Status      Status
	Attempts    int
	ProviderID  string // the provider's message id once sent
	LastError   string // the provider's refusal or the last failure, without the number
	SentAt      time.Time
	CreatedAt   time.Time
}

// Settings gives the shop's settings as staff last saved them
// (*settings.Service).
type Settings interface {
	Current(ctx context.Context) settings.Settings
}

// Queue enqueues the delivery of message id in the caller's transaction
// (*jobs.Queue).
type Queue interface {
	EnqueueMessage(ctx context.Context, q db.Querier, id int64) error
}

// Phones gives a customer's phone number, decrypted ("+821012345678"), or
// "" when there is none. Only Deliver calls it.
type Phones interface {
	Phone(ctx context.Context, userID int64) (string, error)
}

// Deps are what the service needs; every one is required.
type Deps struct {
	Settings Settings
	Queue    Queue
	Phones   Phones
	Sender   Sender
}

// Config says whether the provider's keys are set (MALLANG_SOLAPI_*):
// without them nothing is diverted from mail, whatever the settings say.
type Config struct {
	Ready bool
}

// Service stores, enqueues and delivers 알림톡. It is safe for concurrent
// use.
type Service struct {
	d    *db.DB
	deps Deps
	cfg  Config
	now  func() time.Time
	log  *slog.Logger
}

// NewService returns the messaging service on d. It panics when a
// dependency is missing.
func NewService(d *db.DB, deps Deps, cfg Config, now func() time.Time, log *slog.Logger) *Service {
	if m := wiring.Missing("Settings", deps.Settings, "Queue", deps.Queue, "Phones", deps.Phones, "Sender", deps.Sender); len(m) > 0 || d == nil || now == nil || log == nil {
		panic(fmt.Sprintf("messaging: NewService without %v", m))
	}
	return &Service{d: d, deps: deps, cfg: cfg, now: now, log: log}
}

// Divert decides, on q (the transaction of the change a mail tells of),
// whether the customer's notice tmpl with data goes by 알림톡 instead of
// mail. It does when the provider's keys are set, the shop switched
// messaging on and set the template code of the notice's event, and
// customer userID has a phone number: it stores the message and enqueues
// its delivery on q and returns true, and the caller writes no mail. A
// notice stored before (its key is unique) is not stored again, and Divert
// still returns true. Otherwise it writes nothing and returns false. Its
// errors are the database's and fail the caller's transaction.
func (s *Service) Divert(ctx context.Context, q db.Querier, userID int64, tmpl notify.Template, data any) (bool, error) {
	if !s.cfg.Ready {
		return false, nil
	}
	st := s.deps.Settings.Current(ctx)
	if !st.Messaging.On {
		return false, nil
	}
	n, code, ok := plan(st.Messaging, st.ShopName, tmpl, data)
	if !ok {
		return false, nil
	}
	if !db.IsTx(q) {
		// A pool cannot carry the job (and the two must commit together).
		var diverted bool
		err := s.d.InTx(ctx, func(tx db.Querier) error {
			var err error
			diverted, err = s.store(ctx, tx, userID, n, code, st.Messaging.FallbackSMS)
			return err
		})
		return diverted, err
	}
	return s.store(ctx, q, userID, n, code, st.Messaging.FallbackSMS)
}

// store writes notice n with template code for customer userID and
// enqueues its delivery, on the transaction q, when the customer has a
// phone number; it reports whether the notice goes by 알림톡.
func (s *Service) store(ctx context.Context, q db.Querier, userID int64, n notice, code string, fallback bool) (bool, error) {
	has, err := hasPhone(ctx, q, userID)
	if err != nil || !has {
		return false, err
	}
	id, err := insertMessage(ctx, q, n.key, Message{UserID: userID, Event: n.event, Template: code, Variables: n.vars,
		FallbackSMS: fallback}, s.now().UTC())
	if err != nil {
		return false, err
	}
	if id == 0 {
		return true, nil // stored before: its job sends it
	}
	if err := s.deps.Queue.EnqueueMessage(ctx, q, id); err != nil {
		return false, fmt.Errorf("enqueue message %d: %w", id, err)
	}
	return true, nil
}

// Deliver sends message id once. It claims the message (queued → sending,
// committed on its own, so no transaction is open while the provider
// answers); a message already sent or failed is left alone and Deliver
// returns nil, so a job that runs twice sends once. It then reads and
// decrypts the customer's number and sends through the Sender with the
// sending number and channel of the settings:
//
//   - accepted: Sent, with the provider's id; nil;
//   - refused for good, or no number to send to: Failed with why; nil (a
//     retry would not help, and the change the notice tells of stands);
//   - any other failure: Queued again, or Failed when final (the job's last
//     attempt); the error, for the job to retry.
//
// A message claimed by another run less than ClaimLease ago returns an
// error wrapping ErrInProgress; one that does not exist, fault.ErrNotFound.
// The one duplicate it cannot rule out: the process dies after the
// provider accepted the message and before Sent is written.
func (s *Service) Deliver(ctx context.Context, id int64, final bool) error {
	claim := rand.Text()
	now := s.now().UTC()
	ok, err := claimMessage(ctx, s.d.Write(), id, claim, now, now.Add(ClaimLease))
	if err != nil {
		return fmt.Errorf("deliver message %d: %w", id, err)
	}
	if !ok {
		m, err := messageByID(ctx, s.d.Read(), id)
		if err != nil {
			return fmt.Errorf("deliver message %d: %w", id, err)
		}
		if m.Status == Sending {
			return fmt.Errorf("deliver message %d: %w", id, ErrInProgress)
		}
		return nil // sent or failed before
	}
	m, err := messageByID(ctx, s.d.Write(), id)
	if err != nil {
		return fmt.Errorf("deliver message %d: %w", id, err)
	}
	rc, sendErr := s.send(ctx, m)
	rec := context.WithoutCancel(ctx) // record the outcome even when ctx ended
	done := s.now().UTC()
	if sendErr == nil {
		if err := markSent(rec, s.d.Write(), id, claim, rc.MessageID, done); err != nil {
			return err
		}
		s.log.InfoContext(ctx, "message sent", "message_id", id, "event", string(m.Event))
		return nil
	}
	var refused *Refused
	permanent := errors.As(sendErr, &refused) || errors.Is(sendErr, errNoNumber)
	to := Queued
	if final || permanent {
		to = Failed
	}
	if err := markAttempt(rec, s.d.Write(), id, claim, to, sendErr.Error(), done); err != nil {
		return errors.Join(sendErr, err)
	}
	if permanent {
		s.log.WarnContext(ctx, "message not sent", "message_id", id, "event", string(m.Event), "err", sendErr)
		return nil
	}
	return fmt.Errorf("deliver message %d: %w", id, sendErr)
}

// errNoNumber: the customer has no Korean mobile number to send to (any
// more).
var errNoNumber = errors.New("the customer has no Korean phone number")

// send decrypts the customer's number and sends m through the provider.
func (s *Service) send(ctx context.Context, m Message) (Receipt, error) {
	stored, err := s.deps.Phones.Phone(ctx, m.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		return Receipt{}, errNoNumber
	}
	if err != nil {
		return Receipt{}, fmt.Errorf("phone of the customer: %w", err)
	}
	to, ok := Digits(stored)
	if !ok {
		return Receipt{}, errNoNumber
	}
	st := s.deps.Settings.Current(ctx).Messaging
	return s.deps.Sender.SendAlimtalk(ctx, Alimtalk{To: to, From: st.Sender, SenderKey: st.SenderKey,
		Template: m.Template, Variables: m.Variables, FallbackText: m.FallbackSMS})
}

// Digits writes a stored number (E.164, "+821012345678", or already
// Korean) as the digits a Korean provider takes, "01012345678"; ok is
// false for an empty number or one of another country.
func Digits(stored string) (string, bool) {
	f := phone.Format(stored)
	if f == "" || strings.HasPrefix(f, "+") {
		return "", false
	}
	d := strings.ReplaceAll(f, "-", "")
	for _, r := range d {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return d, len(d) >= 9
}

// Messages lists the messages stored for customer userID, newest first.
func (s *Service) Messages(ctx context.Context, userID int64) ([]Message, error) {
	return messagesOf(ctx, s.d.Read(), userID)
}

// Recent lists the newest limit messages (1–100) of every customer, for
// staff to see what was sent and what failed.
func (s *Service) Recent(ctx context.Context, limit int) ([]Message, error) {
	return recentMessages(ctx, s.d.Read(), min(max(limit, 1), 100))
}

// Mailer returns m with s's Divert: given to a service as its Mailer, the
// customer notices notify.SendToCustomer writes go by 알림톡 when Divert
// says so, and every other mail goes through m as before.
func (s *Service) Mailer(m notify.Mailer) notify.Mailer { return divertingMailer{Mailer: m, s: s} }

// divertingMailer is a notify.Mailer and notify.Diverter.
type divertingMailer struct {
	notify.Mailer
	s *Service
}

// Divert implements notify.Diverter.
func (m divertingMailer) Divert(ctx context.Context, q db.Querier, userID int64, tmpl notify.Template, data any) (bool, error) {
	return m.s.Divert(ctx, q, userID, tmpl, data)
}
