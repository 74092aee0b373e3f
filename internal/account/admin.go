package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// This file holds what the back office does to accounts: list and search
// them, change a role and its permissions, reset a staff member's second
// factor.

// ErrLastSuperuser means a change would leave the shop without an active
// superuser, and nobody could manage staff any more. It wraps
// fault.ErrConflict.
var ErrLastSuperuser = fmt.Errorf("the last active superuser keeps the role: %w", fault.ErrConflict)

// Roles lists every role in display order.
var Roles = []Role{Customer, SellerApplicant, Seller, Staff, Superuser}

// UserQuery narrows ListUsers. Zero fields do not filter.
type UserQuery struct {
	// Search matches part of the email address or the name, ignoring case.
	Search string
	// StaffOnly keeps staff and superusers.
	StaffOnly bool
	// DormantOnly keeps dormant accounts (dormant.go).
	DormantOnly bool
	// Limit is the page size: 50 when 0 or less, at most 200.
	Limit int
	// Offset is how many users to skip; negative counts as 0.
	Offset int
}

// maxSearchRunes bounds the search text: no email or name is longer.
const maxSearchRunes = 320

// ListUsers returns one page of the accounts matching q, newest first, and
// how many match in all (for the pager). Deleted accounts are left out, and
// the phone number is not read (Phone is ""): a list has no use for it.
func (s *Service) ListUsers(ctx context.Context, q UserQuery) ([]User, int, error) {
	limit, offset := q.Limit, max(q.Offset, 0)
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	where, args := userListWhere(q)
	r := s.d.Read()
	var total int
	if err := r.GetContext(ctx, &total, r.Rebind(`SELECT COUNT(*) FROM users WHERE `+where), args...); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	us, err := selectUsers(ctx, r, where, args, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	return us, total, nil
}

// userListWhere is the condition of q, with its arguments.
func userListWhere(q UserQuery) (string, []any) {
	where := []string{"deleted_at IS NULL"}
	var args []any
	if s := strings.TrimSpace(q.Search); s != "" {
		if r := []rune(s); len(r) > maxSearchRunes {
			s = string(r[:maxSearchRunes])
		}
		pat := "%" + db.EscapeLike(strings.ToLower(s)) + "%"
		where = append(where, `(LOWER(email) LIKE ? ESCAPE '\' OR LOWER(name) LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat)
	}
	if q.StaffOnly {
		where = append(where, "role IN (?, ?)")
		args = append(args, Staff, Superuser)
	}
	if q.DormantOnly {
		where = append(where, "dormant_at IS NOT NULL")
	}
	return strings.Join(where, " AND "), args
}

// selectUsers reads one page of the users matching where, newest first.
func selectUsers(ctx context.Context, q db.Querier, where string, args []any, limit, offset int) ([]User, error) {
	var rows []struct {
		ID          int64        `db:"id"`
		Email       string       `db:"email"`
		Name        string       `db:"name"`
		Role        string       `db:"role"`
		Active      bool         `db:"active"`
		Verified    sql.NullTime `db:"email_verified_at"`
		Version     int64        `db:"session_version"`
		Permissions string       `db:"permissions"`
		HasPassword bool         `db:"has_password"`
		CreatedAt   time.Time    `db:"created_at"`
		LastLogin   sql.NullTime `db:"last_login_at"`
		DormantAt   sql.NullTime `db:"dormant_at"`
	}
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT id, email, name, role, active, email_verified_at, session_version,
		permissions, password_hash <> '' AS has_password, created_at, last_login_at, dormant_at
		FROM users WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`), append(slices.Clone(args), limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	us := make([]User, len(rows))
	for i, r := range rows {
		us[i] = User{
			ID: r.ID, Email: r.Email, Name: r.Name, Role: Role(r.Role), Active: r.Active,
			SessionVersion: r.Version, Permissions: ParsePermissions(r.Permissions),
			HasPassword: r.HasPassword, CreatedAt: r.CreatedAt.UTC(),
		}
		if r.Verified.Valid {
			us[i].EmailVerifiedAt = r.Verified.Time.UTC()
		}
		if r.LastLogin.Valid {
			us[i].LastLoginAt = r.LastLogin.Time.UTC()
		}
		if r.DormantAt.Valid {
			us[i].DormantAt = r.DormantAt.Time.UTC()
		}
	}
	return us, nil
}

// RoleChange is what SetRole changed.
type RoleChange struct {
	UserID          int64
	Email           string
	FromRole        Role
	ToRole          Role
	FromPermissions Permissions
	ToPermissions   Permissions
}

// Changed reports whether the role or the permission set differs.
func (c RoleChange) Changed() bool {
	return c.FromRole != c.ToRole || c.FromPermissions.String() != c.ToPermissions.String()
}

// SetRole gives userID the role and, for staff, the permissions (other
// roles keep none: a superuser may do everything, the rest nothing in the
// back office). Only an active superuser (by) may change roles, else
// fault.ErrForbidden. Permissions are kept in AllPermissions order without
// repeats; an unknown role or permission is a *fault.Invalid.
//
// A change ends every session of the user (the session version moves on
// and the API tokens end), so new rights apply from the next login
// and lost ones at once; the change is recorded as "user.role_changed" in
// the audit log in the same transaction. Taking the role from the last
// active superuser, the actor included, returns ErrLastSuperuser; the check
// holds when two superusers demote each other at the same moment. A request
// that changes nothing writes and records nothing and returns a RoleChange
// whose Changed is false. It returns fault.ErrNotFound when the user does
// not exist.
func (s *Service) SetRole(ctx context.Context, by audit.Actor, userID int64, role Role, perms Permissions) (RoleChange, error) {
	actorID := by.UserID
	v := &fault.Invalid{}
	if !slices.Contains(Roles, role) {
		v.Add("role", "is not a known role")
	}
	var clean Permissions
	for _, p := range AllPermissions {
		if slices.Contains(perms, p) {
			clean = append(clean, p)
		}
	}
	for _, p := range perms {
		if !slices.Contains(AllPermissions, p) {
			v.Add("permissions", "holds an unknown permission")
		}
	}
	if err := v.Err(); err != nil {
		return RoleChange{}, err
	}
	if role != Staff {
		clean = nil
	}
	now := s.now().UTC()
	var c RoleChange
	err := s.d.InTx(ctx, func(q db.Querier) error {
		// Lock every active superuser row first: two superusers demoting
		// each other then take turns, and the second sees the first's
		// change when it counts. (On SQLite the transaction already holds
		// the write lock.)
		if err := lockSuperusers(ctx, q); err != nil {
			return err
		}
		actor, err := s.userWhere(ctx, q, `id = ? AND deleted_at IS NULL`, actorID)
		if err != nil && !errors.Is(err, fault.ErrNotFound) {
			return err
		}
		if err != nil || actor.Role != Superuser || !actor.Active {
			return fmt.Errorf("user %d changes roles: %w", actorID, fault.ErrForbidden)
		}
		u, err := s.userWhere(ctx, q, `id = ? AND deleted_at IS NULL`, userID)
		if err != nil {
			return fmt.Errorf("user %d: %w", userID, err)
		}
		c = RoleChange{UserID: u.ID, Email: u.Email, FromRole: u.Role, ToRole: role,
			FromPermissions: u.Permissions, ToPermissions: clean}
		if !c.Changed() {
			return nil
		}
		if u.Role == Superuser && role != Superuser && u.Active {
			n, err := countOtherSuperusers(ctx, q, userID)
			if err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("user %d: %w", userID, ErrLastSuperuser)
			}
		}
		if err := updateRole(ctx, q, userID, role, clean.String(), now); err != nil {
			return err
		}
		if err := s.endSessions(ctx, q, userID); err != nil {
			return err
		}
		return s.opt.Audit.Record(ctx, q, by.Entry("user.role_changed", "user", strconv.FormatInt(userID, 10),
			map[string]any{
				"email":            c.Email,
				"from_role":        string(c.FromRole),
				"to_role":          string(c.ToRole),
				"from_permissions": c.FromPermissions.String(),
				"to_permissions":   c.ToPermissions.String(),
			}))
	})
	if err != nil {
		return RoleChange{}, fmt.Errorf("set role: %w", err)
	}
	if c.Changed() {
		s.log.InfoContext(ctx, "role changed", "user_id", userID, "actor_id", actorID, "from", c.FromRole, "to", c.ToRole)
	}
	return c, nil
}

// ResetSecondFactor removes user userID's second factor (authenticator
// and recovery codes), for a staff member who lost both, and signs them out
// everywhere: the session version moves on, the sessions are deleted and
// the API tokens end. It records "twofactor.reset" for by in the
// audit log, all in one transaction. The caller checks that by may do this.
// It returns fault.ErrNotFound when the user does not exist.
func (s *Service) ResetSecondFactor(ctx context.Context, by audit.Actor, userID int64) error {
	now := s.now().UTC()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		u, err := s.userWhere(ctx, q, `id = ? AND deleted_at IS NULL`, userID)
		if err != nil {
			return err
		}
		if err := bumpSessionVersion(ctx, q, userID, now); err != nil {
			return err
		}
		if err := s.endSessions(ctx, q, userID); err != nil {
			return err
		}
		if err := s.opt.SecondFactor.Reset(ctx, q, userID); err != nil {
			return err
		}
		return s.opt.Audit.Record(ctx, q, by.Entry("twofactor.reset", "user", strconv.FormatInt(userID, 10),
			map[string]any{"email": u.Email}))
	})
	if err != nil {
		return fmt.Errorf("reset second factor of user %d: %w", userID, err)
	}
	return nil
}

// lockSuperusers takes the row lock of every active superuser.
func lockSuperusers(ctx context.Context, q db.Querier) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET role = role
		WHERE role = ? AND active = TRUE AND deleted_at IS NULL`), Superuser); err != nil {
		return fmt.Errorf("lock superusers: %w", err)
	}
	return nil
}

// countOtherSuperusers counts the active superusers other than userID.
func countOtherSuperusers(ctx context.Context, q db.Querier, userID int64) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM users
		WHERE role = ? AND active = TRUE AND deleted_at IS NULL AND id <> ?`), Superuser, userID)
	if err != nil {
		return 0, fmt.Errorf("count superusers: %w", err)
	}
	return n, nil
}

// updateRole stores the role and permissions and moves the session version
// on, so every session of the user ends.
func updateRole(ctx context.Context, q db.Querier, userID int64, role Role, perms string, now time.Time) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET role = ?, permissions = ?, session_version = session_version + 1, updated_at = ?
		WHERE id = ? AND deleted_at IS NULL`), role, perms, now, userID)
	if err != nil {
		return fmt.Errorf("update role of user %d: %w", userID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update role of user %d: %w", userID, err)
	} else if n == 0 {
		return fmt.Errorf("user %d: %w", userID, fault.ErrNotFound)
	}
	return nil
}

// bumpSessionVersion moves the user's session version on.
func bumpSessionVersion(ctx context.Context, q db.Querier, userID int64, now time.Time) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET session_version = session_version + 1, updated_at = ?
		WHERE id = ? AND deleted_at IS NULL`), now, userID)
	if err != nil {
		return fmt.Errorf("bump session version of user %d: %w", userID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("bump session version of user %d: %w", userID, err)
	} else if n == 0 {
		return fmt.Errorf("user %d: %w", userID, fault.ErrNotFound)
	}
	return nil
}
