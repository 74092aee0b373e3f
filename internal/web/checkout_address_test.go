package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// The checkout's new-address form has the postcode search of the address
// book, and a returning customer finds the address and name of the last
// order filled in; a first-time customer finds the account's name and
// phone.
func TestCheckoutAddressForm(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	f := catalogtest.Seed(t, s.cat, 8)
	v := s.variantOf(t, f, 0)

	tests := []struct {
		name string
		// before runs with the signed-in customer's browser, before the
		// checkout is opened with one product in the cart.
		before    func(t *testing.T, b *browser, userID int64)
		want, not []string
	}{
		{"a first order", nil, []string{
			`data-postcode`, `data-testid="postcode-search"`, "/static/postcode.",
			`name="recipient" value="고객님"`, `name="phone" value="010-2222-3333"`, `name="postcode" value=""`,
			`value="new" checked`,
		}, nil},
		{"after an order to a new address", func(t *testing.T, b *browser, _ int64) {
			r := s.checkoutWith(t, b, v, url.Values{"recipient": {"고객님 회사"}, "phone": {"010-4444-5555"}, "postcode": {"06236"},
				"line1": {"서울 강남구 테헤란로 123"}, "line2": {"5층"}, "payment": {"bank_transfer"}})
			wantStatus(t, r, http.StatusSeeOther, "")
		}, []string{
			`name="recipient" value="고객님 회사"`, `name="phone" value="010-4444-5555"`, `name="postcode" value="06236"`,
			`name="line1" value="서울 강남구 테헤란로 123"`, `name="line2" value="5층"`, `value="new" checked`,
		}, nil},
		{"with a default address in the book", func(t *testing.T, b *browser, userID int64) {
			_, err := s.addrs.Create(context.Background(), userID, address.Input{Recipient: "고객님 집", Phone: "010-6666-7777",
				Postcode: "04524", Line1: "서울 중구 세종대로 110", MakeDefault: true})
			if err != nil {
				t.Fatal(err)
			}
		}, []string{`data-testid="checkout-address"`, "고객님 집", `name="recipient" value="고객님"`}, []string{`value="new" checked`}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			email := "buyer" + id(int64(i)) + "@example.com"
			b := s.member(t, url.Values{"email": {email}, "password": {"말랑한 봄날의 산책"}, "name": {"고객님"}, "phone": {"010-2222-3333"}, "terms": {"on"}})
			if tt.before != nil {
				tt.before(t, b, userIDByEmail(t, s, email))
			}
			wantStatus(t, b.post("/cart/add", url.Values{"variant": {id(v)}, "quantity": {"1"}}), http.StatusSeeOther, "/cart?added=1")
			r := b.get("/checkout")
			wantStatus(t, r, http.StatusOK, "")
			mustContain(t, r.body, tt.want...)
			mustNotContain(t, r.body, tt.not...)
			if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "t1.daumcdn.net") {
				t.Fatalf("checkout CSP %q does not allow the postcode script", csp)
			}
		})
	}
}
