// Package account holds the shop's users — customers, sellers and staff:
// sign-up with an emailed one-time link, login with rate limits and a lock
// notice, password reset and change, profile (the phone number encrypted),
// deletion with anonymisation, roles and staff permissions. Passwords are
// argon2id. Sessions live in the web layer (scs, stored by this package's
// SessionStore); API tokens, addresses, social login and two-factor codes are
// the sub-packages.
package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/ratelimit"
	"github.com/mallang/mallang/internal/wiring"
)

// Role says what a user may do.
type Role string

// Roles. A seller applicant has asked to sell and waits for staff; a seller
// is approved. Staff act within their Permissions; a superuser may do
// everything.
const (
	Customer        Role = "customer"
	SellerApplicant Role = "seller_applicant"
	Seller          Role = "seller"
	Staff           Role = "staff"
	Superuser       Role = "superuser"
)

// IsStaff reports whether r may enter the back office.
func (r Role) IsStaff() bool { return r == Staff || r == Superuser }

// MinPasswordRunes is the shortest password accepted.
const MinPasswordRunes = 10

// User is an account.
type User struct {
	ID                 int64
	Email              string
	Name               string
	Role               Role
	Active             bool
	Phone              string    // E.164, decrypted; "" when not given
	MarketingConsentAt time.Time // zero when the user has not agreed
	EmailVerifiedAt    time.Time // zero until the first link is opened
	SessionVersion     int64     // changes when every session must end
	Permissions        Permissions
	HasPassword        bool // false for accounts made by social login
	CreatedAt          time.Time
	LastLoginAt        time.Time
	// BlockedAt is when staff blocked the account (zero when not), and
	// BlockedReason what they told the customer; see Block.
	BlockedAt     time.Time
	BlockedReason string
	// Birthday is what the customer gave; zero when nothing.
	Birthday Birthday
	// DormantAt is when the account went dormant (zero when it is not):
	// its personal data is set apart and it cannot sign in until its owner
	// opens an emailed link (dormant.go).
	DormantAt time.Time
}

// Mailer renders a message under the shop's current name, and stores one
// and enqueues its delivery in q's transaction; *notify.Outbox implements
// it.
type Mailer interface {
	Render(ctx context.Context, tmpl notify.Template, data any) (notify.Message, error)
	Send(ctx context.Context, q db.Querier, m notify.Message) error
}

// Limiter counts attempts; *ratelimit.Limiter implements it.
type Limiter interface {
	Hit(ctx context.Context, l ratelimit.Limit, key string) (ratelimit.Decision, error)
	Check(ctx context.Context, l ratelimit.Limit, key string) (ratelimit.Decision, error)
	Reset(ctx context.Context, l ratelimit.Limit, key string) error
}

// Blocklist says whether an IP address may use login forms at all;
// *honeypot.Trap implements it.
type Blocklist interface {
	Blocked(ctx context.Context, ip string) (bool, error)
}

// TokenRevoker ends a user's API tokens in the transaction that ends their
// sessions (a password change or reset, new rights, a deleted account);
// *apitoken.Service implements it.
type TokenRevoker interface {
	RevokeUser(ctx context.Context, q db.Querier, userID int64) error
}

// UserData deletes what another capability keeps about a user in the
// transaction that deletes the account; *address.Service (the address
// book) and *social.Service (social identities) implement it.
type UserData interface {
	DeleteAllForUser(ctx context.Context, q db.Querier, userID int64) error
}

// Audit records a staff change in the transaction that makes it;
// *audit.Log implements it.
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// SecondFactor checks a staff member's second-factor code and removes
// their second factor in the caller's transaction; *twofactor.Service
// implements it.
type SecondFactor interface {
	// Verify accepts code once, or returns an error wrapping
	// fault.ErrUnauthenticated (twofactor.ErrNotEnabled when the user has
	// no app). It counts nothing: CheckSecondFactor does.
	Verify(ctx context.Context, userID int64, code string) error
	Reset(ctx context.Context, q db.Querier, userID int64) error
}

// Options are the collaborators and settings of the service. Every
// collaborator is required; the settings have defaults.
type Options struct {
	// BaseURL makes the links in mail absolute ("https://shop.example").
	BaseURL string
	// Keyring encrypts phone numbers.
	Keyring *crypt.Keyring
	// Mailer sends verification, reset and notice mail.
	Mailer Mailer
	// Limiter counts failed logins, wrong second-factor codes and link
	// requests.
	Limiter Limiter
	// Blocklist refuses logins from IPs the honeypot caught.
	Blocklist Blocklist
	// VerifyTTL and ResetTTL bound the one-time links; 48 h and 1 h.
	VerifyTTL time.Duration
	ResetTTL  time.Duration
	// Tokens are ended with the user's sessions; required.
	Tokens TokenRevoker
	// Addresses and Identities are deleted with the account, after its
	// sessions and tokens end; required.
	Addresses  UserData
	Identities UserData
	// Audit records the changes staff make (SetRole, ResetSecondFactor)
	// and SecondFactor checks and resets a staff member's second factor.
	Audit        Audit
	SecondFactor SecondFactor
	// Dormant sets apart and gives back the personal data other
	// capabilities keep (the address book) when an account goes dormant
	// and wakes; required.
	Dormant PersonalData
	// Legal gives the versions of the terms and the privacy policy in
	// force, which a sign-up records as agreed to (internal/settings);
	// nil records only the versions the sign-up names.
	Legal LegalVersions
}

// LegalVersions gives the versions of the terms of use and the privacy
// policy in force now; 0 for one never published.
type LegalVersions interface {
	LegalInForce(ctx context.Context) (terms, privacy int64, err error)
}

// Service manages accounts.
type Service struct {
	d       *db.DB
	opt     Options
	now     func() time.Time
	log     *slog.Logger
	hashing hashing
}

// NewService returns the account service.
//
// It panics when a collaborator is missing: a wiring mistake every start
// would show.
func NewService(d *db.DB, opt Options, now func() time.Time, log *slog.Logger) *Service {
	if m := wiring.Missing("Keyring", opt.Keyring, "Mailer", opt.Mailer, "Limiter", opt.Limiter,
		"Blocklist", opt.Blocklist, "Tokens", opt.Tokens, "Addresses", opt.Addresses, "Identities", opt.Identities,
		"Audit", opt.Audit, "SecondFactor", opt.SecondFactor, "Dormant", opt.Dormant); len(m) > 0 {
		panic("account: NewService without " + strings.Join(m, ", "))
	}
	if opt.VerifyTTL <= 0 {
		opt.VerifyTTL = 48 * time.Hour
	}
	if opt.ResetTTL <= 0 {
		opt.ResetTTL = time.Hour
	}
	opt.BaseURL = strings.TrimRight(opt.BaseURL, "/")
	if log == nil {
		panic("account: NewService without a logger")
	}
	return &Service{d: d, opt: opt, now: now, log: log, hashing: newHashing(runtime.GOMAXPROCS(0))}
}

// NormalizeEmail trims and lower-cases an address, so one mailbox is one
// account whatever case it was typed in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CreateSuperuser creates an active superuser, or, when the address already
// has an account, makes it an active superuser with the new password. It
// returns *fault.Invalid for a bad address, name or password.
func (s *Service) CreateSuperuser(ctx context.Context, email, name, password string) (User, error) {
	email = NormalizeEmail(email)
	name = strings.TrimSpace(name)
	v := &fault.Invalid{}
	checkEmail(v, email)
	if utf8.RuneCountInString(name) > maxNameRunes {
		v.Add("name", "must be at most 100 characters")
	}
	checkPassword(v, "password", password, email)
	if err := v.Err(); err != nil {
		return User{}, err
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return User{}, err
	}
	now := s.now().UTC()
	var u User
	err = s.d.InTx(ctx, func(q db.Querier) error {
		res, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET name = ?, password_hash = ?, role = ?, active = TRUE,
			email_verified_at = COALESCE(email_verified_at, ?), session_version = session_version + 1, updated_at = ?
			WHERE email = ? AND deleted_at IS NULL`), name, hash, Superuser, now, now, email)
		if err != nil {
			return fmt.Errorf("update user %s: %w", email, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("update user %s: %w", email, err)
		} else if n == 0 {
			if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO users (email, name, password_hash, role, active, email_verified_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, TRUE, ?, ?, ?)`), email, name, hash, Superuser, now, now, now); err != nil {
				return fmt.Errorf("insert user %s: %w", email, err)
			}
		}
		row, err := s.userWhere(ctx, q, `email = ? AND deleted_at IS NULL`, email)
		u = row.User
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("create superuser: %w", err)
	}
	s.unlock(ctx, u.Email)
	s.log.InfoContext(ctx, "superuser saved", "user_id", u.ID)
	return u, nil
}

// Authenticate returns the active user with email and password, or
// fault.ErrUnauthenticated (a database failure is returned as itself); a
// blocked account with the right password gives its *BlockedError, a
// dormant one its *DormantError. It
// spends the same hashing time whether or not the address exists, so answers
// do not reveal accounts. It applies no rate limit: Login does.
func (s *Service) Authenticate(ctx context.Context, email, password string) (User, error) {
	email = NormalizeEmail(email)
	row, err := s.userWhere(ctx, s.d.Read(), `email = ? AND deleted_at IS NULL`, email)
	u, hash := row.User, row.hash
	if errors.Is(err, fault.ErrNotFound) {
		if _, err := s.checkPassword(ctx, dummyHash, password); err != nil {
			return User{}, err
		}
		return User{}, fault.ErrUnauthenticated
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	if hash == "" {
		hash = dummyHash
	}
	ok, err := s.checkPassword(ctx, hash, password)
	if err != nil {
		return User{}, err
	}
	if !ok || hash == dummyHash || !u.Active {
		return User{}, fault.ErrUnauthenticated
	}
	if !u.BlockedAt.IsZero() {
		return User{}, &BlockedError{UserID: u.ID, Reason: u.BlockedReason}
	}
	if !u.DormantAt.IsZero() {
		return User{}, &DormantError{UserID: u.ID, Since: u.DormantAt}
	}
	return u, nil
}

// dummyHash is checked against when an address is unknown, to even out time.
// Its parameters are those of new hashes.
const dummyHash = "$argon2id$v=19$m=12288,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$JnWeuxMEBcsNnlKqoXZM2MI9uZaOlhX1TFk6/+Pid1c"
