package social

import (
	"context"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// oidcVerifier checks Google's ID tokens: RS256 signatures by the keys of
// the issuer's JWKS (found through discovery), issuer, audience, expiry and
// nonce. It caches the discovery document and the keys; an unknown key id
// fetches the keys again, as providers rotate them, at most once a minute.
type oidcVerifier struct {
	issuer   string
	clientID string
	client   *http.Client
	now      func() time.Time

	mu        sync.Mutex // guards the fields below
	doc       *discovery
	keys      map[string]*rsa.PublicKey
	fetchedAt time.Time
}

// discovery is the part of an OpenID Provider's configuration we use.
type discovery struct {
	Issuer   string `json:"issuer"`
	AuthURL  string `json:"authorization_endpoint"`
	TokenURL string `json:"token_endpoint"`
	JWKSURL  string `json:"jwks_uri"`
}

func newOIDCVerifier(issuer, clientID string, client *http.Client, now func() time.Time) *oidcVerifier {
	return &oidcVerifier{issuer: strings.TrimRight(issuer, "/"), clientID: clientID, client: client, now: now}
}

// discover returns the discovery document, fetching it on first use. A
// failure is not cached, so the next sign-in tries again.
func (v *oidcVerifier) discover(ctx context.Context) (*discovery, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.discoverLocked(ctx)
}

func (v *oidcVerifier) discoverLocked(ctx context.Context) (*discovery, error) {
	if v.doc != nil {
		return v.doc, nil
	}
	var doc discovery
	if err := getJSON(ctx, v.client, v.issuer+"/.well-known/openid-configuration", &doc); err != nil {
		return nil, fmt.Errorf("openid discovery: %w", err)
	}
	// OpenID Connect Discovery 1.0 §4.3: the document must name the issuer
	// it was fetched from, or tokens could be checked against the wrong one.
	if doc.Issuer != v.issuer {
		return nil, fmt.Errorf("openid discovery: issuer %q does not match %q", doc.Issuer, v.issuer)
	}
	if doc.JWKSURL == "" || doc.AuthURL == "" || doc.TokenURL == "" {
		return nil, errors.New("openid discovery: document lacks an endpoint")
	}
	v.doc = &doc
	return v.doc, nil
}

// key returns the public key with id kid, fetching the key set when it is
// not known yet.
func (v *oidcVerifier) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if k, ok := v.keys[kid]; ok {
		return k, nil
	}
	if v.keys != nil && v.now().Sub(v.fetchedAt) < time.Minute {
		return nil, fmt.Errorf("no signing key %q: %w", kid, ErrRejected)
	}
	doc, err := v.discoverLocked(ctx)
	if err != nil {
		return nil, err
	}
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			Use string `json:"use"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if err := getJSON(ctx, v.client, doc.JWKSURL, &set); err != nil {
		return nil, fmt.Errorf("fetch signing keys: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || (k.Use != "" && k.Use != "sig") {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
			continue
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	v.keys, v.fetchedAt = keys, v.now()
	if k, ok := keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("no signing key %q: %w", kid, ErrRejected)
}

// idClaims are the claims of Google's ID token that we read.
type idClaims struct {
	jwt.RegisteredClaims
	Nonce         string   `json:"nonce"`
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
// profile. Any failure to verify is ErrRejected; failing to fetch the keys
// is not.
func (v *oidcVerifier) verify(ctx context.Context, raw, nonce string) (Profile, error) {
	if raw == "" {
		return Profile{}, fmt.Errorf("token response without id_token: %w", ErrRejected)
	}
	var fetchErr error
	var c idClaims
	_, err := jwt.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, err := v.key(ctx, kid)
		if err != nil && !errors.Is(err, ErrRejected) {
			fetchErr = err
		}
		return k, err
	},
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithAudience(v.clientID),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(time.Minute),
		jwt.WithTimeFunc(v.now),
	)
	if fetchErr != nil {
		return Profile{}, fmt.Errorf("verify id token: %w", fetchErr)
	}
	if err != nil {
		return Profile{}, fmt.Errorf("verify id token: %v: %w", err, ErrRejected)
	}
	// Google's tokens name the issuer with or without the scheme.
	if c.Issuer != v.issuer && !(v.issuer == googleIssuer && c.Issuer == "accounts.google.com") {
		return Profile{}, fmt.Errorf("verify id token: issuer %q: %w", c.Issuer, ErrRejected)
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(c.Nonce), []byte(nonce)) != 1 {
		return Profile{}, fmt.Errorf("verify id token: nonce mismatch: %w", ErrRejected)
	}
	return Profile{
		Subject:       c.Subject,
		Email:         c.Email,
		EmailVerified: bool(c.EmailVerified) && c.Email != "",
		Name:          c.Name,
	}, nil
}

// maxBody caps what we read from a provider.
const maxBody = 1 << 20

// getJSON fetches url and decodes its JSON body into dst; anything but 200
// is an error.
func getJSON(ctx context.Context, client *http.Client, url string, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(dst); err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	return nil
}
