package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

// newTossPayEnv is newPayEnv with Toss Payments' keys configured against a
// tosstest fake, so the shop issues cash receipts through its API.
func newTossPayEnv(t *testing.T) (*payEnv, *tosstest.Server) {
	t.Helper()
	ts := tosstest.NewServer()
	t.Cleanup(ts.Close)
	fl := &flaky{}
	shop, srv := apptest.NewServer(t, apptest.Options{
		Start:     time.Now().UTC().Truncate(time.Second),
		Providers: []payment.Provider{fl},
		Env: map[string]string{"MALLANG_ADMIN_PATH": bo, "MALLANG_TOSS_SECRET_KEY": tosstest.SecretKey,
			"MALLANG_TOSS_CLIENT_KEY": tosstest.ClientKey, "MALLANG_TOSS_BASE_URL": ts.URL()},
	})
	e := &env{t: t, shop: shop, d: shop.DB, clock: shop.Clock, acc: shop.Accounts, tf: shop.TwoFactor(), trap: shop.Trap(),
		audit: shop.Audit(), outbox: shop.Outbox(), flaky: fl, srv: srv}
	e.boss = e.user(t, "boss@example.com", account.Superuser)
	s := &shopEnv{env: e, cat: shop.Catalog, carts: shop.Carts(), addr: shop.Addresses(), coupons: shop.Coupons(),
		shipping: shop.Shipping(), orders: shop.Orders(), checkout: shop.Checkout()}
	s.leaf = catalogtest.Categories(t, s.cat).Leaves[0].ID
	return &payEnv{shopEnv: s, pays: shop.Payments(), tp: shop.TestPay(), flaky: fl}, ts
}

// settle runs the cash_receipt job of order o's receipt, as the worker does.
func (e *payEnv) settle(t *testing.T, o order.Order) payment.CashReceipt {
	t.Helper()
	c, err := e.pays.CashReceiptOf(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.pays.SettleCashReceipt(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
	if c, err = e.pays.CashReceiptOf(context.Background(), o.ID); err != nil {
		t.Fatal(err)
	}
	return c
}

// With Toss configured, the back office shows a receipt on its way without
// the by-hand form, one Toss refused with its reason and a button that asks
// again (audited as the staff member), and the issued ones with Toss's
// number and a link to its page — in Korean and in English.
func TestCashReceiptsThroughToss(t *testing.T) {
	t.Parallel()
	e, ts := newTossPayEnv(t)
	asked := e.placeTransfer(t, &payment.CashReceiptRequest{Purpose: payment.IncomeDeduction, Identity: "010-9876-5432"}, 30000)
	big := e.placeTransfer(t, nil, 70000, 50000)
	b, _ := e.staffIn("boss@example.com")
	for _, o := range []order.Order{asked, big} {
		st, body := b.post(orderURL(o)+"/deposit", url.Values{"depositor": {"김말랑"}})
		must(t, st, http.StatusOK, body)
	}
	st, body := b.get(bo + "/cash-receipts")
	must(t, st, http.StatusOK, body)
	if strings.Count(body, `data-testid="receipt-queued"`) != 2 || strings.Contains(body, `data-testid="receipt-form"`) {
		t.Fatalf("queued receipts:\n%s", body)
	}
	contains(t, body, "토스페이먼츠로 발급 중", `data-testid="no-issued-receipts"`)

	ts.RefuseNextReceipt("INVALID_REQUEST", "국세청에 등록되지 않은 번호입니다.")
	if c := e.settle(t, asked); c.Status != payment.ReceiptFailed {
		t.Fatalf("refused receipt = %+v", c)
	}
	issued := e.settle(t, big)
	if issued.Status != payment.ReceiptIssued || issued.IssueNumber == "" {
		t.Fatalf("issued receipt = %+v", issued)
	}
	st, body = b.get(bo + "/cash-receipts")
	must(t, st, http.StatusOK, body)
	pending, done, _ := strings.Cut(body, `data-testid="issued-receipts"`)
	contains(t, pending, asked.Number, "발급 실패: INVALID_REQUEST: 국세청에 등록되지 않은 번호입니다.", `data-testid="receipt-retry"`,
		`data-testid="receipt-form"`)
	lacks(t, pending, big.Number)
	contains(t, done, big.Number, issued.IssueNumber, `href="`+issued.ReceiptURL+`"`, "토스페이먼츠", "(국세청 자진발급)", "영수증 보기")
	lacks(t, body, payment.SelfIssueNumber, "01098765432")

	// Ask again: audited as the boss, queued, then issued.
	c, err := e.pays.CashReceiptOf(context.Background(), asked.ID)
	if err != nil {
		t.Fatal(err)
	}
	retry := bo + "/cash-receipts/" + strconv.FormatInt(c.ID, 10) + "/retry"
	st, body = b.post(retry, nil)
	must(t, st, http.StatusOK, body)
	contains(t, body, "현금영수증 발급을 다시 요청했습니다.")
	en := e.auditOf(t, "cash_receipt.retried", 1)[0]
	if en.ActorID != e.boss.ID || en.TargetID != strconv.FormatInt(c.ID, 10) {
		t.Fatalf("retried entry = %+v", en)
	}
	contains(t, body, `data-testid="receipt-requeue"`) // on its way again
	if c = e.settle(t, asked); c.Status != payment.ReceiptIssued {
		t.Fatalf("retried receipt = %+v", c)
	}
	if st, body = b.post(retry, nil); st != http.StatusConflict || !strings.Contains(body, "다시 요청할 수 없는") {
		t.Fatalf("retry of an issued receipt: %d\n%s", st, body)
	}
	if n := len(ts.Receipts()); n != 2 {
		t.Fatalf("Toss issued %d receipts, want 2", n)
	}
	_, body = b.get(bo + "/cash-receipts?lang=en")
	contains(t, body, "Issued", "Toss Payments", "View", c.IssueNumber)
}
