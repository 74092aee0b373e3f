package order_test

import (
	"testing"
	"time"

	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/shipping/deliverytracker"
	"github.com/mallang/mallang/internal/shipping/deliverytracker/deliverytrackertest"
)

// Shipped orders whose parcels the carrier reports delivered become
// delivered, with the carrier's time; parcels on their way or unknown to
// the service are left alone; a second round changes nothing.
func TestTrackShipped(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	fake := deliverytrackertest.New(t)
	tracker, err := deliverytracker.New(deliverytracker.Config{ClientID: deliverytrackertest.ClientID,
		ClientSecret: deliverytrackertest.ClientSecret, Endpoint: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	v := sh.Product(t, "말랑 현미", 12000, 100)
	staff := order.Staff(sh.Staff(t, "staff@example.com"))
	ship := func(number string) order.Order {
		t.Helper()
		o := sh.PlaceOne(t, v, 1)
		sh.SetStatus(t, o.ID, order.Paid)
		if _, err := sh.Orders.Ship(t.Context(), o.ID, "cj", number, staff); err != nil {
			t.Fatal(err)
		}
		return o
	}
	arrived, onItsWay, unknown := ship("640100000001"), ship("640100000002"), ship("640100000003")
	at := time.Date(2026, 12, 1, 16, 20, 0, 0, time.FixedZone("KST", 9*3600))
	fake.Set("kr.cjlogistics", "640100000001", "DELIVERED", at)
	fake.Set("kr.cjlogistics", "640100000002", "OUT_FOR_DELIVERY", at)

	for i, want := range []int{1, 0} {
		if n, err := sh.Orders.TrackShipped(t.Context(), tracker); err != nil || n != want {
			t.Fatalf("round %d: %d delivered, %v; want %d", i+1, n, err, want)
		}
	}
	got, err := sh.Orders.AdminGet(t.Context(), arrived.ID)
	if err != nil || got.Status != order.Delivered || len(got.Shipments) != 1 || !got.Shipments[0].DeliveredAt.Equal(at) {
		t.Fatalf("arrived = %s %+v, %v", got.Status, got.Shipments, err)
	}
	h, err := sh.Orders.History(t.Context(), arrived.ID)
	if err != nil || h[len(h)-1].Reason != order.DeliveredByCarrier || h[len(h)-1].Actor.Kind != order.BySystem {
		t.Fatalf("history = %+v, %v", h, err)
	}
	for _, o := range []order.Order{onItsWay, unknown} {
		if got, err := sh.Orders.AdminGet(t.Context(), o.ID); err != nil || got.Status != order.Shipped {
			t.Fatalf("order %s = %s, %v; want shipped still", o.Number, got.Status, err)
		}
	}
	// The parcel on its way arrives: the next round delivers it.
	fake.Set("kr.cjlogistics", "640100000002", "DELIVERED", at.Add(time.Hour))
	if n, err := sh.Orders.TrackShipped(t.Context(), tracker); err != nil || n != 1 {
		t.Fatalf("round 3: %d, %v", n, err)
	}
	// Wrong credentials stop the round with the service's error.
	ship("640100000004")
	bad, _ := deliverytracker.New(deliverytracker.Config{ClientID: "x", ClientSecret: "y", Endpoint: fake.URL})
	if _, err := sh.Orders.TrackShipped(t.Context(), bad); err == nil {
		t.Fatal("a round with wrong credentials reported no error")
	}
}
