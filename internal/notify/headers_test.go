package notify

import (
	"bytes"
	"net/mail"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify/smtptest"
)

// Marketing mail reaches the mail server with the one-click unsubscribe
// headers of RFC 8058 (kept in the outbox until then); other mail carries
// none.
func TestUnsubscribeHeadersArrive(t *testing.T) {
	t.Parallel()
	link := "https://shop.example/unsubscribe?t=abc&u=7"
	tests := []struct {
		name       string
		tmpl       Template
		data       any
		list, post string
	}{
		{"cart reminder", CartReminder, CartReminderData{Name: "민지", Lines: 2, URL: "https://shop.example/cart", Unsubscribe: link},
			"<" + link + ">", "List-Unsubscribe=One-Click"},
		{"birthday coupon", BirthdayCoupon, BirthdayCouponData{Name: "민지", Code: "BDAY-ABC", Amount: 5000, Until: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
			URL: "https://shop.example/", Unsubscribe: link}, "<" + link + ">", "List-Unsubscribe=One-Click"},
		{"service mail", VerifyEmail, VerifyEmailData{Name: "민지", URL: "https://shop.example/signup/verify?token=abc", Hours: 24}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newCourierEnv(t, smtptest.Options{}, 0)
			m, err := Render("말랑", tt.tmpl, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			m.To = "minji@example.com"
			id := e.send(t, m)
			if got := e.mail(t, id).Headers[HeaderListUnsubscribe]; got != tt.list {
				t.Fatalf("outbox keeps List-Unsubscribe %q, want %q", got, tt.list)
			}
			e.clock.Advance(time.Minute)
			if err := e.courier.Deliver(t.Context(), id, false); err != nil {
				t.Fatal(err)
			}
			got, ok := e.srv.Next(5 * time.Second)
			if !ok {
				t.Fatal("the server received nothing")
			}
			msg, err := mail.ReadMessage(bytes.NewReader(got.Data))
			if err != nil {
				t.Fatal(err)
			}
			if l, p := msg.Header.Get("List-Unsubscribe"), msg.Header.Get("List-Unsubscribe-Post"); l != tt.list || p != tt.post {
				t.Fatalf("headers List-Unsubscribe %q, List-Unsubscribe-Post %q; want %q, %q", l, p, tt.list, tt.post)
			}
		})
	}
}

// Only the unsubscribe headers, each on one line, may be added.
func TestMessageHeadersValidate(t *testing.T) {
	t.Parallel()
	base := Message{To: "a@example.com", Subject: "s", Text: "t"}
	tests := []struct {
		name    string
		headers map[string]string
		bad     bool
	}{
		{"none", nil, false},
		{"unsubscribe", map[string]string{HeaderListUnsubscribe: "<https://x.example/u>", HeaderListUnsubscribePost: "List-Unsubscribe=One-Click"}, false},
		{"another header", map[string]string{"Bcc": "b@example.com"}, true},
		{"two lines", map[string]string{HeaderListUnsubscribe: "<https://x.example/u>\r\nBcc: b@example.com"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base
			m.Headers = tt.headers
			_, bad := fault.AsInvalid(m.Validate())
			if bad != tt.bad {
				t.Fatalf("Validate = bad %v, want %v", bad, tt.bad)
			}
		})
	}
}
