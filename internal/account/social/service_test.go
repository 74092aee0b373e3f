package social_test

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account/social"
	"github.com/mallang/mallang/internal/account/social/socialtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
)

const shop = "https://shop.example"

type env struct {
	d    *db.DB
	svc  *social.Service
	fake *socialtest.Server
	clk  *fake.Clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	d := dbtest.New(t)
	srv := socialtest.NewServer(t)
	clk := fake.NewClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	srv.SetClock(clk.Now)
	svc, err := social.New(d, srv.Providers(), shop, nil, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	return &env{d: d, svc: svc, fake: srv, clk: clk}
}

// authorize follows the authorization URL like a browser that stops at the
// shop's callback, and returns the callback's query.
func authorize(t *testing.T, provider, authURL string) url.Values {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: HTTP %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	want := shop + "/auth/" + provider + "/callback"
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != want {
		t.Fatalf("redirected to %s, want %s", got, want)
	}
	return loc.Query()
}

// signIn runs Begin, the provider's authorization and Finish.
func (e *env) signIn(t *testing.T, provider string) (social.Profile, error) {
	t.Helper()
	authURL, st, err := e.svc.Begin(t.Context(), provider)
	if err != nil {
		t.Fatalf("Begin(%s): %v", provider, err)
	}
	return e.svc.Finish(t.Context(), st, authorize(t, provider, authURL))
}

var users = map[string]socialtest.FakeUser{
	social.Google: {Subject: "108234567890123456789", Email: "Mina.Kim@Gmail.com", EmailVerified: true, Name: "김민아"},
	social.Kakao:  {Subject: "3141592653", Email: "mina@kakao.com", EmailVerified: true, Name: "민아"},
	social.Naver:  {Subject: "nv-Ab3dEf_9", Email: "mina@naver.com", EmailVerified: true, Name: "김민아"},
}

func TestFullFlow(t *testing.T) {
	t.Parallel()
	for _, provider := range []string{social.Google, social.Kakao, social.Naver} {
		t.Run(provider, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			u := users[provider]
			e.fake.SetUser(provider, u)
			p, err := e.signIn(t, provider)
			if err != nil {
				t.Fatalf("sign in: %v", err)
			}
			want := social.Profile{Provider: provider, Subject: u.Subject, Email: u.Email, EmailVerified: true, Name: u.Name}
			if p != want {
				t.Fatalf("profile = %+v, want %+v", p, want)
			}
			res, err := e.svc.Resolve(t.Context(), p)
			if err != nil || !res.Created || res.Linked || res.UserID == 0 {
				t.Fatalf("first Resolve = %+v, %v; want a created user", res, err)
			}
			var row struct {
				Email    string     `db:"email"`
				Name     string     `db:"name"`
				Role     string     `db:"role"`
				Active   bool       `db:"active"`
				Hash     string     `db:"password_hash"`
				Verified *time.Time `db:"email_verified_at"`
			}
			if err := e.d.Read().GetContext(t.Context(), &row, e.d.Read().Rebind(
				`SELECT email, name, role, active, password_hash, email_verified_at FROM users WHERE id = ?`), res.UserID); err != nil {
				t.Fatal(err)
			}
			if row.Email != strings.ToLower(u.Email) || row.Name != u.Name || row.Role != "customer" || !row.Active ||
				row.Hash != "" || row.Verified == nil || !row.Verified.Equal(e.clk.Now()) {
				t.Fatalf("user row = %+v", row)
			}

			// Signing in again finds the same account.
			e.clk.Advance(time.Hour)
			p, err = e.signIn(t, provider)
			if err != nil {
				t.Fatalf("second sign in: %v", err)
			}
			again, err := e.svc.Resolve(t.Context(), p)
			if err != nil || again != (social.Result{UserID: res.UserID}) {
				t.Fatalf("second Resolve = %+v, %v; want user %d, neither created nor linked", again, err, res.UserID)
			}
			ids, err := e.svc.Identities(t.Context(), res.UserID)
			if err != nil || len(ids) != 1 {
				t.Fatalf("Identities = %+v, %v", ids, err)
			}
			id := ids[0]
			if id.Provider != provider || id.Subject != u.Subject || id.Email != strings.ToLower(u.Email) ||
				!id.Created.Equal(e.clk.Now().Add(-time.Hour)) || id.LastLoginAt == nil || !id.LastLoginAt.Equal(e.clk.Now()) {
				t.Fatalf("identity = %+v", id)
			}
		})
	}
}

func TestBeginURL(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		provider string
		host     string // of the authorization endpoint, from discovery for Google
		pkce     bool
		nonce    bool
	}{
		{social.Google, e.fake.URL + "/google/authorize", true, true},
		{social.Kakao, e.fake.URL + "/kakao/oauth/authorize", true, false},
		{social.Naver, e.fake.URL + "/naver/oauth2.0/authorize", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			authURL, st, err := e.svc.Begin(t.Context(), tt.provider)
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(authURL)
			q := u.Query()
			if got := u.Scheme + "://" + u.Host + u.Path; got != tt.host {
				t.Errorf("endpoint %s, want %s", got, tt.host)
			}
			if q.Get("state") != st.State || len(st.State) < 40 || st.Provider != tt.provider || !st.Created.Equal(e.clk.Now()) {
				t.Errorf("state %+v, query state %q", st, q.Get("state"))
			}
			if q.Get("redirect_uri") != shop+"/auth/"+tt.provider+"/callback" || q.Get("client_id") != socialtest.ClientID(tt.provider) {
				t.Errorf("redirect_uri %q, client_id %q", q.Get("redirect_uri"), q.Get("client_id"))
			}
			if got := q.Get("code_challenge") != "" && st.Verifier != ""; got != tt.pkce {
				t.Errorf("PKCE %v, want %v", got, tt.pkce)
			}
			if got := q.Get("nonce") != "" && q.Get("nonce") == st.Nonce; got != tt.nonce {
				t.Errorf("nonce %v, want %v", got, tt.nonce)
			}
			if strings.Contains(authURL, st.Verifier) && st.Verifier != "" {
				t.Error("the PKCE verifier leaks into the authorization URL")
			}
		})
	}
	if _, _, err := e.svc.Begin(t.Context(), "facebook"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("Begin(facebook) = %v, want fault.ErrNotFound", err)
	}
}

func TestFinishRefuses(t *testing.T) {
	t.Parallel()
	type setup struct {
		e     *env
		st    *social.State
		query url.Values
	}
	tests := []struct {
		name      string
		providers []string
		before    func(e *env, provider string) // before Begin
		tamper    func(t *testing.T, s *setup)  // between the callback and Finish
		want      error
	}{
		{"wrong state", all, nil, func(t *testing.T, s *setup) { s.query.Set("state", s.st.State+"x") }, social.ErrInvalidState},
		{"missing state", all, nil, func(t *testing.T, s *setup) { s.query.Del("state") }, social.ErrInvalidState},
		{"empty session state", all, nil, func(t *testing.T, s *setup) { *s.st = social.State{Provider: s.st.Provider} }, social.ErrInvalidState},
		{"expired state", all, nil, func(t *testing.T, s *setup) { s.e.clk.Advance(social.StateTTL + time.Second) }, social.ErrInvalidState},
		{"state just in time", all, nil, func(t *testing.T, s *setup) { s.e.clk.Advance(social.StateTTL) }, nil},
		{"denied consent", all, func(e *env, p string) { e.fake.DenyNext(p) }, nil, social.ErrCancelled},
		{"unknown code", all, nil, func(t *testing.T, s *setup) { s.query.Set("code", "forged") }, social.ErrRejected},
		{"no code", all, nil, func(t *testing.T, s *setup) { s.query.Del("code") }, social.ErrRejected},
		{"other authorization error", all, nil, func(t *testing.T, s *setup) { s.query.Set("error", "server_error") }, social.ErrRejected},
		{"wrong PKCE verifier", []string{social.Google, social.Kakao}, nil,
			func(t *testing.T, s *setup) { s.st.Verifier = strings.Repeat("a", 43) }, social.ErrRejected},
		{"code used twice", all, nil, func(t *testing.T, s *setup) {
			if _, err := s.e.svc.Finish(t.Context(), *s.st, s.query); err != nil {
				t.Fatalf("first Finish: %v", err)
			}
		}, social.ErrRejected},
		{"bad ID token signature", []string{social.Google}, func(e *env, _ string) { e.fake.BreakNextIDToken(socialtest.BadSignature) }, nil, social.ErrRejected},
		{"wrong nonce", []string{social.Google}, func(e *env, _ string) { e.fake.BreakNextIDToken(socialtest.WrongNonce) }, nil, social.ErrRejected},
		{"wrong audience", []string{social.Google}, func(e *env, _ string) { e.fake.BreakNextIDToken(socialtest.WrongAudience) }, nil, social.ErrRejected},
		{"expired ID token", []string{social.Google}, func(e *env, _ string) { e.fake.BreakNextIDToken(socialtest.Expired) }, nil, social.ErrRejected},
		{"nonce lost from the session", []string{social.Google}, nil, func(t *testing.T, s *setup) { s.st.Nonce = "" }, social.ErrRejected},
	}
	for _, tt := range tests {
		for _, provider := range tt.providers {
			t.Run(tt.name+"/"+provider, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t)
				e.fake.SetUser(provider, users[provider])
				if tt.before != nil {
					tt.before(e, provider)
				}
				authURL, st, err := e.svc.Begin(t.Context(), provider)
				if err != nil {
					t.Fatal(err)
				}
				s := &setup{e: e, st: &st, query: authorize(t, provider, authURL)}
				if tt.tamper != nil {
					tt.tamper(t, s)
				}
				p, err := e.svc.Finish(t.Context(), st, s.query)
				if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
					t.Fatalf("Finish = %+v, %v; want %v", p, err, tt.want)
				}
				if err != nil && !errors.Is(err, fault.ErrUnauthenticated) {
					t.Errorf("%v is not fault.ErrUnauthenticated", err)
				}
				// A callback that is not ours, or a cancelled one, is refused
				// before the code is spent.
				if errors.Is(err, social.ErrInvalidState) || errors.Is(err, social.ErrCancelled) {
					if n := e.fake.TokenCalls(provider); n != 0 {
						t.Errorf("%d token requests, want none", n)
					}
				}
			})
		}
	}
}

var all = []string{social.Google, social.Kakao, social.Naver}

func TestFinishWrongClientSecret(t *testing.T) {
	t.Parallel()
	for _, provider := range all {
		t.Run(provider, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			cfgs := e.fake.Providers()
			for i := range cfgs {
				cfgs[i].ClientSecret = "wrong"
			}
			svc, err := social.New(e.d, cfgs, shop, nil, e.clk.Now)
			if err != nil {
				t.Fatal(err)
			}
			e.fake.SetUser(provider, users[provider])
			authURL, st, err := svc.Begin(t.Context(), provider)
			if err != nil {
				t.Fatal(err)
			}
			_, err = svc.Finish(t.Context(), st, authorize(t, provider, authURL))
			if !errors.Is(err, social.ErrRejected) {
				t.Fatalf("Finish = %v, want ErrRejected", err)
			}
			if strings.Contains(err.Error(), "wrong") {
				t.Errorf("error %q shows the secret", err)
			}
		})
	}
}

func TestKakaoWithoutEmail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.fake.SetUser(social.Kakao, socialtest.FakeUser{Subject: "2718281828", Name: "익명"})
	p, err := e.signIn(t, social.Kakao)
	if err != nil {
		t.Fatal(err)
	}
	if p.Email != "" || p.EmailVerified || p.Subject != "2718281828" || p.Name != "익명" {
		t.Fatalf("profile = %+v", p)
	}
	if _, err := e.svc.Resolve(t.Context(), p); !errors.Is(err, social.ErrEmailRequired) {
		t.Fatalf("Resolve = %v, want ErrEmailRequired", err)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	now := time.Now
	tests := []struct {
		name      string
		providers []social.ProviderConfig
		base      string
		enabled   []string
		wantErr   bool
	}{
		{"none", nil, shop, nil, false},
		{"without client id is disabled", []social.ProviderConfig{
			{Name: social.Naver, ClientID: "n", ClientSecret: "s"}, {Name: social.Google}, {Name: social.Kakao, ClientID: "k"},
		}, shop + "/", []string{social.Kakao, social.Naver}, false},
		{"google without secret", []social.ProviderConfig{{Name: social.Google, ClientID: "g"}}, shop, nil, true},
		{"naver without secret", []social.ProviderConfig{{Name: social.Naver, ClientID: "n"}}, shop, nil, true},
		{"unknown provider", []social.ProviderConfig{{Name: "facebook", ClientID: "f"}}, shop, nil, true},
		{"twice", []social.ProviderConfig{{Name: social.Kakao, ClientID: "a"}, {Name: social.Kakao, ClientID: "b"}}, shop, nil, true},
		{"relative base", nil, "/shop", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, err := social.New(d, tt.providers, tt.base, nil, now)
			if (err != nil) != tt.wantErr {
				t.Fatalf("New = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got := svc.Enabled(); strings.Join(got, ",") != strings.Join(tt.enabled, ",") {
				t.Errorf("Enabled = %v, want %v", got, tt.enabled)
			}
			if got := svc.RedirectURL(social.Kakao); got != shop+"/auth/kakao/callback" {
				t.Errorf("RedirectURL = %s", got)
			}
		})
	}
}

func TestStateEncodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, st, err := e.svc.Begin(t.Context(), social.Google)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	var fromGob, fromJSON social.State
	if err := gob.NewEncoder(&buf).Encode(st); err != nil {
		t.Fatal(err)
	}
	if err := gob.NewDecoder(&buf).Decode(&fromGob); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if fromGob != st || fromJSON != st {
		t.Fatalf("round trip: gob %+v, json %+v, want %+v", fromGob, fromJSON, st)
	}
}
