package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Permission is one thing a staff member may be allowed to do.
type Permission string

// The staff permissions. A superuser has all of them.
const (
	PermCatalog   Permission = "catalog"   // products, categories, stock
	PermOrders    Permission = "orders"    // orders, shipments, refunds
	PermCustomers Permission = "customers" // customer accounts and their data
	PermContent   Permission = "content"   // pages, banners, reviews
	PermMail      Permission = "mail"      // the outbox of sent mail
	PermSecurity  Permission = "security"  // honeypot blocks, audit log, staff 2FA resets
	PermSettings  Permission = "settings"  // the shop's settings, business information, legal pages
	PermStats     Permission = "stats"     // sales and member statistics
)

// AllPermissions lists every permission in display order.
var AllPermissions = []Permission{PermCatalog, PermOrders, PermCustomers, PermContent, PermMail, PermSecurity, PermSettings, PermStats}

// Permissions is a staff member's permission set.
type Permissions []Permission

// ParsePermissions reads the stored comma-separated form, dropping names
// this version does not know.
func ParsePermissions(s string) Permissions {
	var ps Permissions
	for _, f := range strings.Split(s, ",") {
		p := Permission(strings.TrimSpace(f))
		for _, known := range AllPermissions {
			if p == known {
				ps = append(ps, p)
				break
			}
		}
	}
	return ps
}

// String is the stored form.
func (ps Permissions) String() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = string(p)
	}
	return strings.Join(parts, ",")
}

// Can is the one place that decides what a user may do in the back office:
// a superuser may do everything, a staff member what their permission set
// holds, and nobody else anything.
func (u User) Can(p Permission) bool {
	if !u.Active {
		return false
	}
	switch u.Role {
	case Superuser:
		return true
	case Staff:
		for _, have := range u.Permissions {
			if have == p {
				return true
			}
		}
	}
	return false
}

// userRow is a users row as read, with the password hash that only
// authentication may look at.
type userRow struct {
	User
	hash string
}

// userColumns selects userScan from users.
const userColumns = "id, email, name, role, active, phone_enc, marketing_consent_at, email_verified_at, " +
	"session_version, permissions, password_hash, created_at, last_login_at, blocked_at, blocked_reason, " +
	"birth_month, birth_day, birth_year_enc, dormant_at"

// userScan is a users row as the database hands it over.
type userScan struct {
	ID          int64        `db:"id"`
	Email       string       `db:"email"`
	Name        string       `db:"name"`
	Role        string       `db:"role"`
	Active      bool         `db:"active"`
	PhoneEnc    string       `db:"phone_enc"`
	Consent     sql.NullTime `db:"marketing_consent_at"`
	Verified    sql.NullTime `db:"email_verified_at"`
	Version     int64        `db:"session_version"`
	Permissions string       `db:"permissions"`
	Hash        string       `db:"password_hash"`
	CreatedAt   sql.NullTime `db:"created_at"`
	LastLogin   sql.NullTime `db:"last_login_at"`
	BlockedAt   sql.NullTime `db:"blocked_at"`
	Blocked     string       `db:"blocked_reason"`
	birthScan
	DormantAt sql.NullTime `db:"dormant_at"`
}

// userWhere reads the one user matching where (an SQL condition with ?
// placeholders), or fault.ErrNotFound. The phone number is decrypted.
func (s *Service) userWhere(ctx context.Context, q db.Querier, where string, args ...any) (userRow, error) {
	var r userScan
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT `+userColumns+` FROM users WHERE `+where), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return userRow{}, fault.ErrNotFound
	}
	if err != nil {
		return userRow{}, fmt.Errorf("read user: %w", err)
	}
	return s.userRow(r)
}

// userRow turns a scanned row into the account, decrypting the phone
// number.
func (s *Service) userRow(r userScan) (userRow, error) {
	u := User{
		ID: r.ID, Email: r.Email, Name: r.Name, Role: Role(r.Role), Active: r.Active,
		SessionVersion: r.Version, Permissions: ParsePermissions(r.Permissions),
		HasPassword: r.Hash != "", CreatedAt: r.CreatedAt.Time.UTC(),
	}
	if r.Consent.Valid {
		u.MarketingConsentAt = r.Consent.Time.UTC()
	}
	if r.Verified.Valid {
		u.EmailVerifiedAt = r.Verified.Time.UTC()
	}
	if r.LastLogin.Valid {
		u.LastLoginAt = r.LastLogin.Time.UTC()
	}
	if r.BlockedAt.Valid {
		u.BlockedAt, u.BlockedReason = r.BlockedAt.Time.UTC(), r.Blocked
	}
	if r.DormantAt.Valid {
		u.DormantAt = r.DormantAt.Time.UTC()
	}
	if r.PhoneEnc != "" {
		phone, err := phoneColumn.Decrypt(s.opt.Keyring, r.ID, r.PhoneEnc)
		if err != nil {
			return userRow{}, fmt.Errorf("read user %d: phone: %w", r.ID, err)
		}
		u.Phone = phone
	}
	b, err := s.birthday(r)
	if err != nil {
		return userRow{}, err
	}
	u.Birthday = b
	return userRow{User: u, hash: r.Hash}, nil
}

// User returns the account with id, deleted or not active included, or
// fault.ErrNotFound.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	r, err := s.userWhere(ctx, s.d.Read(), `id = ? AND deleted_at IS NULL`, id)
	return r.User, err
}

// Contact returns the address and name to mail user id at, read on q (the
// transaction of the change a mail tells of), or fault.ErrNotFound for a
// user who is gone. It is notify.Contacts.
func (s *Service) Contact(ctx context.Context, q db.Querier, id int64) (email, name string, err error) {
	r, err := s.userWhere(ctx, q, `id = ? AND deleted_at IS NULL`, id)
	if err != nil {
		return "", "", fmt.Errorf("contact of user %d: %w", id, err)
	}
	return r.Email, r.Name, nil
}

// SessionUser returns the user a browser session belongs to, or
// fault.ErrUnauthenticated when the account is gone, inactive, blocked, dormant, or its
// sessions were ended after the session began (version differs).
func (s *Service) SessionUser(ctx context.Context, id, version int64) (User, error) {
	u, err := s.User(ctx, id)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && (!u.Active || u.SessionVersion != version || !u.BlockedAt.IsZero() || !u.DormantAt.IsZero())) {
		return User{}, fault.ErrUnauthenticated
	}
	return u, err
}

// phoneColumn holds the encrypted phone number, bound to its user.
var phoneColumn = crypt.Column{Table: "users", IDColumn: "id", Column: "phone_enc"}

// EncryptedColumns are the users columns internal/crypt encrypts, for
// `mallang rotate-keys`.
func EncryptedColumns() []crypt.Column {
	return []crypt.Column{phoneColumn, birthYearColumn, dormantColumn}
}
