// Package socialtest is a fake of Google, Kakao and Naver sign-in on one
// local HTTP server, for tests of the social package, the web handlers and
// browser tests. It speaks each provider's documented API: the authorization
// endpoint at once sends the browser back to redirect_uri with a code (there
// is no consent screen), the token endpoints check the client credentials,
// the code, redirect_uri and the PKCE verifier and answer errors in each
// provider's shape (Naver's with HTTP 200), the profile endpoints want the
// access token, and Google has discovery, a key set and RS256-signed ID
// tokens carrying the nonce.
//
// Tests choose who signs in next with SetUser, and make the next sign-in go
// wrong with DenyNext and BreakNextIDToken.
package socialtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mallang/mallang/internal/account/social"
)

// FakeUser is the account that signs in at the fake provider. For Kakao,
// Subject must be a number (Kakao ids are); an empty Email means the user
// did not consent to share it.
type FakeUser struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
}

// IDTokenFault is a way for Google's next ID token to be wrong.
type IDTokenFault int

// The faults BreakNextIDToken can inject.
const (
	// BadSignature signs with a key that is not in the key set (under the
	// same key id).
	BadSignature IDTokenFault = iota + 1
	// WrongNonce carries a nonce other than the one sent to authorize.
	WrongNonce
	// WrongAudience is issued to another client.
	WrongAudience
	// Expired expired an hour ago.
	Expired
)

// ClientID is the client id the fake accepts for provider.
func ClientID(provider string) string { return provider + "-client-id" }

// ClientSecret is the client secret the fake accepts for provider.
func ClientSecret(provider string) string { return provider + "-client-secret" }

const keyID = "socialtest-1"

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:port.
	URL string

	srv *httptest.Server
	key *rsa.PrivateKey

	mu         sync.Mutex // guards the fields below
	now        func() time.Time
	users      map[string]FakeUser
	denyNext   map[string]bool
	fault      IDTokenFault
	codes      map[string]grant
	tokens     map[string]grant
	otherKey   *rsa.PrivateKey
	tokenCalls map[string]int
}

// grant is what a code, and then an access token, stands for.
type grant struct {
	provider    string
	user        FakeUser
	clientID    string
	redirectURI string
	state       string
	challenge   string
	nonce       string
}

// Start starts a fake server; Close stops it. Tests use NewServer.
func Start() (*Server, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("socialtest: generate key: %w", err)
	}
	s := &Server{
		key:        key,
		now:        time.Now,
		users:      map[string]FakeUser{},
		denyNext:   map[string]bool{},
		codes:      map[string]grant{},
		tokens:     map[string]grant{},
		tokenCalls: map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /google/.well-known/openid-configuration", s.discovery)
	mux.HandleFunc("GET /google/jwks", s.jwks)
	mux.HandleFunc("GET /google/authorize", s.authorize(social.Google))
	mux.HandleFunc("POST /google/token", s.token(social.Google))
	mux.HandleFunc("GET /kakao/oauth/authorize", s.authorize(social.Kakao))
	mux.HandleFunc("POST /kakao/oauth/token", s.token(social.Kakao))
	mux.HandleFunc("GET /kakao/v2/user/me", s.kakaoMe)
	mux.HandleFunc("GET /naver/oauth2.0/authorize", s.authorize(social.Naver))
	mux.HandleFunc("POST /naver/oauth2.0/token", s.token(social.Naver))
	mux.HandleFunc("GET /naver/v1/nid/me", s.naverMe)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s, nil
}

// NewServer starts a fake server that stops when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Providers returns configurations of all three providers pointing at the
// fake, with the credentials it accepts. Google's endpoints come from its
// discovery document.
func (s *Server) Providers() []social.ProviderConfig {
	return []social.ProviderConfig{
		{Name: social.Google, ClientID: ClientID(social.Google), ClientSecret: ClientSecret(social.Google),
			Issuer: s.URL + "/google"},
		{Name: social.Kakao, ClientID: ClientID(social.Kakao), ClientSecret: ClientSecret(social.Kakao),
			AuthURL: s.URL + "/kakao/oauth/authorize", TokenURL: s.URL + "/kakao/oauth/token", ProfileURL: s.URL + "/kakao/v2/user/me"},
		{Name: social.Naver, ClientID: ClientID(social.Naver), ClientSecret: ClientSecret(social.Naver),
			AuthURL: s.URL + "/naver/oauth2.0/authorize", TokenURL: s.URL + "/naver/oauth2.0/token", ProfileURL: s.URL + "/naver/v1/nid/me"},
	}
}

// SetUser makes u the user of every following sign-in at provider.
func (s *Server) SetUser(provider string, u FakeUser) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[provider] = u
}

// DenyNext makes the next sign-in at provider end as if the user declined:
// the browser returns with error=access_denied.
func (s *Server) DenyNext(provider string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denyNext[provider] = true
}

// BreakNextIDToken makes the next ID token Google issues wrong in the way f
// says.
func (s *Server) BreakNextIDToken(f IDTokenFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// SetClock sets the clock of issued ID tokens (time.Now by default), to
// match a service running on a fake clock.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// TokenCalls is how many requests provider's token endpoint has had.
func (s *Server) TokenCalls(provider string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenCalls[provider]
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	base := s.URL + "/google"
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                base,
		"authorization_endpoint":                base + "/authorize",
		"token_endpoint":                        base + "/token",
		"jwks_uri":                              base + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "profile"},
		"code_challenge_methods_supported":      []string{"plain", "S256"},
	})
}

func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	pub := s.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": keyID,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// authorize checks the request as the provider would and sends the
// browser straight back with a code, or with error=access_denied.
func (s *Server) authorize(provider string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		redirectURI := q.Get("redirect_uri")
		back, err := url.Parse(redirectURI)
		switch {
		case q.Get("client_id") != ClientID(provider):
			http.Error(w, "socialtest: unknown client_id", http.StatusBadRequest)
			return
		case q.Get("response_type") != "code":
			http.Error(w, "socialtest: response_type must be code", http.StatusBadRequest)
			return
		case redirectURI == "" || err != nil || !back.IsAbs():
			http.Error(w, "socialtest: redirect_uri must be an absolute URL", http.StatusBadRequest)
			return
		case provider == social.Naver && q.Get("state") == "":
			http.Error(w, "socialtest: naver requires state", http.StatusBadRequest)
			return
		case provider == social.Google && !hasScope(q.Get("scope"), "openid"):
			http.Error(w, "socialtest: google sign-in requires the openid scope", http.StatusBadRequest)
			return
		case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256":
			http.Error(w, "socialtest: only S256 code challenges are accepted", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		user, ok := s.users[provider]
		deny := s.denyNext[provider]
		delete(s.denyNext, provider)
		code := random()
		if ok && !deny {
			s.codes[code] = grant{
				provider: provider, user: user, clientID: q.Get("client_id"), redirectURI: redirectURI,
				state: q.Get("state"), challenge: q.Get("code_challenge"), nonce: q.Get("nonce"),
			}
		}
		s.mu.Unlock()
		if !ok {
			http.Error(w, "socialtest: no user set for "+provider+"; call SetUser", http.StatusInternalServerError)
			return
		}
		v := back.Query()
		if deny {
			v.Set("error", "access_denied")
			v.Set("error_description", "User denied access")
		} else {
			v.Set("code", code)
		}
		if st := q.Get("state"); st != "" {
			v.Set("state", st)
		}
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}
}

func hasScope(scopes, want string) bool {
	return slices.Contains(strings.Fields(scopes), want)
}

// token exchanges a code for tokens, checking what the real endpoint
// checks. A code is good for one exchange, even a failed one.
func (s *Server) token(provider string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.tokenCalls[provider]++
		s.mu.Unlock()
		if err := r.ParseForm(); err != nil {
			tokenError(w, provider, "invalid_request", "malformed form")
			return
		}
		f := r.PostForm
		id, secret := f.Get("client_id"), f.Get("client_secret")
		if u, p, ok := r.BasicAuth(); ok && provider == social.Google {
			id, secret = u, p
		}
		if f.Get("grant_type") != "authorization_code" {
			tokenError(w, provider, "unsupported_grant_type", "grant_type must be authorization_code")
			return
		}
		if id != ClientID(provider) || !equal(secret, ClientSecret(provider)) {
			tokenError(w, provider, "invalid_client", "bad client credentials")
			return
		}
		s.mu.Lock()
		g, ok := s.codes[f.Get("code")]
		delete(s.codes, f.Get("code"))
		s.mu.Unlock()
		switch {
		case !ok || g.provider != provider || g.clientID != id:
			tokenError(w, provider, "invalid_grant", "authorization code not found")
			return
		case provider != social.Naver && f.Get("redirect_uri") != g.redirectURI:
			tokenError(w, provider, "invalid_grant", "redirect_uri mismatch")
			return
		case provider == social.Naver && !equal(f.Get("state"), g.state):
			tokenError(w, provider, "invalid_request", "no valid data in session")
			return
		case g.challenge != "" && !equal(s256(f.Get("code_verifier")), g.challenge):
			tokenError(w, provider, "invalid_grant", "code_verifier does not match the code_challenge")
			return
		}
		access := random()
		s.mu.Lock()
		s.tokens[access] = g
		s.mu.Unlock()
		switch provider {
		case social.Google:
			idToken, err := s.idToken(g)
			if err != nil {
				writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{
				"access_token": access, "expires_in": 3599, "token_type": "Bearer",
				"scope":    "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
				"id_token": idToken,
			})
		case social.Kakao:
			writeJSON(w, http.StatusOK, map[string]any{
				"token_type": "bearer", "access_token": access, "expires_in": 21599,
				"refresh_token": random(), "refresh_token_expires_in": 5183999, "scope": "account_email profile_nickname",
			})
		case social.Naver:
			// Naver sends expires_in as a string.
			writeJSON(w, http.StatusOK, map[string]any{
				"access_token": access, "refresh_token": random(), "token_type": "bearer", "expires_in": "3600",
			})
		}
	}
}

// tokenError answers a token request error as provider does: Google with
// 400 (401 for the client), Kakao likewise with its KOE code, and Naver with
// 200.
func tokenError(w http.ResponseWriter, provider, code, description string) {
	status := http.StatusBadRequest
	if code == "invalid_client" {
		status = http.StatusUnauthorized
	}
	body := map[string]string{"error": code, "error_description": description}
	switch provider {
	case social.Kakao:
		body["error_code"] = map[string]string{
			"invalid_client": "KOE010", "invalid_grant": "KOE320",
		}[code]
	case social.Naver:
		status = http.StatusOK
	}
	writeJSON(w, status, body)
}

func (s *Server) idToken(g grant) (string, error) {
	s.mu.Lock()
	now := s.now()
	f := s.fault
	s.fault = 0
	if f == BadSignature && s.otherKey == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			s.mu.Unlock()
			return "", err
		}
		s.otherKey = k
	}
	key := s.key
	if f == BadSignature {
		key = s.otherKey
	}
	s.mu.Unlock()
	c := jwt.MapClaims{
		"iss":            s.URL + "/google",
		"azp":            g.clientID,
		"aud":            g.clientID,
		"sub":            g.user.Subject,
		"email_verified": g.user.EmailVerified,
		"name":           g.user.Name,
		"nonce":          g.nonce,
		"iat":            now.Unix(),
		"exp":            now.Add(time.Hour).Unix(),
	}
	if g.user.Email != "" {
		c["email"] = g.user.Email
	}
	switch f {
	case WrongNonce:
		c["nonce"] = "not-" + g.nonce
	case WrongAudience:
		c["aud"], c["azp"] = "another-client", "another-client"
	case Expired:
		c["iat"], c["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix()
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	t.Header["kid"] = keyID
	return t.SignedString(key)
}

// bearer is the grant of the request's access token.
func (s *Server) bearer(r *http.Request, provider string) (grant, bool) {
	const prefix = "Bearer "
	h := r.Header.Get("Authorization")
	if len(h) <= len(prefix) || h[:len(prefix)] != prefix {
		return grant{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.tokens[h[len(prefix):]]
	return g, ok && g.provider == provider
}

func (s *Server) kakaoMe(w http.ResponseWriter, r *http.Request) {
	g, ok := s.bearer(r, social.Kakao)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"msg": "this access token does not exist", "code": -401})
		return
	}
	id, err := strconv.ParseInt(g.user.Subject, 10, 64)
	if err != nil {
		http.Error(w, "socialtest: a Kakao Subject must be a number", http.StatusInternalServerError)
		return
	}
	account := map[string]any{
		"profile_nickname_needs_agreement": false,
		"profile":                          map[string]any{"nickname": g.user.Name, "is_default_nickname": false},
		"name_needs_agreement":             true,
	}
	if g.user.Email == "" {
		account["email_needs_agreement"] = true
	} else {
		account["email_needs_agreement"] = false
		account["is_email_valid"] = g.user.EmailVerified
		account["is_email_verified"] = g.user.EmailVerified
		account["email"] = g.user.Email
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id":             id,
		"connected_at":   "2025-03-01T01:02:03Z",
		"properties":     map[string]string{"nickname": g.user.Name},
		"kakao_account":  account,
		"has_signed_up":  true,
		"for_partner":    map[string]any{},
		"synched_at":     nil,
		"kakao_talk_uid": nil,
	})
}

func (s *Server) naverMe(w http.ResponseWriter, r *http.Request) {
	g, ok := s.bearer(r, social.Naver)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"resultcode": "024", "message": "Authentication failed"})
		return
	}
	resp := map[string]string{"id": g.user.Subject, "nickname": g.user.Name, "name": g.user.Name}
	if g.user.Email != "" {
		resp["email"] = g.user.Email
	}
	writeJSON(w, http.StatusOK, map[string]any{"resultcode": "00", "message": "success", "response": resp})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
