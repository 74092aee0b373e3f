package apitoken

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mallang/mallang/internal/fault"
)

// accessClaims is the JSON payload of an access token.
type accessClaims struct {
	jwt.RegisteredClaims
	SID string `json:"sid"`
	Ver int64  `json:"ver"`
}

// sign returns an HS256 access token for the family, valid from now until
// exp.
func (s *Service) sign(userID, familyID, ver int64, now, exp time.Time) (string, error) {
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", fmt.Errorf("random token id: %w", err)
	}
	c := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.cfg.Issuer,
			Subject:   strconv.FormatInt(userID, 10),
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        base64.RawURLEncoding.EncodeToString(jti),
		},
		SID: strconv.FormatInt(familyID, 10),
		Ver: ver,
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.cfg.SigningKey)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return tok, nil
}

// Verify checks an access token and returns its claims. The token must be
// signed with HS256 under the configured key (any other algorithm, "none"
// included, is refused), unexpired, issued by Config.Issuer for Audience;
// then one query checks that its family is neither revoked nor expired and
// that its user is active, not deleted, and still at the session version the
// token carries; the claims then carry the family's Staff and Scopes. Every refusal is the same fault.ErrUnauthenticated, naming
// no reason; a database failure is returned as itself (a server error, not
// a reason to sign the client out).
func (s *Service) Verify(ctx context.Context, token string) (Claims, error) {
	var c accessClaims
	_, err := jwt.ParseWithClaims(token, &c, s.key,
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(s.cfg.Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(s.now),
	)
	if err != nil {
		return Claims{}, fmt.Errorf("verify access token: %w", errInvalid)
	}
	cl, ok := c.claims()
	if !ok {
		return Claims{}, fmt.Errorf("verify access token: %w", errInvalid)
	}
	g, err := liveFamily(ctx, s.d.Read(), cl.FamilyID, cl.UserID, cl.SessionVersion, s.now().UTC())
	if errors.Is(err, fault.ErrNotFound) {
		return Claims{}, fmt.Errorf("verify access token: %w", errInvalid)
	}
	if err != nil {
		return Claims{}, fmt.Errorf("verify access token: %w", err)
	}
	cl.Staff, cl.Scopes = g.Staff, parseScopes(g.Scopes)
	return cl, nil
}

// key gives the parser the signing key, for HS256 only: the parser has
// already refused other algorithms, and checking again here keeps a
// mistake in the options from turning the key into, say, an RSA "public
// key".
func (s *Service) key(t *jwt.Token) (any, error) {
	if t.Method != jwt.SigningMethodHS256 {
		return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
	}
	return s.cfg.SigningKey, nil
}

// claims converts the payload, reporting false when a claim the service
// relies on is missing or malformed.
func (c accessClaims) claims() (Claims, bool) {
	userID, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || userID <= 0 {
		return Claims{}, false
	}
	familyID, err := strconv.ParseInt(c.SID, 10, 64)
	if err != nil || familyID <= 0 {
		return Claims{}, false
	}
	if c.Ver <= 0 || c.ID == "" || c.IssuedAt == nil || c.ExpiresAt == nil {
		return Claims{}, false
	}
	return Claims{
		UserID:         userID,
		FamilyID:       familyID,
		SessionVersion: c.Ver,
		TokenID:        c.ID,
		IssuedAt:       c.IssuedAt.UTC(),
		ExpiresAt:      c.ExpiresAt.UTC(),
	}, true
}
