package messaging_test

import (
	"context"
	"testing"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/notify/notifytest"
	"github.com/mallang/mallang/internal/settings"
)

// contacts answers every customer's address and name.
type contacts struct{}

func (contacts) Contact(context.Context, db.Querier, int64) (string, string, error) {
	return "minji@example.com", "김민지", nil
}

// Given to a service as its Mailer, the messaging mailer sends a notice by
// 알림톡 instead of mail when the shop switched messaging on, and lets
// the mail go when it is off or the notice is not an order's.
func TestMailerDiverts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		on          bool
		tmpl        notify.Template
		data        func(name string) any
		mails, msgs int
	}{
		{"on", true, notify.OrderShipped, func(n string) any { d := shippedData("1"); d.Name = n; return d }, 0, 1},
		{"off", false, notify.OrderShipped, func(n string) any { d := shippedData("1"); d.Name = n; return d }, 1, 0},
		{"other mail", true, notify.OrderCancelled, func(n string) any {
			return notify.CancelledData{Name: n, Number: "20261207-0001", URL: "https://shop.example.com/account/orders/20261207-0001"}
		}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			e := newEnv(t, true, false)
			e.shop.set(func(m *settings.Messaging) { m.On = tt.on })
			id := e.customer(t, "minji@example.com", "+821012345678")
			outbox := notifytest.Outbox(e.d, e.clock.Now)
			m := e.svc.Mailer(outbox)
			if err := e.d.InTx(ctx, func(q db.Querier) error {
				return notify.SendToCustomer(ctx, m, q, contacts{}, id, tt.tmpl, tt.data)
			}); err != nil {
				t.Fatal(err)
			}
			mails, err := outbox.List(ctx, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			msgs, err := e.svc.Messages(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(mails) != tt.mails || len(msgs) != tt.msgs {
				t.Fatalf("%d mails and %d messages, want %d and %d", len(mails), len(msgs), tt.mails, tt.msgs)
			}
			if tt.msgs == 1 && msgs[0].Variables["#{이름}"] != "김민지" {
				t.Fatalf("message variables %v", msgs[0].Variables)
			}
		})
	}
}
