package order_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
)

var numberRE = regexp.MustCompile(`^20261130-[2-9A-HJ-NP-Z]{8}$`)

func TestPlace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		typed       bool   // a typed address instead of one from the book
		digital     bool   // the product is digital: nothing ships
		postcode    string // of the typed address
		coupon      string
		balance     int64
		points      int64
		qty         int64
		wantStatus  order.Status
		wantMethod  string
		wantTotal   int64
		wantShip    int64
		wantRemote  int64
		wantCoupon  bool
		wantPoints  int64
		wantEarn    int64
		wantBalance int64
	}{
		// 2 × 12,000 = 24,000 + 3,000 shipping.
		{name: "book address", qty: 2, wantStatus: order.PendingPayment, wantMethod: "card", wantTotal: 27000, wantShip: 3000, wantEarn: 270},
		{name: "typed Jeju address", typed: true, postcode: "63100", qty: 2, wantStatus: order.PendingPayment, wantMethod: "card",
			wantTotal: 30000, wantShip: 3000, wantRemote: 3000, wantEarn: 300},
		{name: "coupon", coupon: "WELCOME", qty: 2, wantStatus: order.PendingPayment, wantMethod: "card",
			wantTotal: 22000, wantShip: 3000, wantCoupon: true, wantEarn: 220},
		{name: "some points", balance: 10000, points: 4000, qty: 2, wantStatus: order.PendingPayment, wantMethod: "card",
			wantTotal: 23000, wantShip: 3000, wantPoints: 4000, wantEarn: 230, wantBalance: 6000},
		// Digital goods alone pay no shipping, even to Jeju.
		{name: "digital only", digital: true, typed: true, postcode: "63100", qty: 2, wantStatus: order.PendingPayment,
			wantMethod: "card", wantTotal: 24000, wantEarn: 240},
		// 5 × 12,000 = 60,000 ships free; points pay it all.
		{name: "paid with points", balance: 70000, points: 60000, qty: 5, wantStatus: order.Paid, wantMethod: order.PaymentPoints,
			wantTotal: 0, wantPoints: 60000, wantBalance: 10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := ordertest.NewShop(t)
			v := sh.Product(t, "말랑 다크초콜릿", 12000, 10)
			if tt.digital {
				q := sh.D.Write()
				if _, err := q.ExecContext(t.Context(), q.Rebind(`UPDATE products SET product_type = 'digital', ships = FALSE
					WHERE id = (SELECT product_id FROM variants WHERE id = ?)`), v); err != nil {
					t.Fatal(err)
				}
			}
			u := sh.Customer(t, "kim@example.com")
			sh.Add(t, u, v, tt.qty)
			if tt.balance > 0 {
				sh.Give(t, u, tt.balance)
			}
			in := order.PlaceInput{UserID: u, IdempotencyKey: "checkout-1", DeliveryNote: "문 앞에 놓아 주세요",
				CouponCode: tt.coupon, PointsToUse: tt.points, PaymentMethod: "card", Channel: order.MobileWeb}
			if tt.typed {
				in.Address = &order.Address{Recipient: "이말랑", Phone: "010 9876 5432", Postcode: tt.postcode, Line1: "제주시 첨단로 242"}
			} else {
				in.AddressID = sh.Address(t, u)
			}
			o, err := sh.Place(t.Context(), in)
			if err != nil {
				t.Fatalf("Place: %v", err)
			}
			var wantCoupon int64
			if tt.wantCoupon {
				wantCoupon = sh.CouponID(t, tt.coupon)
			}
			if o.Status != tt.wantStatus || o.PaymentMethod != tt.wantMethod || o.Total != tt.wantTotal ||
				o.Shipping != tt.wantShip || o.RemoteSurcharge != tt.wantRemote || o.CouponID != wantCoupon ||
				o.PointsUsed != tt.wantPoints || o.PointsToEarn != tt.wantEarn || o.Subtotal != 12000*tt.qty {
				t.Errorf("order = %+v", o)
			}
			if o.Breakdown.Total != o.Total || len(o.Breakdown.Lines) != 1 {
				t.Errorf("breakdown = %+v", o.Breakdown)
			}
			if !numberRE.MatchString(o.Number) || o.Channel != order.MobileWeb || o.UserID != u {
				t.Errorf("number %q, channel %q, user %d", o.Number, o.Channel, o.UserID)
			}
			if tt.wantStatus == order.Paid {
				if o.PaidAt.IsZero() || !o.PayBy.IsZero() {
					t.Errorf("paid at %v, pay by %v", o.PaidAt, o.PayBy)
				}
			} else if !o.PayBy.Equal(sh.Clock.Now().Add(30*time.Minute)) || !o.PaidAt.IsZero() {
				t.Errorf("pay by %v, paid at %v", o.PayBy, o.PaidAt)
			}
			wantAddr := order.Address{Recipient: "김말랑", Phone: "+821012345678", Postcode: "06236", Line1: "서울 강남구 테헤란로 123", Line2: "4층"}
			if tt.typed {
				wantAddr = order.Address{Recipient: "이말랑", Phone: "+821098765432", Postcode: tt.postcode, Line1: "제주시 첨단로 242"}
			}
			if o.Address != wantAddr || o.DeliveryNote != "문 앞에 놓아 주세요" {
				t.Errorf("address %+v, note %q", o.Address, o.DeliveryNote)
			}
			if len(o.Lines) != 1 {
				t.Fatalf("lines = %+v", o.Lines)
			}
			l := o.Lines[0]
			if l.Name != "말랑 다크초콜릿" || l.Options != "맛: 기본" || l.SKU == "" || l.UnitPrice != 12000 || l.Quantity != tt.qty ||
				l.LineTotal != 12000*tt.qty || l.Status != tt.wantStatus || l.VariantID != v {
				t.Errorf("line = %+v", l)
			}
			if got := sh.Stock(t, v); got != 10-tt.qty {
				t.Errorf("stock = %d, want %d", got, 10-tt.qty)
			}
			if n := sh.CartLines(t, u); n != 0 {
				t.Errorf("%d lines left in the cart", n)
			}
			if got, released := sh.CouponUse(t, o.ID); got != wantCoupon || released {
				t.Errorf("coupon redeemed = %d (released %v), want %d", got, released, wantCoupon)
			}
			if b, err := sh.Points.Balance(t.Context(), u); err != nil || b != tt.wantBalance {
				t.Errorf("balance = %d, %v; want %d", b, err, tt.wantBalance)
			}
			h, err := sh.Orders.History(t.Context(), o.ID)
			if err != nil || len(h) != 1 || h[0].From != "" || h[0].To != tt.wantStatus || h[0].Actor != order.Customer(u) {
				t.Errorf("history = %+v, %v", h, err)
			}
			// The stored address is encrypted.
			var stored string
			q := sh.D.Read()
			if err := q.GetContext(t.Context(), &stored, q.Rebind(`SELECT line1_enc FROM orders WHERE id = ?`), o.ID); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(stored, "v1.") || strings.Contains(stored, "로") {
				t.Errorf("line1 stored as %q", stored)
			}
			// Prices are copied: a later price change does not touch the order.
			if _, err := sh.D.Write().ExecContext(t.Context(), `UPDATE variants SET price_minor = 99000`); err != nil {
				t.Fatal(err)
			}
			again, err := sh.Orders.Get(t.Context(), u, o.ID)
			if err != nil || again.Lines[0].UnitPrice != 12000 || again.Total != o.Total {
				t.Errorf("after a price change: %+v, %v", again, err)
			}
		})
	}
}

func TestPlaceRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(sh *ordertest.Shop, in *order.PlaceInput, other int64)
		field string
	}{
		{"no key", func(_ *ordertest.Shop, in *order.PlaceInput, _ int64) { in.IdempotencyKey = " " }, "idempotency_key"},
		{"long key", func(_ *ordertest.Shop, in *order.PlaceInput, _ int64) { in.IdempotencyKey = strings.Repeat("k", 65) }, "idempotency_key"},
		{"bad channel", func(_ *ordertest.Shop, in *order.PlaceInput, _ int64) { in.Channel = "kiosk" }, "channel"},
		{"no address", func(_ *ordertest.Shop, in *order.PlaceInput, _ int64) { in.AddressID = 0 }, "address_id"},
		{"someone else's address", func(_ *ordertest.Shop, in *order.PlaceInput, other int64) { in.AddressID = other }, "address_id"},
		{"typed address without phone", func(_ *ordertest.Shop, in *order.PlaceInput, _ int64) {
			in.AddressID, in.Address = 0, &order.Address{Recipient: "김말랑", Postcode: "06236", Line1: "서울"}
		}, "address.phone"},
		{"typed address with bad postcode", func(_ *ordertest.Shop, in *order.PlaceInput, _ int64) {
			in.AddressID, in.Address = 0, &order.Address{Recipient: "김말랑", Phone: "01012345678", Postcode: "6236", Line1: "서울"}
		}, "address.postcode"},
		{"note with a line break", func(_ *ordertest.Shop, in *order.PlaceInput, _ int64) { in.DeliveryNote = "문 앞\n경비실" }, "delivery_note"},
		{"no payment method", func(_ *ordertest.Shop, in *order.PlaceInput, _ int64) { in.PaymentMethod = "" }, "payment_method"},
		{"unknown coupon", func(_ *ordertest.Shop, in *order.PlaceInput, _ int64) { in.CouponCode = "NOPE" }, "coupon"},
		{"coupon under its minimum", func(_ *ordertest.Shop, in *order.PlaceInput, _ int64) { in.CouponCode = "BIG" }, "coupon"},
		{"more points than the balance", func(_ *ordertest.Shop, in *order.PlaceInput, _ int64) { in.PointsToUse = 5000 }, "points"},
		{"negative points", func(_ *ordertest.Shop, in *order.PlaceInput, _ int64) { in.PointsToUse = -1 }, "points"},
		{"empty cart", func(sh *ordertest.Shop, in *order.PlaceInput, _ int64) {
			if _, err := sh.D.Write().ExecContext(context.Background(), "DELETE FROM cart_lines"); err != nil {
				panic(err)
			}
		}, "cart"},
		{"sold out meanwhile", func(sh *ordertest.Shop, in *order.PlaceInput, _ int64) {
			if _, err := sh.D.Write().ExecContext(context.Background(), "UPDATE variants SET stock = 1 WHERE sku = 'OT-1'"); err != nil {
				panic(err)
			}
		}, "cart"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := ordertest.NewShop(t)
			v := sh.Product(t, "말랑 밀크초콜릿", 10000, 5)
			w := sh.Product(t, "말랑 초콜릿쿠키", 3000, 5)
			u := sh.Customer(t, "kim@example.com")
			other := sh.Customer(t, "lee@example.com")
			// w first, so a refusal at v must give w's stock back.
			sh.Add(t, u, w, 1)
			sh.Add(t, u, v, 2)
			in := order.PlaceInput{UserID: u, IdempotencyKey: "checkout-1", AddressID: sh.Address(t, u),
				PaymentMethod: "card", Channel: order.PCWeb}
			tt.edit(sh, &in, sh.Address(t, other))
			_, err := sh.Place(t.Context(), in)
			inv, ok := fault.AsInvalid(err)
			if !ok || inv.Fields[tt.field] == "" {
				t.Fatalf("Place = %v, want a message for %q", err, tt.field)
			}
			// Nothing was taken, nothing was stored.
			var n int
			if err := sh.D.Read().GetContext(t.Context(), &n, `SELECT COUNT(*) FROM orders`); err != nil || n != 0 {
				t.Errorf("%d orders, %v", n, err)
			}
			if got := sh.Stock(t, w); got != 5 {
				t.Errorf("stock of the other line = %d, want 5", got)
			}
		})
	}
}

// The same checkout submitted twice, one after the other or ten times at
// once, makes one order and takes stock once.
func TestPlaceIdempotent(t *testing.T) {
	t.Parallel()
	for _, tries := range []int{2, 10} {
		t.Run(strings.Repeat("x", tries), func(t *testing.T) {
			t.Parallel()
			sh := ordertest.NewShop(t)
			v := sh.Product(t, "말랑 원두커피", 15000, 10)
			u := sh.Customer(t, "kim@example.com")
			sh.Add(t, u, v, 3)
			in := order.PlaceInput{UserID: u, IdempotencyKey: "same-key", AddressID: sh.Address(t, u),
				PaymentMethod: "card", Channel: order.API}
			ids := make(chan int64, tries)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range tries {
				wg.Go(func() {
					if tries == 2 && i == 1 {
						// Sequential: wait for the first.
						return
					}
					<-start
					o, err := sh.Place(t.Context(), in)
					if err != nil {
						t.Errorf("Place: %v", err)
						return
					}
					ids <- o.ID
				})
			}
			close(start)
			wg.Wait()
			if tries == 2 {
				o, err := sh.Place(t.Context(), in)
				if err != nil {
					t.Fatal(err)
				}
				ids <- o.ID
			}
			close(ids)
			var first int64
			for id := range ids {
				if first == 0 {
					first = id
				}
				if id != first {
					t.Errorf("orders %d and %d for one key", first, id)
				}
			}
			var n int
			if err := sh.D.Read().GetContext(t.Context(), &n, `SELECT COUNT(*) FROM orders`); err != nil || n != 1 {
				t.Errorf("%d orders, %v", n, err)
			}
			if got := sh.Stock(t, v); got != 7 {
				t.Errorf("stock = %d, want 7", got)
			}
		})
	}
}

// Fifty customers check out the last ten units at once: ten orders, stock
// zero, and the others are told it sold out.
func TestPlaceLastUnits(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "한정판 초콜릿", 9900, 10)
	const buyers = 50
	ins := make([]order.PlaceInput, buyers)
	for i := range ins {
		u := sh.Customer(t, "buyer"+ordertest.Key(i)+"@example.com")
		sh.Add(t, u, v, 1)
		ins[i] = order.PlaceInput{UserID: u, IdempotencyKey: ordertest.Key(i), AddressID: sh.Address(t, u),
			PaymentMethod: "card", Channel: order.MobileWeb}
	}
	var wg sync.WaitGroup
	errs := make(chan error, buyers)
	start := make(chan struct{})
	for _, in := range ins {
		wg.Go(func() {
			<-start
			_, err := sh.Place(t.Context(), in)
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	placed, soldOut := 0, 0
	for err := range errs {
		if err == nil {
			placed++
			continue
		}
		if inv, ok := fault.AsInvalid(err); ok && inv.Fields["cart"] != "" {
			soldOut++
			continue
		}
		t.Errorf("Place: %v", err)
	}
	if placed != 10 || soldOut != buyers-10 {
		t.Errorf("placed %d, sold out %d; want 10, %d", placed, soldOut, buyers-10)
	}
	var n int
	if err := sh.D.Read().GetContext(t.Context(), &n, `SELECT COUNT(*) FROM orders`); err != nil || n != 10 {
		t.Errorf("%d orders, %v", n, err)
	}
	if got := sh.Stock(t, v); got != 0 {
		t.Errorf("stock = %d, want 0", got)
	}
	sh.Cat.StockChanged()
	var inStock bool
	if err := sh.D.Read().GetContext(t.Context(), &inStock, `SELECT in_stock FROM products`); err != nil || inStock {
		t.Errorf("in stock = %v, %v", inStock, err)
	}
}

func TestReads(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "말랑 콜드브루", 5000, 20)
	a := sh.PlaceOne(t, v, 1)
	u := a.UserID
	sh.Add(t, u, v, 2)
	b, err := sh.Place(t.Context(), order.PlaceInput{UserID: u, IdempotencyKey: "second", AddressID: sh.Address(t, u),
		PaymentMethod: "card", Channel: order.PCWeb})
	if err != nil {
		t.Fatal(err)
	}
	other := sh.PlaceOne(t, v, 1)
	if a.Number == b.Number || a.Number == other.Number {
		t.Errorf("numbers %q %q %q", a.Number, b.Number, other.Number)
	}
	if _, err := sh.Orders.Get(t.Context(), u, other.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("Get(someone else's) = %v, want ErrNotFound", err)
	}
	if _, err := sh.Orders.ByNumber(t.Context(), u, other.Number); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("ByNumber(someone else's) = %v, want ErrNotFound", err)
	}
	if got, err := sh.Orders.ByNumber(t.Context(), u, b.Number); err != nil || got.ID != b.ID || got.Lines[0].Quantity != 2 {
		t.Errorf("ByNumber = %+v, %v", got, err)
	}
	list, err := sh.Orders.List(t.Context(), u, 10, 0)
	if err != nil || len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID || len(list[0].Lines) != 1 ||
		list[0].Address != (order.Address{}) {
		t.Errorf("List = %+v, %v", list, err)
	}
	if list, err := sh.Orders.List(t.Context(), u, 1, 1); err != nil || len(list) != 1 || list[0].ID != a.ID {
		t.Errorf("List page 2 = %+v, %v", list, err)
	}
	if _, err := sh.Orders.List(t.Context(), u, 0, 0); err == nil {
		t.Error("List(limit 0) succeeded")
	}
	counts := []struct {
		name   string
		userID int64
		want   int
	}{{"two orders", u, 2}, {"one order", other.UserID, 1}, {"none", 999999, 0}}
	for _, tt := range counts {
		if n, err := sh.Orders.Count(t.Context(), tt.userID); err != nil || n != tt.want {
			t.Errorf("Count %s = %d, %v; want %d", tt.name, n, err, tt.want)
		}
	}
}

// An order of several products gets one line each, stored as returned, and
// a gift while one is left; once the gift ran out, orders go on without it.
func TestPlaceSeveralLinesAndGifts(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	dark := sh.Product(t, "말랑 다크초콜릿", 12000, 10)
	milk := sh.Product(t, "말랑 밀크초콜릿", 3000, 5)
	candy := sh.Product(t, "말랑 사탕", 500, 3)
	gift := sh.Product(t, "말랑 에코백", 9000, 1)
	sh.Gift(t, gift, 10000, 1)
	q := sh.D.Read()
	place := func(email string, cart map[int64]int64) order.Order {
		t.Helper()
		u := sh.Customer(t, email)
		for v, n := range cart {
			sh.Add(t, u, v, n)
		}
		o, err := sh.Place(t.Context(), order.PlaceInput{UserID: u, IdempotencyKey: "k", AddressID: sh.Address(t, u),
			PaymentMethod: "card", Channel: order.PCWeb})
		if err != nil {
			t.Fatalf("Place: %v", err)
		}
		stored, err := sh.Orders.Get(t.Context(), u, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored.Lines) != len(o.Lines) {
			t.Fatalf("Place returned %d lines, %d stored", len(o.Lines), len(stored.Lines))
		}
		for i, l := range o.Lines {
			s := stored.Lines[i]
			if l.ID != s.ID || l.VariantID != s.VariantID || l.Name != s.Name || l.Quantity != s.Quantity ||
				l.UnitPrice != s.UnitPrice || l.LineTotal != s.LineTotal || l.Gift != s.Gift {
				t.Errorf("line %d: returned %+v, stored %+v", i, l, s)
			}
		}
		return o
	}

	first := place("first@example.com", map[int64]int64{dark: 2, milk: 1, candy: 3})
	got := map[int64]int64{}
	for _, l := range first.Lines {
		got[l.VariantID] = l.Quantity
		if l.Gift != (l.VariantID == gift) || (l.Gift && l.UnitPrice != 0) {
			t.Errorf("line %+v", l)
		}
	}
	if len(first.Lines) != 4 || got[dark] != 2 || got[milk] != 1 || got[candy] != 3 || got[gift] != 1 {
		t.Fatalf("first order's lines = %+v", first.Lines)
	}
	if n := len(first.Breakdown.Lines); n != 4 {
		t.Errorf("first breakdown has %d lines", n)
	}
	for v, want := range map[int64]int64{dark: 8, milk: 4, candy: 0, gift: 0} {
		if s := sh.Stock(t, v); s != want {
			t.Errorf("stock of %d = %d, want %d", v, s, want)
		}
	}

	second := place("second@example.com", map[int64]int64{dark: 1})
	if len(second.Lines) != 1 || second.Lines[0].VariantID != dark || len(second.Breakdown.Lines) != 1 || second.Total != 15000 {
		t.Fatalf("second order = %+v", second)
	}
	var stored string
	if err := q.GetContext(t.Context(), &stored, q.Rebind(`SELECT breakdown FROM orders WHERE id = ?`), second.ID); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, "에코백") {
		t.Errorf("the stored breakdown still lists the gift: %s", stored)
	}
	if s := sh.Stock(t, gift); s != 0 {
		t.Errorf("gift stock = %d", s)
	}
}

// A checkout placed with the total the customer was shown is refused when
// pricing it now gives another amount, and nothing is stored.
func TestPlaceRefusesChangedTotal(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "말랑 캐모마일", 12000, 10)
	u := sh.Customer(t, "total@example.com")
	sh.Add(t, u, v, 2)
	shown := int64(27000) // the checkout before a postcode was typed
	in := order.PlaceInput{UserID: u, IdempotencyKey: "checkout-1", PaymentMethod: "card", Channel: order.PCWeb,
		Address:       &order.Address{Recipient: "이말랑", Phone: "010-9876-5432", Postcode: "63000", Line1: "제주시 첨단로 242"},
		ExpectedTotal: &shown}
	_, err := sh.Place(t.Context(), in)
	if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["total"] != order.TotalChanged {
		t.Fatalf("placing at a stale total = %v; want the total named", err)
	}
	if sh.CartLines(t, u) != 1 || sh.Stock(t, v) != 10 {
		t.Fatal("a refused checkout changed the cart or the stock")
	}
	shown = 30000 // + ₩3,000 for Jeju
	o, err := sh.Place(t.Context(), in)
	if err != nil || o.Total != 30000 || o.RemoteSurcharge != 3000 {
		t.Fatalf("placing at the right total = %+v, %v", o, err)
	}
}
