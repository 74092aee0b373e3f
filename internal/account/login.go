package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/ratelimit"
	"github.com/mallang/mallang/internal/security"
)

// The login limits. Failures are counted per IP address and per account;
// a success clears the account's count. When an account reaches its limit
// the owner is emailed once, and it stays locked until the window ends or
// the password is reset.
var (
	LoginIPLimit      = ratelimit.Limit{Name: "login-ip", Max: 30, Window: 15 * time.Minute}
	LoginAccountLimit = ratelimit.Limit{Name: "login-account", Max: 5, Window: 15 * time.Minute}
	// LinkLimit bounds sign-ups, resent links and reset requests per IP
	// and per address, so the shop cannot be used to flood a mailbox.
	LinkIPLimit      = ratelimit.Limit{Name: "link-ip", Max: 20, Window: time.Hour}
	LinkAddressLimit = ratelimit.Limit{Name: "link-address", Max: 5, Window: time.Hour}
)

// ErrBlocked means the IP address was caught by the honeypot and may not use
// any login form for a while. It wraps fault.ErrForbidden.
var ErrBlocked = fmt.Errorf("this address is blocked from signing in: %w", fault.ErrForbidden)

// Login is one login attempt.
type Login struct {
	Email    string
	Password string
	IP       string // the client's address, for the per-IP limit
	// UserAgent is the client's, recorded with the attempt.
	UserAgent string
}

// Login checks a login attempt against the blocklist and the rate limits,
// then the password. It returns the user; fault.ErrUnauthenticated for a
// wrong address or password (the same for both); a *ratelimit.Error (which
// is ratelimit.ErrLimited) when the IP or the account has too many
// failures; ErrBlocked; the *BlockedError of an account staff blocked; or
// the *DormantError of a dormant account, whose owner is mailed the link
// that wakes it (SendWakeLink).
// Every attempt on an existing account is recorded (LoginEvents).
func (s *Service) Login(ctx context.Context, in Login) (User, error) {
	email := NormalizeEmail(in.Email)
	ip := normalizeIP(in.IP)
	if err := s.guard(ctx, ip, LoginIPLimit, LoginAccountLimit, email); err != nil {
		return User{}, err
	}
	u, err := s.Authenticate(ctx, email, in.Password)
	if errors.Is(err, fault.ErrUnauthenticated) {
		if o, err := s.userWhere(ctx, s.d.Read(), `email = ? AND deleted_at IS NULL`, email); err == nil {
			s.RecordLogin(ctx, o.ID, LoginPassword, false, ip, in.UserAgent)
		}
		return User{}, s.loginFailed(ctx, ip, email, err)
	}
	if b, ok := AsBlocked(err); ok {
		s.RecordLogin(ctx, b.UserID, LoginPassword, false, ip, in.UserAgent)
		return User{}, err
	}
	if d, ok := AsDormant(err); ok {
		// The password is right: the owner is sent the link that wakes
		// the account, and gets no session before opening it.
		s.RecordLogin(ctx, d.UserID, LoginPassword, false, ip, in.UserAgent)
		s.SendWakeLink(ctx, d.UserID)
		return User{}, err
	}
	if err != nil {
		return User{}, err
	}
	s.RecordLogin(ctx, u.ID, LoginPassword, true, ip, in.UserAgent)
	if err := s.opt.Limiter.Reset(ctx, LoginAccountLimit, email); err != nil {
		s.log.WarnContext(ctx, "clear failed logins", "err", err)
	}
	now := s.now().UTC()
	if _, err := s.d.Write().ExecContext(ctx, s.d.Write().Rebind(`UPDATE users SET last_login_at = ? WHERE id = ?`), now, u.ID); err != nil {
		return User{}, fmt.Errorf("login: %w", err)
	}
	u.LastLoginAt = now
	return u, nil
}

// guard refuses an attempt from a blocked IP, or one over either limit,
// before any password is checked.
func (s *Service) guard(ctx context.Context, ip string, ipLimit, keyLimit ratelimit.Limit, key string) error {
	if err := s.checkBlocked(ctx, ip); err != nil {
		return err
	}
	if ip != "" {
		d, err := s.opt.Limiter.Check(ctx, ipLimit, ip)
		if err != nil {
			return err
		}
		if err := d.Err(); err != nil {
			return err
		}
	}
	if key != "" {
		d, err := s.opt.Limiter.Check(ctx, keyLimit, key)
		if err != nil {
			return err
		}
		return d.Err()
	}
	return nil
}

// checkBlocked returns ErrBlocked when the blocklist holds ip.
func (s *Service) checkBlocked(ctx context.Context, ip string) error {
	if ip == "" {
		return nil
	}
	blocked, err := s.opt.Blocklist.Blocked(ctx, ip)
	if err != nil {
		return err
	}
	if blocked {
		return ErrBlocked
	}
	return nil
}

// loginFailed counts a failure and, when it used the account's last
// attempt, mails the owner that the account is locked.
func (s *Service) loginFailed(ctx context.Context, ip, email string, cause error) error {
	if ip != "" {
		if _, err := s.opt.Limiter.Hit(ctx, LoginIPLimit, ip); err != nil {
			return err
		}
	}
	d, err := s.opt.Limiter.Hit(ctx, LoginAccountLimit, email)
	if err != nil {
		return err
	}
	if d.Allowed && d.Remaining == 0 {
		s.lockNotice(ctx, email)
	}
	return cause
}

// lockNotice mails the owner of email, if the address has an account, that
// logins are blocked; the block itself is the rate limit. Failures are
// logged: the login answer must not change.
func (s *Service) lockNotice(ctx context.Context, email string) {
	u, err := s.userWhere(ctx, s.d.Read(), `email = ? AND deleted_at IS NULL`, email)
	if err != nil {
		if !errors.Is(err, fault.ErrNotFound) {
			s.log.WarnContext(ctx, "lock notice", "err", err)
		}
		return
	}
	now := s.now().UTC()
	end := now.Truncate(LoginAccountLimit.Window).Add(LoginAccountLimit.Window)
	s.log.WarnContext(ctx, "account locked after failed logins", "user_id", u.ID)
	data := notify.LockedData{Name: u.Name, Minutes: ratelimit.Minutes(end.Sub(now)), URL: s.opt.BaseURL + ForgotPath}
	if err := s.mail(ctx, s.d.Write(), u.Email, notify.AccountLocked, data); err != nil {
		s.log.WarnContext(ctx, "lock notice", "err", err)
	}
}

// LinkGuard applies the link limits to a request that sends mail (sign-up,
// resend, reset) from ip to email, counting it. It returns a
// *ratelimit.Error when either limit is reached, or ErrBlocked.
func (s *Service) LinkGuard(ctx context.Context, ip, email string) error {
	ip, email = normalizeIP(ip), NormalizeEmail(email)
	if err := s.checkBlocked(ctx, ip); err != nil {
		return err
	}
	for _, c := range []struct {
		l   ratelimit.Limit
		key string
	}{{LinkIPLimit, ip}, {LinkAddressLimit, email}} {
		if c.key == "" {
			continue
		}
		d, err := s.opt.Limiter.Hit(ctx, c.l, c.key)
		if err != nil {
			return err
		}
		if err := d.Err(); err != nil {
			return err
		}
	}
	return nil
}

// normalizeIP is security.NormalizeIP, keeping what is no address as
// given (the key of a limit must still be something).
func normalizeIP(s string) string {
	if ip, ok := security.NormalizeIP(s); ok {
		return ip
	}
	return s
}

// unlock ends a login block on email at once: opening a reset link or
// createadmin proves the owner, who need not wait for the window to end.
func (s *Service) unlock(ctx context.Context, email string) {
	if err := s.opt.Limiter.Reset(ctx, LoginAccountLimit, NormalizeEmail(email)); err != nil {
		s.log.WarnContext(ctx, "clear failed logins", "err", err)
	}
}
