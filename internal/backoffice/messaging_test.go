package backoffice_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/koreantest"
	"github.com/mallang/mallang/internal/messaging"
	"github.com/mallang/mallang/internal/messaging/solapi/solapitest"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/settings"
)

// newMessagingEnv is newShopEnv with SOLAPI's keys configured against a
// solapitest fake on the shop's clock, with the template "SHIPPED".
func newMessagingEnv(t *testing.T) (*shopEnv, *solapitest.Server) {
	t.Helper()
	start := time.Now().UTC().Truncate(time.Second)
	var fakeNow func() time.Time
	ms := solapitest.NewServer(func() time.Time { return fakeNow() })
	t.Cleanup(ms.Close)
	ms.Template("SHIPPED", messaging.VarName, messaging.VarNumber, messaging.VarCarrier, messaging.VarTracking, messaging.VarTrackURL)
	fl := &flaky{}
	shop, srv := apptest.NewServer(t, apptest.Options{
		Start:     start,
		Providers: []payment.Provider{fl},
		Env: map[string]string{"MALLANG_ADMIN_PATH": bo, "MALLANG_SOLAPI_API_KEY": solapitest.APIKey,
			"MALLANG_SOLAPI_API_SECRET": solapitest.APISecret, "MALLANG_SOLAPI_URL": ms.URL()},
	})
	fakeNow = shop.Clock.Now
	e := &env{t: t, shop: shop, d: shop.DB, clock: shop.Clock, acc: shop.Accounts, tf: shop.TwoFactor(), trap: shop.Trap(),
		audit: shop.Audit(), outbox: shop.Outbox(), flaky: fl, srv: srv}
	e.boss = e.user(t, "boss@example.com", account.Superuser)
	s := &shopEnv{env: e, cat: shop.Catalog, carts: shop.Carts(), addr: shop.Addresses(), coupons: shop.Coupons(),
		shipping: shop.Shipping(), orders: shop.Orders(), checkout: shop.Checkout()}
	s.leaf = catalogtest.Categories(t, s.cat).Leaves[0].ID
	return s, ms
}

// The 알림톡 section: staff see whether the keys are set (never the keys),
// switch it on with the sending number, channel and template codes, and
// a bad code is named on its field with nothing stored.
func TestMessagingSettingsForm(t *testing.T) {
	t.Parallel()
	s, _ := newMessagingEnv(t)
	b, _ := s.staffIn("boss@example.com")
	st, body := b.get(bo + "/settings")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="messaging-settings"`, `data-testid="messaging-ready"`, "카카오 알림톡")
	lacks(t, body, solapitest.APISecret, solapitest.APIKey)

	f := settingsForm(s.env)
	f.Set("messaging_on", "1")
	f.Set("fallback_sms", "1")
	f.Set("messaging_sender", "02-1234-5678")
	f.Set("messaging_sender_key", solapitest.PfID)
	f.Set("template_shipped", "SHIPPED")
	st, body = b.post(bo+"/settings", f)
	must(t, st, http.StatusOK, body)
	contains(t, body, "설정을 저장했습니다", `value="SHIPPED"`, `value="0212345678"`)
	lacks(t, body, solapitest.APISecret, solapitest.APIKey)
	want := settings.Messaging{On: true, FallbackSMS: true, Sender: "0212345678", SenderKey: solapitest.PfID,
		Templates: settings.MessageTemplates{Shipped: "SHIPPED"}}
	if got := s.shop.Settings().Current(context.Background()).Messaging; got != want {
		t.Fatalf("stored %+v, want %+v", got, want)
	}

	for _, tt := range []struct{ field, value, message string }{
		{"template_delivered", "배송 완료", "64자까지 입력하세요"},
		{"messaging_sender", "", "알림톡을 보내려면 입력해야 합니다"},
	} {
		f := settingsForm(s.env)
		f.Set("messaging_on", "1")
		f.Set("messaging_sender", "02-1234-5678")
		f.Set("messaging_sender_key", solapitest.PfID)
		f.Set(tt.field, tt.value)
		st, body := b.post(bo+"/settings", f)
		must(t, st, http.StatusUnprocessableEntity, body)
		contains(t, body, `data-testid="error-`+tt.field+`"`, tt.message)
		if got := s.shop.Settings().Current(context.Background()).Messaging; got != want {
			t.Fatalf("%s: stored %+v after a refused form", tt.field, got)
		}
	}
}

// Without keys the page says every notice goes by mail.
func TestMessagingSettingsWithoutKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b, _ := e.staffIn("boss@example.com")
	st, body := b.get(bo + "/settings")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="messaging-not-ready"`, "모든 안내를 메일로 보냅니다")
	_, body = b.get(bo + "/settings?lang=en")
	contains(t, body, "every notice goes by mail")
}

// Staff ship an order: with 알림톡 on, the customer's notice reaches SOLAPI
// as the shop's template with the order's variables, once, and no shipped
// mail is written; with it off, the mail goes as before and nothing
// reaches SOLAPI.
func TestShippedNoticeByAlimtalkOrMail(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{true, false} {
		s, ms := newMessagingEnv(t)
		ctx := context.Background()
		st := s.shop.Settings().Current(ctx)
		st.Messaging = settings.Messaging{On: on, Sender: solapitest.Sender, SenderKey: solapitest.PfID,
			Templates: settings.MessageTemplates{Shipped: "SHIPPED"}, FallbackSMS: true}
		if _, err := s.shop.Settings().Update(ctx, audit.Actor{UserID: s.boss.ID, Email: s.boss.Email}, st); err != nil {
			t.Fatal(err)
		}
		s.user(t, "orders@example.com", account.Staff, account.PermOrders)
		o := s.place(t, "card", 12000, 1)
		if _, err := s.acc.UpdateProfile(ctx, o.UserID, account.Profile{Name: "김민지", Phone: "010-9876-5432"}); err != nil {
			t.Fatal(err)
		}
		b, _ := s.staffIn("orders@example.com")
		code, body := b.post(orderURL(o)+"/status", map[string][]string{"to": {"paid"}})
		must(t, code, http.StatusOK, body)
		code, body = b.post(orderURL(o)+"/ship", map[string][]string{"carrier_code": {"cj"}, "tracking_number": {"6789-1234-5678"}})
		must(t, code, http.StatusOK, body)

		msgs, err := s.shop.Messages().Messages(ctx, o.UserID)
		if err != nil {
			t.Fatal(err)
		}
		mails, err := s.outbox.List(ctx, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		shippedMails := 0
		for _, m := range mails {
			if strings.Contains(m.Subject, "발송") || strings.Contains(m.Text, "6789-1234-5678") || strings.Contains(m.Text, "678912345678") {
				shippedMails++
			}
		}
		if !on {
			if len(msgs) != 0 || shippedMails != 1 || ms.Calls(solapitest.SendPath) != 0 {
				t.Fatalf("off: %d messages, %d shipped mails, %d calls", len(msgs), shippedMails, ms.Calls(solapitest.SendPath))
			}
			continue
		}
		if len(msgs) != 1 || shippedMails != 0 {
			t.Fatalf("on: %d messages, %d shipped mails", len(msgs), shippedMails)
		}
		for range 2 { // the job, run twice
			if err := s.shop.Messages().Deliver(ctx, msgs[0].ID, false); err != nil {
				t.Fatal(err)
			}
		}
		got := ms.Messages()
		if len(got) != 1 {
			t.Fatalf("SOLAPI got %d messages, want 1", len(got))
		}
		m := got[0]
		if m.Type != "ATA" || m.To != "01098765432" || m.TemplateID != "SHIPPED" || m.DisableSms ||
			m.Variables[messaging.VarNumber] != o.Number || m.Variables[messaging.VarName] != "김민지" ||
			m.Variables[messaging.VarCarrier] != "CJ대한통운" || !strings.Contains(m.Variables[messaging.VarTracking], "6789") {
			t.Fatalf("SOLAPI got %+v", m)
		}
		boss, _ := s.staffIn("boss@example.com")
		code, body = boss.get(bo + "/settings")
		must(t, code, http.StatusOK, body)
		contains(t, body, `data-testid="recent-message"`, o.Number, "배송 시작", "보냄")
		lacks(t, body, "01098765432")
		for _, problem := range koreantest.Problems(body, []string{"SHIPPED", solapitest.PfID, "flaky", "PNG", "JPEG", "GIF", "WebP"}, latinAllowed, `{"`) {
			t.Errorf("settings page: %s", problem)
		}
		if logs := s.shop.Logs.String(); strings.Contains(logs, "01098765432") || strings.Contains(logs, solapitest.APISecret) {
			t.Fatalf("the logs show the number or the secret:\n%s", logs)
		}
	}
}

// A bank-transfer order placed by a customer with a phone number: with the
// deposit template set, its one notice goes by 알림톡 with the account,
// the amount and the deadline, and no order mail is written.
func TestTransferOrderNoticeByAlimtalk(t *testing.T) {
	t.Parallel()
	s, ms := newMessagingEnv(t)
	ctx := context.Background()
	ms.Template("DEPOSIT", messaging.VarName, messaging.VarNumber, messaging.VarBank, messaging.VarAccount,
		messaging.VarHolder, messaging.VarAmount, messaging.VarDeadline)
	st := s.shop.Settings().Current(ctx)
	st.Messaging = settings.Messaging{On: true, Sender: solapitest.Sender, SenderKey: solapitest.PfID,
		Templates: settings.MessageTemplates{Placed: "PLACED_NOT_USED", Deposit: "DEPOSIT"}}
	if _, err := s.shop.Settings().Update(ctx, audit.Actor{UserID: s.boss.ID, Email: s.boss.Email}, st); err != nil {
		t.Fatal(err)
	}
	id, err := s.cat.CreateProduct(ctx, catalog.NewProduct{CategoryID: s.leaf, Name: "말랑 쿠키", OptionNames: []string{"맛"},
		Variants: []catalog.NewVariant{{SKU: "MSG-1", Options: [3]string{"버터"}, Price: 12000, Stock: 10, Active: true}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.cat.Product(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	u := s.user(t, "minji@example.com", account.Customer)
	if _, err := s.acc.UpdateProfile(ctx, u.ID, account.Profile{Name: "김민지", Phone: "010-2222-3333"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.carts.Add(ctx, cart.Owner{UserID: u.ID}, p.Variants[0].ID, 1); err != nil {
		t.Fatal(err)
	}
	a, err := s.addr.Create(ctx, u.ID, address.Input{Recipient: "김민지", Phone: "010-2222-3333", Postcode: "06236",
		Line1: "서울 강남구 테헤란로 123", Line2: "4층"})
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.outbox.List(ctx, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	placed, err := s.checkout.Place(ctx, checkout.Input{PlaceInput: order.PlaceInput{UserID: u.ID, IdempotencyKey: "msg-1",
		AddressID: a.ID, PaymentMethod: "bank_transfer", Channel: order.PCWeb}})
	if err != nil {
		t.Fatal(err)
	}
	after, err := s.outbox.List(ctx, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("%d mails written with the order, want none", len(after)-len(before))
	}
	msgs, err := s.shop.Messages().Messages(ctx, u.ID)
	if err != nil || len(msgs) != 1 || msgs[0].Event != messaging.Deposit {
		t.Fatalf("messages %+v, %v; want one deposit notice", msgs, err)
	}
	if err := s.shop.Messages().Deliver(ctx, msgs[0].ID, false); err != nil {
		t.Fatal(err)
	}
	got := ms.Messages()
	if len(got) != 1 {
		t.Fatalf("SOLAPI got %d messages", len(got))
	}
	v := got[0].Variables
	if got[0].TemplateID != "DEPOSIT" || got[0].To != "01022223333" || v[messaging.VarNumber] != placed.Order.Number ||
		v[messaging.VarBank] != apptest.Bank.Bank || v[messaging.VarAccount] != apptest.Bank.Account ||
		v[messaging.VarAmount] != money.Won(placed.Order.Total).Korean() ||
		v[messaging.VarDeadline] == "" {
		t.Fatalf("SOLAPI got %+v (order total %d)", got[0], placed.Order.Total)
	}
}
