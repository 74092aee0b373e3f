// Package account holds the shop's users — customers and staff — and their
// passwords (argon2id). The foundation provides what `mallang createadmin`
// and the demo shop need; sign-up, sessions and the rest build on it.
package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Role says what a user may do.
type Role string

// Roles.
const (
	Customer  Role = "customer"
	Staff     Role = "staff"
	Superuser Role = "superuser"
)

// MinPasswordRunes is the shortest password accepted.
const MinPasswordRunes = 10

// User is an account.
type User struct {
	ID        int64     `db:"id"`
	Email     string    `db:"email"`
	Name      string    `db:"name"`
	Role      Role      `db:"role"`
	Active    bool      `db:"active"`
	CreatedAt time.Time `db:"created_at"`
}

// Service manages accounts.
type Service struct {
	d   *db.DB
	now func() time.Time
	log *slog.Logger
}

// NewService returns the account service.
func NewService(d *db.DB, now func() time.Time, log *slog.Logger) *Service {
	return &Service{d: d, now: now, log: log}
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
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		v.Add("email", "is not a valid email address")
	}
	if utf8.RuneCountInString(name) > 100 {
		v.Add("name", "must be at most 100 characters")
	}
	if n := utf8.RuneCountInString(password); n < MinPasswordRunes {
		v.Add("password", fmt.Sprintf("must be at least %d characters", MinPasswordRunes))
	} else if n > 256 {
		v.Add("password", "must be at most 256 characters")
	}
	if err := v.Err(); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	now := s.now().UTC()
	var u User
	err = s.d.InTx(ctx, func(q db.Querier) error {
		res, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET name = ?, password_hash = ?, role = ?, active = TRUE, updated_at = ?
			WHERE email = ? AND deleted_at IS NULL`), name, hash, Superuser, now, email)
		if err != nil {
			return fmt.Errorf("update user %s: %w", email, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("update user %s: %w", email, err)
		} else if n == 0 {
			if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO users (email, name, password_hash, role, active, created_at, updated_at)
				VALUES (?, ?, ?, ?, TRUE, ?, ?)`), email, name, hash, Superuser, now, now); err != nil {
				return fmt.Errorf("insert user %s: %w", email, err)
			}
		}
		return q.GetContext(ctx, &u, q.Rebind(`SELECT id, email, name, role, active, created_at FROM users WHERE email = ?`), email)
	})
	if err != nil {
		return User{}, fmt.Errorf("create superuser: %w", err)
	}
	s.log.InfoContext(ctx, "superuser saved", "user_id", u.ID)
	return u, nil
}

// Authenticate returns the active user with email and password, or
// fault.ErrUnauthenticated (a database failure is returned as itself). It spends the same hashing time whether or not
// the address exists, so answers do not reveal accounts.
func (s *Service) Authenticate(ctx context.Context, email, password string) (User, error) {
	email = NormalizeEmail(email)
	var row struct {
		User
		Hash string `db:"password_hash"`
	}
	err := s.d.Read().GetContext(ctx, &row, s.d.Read().Rebind(
		`SELECT id, email, name, role, active, created_at, password_hash FROM users WHERE email = ? AND deleted_at IS NULL`), email)
	if errors.Is(err, sql.ErrNoRows) {
		_, _ = CheckPassword(dummyHash, password)
		return User{}, fault.ErrUnauthenticated
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	ok, err := CheckPassword(row.Hash, password)
	if err != nil || !ok || !row.Active {
		return User{}, fault.ErrUnauthenticated
	}
	return row.User, nil
}

// dummyHash is checked against when an address is unknown, to even out time.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$2Yt2Jx8yNoTSYxkPMaXr3Xk4u2q2j3JqkY+3xeLE1ZA"
