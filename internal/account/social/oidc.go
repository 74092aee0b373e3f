package social

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// oidcVerifier checks Google's ID tokens with github.com/coreos/go-oidc:
// discovery of the issuer's endpoints and keys, RS256 signatures by the
// keys of its JWKS (refetched when a token names an unknown key, as
// providers rotate them), issuer, audience and expiry. The nonce is ours to
// check. The provider is discovered on first use and kept; a failed
// discovery is not kept, so the next sign-in tries again.
type oidcVerifier struct {
	issuer   string
	clientID string
	client   *http.Client
	now      func() time.Time

	mu       sync.Mutex // guards the fields below
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

// discovery is the part of an OpenID Provider's configuration we use.
type discovery struct {
	AuthURL  string
	TokenURL string
}

func newOIDCVerifier(issuer, clientID string, client *http.Client, now func() time.Time) *oidcVerifier {
	return &oidcVerifier{issuer: strings.TrimRight(issuer, "/"), clientID: clientID, client: client, now: now}
}

// discover returns the provider's endpoints, fetching its discovery
// document on first use. go-oidc refuses a document that names another
// issuer than the one it was fetched from (OpenID Connect Discovery §4.3).
func (v *oidcVerifier) discover(ctx context.Context) (*discovery, error) {
	p, _, err := v.load(ctx)
	if err != nil {
		return nil, err
	}
	ep := p.Endpoint()
	if ep.AuthURL == "" || ep.TokenURL == "" {
		return nil, errors.New("openid discovery: document lacks an endpoint")
	}
	return &discovery{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL}, nil
}

func (v *oidcVerifier) load(ctx context.Context) (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.provider != nil {
		return v.provider, v.verifier, nil
	}
	// The key set fetches keys later with the client of this context, so
	// it must not carry the request's deadline: only the client.
	pctx := oidc.ClientContext(context.WithoutCancel(ctx), v.client)
	p, err := oidc.NewProvider(pctx, v.issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("openid discovery: %w", err)
	}
	v.provider = p
	v.verifier = p.Verifier(&oidc.Config{ClientID: v.clientID, SupportedSigningAlgs: []string{oidc.RS256}, Now: v.now})
	return v.provider, v.verifier, nil
}

// idClaims are the claims of Google's ID token that we read besides the
// ones go-oidc checks.
type idClaims struct {
	Email         string   `json:"email"`
	EmailVerified flexBool `json:"email_verified"`
	Name          string   `json:"name"`
}

// flexBool reads true and "true": Google has sent email_verified both ways.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	switch string(data) {
	case `true`, `"true"`:
		*b = true
	case `false`, `"false"`, `null`:
		*b = false
	default:
		return fmt.Errorf("email_verified: unexpected %s", data)
	}
	return nil
}

// verify checks raw, the ID token of a code exchange, and returns its
// profile. Any failure to verify is ErrRejected; failing to reach the
// provider is not.
func (v *oidcVerifier) verify(ctx context.Context, raw, nonce string) (Profile, error) {
	if raw == "" {
		return Profile{}, fmt.Errorf("token response without id_token: %w", ErrRejected)
	}
	_, verifier, err := v.load(ctx)
	if err != nil {
		return Profile{}, fmt.Errorf("verify id token: %w", err)
	}
	tok, err := verifier.Verify(oidc.ClientContext(ctx, v.client), raw)
	if err != nil {
		return Profile{}, fmt.Errorf("verify id token: %v: %w", err, ErrRejected)
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(tok.Nonce), []byte(nonce)) != 1 {
		return Profile{}, fmt.Errorf("verify id token: nonce mismatch: %w", ErrRejected)
	}
	var c idClaims
	if err := tok.Claims(&c); err != nil {
		return Profile{}, fmt.Errorf("verify id token: claims: %v: %w", err, ErrRejected)
	}
	return Profile{
		Subject:       tok.Subject,
		Email:         c.Email,
		EmailVerified: bool(c.EmailVerified) && c.Email != "",
		Name:          c.Name,
	}, nil
}
