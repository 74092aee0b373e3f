package checkout_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/payment"
)

// transferCheckout has a new customer put qty of a new product (price,
// stock) in the cart and returns their checkout by bank transfer to their
// book's address, and the product's variant.
func transferCheckout(t *testing.T, sh *ordertest.Shop, name string, price, stock, qty int64) (checkout.Input, int64) {
	t.Helper()
	v := sh.Product(t, name, price, stock)
	u := sh.Customer(t, fmt.Sprintf("buyer-%d@example.com", v))
	sh.Add(t, u, v, qty)
	return checkout.Input{PlaceInput: order.PlaceInput{UserID: u, IdempotencyKey: "checkout-1", AddressID: sh.Address(t, u),
		PaymentMethod: payment.BankTransfer, Channel: order.PCWeb}}, v
}

// A checkout paid by bank transfer is placed with its transfer in one
// transaction; bad details place nothing and name every field at once; a
// repeat returns the same order and transfer.
func TestPlaceByTransfer(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	in, v := transferCheckout(t, sh, "말랑 현미", 30000, 10, 1)
	u := in.UserID

	bad := in
	bad.CashReceipt = &payment.CashReceiptRequest{Purpose: payment.IncomeDeduction, Identity: "12"}
	bad.CouponCode = "NOPE"
	_, err := sh.Checkout.Place(t.Context(), bad)
	if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["cash_receipt_identity"] == "" || inv.Fields["coupon"] == "" {
		t.Fatalf("bad receipt and coupon = %v; want both named", err)
	}
	if n := sh.CartLines(t, u); n != 1 || sh.Stock(t, v) != 10 {
		t.Fatalf("a refused checkout placed the order (%d cart lines left, stock %d)", n, sh.Stock(t, v))
	}

	p, err := sh.Checkout.Place(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	o, a := p.Order, p.Transfer
	if o.Status != order.AwaitingDeposit || o.PaymentMethod != payment.BankTransfer || a == nil ||
		a.Status != payment.AttemptAwaitingDeposit || a.Deposit == nil || a.Amount != o.Total ||
		a.Deposit.Depositor != "김말랑" || a.Deposit.Account != ordertest.Bank.Account || !a.Deposit.Due.Equal(o.PayBy) {
		t.Fatalf("order %s (%s) due %v; transfer %+v", o.Status, o.PaymentMethod, o.PayBy, a)
	}
	stored, ok, err := sh.Payments.AwaitedTransfer(t.Context(), o.ID)
	if err != nil || !ok || stored.ID != a.ID {
		t.Fatalf("stored transfer = %+v, %v, %v", stored, ok, err)
	}
	again, err := sh.Checkout.Place(t.Context(), in)
	if err != nil || again.Order.ID != o.ID || !again.Order.Repeated || again.Transfer == nil || again.Transfer.ID != a.ID {
		t.Fatalf("repeat = %+v, %v; want order %d with transfer %d", again, err, o.ID, a.ID)
	}
	h, err := sh.Orders.History(t.Context(), o.ID)
	if err != nil || len(h) != 1 || h[0].To != order.AwaitingDeposit {
		t.Errorf("history = %+v, %v", h, err)
	}

	// The customer is mailed the order with where to send the money, in
	// one mail; the deposit confirmed, that it was paid.
	mails, err := sh.Outbox.List(t.Context(), 10, 0)
	if err != nil || len(mails) != 1 || !strings.Contains(mails[0].Subject, "주문이 접수되었습니다") ||
		!strings.Contains(mails[0].Text, "말랑 현미") || !strings.Contains(mails[0].Text, ordertest.Bank.Account) ||
		!strings.Contains(mails[0].Text, money.Won(o.Total).String()) || !strings.HasPrefix(mails[0].To, "buyer-") {
		t.Fatalf("mails after placing = %+v, %v", mails, err)
	}
	if _, err := sh.Payments.ConfirmDeposit(t.Context(), sh.Staff(t, "staff@example.com"), o.ID, ""); err != nil {
		t.Fatal(err)
	}
	mails, err = sh.Outbox.List(t.Context(), 10, 0)
	if err != nil || len(mails) != 2 || !strings.Contains(mails[0].Subject, "결제가 완료되었습니다") || !strings.Contains(mails[0].Text, "무통장입금") {
		t.Fatalf("mails after the deposit = %+v, %v", mails, err)
	}
}

// Points that pay the whole total make the order paid: no transfer is
// recorded even when bank transfer was chosen.
func TestPlaceByTransferPaidWithPoints(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	in, _ := transferCheckout(t, sh, "말랑 보리차", 60000, 10, 1)
	sh.Give(t, in.UserID, 60000)
	in.PointsToUse = 60000
	p, err := sh.Checkout.Place(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if p.Order.Status != order.Paid || p.Order.PaymentMethod != order.PaymentPoints || p.Transfer != nil {
		t.Fatalf("placed = %+v", p)
	}
	if _, ok, err := sh.Payments.AwaitedTransfer(t.Context(), p.Order.ID); err != nil || ok {
		t.Fatalf("a transfer was recorded: %v, %v", ok, err)
	}
}

// Many submissions of one bank-transfer checkout at once place one order
// with one transfer, and every submission gets them.
func TestPlaceByTransferConcurrent(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	in, v := transferCheckout(t, sh, "말랑 누룽지", 8000, 3, 2)
	in.Depositor = "김입금"
	const n = 12
	got := make([]checkout.Placed, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			got[i], errs[i] = sh.Checkout.Place(t.Context(), in)
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("submission %d: %v", i, errs[i])
		}
		if got[i].Order.ID != got[0].Order.ID || got[i].Transfer == nil || got[i].Transfer.ID != got[0].Transfer.ID ||
			got[i].Transfer.Deposit.Depositor != "김입금" {
			t.Fatalf("submission %d = %+v, want the order and transfer of submission 0 (%+v)", i, got[i], got[0])
		}
	}
	var orders, attempts int
	q := sh.D.Read()
	if err := q.GetContext(t.Context(), &orders, `SELECT COUNT(*) FROM orders`); err != nil {
		t.Fatal(err)
	}
	if err := q.GetContext(t.Context(), &attempts, `SELECT COUNT(*) FROM payment_attempts`); err != nil {
		t.Fatal(err)
	}
	if orders != 1 || attempts != 1 || sh.Stock(t, v) != 1 {
		t.Fatalf("%d orders, %d transfers, stock %d; want 1, 1, 1", orders, attempts, sh.Stock(t, v))
	}
}
