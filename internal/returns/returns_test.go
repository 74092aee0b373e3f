package returns_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/paymenttest"
	"github.com/mallang/mallang/internal/payment/testpay"
	"github.com/mallang/mallang/internal/returns"
)

// fixture is a shop whose orders are paid with testpay (a card) or by bank
// transfer, with the returns service on it (fee ₩6,000, photos in memory).
type fixture struct {
	*ordertest.Shop
	tp    *testpay.Provider
	pays  *payment.Service
	rs    *returns.Service
	media *media.Store
	staff order.Actor
	n     int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	sh := ordertest.NewShop(t)
	tp, err := testpay.New([]byte("testpay key for the returns tests, 32+ bytes"), func(ref string) string {
		return "http://shop.test/pay/testpay/" + ref
	}, sh.Clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	pays := payment.NewService(sh.D, sh.PaymentDeps(), payment.Config{BaseURL: "http://shop.test", Bank: ordertest.Bank},
		[]payment.Provider{tp}, sh.Clock.Now, log)
	store, err := media.Open(t.Context(), "mem://")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	rs := returns.NewService(sh.D, returns.Deps{Orders: sh.Orders, Payments: pays, Media: store, Carriers: sh.Shipping,
		Audit: audit.New(sh.D, sh.Clock.Now), Keyring: sh.KR, Mailer: sh.Outbox, Customers: paymenttest.Contacts{D: sh.D}},
		returns.Config{Fee: 6000, BaseURL: "http://shop.test", AdminURL: "http://shop.test/staff", StaffEmail: "cs@shop.test"},
		sh.Clock.Now, log)
	return &fixture{Shop: sh, tp: tp, pays: pays, rs: rs, media: store, staff: order.Staff(sh.Staff(t, "staff@example.com"))}
}

// delivered places an order of one unit of each of variants for a new
// customer, pays it by card (testpay) or, when transfer, by a bank transfer
// staff confirm, ships and delivers it.
func (f *fixture) delivered(t *testing.T, transfer bool, variants ...int64) order.Order {
	t.Helper()
	ctx := t.Context()
	f.n++
	u := f.Customer(t, fmt.Sprintf("returner%d@example.com", f.n))
	for _, v := range variants {
		f.Add(t, u, v, 1)
	}
	o, err := f.Place(ctx, order.PlaceInput{UserID: u, IdempotencyKey: "k", AddressID: f.Address(t, u),
		PaymentMethod: "card", Channel: order.PCWeb})
	if err != nil {
		t.Fatal(err)
	}
	if transfer {
		if _, err := f.pays.Start(ctx, payment.StartInput{OrderID: o.ID, UserID: u, Method: payment.BankTransfer, Depositor: "김말랑"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.pays.ConfirmDeposit(ctx, f.staff.Audit, o.ID, "김말랑"); err != nil {
			t.Fatal(err)
		}
	} else {
		st, err := f.pays.Start(ctx, payment.StartInput{OrderID: o.ID, UserID: u, Method: testpay.Name})
		if err != nil {
			t.Fatal(err)
		}
		if a, err := f.pays.Confirm(ctx, testpay.Name, st.Attempt.Reference, f.tp.Approve(st.Attempt.Reference, o.Total)); err != nil ||
			a.Status != payment.AttemptPaid {
			t.Fatalf("Confirm = %+v, %v", a, err)
		}
	}
	if _, err := f.Orders.Ship(ctx, o.ID, "cj", "1234-5678-9012", f.staff); err != nil {
		t.Fatal(err)
	}
	o, err = f.Orders.Transition(ctx, o.ID, order.Delivered, f.staff, "")
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (f *fixture) status(t *testing.T, id int64) order.Status {
	t.Helper()
	o, err := f.Orders.AdminGet(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o.Status
}

// mails returns the subjects of the outbox's mails to, oldest first.
func (f *fixture) mails(t *testing.T, to string) []string {
	t.Helper()
	ms, err := f.Outbox.List(t.Context(), 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].To == to {
			out = append(out, ms[i].Subject)
		}
	}
	return out
}

func pngPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A return goes requested → approved → sent back → received → refunded.
// The refund is the returned line's share of what was paid, less the
// return shipping when the customer changed their mind (withheld, shown on
// the refund); stock comes back only when staff judge the goods
// resellable. Every step is audited naming its actor, and the customer is
// mailed at each.
func TestReturnIsRefunded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		reason     returns.Reason
		resellable bool
		fee        int64
	}{
		{"change of mind, resellable", returns.ChangeOfMind, true, 6000},
		{"change of mind, not resellable", returns.ChangeOfMind, false, 6000},
		{"defect: the shop pays", returns.Defect, false, 0},
		{"damaged in transit: the shop pays", returns.Damaged, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := t.Context()
			tea := f.Product(t, "말랑 캐모마일 티", 34600, 10)
			mug := f.Product(t, "말랑 머그", 25000, 10)
			o := f.delivered(t, false, tea, mug)
			var teaLine int64
			for _, l := range o.Lines {
				if l.VariantID == tea {
					teaLine = l.ID
				}
			}
			rt, err := f.rs.Request(ctx, returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
				LineIDs: []int64{teaLine}, Reason: tt.reason, Note: "생각과 달라요", Photos: []returns.Upload{{Data: pngPhoto(t)}}})
			if err != nil {
				t.Fatal(err)
			}
			if rt.Status != returns.Requested || rt.Fee != tt.fee || len(rt.Lines) != 1 || rt.Lines[0].Amount != 34600 ||
				len(rt.Photos) != 1 || !strings.HasPrefix(rt.Photos[0].Key, "returns/") || rt.Photos[0].ContentType != "image/png" {
				t.Fatalf("Request = %+v", rt)
			}
			if ok, err := f.media.Exists(ctx, rt.Photos[0].Key); err != nil || !ok {
				t.Fatalf("photo stored: %v, %v", ok, err)
			}
			if got := f.status(t, o.ID); got != order.ReturnRequested {
				t.Fatalf("order is %s after the request", got)
			}
			if _, err := f.rs.Approve(ctx, rt.ID, f.staff, false); err != nil {
				t.Fatal(err)
			}
			if rt, err = f.rs.RecordShipment(ctx, rt.ID, f.staff, "cj", "5555-6666-7777", false); err != nil || rt.Status != returns.SentBack {
				t.Fatalf("RecordShipment = %+v, %v", rt, err)
			}
			rt, err = f.rs.Receive(ctx, rt.ID, f.staff, tt.resellable)
			if err != nil {
				t.Fatal(err)
			}
			if rt.Status != returns.Refunded || rt.RefundID == 0 || rt.Resellable != tt.resellable {
				t.Fatalf("after receipt: %+v", rt)
			}
			rfs, err := f.pays.Refunds(ctx, o.ID)
			if err != nil || len(rfs) != 1 {
				t.Fatalf("refunds = %+v, %v", rfs, err)
			}
			if rf := rfs[0]; rf.ID != rt.RefundID || rf.Amount != 34600-tt.fee || rf.Withheld != tt.fee || rf.Status != payment.RefundDone {
				t.Errorf("refund = %+v; want %d back and %d withheld", rf, 34600-tt.fee, tt.fee)
			}
			if got := f.status(t, o.ID); got != order.PartiallyRefunded {
				t.Errorf("order is %s, want partially refunded", got)
			}
			wantStock := int64(9)
			if tt.resellable {
				wantStock = 10
			}
			if got := f.Stock(t, tea); got != wantStock {
				t.Errorf("tea stock = %d, want %d", got, wantStock)
			}
			if got := f.Stock(t, mug); got != 9 {
				t.Errorf("mug stock = %d, the line not returned must stay sold", got)
			}
			for _, tc := range []struct {
				action string
				actor  int64
			}{
				{"return.requested", o.UserID}, {"return.approved", f.staff.ID}, {"return.sent_back", f.staff.ID},
				{"return.received", f.staff.ID}, {"return.refunded", f.staff.ID},
			} {
				es := audittest.Entries(t, f.D, tc.action)
				if len(es) != 1 || es[0].ActorID != tc.actor || es[0].TargetType != "return" {
					t.Errorf("%s: audit entries %+v, want one by user %d", tc.action, es, tc.actor)
				}
			}
			subjects := strings.Join(f.mails(t, fmt.Sprintf("returner%d@example.com", f.n)), "\n")
			for _, want := range []string{"반품 신청이 접수되었습니다", "반품 신청이 승인되었습니다", "반품 상품이 도착했습니다"} {
				if !strings.Contains(subjects, want) {
					t.Errorf("no mail %q in\n%s", want, subjects)
				}
			}
			if staff := f.mails(t, "cs@shop.test"); len(staff) != 1 || !strings.Contains(staff[0], "반품 신청이 들어왔습니다") {
				t.Errorf("staff mails = %q", staff)
			}
		})
	}
}

// Money that came by bank transfer goes back to the account the customer
// gave with the request: the refund (less the fee) waits for the staff's
// transfer, and the order is refunded when they record it.
func TestTransferReturnAwaitsTransfer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	v := f.Product(t, "말랑 담요", 58000, 10)
	o := f.delivered(t, true, v)
	in := returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn, LineIDs: []int64{o.Lines[0].ID},
		Reason: returns.ChangeOfMind}
	_, err := f.rs.Request(ctx, in)
	if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[payment.FieldRefundBank] == "" || inv.Fields[payment.FieldRefundNumber] == "" {
		t.Fatalf("Request without an account = %v", err)
	}
	if got := f.status(t, o.ID); got != order.Delivered {
		t.Fatalf("a refused request moved the order to %s", got)
	}
	in.Account = &payment.BankAccount{Bank: "088", Account: "110-123-456789", Holder: "김말랑"}
	rt, err := f.rs.Request(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if rt.Account == nil || rt.Account.Account != "110123456789" {
		t.Fatalf("account = %+v", rt.Account)
	}
	var enc string
	if err := f.D.Read().GetContext(ctx, &enc, f.D.Read().Rebind(`SELECT refund_number_enc FROM returns WHERE id = ?`), rt.ID); err != nil ||
		strings.Contains(enc, "456789") {
		t.Fatalf("account number stored as %q (%v); want it encrypted", enc, err)
	}
	if _, err := f.rs.Approve(ctx, rt.ID, f.staff, false); err != nil {
		t.Fatal(err)
	}
	if rt, err = f.rs.RecordShipment(ctx, rt.ID, f.staff, "", "", true); err != nil || !rt.SelfSent {
		t.Fatalf("self-sent = %+v, %v", rt, err)
	}
	if rt, err = f.rs.Receive(ctx, rt.ID, f.staff, true); err != nil {
		t.Fatal(err)
	}
	rfs, err := f.pays.Refunds(ctx, o.ID)
	if err != nil || len(rfs) != 1 {
		t.Fatalf("refunds = %+v, %v", rfs, err)
	}
	rf := rfs[0]
	// One line, the whole order: its whole payment less the fee.
	if rf.Status != payment.RefundAwaitingTransfer || rf.Amount != o.Total-6000 || rf.Withheld != 6000 ||
		rf.Account == nil || rf.Account.Account != "110123456789" {
		t.Fatalf("refund = %+v; want %d awaiting a transfer to the given account", rf, o.Total-6000)
	}
	if got := f.status(t, o.ID); got != order.Returned {
		t.Fatalf("order is %s before the transfer, want returned", got)
	}
	if _, err := f.pays.RecordRefundTransfer(ctx, f.staff.Audit, rf.ID, "이체 완료"); err != nil {
		t.Fatal(err)
	}
	if got := f.status(t, o.ID); got != order.Refunded {
		t.Fatalf("order is %s after the transfer, want refunded", got)
	}
	if got := f.Stock(t, v); got != 10 {
		t.Errorf("stock = %d, want the resellable unit back", got)
	}
}

// While a return is open the order cannot be confirmed, by the customer or
// by the job; a refusal (with its reason mailed) puts it back to delivered,
// to be confirmed, and frees its lines for another request.
func TestOpenReturnStopsConfirmation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	v := f.Product(t, "말랑 쿠션", 19000, 10)
	o := f.delivered(t, false, v)
	rt, err := f.rs.Request(ctx, returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindExchange,
		LineIDs: []int64{o.Lines[0].ID}, Reason: returns.Other, Note: "색이 달라요"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Orders.ConfirmPurchase(ctx, o.UserID, o.ID); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("ConfirmPurchase during a return = %v, want a conflict", err)
	}
	f.Clock.Advance(30 * 24 * time.Hour)
	if n, err := f.Orders.ConfirmDelivered(ctx); err != nil || n != 0 {
		t.Fatalf("ConfirmDelivered during a return = %d, %v", n, err)
	}
	if _, err := f.Orders.Transition(ctx, o.ID, order.Delivered, f.staff, ""); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("a plain transition out of the return = %v, want a conflict", err)
	}
	if _, err := f.rs.Refuse(ctx, rt.ID, f.staff, ""); err == nil {
		t.Fatal("refused without a reason")
	}
	if _, err := f.rs.Refuse(ctx, rt.ID, order.Customer(o.UserID), "안 돼요"); !errors.Is(err, fault.ErrForbidden) {
		t.Fatalf("a customer refusing = %v, want forbidden", err)
	}
	rt, err = f.rs.Refuse(ctx, rt.ID, f.staff, "사용 흔적이 있어 교환이 어렵습니다")
	if err != nil || rt.Status != returns.Refused || rt.Refusal == "" {
		t.Fatalf("Refuse = %+v, %v", rt, err)
	}
	if got := f.status(t, o.ID); got != order.Delivered {
		t.Fatalf("order is %s after the refusal", got)
	}
	subjects := strings.Join(f.mails(t, fmt.Sprintf("returner%d@example.com", f.n)), "\n")
	if !strings.Contains(subjects, "교환 신청이 반려되었습니다") {
		t.Errorf("no refusal mail in\n%s", subjects)
	}
	// The line is free again: asked for again, then the order confirmed
	// once that is refused too.
	again, err := f.rs.Request(ctx, returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
		LineIDs: []int64{o.Lines[0].ID}, Reason: returns.ChangeOfMind})
	if err != nil {
		t.Fatalf("asking again after a refusal: %v", err)
	}
	if _, err := f.rs.Refuse(ctx, again.ID, f.staff, "기간이 지났습니다"); err != nil {
		t.Fatal(err)
	}
	// Count counts what List lists under the same filter, on every page.
	counts := []struct {
		name   string
		filter returns.Filter
		want   int
	}{
		{"all", returns.Filter{}, 2},
		{"open", returns.Filter{Status: "open"}, 0},
		{"refused", returns.Filter{Status: string(returns.Refused)}, 2},
		{"a page past the first", returns.Filter{Status: string(returns.Refused), Limit: 1, Offset: 1}, 2},
	}
	for _, tt := range counts {
		if n, err := f.rs.Count(ctx, tt.filter); err != nil || n != tt.want {
			t.Errorf("Count %s = %d, %v; want %d", tt.name, n, err, tt.want)
		}
	}
	if _, err := f.rs.Count(ctx, returns.Filter{Status: "lost"}); err == nil {
		t.Error("Count took an unknown status")
	}
	if rs, err := f.rs.List(ctx, returns.Filter{Limit: 1, Offset: 1}); err != nil || len(rs) != 1 || rs[0].ID != rt.ID {
		t.Errorf("List page 2 of 1 = %+v, %v; want the first request", rs, err)
	}
	if got, err := f.Orders.ConfirmPurchase(ctx, o.UserID, o.ID); err != nil || got.Status != order.Completed {
		t.Fatalf("ConfirmPurchase after the refusal = %s, %v", got.Status, err)
	}
}

// An exchange received goes out again: the order is shipped with the new
// parcel, a new unit leaves stock and the returned one comes back only if
// resellable; the customer is mailed the parcel.
func TestExchangeShips(t *testing.T) {
	t.Parallel()
	for _, resellable := range []bool{false, true} {
		t.Run(fmt.Sprintf("resellable=%v", resellable), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := t.Context()
			v := f.Product(t, "말랑 슬리퍼", 15000, 10)
			o := f.delivered(t, false, v)
			rt, err := f.rs.Request(ctx, returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindExchange,
				LineIDs: []int64{o.Lines[0].ID}, Reason: returns.Defect})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.rs.ShipExchange(ctx, rt.ID, f.staff, "cj", "9999-8888-7777"); !errors.Is(err, fault.ErrConflict) {
				t.Fatalf("shipping before receipt = %v, want a conflict", err)
			}
			if _, err := f.rs.Approve(ctx, rt.ID, f.staff, false); err != nil {
				t.Fatal(err)
			}
			if rt, err = f.rs.Receive(ctx, rt.ID, f.staff, resellable); err != nil || rt.Status != returns.Received {
				t.Fatalf("Receive = %+v, %v", rt, err)
			}
			if _, err := f.rs.ShipExchange(ctx, rt.ID, f.staff, "nowhere", "9999-8888-7777"); err == nil {
				t.Fatal("shipped with an unknown carrier")
			}
			if rt, err = f.rs.ShipExchange(ctx, rt.ID, f.staff, "cj", "9999-8888-7777"); err != nil || rt.Status != returns.Exchanged {
				t.Fatalf("ShipExchange = %+v, %v", rt, err)
			}
			got, err := f.Orders.AdminGet(ctx, o.ID)
			if err != nil || got.Status != order.Shipped || len(got.Shipments) != 2 {
				t.Fatalf("order = %s with %d shipments, %v", got.Status, len(got.Shipments), err)
			}
			want := int64(8)
			if resellable {
				want = 9
			}
			if s := f.Stock(t, v); s != want {
				t.Errorf("stock = %d, want %d", s, want)
			}
			if rfs, _ := f.pays.Refunds(ctx, o.ID); len(rfs) != 0 {
				t.Errorf("an exchange refunded %+v", rfs)
			}
			subjects := strings.Join(f.mails(t, fmt.Sprintf("returner%d@example.com", f.n)), "\n")
			if !strings.Contains(subjects, "교환 상품을 보내 드렸습니다") {
				t.Errorf("no exchange mail in\n%s", subjects)
			}
		})
	}
}

// Requests that cannot be taken change nothing and say why.
func TestRequestChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	v := f.Product(t, "말랑 양말", 9000, 10)
	o := f.delivered(t, false, v)
	paid := f.PlaceOne(t, v, 1)
	line := []int64{o.Lines[0].ID}
	photo := returns.Upload{Data: pngPhoto(t)}
	tests := []struct {
		name  string
		in    returns.RequestInput
		want  error
		field string
	}{
		{"another customer's order", returns.RequestInput{UserID: paid.UserID, OrderID: o.ID, Kind: returns.KindReturn,
			LineIDs: line, Reason: returns.Defect}, fault.ErrNotFound, ""},
		{"not delivered", returns.RequestInput{UserID: paid.UserID, OrderID: paid.ID, Kind: returns.KindReturn,
			LineIDs: []int64{paid.Lines[0].ID}, Reason: returns.Defect}, fault.ErrConflict, ""},
		{"unknown reason", returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
			LineIDs: line, Reason: "bored"}, nil, "reason"},
		{"unknown kind", returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: "swap",
			LineIDs: line, Reason: returns.Defect}, nil, "kind"},
		{"no lines", returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
			Reason: returns.Defect}, nil, "lines"},
		{"another order's line", returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
			LineIDs: []int64{paid.Lines[0].ID}, Reason: returns.Defect}, nil, "lines"},
		{"four photos", returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
			LineIDs: line, Reason: returns.Defect, Photos: []returns.Upload{photo, photo, photo, photo}}, nil, "photos"},
		{"not an image", returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
			LineIDs: line, Reason: returns.Defect, Photos: []returns.Upload{{Data: []byte("%PDF-1.7 not a photo")}}}, nil, "photos"},
		{"too big", returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
			LineIDs: line, Reason: returns.Defect, Photos: []returns.Upload{{Data: append(pngPhoto(t), make([]byte, returns.MaxPhotoSize)...)}}}, nil, "photos"},
		{"long note", returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
			LineIDs: line, Reason: returns.Defect, Note: strings.Repeat("가", returns.MaxNote+1)}, nil, "note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.rs.Request(ctx, tt.in)
			if tt.field != "" {
				inv, ok := fault.AsInvalid(err)
				if !ok || inv.Fields[tt.field] == "" {
					t.Fatalf("Request = %v, want a message for %s", err, tt.field)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Request = %v, want %v", err, tt.want)
			}
		})
	}
	if got := f.status(t, o.ID); got != order.Delivered {
		t.Errorf("refused requests moved the order to %s", got)
	}
	if rs, err := f.rs.OfOrder(ctx, o.ID); err != nil || len(rs) != 0 {
		t.Errorf("refused requests recorded %+v, %v", rs, err)
	}
	if _, err := f.rs.Approve(ctx, 1, order.Customer(o.UserID), false); !errors.Is(err, fault.ErrForbidden) {
		t.Errorf("a customer approving = %v, want forbidden", err)
	}
}

// Many requests for the same line at once: one is taken, every other is a
// conflict (never a 500), on either engine.
func TestConcurrentRequestsForALine(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v := f.Product(t, "말랑 컵", 12000, 10)
	o := f.delivered(t, false, v)
	const n = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, conflicts := 0, 0
	var others []error
	for range n {
		wg.Go(func() {
			_, err := f.rs.Request(t.Context(), returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
				LineIDs: []int64{o.Lines[0].ID}, Reason: returns.ChangeOfMind})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, fault.ErrConflict):
				conflicts++
			default:
				others = append(others, err)
			}
		})
	}
	wg.Wait()
	if won != 1 || conflicts != n-1 || len(others) != 0 {
		t.Fatalf("%d taken, %d conflicts, others %v", won, conflicts, others)
	}
	if rs, err := f.rs.OfOrder(t.Context(), o.ID); err != nil || len(rs) != 1 {
		t.Fatalf("returns recorded: %d, %v", len(rs), err)
	}
	if es := audittest.Entries(t, f.D, "return.requested"); len(es) != 1 {
		t.Errorf("audit entries: %d, want 1", len(es))
	}
}

// The database holds a line in one open return even when the order's
// status would let a second request through (a request written past the
// service): the unique index refuses it.
func TestOpenLineIsUnique(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	v := f.Product(t, "말랑 접시", 11000, 10)
	o := f.delivered(t, false, v)
	rt, err := f.rs.Request(ctx, returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
		LineIDs: []int64{o.Lines[0].ID}, Reason: returns.Defect})
	if err != nil {
		t.Fatal(err)
	}
	q := f.D.Write()
	var second int64
	if err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO returns (order_id, user_id, order_number, kind, reason, status)
		VALUES (?, ?, ?, 'return', 'defect', 'requested') RETURNING id`), o.ID, o.UserID, o.Number).Scan(&second); err != nil {
		t.Fatal(err)
	}
	_, err = q.ExecContext(ctx, q.Rebind(`INSERT INTO return_lines (return_id, line_id, name, quantity, open_line_id)
		VALUES (?, ?, 'x', 1, ?)`), second, o.Lines[0].ID, o.Lines[0].ID)
	if !f.D.Dialect.IsUniqueViolation(err) {
		t.Fatalf("a second open hold of the line = %v, want a unique violation", err)
	}
	// Once the first is closed, the line may be held again.
	if _, err := f.rs.Refuse(ctx, rt.ID, f.staff, "확인 결과 정상 제품입니다"); err != nil {
		t.Fatal(err)
	}
	if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO return_lines (return_id, line_id, name, quantity, open_line_id)
		VALUES (?, ?, 'x', 1, ?)`), second, o.Lines[0].ID, o.Lines[0].ID); err != nil {
		t.Fatalf("holding a released line: %v", err)
	}
}
