package checkout_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/testpay"
)

// askedProvider is the test provider, remembering the amount each attempt
// asked it to take.
type askedProvider struct {
	*testpay.Provider
	mu    sync.Mutex
	asked map[string]int64 // by attempt reference
}

func (p *askedProvider) Prepare(ctx context.Context, r payment.PrepareRequest) (payment.Prepared, error) {
	p.mu.Lock()
	p.asked[r.Reference] = r.Amount.Total
	p.mu.Unlock()
	return p.Provider.Prepare(ctx, r)
}

func (p *askedProvider) amount(reference string) (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n, ok := p.asked[reference]
	return n, ok
}

// The amount a customer is shown before placing is the amount charged:
// for random carts, addresses (typed or from the book, remote or not, the
// postcode typed before the rest), coupons, points and ways to pay, the
// preview's total is the order's total, the transfer's amount and the
// amount the provider is asked for.
func TestShownTotalIsCharged(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	tp, err := testpay.New([]byte("checkout property test: a signing key of 32+ bytes"), func(ref string) string { return "http://shop.test/pay/" + ref }, sh.Clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	provider := &askedProvider{Provider: tp, asked: map[string]int64{}}
	payments := payment.NewService(sh.D, sh.PaymentDeps(), payment.Config{BaseURL: "http://shop.test", Bank: ordertest.Bank},
		[]payment.Provider{provider}, sh.Clock.Now, slog.New(slog.DiscardHandler))
	prices := []int64{990, 4500, 12000, 34600, 49900, 158000}
	var variants []int64
	for i, p := range prices {
		variants = append(variants, sh.Product(t, fmt.Sprintf("상품 %d", i), p, 1_000_000))
	}
	postcodes := []string{"06236", "63000", "63100", "63644", "63645", "48058"}
	customers := 0

	rapid.Check(t, func(rt *rapid.T) {
		ctx := t.Context()
		customers++
		u := sh.Customer(t, fmt.Sprintf("buyer%d@example.com", customers))
		for _, i := range rapid.SliceOfNDistinct(rapid.IntRange(0, len(variants)-1), 1, 4, rapid.ID).Draw(rt, "products") {
			sh.Add(t, u, variants[i], rapid.Int64Range(1, 5).Draw(rt, "quantity"))
		}
		if bal := rapid.Int64Range(0, 30000).Draw(rt, "balance"); bal > 0 {
			sh.Give(t, u, bal)
		}
		postcode := rapid.SampledFrom(postcodes).Draw(rt, "postcode")
		in := order.PlaceInput{UserID: u, IdempotencyKey: "key", Channel: order.PCWeb,
			CouponCode:    rapid.SampledFrom([]string{"", "WELCOME", "BIG", "NOPE"}).Draw(rt, "coupon"),
			PointsToUse:   rapid.SampledFrom([]int64{0, 0, 1000, 5000, 40000}).Draw(rt, "points"),
			PaymentMethod: rapid.SampledFrom([]string{payment.BankTransfer, testpay.Name}).Draw(rt, "method"),
		}
		full := &order.Address{Recipient: "김말랑", Phone: "010-1234-5678", Postcode: postcode, Line1: "말랑로 1"}
		shownIn := in
		switch rapid.IntRange(0, 2).Draw(rt, "address") {
		case 0: // typed in full
			in.Address, shownIn.Address = full, full
		case 1: // only the postcode typed when the customer looked
			in.Address, shownIn.Address = full, &order.Address{Postcode: postcode}
		default: // from the book
			in.AddressID = sh.AddressAt(t, u, postcode)
			shownIn.AddressID = in.AddressID
		}

		p, err := sh.Checkout.Preview(ctx, shownIn)
		if err != nil {
			rt.Fatalf("preview: %v", err)
		}
		// What the preview could not apply, the customer leaves out.
		for _, pr := range p.Breakdown.Problems {
			switch pr.Field {
			case "coupon":
				in.CouponCode, shownIn.CouponCode = "", ""
			case "points":
				in.PointsToUse, shownIn.PointsToUse = 0, 0
			}
		}
		if len(p.Breakdown.Problems) > 0 {
			if p, err = sh.Checkout.Preview(ctx, shownIn); err != nil || len(p.Breakdown.Problems) > 0 {
				rt.Fatalf("preview without what was refused: %+v, %v", p.Breakdown.Problems, err)
			}
		}
		shown := p.Breakdown.Total
		in.ExpectedTotal = &shown

		placed, err := sh.Checkout.Place(ctx, checkout.Input{PlaceInput: in})
		if _, ok := fault.AsInvalid(err); ok {
			rt.Fatalf("placing at the total shown (₩%d) was refused: %v", shown, err)
		}
		if err != nil {
			rt.Fatal(err)
		}
		o := placed.Order
		if o.Total != shown {
			rt.Fatalf("shown ₩%d, order total ₩%d", shown, o.Total)
		}
		switch {
		case o.Total == 0:
			if o.Status != order.Paid {
				rt.Fatalf("an order paid by points is %s", o.Status)
			}
		case in.PaymentMethod == payment.BankTransfer:
			if placed.Transfer == nil || placed.Transfer.Amount != shown {
				rt.Fatalf("shown ₩%d, transfer asked %+v", shown, placed.Transfer)
			}
		default:
			started, err := payments.Start(ctx, payment.StartInput{OrderID: o.ID, UserID: u, Method: testpay.Name, Placed: &o})
			if err != nil {
				rt.Fatal(err)
			}
			asked, ok := provider.amount(started.Attempt.Reference)
			if !ok || asked != shown || started.Attempt.Amount != shown {
				rt.Fatalf("shown ₩%d, attempt ₩%d, provider asked ₩%d (%v)", shown, started.Attempt.Amount, asked, ok)
			}
		}
	})
}
