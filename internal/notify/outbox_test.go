package notify

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fault"
)

var testNow = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

// shopName is a Shop of a fixed name.
type shopName string

func (s shopName) ShopName(context.Context) string { return string(s) }

// testShop names the shop in the tests' mails.
const testShop = shopName("말랑")

// jobList is a DeliveryQueue that refuses a pool, as River does, and keeps
// the ids it was given. It cannot see a rollback; the job queue's own tests
// (internal/jobs) show that a rolled-back mail leaves no job.
type jobList struct {
	mu  sync.Mutex
	ids []int64
}

func (l *jobList) EnqueueMailDelivery(_ context.Context, q db.Querier, id int64) error {
	if !db.IsTx(q) {
		return errors.New("not a transaction")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids = append(l.ids, id)
	return nil
}

func (l *jobList) enqueued() []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.ids)
}

func TestOutboxSendListGet(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	jobs := &jobList{}
	o := NewOutbox(d, jobs, testShop, fixedNow)
	first, err := Render("말랑", VerifyEmail, VerifyEmailData{Name: "민지", URL: "https://shop.example/v/1", Hours: 24})
	if err != nil {
		t.Fatal(err)
	}
	first.To = "minji@example.com"
	second := Message{To: "junho@example.com", Subject: "두 번째", Text: "text only"}
	// On the pool: Send opens a transaction for the mail and its job.
	if err := o.Send(ctx, d.Write(), first); err != nil {
		t.Fatalf("Send: %v", err)
	}
	// Inside the caller's transaction: stored when it commits.
	if err := d.InTx(ctx, func(q db.Querier) error { return o.Send(ctx, q, second) }); err != nil {
		t.Fatalf("Send in tx: %v", err)
	}

	got, err := o.List(ctx, 10, 0)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(got) != 2 || got[0].To != second.To || got[1].To != first.To {
		t.Fatalf("List = %+v, want the two mails newest first", got)
	}
	if ids := jobs.enqueued(); !slices.Equal(ids, []int64{got[1].ID, got[0].ID}) {
		t.Errorf("delivery jobs for %v, want %v", ids, []int64{got[1].ID, got[0].ID})
	}
	m := got[1]
	if m.Subject != first.Subject || m.Text != first.Text || m.HTML != first.HTML {
		t.Errorf("stored message differs from the one sent")
	}
	if m.Status != Queued || m.Attempts != 0 || m.LastError != "" || !m.SentAt.IsZero() {
		t.Errorf("stored state = %s/%d/%q/%v, want queued/0/\"\"/zero", m.Status, m.Attempts, m.LastError, m.SentAt)
	}
	if !m.CreatedAt.Equal(testNow) || !m.UpdatedAt.Equal(testNow) {
		t.Errorf("times = %v, %v, want %v", m.CreatedAt, m.UpdatedAt, testNow)
	}

	page, err := o.List(ctx, 1, 1)
	if err != nil || len(page) != 1 || page[0].ID != m.ID {
		t.Fatalf("List(1, 1) = %+v, %v, want the first mail", page, err)
	}
	one, err := o.Get(ctx, m.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !reflect.DeepEqual(one, m) {
		t.Errorf("Get = %+v, want %+v", one, m)
	}
	if _, err := o.Get(ctx, m.ID+100); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("Get unknown = %v, want fault.ErrNotFound", err)
	}
}

func TestOutboxRollsBackWithTransaction(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	o := NewOutbox(d, &jobList{}, testShop, fixedNow)
	boom := errors.New("sign-up failed")
	err := d.InTx(ctx, func(q db.Querier) error {
		if err := o.Send(ctx, q, Message{To: "minji@example.com", Subject: "s", Text: "t"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want %v", err, boom)
	}
	assertOutboxEmpty(t, o)
}

func TestOutboxRejectsBadAddress(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	o := NewOutbox(d, &jobList{}, testShop, fixedNow)
	err := o.Send(ctx, d.Write(), Message{To: "not an address", Subject: "s", Text: "t"})
	if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["to"] == "" {
		t.Fatalf("Send = %v, want *fault.Invalid on to", err)
	}
	assertOutboxEmpty(t, o)
}

func assertOutboxEmpty(t *testing.T, o *Outbox) {
	t.Helper()
	got, err := o.List(t.Context(), MaxPage, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Fatalf("outbox holds %d mails, want none", len(got))
	}
}
