package apitoken

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// refreshBytes is the entropy of a refresh token.
const refreshBytes = 32

// Audit records the issue of a staff token in its transaction;
// *audit.Log implements it.
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// Service issues and checks API tokens. It is safe for concurrent use, in
// one process or across many that share the database.
type Service struct {
	d     *db.DB
	cfg   Config
	audit Audit
	now   func() time.Time
}

// New returns a Service on d that records staff tokens in log and reads
// the time from now (time.Now in app, a fake clock in tests). It returns an
// error when cfg is unusable: a signing key shorter than MinKeyBytes, no
// issuer, or lifetimes that do not nest (access < refresh <= family, for
// customers and for staff).
func New(d *db.DB, cfg Config, log Audit, now func() time.Time) (*Service, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if log == nil {
		return nil, errors.New("apitoken config: no audit log")
	}
	// The caller's slice could change under us.
	cfg.SigningKey = append([]byte(nil), cfg.SigningKey...)
	return &Service{d: d, cfg: cfg, audit: log, now: now}, nil
}

// Issue starts a family for userID, whose password the caller has just
// checked, and returns its first pair. client (user agent or app name) and
// ip (without port) are stored with the refresh token for the user's list
// of signed-in apps; both are cut to a safe length. It returns
// fault.ErrUnauthenticated when the user is unknown, inactive or deleted.
func (s *Service) Issue(ctx context.Context, userID int64, client, ip string) (Pair, error) {
	now := s.now().UTC()
	refresh, hash, err := newRefreshToken()
	if err != nil {
		return Pair{}, fmt.Errorf("issue api token for user %d: %w", userID, err)
	}
	familyEnd := now.Add(s.cfg.FamilyTTL)
	var familyID, ver int64
	err = s.d.InTx(ctx, func(q db.Querier) error {
		var err error
		if ver, err = activeSessionVersion(ctx, q, userID); err != nil {
			return err
		}
		if familyID, err = insertFamily(ctx, q, family{UserID: userID, SessionVersion: ver, CreatedAt: now, ExpiresAt: familyEnd}); err != nil {
			return err
		}
		return insertRefresh(ctx, q, refreshRow{
			FamilyID: familyID, Hash: hash, Client: clean(client, maxClientRunes), IP: clean(ip, maxIPRunes),
			CreatedAt: now, ExpiresAt: now.Add(s.cfg.RefreshTTL),
		})
	})
	if errors.Is(err, fault.ErrNotFound) {
		return Pair{}, fmt.Errorf("issue api token for user %d: %w", userID, errInvalid)
	}
	if err != nil {
		return Pair{}, fmt.Errorf("issue api token for user %d: %w", userID, err)
	}
	return s.pair(userID, familyID, ver, nil, refresh, now, familyEnd)
}

// StaffGrant is a staff member's sign-in for IssueStaff, after the caller
// checked their password and second factor.
type StaffGrant struct {
	// Actor is the staff member, with the client's address and user agent:
	// it is the audit entry's actor, and IP and UserAgent are stored with
	// the refresh token like Issue's client and ip.
	Actor audit.Actor
	// SessionVersion is the user's session version when the caller read
	// the rights Scopes come from. If it has moved on (a role change, a
	// password change, "sign out everywhere"), the rights may have changed
	// and the grant is refused.
	SessionVersion int64
	// Scopes are the staff permissions granted, each a word of printable
	// ASCII without spaces or quotes; none is allowed.
	Scopes []string
}

// IssueStaff starts a staff family for g.Actor.UserID carrying g.Scopes and
// returns its first pair, and records "apitoken.staff_issued" (the scopes,
// the family and its end) in the audit log in the same transaction. The
// family's refresh tokens last Config.StaffRefreshTTL and the family
// Config.StaffFamilyTTL. It returns fault.ErrUnauthenticated when the user
// is unknown, inactive, deleted or no longer at g.SessionVersion. It does
// not check the role: the caller decided that the user is staff and passed
// the second factor.
func (s *Service) IssueStaff(ctx context.Context, g StaffGrant) (Pair, error) {
	userID := g.Actor.UserID
	scopes, err := scopeText(g.Scopes)
	if err != nil {
		return Pair{}, fmt.Errorf("issue staff api token for user %d: %w", userID, err)
	}
	now := s.now().UTC()
	refresh, hash, err := newRefreshToken()
	if err != nil {
		return Pair{}, fmt.Errorf("issue staff api token for user %d: %w", userID, err)
	}
	familyEnd := now.Add(s.cfg.StaffFamilyTTL)
	var familyID int64
	err = s.d.InTx(ctx, func(q db.Querier) error {
		ver, err := activeSessionVersion(ctx, q, userID)
		if err != nil {
			return err
		}
		if ver != g.SessionVersion {
			return fmt.Errorf("user %d at session version %d, not %d: %w", userID, ver, g.SessionVersion, fault.ErrNotFound)
		}
		familyID, err = insertFamily(ctx, q, family{UserID: userID, SessionVersion: ver, Staff: true, Scopes: scopes,
			CreatedAt: now, ExpiresAt: familyEnd})
		if err != nil {
			return err
		}
		err = insertRefresh(ctx, q, refreshRow{
			FamilyID: familyID, Hash: hash, Client: clean(g.Actor.UserAgent, maxClientRunes), IP: clean(g.Actor.IP, maxIPRunes),
			CreatedAt: now, ExpiresAt: minTime(now.Add(s.cfg.StaffRefreshTTL), familyEnd),
		})
		if err != nil {
			return err
		}
		// The scopes as a list, so the log reads the same as the
		// permissions of a role change.
		return s.audit.Record(ctx, q, g.Actor.Entry("apitoken.staff_issued", "user", strconv.FormatInt(userID, 10),
			map[string]any{"scopes": strings.Join(g.Scopes, ","), "family_id": familyID, "expires_at": familyEnd}))
	})
	if errors.Is(err, fault.ErrNotFound) {
		return Pair{}, fmt.Errorf("issue staff api token for user %d: %w", userID, errInvalid)
	}
	if err != nil {
		return Pair{}, fmt.Errorf("issue staff api token for user %d: %w", userID, err)
	}
	return s.pair(userID, familyID, g.SessionVersion, parseScopes(scopes), refresh, now, familyEnd)
}

// Refresh exchanges refreshToken for a new pair of the same family and
// rotates it out: it works once. Presenting a rotated token again revokes
// the family (every token of the sign-in, the newest included) and returns
// ErrReused, which is also fault.ErrUnauthenticated; this holds for
// concurrent calls too, so of two refreshes racing with one token exactly
// one gets a pair, and that pair is then revoked as well. An unknown,
// expired or revoked token, or a user who is no longer active or whose
// session version has changed since sign-in, gives fault.ErrUnauthenticated.
func (s *Service) Refresh(ctx context.Context, refreshToken, client, ip string) (Pair, error) {
	hash, ok := hashRefresh(refreshToken)
	if !ok {
		return Pair{}, fmt.Errorf("refresh api token: %w", errInvalid)
	}
	now := s.now().UTC()
	next, nextHash, err := newRefreshToken()
	if err != nil {
		return Pair{}, fmt.Errorf("refresh api token: %w", err)
	}
	var (
		l       live
		reused  refreshState
		refusal error
	)
	// A reuse must commit the revocation yet fail the call, so refusals
	// travel beside the transaction's error: the function returns an error
	// only to roll back.
	err = s.d.InTx(ctx, func(q db.Querier) error {
		won, err := markUsed(ctx, q, hash, now)
		if err != nil {
			return err
		}
		if !won {
			st, err := refreshByHash(ctx, q, hash)
			switch {
			case errors.Is(err, fault.ErrNotFound):
				refusal = errInvalid
				return nil
			case err != nil:
				return err
			case !st.UsedAt.Valid: // expired, never used
				refusal = errInvalid
				return nil
			}
			reused, refusal = st, ErrReused
			return revokeFamily(ctx, q, st.FamilyID, now)
		}
		if l, err = liveRefresh(ctx, q, hash, now); err != nil {
			// Roll back: a token of a dead family stays unused, so a later
			// attempt with it is refused the same way instead of as a reuse.
			return err
		}
		ttl := s.cfg.RefreshTTL
		if l.Staff {
			ttl = s.cfg.StaffRefreshTTL
		}
		return insertRefresh(ctx, q, refreshRow{
			FamilyID: l.FamilyID, Hash: nextHash, ParentID: l.ID,
			Client: clean(client, maxClientRunes), IP: clean(ip, maxIPRunes),
			CreatedAt: now, ExpiresAt: minTime(now.Add(ttl), l.FamilyExpires),
		})
	})
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return Pair{}, fmt.Errorf("refresh api token: %w", errInvalid)
	case err != nil:
		return Pair{}, fmt.Errorf("refresh api token: %w", err)
	case errors.Is(refusal, ErrReused):
		return Pair{}, fmt.Errorf("refresh api token of user %d, family %d: %w", reused.UserID, reused.FamilyID, ErrReused)
	case refusal != nil:
		return Pair{}, fmt.Errorf("refresh api token: %w", refusal)
	}
	return s.pair(l.UserID, l.FamilyID, l.SessionVersion, parseScopes(l.Scopes), next, now, l.FamilyExpires)
}

// Revoke ends the family of refreshToken, for logout: every refresh and
// access token of that sign-in stops working. Any token of the family will
// do, even a rotated or expired one, and revoking twice is not an error. An
// unknown token gives fault.ErrUnauthenticated.
func (s *Service) Revoke(ctx context.Context, refreshToken string) error {
	hash, ok := hashRefresh(refreshToken)
	if !ok {
		return fmt.Errorf("revoke api token: %w", errInvalid)
	}
	found, err := revokeFamilyOf(ctx, s.d.Write(), hash, s.now().UTC())
	if err != nil {
		return fmt.Errorf("revoke api token: %w", err)
	}
	if !found {
		return fmt.Errorf("revoke api token: %w", errInvalid)
	}
	return nil
}

// RevokeUser ends every family of userID on q, so that it commits or rolls
// back with the caller's transaction: call it where a password is changed or
// an account deleted or deactivated. (Bumping users.session_version alone
// already stops the user's tokens; this also records when, and keeps the
// families revoked should the version ever match again.)
func (s *Service) RevokeUser(ctx context.Context, q db.Querier, userID int64) error {
	if err := revokeUserFamilies(ctx, q, userID, s.now().UTC()); err != nil {
		return fmt.Errorf("revoke api tokens: %w", err)
	}
	return nil
}

// Prune deletes refresh tokens and families that ended at or before before
// and returns how many rows it deleted. A token ends when it expires, a
// family when it expires, is revoked, or has no unexpired token left. Pass
// a time well in the past (a week ago, say): a rotated token is only
// recognised as reused while its row exists, and revoked families stay
// visible to support until then.
func (s *Service) Prune(ctx context.Context, before time.Time) (int64, error) {
	before = before.UTC()
	var n int64
	err := s.d.InTx(ctx, func(q db.Querier) error {
		tokens, err := deleteEndedRefresh(ctx, q, before)
		if err != nil {
			return err
		}
		families, err := deleteEndedFamilies(ctx, q, before)
		if err != nil {
			return err
		}
		n = tokens + families
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune api tokens: %w", err)
	}
	return n, nil
}

// pair signs an access token for the family and packs it with refresh and
// the family's scopes. The access token never outlives its family.
func (s *Service) pair(userID, familyID, ver int64, scopes []string, refresh string, now, familyEnd time.Time) (Pair, error) {
	exp := minTime(now.Add(s.cfg.AccessTTL), familyEnd).Truncate(time.Second)
	access, err := s.sign(userID, familyID, ver, now, exp)
	if err != nil {
		return Pair{}, err
	}
	return Pair{AccessToken: access, RefreshToken: refresh, ExpiresIn: exp.Sub(now.Truncate(time.Second)), Scopes: scopes}, nil
}

// newRefreshToken returns a random refresh token and its stored hash.
func newRefreshToken() (token, hash string, err error) {
	b := make([]byte, refreshBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("random refresh token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	h, _ := hashRefresh(token)
	return token, h, nil
}

// hashRefresh is the stored form of a refresh token: its SHA-256 in hex.
// ok is false for anything that cannot be a refresh token, which is refused
// without a query.
func hashRefresh(token string) (hash string, ok bool) {
	if len(token) != base64.RawURLEncoding.EncodedLen(refreshBytes) {
		return "", false
	}
	return crypt.Digest(token), true
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
