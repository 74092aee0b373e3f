package payment_test

import (
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/kakaopay"
	"github.com/mallang/mallang/internal/payment/kakaopay/kakaopaytest"
	"github.com/mallang/mallang/internal/payment/paypal"
	"github.com/mallang/mallang/internal/payment/paypal/paypaltest"
	"github.com/mallang/mallang/internal/payment/portone"
	"github.com/mallang/mallang/internal/payment/portone/portonetest"
	"github.com/mallang/mallang/internal/payment/toss"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

// providerCase is one real adapter against the local fake of its
// provider's documented API: how the customer approves in the provider's
// window (the query the provider puts on our return URL), and the webhook
// the provider sends for it, if it sends any.
type providerCase struct {
	name    string
	build   func(t *testing.T) payment.Provider
	approve func(t *testing.T, st payment.Started, amount int64) url.Values
	webhook func(t *testing.T, a payment.Attempt) (http.Header, []byte)
	confirm func(a payment.Attempt) int    // calls of the provider's confirm endpoint
	taxFree func(st payment.Started) int64 // the tax-free part the provider was told
}

func providerCases(t *testing.T) []providerCase {
	tossFake, kakaoFake, paypalFake, portoneFake := tosstest.NewServer(), kakaopaytest.NewServer(), paypaltest.NewServer(), portonetest.NewServer()
	t.Cleanup(func() { tossFake.Close(); kakaoFake.Close(); paypalFake.Close(); portoneFake.Close() })
	var mu sync.Mutex
	return []providerCase{
		{
			name: "toss",
			build: func(t *testing.T) payment.Provider {
				p, err := toss.New(toss.Config{SecretKey: tosstest.SecretKey, ClientKey: tosstest.ClientKey, BaseURL: tossFake.URL()}, nil)
				if err != nil {
					t.Fatal(err)
				}
				return p
			},
			approve: func(t *testing.T, st payment.Started, amount int64) url.Values {
				if st.Script == nil || st.Script.Kind != "toss" || st.Script.Params["orderId"] != st.Attempt.Reference {
					t.Fatalf("toss script = %+v", st.Script)
				}
				mu.Lock()
				defer mu.Unlock()
				return tossFake.Authorize(st.Attempt.Reference, amount, "카드")
			},
			webhook: func(t *testing.T, a payment.Attempt) (http.Header, []byte) {
				return http.Header{"Content-Type": {"application/json"}}, tossFake.StatusChangedWebhook(a.ProviderPaymentID)
			},
			confirm: func(payment.Attempt) int { return tossFake.Calls(tosstest.ConfirmPath) },
			taxFree: func(st payment.Started) int64 {
				n, _ := st.Script.Params["taxFreeAmount"].(int64)
				return n
			},
		},
		{
			name: "kakaopay",
			build: func(t *testing.T) payment.Provider {
				p, err := kakaopay.New(kakaopay.Config{SecretKey: kakaopaytest.SecretKey, CID: kakaopaytest.CID, BaseURL: kakaoFake.URL()}, nil)
				if err != nil {
					t.Fatal(err)
				}
				return p
			},
			approve: func(t *testing.T, st payment.Started, _ int64) url.Values {
				if st.RedirectURL == "" || st.Attempt.ProviderPaymentID == "" {
					t.Fatalf("kakaopay start = %+v", st)
				}
				return kakaoFake.Approve(st.Attempt.ProviderPaymentID)
			},
			confirm: func(payment.Attempt) int { return kakaoFake.Calls(kakaopaytest.ApprovePath) },
			taxFree: func(st payment.Started) int64 {
				kp, _ := kakaoFake.Payment(st.Attempt.ProviderPaymentID)
				return kp.TaxFree
			},
		},
		{
			name: "paypal",
			build: func(t *testing.T) payment.Provider {
				p, err := paypal.New(paypal.Config{ClientID: paypaltest.ClientID, Secret: paypaltest.Secret, WebhookID: paypaltest.WebhookID,
					BaseURL: paypalFake.URL(), Currency: "USD", KRWPerUnit: "1400"}, nil)
				if err != nil {
					t.Fatal(err)
				}
				return p
			},
			approve: func(t *testing.T, st payment.Started, _ int64) url.Values {
				if st.RedirectURL == "" || st.Attempt.ChargeCurrency != "USD" {
					t.Fatalf("paypal start = %+v", st)
				}
				return paypalFake.Approve(st.Attempt.ProviderPaymentID)
			},
			webhook: func(t *testing.T, a payment.Attempt) (http.Header, []byte) {
				return paypalFake.Webhook("PAYMENT.CAPTURE.COMPLETED", a.ProviderPaymentID)
			},
			confirm: func(a payment.Attempt) int {
				return paypalFake.Calls("/v2/checkout/orders/" + a.ProviderPaymentID + "/capture")
			},
		},
		{
			name: "portone",
			build: func(t *testing.T) payment.Provider {
				p, err := portone.New(portone.Config{APISecret: portonetest.APISecret, StoreID: portonetest.StoreID,
					ChannelKey: portonetest.ChannelKey, WebhookSecrets: []string{portoneFake.Secret()}, BaseURL: portoneFake.URL()}, nil)
				if err != nil {
					t.Fatal(err)
				}
				return p
			},
			approve: func(t *testing.T, st payment.Started, amount int64) url.Values {
				if st.Script == nil || st.Script.Kind != "portone" {
					t.Fatalf("portone script = %+v", st.Script)
				}
				return portoneFake.Pay(st.Attempt.Reference, amount)
			},
			webhook: func(t *testing.T, a payment.Attempt) (http.Header, []byte) {
				return portoneFake.Webhook("Transaction.Paid", a.Reference)
			},
			taxFree: func(st payment.Started) int64 {
				_, tf, _ := portoneFake.PreRegistered(st.Attempt.Reference)
				return tf
			},
		},
	}
}

func newProviderFixture(t *testing.T, p payment.Provider) *fixture {
	t.Helper()
	sh := ordertest.NewShop(t)
	pays := payment.NewService(sh.D, sh.PaymentDeps(),
		payment.Config{BaseURL: "http://shop.test", ConfirmLease: 10 * time.Second}, []payment.Provider{p}, sh.Clock.Now, slog.New(slog.DiscardHandler))
	return &fixture{Shop: sh, pays: pays, boss: order.Staff(sh.Staff(t, "boss@example.com"))}
}

// Cart → checkout → the provider's fake → a paid order → a partial and a
// whole refund, with each real adapter; the return page refreshed and the
// provider's webhook arriving as well pay the order once.
func TestEachProviderEndToEnd(t *testing.T) {
	t.Parallel()
	for _, pc := range providerCases(t) {
		t.Run(pc.name, func(t *testing.T) {
			t.Parallel()
			p := pc.build(t)
			f := newProviderFixture(t, p)
			a := f.Product(t, "말랑 머그", 12000, 10)
			b := f.Product(t, "말랑 컵받침", 4000, 10)
			f.SetTaxFree(t, b)
			u := f.Customer(t, "buyer@example.com")
			f.Add(t, u, a, 1)
			f.Add(t, u, b, 1)
			o, err := f.Place(t.Context(), order.PlaceInput{UserID: u, IdempotencyKey: "e2e", AddressID: f.Address(t, u),
				PaymentMethod: pc.name, Channel: order.PCWeb})
			if err != nil {
				t.Fatal(err)
			}
			if o.TaxFree != 4000 {
				t.Fatalf("tax-free part = %d, want 4000", o.TaxFree)
			}
			st := f.start(t, o, pc.name)
			if st.Attempt.TaxFree != 4000 {
				t.Errorf("attempt's tax-free part = %d", st.Attempt.TaxFree)
			}
			if pc.taxFree != nil {
				if got := pc.taxFree(st); got != 4000 {
					t.Errorf("the provider was told a tax-free part of %d, want 4000", got)
				}
			}
			q := pc.approve(t, st, o.Total)
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(func() {
					got, err := f.pays.Confirm(t.Context(), pc.name, st.Attempt.Reference, q)
					if err != nil || got.Status != payment.AttemptPaid {
						t.Errorf("Confirm = %+v, %v", got, err)
					}
				})
			}
			wg.Wait()
			if pc.confirm != nil {
				if n := pc.confirm(st.Attempt); n != 1 {
					t.Errorf("the provider's confirm was called %d times, want 1", n)
				}
			}
			paid, _ := f.pays.Attempts(t.Context(), o.ID)
			if pc.webhook != nil {
				h, body := pc.webhook(t, paid[0])
				for range 2 {
					if err := f.pays.Webhook(t.Context(), pc.name, h, body); err != nil {
						t.Fatalf("webhook: %v", err)
					}
				}
				if err := f.Syncs.Run(t.Context(), f.pays); err != nil {
					t.Fatalf("sync after webhook: %v", err)
				}
			}
			if got := f.status(t, o.ID); got != order.Paid {
				t.Fatalf("order is %s", got)
			}
			hist, _ := f.Orders.History(t.Context(), o.ID)
			if n := countTo(hist, order.Paid); n != 1 {
				t.Errorf("%d paid entries, want 1", n)
			}
			rf, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, LineIDs: []int64{o.Lines[1].ID},
				Reason: "부분 환불", Actor: f.boss})
			if err != nil || rf.Status != "done" || rf.Amount != 4000 {
				t.Fatalf("partial refund = %+v, %v", rf, err)
			}
			rf, err = f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, Reason: "전체 환불", Actor: f.boss})
			if err != nil || rf.Amount != o.Total-4000 {
				t.Fatalf("whole refund = %+v, %v", rf, err)
			}
			if got := f.status(t, o.ID); got != order.Refunded {
				t.Errorf("order is %s, want refunded", got)
			}
			as, _ := f.pays.Attempts(t.Context(), o.ID)
			if as[0].Status != payment.AttemptRefunded || as[0].Refunded != o.Total {
				t.Errorf("attempt = %+v", as[0])
			}
			// Nothing is left at the provider: one more refund is refused
			// by us, before the provider is asked.
			if _, err := f.pays.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, Reason: "또", Actor: f.boss}); err == nil {
				t.Error("a third refund succeeded")
			}
		})
	}
}

func countTo(h []order.HistoryEntry, s order.Status) int {
	n := 0
	for _, e := range h {
		if e.To == s {
			n++
		}
	}
	return n
}

// The customer's window approves another amount than the order's: the
// provider refuses (Toss checks the amount at confirm) or reports what it
// charged, and the service gives the money back. The order stays unpaid.
func TestProviderAmountTampering(t *testing.T) {
	t.Parallel()
	for _, pc := range providerCases(t) {
		if pc.name != "toss" && pc.name != "portone" {
			continue // KakaoPay and PayPal fix the amount at prepare on their side
		}
		t.Run(pc.name, func(t *testing.T) {
			t.Parallel()
			f := newProviderFixture(t, pc.build(t))
			o, _ := f.order(t, 15000, 1)
			st := f.start(t, o, pc.name)
			a, err := f.pays.Confirm(t.Context(), pc.name, st.Attempt.Reference, pc.approve(t, st, 100))
			if err != nil {
				t.Fatal(err)
			}
			if a.Status != payment.AttemptFailed && a.Status != payment.AttemptAmountMismatch {
				t.Fatalf("tampered payment = %s", a.Status)
			}
			if got := f.status(t, o.ID); got != order.PendingPayment {
				t.Errorf("order is %s", got)
			}
			if a.Status == payment.AttemptAmountMismatch {
				if ev := f.events(t, o.ID, "give_back"); len(ev) != 1 || ev[0].Outcome != "ok" {
					t.Errorf("give-back = %+v", ev)
				}
			}
		})
	}
}

// A Toss virtual account: the confirm issues it, the order waits for the
// deposit, and Toss's deposit notification (with the secret of the
// account) pays it; a forged notification does not.
func TestTossVirtualAccountDeposit(t *testing.T) {
	t.Parallel()
	fake := tosstest.NewServer()
	t.Cleanup(fake.Close)
	p, err := toss.New(toss.Config{SecretKey: tosstest.SecretKey, ClientKey: tosstest.ClientKey, BaseURL: fake.URL()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := newProviderFixture(t, p)
	o, _ := f.order(t, 30000, 1)
	st := f.start(t, o, "toss")
	a, err := f.pays.Confirm(t.Context(), "toss", st.Attempt.Reference, fake.AuthorizeVirtualAccount(st.Attempt.Reference, o.Total))
	if err != nil || a.Status != payment.AttemptAwaitingDeposit || a.Deposit == nil || a.Deposit.Account == "" {
		t.Fatalf("virtual account = %+v, %v", a, err)
	}
	if got := f.status(t, o.ID); got != order.AwaitingDeposit {
		t.Fatalf("order is %s", got)
	}
	body := fake.Deposit(a.ProviderPaymentID)
	forged := []byte(`{"createdAt":"2026-11-30T10:00:00.000000","secret":"not-the-secret","status":"DONE","transactionKey":"x","orderId":"` + a.Reference + `"}`)
	if err := f.pays.Webhook(t.Context(), "toss", nil, forged); err == nil {
		t.Fatal("a forged deposit notification was accepted")
	}
	if got := f.status(t, o.ID); got != order.AwaitingDeposit {
		t.Fatalf("order is %s after a forged notification", got)
	}
	for range 2 {
		if err := f.pays.Webhook(t.Context(), "toss", nil, body); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Syncs.Run(t.Context(), f.pays); err != nil {
		t.Fatal(err)
	}
	if got := f.status(t, o.ID); got != order.Paid {
		t.Fatalf("order is %s after the deposit", got)
	}
}

// A confirm that times out is looked up, not taken for a failure.
func TestProviderTimeoutIsLookedUp(t *testing.T) {
	t.Parallel()
	fake := tosstest.NewServer()
	t.Cleanup(fake.Close)
	p, err := toss.New(toss.Config{SecretKey: tosstest.SecretKey, ClientKey: tosstest.ClientKey, BaseURL: fake.URL()},
		&http.Client{Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	f := newProviderFixture(t, p)
	o, _ := f.order(t, 9000, 1)
	st := f.start(t, o, "toss")
	q := fake.Authorize(st.Attempt.Reference, o.Total, "카드")
	fake.DelayNext(tosstest.ConfirmPath, time.Second) // the confirm happens; its answer is lost
	a, err := f.pays.Confirm(t.Context(), "toss", st.Attempt.Reference, q)
	if err != nil || a.Status != payment.AttemptPaid {
		t.Fatalf("after a timeout: %+v, %v", a, err)
	}
	if got := f.status(t, o.ID); got != order.Paid {
		t.Errorf("order is %s", got)
	}
}

// A PayPal buyer who approves and never comes back to the shop still pays:
// the approval webhook has the order captured, once however often it
// arrives.
func TestPayPalCapturedFromApprovalWebhook(t *testing.T) {
	t.Parallel()
	fake := paypaltest.NewServer()
	t.Cleanup(fake.Close)
	p, err := paypal.New(paypal.Config{ClientID: paypaltest.ClientID, Secret: paypaltest.Secret, WebhookID: paypaltest.WebhookID,
		BaseURL: fake.URL(), Currency: "USD", KRWPerUnit: "1400"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := newProviderFixture(t, p)
	o, _ := f.order(t, 30000, 1)
	st := f.start(t, o, "paypal")
	fake.Approve(st.Attempt.ProviderPaymentID) // the buyer closes the tab here
	for range 2 {
		h, body := fake.Webhook("CHECKOUT.ORDER.APPROVED", st.Attempt.ProviderPaymentID)
		if err := f.pays.Webhook(t.Context(), "paypal", h, body); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Syncs.Run(t.Context(), f.pays); err != nil {
		t.Fatal(err)
	}
	if got := f.status(t, o.ID); got != order.Paid {
		t.Fatalf("order is %s after the approval webhook", got)
	}
	if n := fake.Calls("/v2/checkout/orders/" + st.Attempt.ProviderPaymentID + "/capture"); n != 1 {
		t.Fatalf("%d captures, want 1", n)
	}
	// The buyer comes back after all: the same payment, nothing more.
	a, err := f.pays.Confirm(t.Context(), "paypal", st.Attempt.Reference, url.Values{"token": {st.Attempt.ProviderPaymentID}})
	if err != nil || a.Status != payment.AttemptPaid {
		t.Fatalf("late return = %+v, %v", a, err)
	}
	if n := fake.Calls("/v2/checkout/orders/" + st.Attempt.ProviderPaymentID + "/capture"); n != 1 {
		t.Fatalf("%d captures after the return, want 1", n)
	}
}
