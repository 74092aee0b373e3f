package order_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
)

// allowed is the transition table written out: from → to → who may ("c"
// customer, "s" staff, "y" system). Every pair not listed is refused.
var allowed = map[order.Status]map[order.Status]string{
	order.PendingPayment:    {order.AwaitingDeposit: "sy", order.Paid: "sy", order.Cancelled: "csy"},
	order.AwaitingDeposit:   {order.Paid: "sy", order.Cancelled: "csy"},
	order.Paid:              {order.Preparing: "sy", order.Shipped: "s", order.Cancelled: "cs"},
	order.Preparing:         {order.Shipped: "s", order.Cancelled: "cs"},
	order.Shipped:           {order.Delivered: "sy"},
	order.Delivered:         {order.Completed: "csy", order.ReturnRequested: "cs"},
	order.ReturnRequested:   {order.Returned: "s", order.Delivered: "s", order.Shipped: "s"},
	order.Returned:          {order.Refunded: "sy", order.PartiallyRefunded: "sy"},
	order.PartiallyRefunded: {order.Refunded: "sy"},
}

// Every pair of statuses by every kind of actor: the allowed ones change the
// order and its lines and are recorded; the others are a conflict that
// changes nothing.
func TestTransitionMatrix(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "말랑 드립백커피", 8000, 1000)
	o := sh.PlaceOne(t, v, 1)
	// The matrix completes the order more than once, which a real order
	// cannot; it earns nothing so that points are credited once at most.
	if _, err := sh.D.Write().ExecContext(t.Context(), `UPDATE orders SET points_to_earn = 0`); err != nil {
		t.Fatal(err)
	}
	actors := map[string]order.Actor{"c": order.Customer(o.UserID), "s": order.Staff(sh.Staff(t, "staff@example.com")), "y": order.System}
	for _, from := range order.Statuses {
		for _, to := range order.Statuses {
			for _, who := range []string{"c", "s", "y"} {
				actor := actors[who]
				want := strings.Contains(allowed[from][to], who)
				name := string(from) + "→" + string(to) + " by " + string(actor.Kind)
				t.Run(name, func(t *testing.T) {
					if got := order.Allowed(from, to, actor.Kind); got != want {
						t.Fatalf("Allowed = %v, want %v", got, want)
					}
					sh.SetStatus(t, o.ID, from)
					before, err := sh.Orders.History(t.Context(), o.ID)
					if err != nil {
						t.Fatal(err)
					}
					got, err := sh.Orders.Transition(t.Context(), o.ID, to, actor, "테스트")
					// The table allows the steps of a return, but only the
					// returns service takes them, with its request.
					if !want || order.ReturnStatus(from, to) {
						if !errors.Is(err, fault.ErrConflict) {
							t.Fatalf("Transition = %v, want ErrConflict", err)
						}
						after, _ := sh.Orders.History(t.Context(), o.ID)
						cur, _ := sh.Orders.Get(t.Context(), o.UserID, o.ID)
						if len(after) != len(before) || cur.Status != from {
							t.Errorf("refused change left status %s and %d history entries (was %d)", cur.Status, len(after), len(before))
						}
						return
					}
					if err != nil {
						t.Fatalf("Transition: %v", err)
					}
					if got.Status != to || got.Lines[0].Status != to {
						t.Errorf("status %s, line %s; want %s", got.Status, got.Lines[0].Status, to)
					}
					after, err := sh.Orders.History(t.Context(), o.ID)
					if err != nil || len(after) != len(before)+1 {
						t.Fatalf("history %d entries (was %d), %v", len(after), len(before), err)
					}
					h := after[len(after)-1]
					if h.From != from || h.To != to || h.Actor.Kind != actor.Kind || h.Actor.ID != actor.ID || h.Reason != "테스트" {
						t.Errorf("history entry = %+v", h)
					}
				})
			}
		}
	}
}

func TestTransitionChecks(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "말랑 감자칩", 2000, 100)
	o := sh.PlaceOne(t, v, 1)
	stranger := sh.Customer(t, "stranger@example.com")
	tests := []struct {
		name  string
		to    order.Status
		actor order.Actor
		want  error
	}{
		{"another customer's order", order.Cancelled, order.Customer(stranger), fault.ErrNotFound},
		{"unknown status", "lost", order.Staff(audit.Actor{UserID: 1}), &fault.Invalid{}},
		{"staff without an id", order.Paid, order.Actor{Kind: order.ByStaff}, &fault.Invalid{}},
		{"unknown actor kind", order.Paid, order.Actor{Kind: "robot", ID: 1}, &fault.Invalid{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sh.Orders.Transition(t.Context(), o.ID, tt.to, tt.actor, "")
			if _, ok := tt.want.(*fault.Invalid); ok {
				if _, ok := fault.AsInvalid(err); !ok {
					t.Fatalf("Transition = %v, want *fault.Invalid", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Transition = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := sh.Orders.Transition(t.Context(), 99999, order.Paid, order.System, ""); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("unknown order: %v", err)
	}
}

// Cancelling gives back stock, coupon and points; a customer can do it until
// the order ships, and only for their own orders.
func TestRequestCancel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status order.Status
		own    bool
		want   error
	}{
		{"pending", order.PendingPayment, true, nil},
		{"awaiting deposit", order.AwaitingDeposit, true, nil},
		{"paid", order.Paid, true, nil},
		{"preparing", order.Preparing, true, nil},
		{"shipped", order.Shipped, true, fault.ErrConflict},
		{"cancelled already", order.Cancelled, true, fault.ErrConflict},
		{"someone else's", order.PendingPayment, false, fault.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := ordertest.NewShop(t)
			v := sh.Product(t, "말랑 버터쿠키", 10000, 10)
			u := sh.Customer(t, "kim@example.com")
			sh.Give(t, u, 3000)
			sh.Add(t, u, v, 3)
			o, err := sh.Place(t.Context(), order.PlaceInput{UserID: u, IdempotencyKey: "k", AddressID: sh.Address(t, u),
				CouponCode: "WELCOME", PointsToUse: 2000, PaymentMethod: "card", Channel: order.PCWeb})
			if err != nil {
				t.Fatal(err)
			}
			sh.SetStatus(t, o.ID, tt.status)
			who := u
			if !tt.own {
				who = sh.Customer(t, "lee@example.com")
			}
			got, err := sh.Orders.RequestCancel(t.Context(), who, o.ID, "마음이 바뀌었어요")
			if !errors.Is(err, tt.want) {
				t.Fatalf("RequestCancel = %v, want %v", err, tt.want)
			}
			stock, balance := sh.Stock(t, v), int64(0)
			if balance, err = sh.Points.Balance(t.Context(), u); err != nil {
				t.Fatal(err)
			}
			if tt.want != nil {
				if _, released := sh.CouponUse(t, o.ID); stock != 7 || balance != 1000 || released {
					t.Errorf("refused cancel: stock %d, balance %d, coupon released %v", stock, balance, released)
				}
				return
			}
			if got.Status != order.Cancelled || got.CancelledAt.IsZero() || got.Lines[0].Status != order.Cancelled {
				t.Errorf("order = %+v", got)
			}
			if _, released := sh.CouponUse(t, o.ID); stock != 10 || balance != 3000 || !released {
				t.Errorf("after cancel: stock %d, balance %d, coupon released %v", stock, balance, released)
			}
		})
	}
}

// Unpaid orders past their deadline (and the grace) are cancelled once, by
// the system, even with several runs at once; paid ones are left alone.
func TestExpireUnpaid(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "말랑 쌀과자", 4000, 10)
	a := sh.PlaceOne(t, v, 1)
	b := sh.PlaceOne(t, v, 2)
	paid := sh.PlaceOne(t, v, 3)
	if _, err := sh.Orders.Transition(t.Context(), paid.ID, order.Paid, order.System, "카드 결제"); err != nil {
		t.Fatal(err)
	}
	sh.Clock.Advance(20 * time.Minute)
	if n, err := sh.Orders.ExpireUnpaid(t.Context(), 0); err != nil || n != 0 {
		t.Fatalf("before the deadline: %d, %v", n, err)
	}
	sh.Clock.Advance(15 * time.Minute) // 35 minutes: past the 30-minute deadline
	if n, err := sh.Orders.ExpireUnpaid(t.Context(), 10*time.Minute); err != nil || n != 0 {
		t.Fatalf("within the grace: %d, %v", n, err)
	}
	var wg sync.WaitGroup
	counts := make(chan int, 4)
	for range 4 {
		wg.Go(func() {
			n, err := sh.Orders.ExpireUnpaid(t.Context(), 0)
			if err != nil {
				t.Errorf("ExpireUnpaid: %v", err)
			}
			counts <- n
		})
	}
	wg.Wait()
	close(counts)
	total := 0
	for n := range counts {
		total += n
	}
	if total != 2 {
		t.Errorf("cancelled %d, want 2", total)
	}
	for _, o := range []order.Order{a, b} {
		got, err := sh.Orders.Get(t.Context(), o.UserID, o.ID)
		if err != nil || got.Status != order.Cancelled {
			t.Errorf("order %d: %s, %v", o.ID, got.Status, err)
		}
		h, _ := sh.Orders.History(t.Context(), o.ID)
		if last := h[len(h)-1]; last.Actor != order.System || last.From != order.PendingPayment {
			t.Errorf("history = %+v", h)
		}
	}
	if got, _ := sh.Orders.Get(t.Context(), paid.UserID, paid.ID); got.Status != order.Paid {
		t.Errorf("paid order is %s", got.Status)
	}
	if got := sh.Stock(t, v); got != 7 {
		t.Errorf("stock = %d, want 7 (3 units of the paid order taken)", got)
	}
}

func TestShip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  order.Status
		carrier string
		number  string
		want    error
		field   string
	}{
		{"paid", order.Paid, "cj", "123456789012", nil, ""},
		{"preparing", order.Preparing, "cj", "123456789012", nil, ""},
		{"unpaid", order.PendingPayment, "cj", "123456789012", fault.ErrConflict, ""},
		{"shipped already", order.Shipped, "cj", "123456789012", fault.ErrConflict, ""},
		{"unknown carrier", order.Paid, "pigeon", "1", nil, "carrier_code"},
		{"no number", order.Paid, "cj", " ", nil, "tracking_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := ordertest.NewShop(t)
			v := sh.Product(t, "말랑 머그컵", 12000, 10)
			o := sh.PlaceOne(t, v, 1)
			sh.SetStatus(t, o.ID, tt.status)
			got, err := sh.Orders.Ship(t.Context(), o.ID, tt.carrier, tt.number, order.Staff(sh.Staff(t, "staff@example.com")))
			if tt.field != "" {
				if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[tt.field] == "" {
					t.Fatalf("Ship = %v, want a message for %q", err, tt.field)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Ship = %v, want %v", err, tt.want)
			}
			if tt.want != nil {
				return
			}
			if got.Status != order.Shipped || len(got.Shipments) != 1 {
				t.Fatalf("order = %+v", got)
			}
			s := got.Shipments[0]
			if s.CarrierCode != "cj" || s.TrackingNumber != tt.number || s.ShippedAt.IsZero() ||
				s.TrackingURL != "https://trace.cjlogistics.com/next/tracking.html?wblNo="+tt.number {
				t.Errorf("shipment = %+v", s)
			}
			got, err = sh.Orders.Transition(t.Context(), o.ID, order.Delivered, order.System, "배송 완료")
			if err != nil || got.Shipments[0].DeliveredAt.IsZero() {
				t.Errorf("delivered: %+v, %v", got.Shipments, err)
			}
		})
	}
}

// Completing an order credits the points it earns, once.
func TestCompleteEarnsPoints(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "말랑 수건", 20000, 10)
	o := sh.PlaceOne(t, v, 2) // 40,000 + 3,000 shipping: 430 points
	sh.SetStatus(t, o.ID, order.Delivered)
	if _, err := sh.Orders.Transition(t.Context(), o.ID, order.Completed, order.Customer(o.UserID), "구매 확정"); err != nil {
		t.Fatal(err)
	}
	if b, err := sh.Points.Balance(t.Context(), o.UserID); err != nil || b != 430 {
		t.Errorf("balance = %d, %v; want 430", b, err)
	}
}
