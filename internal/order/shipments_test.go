package order_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
)

// paidOrders places n orders and marks them paid.
func paidOrders(t *testing.T, sh *ordertest.Shop, n int) []order.Order {
	t.Helper()
	v := sh.Product(t, "말랑 드립백커피", 8000, 10000)
	out := make([]order.Order, n)
	for i := range out {
		out[i] = sh.PlaceOne(t, v, 1)
		sh.SetStatus(t, out[i].ID, order.Paid)
	}
	return out
}

// shippedMails counts the mails telling the customer of number that it
// left.
func shippedMails(t *testing.T, sh *ordertest.Shop, number string) int {
	t.Helper()
	ms, err := sh.Outbox.List(t.Context(), 10000, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range ms {
		if strings.Contains(m.Subject, "출발") && strings.Contains(m.Text, number) {
			n++
		}
	}
	return n
}

// shipments counts the shipments of order id.
func shipments(t *testing.T, sh *ordertest.Shop, id int64) int {
	t.Helper()
	var n int
	q := sh.D.Read()
	if err := q.GetContext(t.Context(), &n, q.Rebind(`SELECT COUNT(*) FROM shipments WHERE order_id = ?`), id); err != nil {
		t.Fatal(err)
	}
	return n
}

func csvOf(rows ...string) []byte {
	return []byte("주문번호,택배사,송장번호\n" + strings.Join(rows, "\n") + "\n")
}

// A shipment file is previewed row by row without shipping anything, and
// applied: the good rows ship their orders as the order's page does (the
// shipment, the history, the audit entry, the customer's mail), rows that
// went bad since the preview are reported and left, and the result is
// kept for the staff member who applied it, once.
func TestShipmentUpload(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	ctx := t.Context()
	os := paidOrders(t, sh, 8)
	a, b, pending, shipped, dhl, badNo, lower, later := os[0], os[1], os[2], os[3], os[4], os[5], os[6], os[7]
	sh.SetStatus(t, b.ID, order.Preparing)
	sh.SetStatus(t, pending.ID, order.PendingPayment)
	kim, lee := order.Staff(sh.Staff(t, "kim@example.com")), order.Staff(sh.Staff(t, "lee@example.com"))
	if _, err := sh.Orders.Ship(ctx, shipped.ID, "cj", "1111-2222-3333", kim); err != nil {
		t.Fatal(err)
	}
	file := csvOf(
		a.Number+",CJ대한통운,6789-1234-5678",
		b.Number+",한진,123456789012",
		pending.Number+",cj,123456789013",
		shipped.Number+",cj,123456789014",
		"NOPE-1,cj,123456789015",
		a.Number+",cj,123456789016",
		dhl.Number+",DHL,123456789017",
		badNo.Number+",cj,12ab",
		",,",
		" "+strings.ToLower(lower.Number)+" ,우체국택배,123456789018",
		later.Number+",logen,123456789019",
	)
	type want struct {
		result string
		status order.Status
	}
	preview := []want{{order.ShipOK, ""}, {order.ShipOK, ""}, {order.ShipWrongState, order.PendingPayment},
		{order.ShipAlreadyShipped, order.Shipped}, {order.ShipUnknownOrder, ""}, {order.ShipDuplicate, ""},
		{order.ShipUnknownCarrier, ""}, {order.ShipBadTracking, ""}, {order.ShipEmpty, ""}, {order.ShipOK, ""}, {order.ShipOK, ""}}
	check := func(t *testing.T, rows []order.ShipmentCheck, want []want) {
		t.Helper()
		if len(rows) != len(want) {
			t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
		}
		for i, w := range want {
			if rows[i].Row != i+2 || rows[i].Result != w.result || rows[i].Status != w.status {
				t.Errorf("row %d = %+v, want %s %s", i+2, rows[i], w.result, w.status)
			}
		}
	}

	if _, err := sh.Orders.PreviewShipments(ctx, order.Customer(a.UserID), "x.csv", file); err == nil {
		t.Fatal("a customer previewed a shipment file")
	}
	rep, err := sh.Orders.PreviewShipments(ctx, kim, "송장.csv", file)
	if err != nil {
		t.Fatal(err)
	}
	check(t, rep.Rows, preview)
	if rep.UploadID == "" || rep.Rows[5].DuplicateOf != 2 || rep.Rows[1].CarrierCode != "hanjin" || rep.Rows[9].OrderID != lower.ID ||
		rep.Rows[0].OrderID != a.ID || rep.Rows[0].CarrierName != "CJ대한통운" {
		t.Fatalf("report = %+v", rep)
	}
	for _, o := range []order.Order{a, b, lower, later} {
		if shipments(t, sh, o.ID) != 0 || shippedMails(t, sh, o.Number) != 0 {
			t.Fatalf("the preview shipped order %s", o.Number)
		}
	}

	// Before the apply, one order is cancelled and one shipped from its
	// page; the preview read again says so.
	sh.SetStatus(t, b.ID, order.Cancelled)
	if _, err := sh.Orders.Ship(ctx, later.ID, "cj", "9999-8888-7777", kim); err != nil {
		t.Fatal(err)
	}
	applied := append([]want(nil), preview...)
	applied[1] = want{order.ShipWrongState, order.Cancelled}
	applied[10] = want{order.ShipAlreadyShipped, order.Shipped}
	again, err := sh.Orders.ShipmentUpload(ctx, rep.UploadID, kim.ID)
	if err != nil || !again.AppliedAt.IsZero() || again.Running {
		t.Fatalf("preview again = %+v, %v", again, err)
	}
	check(t, again.Rows, applied)
	if _, err := sh.Orders.ApplyShipments(ctx, rep.UploadID, lee); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("another's upload applied: %v", err)
	}
	res, err := sh.Orders.ApplyShipments(ctx, rep.UploadID, kim)
	if err != nil {
		t.Fatal(err)
	}
	applied[0] = want{order.ShipShipped, ""}
	applied[9] = want{order.ShipShipped, ""}
	check(t, res.Rows, applied)
	if res.Count(order.ShipShipped) != 2 {
		t.Fatalf("shipped %d", res.Count(order.ShipShipped))
	}
	for _, tt := range []struct {
		o        order.Order
		carrier  string
		tracking string
	}{{a, "cj", "6789-1234-5678"}, {lower, "epost", "123456789018"}} {
		got, err := sh.Orders.AdminGet(ctx, tt.o.ID)
		if err != nil || got.Status != order.Shipped || len(got.Shipments) != 1 || got.Shipments[0].CarrierCode != tt.carrier ||
			got.Shipments[0].TrackingNumber != tt.tracking {
			t.Fatalf("order %s = %+v, %v", tt.o.Number, got, err)
		}
		if shippedMails(t, sh, tt.o.Number) != 1 {
			t.Errorf("order %s: %d mails", tt.o.Number, shippedMails(t, sh, tt.o.Number))
		}
	}
	for _, o := range []order.Order{b, pending, dhl, badNo} {
		if shipments(t, sh, o.ID) != 0 {
			t.Errorf("order %s shipped", o.Number)
		}
	}
	if n := len(audittest.Entries(t, sh.D, "order.shipped")); n != 4 { // 2 applied, 2 from the page
		t.Errorf("%d order.shipped entries", n)
	}
	es := audittest.Entries(t, sh.D, "order.shipments_applied")
	if len(es) != 1 || es[0].ActorEmail != "kim@example.com" || es[0].TargetID != rep.UploadID {
		t.Fatalf("audit = %+v", es)
	}

	// Applied once; the result stays for its staff member for a day.
	if _, err := sh.Orders.ApplyShipments(ctx, rep.UploadID, kim); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("applied twice: %v", err)
	}
	kept, err := sh.Orders.ShipmentUpload(ctx, rep.UploadID, kim.ID)
	if err != nil || kept.Running || kept.FileName != "송장.csv" || kept.AppliedAt.IsZero() {
		t.Fatalf("result = %+v, %v", kept, err)
	}
	check(t, kept.Rows, applied)
	if _, err := sh.Orders.ShipmentUpload(ctx, rep.UploadID, lee.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("another's result: %v", err)
	}
	sh.Clock.Advance(order.ShipmentUploadTTL + time.Minute)
	if _, err := sh.Orders.ShipmentUpload(ctx, rep.UploadID, kim.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("a result after a day: %v", err)
	}
	if _, err := sh.Orders.PreviewShipments(ctx, lee, "b.csv", csvOf(a.Number+",cj,123456789012")); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := sh.D.Read().GetContext(ctx, &n, `SELECT COUNT(*) FROM shipment_uploads`); err != nil || n != 1 {
		t.Fatalf("%d uploads kept, %v; want the old one deleted", n, err)
	}

	// A file refused as a whole says why and keeps nothing.
	if _, err := sh.Orders.PreviewShipments(ctx, kim, "x.png", []byte("\x89PNG\r\n\x1a\n\x00")); err == nil {
		t.Fatal("an image was read")
	} else if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["file"] != order.FileType {
		t.Fatalf("image: %v", err)
	}
}

// Staff applying the same file at once (two uploads of it, and the API's
// lists at the same time) ship each order once: every row is shipped by
// exactly one of them and reported as shipped already by the others, and
// none fails. The same upload applied twice at once is applied once.
func TestShipmentUploadConcurrent(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	ctx := t.Context()
	os := paidOrders(t, sh, 12)
	var rows []string
	var lines []order.ShipmentLine
	for i, o := range os {
		tracking := fmt.Sprintf("5000-0000-%04d", i)
		rows = append(rows, o.Number+",cj,"+tracking)
		lines = append(lines, order.ShipmentLine{Row: i + 1, Number: o.Number, Carrier: "cj", Tracking: tracking})
	}
	file := csvOf(rows...)
	const staff = 3
	var uploads []string
	var actors []order.Actor
	for i := range staff {
		a := order.Staff(sh.Staff(t, fmt.Sprintf("staff%d@example.com", i)))
		rep, err := sh.Orders.PreviewShipments(ctx, a, "same.csv", file)
		if err != nil || rep.Count(order.ShipOK) != len(os) {
			t.Fatalf("preview = %+v, %v", rep, err)
		}
		uploads, actors = append(uploads, rep.UploadID), append(actors, a)
	}

	const perUpload, apis = 2, 3
	var mu sync.Mutex
	shipped := map[int64]int{}
	conflicts := 0
	start := make(chan struct{})
	var wg sync.WaitGroup
	count := func(rs []order.ShipmentCheck) {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range rs {
			switch r.Result {
			case order.ShipShipped:
				shipped[r.OrderID]++
			case order.ShipAlreadyShipped:
			default:
				t.Errorf("row %+v", r)
			}
		}
	}
	for i := range staff {
		for range perUpload {
			wg.Go(func() {
				<-start
				rep, err := sh.Orders.ApplyShipments(ctx, uploads[i], actors[i])
				if errors.Is(err, fault.ErrConflict) {
					mu.Lock()
					conflicts++
					mu.Unlock()
					return
				}
				if err != nil {
					t.Errorf("apply: %v", err)
					return
				}
				count(rep.Rows)
			})
		}
	}
	for range apis {
		wg.Go(func() {
			<-start
			rs, err := sh.Orders.ShipLines(ctx, append([]order.ShipmentLine(nil), lines...), actors[0], false)
			if err != nil {
				t.Errorf("ship lines: %v", err)
				return
			}
			count(rs)
		})
	}
	close(start)
	wg.Wait()
	if conflicts != staff*(perUpload-1) {
		t.Errorf("%d applies refused, want %d", conflicts, staff*(perUpload-1))
	}
	for _, o := range os {
		if shipped[o.ID] != 1 || shipments(t, sh, o.ID) != 1 || shippedMails(t, sh, o.Number) != 1 {
			t.Errorf("order %s: shipped by %d, %d shipments, %d mails", o.Number, shipped[o.ID], shipments(t, sh, o.ID),
				shippedMails(t, sh, o.Number))
		}
	}
}

// countdown is a context that ends itself when it has been asked whether
// it is done n times: a stop at a point of the work that changes with n,
// inside an order's transaction or between two.
type countdown struct {
	context.Context
	n      atomic.Int64
	cancel context.CancelFunc
}

func (c *countdown) Done() <-chan struct{} {
	if c.n.Add(-1) == 0 {
		c.cancel()
	}
	return c.Context.Done()
}

// An apply stopped part way (its context ends, as when the process dies)
// leaves every order either shipped with everything that goes with it
// (status, shipment, history, mail, audit entry) or untouched, and the
// upload's result says it did not finish.
func TestShipmentApplyStopped(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	kim := order.Staff(sh.Staff(t, "kim@example.com"))
	stopped := 0
	for _, n := range []int64{1, 7, 20, 80, 130, 200, 300, 450, 700, 100000} {
		os := paidOrders(t, sh, 4)
		var rows []string
		for i, o := range os {
			rows = append(rows, fmt.Sprintf("%s,cj,7000-%04d-%04d", o.Number, n, i))
		}
		rep, err := sh.Orders.PreviewShipments(t.Context(), kim, "stop.csv", csvOf(rows...))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cd := &countdown{Context: ctx, cancel: cancel}
		cd.n.Store(n)
		_, err = sh.Orders.ApplyShipments(cd, rep.UploadID, kim)
		cancel()
		res, rerr := sh.Orders.ShipmentUpload(t.Context(), rep.UploadID, kim.ID)
		switch {
		case rerr == nil && err != nil && res.AppliedAt.IsZero(): // stopped before it began
		case rerr != nil || (err != nil) != res.Running:
			t.Fatalf("after %d: apply %v; result %+v, %v", n, err, res, rerr)
		}
		done := 0
		for _, o := range os {
			got, err := sh.Orders.AdminGet(t.Context(), o.ID)
			if err != nil {
				t.Fatal(err)
			}
			h, err := sh.Orders.History(t.Context(), o.ID)
			if err != nil {
				t.Fatal(err)
			}
			ships, mails := shipments(t, sh, o.ID), shippedMails(t, sh, o.Number)
			switch {
			case got.Status == order.Shipped && ships == 1 && mails == 1 && h[len(h)-1].To == order.Shipped:
				done++
			case got.Status == order.Paid && ships == 0 && mails == 0 && h[len(h)-1].To != order.Shipped:
			default:
				t.Errorf("after %d: order %s half shipped: %s, %d shipments, %d mails, history %+v", n, o.Number, got.Status,
					ships, mails, h)
			}
		}
		if err != nil {
			stopped++
		}
		t.Logf("stopped after %d: %d of %d shipped (%v)", n, done, len(os), err)
	}
	if stopped == 0 {
		t.Error("no apply was stopped part way")
	}
	shipped := len(audittest.Entries(t, sh.D, "order.shipped"))
	var inDB int
	if err := sh.D.Read().GetContext(t.Context(), &inDB, `SELECT COUNT(*) FROM shipments`); err != nil || inDB != shipped {
		t.Errorf("%d shipments, %d audited", inDB, shipped)
	}
}
