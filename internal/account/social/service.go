package social

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// The real endpoints, used where a ProviderConfig leaves one empty.
const (
	googleIssuer = "https://accounts.google.com"

	kakaoAuthURL    = "https://kauth.kakao.com/oauth/authorize"
	kakaoTokenURL   = "https://kauth.kakao.com/oauth/token"
	kakaoProfileURL = "https://kapi.kakao.com/v2/user/me"

	naverAuthURL    = "https://nid.naver.com/oauth2.0/authorize"
	naverTokenURL   = "https://nid.naver.com/oauth2.0/token"
	naverProfileURL = "https://openapi.naver.com/v1/nid/me"
)

// Service runs social sign-ins and keeps the identities they link. It is
// safe for concurrent use.
type Service struct {
	d           *db.DB
	client      *http.Client
	now         func() time.Time
	redirectURL func(provider string) string
	providers   map[string]*provider
}

// provider is one enabled provider.
type provider struct {
	cfg ProviderConfig
	// oidc is set for Google only.
	oidc *oidcVerifier
}

// New returns the service with the providers that have a ClientID; the rest
// are not enabled. redirectBase is the shop's public origin
// ("https://shop.example"): a provider sends the user back to
// redirectBase + "/auth/" + name + "/callback", which must be registered at
// the provider. httpClient (nil means one with a 10-second timeout) makes
// every call to the providers. New does no I/O: Google's discovery document
// is fetched on first use, so a provider that is down does not stop the shop
// from starting. It fails on an unknown provider name, a provider given
// twice, Google or Naver with a client id but no secret (Kakao's is
// optional), or a redirectBase that is not an absolute http(s) URL.
func New(d *db.DB, providers []ProviderConfig, redirectBase string, httpClient *http.Client, now func() time.Time) (*Service, error) {
	base, err := url.Parse(redirectBase)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("social: redirect base %q is not an absolute http(s) URL", redirectBase)
	}
	root := strings.TrimRight(redirectBase, "/")
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 10 * time.Second}
	}
	s := &Service{
		d:           d,
		client:      httpClient,
		now:         now,
		redirectURL: func(p string) string { return root + "/auth/" + p + "/callback" },
		providers:   map[string]*provider{},
	}
	seen := map[string]bool{}
	for _, c := range providers {
		if seen[c.Name] {
			return nil, fmt.Errorf("social: provider %q configured twice", c.Name)
		}
		seen[c.Name] = true
		switch c.Name {
		case Google:
			c.Issuer = cmpOr(c.Issuer, googleIssuer)
		case Kakao:
			c.AuthURL = cmpOr(c.AuthURL, kakaoAuthURL)
			c.TokenURL = cmpOr(c.TokenURL, kakaoTokenURL)
			c.ProfileURL = cmpOr(c.ProfileURL, kakaoProfileURL)
		case Naver:
			c.AuthURL = cmpOr(c.AuthURL, naverAuthURL)
			c.TokenURL = cmpOr(c.TokenURL, naverTokenURL)
			c.ProfileURL = cmpOr(c.ProfileURL, naverProfileURL)
		default:
			return nil, fmt.Errorf("social: unknown provider %q (want google, kakao or naver)", c.Name)
		}
		if c.ClientID == "" {
			continue
		}
		if c.ClientSecret == "" && c.Name != Kakao {
			return nil, fmt.Errorf("social: provider %q has a client id but no client secret", c.Name)
		}
		p := &provider{cfg: c}
		if c.Name == Google {
			p.oidc = newOIDCVerifier(c.Issuer, c.ClientID, httpClient, now)
		}
		s.providers[c.Name] = p
	}
	return s, nil
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Enabled lists the enabled providers in a stable order (google, kakao,
// naver), for the buttons of the login page.
func (s *Service) Enabled() []string {
	var names []string
	for _, n := range []string{Google, Kakao, Naver} {
		if _, ok := s.providers[n]; ok {
			names = append(names, n)
		}
	}
	return names
}

// RedirectURL is the callback URL of provider, to register at the provider.
func (s *Service) RedirectURL(provider string) string { return s.redirectURL(provider) }

func (s *Service) provider(name string) (*provider, error) {
	p, ok := s.providers[name]
	if !ok {
		return nil, fmt.Errorf("sign-in provider %q: %w", name, fault.ErrNotFound)
	}
	return p, nil
}

// oauthConfig is the code flow of p. Every provider takes the client
// credentials in the form: Kakao and Naver document only that, and Google
// accepts both, so no request is spent probing.
func (s *Service) oauthConfig(ctx context.Context, p *provider) (*oauth2.Config, error) {
	c := &oauth2.Config{
		ClientID:     p.cfg.ClientID,
		ClientSecret: p.cfg.ClientSecret,
		RedirectURL:  s.redirectURL(p.cfg.Name),
		Endpoint: oauth2.Endpoint{
			AuthURL:   p.cfg.AuthURL,
			TokenURL:  p.cfg.TokenURL,
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
	switch p.cfg.Name {
	case Google:
		c.Scopes = []string{"openid", "email", "profile"}
		if c.Endpoint.AuthURL == "" || c.Endpoint.TokenURL == "" {
			doc, err := p.oidc.discover(ctx)
			if err != nil {
				return nil, err
			}
			c.Endpoint.AuthURL = cmpOr(c.Endpoint.AuthURL, doc.AuthURL)
			c.Endpoint.TokenURL = cmpOr(c.Endpoint.TokenURL, doc.TokenURL)
		}
	case Kakao:
		// The consent items (email, nickname) are chosen in the Kakao app's
		// settings; asking for scopes here would only narrow them.
	case Naver:
		// Naver's consent items are likewise set per app.
	}
	return c, nil
}

// Begin starts a sign-in with provider. The user is sent to authURL; st
// goes into the user's server-side session and back to Finish. It returns
// fault.ErrNotFound for a provider that is not enabled, and may do I/O (Google's
// discovery document, once).
func (s *Service) Begin(ctx context.Context, provider string) (authURL string, st State, err error) {
	p, err := s.provider(provider)
	if err != nil {
		return "", State{}, err
	}
	c, err := s.oauthConfig(ctx, p)
	if err != nil {
		return "", State{}, fmt.Errorf("begin %s sign-in: %w", provider, err)
	}
	st = State{Provider: provider, State: randomString(), Created: s.now().UTC()}
	var opts []oauth2.AuthCodeOption
	switch provider {
	case Google:
		st.Nonce = randomString()
		st.Verifier = oauth2.GenerateVerifier()
		opts = append(opts, oauth2.SetAuthURLParam("nonce", st.Nonce), oauth2.S256ChallengeOption(st.Verifier))
	case Kakao:
		st.Verifier = oauth2.GenerateVerifier()
		opts = append(opts, oauth2.S256ChallengeOption(st.Verifier))
	case Naver:
		// Naver does not support PKCE; the state, checked on return and
		// sent again with the code, binds the callback to this session.
	}
	return c.AuthCodeURL(st.State, opts...), st, nil
}

// randomString is 256 random bits, URL-safe.
func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// Finish completes the sign-in that st started, given the query of the
// callback request. It returns ErrInvalidState when the callback does not
// match st or st is older than StateTTL, ErrCancelled when the user
// declined, ErrRejected when the provider refused the code or its answer
// did not verify, and other errors for a provider that could not be
// reached. The provider is st's, whatever the callback's path says. The
// web layer deletes st from the session whatever the outcome: a State is
// good for one callback.
func (s *Service) Finish(ctx context.Context, st State, query url.Values) (Profile, error) {
	p, err := s.provider(st.Provider)
	if err != nil {
		return Profile{}, err
	}
	if st.State == "" || subtle.ConstantTimeCompare([]byte(st.State), []byte(query.Get("state"))) != 1 {
		return Profile{}, fmt.Errorf("finish %s sign-in: %w", st.Provider, ErrInvalidState)
	}
	if age := s.now().Sub(st.Created); age > StateTTL || age < -time.Minute {
		return Profile{}, fmt.Errorf("finish %s sign-in started %s ago: %w", st.Provider, age.Round(time.Second), ErrInvalidState)
	}
	if e := query.Get("error"); e != "" {
		if e == "access_denied" {
			return Profile{}, fmt.Errorf("finish %s sign-in: %w", st.Provider, ErrCancelled)
		}
		return Profile{}, fmt.Errorf("finish %s sign-in: authorization error %q: %w", st.Provider, e, ErrRejected)
	}
	code := query.Get("code")
	if code == "" {
		return Profile{}, fmt.Errorf("finish %s sign-in: callback without code: %w", st.Provider, ErrRejected)
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.client)
	c, err := s.oauthConfig(ctx, p)
	if err != nil {
		return Profile{}, fmt.Errorf("finish %s sign-in: %w", st.Provider, err)
	}
	var opts []oauth2.AuthCodeOption
	if st.Verifier != "" {
		opts = append(opts, oauth2.VerifierOption(st.Verifier))
	}
	if st.Provider == Naver {
		opts = append(opts, oauth2.SetAuthURLParam("state", st.State))
	}
	tok, err := c.Exchange(ctx, code, opts...)
	if err != nil {
		return Profile{}, fmt.Errorf("finish %s sign-in: %w", st.Provider, tokenError(err))
	}
	var prof Profile
	switch st.Provider {
	case Google:
		raw, _ := tok.Extra("id_token").(string)
		prof, err = p.oidc.verify(ctx, raw, st.Nonce)
	case Kakao:
		prof, err = s.kakaoProfile(ctx, p.cfg.ProfileURL, tok.AccessToken)
	case Naver:
		prof, err = s.naverProfile(ctx, p.cfg.ProfileURL, tok.AccessToken)
	}
	if err != nil {
		return Profile{}, fmt.Errorf("finish %s sign-in: %w", st.Provider, err)
	}
	prof.Provider = st.Provider
	prof.Email = strings.TrimSpace(prof.Email)
	prof.Name = strings.TrimSpace(prof.Name)
	if prof.Subject == "" {
		return Profile{}, fmt.Errorf("finish %s sign-in: profile without a subject: %w", st.Provider, ErrRejected)
	}
	return prof, nil
}

// tokenError describes a failed code exchange without the response body,
// which may echo the code. A refusal (an OAuth error code, or a 4xx) is
// ErrRejected; anything else (a network error, a 5xx) is returned as it is.
func tokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		if re.ErrorCode != "" || (status >= 400 && status < 500) {
			return fmt.Errorf("token endpoint answered %q (HTTP %d): %w", re.ErrorCode, status, ErrRejected)
		}
		return fmt.Errorf("token endpoint answered HTTP %d", status)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("token endpoint: %w", err)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// url.Error repeats the URL, which for a token request holds no
		// secret; keep the cause.
		return fmt.Errorf("token endpoint: %w", err)
	}
	// oauth2 reports a 200 without access_token this way.
	return fmt.Errorf("token endpoint: %v: %w", err, ErrRejected)
}
