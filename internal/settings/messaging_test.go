package settings_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/settings"
)

// messagingOn is a complete messaging group.
func messagingOn() settings.Messaging {
	return settings.Messaging{On: true, Sender: "02-1234-5678", SenderKey: "KA01PF0000000000000000FAKE",
		Templates:   settings.MessageTemplates{Placed: "ORDER_PLACED", Shipped: "ORDER_SHIPPED"},
		FallbackSMS: true}
}

// A shop stores its 알림톡 settings; the sender is kept as digits and
// the codes as typed (trimmed). Each bad field is named alone and nothing
// changes.
func TestMessagingSettings(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	s := newService(t, d, fake.NewClock(start), 0)
	if got := s.Current(t.Context()).Messaging; got.On {
		t.Fatalf("a new shop has messaging on: %+v", got)
	}
	in := s.Current(t.Context())
	in.Messaging = messagingOn()
	in.Messaging.Templates.Delivered = "  ORDER_DELIVERED  "
	saved, err := s.Update(t.Context(), staff, in)
	if err != nil {
		t.Fatal(err)
	}
	want := messagingOn()
	want.Sender, want.Templates.Delivered = "0212345678", "ORDER_DELIVERED"
	if saved.Messaging != want || s.Current(t.Context()).Messaging != want {
		t.Fatalf("saved %+v, want %+v", saved.Messaging, want)
	}
	es := audittest.Entries(t, d, "settings.changed")
	if len(es) != 1 || fmt.Sprint(es[0].Detail["changed"]) != "[messaging]" {
		t.Fatalf("audit entries %+v, want one naming messaging", es)
	}

	tests := []struct {
		field  string
		change func(*settings.Messaging)
	}{
		{"messaging_sender", func(m *settings.Messaging) { m.Sender = "" }},
		{"messaging_sender", func(m *settings.Messaging) { m.Sender = "전화번호" }},
		{"messaging_sender", func(m *settings.Messaging) { m.Sender = "12" }},
		{"messaging_sender_key", func(m *settings.Messaging) { m.SenderKey = "" }},
		{"messaging_sender_key", func(m *settings.Messaging) { m.SenderKey = "채널 키" }},
		{"template_placed", func(m *settings.Messaging) { m.Templates.Placed = "주문 접수" }},
		{"template_deposit", func(m *settings.Messaging) { m.Templates.Deposit = strings.Repeat("A", settings.MaxTemplateCode+1) }},
		{"template_shipped", func(m *settings.Messaging) { m.Templates.Shipped = "A\nB" }},
		{"template_delivered", func(m *settings.Messaging) { m.Templates.Delivered = "<script>" }},
	}
	for i, tt := range tests {
		t.Run(tt.field+" "+strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			s := newService(t, d, fake.NewClock(start), 0)
			in := s.Current(t.Context())
			in.Messaging = messagingOn()
			tt.change(&in.Messaging)
			_, err := s.Update(t.Context(), staff, in)
			inv, ok := fault.AsInvalid(err)
			if !ok || inv.Fields[tt.field] == "" || len(inv.Fields) != 1 {
				t.Fatalf("Update = %v, want one message for %s", err, tt.field)
			}
			if got := s.Current(t.Context()); got.Version != 1 {
				t.Errorf("version = %d after a refused change, want 1", got.Version)
			}
		})
	}
}

// Switched off, the group is kept as typed without a sender or channel, so
// a shop can prepare it before its channel is approved.
func TestMessagingOffNeedsNothing(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	s := newService(t, d, fake.NewClock(start), 0)
	in := s.Current(t.Context())
	in.Messaging = settings.Messaging{Templates: settings.MessageTemplates{Shipped: "ORDER_SHIPPED"}}
	if _, err := s.Update(t.Context(), staff, in); err != nil {
		t.Fatal(err)
	}
}
