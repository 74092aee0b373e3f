package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// A marketing mail's unsubscribe link works without signing in: it asks
// once, the button ends the consent and records it, a second click says it
// is done already, and a changed link is refused without touching anyone.
func TestUnsubscribeLink(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	form := url.Values{}
	for k, v := range signupForm {
		form[k] = v
	}
	form.Set("marketing", "on")
	s.member(t, form)
	ctx := context.Background()
	var id int64
	if err := s.d.Read().GetContext(ctx, &id, s.d.Read().Rebind(`SELECT id FROM users WHERE email = ?`), form.Get("email")); err != nil {
		t.Fatal(err)
	}
	consent := func() bool {
		t.Helper()
		var n int
		if err := s.d.Read().GetContext(ctx, &n, s.d.Read().Rebind(`SELECT COUNT(*) FROM users WHERE id = ? AND marketing_consent_at IS NOT NULL`), id); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	if !consent() {
		t.Fatal("the member did not agree to marketing mail at sign-up")
	}
	link, err := url.Parse(s.shop.Unsubscribe().Link(id))
	if err != nil {
		t.Fatal(err)
	}
	q := link.Query()

	b := s.browser(t) // a mail client: not signed in
	bad := url.Values{"u": {strconv.FormatInt(id, 10)}, "t": {q.Get("t") + "x"}}
	other := url.Values{"u": {strconv.FormatInt(id+1, 10)}, "t": {q.Get("t")}}
	for _, v := range []url.Values{bad, other, {"u": {"말랑"}, "t": {"x"}}} {
		r := b.get("/unsubscribe?" + v.Encode())
		wantStatus(t, r, http.StatusBadRequest, "")
		mustContain(t, r.body, "수신 거부 링크가 올바르지 않습니다.")
		wantStatus(t, b.post("/unsubscribe", v), http.StatusBadRequest, "")
	}
	if !consent() {
		t.Fatal("a changed link ended the consent")
	}

	r := b.get(link.Path + "?" + link.RawQuery)
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "마케팅 메일을 더 받지 않으시겠습니까?", `data-testid="unsubscribe-confirm"`, `name="robots" content="noindex`)
	if !consent() {
		t.Fatal("opening the link (as a mail scanner does) ended the consent")
	}
	r = b.post("/unsubscribe", q)
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "마케팅 메일 수신을 거부했습니다.")
	if consent() {
		t.Fatal("the consent stands after unsubscribing")
	}
	events, err := s.acc.Consents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 || events[0].Kind != "marketing" || events[0].Given {
		t.Fatalf("consent history %+v, want the withdrawal first", events)
	}
	r = b.post("/unsubscribe", q)
	mustContain(t, r.body, "이미 마케팅 메일 수신을 거부하셨습니다.")
	if again, _ := s.acc.Consents(ctx, id); len(again) != len(events) {
		t.Fatalf("a second click recorded %d more consent changes", len(again)-len(events))
	}
}

// A mail program's one-click unsubscribe (RFC 8058) POSTs
// "List-Unsubscribe=One-Click" to the link itself, from its own servers
// or from another site, without a session or a confirmation: the link's
// MAC is the authentication. It withdraws the consent once.
func TestUnsubscribeOneClick(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	form := url.Values{}
	for k, v := range signupForm {
		form[k] = v
	}
	form.Set("marketing", "on")
	s.member(t, form)
	ctx := context.Background()
	var id int64
	if err := s.d.Read().GetContext(ctx, &id, s.d.Read().Rebind(`SELECT id FROM users WHERE email = ?`), form.Get("email")); err != nil {
		t.Fatal(err)
	}
	link, err := url.Parse(s.shop.Unsubscribe().Link(id))
	if err != nil {
		t.Fatal(err)
	}
	oneClick := func(query, site string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+link.Path+"?"+query, strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
			req.Header.Set("Origin", "https://mail.example")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	consents := func() int {
		t.Helper()
		events, err := s.acc.Consents(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return len(events)
	}
	before := consents()
	bad := link.Query()
	bad.Set("t", bad.Get("t")+"x")
	if got := oneClick(bad.Encode(), ""); got != http.StatusBadRequest {
		t.Fatalf("a changed link answered %d", got)
	}
	if consents() != before {
		t.Fatal("a changed link ended the consent")
	}
	tests := []struct {
		name, site string
	}{
		{"from the mail provider's server", ""},
		{"again, from a web mail page", "cross-site"},
	}
	for _, tt := range tests {
		if got := oneClick(link.RawQuery, tt.site); got != http.StatusOK {
			t.Fatalf("%s: %d", tt.name, got)
		}
		var n int
		if err := s.d.Read().GetContext(ctx, &n, s.d.Read().Rebind(`SELECT COUNT(*) FROM users WHERE id = ? AND marketing_consent_at IS NOT NULL`), id); err != nil || n != 0 {
			t.Fatalf("%s: the consent stands (%v)", tt.name, err)
		}
		if got := consents(); got != before+1 {
			t.Fatalf("%s: %d consent changes, want one withdrawal", tt.name, got-before)
		}
	}
}
