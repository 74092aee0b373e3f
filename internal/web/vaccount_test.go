package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/portone/portonetest"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

// newProviderShop is newAccountShop with the payment providers env
// configures (their fakes' addresses and keys) and no social sign-in.
func newProviderShop(t *testing.T, env map[string]string) *accountShop {
	t.Helper()
	all := map[string]string{"MALLANG_BANK_ACCOUNT": "123-45-6789"}
	maps.Copy(all, env)
	s, srv := apptest.NewServer(t, apptest.Options{Env: all})
	return &accountShop{
		shop: s, srv: srv, d: s.DB, acc: s.Accounts, addrs: s.Addresses(), cat: s.Catalog,
		carts: s.Carts(), coupons: s.Coupons(), points: s.Points(), orders: s.Orders(), pays: s.Payments(), testpay: s.TestPay(),
	}
}

// vaccountCase is a provider that issues virtual accounts, played through
// its local fake: the window the checkout page opens, the deposit, and the
// notification the provider then posts to the shop.
type vaccountCase struct {
	name string
	env  map[string]string
	// window checks the SDK call the page makes and plays the customer
	// choosing the account in it; it returns the query the provider puts
	// on the return URL.
	window func(t *testing.T, params map[string]any, reference string, amount int64) url.Values
	// issued is the provider's notification that it issued the account,
	// which may arrive beside the customer's return.
	issued func(t *testing.T, a payment.Attempt) (http.Header, []byte)
	// deposit plays the customer's transfer and returns the provider's
	// notification of it.
	deposit func(t *testing.T, a payment.Attempt) (http.Header, []byte)
	// refundedTo is the account the provider's cancel call named.
	refundedTo func(t *testing.T, a payment.Attempt) string
}

func vaccountCases(t *testing.T) []vaccountCase {
	tossFake, portoneFake := tosstest.NewServer(), portonetest.NewServer()
	t.Cleanup(func() { tossFake.Close(); portoneFake.Close() })
	return []vaccountCase{
		{
			name: "toss",
			env: map[string]string{"MALLANG_TOSS_SECRET_KEY": tosstest.SecretKey, "MALLANG_TOSS_CLIENT_KEY": tosstest.ClientKey,
				"MALLANG_TOSS_BASE_URL": tossFake.URL()},
			window: func(t *testing.T, p map[string]any, ref string, amount int64) url.Values {
				va, _ := p["virtualAccount"].(map[string]any)
				if p["method"] != "VIRTUAL_ACCOUNT" || va == nil || va["validHours"] != float64(48) || va["dueDate"] != nil {
					t.Fatalf("Toss window params = %v, want method VIRTUAL_ACCOUNT and virtualAccount.validHours 48", p)
				}
				return tossFake.AuthorizeVirtualAccountFor(ref, amount, 48)
			},
			issued: func(t *testing.T, a payment.Attempt) (http.Header, []byte) {
				return http.Header{"Content-Type": {"application/json"}}, tossFake.StatusChangedWebhook(a.ProviderPaymentID)
			},
			deposit: func(t *testing.T, a payment.Attempt) (http.Header, []byte) {
				return http.Header{"Content-Type": {"application/json"}}, tossFake.Deposit(a.ProviderPaymentID)
			},
			refundedTo: func(t *testing.T, a payment.Attempt) string {
				req, _ := http.NewRequest(http.MethodGet, tossFake.URL()+tosstest.PaymentPath(a.ProviderPaymentID), nil)
				req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(tosstest.SecretKey+":")))
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				var p struct {
					VirtualAccount struct {
						RefundReceiveAccount struct{ Bank, AccountNumber, HolderName string }
					}
				}
				if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
					t.Fatal(err)
				}
				r := p.VirtualAccount.RefundReceiveAccount
				return r.Bank + " " + r.AccountNumber + " " + r.HolderName
			},
		},
		{
			name: "portone",
			env: map[string]string{"MALLANG_PORTONE_API_SECRET": portonetest.APISecret, "MALLANG_PORTONE_STORE_ID": portonetest.StoreID,
				"MALLANG_PORTONE_CHANNEL_KEY": portonetest.ChannelKey, "MALLANG_PORTONE_WEBHOOK_SECRETS": portoneFake.Secret(),
				"MALLANG_PORTONE_BASE_URL": portoneFake.URL()},
			window: func(t *testing.T, p map[string]any, ref string, amount int64) url.Values {
				va, _ := p["virtualAccount"].(map[string]any)
				expiry, _ := va["accountExpiry"].(map[string]any)
				if p["payMethod"] != "VIRTUAL_ACCOUNT" || expiry["validHours"] != float64(48) || expiry["dueDate"] != nil {
					t.Fatalf("PortOne window params = %v, want payMethod VIRTUAL_ACCOUNT and accountExpiry.validHours 48", p)
				}
				return portoneFake.IssueVirtualAccountFor(ref, amount, 48)
			},
			issued: func(t *testing.T, a payment.Attempt) (http.Header, []byte) {
				return portoneFake.Webhook("Transaction.VirtualAccountIssued", a.Reference)
			},
			deposit: func(t *testing.T, a payment.Attempt) (http.Header, []byte) {
				portoneFake.Deposit(a.Reference)
				return portoneFake.Webhook("Transaction.Paid", a.Reference)
			},
			refundedTo: func(t *testing.T, a payment.Attempt) string {
				got := portoneFake.RefundedTo(a.Reference)
				if len(got) != 1 {
					t.Fatalf("PortOne refund accounts = %+v", got)
				}
				return got[0].Bank + " " + got[0].Number + " " + got[0].HolderName
			},
		},
	}
}

var payParamsRE = regexp.MustCompile(`(?s)<script id="pay-params" type="application/json">(.*?)</script>`)

// A customer picks 가상계좌 at checkout, with each provider that issues
// them: the provider's window opens on a virtual account due when a bank
// transfer would be; the order then waits for the deposit with the
// account on its page and in one mail, however often the return is
// loaded; the provider's deposit notification, through the webhook
// endpoint, pays it (one more mail); and cancelling sends the money back
// to the account the customer names, as the provider's cancel call shows.
func TestVirtualAccountAtCheckout(t *testing.T) {
	t.Parallel()
	for _, vc := range vaccountCases(t) {
		t.Run(vc.name, func(t *testing.T) {
			t.Parallel()
			s := newProviderShop(t, vc.env)
			f := catalogtest.Seed(t, s.cat, 8)
			b := s.member(t, signupForm)
			// The checkout offers 가상계좌 as a way of its own.
			wantStatus(t, b.post("/cart/add", url.Values{"variant": {id(s.variantOf(t, f, 0))}, "quantity": {"1"}}), http.StatusSeeOther, "/cart?added=1")
			r := b.get("/checkout")
			mustContain(t, r.body, `value="virtual_account"`, `data-testid="pay-virtual_account"`, "<span>가상계좌</span>")
			form := url.Values{"key": {keyRE.FindStringSubmatch(r.body)[1]}, "address": {"new"}, "recipient": {"김민지"},
				"phone": {"010-1234-5678"}, "postcode": {"06236"}, "line1": {"서울 강남구 테헤란로 123"}, "action": {"place"},
				"payment": {"virtual_account"}}
			r = b.post("/checkout", form)
			wantStatus(t, r, http.StatusOK, "")
			m := payParamsRE.FindStringSubmatch(r.body)
			if m == nil {
				t.Fatalf("no pay-params on the page:\n%s", r.body)
			}
			var cfg struct {
				Kind      string         `json:"kind"`
				Params    map[string]any `json:"params"`
				ReturnURL string         `json:"returnUrl"`
			}
			if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &cfg); err != nil {
				t.Fatal(err)
			}
			if cfg.Kind != vc.name {
				t.Fatalf("window kind %q, want %s", cfg.Kind, vc.name)
			}
			ref := strings.TrimPrefix(cfg.ReturnURL, "/pay/return/"+vc.name+"/")
			number := payment.OrderNumber(ref)
			issued := time.Now()
			q := vc.window(t, cfg.Params, ref, 4000) // ₩1,000 and ₩3,000 shipping
			for range 2 {                            // the customer reloads the return page
				wantStatus(t, b.get(cfg.ReturnURL+"?"+q.Encode()), http.StatusSeeOther, "/account/orders/"+number+"?deposit=1")
			}
			as, err := s.pays.Attempts(t.Context(), s.orderID(t, number))
			if err != nil || len(as) != 1 || as[0].Status != payment.AttemptAwaitingDeposit || as[0].Deposit == nil {
				t.Fatalf("attempts = %+v, %v", as, err)
			}
			a := as[0]
			o, err := s.orders.AdminGet(t.Context(), a.OrderID)
			if err != nil {
				t.Fatal(err)
			}
			// The provider's deadline, the shop's 48 hours, is the order's.
			if o.Status != order.AwaitingDeposit || !o.PayBy.Equal(a.Deposit.Due) ||
				o.PayBy.Before(issued.Add(apptest.DepositWithin-time.Second)) || o.PayBy.After(time.Now().Add(apptest.DepositWithin)) {
				t.Fatalf("order %s pay by %v, account due %v, issued at %v", o.Status, o.PayBy, a.Deposit.Due, issued)
			}
			// The provider's own notice of the account, beside the return,
			// records nothing more and mails nothing more.
			h, body := vc.issued(t, a)
			s.postWebhook(t, vc.name, h, body)
			s.runPaymentSync(t, a.ID)
			page := b.get("/account/orders/" + number + "?deposit=1").body
			mustContain(t, page, `data-testid="deposit-info" data-virtual`, "가상계좌 입금 안내", `data-testid="deposit-bank">신한은행<`,
				`data-testid="deposit-account">`+a.Deposit.Account+`<`, `data-testid="deposit-amount">4,000원<`, `data-testid="deposit-due"`,
				"이 주문만을 위한 계좌입니다")
			mustNotContain(t, page, "VIRTUAL_ACCOUNT", "SHINHAN", `data-testid="order-pay"`)
			if ms := s.mailsTo(t, "minji@example.com", "가상계좌가 발급"); len(ms) != 1 ||
				!strings.Contains(ms[0], "은행: 신한은행") || !strings.Contains(ms[0], "계좌번호: "+a.Deposit.Account) ||
				!strings.Contains(ms[0], "입금 금액: 4,000원") {
				t.Fatalf("virtual account mails = %q", ms)
			}

			// The deposit: the provider's notification, twice, through the
			// webhook endpoint; the job it enqueues settles the order.
			h, body = vc.deposit(t, a)
			for range 2 {
				s.postWebhook(t, vc.name, h, body)
			}
			s.runPaymentSync(t, a.ID)
			page = b.get("/account/orders/" + number).body
			provider := map[string]string{"toss": "토스페이먼츠", "portone": "포트원"}[vc.name]
			mustContain(t, page, `data-status="paid"`, `data-testid="paid-with"`, "결제: "+provider+" 가상계좌",
				provider+" 가상계좌 발급")
			mustNotContain(t, page, `data-testid="deposit-info"`, "VIRTUAL_ACCOUNT", "(toss)", "(portone)")
			if ms := s.mailsTo(t, "minji@example.com", "결제가 완료"); len(ms) != 1 || !strings.Contains(ms[0], "결제 수단: "+provider+" 가상계좌") {
				t.Fatalf("payment mails = %q", ms)
			}
			if n := len(s.mailsTo(t, "minji@example.com", "가상계좌가 발급")); n != 1 {
				t.Fatalf("%d virtual account mails, want 1", n)
			}

			// Cancelled before shipping: the money goes back through the
			// provider to the account the customer gives (KB국민은행).
			mustContain(t, page, `data-testid="refund-account"`, "가상계좌로 결제하신 금액은 결제사가 이 계좌로 돌려드립니다")
			wantStatus(t, b.post("/account/orders/"+number+"/cancel", url.Values{"reason": {"마음이 바뀌었어요"},
				"refund_bank": {"004"}, "refund_number": {"110-123-456789"}, "refund_holder": {"김민지"}}), http.StatusSeeOther, "/account/orders/"+number)
			mustContain(t, b.get("/account/orders/"+number).body, `data-status="cancelled"`, "환불 완료 4,000원")
			want := map[string]string{"toss": "06 110123456789 김민지", "portone": "KOOKMIN 110123456789 김민지"}[vc.name]
			if got := vc.refundedTo(t, a); got != want {
				t.Errorf("the provider's cancel named %q, want %q", got, want)
			}
		})
	}
}

// An unpaid virtual account past its deadline cancels the order, as an
// unpaid bank transfer does.
func TestVirtualAccountExpires(t *testing.T) {
	t.Parallel()
	vc := vaccountCases(t)[0]
	s := newProviderShop(t, vc.env)
	f := catalogtest.Seed(t, s.cat, 8)
	b := s.member(t, signupForm)
	r := s.checkoutWith(t, b, s.variantOf(t, f, 0), url.Values{"payment": {"virtual_account"}})
	m := payParamsRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no pay-params on the page:\n%s", r.body)
	}
	var cfg struct {
		Params    map[string]any `json:"params"`
		ReturnURL string         `json:"returnUrl"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &cfg); err != nil {
		t.Fatal(err)
	}
	ref := strings.TrimPrefix(cfg.ReturnURL, "/pay/return/toss/")
	number := payment.OrderNumber(ref)
	wantStatus(t, b.get(cfg.ReturnURL+"?"+vc.window(t, cfg.Params, ref, 4000).Encode()), http.StatusSeeOther, "/account/orders/"+number+"?deposit=1")
	o, err := s.orders.AdminGet(t.Context(), s.orderID(t, number))
	if err != nil || o.Status != order.AwaitingDeposit {
		t.Fatalf("order = %s, %v", o.Status, err)
	}
	s.shop.Clock.Set(o.PayBy.Add(-time.Minute))
	if n, err := s.orders.ExpireUnpaid(t.Context(), 0); err != nil || n != 0 {
		t.Fatalf("ExpireUnpaid before the deadline = %d, %v", n, err)
	}
	s.shop.Clock.Set(o.PayBy.Add(time.Minute))
	if n, err := s.orders.ExpireUnpaid(t.Context(), 0); err != nil || n != 1 {
		t.Fatalf("ExpireUnpaid after the deadline = %d, %v", n, err)
	}
	if _, err := s.pays.Reconcile(t.Context()); err != nil {
		t.Fatal(err)
	}
	page := b.get("/account/orders/" + number).body
	mustContain(t, page, `data-status="cancelled"`)
	mustNotContain(t, page, `data-testid="deposit-info"`)
	as, _ := s.pays.Attempts(t.Context(), o.ID)
	if len(as) != 1 || as[0].Status != payment.AttemptFailed {
		t.Fatalf("attempts after expiry = %+v", as)
	}
}

// orderID is the id of the order numbered number.
func (s *accountShop) orderID(t *testing.T, number string) int64 {
	t.Helper()
	var id int64
	q := s.d.Read()
	if err := q.GetContext(t.Context(), &id, q.Rebind(`SELECT id FROM orders WHERE number = ?`), number); err != nil {
		t.Fatalf("order %s: %v", number, err)
	}
	return id
}

// mailsTo returns the text of the mails to addr whose subject contains
// subject, oldest first.
func (s *accountShop) mailsTo(t *testing.T, addr, subject string) []string {
	t.Helper()
	var out []string
	q := s.d.Read()
	err := q.SelectContext(t.Context(), &out, q.Rebind(`SELECT text_body FROM outbox WHERE to_address = ? AND subject LIKE ? ORDER BY id`),
		addr, "%"+subject+"%")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// postWebhook posts a provider's notification to the shop's webhook
// endpoint, which must answer 200.
func (s *accountShop) postWebhook(t *testing.T, provider string, h http.Header, body []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/payments/webhook/"+provider, bytes.NewReader(body))
	maps.Copy(req.Header, h)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("webhook of %s: %d %s", provider, res.StatusCode, msg)
	}
}

// runPaymentSync works the payment-sync job the webhooks enqueued for
// attempt id, as the job worker would (the job's arguments are stored in
// an engine's own JSON form, so the test names the attempt).
func (s *accountShop) runPaymentSync(t *testing.T, id int64) {
	t.Helper()
	var n int
	q := s.d.Read()
	if err := q.GetContext(t.Context(), &n, `SELECT COUNT(*) FROM river_job WHERE kind = 'payment_sync'`); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no payment-sync job was enqueued")
	}
	if err := s.pays.SyncAttempt(t.Context(), id); err != nil {
		t.Fatal(err)
	}
}
