//go:build e2e

package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mallang/mallang/internal/order"
)

// TestPayments: in the demo shop one customer buys a product with the test
// provider and sees the paid order; another pays by bank transfer and sees
// the deposit instructions; staff confirm the deposit in the back office,
// and the customer sees the order paid. The customer then cancels it with
// the account to refund to and sees the refund pending (환불 대기); staff
// record the transfer, and the customer sees 환불 완료.
func TestPayments(t *testing.T) {
	s := startShop(t)
	browser := startBrowser(t)
	b := newTab(t, browser, s.Base, "payments")
	picks := buyable(t, s, 2)

	const password = "결제를 시험하는 긴 비밀번호"
	cardUser := newCustomer(t, s, "card@example.com", password, "최카드")
	u := newCustomer(t, s, "bank@example.com", password, "정입금")

	// The test provider: checkout, its window, approve, the paid order.
	signIn(b, "card@example.com", password)
	b.open(productURL(picks[0].ID))
	b.follow("add to the cart", chromedp.Click(chromedp.CSS(`[data-testid="add-to-cart"]`)))
	b.follow("go to checkout", chromedp.Click(chromedp.CSS(`[data-testid="cart-checkout"]`)))
	fillNewAddress(b, "최카드")
	b.do("choose the test provider", chromedp.Click(chromedp.CSS(`[data-testid="pay-testpay"]`)))
	total := b.text(`[data-testid="amount-total"]`)
	b.follow("place the order", chromedp.Click(chromedp.CSS(`[data-testid="checkout-place"]`)))
	if got := b.text(`[data-testid="testpay-amount"]`); got != total {
		b.fatalf("the payment window asks for %q, the checkout said %q", got, total)
	}
	b.screenshot("testpay-window")
	b.follow("approve the payment", chromedp.Click(chromedp.CSS(`[data-testid="testpay-approve"]`)))
	if st := b.attrs(`[data-testid="order-status"]`, "data-status"); len(st) != 1 || st[0] != string(order.Paid) {
		b.fatalf("after paying the order page shows status %v", st)
	}
	if got := b.text(`[data-testid="flash"]`); !strings.Contains(got, "결제가 완료되었습니다") {
		b.fatalf("the order page says %q", got)
	}
	if got := b.text(`[data-testid="paid-with"]`); !strings.Contains(got, "테스트 결제") {
		b.fatalf("the order page says it was paid with %q", got)
	}
	b.screenshot("paid")
	cardNumber := strings.TrimPrefix(strings.SplitN(b.url()[len(s.Base):], "?", 2)[0], "/account/orders/")
	b.open("/account")
	b.follow("sign out", chromedp.Click(chromedp.CSS(selLogout)))

	// Bank transfer: the instructions with the shop's account and deadline.
	signIn(b, "bank@example.com", password)
	b.open(productURL(picks[1].ID))
	b.follow("add to the cart", chromedp.Click(chromedp.CSS(`[data-testid="add-to-cart"]`)))
	b.follow("go to checkout", chromedp.Click(chromedp.CSS(`[data-testid="cart-checkout"]`)))
	fillNewAddress(b, "정입금")
	b.do("choose bank transfer",
		chromedp.Click(chromedp.CSS(`[data-testid="pay-bank_transfer"]`)),
		chromedp.SendKeys(chromedp.CSS(field("depositor")), "정입금"),
	)
	total = b.text(`[data-testid="amount-total"]`)
	b.follow("place the order", chromedp.Click(chromedp.CSS(`[data-testid="checkout-place"]`)))
	if st := b.attrs(`[data-testid="order-status"]`, "data-status"); len(st) != 1 || st[0] != string(order.AwaitingDeposit) {
		b.fatalf("after a bank-transfer checkout the order page shows status %v", st)
	}
	if got := b.text(`[data-testid="deposit-account"]`); got != "100-200-300400" {
		b.fatalf("the instructions name account %q", got)
	}
	if got := b.text(`[data-testid="deposit-amount"]`); got != total {
		b.fatalf("the instructions ask for %q, the checkout said %q", got, total)
	}
	if got := b.text(`[data-testid="deposit-due"]`); got == "" {
		b.fatalf("the instructions give no deadline")
	}
	if got := b.text(`[data-testid="buyer-protection"]`); !strings.Contains(got, "구매안전서비스") {
		b.fatalf("the buyer-protection notice reads %q", got)
	}
	b.screenshot("deposit")
	path := b.url()[len(s.Base):]
	number := strings.TrimSuffix(strings.TrimPrefix(path, "/account/orders/"), "?deposit=1")
	b.open("/account")
	b.follow("sign out", chromedp.Click(chromedp.CSS(selLogout)))

	// Staff confirm the deposit on the order's back-office page.
	newStaff(b, s, "boss@mallang.example", "사장님의 아주 긴 비밀번호")
	o, err := s.App.Orders().ByNumber(context.Background(), u.ID, number)
	if err != nil {
		b.fatalf("find order %s: %v", number, err)
	}
	b.open(s.App.AdminPath() + "/orders/" + strconv.FormatInt(o.ID, 10))
	b.follow("confirm the deposit", chromedp.Click(chromedp.CSS(`[data-testid="confirm-deposit"]`)))
	if got := b.text(`[data-testid="order-status"]`); got == "" || b.count(`[data-testid="deposit-form"]`) != 0 {
		b.fatalf("after confirming, the back office shows status %q and still offers the deposit form", got)
	}
	b.screenshot("deposit-confirmed")
	if o, err = s.App.Orders().ByNumber(context.Background(), u.ID, number); err != nil || o.Status != order.Paid {
		b.fatalf("the order is %s after the deposit was confirmed (%v)", o.Status, err)
	}

	// The customer cancels: the money came by transfer, so the form asks
	// where to send it back; it waits for the shop's transfer.
	signIn(b, "bank@example.com", password)
	b.open(path[:strings.Index(path, "?")])
	if b.count(`[data-testid="refund-account"]`) != 1 {
		b.fatalf("the cancel form of a paid bank-transfer order asks for no refund account")
	}
	b.do("give the refund account",
		chromedp.SetValue(chromedp.CSS(field("refund_bank")), "088"),
		chromedp.SendKeys(chromedp.CSS(field("refund_number")), "110-123-456789"),
		chromedp.SendKeys(chromedp.CSS(field("refund_holder")), "정입금"),
		chromedp.SendKeys(chromedp.CSS(field("reason")), "마음이 바뀌었어요"),
	)
	b.screenshot("cancel-with-account")
	b.follow("cancel the order", chromedp.Click(chromedp.CSS(`[data-testid="order-cancel"]`)))
	if st := b.attrs(`[data-testid="refund-line"]`, "data-status"); len(st) != 1 || st[0] != "awaiting_transfer" {
		b.fatalf("after cancelling the refund shows %v, want awaiting_transfer", st)
	}
	if got := b.text(`[data-testid="refund-line"]`); !strings.Contains(got, "환불 대기") || !strings.Contains(got, "신한은행 ****6789") {
		b.fatalf("the refund reads %q", got)
	}
	if got := b.text(`[data-testid="flash"]`); !strings.Contains(got, "입력하신 계좌로") {
		b.fatalf("the order page says %q", got)
	}
	b.screenshot("refund-pending")

	// Staff send the money and record it on the order page.
	b.open(s.App.AdminPath() + "/orders/" + strconv.FormatInt(o.ID, 10))
	if got := b.text(`[data-testid="refund-account-shown"]`); !strings.Contains(got, "110123456789") || !strings.Contains(got, "정입금") {
		b.fatalf("the back office shows the refund account as %q", got)
	}
	b.do("note the transfer", chromedp.SendKeys(chromedp.CSS(`[data-testid="field-transfer_memo"]`), "신한 인터넷뱅킹 이체"))
	b.follow("record the transfer", chromedp.Click(chromedp.CSS(`[data-testid="record-transfer"]`)))
	if b.count(`[data-testid="refund-sent"]`) != 1 || b.count(`[data-testid="transfer-form"]`) != 0 {
		b.fatalf("after recording the transfer the back office still offers it")
	}
	b.screenshot("refund-transferred")

	// The customer sees the refund done.
	b.open(path[:strings.Index(path, "?")])
	if st := b.attrs(`[data-testid="refund-line"]`, "data-status"); len(st) != 1 || st[0] != "done" {
		b.fatalf("after the transfer the refund shows %v, want done", st)
	}
	if got := b.text(`[data-testid="refund-line"]`); !strings.Contains(got, "환불 완료") {
		b.fatalf("the refund reads %q", got)
	}
	b.screenshot("refunded")
	b.open("/account")
	b.follow("sign out", chromedp.Click(chromedp.CSS(selLogout)))

	// Staff ship the card order and mark it delivered; its customer
	// confirms the purchase and the points are credited.
	card, err := s.App.Orders().ByNumber(context.Background(), cardUser.ID, cardNumber)
	if err != nil {
		b.fatalf("find order %s: %v", cardNumber, err)
	}
	b.open(s.App.AdminPath() + "/orders/" + strconv.FormatInt(card.ID, 10))
	b.follow("ship the card order",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="field-tracking_number"]`), "640123456789"),
		chromedp.Click(chromedp.CSS(`[data-testid="ship"]`)))
	b.follow("mark it delivered", chromedp.Click(chromedp.CSS(`[data-testid="to-delivered"]`)))
	signIn(b, "card@example.com", password)
	b.open("/account/orders/" + cardNumber)
	b.screenshot("delivered")
	b.follow("confirm the purchase", chromedp.Click(chromedp.CSS(`[data-testid="order-confirm"]`)))
	if st := b.attrs(`[data-testid="order-status"]`, "data-status"); len(st) != 1 || st[0] != string(order.Completed) {
		b.fatalf("after confirming the purchase the order page shows status %v", st)
	}
	if got := b.text(`[data-testid="flash"]`); !strings.Contains(got, "구매를 확정했습니다") || !strings.Contains(got, "적립") {
		b.fatalf("after confirming the purchase the page says %q", got)
	}
	b.screenshot("confirmed")
	balance, err := s.App.Points().Balance(context.Background(), cardUser.ID)
	if err != nil || balance != card.PointsToEarn || balance == 0 {
		b.fatalf("points after confirming = %d, %v; want %d", balance, err, card.PointsToEarn)
	}

	// Every step was mailed: staff read the outbox in the back office.
	b.open(s.App.AdminPath() + "/outbox")
	subjects := b.texts(`[data-testid="mail-link"]`)
	for _, want := range []struct{ number, subject string }{
		{number, "주문이 접수되었습니다"},
		{number, "결제가 완료되었습니다"},
		{number, "환불 대기 안내"},
		{number, "환불이 완료되었습니다"},
		{cardNumber, "주문이 접수되었습니다"},
		{cardNumber, "결제가 완료되었습니다"},
		{cardNumber, "상품이 출발했습니다"},
		{cardNumber, "배송이 완료되었습니다"},
	} {
		n := 0
		for _, got := range subjects {
			if strings.Contains(got, want.number) && strings.Contains(got, want.subject) {
				n++
			}
		}
		if n != 1 {
			b.fatalf("the outbox has %d mails of order %s saying %q, want 1; subjects: %q", n, want.number, want.subject, subjects)
		}
	}
	b.screenshot("outbox")
	b.follow("open the bank-transfer order's first mail", chromedp.Click(chromedp.CSS(
		`[data-testid="mail-link"][href$="/outbox/`+strconv.FormatInt(firstMailOf(t, s, number), 10)+`"]`)))
	if got := b.text(`[data-testid="mail-text"]`); !strings.Contains(got, "100-200-300400") || !strings.Contains(got, total) {
		b.fatalf("the order-placed mail of %s reads %q; want the account and %s", number, got, total)
	}
	b.screenshot("mail-placed")
	b.checkHealthy()
}

// firstMailOf returns the id of the order-placed mail of order number in
// the shop's outbox.
func firstMailOf(t *testing.T, s *shop, number string) int64 {
	t.Helper()
	mails, err := s.App.Outbox().List(context.Background(), 200, 0)
	if err != nil {
		t.Fatalf("read the outbox: %v", err)
	}
	for _, m := range mails {
		if strings.Contains(m.Subject, number) && strings.Contains(m.Subject, "접수") {
			return m.ID
		}
	}
	t.Fatalf("no order-placed mail of %s among %d mails", number, len(mails))
	return 0
}
