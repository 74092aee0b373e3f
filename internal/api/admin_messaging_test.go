package api_test

import (
	"net/http"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
)

// Staff with the settings scope switch 알림톡 on with the sending number,
// channel and template codes; a bad code or a missing sender is named and
// nothing is stored.
func TestMessagingSettingsAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	_, id := f.customer(t, "admin@example.com")
	tok := f.staffToken(t, f.makeStaff(t, id, account.Staff, account.PermSettings)).AccessToken
	st := decode[api.ShopSettings](t, f.do(t, req{method: "GET", path: "/api/v1/admin/settings", token: tok}), http.StatusOK)
	if st.Messaging.On {
		t.Fatalf("a new shop has 알림톡 on: %+v", st.Messaging)
	}

	bad := st
	bad.Messaging = api.ShopMessaging{On: true, Templates: api.ShopMessageTemplates{Shipped: "배송 시작"}}
	wantProblem(t, f.do(t, req{method: "PUT", path: "/api/v1/admin/settings", token: tok, body: bad}), http.StatusUnprocessableEntity,
		"body.messaging.sender", "body.messaging.sender_key", "body.messaging.templates.shipped")

	good := st
	good.Messaging = api.ShopMessaging{On: true, Sender: "02-1234-5678", SenderKey: "KA01PF0000000000000000FAKE", FallbackSMS: true,
		Templates: api.ShopMessageTemplates{Shipped: "ORDER_SHIPPED", Deposit: "DEPOSIT_GUIDE"}}
	got := decode[api.ShopSettings](t, f.do(t, req{method: "PUT", path: "/api/v1/admin/settings", token: tok, body: good}), http.StatusOK)
	want := good.Messaging
	want.Sender = "0212345678"
	if got.Messaging != want {
		t.Fatalf("stored %+v, want %+v", got.Messaging, want)
	}
}
