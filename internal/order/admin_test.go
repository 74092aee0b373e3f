package order_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
)

// Staff read every customer's orders, newest first, filtered by status or
// number and a page at a time.
func TestAdminList(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "말랑 드립백커피", 8000, 100)
	var placed []order.Order
	for range 5 {
		placed = append(placed, sh.PlaceOne(t, v, 1))
	}
	sh.SetStatus(t, placed[1].ID, order.Paid)
	sh.SetStatus(t, placed[3].ID, order.Paid)

	ids := func(os []order.Order) []int64 {
		var out []int64
		for _, o := range os {
			out = append(out, o.ID)
		}
		return out
	}
	tests := []struct {
		name  string
		f     order.AdminFilter
		want  []int64
		total int
	}{
		{"all", order.AdminFilter{Limit: 10}, []int64{placed[4].ID, placed[3].ID, placed[2].ID, placed[1].ID, placed[0].ID}, 5},
		{"first page", order.AdminFilter{Limit: 2}, []int64{placed[4].ID, placed[3].ID}, 5},
		{"last page", order.AdminFilter{Limit: 2, Offset: 4}, []int64{placed[0].ID}, 5},
		{"past the end", order.AdminFilter{Limit: 2, Offset: 6}, nil, 5},
		{"status", order.AdminFilter{Status: order.Paid, Limit: 10}, []int64{placed[3].ID, placed[1].ID}, 2},
		{"number any case", order.AdminFilter{Number: "  " + strings.ToLower(placed[2].Number) + " ", Limit: 10}, []int64{placed[2].ID}, 1},
		{"number and other status", order.AdminFilter{Number: placed[2].Number, Status: order.Paid, Limit: 10}, nil, 0},
		{"unknown number", order.AdminFilter{Number: "20000101-XXXXXXXX", Limit: 10}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := sh.Orders.AdminList(t.Context(), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if total != tt.total || !slices.Equal(ids(got), tt.want) {
				t.Fatalf("AdminList = %v (%d in all), want %v (%d)", ids(got), total, tt.want, tt.total)
			}
			for _, o := range got {
				if len(o.Lines) != 1 || o.Address != (order.Address{}) {
					t.Fatalf("order %d: %d lines, address %+v", o.ID, len(o.Lines), o.Address)
				}
			}
		})
	}
	for _, f := range []order.AdminFilter{{Limit: 0}, {Limit: order.MaxList + 1}, {Limit: 10, Offset: -1}, {Limit: 10, Status: "lost"}} {
		if _, _, err := sh.Orders.AdminList(t.Context(), f); !isInvalid(err) {
			t.Errorf("AdminList(%+v) = %v, want *fault.Invalid", f, err)
		}
	}
}

// AdminGet reads anyone's order with its address; an unknown one is not
// found.
func TestAdminGet(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "말랑 드립백커피", 8000, 100)
	o := sh.PlaceOne(t, v, 2)
	got, err := sh.Orders.AdminGet(t.Context(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Number != o.Number || got.Address.Recipient != "김말랑" || got.Address.Line1 != "서울 강남구 테헤란로 123" || len(got.Lines) != 1 {
		t.Fatalf("AdminGet = %+v", got)
	}
	if _, err := sh.Orders.AdminGet(t.Context(), o.ID+100); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("AdminGet of an unknown order = %v, want ErrNotFound", err)
	}
}

// Hooks run in the transaction of the change: what they write commits with
// it, and their failure undoes it.
func TestTransitionThenHooks(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "말랑 드립백커피", 8000, 100)
	o := sh.PlaceOne(t, v, 1)
	var seen []order.Change
	record := func(ctx context.Context, q db.Querier, c order.Change) error {
		seen = append(seen, c)
		_, err := q.ExecContext(ctx, q.Rebind(`UPDATE orders SET payment_method = ? WHERE id = ?`), "hooked", c.OrderID)
		return err
	}
	boom := errors.New("boom")
	fail := func(context.Context, db.Querier, order.Change) error { return boom }

	if _, err := sh.Orders.TransitionThen(t.Context(), o.ID, order.Paid, order.Staff(9), " 입금 확인 ", record, fail); !errors.Is(err, boom) {
		t.Fatalf("TransitionThen with a failing hook = %v", err)
	}
	got, _ := sh.Orders.AdminGet(t.Context(), o.ID)
	if got.Status != order.PendingPayment || got.PaymentMethod != "card" {
		t.Fatalf("a failed hook left status %s, payment %q", got.Status, got.PaymentMethod)
	}

	seen = nil
	got, err := sh.Orders.TransitionThen(t.Context(), o.ID, order.Paid, order.Staff(9), " 입금 확인 ", record)
	if err != nil {
		t.Fatal(err)
	}
	want := order.Change{OrderID: o.ID, Number: o.Number, From: order.PendingPayment, To: order.Paid, Actor: order.Staff(9), Reason: "입금 확인"}
	if got.Status != order.Paid || got.PaymentMethod != "hooked" || len(seen) != 1 || seen[0] != want {
		t.Fatalf("status %s, payment %q, hooks saw %+v", got.Status, got.PaymentMethod, seen)
	}

	// Refused: the hook never runs.
	seen = nil
	if _, err := sh.Orders.TransitionThen(t.Context(), o.ID, order.Delivered, order.Staff(9), "", record); !errors.Is(err, fault.ErrConflict) || len(seen) != 0 {
		t.Fatalf("refused TransitionThen = %v, hooks saw %+v", err, seen)
	}

	// Shipping: the shipment, the status and the hook's write in one go.
	if _, err := sh.Orders.ShipThen(t.Context(), o.ID, "nope", "1234-5678-9012", order.Staff(9), record); !isInvalid(err) {
		t.Fatalf("ShipThen with an unknown carrier = %v", err)
	}
	if _, err := sh.Orders.ShipThen(t.Context(), o.ID, "cj", "1234-5678-9012", order.Staff(9), fail); !errors.Is(err, boom) {
		t.Fatalf("ShipThen with a failing hook = %v", err)
	}
	if got, _ := sh.Orders.AdminGet(t.Context(), o.ID); got.Status != order.Paid || len(got.Shipments) != 0 {
		t.Fatalf("a failed hook left status %s and %d shipments", got.Status, len(got.Shipments))
	}
	seen = nil
	got, err = sh.Orders.ShipThen(t.Context(), o.ID, " cj ", "1234-5678-9012", order.Staff(9), record)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != order.Shipped || len(got.Shipments) != 1 || got.Shipments[0].TrackingURL == "" ||
		len(seen) != 1 || seen[0].CarrierCode != "cj" || seen[0].TrackingNumber != "1234-5678-9012" || seen[0].From != order.Paid {
		t.Fatalf("shipped: %+v, hooks saw %+v", got, seen)
	}
}

func isInvalid(err error) bool {
	_, ok := fault.AsInvalid(err)
	return ok
}
