package order_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit/audittest"
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
	for _, f := range []order.AdminFilter{{Limit: 0}, {Limit: order.MaxAdminList + 1}, {Limit: 10, Offset: -1}, {Limit: 10, Status: "lost"}} {
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

// A staff member's change of status and its audit entry commit together:
// with the audit log refusing entries the order stays as it was. Refused
// changes and the system's record nothing; a customer's cancellation is
// recorded, naming the customer.
func TestStaffChangesAudited(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	ctx := t.Context()
	v := sh.Product(t, "말랑 드립백커피", 8000, 100)
	o, mine, later := sh.PlaceOne(t, v, 1), sh.PlaceOne(t, v, 1), sh.PlaceOne(t, v, 1)
	by := sh.Staff(t, "orders@example.com")
	staff := order.Staff(by)

	if _, err := sh.Orders.Transition(ctx, o.ID, order.Paid, staff, " 입금 확인 "); err != nil {
		t.Fatal(err)
	}
	es := audittest.Entries(t, sh.D, "")
	if len(es) != 1 || es[0].Action != "order.status_changed" || es[0].TargetType != "order" || es[0].TargetID != strconv.FormatInt(o.ID, 10) ||
		es[0].ActorID != by.UserID || es[0].ActorEmail != by.Email || es[0].IP != by.IP || es[0].Detail["number"] != o.Number ||
		es[0].Detail["from"] != "pending_payment" || es[0].Detail["to"] != "paid" || es[0].Detail["reason"] != "입금 확인" {
		t.Fatalf("entries = %+v", es)
	}
	if _, err := sh.Orders.Transition(ctx, o.ID, order.Delivered, staff, ""); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("refused Transition = %v", err)
	}
	if _, err := sh.Orders.RequestCancel(ctx, mine.UserID, mine.ID, "변심"); err != nil {
		t.Fatal(err)
	}
	if _, err := sh.Orders.Ship(ctx, o.ID, "nope", "1234-5678-9012", staff); !isInvalid(err) {
		t.Fatalf("Ship with an unknown carrier = %v", err)
	}
	if es := audittest.Entries(t, sh.D, ""); len(es) != 2 || es[0].ActorID != mine.UserID || es[0].Detail["by"] != "customer" ||
		es[0].Detail["to"] != "cancelled" || es[0].TargetID != strconv.FormatInt(mine.ID, 10) {
		t.Fatalf("entries after a refusal and a customer's cancel: %+v", es)
	}
	got, err := sh.Orders.Ship(ctx, o.ID, " cj ", "1234-5678-9012", staff)
	if err != nil || got.Status != order.Shipped || len(got.Shipments) != 1 {
		t.Fatalf("Ship = %+v, %v", got, err)
	}
	es = audittest.Entries(t, sh.D, "order.shipped")
	if len(es) != 1 || es[0].ActorEmail != by.Email || es[0].Detail["carrier"] != "cj" || es[0].Detail["tracking_number"] != "1234-5678-9012" ||
		es[0].Detail["from"] != "paid" || es[0].Detail["to"] != "shipped" || es[0].Detail["reason"] != nil {
		t.Fatalf("shipped entries = %+v", es)
	}

	audittest.Refuse(t, sh.D)
	if _, err := sh.Orders.Transition(ctx, later.ID, order.Paid, staff, "입금 확인"); err == nil {
		t.Fatal("Transition with the audit log refusing succeeded")
	}
	if got, _ := sh.Orders.AdminGet(ctx, later.ID); got.Status != order.PendingPayment {
		t.Fatalf("a refused entry left status %s", got.Status)
	}
	sh.SetStatus(t, later.ID, order.Paid)
	if _, err := sh.Orders.Ship(ctx, later.ID, "cj", "1234-5678-9013", staff); err == nil {
		t.Fatal("Ship with the audit log refusing succeeded")
	}
	if got, _ := sh.Orders.AdminGet(ctx, later.ID); got.Status != order.Paid || len(got.Shipments) != 0 {
		t.Fatalf("a refused entry left status %s and %d shipments", got.Status, len(got.Shipments))
	}
	// The system's changes are not audited, so they go on.
	if _, err := sh.Orders.Transition(ctx, later.ID, order.Preparing, order.System, ""); err != nil {
		t.Fatalf("a system change with the audit log refusing = %v", err)
	}
}

func isInvalid(err error) bool {
	_, ok := fault.AsInvalid(err)
	return ok
}
