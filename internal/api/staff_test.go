package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/twofactor"
	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/audit"
)

// These tests get staff API tokens the way a staff member's client does:
// the password grant with the code of the authenticator app set up at the
// first back-office login.

// staffMember is a staff account with an authenticator app.
type staffMember struct {
	id            int64
	email, secret string
}

// bossEmail is the superuser who changes roles in these tests.
const (
	bossEmail = "boss@example.com"
	bossPass  = "사장님의 아주 긴 비밀번호"
)

// makeStaff gives user id the role and permissions as a superuser does in
// the back office (which ends the user's sign-ins), and sets up an
// authenticator app for them when they have none.
func (f *fixture) makeStaff(t *testing.T, id int64, role account.Role, perms ...account.Permission) staffMember {
	t.Helper()
	ctx := t.Context()
	boss, err := f.acc.CreateSuperuser(ctx, bossEmail, "사장님", bossPass)
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.acc.User(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.acc.SetRole(ctx, audit.Actor{UserID: boss.ID, Email: boss.Email}, id, role, perms); err != nil {
		t.Fatal(err)
	}
	m := staffMember{id: id, email: u.Email, secret: f.secrets[id]}
	if m.secret != "" {
		return m
	}
	e, err := f.tf.Begin(ctx, id, u.Email)
	if err != nil {
		t.Fatal(err)
	}
	m.secret = e.Secret
	if _, err := f.tf.Confirm(ctx, id, f.code(t, m)); err != nil {
		t.Fatal(err)
	}
	if f.secrets == nil {
		f.secrets = map[int64]string{}
	}
	f.secrets[id] = m.secret
	return m
}

// code moves the clock to the next TOTP time step and returns m's code for
// it: each code is accepted once.
func (f *fixture) code(t *testing.T, m staffMember) string {
	t.Helper()
	f.clock.Advance(twofactor.Period * time.Second)
	c, err := totp.GenerateCodeCustom(m.secret, f.clock.Now(), totp.ValidateOpts{Period: twofactor.Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tokenBody is a token response as a client decodes it.
type tokenBody struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
}

// askToken runs the password grant with a second-factor code ("" for
// none).
func (f *fixture) askToken(t *testing.T, email, password, code string) *httptest.ResponseRecorder {
	t.Helper()
	body := map[string]string{"email": email, "password": password}
	if code != "" {
		body["totp_code"] = code
	}
	return f.do(t, req{method: "POST", path: "/api/v1/auth/token", body: body})
}

// staffToken gets m a token with a fresh code.
func (f *fixture) staffToken(t *testing.T, m staffMember) tokenBody {
	t.Helper()
	return decode[tokenBody](t, f.askToken(t, m.email, minjiPass, f.code(t, m)), http.StatusOK)
}

// wrongCode is a code that is not right: each digit of right moved on by
// one.
func wrongCode(right string) string {
	b := []byte(right)
	for i, c := range b {
		b[i] = '0' + (c-'0'+1)%10
	}
	return string(b)
}

func TestStaffToken(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	_, clerkID := f.customer(t, "clerk@example.com")
	m := f.makeStaff(t, clerkID, account.Staff, account.PermOrders, account.PermCatalog)

	t.Run("customer as before", func(t *testing.T) {
		rec := f.askToken(t, minjiEmail, minjiPass, "")
		tok := decode[map[string]any](t, rec, http.StatusOK)
		if _, ok := tok["scope"]; ok || tok["token_type"] != "Bearer" || tok["access_token"] == "" || tok["refresh_token"] == "" {
			t.Errorf("customer token = %s", rec.Body)
		}
		decode[api.User](t, f.do(t, req{method: "GET", path: "/api/v1/me", token: tok["access_token"].(string)}), http.StatusOK)
		// A code sent by a customer is ignored.
		if got := decode[tokenBody](t, f.askToken(t, minjiEmail, minjiPass, "123456"), http.StatusOK); got.Scope != "" {
			t.Errorf("customer scope = %q", got.Scope)
		}
	})

	wrongPassword := wantProblem(t, f.askToken(t, minjiEmail, "틀린 비밀번호입니다", ""), http.StatusUnauthorized)
	t.Run("no code", func(t *testing.T) {
		p := wantProblem(t, f.askToken(t, m.email, minjiPass, ""), http.StatusUnauthorized, "body.totp_code")
		if !strings.Contains(p.Detail, "totp_code") || p.Detail == wrongPassword.Detail {
			t.Errorf("detail = %q", p.Detail)
		}
	})
	t.Run("wrong password with a right code", func(t *testing.T) {
		// The password is checked first: the answer is the same as for
		// anyone, and the code is not spent.
		p := wantProblem(t, f.askToken(t, m.email, "틀린 비밀번호입니다", f.code(t, m)), http.StatusUnauthorized)
		if p.Detail != wrongPassword.Detail {
			t.Errorf("detail = %q", p.Detail)
		}
	})
	t.Run("recovery code", func(t *testing.T) {
		wantProblem(t, f.askToken(t, m.email, minjiPass, "abcd-efgh-ijkm"), http.StatusUnprocessableEntity, "body.totp_code")
	})
	t.Run("no authenticator yet", func(t *testing.T) {
		_, id := f.customer(t, "newbie@example.com")
		boss, err := f.acc.CreateSuperuser(t.Context(), bossEmail, "사장님", bossPass)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.acc.SetRole(t.Context(), audit.Actor{UserID: boss.ID, Email: boss.Email}, id, account.Staff, account.Permissions{account.PermOrders}); err != nil {
			t.Fatal(err)
		}
		p := wantProblem(t, f.askToken(t, "newbie@example.com", minjiPass, "123456"), http.StatusUnauthorized)
		if !strings.Contains(p.Detail, "back office") {
			t.Errorf("detail = %q", p.Detail)
		}
	})

	// The right code gives a token with the staff member's permissions as
	// its scope; the same code again is refused.
	code := f.code(t, m)
	tok := decode[tokenBody](t, f.askToken(t, m.email, minjiPass, code), http.StatusOK)
	if tok.Scope != "catalog orders" || tok.ExpiresIn != 900 || tok.RefreshToken == "" {
		t.Errorf("staff token = %+v", tok)
	}
	p := wantProblem(t, f.askToken(t, m.email, minjiPass, code), http.StatusUnauthorized)
	if !strings.Contains(p.Detail, "second-factor code") {
		t.Errorf("replayed code: %q", p.Detail)
	}
	// The token works where a customer's does, for the staff member's own
	// account, and a refresh keeps its scope.
	me := decode[api.User](t, f.do(t, req{method: "GET", path: "/api/v1/me", token: tok.AccessToken}), http.StatusOK)
	if me.ID != m.id || me.Role != "staff" {
		t.Errorf("me = %+v", me)
	}
	next := decode[tokenBody](t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": tok.RefreshToken}}), http.StatusOK)
	if next.Scope != "catalog orders" {
		t.Errorf("refreshed scope = %q", next.Scope)
	}

	// Issuing it was audited: who, from where, with which scopes.
	es, _, err := f.audit.List(t.Context(), audit.Filter{Action: "apitoken.staff_issued"})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].ActorID != m.id || es[0].ActorEmail != m.email || es[0].IP != testIP || es[0].UserAgent != testAgent ||
		es[0].Detail["scopes"] != "catalog,orders" {
		t.Errorf("audit = %+v", es)
	}

	// Wrong codes are counted (the replay above was one): at the limit even
	// the right code is refused, until the window ends.
	for i := range account.SecondFactorLimit.Max - 1 {
		p := wantProblem(t, f.askToken(t, m.email, minjiPass, wrongCode(f.code(t, m))), http.StatusUnauthorized)
		if !strings.Contains(p.Detail, "second-factor code") {
			t.Errorf("wrong code %d: %q", i, p.Detail)
		}
	}
	rec := f.askToken(t, m.email, minjiPass, f.code(t, m))
	wantProblem(t, rec, http.StatusTooManyRequests)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	f.clock.Advance(account.SecondFactorLimit.Window)
	f.staffToken(t, m)
}

// TestStaffScopes checks the staff refund operation with every kind of
// token: a staff token with the orders scope reaches it; a customer's, or
// a staff token without the scope, gets 403; a permission taken away
// narrows or ends the token, and a password change ends it.
func TestStaffScopes(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	choco := f.product(t, "말랑 다크초콜릿", 12000, 10, false)
	jelly := f.product(t, "말랑 젤리", 3000, 10, false)
	candy := f.product(t, "말랑 사탕", 1000, 10, false)
	o := f.placed(t, c, "testpay", choco, jelly, candy)
	f.pay(t, c, o, "testpay")
	id := orderID(t, f, o.Number)
	refund := func(token string, line int) *httptest.ResponseRecorder {
		return f.do(t, req{method: "POST", path: refundPath(id), token: token,
			body: map[string]any{"line_ids": []int64{o.Lines[line].ID}, "reason": "파손"}})
	}
	forbidden := func(t *testing.T, rec *httptest.ResponseRecorder, scopes string) {
		t.Helper()
		p := wantProblem(t, rec, http.StatusForbidden)
		if !strings.Contains(p.Detail, `"orders" scope`) || !strings.Contains(p.Detail, "scopes: "+scopes) {
			t.Errorf("detail = %q", p.Detail)
		}
		if h := rec.Header().Get("WWW-Authenticate"); !strings.Contains(h, `error="insufficient_scope"`) || !strings.Contains(h, `scope="orders"`) {
			t.Errorf("WWW-Authenticate = %q", h)
		}
	}

	_, clerkID := f.customer(t, "clerk@example.com")
	clerk := f.makeStaff(t, clerkID, account.Staff, account.PermCatalog)
	_, adminID := f.customer(t, "admin@example.com")
	admin := f.makeStaff(t, adminID, account.Staff, account.PermOrders, account.PermCatalog)
	// A customer token of someone who became staff without a new sign-in
	// (the role written straight into the database, so nothing ended it)
	// carries no scope either.
	oldTok, oldID := f.customer(t, "old@example.com")
	if _, err := f.d.Write().ExecContext(t.Context(), f.d.Write().Rebind(`UPDATE users SET role = 'superuser' WHERE id = ?`), oldID); err != nil {
		t.Fatal(err)
	}

	t.Run("customer token", func(t *testing.T) { forbidden(t, refund(c.token, 0), "none") })
	t.Run("customer token of a superuser", func(t *testing.T) { forbidden(t, refund(oldTok, 0), "none") })
	t.Run("staff token without the scope", func(t *testing.T) { forbidden(t, refund(f.staffToken(t, clerk).AccessToken, 0), "catalog") })
	t.Run("no token", func(t *testing.T) { wantProblem(t, refund("", 0), http.StatusUnauthorized) })

	tok := f.staffToken(t, admin)
	rf := decode[api.PaymentRefund](t, refund(tok.AccessToken, 0), http.StatusCreated)
	if rf.Amount != 12000 || rf.Status != "done" {
		t.Errorf("refund = %+v", rf)
	}

	// A permission taken away without ending the sign-in (straight in the
	// database: the back office always ends it, below) is no longer
	// granted at the next call, though the token still carries the scope.
	setPerms := func(perms string) {
		if _, err := f.d.Write().ExecContext(t.Context(), f.d.Write().Rebind(`UPDATE users SET permissions = ? WHERE id = ?`), perms, admin.id); err != nil {
			t.Fatal(err)
		}
	}
	setPerms("catalog")
	forbidden(t, refund(tok.AccessToken, 1), "catalog")
	setPerms("catalog,orders")

	// Taken away in the back office, the permission ends the sign-in.
	boss, err := f.acc.User(t.Context(), mustUserID(t, f, bossEmail))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.acc.SetRole(t.Context(), audit.Actor{UserID: boss.ID, Email: boss.Email}, admin.id, account.Staff, account.Permissions{account.PermCatalog}); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, refund(tok.AccessToken, 1), http.StatusUnauthorized)
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": tok.RefreshToken}}), http.StatusUnauthorized)
	// Given back, it needs a new token, got with a new code.
	if _, err := f.acc.SetRole(t.Context(), audit.Actor{UserID: boss.ID, Email: boss.Email}, admin.id, account.Staff, account.Permissions{account.PermOrders}); err != nil {
		t.Fatal(err)
	}
	tok = f.staffToken(t, admin)
	if tok.Scope != "orders" {
		t.Errorf("scope = %q", tok.Scope)
	}
	decode[api.PaymentRefund](t, refund(tok.AccessToken, 1), http.StatusCreated)

	// A password change, here through the API with the staff token itself,
	// ends it.
	rec := f.do(t, req{method: "POST", path: "/api/v1/me/password", token: tok.AccessToken,
		body: map[string]string{"current_password": minjiPass, "password": "새로 정한 아주 긴 비밀번호"}})
	if rec.Code != http.StatusNoContent {
		t.Fatalf("change password = %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, refund(tok.AccessToken, 2), http.StatusUnauthorized)

	// A superuser's token carries every permission.
	_, bigID := f.customer(t, "big@example.com")
	big := f.makeStaff(t, bigID, account.Superuser)
	sup := f.staffToken(t, big)
	if sup.Scope != "catalog orders customers content mail security settings stats" {
		t.Errorf("superuser scope = %q", sup.Scope)
	}
	decode[api.PaymentRefund](t, refund(sup.AccessToken, 2), http.StatusCreated)
}

// mustUserID returns the id of the account with email.
func mustUserID(t *testing.T, f *fixture, email string) int64 {
	t.Helper()
	q := f.d.Read()
	var id int64
	if err := q.GetContext(t.Context(), &id, q.Rebind(`SELECT id FROM users WHERE email = ?`), email); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestStaffOpenAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	rec := get(t, f.h, "GET", "/api/v1/openapi.json")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Tags     []string              `json:"tags"`
			Security []map[string][]string `json:"security"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
				Required   []string       `json:"required"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	// Every staff operation names the one scope it needs.
	n := 0
	for path, item := range doc.Paths {
		for method, op := range item {
			if !strings.HasPrefix(path, "/api/v1/admin/") && !slices.Contains(op.Tags, "Admin") {
				continue
			}
			n++
			if len(op.Security) != 1 || len(op.Security[0][bearerScheme]) != 1 {
				t.Errorf("%s %s: security %v, want one bearer scope", method, path, op.Security)
			}
		}
	}
	if n == 0 {
		t.Error("no staff operation documented")
	}
	if got := doc.Paths["/api/v1/admin/orders/{id}/refunds"]["post"].Security; len(got) != 1 || !slices.Equal(got[0][bearerScheme], []string{"orders"}) {
		t.Errorf("refund security = %v", got)
	}
	found := false
	for name, sc := range doc.Components.Schemas {
		if _, ok := sc.Properties["totp_code"]; ok {
			found = true
			if slices.Contains(sc.Required, "totp_code") {
				t.Errorf("%s requires totp_code", name)
			}
		}
	}
	if !found {
		t.Error("the token request does not document totp_code")
	}
	if _, ok := doc.Components.Schemas["Token"].Properties["scope"]; !ok {
		t.Error("the token response does not document scope")
	}
	for _, s := range []string{"insufficient_scope", "second-factor limit"} {
		if !strings.Contains(rec.Body.String(), s) {
			t.Errorf("the document lacks %q", s)
		}
	}
}
