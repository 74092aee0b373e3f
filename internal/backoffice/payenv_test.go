package backoffice_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/testpay"
)

// payEnv is shopEnv with handles on the shop's payment service: bank
// transfer to apptest.Bank, the test provider, and flaky, a provider whose
// refunds a test can make fail.
type payEnv struct {
	*shopEnv
	pays  *payment.Service
	tp    *testpay.Provider
	flaky *flaky
}

func newPayEnv(t *testing.T) *payEnv {
	t.Helper()
	s := newShopEnv(t)
	return &payEnv{shopEnv: s, pays: s.shop.Payments(), tp: s.shop.TestPay(), flaky: s.flaky}
}

// flaky is a provider that pays whatever was prepared and refunds as told:
// refundErr, when set, is its answer to the next refund.
type flaky struct {
	mu        sync.Mutex
	refundErr error
	refunds   int
}

func (p *flaky) Name() string { return "flaky" }

func (p *flaky) Prepare(_ context.Context, r payment.PrepareRequest) (payment.Prepared, error) {
	return payment.Prepared{ProviderPaymentID: "fl_" + r.Reference, RedirectURL: "https://pay.example/" + r.Reference, Charge: r.Amount}, nil
}

func (p *flaky) Confirm(_ context.Context, r payment.ConfirmRequest) (payment.Result, error) {
	return payment.Result{ProviderPaymentID: r.ProviderPaymentID, Status: payment.StatusPaid, Method: "카드",
		Charged: r.Expected}, nil
}

func (p *flaky) Lookup(context.Context, payment.LookupRequest) (payment.Result, error) {
	return payment.Result{}, payment.ErrNotFound
}

func (p *flaky) Refund(_ context.Context, r payment.RefundRequest) (payment.RefundResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.refundErr; err != nil {
		p.refundErr = nil
		return payment.RefundResult{}, err
	}
	p.refunds++
	return payment.RefundResult{ProviderRefundID: "flr_" + strconv.Itoa(p.refunds), Refunded: r.Amount.Total}, nil
}

func (p *flaky) ParseWebhook(context.Context, http.Header, []byte) (payment.Event, error) {
	return payment.Event{}, payment.ErrNoWebhooks
}

func (p *flaky) failNextRefund(err error) {
	p.mu.Lock()
	p.refundErr = err
	p.mu.Unlock()
}

// placeLines has a new customer order one unit of a new product at each
// price, paying with method, and returns the order.
func (e *payEnv) placeLines(t *testing.T, method string, prices ...int64) order.Order {
	t.Helper()
	return e.placeWith(t, checkout.Input{PlaceInput: order.PlaceInput{PaymentMethod: method}}, prices...)
}

// placeTransfer places an order as placeLines does, paid by bank transfer
// from 김말랑 with receipt; the order waits for the deposit.
func (e *payEnv) placeTransfer(t *testing.T, receipt *payment.CashReceiptRequest, prices ...int64) order.Order {
	t.Helper()
	return e.placeWith(t, checkout.Input{PlaceInput: order.PlaceInput{PaymentMethod: payment.BankTransfer},
		Depositor: "김말랑", CashReceipt: receipt}, prices...)
}

// placeWith places the checkout in for a new customer of one unit of a new
// product at each price.
func (e *payEnv) placeWith(t *testing.T, in checkout.Input, prices ...int64) order.Order {
	t.Helper()
	ctx := context.Background()
	e.n++
	q := e.d.Write()
	var userID int64
	if err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO users (email) VALUES (?) RETURNING id`),
		"payer"+strconv.Itoa(e.n)+"@example.com").Scan(&userID); err != nil {
		t.Fatal(err)
	}
	for i, price := range prices {
		sku := fmt.Sprintf("PAY-%d-%d", e.n, i)
		id, err := e.cat.CreateProduct(ctx, catalog.NewProduct{CategoryID: e.leaf, Name: fmt.Sprintf("말랑 원두 %d-%d", e.n, i+1),
			OptionNames: []string{"분쇄"},
			Variants:    []catalog.NewVariant{{SKU: sku, Options: [3]string{"홀빈"}, Price: price, Stock: 100, Active: true}}})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.cat.Product(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.carts.Add(ctx, cart.Owner{UserID: userID}, p.Variants[0].ID, 1); err != nil {
			t.Fatal(err)
		}
	}
	a, err := e.addr.Create(ctx, userID, address.Input{Recipient: "김말랑", Phone: "010-1234-5678", Postcode: "06236",
		Line1: "서울 강남구 테헤란로 123", Line2: "4층"})
	if err != nil {
		t.Fatal(err)
	}
	in.UserID, in.IdempotencyKey, in.AddressID, in.Channel = userID, "pay"+strconv.Itoa(e.n), a.ID, order.PCWeb
	p, err := e.checkout.Place(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return p.Order
}

// pay has the customer of o pay with provider (testpay or flaky).
func (e *payEnv) pay(t *testing.T, o order.Order, provider string) payment.Attempt {
	t.Helper()
	ctx := context.Background()
	st, err := e.pays.Start(ctx, payment.StartInput{OrderID: o.ID, UserID: o.UserID, Method: provider})
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{}
	if provider == testpay.Name {
		q = e.tp.Approve(st.Attempt.Reference, o.Total)
	}
	a, err := e.pays.Confirm(ctx, provider, st.Attempt.Reference, q)
	if err != nil || a.Status != payment.AttemptPaid {
		t.Fatalf("Confirm = %+v, %v", a, err)
	}
	return a
}

func (e *payEnv) status(t *testing.T, id int64) order.Status {
	t.Helper()
	o, err := e.orders.AdminGet(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o.Status
}

// auditOf returns the audit entries of action, failing unless there are n.
func (e *payEnv) auditOf(t *testing.T, action string, n int) []audit.Entry {
	t.Helper()
	es, total, err := e.audit.List(context.Background(), audit.Filter{Action: action})
	if err != nil || total != n {
		t.Fatalf("audit %s = %+v (%d), %v; want %d", action, es, total, err, n)
	}
	return es
}

// contains fails unless body has every one of want.
func contains(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Fatalf("page lacks %q:\n%s", w, body)
		}
	}
}

// lacks fails if body has any of unwanted.
func lacks(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Fatalf("page has %q:\n%s", w, body)
		}
	}
}
