package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

// newTossShop is newAccountShop with Toss Payments' keys set against a
// tosstest fake, so cash receipts are issued through its API.
func newTossShop(t *testing.T) (*accountShop, *tosstest.Server) {
	t.Helper()
	ts := tosstest.NewServer()
	t.Cleanup(ts.Close)
	s, srv := apptest.NewServer(t, apptest.Options{Env: map[string]string{
		"MALLANG_BANK_ACCOUNT": "123-45-6789", "MALLANG_TOSS_SECRET_KEY": tosstest.SecretKey,
		"MALLANG_TOSS_CLIENT_KEY": tosstest.ClientKey, "MALLANG_TOSS_BASE_URL": ts.URL(),
	}})
	return &accountShop{shop: s, srv: srv, d: s.DB, acc: s.Accounts, addrs: s.Addresses(), cat: s.Catalog, carts: s.Carts(),
		coupons: s.Coupons(), points: s.Points(), orders: s.Orders(), pays: s.Payments(), testpay: s.TestPay()}, ts
}

// A customer who ordered by bank transfer without a cash receipt asks for
// one on the order page: a bad number is named, a good one is taken and,
// once the deposit is confirmed, issued through Toss, the page showing its
// number and a link to Toss's page of it.
func TestAskForCashReceiptOnOrderPage(t *testing.T) {
	t.Parallel()
	s, ts := newTossShop(t)
	f := catalogtest.Seed(t, s.cat, 4)
	b := s.member(t, signupForm)
	r := s.checkoutWith(t, b, s.variantOf(t, f, 1), url.Values{"payment": {"bank_transfer"}, "depositor": {"김민지"}})
	wantStatus(t, r, http.StatusSeeOther, "")
	m := orderPathRE.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("placed at %q", r.header.Get("Location"))
	}
	page := "/account/orders/" + m[1]
	r = b.get(page)
	mustContain(t, r.body, `data-testid="cash-receipt-form"`, "현금영수증 신청", `action="`+page+`/cash-receipt"`)

	r = b.post(page+"/cash-receipt", url.Values{"cash_receipt_purpose": {"income_deduction"}, "cash_receipt_identity": {"12-34"}})
	wantStatus(t, r, http.StatusSeeOther, page)
	r = b.get(page)
	mustContain(t, r.body, "휴대폰 번호나 현금영수증 카드 번호를 입력해 주세요.", `data-testid="cash-receipt-form"`)

	r = b.post(page+"/cash-receipt", url.Values{"cash_receipt_purpose": {"income_deduction"}, "cash_receipt_identity": {"010-5555-1234"}})
	wantStatus(t, r, http.StatusSeeOther, page)
	r = b.get(page)
	mustContain(t, r.body, "현금영수증 신청을 받았습니다.", `data-testid="cash-receipt"`, "발급 예정")
	if strings.Contains(r.body, `data-testid="cash-receipt-form"`) {
		t.Fatalf("the form is still offered:\n%s", r.body)
	}
	r = b.post(page+"/cash-receipt", url.Values{"cash_receipt_purpose": {"income_deduction"}, "cash_receipt_identity": {"010-5555-1234"}})
	wantStatus(t, r, http.StatusSeeOther, page)
	mustContain(t, b.get(page).body, "이미 현금영수증이 발급되었거나")

	ctx := context.Background()
	o, err := s.orders.ByNumber(ctx, 1, m[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.pays.ConfirmDeposit(ctx, audit.Actor{UserID: 1}, o.ID, "김민지"); err != nil {
		t.Fatal(err)
	}
	c, err := s.pays.CashReceiptOf(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.pays.SettleCashReceipt(ctx, c.ID); err != nil { // the cash_receipt job
		t.Fatal(err)
	}
	issued := ts.Receipts()
	if len(issued) != 1 || issued[0].CustomerIdentityNumber != "01055551234" || issued[0].Amount != o.Total {
		t.Fatalf("Toss receipts = %+v", issued)
	}
	r = b.get(page)
	mustContain(t, r.body, "발급 완료 · "+issued[0].IssueNumber, `data-testid="cash-receipt-link"`, "현금영수증 보기",
		`href="`+strings.ReplaceAll(issued[0].ReceiptURL, "&", "&amp;")+`"`)
	mustContain(t, b.get(page+"?lang=en").body, "View the cash receipt")
}
