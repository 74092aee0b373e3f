package order_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
)

// Staff keep internal notes on an order: each with its author and time,
// oldest first, audited; an empty or too long note, a note without an
// author and one on an unknown order are refused and keep nothing.
func TestNotes(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	o := sh.PlaceOne(t, sh.Product(t, "말랑 드립백커피", 8000, 100), 1)
	kim := sh.Staff(t, "kim@example.com")
	lee := sh.Staff(t, "lee@example.com")
	ctx := t.Context()

	refused := []struct {
		name    string
		by      audit.Actor
		orderID int64
		body    string
		field   string
		err     error
	}{
		{"empty", kim, o.ID, " \n ", "body", nil},
		{"too long", kim, o.ID, strings.Repeat("가", order.MaxNote+1), "body", nil},
		{"no author", audit.Actor{}, o.ID, "메모", "actor", nil},
		{"unknown order", kim, o.ID + 1000, "메모", "", fault.ErrNotFound},
	}
	for _, tt := range refused {
		_, err := sh.Orders.AddNote(ctx, tt.by, tt.orderID, tt.body)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%s: %v, want %v", tt.name, err, tt.err)
			}
			continue
		}
		if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[tt.field] == "" {
			t.Errorf("%s: %v, want a message on %s", tt.name, err, tt.field)
		}
	}

	first, err := sh.Orders.AddNote(ctx, kim, o.ID, "  고객이 전화로 문 앞 배송을 요청함\r\n경비실 X  ")
	if err != nil {
		t.Fatal(err)
	}
	if first.Body != "고객이 전화로 문 앞 배송을 요청함\n경비실 X" || first.AuthorEmail != "kim@example.com" || first.CreatedAt.IsZero() {
		t.Fatalf("note = %+v", first)
	}
	if _, err := sh.Orders.AddNote(ctx, lee, o.ID, strings.Repeat("나", order.MaxNote)); err != nil {
		t.Fatal(err)
	}
	notes, err := sh.Orders.Notes(ctx, o.ID)
	if err != nil || len(notes) != 2 || notes[0].ID != first.ID || notes[1].AuthorEmail != "lee@example.com" {
		t.Fatalf("notes = %+v, %v", notes, err)
	}
	var audited int
	if err := sh.D.Read().GetContext(ctx, &audited, sh.D.Read().Rebind(
		`SELECT COUNT(*) FROM audit_log WHERE action = 'order.note_added' AND target_id = ?`), strconv.FormatInt(o.ID, 10)); err != nil || audited != 2 {
		t.Fatalf("%d notes audited, %v; want 2", audited, err)
	}
}
