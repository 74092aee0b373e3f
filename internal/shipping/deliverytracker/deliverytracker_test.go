package deliverytracker_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/shipping/deliverytracker"
	"github.com/mallang/mallang/internal/shipping/deliverytracker/deliverytrackertest"
)

func TestDelivered(t *testing.T) {
	t.Parallel()
	fake := deliverytrackertest.New(t)
	c, err := deliverytracker.New(deliverytracker.Config{ClientID: deliverytrackertest.ClientID, ClientSecret: deliverytrackertest.ClientSecret, Endpoint: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 3, 15, 4, 0, 0, time.FixedZone("KST", 9*3600))
	fake.Set("kr.cjlogistics", "640123456789", "DELIVERED", at)
	fake.Set("kr.epost", "6012345678901", "OUT_FOR_DELIVERY", at)

	got, ok, err := c.Delivered(t.Context(), "cj", "640123456789")
	if err != nil || !ok || !got.Equal(at) {
		t.Fatalf("delivered parcel = %v, %v, %v", got, ok, err)
	}
	if _, ok, err := c.Delivered(t.Context(), "epost", "6012345678901"); err != nil || ok {
		t.Fatalf("parcel out for delivery = %v, %v; want not delivered", ok, err)
	}
	if _, _, err := c.Delivered(t.Context(), "cj", "000000000000"); !errors.Is(err, deliverytracker.ErrNotFound) {
		t.Fatalf("unknown parcel = %v", err)
	}
	if _, _, err := c.Delivered(t.Context(), "daeshin", "1234"); !errors.Is(err, deliverytracker.ErrUnknownCarrier) {
		t.Fatalf("unmapped carrier = %v", err)
	}
	bad, err := deliverytracker.New(deliverytracker.Config{ClientID: "x", ClientSecret: "y", Endpoint: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	var e *deliverytracker.Error
	if _, _, err := bad.Delivered(t.Context(), "cj", "640123456789"); !errors.As(err, &e) || e.Code != "UNAUTHENTICATED" {
		t.Fatalf("wrong credentials = %v", err)
	}
	if _, err := deliverytracker.New(deliverytracker.Config{}); err == nil {
		t.Fatal("a client without credentials")
	}
}
