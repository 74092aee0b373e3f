//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/mallang/mallang/internal/app"
	"github.com/mallang/mallang/internal/config"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
	"github.com/mallang/mallang/internal/seed"
)

// fakeTossSDK stands in for Toss's SDK v2 (js.tosspayments.com/v2/standard),
// which a test machine cannot reach: it keeps the requestPayment call that
// static/pay.js makes, as Toss's window would receive it, and leaves the
// page as it is.
const fakeTossSDK = `window.TossPayments = function (clientKey) {
  return { payment: function (opts) { return { requestPayment: function (req) {
    window.tossCall = { clientKey: clientKey, customerKey: opts.customerKey, request: req };
    return new Promise(function () {});
  } }; } };
};
window.TossPayments.ANONYMOUS = "ANONYMOUS";`

// tossCall is what the fake SDK kept.
type tossCall struct {
	ClientKey string `json:"clientKey"`
	Request   struct {
		Method  string `json:"method"`
		OrderID string `json:"orderId"`
		Amount  struct {
			Currency string `json:"currency"`
			Value    int64  `json:"value"`
		} `json:"amount"`
		SuccessURL     string `json:"successUrl"`
		VirtualAccount struct {
			ValidHours  int `json:"validHours"`
			CashReceipt struct {
				Type string `json:"type"`
			} `json:"cashReceipt"`
		} `json:"virtualAccount"`
	} `json:"request"`
}

// TestVirtualAccount: a customer of a shop with Toss Payments picks 가상계좌
// at checkout; the page opens Toss's window on a virtual account due in the
// shop's 72 hours; Toss (its local fake) issues the account, and the order
// page shows it; Toss's deposit notification pays the order, as the
// customer then sees. Screenshots: the checkout's choice, the issued
// account, the paid order.
func TestVirtualAccount(t *testing.T) {
	fake := tosstest.NewServer()
	t.Cleanup(fake.Close)
	s := startShopWith(t, map[string]string{"MALLANG_TOSS_SECRET_KEY": tosstest.SecretKey,
		"MALLANG_TOSS_CLIENT_KEY": tosstest.ClientKey, "MALLANG_TOSS_BASE_URL": fake.URL()})
	browser := startBrowser(t)
	b := newTab(t, browser, s.Base, "vaccount")
	serveFakeTossSDK(t, b)
	picks := buyable(t, s, 1)

	const password = "가상계좌를 시험하는 긴 비밀번호"
	u := newCustomer(t, s, "vaccount@example.com", password, "윤가상")
	signIn(b, "vaccount@example.com", password)
	b.open(productURL(picks[0].ID))
	b.follow("add to the cart", chromedp.Click(chromedp.CSS(`[data-testid="add-to-cart"]`)))
	b.follow("go to checkout", chromedp.Click(chromedp.CSS(`[data-testid="cart-checkout"]`)))
	fillNewAddress(b, "윤가상")
	if got := b.text(`[data-testid="pay-virtual_account"] + span`); got != "가상계좌" {
		b.fatalf("the virtual account's choice reads %q", got)
	}
	b.do("choose a virtual account", chromedp.Click(chromedp.CSS(`[data-testid="pay-virtual_account"]`)))
	total := b.text(`[data-testid="amount-total"]`)
	b.screenshot("checkout")
	b.follow("place the order", chromedp.Click(chromedp.CSS(`[data-testid="checkout-place"]`)))

	// The page hands Toss's window what its SDK documents for a virtual
	// account.
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`!!window.tossCall`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		b.fatalf("the page never opened Toss's window: %v", err)
	}
	call := eval[tossCall](b, `window.tossCall`)
	r := call.Request
	if call.ClientKey != tosstest.ClientKey || r.Method != "VIRTUAL_ACCOUNT" || r.VirtualAccount.ValidHours != 72 ||
		r.VirtualAccount.CashReceipt.Type != "소득공제" || r.Amount.Currency != "KRW" || thousands(r.Amount.Value)+"원" != total {
		b.fatalf("Toss's window was opened with %+v (checkout total %s)", call, total)
	}
	b.screenshot("window")

	// Toss issues the account and sends the customer back.
	q := fake.AuthorizeVirtualAccountFor(r.OrderID, r.Amount.Value, r.VirtualAccount.ValidHours)
	b.open(strings.TrimPrefix(r.SuccessURL, s.Base) + "?" + q.Encode())
	if st := b.attrs(`[data-testid="order-status"]`, "data-status"); len(st) != 1 || st[0] != string(order.AwaitingDeposit) {
		b.fatalf("after the window the order page shows status %v", st)
	}
	if got := b.text(`[data-testid="deposit-bank"]`); got != "신한은행" {
		b.fatalf("the account's bank reads %q", got)
	}
	if got := b.text(`[data-testid="deposit-amount"]`); got != total {
		b.fatalf("the account asks for %q, the checkout said %q", got, total)
	}
	if b.text(`[data-testid="deposit-account"]`) == "" || b.text(`[data-testid="deposit-due"]`) == "" {
		b.fatalf("the account's number or deadline is missing")
	}
	b.screenshot("issued")
	path := strings.SplitN(b.url()[len(s.Base):], "?", 2)[0]
	number := strings.TrimPrefix(path, "/account/orders/")

	// Toss's deposit notification; the shop's job settles the order.
	o, err := s.App.Orders().ByNumber(context.Background(), u.ID, number)
	if err != nil {
		b.fatalf("find order %s: %v", number, err)
	}
	as, err := s.App.Payments().Attempts(context.Background(), o.ID)
	if err != nil || len(as) != 1 {
		b.fatalf("attempts of order %s: %+v, %v", number, as, err)
	}
	res, err := http.Post(s.Base+"/payments/webhook/toss", "application/json", bytes.NewReader(fake.Deposit(as[0].ProviderPaymentID)))
	if err != nil {
		b.fatalf("deposit notification: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.fatalf("deposit notification answered %d", res.StatusCode)
	}
	// The job runs in the shop's own worker: poll the order until it is
	// paid, for at most 30 seconds.
	poll, timeout := time.NewTicker(100*time.Millisecond), time.After(30*time.Second)
	defer poll.Stop()
	for o.Status != order.Paid {
		select {
		case <-timeout:
			b.fatalf("order %s is still %s 30 s after the deposit notification", number, o.Status)
		case <-poll.C:
		}
		if o, err = s.App.Orders().ByNumber(context.Background(), u.ID, number); err != nil {
			b.fatalf("find order %s: %v", number, err)
		}
	}
	b.open(path)
	if st := b.attrs(`[data-testid="order-status"]`, "data-status"); len(st) != 1 || st[0] != string(order.Paid) {
		b.fatalf("after the deposit the order page shows status %v", st)
	}
	if got := b.text(`[data-testid="paid-with"]`); !strings.Contains(got, "토스페이먼츠 가상계좌") {
		b.fatalf("the order page says it was paid with %q", got)
	}
	b.screenshot("paid")
	b.checkHealthy()
}

// serveFakeTossSDK answers the tab's requests for Toss's SDK with
// fakeTossSDK.
func serveFakeTossSDK(t *testing.T, b *tab) {
	t.Helper()
	events := chromedp.Events(b.ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(b.ctx, fetch.Enable, fetch.EnableParams{
		Patterns: []*fetch.RequestPattern{{URLPattern: "https://js.tosspayments.com/*"}}}); err != nil {
		t.Fatalf("intercept Toss's SDK: %v", err)
	}
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(b.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 200,
				ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/javascript; charset=utf-8"}},
				Body:            []byte(fakeTossSDK)})
		}
	}()
}

// thousands writes n with thousands separators ("12,900").
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// startShopWith is startShop with env over its configuration and a
// smaller catalog (40 products): enough to buy one.
func startShopWith(t *testing.T, extra map[string]string) *shop {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	base := "http://" + ln.Addr().String()
	env := map[string]string{
		"MALLANG_DATA_DIR":     t.TempDir(),
		"MALLANG_DATABASE_URL": dbtest.URL(t),
		"MALLANG_ADDR":         ln.Addr().String(),
		"MALLANG_BASE_URL":     base,
		"MALLANG_LOG_LEVEL":    "warn",
		"MALLANG_DEMO":         "false",
		"MALLANG_TESTPAY":      "false",
		"MALLANG_BANK_NAME":    "말랑은행",
		"MALLANG_BANK_ACCOUNT": "100-200-300400",
		"MALLANG_BANK_HOLDER":  "(주)말랑",
	}
	maps.Copy(env, extra)
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		ln.Close()
		t.Fatalf("config: %v", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithTimeout(context.Background(), seedTimeout)
	defer cancel()
	a, err := app.New(ctx, cfg, log, "e2e")
	if err != nil {
		ln.Close()
		t.Fatalf("app.New: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("close app: %v", err)
		}
	})
	if _, err := seed.Run(ctx, a.Catalog, a.Media, seed.Options{Products: 40, Images: true, Rand: 1}, io.Discard); err != nil {
		ln.Close()
		t.Fatalf("seed: %v", err)
	}
	serveCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(serveCtx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &shop{App: a, Base: base}
}
