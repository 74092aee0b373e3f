package messaging_test

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/jobs"
	"github.com/mallang/mallang/internal/messaging"
	"github.com/mallang/mallang/internal/messaging/solapi"
	"github.com/mallang/mallang/internal/messaging/solapi/solapitest"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/settings"
)

var start = time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)

// shop holds the settings a test changes.
type shop struct {
	mu sync.Mutex
	st settings.Settings
}

func (s *shop) Current(context.Context) settings.Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

func (s *shop) set(f func(*settings.Messaging)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.st.Messaging)
}

// phones are the customers' decrypted numbers.
type phones map[int64]string

func (p phones) Phone(_ context.Context, id int64) (string, error) {
	n, ok := p[id]
	if !ok {
		return "", fault.ErrNotFound
	}
	return n, nil
}

// env is a service over a fresh database, the fake SOLAPI and the real job
// queue and runner.
type env struct {
	d      *db.DB
	clock  *fake.Clock
	srv    *solapitest.Server
	shop   *shop
	svc    *messaging.Service
	runner *jobs.Runner
	phones phones
}

// newEnv builds the env; with run false no runner works the jobs, and the
// test calls Deliver itself.
func newEnv(t *testing.T, ready, run bool) *env {
	t.Helper()
	ctx := t.Context()
	e := &env{d: dbtest.New(t), clock: fake.NewClock(start), phones: phones{}}
	if err := jobs.Migrate(ctx, e.d); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.NewQueue(e.d)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = solapitest.NewServer(e.clock.Now)
	t.Cleanup(e.srv.Close)
	e.srv.Template("PLACED", messaging.VarName, messaging.VarNumber, messaging.VarTotal, messaging.VarURL)
	e.srv.Template("SHIPPED", messaging.VarName, messaging.VarNumber, messaging.VarCarrier, messaging.VarTracking, messaging.VarTrackURL)
	e.shop = &shop{st: settings.Settings{ShopName: "말랑 상점", Messaging: settings.Messaging{On: true, Sender: solapitest.Sender,
		SenderKey: solapitest.PfID, Templates: settings.MessageTemplates{Placed: "PLACED", Shipped: "SHIPPED"}, FallbackSMS: true}}}
	sender := solapi.New(solapi.Config{APIKey: solapitest.APIKey, APISecret: solapitest.APISecret, BaseURL: e.srv.URL()},
		&http.Client{Timeout: 5 * time.Second}, e.clock.Now)
	log := slog.New(slog.DiscardHandler)
	e.svc = messaging.NewService(e.d, messaging.Deps{Settings: e.shop, Queue: q, Phones: e.phones, Sender: sender},
		messaging.Config{Ready: ready}, e.clock.Now, log)
	e.runner, err = jobs.NewRunner(e.d, log, nil, nil, nil, nil, &jobs.Mail{Courier: noMail{}, Backoff: func(int) time.Duration { return time.Millisecond },
		Messages: e.svc}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if run {
		if err := e.runner.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = e.runner.Stop(context.Background()) })
	}
	return e
}

type noMail struct{}

func (noMail) Deliver(context.Context, int64, bool) error { return nil }

// customer adds a customer; with a number, the account holds it encrypted
// (here any text: only Phones decrypts).
func (e *env) customer(t *testing.T, email, number string) int64 {
	t.Helper()
	q := e.d.Write()
	enc := ""
	if number != "" {
		enc = "v1.k0.ciphertext"
	}
	var id int64
	if err := q.QueryRowxContext(t.Context(), q.Rebind(`INSERT INTO users (email, name, phone_enc) VALUES (?, '김민지', ?) RETURNING id`),
		email, enc).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if number != "" {
		e.phones[id] = number
	}
	return id
}

// divert runs Divert in a transaction, as the order's change does.
func (e *env) divert(t *testing.T, userID int64, tmpl notify.Template, data any) bool {
	t.Helper()
	var got bool
	if err := e.d.InTx(t.Context(), func(q db.Querier) error {
		var err error
		got, err = e.svc.Divert(t.Context(), q, userID, tmpl, data)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func shippedData(tracking string) notify.ShippedData {
	return notify.ShippedData{Name: "김민지", Number: "20261207-0001", Carrier: "CJ대한통운", TrackingNumber: tracking,
		TrackingURL: "https://trace.cjlogistics.com/next/tracking.html?wblNo=" + tracking, URL: "https://shop.example.com/account/orders/20261207-0001"}
}

func placedData(transfer bool) notify.OrderPlacedData {
	d := notify.OrderPlacedData{Name: "김민지", Number: "20261207-0002", Lines: []notify.Line{{Name: "머그컵", Qty: 1, Amount: money.Won(12900)}},
		Shipping: money.Won(3000), Total: money.Won(15900), URL: "https://shop.example.com/account/orders/20261207-0002"}
	if transfer {
		d.Transfer = &notify.TransferData{Deposit: notify.Deposit{Number: d.Number, Bank: "말랑은행", Account: "123-456", Holder: "(주)말랑",
			Amount: money.Won(15900), Deadline: start.Add(48 * time.Hour), URL: d.URL}}
	}
	return d
}

// A notice goes by 알림톡 only when the keys are set, the shop switched
// messaging on and set the event's template, and the customer has a
// number; otherwise nothing is stored and the mail goes.
func TestDivert(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		ready    bool
		settings func(*settings.Messaging)
		number   string
		tmpl     notify.Template
		data     any
		want     bool
	}{
		{name: "shipped", ready: true, number: "+821012345678", tmpl: notify.OrderShipped, data: shippedData("111122223333"), want: true},
		{name: "placed", ready: true, number: "+821012345678", tmpl: notify.OrderPlaced, data: placedData(false), want: true},
		{name: "no keys", number: "+821012345678", tmpl: notify.OrderShipped, data: shippedData("1")},
		{name: "off", ready: true, settings: func(m *settings.Messaging) { m.On = false }, number: "+821012345678",
			tmpl: notify.OrderShipped, data: shippedData("1")},
		{name: "no template for the event", ready: true, settings: func(m *settings.Messaging) { m.Templates.Shipped = "" },
			number: "+821012345678", tmpl: notify.OrderShipped, data: shippedData("1")},
		{name: "no phone", ready: true, tmpl: notify.OrderShipped, data: shippedData("1")},
		{name: "transfer without a deposit template", ready: true, number: "+821012345678", tmpl: notify.OrderPlaced, data: placedData(true)},
		{name: "not an order notice", ready: true, number: "+821012345678", tmpl: notify.OrderCancelled,
			data: notify.CancelledData{Number: "20261207-0001", URL: "https://shop.example.com/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.ready, false)
			if tt.settings != nil {
				e.shop.set(tt.settings)
			}
			id := e.customer(t, "minji@example.com", tt.number)
			if got := e.divert(t, id, tt.tmpl, tt.data); got != tt.want {
				t.Fatalf("Divert = %v, want %v", got, tt.want)
			}
			ms, err := e.svc.Messages(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1}[tt.want]; len(ms) != want {
				t.Fatalf("%d messages stored, want %d", len(ms), want)
			}
		})
	}
}

// The 알림톡 of a shipped order reaches the provider once with its
// template, variables and fallback, however often the change's code and
// the job run; a second parcel of the same order is a notice of its own.
func TestShippedSentOnce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	e := newEnv(t, true, true)
	id := e.customer(t, "minji@example.com", "+821012345678")
	for range 2 {
		if !e.divert(t, id, notify.OrderShipped, shippedData("111122223333")) {
			t.Fatal("not diverted")
		}
	}
	if err := e.runner.WorkAll(ctx); err != nil {
		t.Fatal(err)
	}
	ms, err := e.svc.Messages(ctx, id)
	if err != nil || len(ms) != 1 {
		t.Fatalf("messages %v, %v; want one", ms, err)
	}
	// The job again, as after a crash or a second node: nothing more.
	if err := e.svc.Deliver(ctx, ms[0].ID, false); err != nil {
		t.Fatal(err)
	}
	got := e.srv.Messages()
	if len(got) != 1 {
		t.Fatalf("provider got %d messages, want 1", len(got))
	}
	want := map[string]string{messaging.VarName: "김민지", messaging.VarShop: "말랑 상점", messaging.VarNumber: "20261207-0001",
		messaging.VarURL: "https://shop.example.com/account/orders/20261207-0001", messaging.VarCarrier: "CJ대한통운",
		messaging.VarTracking: "111122223333", messaging.VarTrackURL: shippedData("111122223333").TrackingURL}
	m := got[0]
	if m.Type != "ATA" || m.To != "01012345678" || m.TemplateID != "SHIPPED" || m.PfID != solapitest.PfID ||
		m.From != solapitest.Sender || m.DisableSms || !maps.Equal(m.Variables, want) {
		t.Fatalf("provider got %+v", m)
	}
	ms, _ = e.svc.Messages(ctx, id)
	if ms[0].Status != messaging.Sent || ms[0].ProviderID != m.ID || ms[0].Attempts != 1 {
		t.Fatalf("stored %+v", ms[0])
	}

	if !e.divert(t, id, notify.OrderShipped, shippedData("999988887777")) {
		t.Fatal("second parcel not diverted")
	}
	if err := e.runner.WorkAll(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(e.srv.Messages()); n != 2 {
		t.Fatalf("provider got %d messages after the second parcel, want 2", n)
	}
}

// Without the fallback, the provider is told not to send a text.
func TestNoFallback(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, true)
	e.shop.set(func(m *settings.Messaging) { m.FallbackSMS = false })
	id := e.customer(t, "minji@example.com", "010-1234-5678")
	e.divert(t, id, notify.OrderPlaced, placedData(false))
	if err := e.runner.WorkAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := e.srv.Messages()
	if len(got) != 1 || !got[0].DisableSms || got[0].TemplateID != "PLACED" || got[0].Variables[messaging.VarTotal] != "15,900원" {
		t.Fatalf("provider got %+v", got)
	}
}

// A refusal for good marks the message failed with the provider's code and
// is not tried again; a server error leaves it queued for the next
// attempt, which sends it.
func TestDeliverOutcomes(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, true, false)
		e.shop.set(func(m *settings.Messaging) { m.Templates.Shipped = "NOT_APPROVED" })
		id := e.customer(t, "minji@example.com", "+821012345678")
		e.divert(t, id, notify.OrderShipped, shippedData("1"))
		ms, _ := e.svc.Messages(ctx, id)
		if err := e.svc.Deliver(ctx, ms[0].ID, false); err != nil {
			t.Fatalf("Deliver = %v, want nil for a refusal", err)
		}
		ms, _ = e.svc.Messages(ctx, id)
		if ms[0].Status != messaging.Failed || !strings.Contains(ms[0].LastError, "ValidationError") ||
			strings.Contains(ms[0].LastError, "01012345678") {
			t.Fatalf("stored %+v", ms[0])
		}
		if err := e.svc.Deliver(ctx, ms[0].ID, false); err != nil || e.srv.Calls(solapitest.SendPath) != 1 {
			t.Fatalf("second Deliver = %v after %d calls", err, e.srv.Calls(solapitest.SendPath))
		}
	})
	t.Run("server error", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, true, false)
		id := e.customer(t, "minji@example.com", "+821012345678")
		e.divert(t, id, notify.OrderShipped, shippedData("1"))
		ms, _ := e.svc.Messages(ctx, id)
		e.srv.FailNext(solapitest.SendPath, http.StatusInternalServerError)
		if err := e.svc.Deliver(ctx, ms[0].ID, false); err == nil {
			t.Fatal("Deliver = nil after a server error")
		}
		ms, _ = e.svc.Messages(ctx, id)
		if ms[0].Status != messaging.Queued || ms[0].Attempts != 1 {
			t.Fatalf("stored %+v", ms[0])
		}
		if err := e.svc.Deliver(ctx, ms[0].ID, false); err != nil {
			t.Fatal(err)
		}
		if len(e.srv.Messages()) != 1 {
			t.Fatal("not sent on the second attempt")
		}
	})
	t.Run("number gone", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, true, false)
		id := e.customer(t, "minji@example.com", "+821012345678")
		e.divert(t, id, notify.OrderShipped, shippedData("1"))
		delete(e.phones, id)
		ms, _ := e.svc.Messages(ctx, id)
		if err := e.svc.Deliver(ctx, ms[0].ID, false); err != nil {
			t.Fatal(err)
		}
		ms, _ = e.svc.Messages(ctx, id)
		if ms[0].Status != messaging.Failed || e.srv.Calls(solapitest.SendPath) != 0 {
			t.Fatalf("stored %+v after %d calls", ms[0], e.srv.Calls(solapitest.SendPath))
		}
	})
}

func TestDigits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"+821012345678", "01012345678", true},
		{"010-1234-5678", "01012345678", true},
		{"+12025550123", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got, ok := messaging.Digits(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("Digits(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// Given the pool instead of a transaction, Divert opens one of its own for
// the message and its job.
func TestDivertOnThePool(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true, true)
	id := e.customer(t, "minji@example.com", "+821012345678")
	got, err := e.svc.Divert(t.Context(), e.d.Write(), id, notify.OrderShipped, shippedData("1"))
	if err != nil || !got {
		t.Fatalf("Divert = %v, %v", got, err)
	}
	if err := e.runner.WorkAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(e.srv.Messages()); n != 1 {
		t.Fatalf("provider got %d messages, want 1", n)
	}
}
