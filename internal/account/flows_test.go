package account

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/account/twofactor"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/notify/notifytest"
	"github.com/mallang/mallang/internal/ratelimit"
)

type fixture struct {
	d        *db.DB
	s        *Service
	clock    *fake.Clock
	outbox   *notify.Outbox
	ended    []int64 // users whose API tokens were ended
	gone     []int64 // users whose address book was deleted
	unlinked []int64 // users whose social identities were deleted
	resets   []int64 // users whose second factor was reset
	tf       *twofactor.Service
	mu       sync.Mutex
}

func newFixture(t *testing.T, blocked ...string) *fixture {
	t.Helper()
	d := dbtest.New(t)
	f := &fixture{d: d, clock: fake.NewClock(time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC))}
	f.outbox = notifytest.Outbox(d, f.clock.Now)
	kr := crypt.DeriveKeyring([]byte("0123456789abcdef0123456789abcdef"))
	f.tf = twofactor.NewService(d, kr, twofactor.Name("말랑"), f.clock.Now)
	opt := Options{
		BaseURL:      "https://shop.example/",
		Keyring:      kr,
		Mailer:       f.outbox,
		Limiter:      ratelimit.New(d, f.clock.Now, []byte("test rate-limit secret")),
		Tokens:       noted{f, &f.ended},
		Addresses:    noted{f, &f.gone},
		Identities:   noted{f, &f.unlinked},
		Audit:        audit.New(d, f.clock.Now),
		SecondFactor: secondFactor{f},
		Dormant:      address.New(d, kr, f.clock.Now),
	}
	opt.Blocklist = blocklist(blocked)
	f.s = NewService(d, opt, f.clock.Now, slog.New(slog.DiscardHandler))
	return f
}

// noted notes the users whose API tokens (RevokeUser) or other data
// (DeleteAllForUser) the service ends, in list.
type noted struct {
	f    *fixture
	list *[]int64
}

func (n noted) RevokeUser(_ context.Context, _ db.Querier, userID int64) error { return n.note(userID) }

func (n noted) DeleteAllForUser(_ context.Context, _ db.Querier, userID int64) error {
	return n.note(userID)
}

func (n noted) note(userID int64) error {
	n.f.mu.Lock()
	defer n.f.mu.Unlock()
	*n.list = append(*n.list, userID)
	return nil
}

// secondFactor checks codes with the fixture's real two-factor service and
// notes the users whose second factor is reset.
type secondFactor struct{ f *fixture }

func (sf secondFactor) Verify(ctx context.Context, userID int64, code string) error {
	return sf.f.tf.Verify(ctx, userID, code)
}

func (sf secondFactor) Reset(_ context.Context, _ db.Querier, userID int64) error {
	sf.f.mu.Lock()
	defer sf.f.mu.Unlock()
	sf.f.resets = append(sf.f.resets, userID)
	return nil
}

type blocklist []string

func (b blocklist) Blocked(_ context.Context, ip string) (bool, error) {
	for _, x := range b {
		if x == ip {
			return true, nil
		}
	}
	return false, nil
}

var tokenRE = regexp.MustCompile(`\?token=([A-Za-z0-9_-]+)`)

// lastMail returns the newest outbox mail to addr and the token in it.
func (f *fixture) lastMail(t *testing.T, addr string) (notify.Mail, string) {
	t.Helper()
	ms, err := f.outbox.List(context.Background(), 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.To == addr {
			tok := ""
			if mm := tokenRE.FindStringSubmatch(m.Text); mm != nil {
				tok = mm[1]
			}
			return m, tok
		}
	}
	t.Fatalf("no mail to %s", addr)
	return notify.Mail{}, ""
}

func (f *fixture) mails(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.d.Read().GetContext(context.Background(), &n, `SELECT COUNT(*) FROM outbox`); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.d.Read().GetContext(context.Background(), &n, `SELECT COUNT(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

var minji = SignUp{Email: "Minji@Example.com", Password: "말랑한 봄날의 산책", Name: "김민지", Phone: "010-1234-5678", AgreeTerms: true}

// signedUp signs minji up and opens her link.
func (f *fixture) signedUp(t *testing.T) User {
	t.Helper()
	ctx := context.Background()
	if err := f.s.SignUp(ctx, minji); err != nil {
		t.Fatal(err)
	}
	_, tok := f.lastMail(t, "minji@example.com")
	u, err := f.s.Verify(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSignUpValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name  string
		edit  func(*SignUp)
		field string
	}{
		{"no email", func(s *SignUp) { s.Email = "" }, "email"},
		{"bad email", func(s *SignUp) { s.Email = "minji@" }, "email"},
		{"email without domain dot", func(s *SignUp) { s.Email = "minji@localhost" }, "email"},
		{"short password", func(s *SignUp) { s.Password = "짧은암호" }, "password"},
		{"common password", func(s *SignUp) { s.Password = "Qwer1234!!" }, "password"},
		{"run", func(s *SignUp) { s.Password = "abcdefghijk" }, "password"},
		{"repeated", func(s *SignUp) { s.Password = "zzzzzzzzzzzz" }, "password"},
		{"contains the address", func(s *SignUp) { s.Password = "minji-2026-spring" }, "password"},
		{"no name", func(s *SignUp) { s.Name = "  " }, "name"},
		{"long name", func(s *SignUp) { s.Name = strings.Repeat("가", 101) }, "name"},
		{"no phone", func(s *SignUp) { s.Phone = "" }, "phone"},
		{"bad phone", func(s *SignUp) { s.Phone = "010-12" }, "phone"},
		{"terms", func(s *SignUp) { s.AgreeTerms = false }, "terms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := minji
			tt.edit(&in)
			err := f.s.SignUp(context.Background(), in)
			inv, ok := fault.AsInvalid(err)
			if !ok || inv.Fields[tt.field] == "" {
				t.Fatalf("SignUp = %v, want a message for %s", err, tt.field)
			}
		})
	}
	if n := f.count(t, "users"); n != 0 {
		t.Fatalf("%d users stored by refused sign-ups", n)
	}
	if n := f.mails(t); n != 0 {
		t.Fatalf("%d mails sent by refused sign-ups", n)
	}
}

func TestSignUpVerifyLogin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	in := minji
	in.MarketingConsent = true
	if err := f.s.SignUp(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Login(ctx, Login{Email: minji.Email, Password: minji.Password, IP: "203.0.113.5"}); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("login before verification = %v", err)
	}
	m, tok := f.lastMail(t, "minji@example.com")
	if tok == "" || !strings.Contains(m.Text, "https://shop.example/account/verify?token=") || m.Subject != "[말랑] 이메일 주소를 인증해 주세요" {
		t.Fatalf("verification mail: %+v", m)
	}
	// Only the hash of the token is stored.
	var hashes int
	if err := f.d.Read().GetContext(ctx, &hashes, f.d.Read().Rebind(`SELECT COUNT(*) FROM account_tokens WHERE token_hash = ?`), tok); err != nil || hashes != 0 {
		t.Fatalf("raw token stored: %d, %v", hashes, err)
	}

	for _, bad := range []string{"", "nope", strings.Repeat("x", 500)} {
		if _, err := f.s.Verify(ctx, bad); !errors.Is(err, ErrLinkUnknown) {
			t.Fatalf("Verify(%q) = %v", bad, err)
		}
	}
	u, err := f.s.Verify(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Active || u.EmailVerifiedAt.IsZero() || u.Phone != "+821012345678" || u.Name != "김민지" || u.Email != "minji@example.com" ||
		!u.MarketingConsentAt.Equal(f.clock.Now()) || u.Role != Customer {
		t.Fatalf("verified user = %+v", u)
	}
	if _, err := f.s.Verify(ctx, tok); !errors.Is(err, ErrLinkUsed) || !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("second Verify = %v", err)
	}
	got, err := f.s.Login(ctx, Login{Email: " MINJI@example.com", Password: minji.Password, IP: "203.0.113.5:4431"})
	if err != nil || got.ID != u.ID || got.LastLoginAt.IsZero() {
		t.Fatalf("Login = %+v, %v", got, err)
	}
	// The phone number is encrypted at rest.
	var enc string
	if err := f.d.Read().GetContext(ctx, &enc, f.d.Read().Rebind(`SELECT phone_enc FROM users WHERE id = ?`), u.ID); err != nil {
		t.Fatal(err)
	}
	if enc == "" || strings.Contains(enc, "1012345678") || !strings.HasPrefix(enc, "v1.") {
		t.Fatalf("phone stored as %q", enc)
	}
}

func TestVerifyLinkExpiresAndResends(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if err := f.s.SignUp(ctx, minji); err != nil {
		t.Fatal(err)
	}
	_, first := f.lastMail(t, "minji@example.com")
	f.clock.Advance(49 * time.Hour)
	if _, err := f.s.Verify(ctx, first); !errors.Is(err, ErrLinkExpired) {
		t.Fatalf("expired link = %v", err)
	}
	if err := f.s.ResendVerification(ctx, "minji@example.com"); err != nil {
		t.Fatal(err)
	}
	_, second := f.lastMail(t, "minji@example.com")
	if second == first {
		t.Fatal("resend reused the old token")
	}
	if _, err := f.s.Verify(ctx, second); err != nil {
		t.Fatal(err)
	}
	// Resending for an active or unknown address sends nothing.
	before := f.mails(t)
	for _, addr := range []string{"minji@example.com", "nobody@example.com"} {
		if err := f.s.ResendVerification(ctx, addr); err != nil {
			t.Fatal(err)
		}
	}
	if f.mails(t) != before {
		t.Fatal("resend mailed an active or unknown address")
	}
	// The expired first link goes at the next prune; the used second one
	// stays until it expires too.
	if n, err := f.s.PruneLinks(ctx, f.clock.Now()); err != nil || n != 1 {
		t.Fatalf("PruneLinks = %d, %v", n, err)
	}
	if _, err := f.s.Verify(ctx, second); !errors.Is(err, ErrLinkUsed) {
		t.Fatalf("a used link after pruning = %v", err)
	}
}

func TestVerifyLinkWorksOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if err := f.s.SignUp(ctx, minji); err != nil {
		t.Fatal(err)
	}
	_, tok := f.lastMail(t, "minji@example.com")
	var ok, used atomic.Int32
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.s.Verify(ctx, tok)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, ErrLinkUsed):
				used.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || used.Load() != 9 {
		t.Fatalf("%d opened the link, %d were told it was used", ok.Load(), used.Load())
	}
}

func TestSignUpAgain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	// An address that never opened its link takes the newer details.
	if err := f.s.SignUp(ctx, minji); err != nil {
		t.Fatal(err)
	}
	_, stale := f.lastMail(t, "minji@example.com")
	again := minji
	again.Password = "새로 정한 더 긴 비밀번호"
	if err := f.s.SignUp(ctx, again); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Verify(ctx, stale); !errors.Is(err, ErrLinkUsed) {
		t.Fatalf("the first link still works: %v", err)
	}
	_, tok := f.lastMail(t, "minji@example.com")
	if _, err := f.s.Verify(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Authenticate(ctx, minji.Email, again.Password); err != nil {
		t.Fatalf("newer password: %v", err)
	}
	// An active account gets a notice with a reset link, and keeps its
	// password.
	third := minji
	third.Password = "가입을 한 번 더 시도하는 사람"
	if err := f.s.SignUp(ctx, third); err != nil {
		t.Fatal(err)
	}
	m, reset := f.lastMail(t, "minji@example.com")
	if m.Subject != "[말랑] 이미 가입된 이메일 주소입니다" || !strings.Contains(m.Text, "/account/reset?token=") || reset == "" {
		t.Fatalf("notice = %+v", m)
	}
	if _, err := f.s.Authenticate(ctx, minji.Email, third.Password); err == nil {
		t.Fatal("a second sign-up changed the password of an active account")
	}
	if n := f.count(t, "users"); n != 1 {
		t.Fatalf("%d users", n)
	}
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.signedUp(t)
	before := f.mails(t)
	if err := f.s.RequestPasswordReset(ctx, "stranger@example.com"); err != nil {
		t.Fatal(err)
	}
	if f.mails(t) != before {
		t.Fatal("a reset for an unknown address sent mail")
	}
	if err := f.s.RequestPasswordReset(ctx, "MINJI@example.com"); err != nil {
		t.Fatal(err)
	}
	m, tok := f.lastMail(t, "minji@example.com")
	if m.Subject != "[말랑] 비밀번호 재설정 안내" || tok == "" {
		t.Fatalf("reset mail = %+v", m)
	}
	if err := f.s.CheckResetLink(ctx, tok); err != nil {
		t.Fatalf("CheckResetLink = %v", err)
	}
	// A weak password is refused and the link keeps working.
	if _, err := f.s.ResetPassword(ctx, tok, "1234567890"); err == nil {
		t.Fatal("weak password accepted")
	} else if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["password"] == "" {
		t.Fatalf("weak password: %v", err)
	}
	got, err := f.s.ResetPassword(ctx, tok, "완전히 새로운 비밀번호")
	if err != nil {
		t.Fatal(err)
	}
	if got.SessionVersion != u.SessionVersion+1 {
		t.Fatalf("session version %d → %d", u.SessionVersion, got.SessionVersion)
	}
	if _, err := f.s.ResetPassword(ctx, tok, "또 다른 새 비밀번호요"); !errors.Is(err, ErrLinkUsed) {
		t.Fatalf("reused reset link = %v", err)
	}
	if _, err := f.s.Authenticate(ctx, minji.Email, minji.Password); err == nil {
		t.Fatal("the old password still works")
	}
	if _, err := f.s.SessionUser(ctx, u.ID, u.SessionVersion); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("an old session survived the reset: %v", err)
	}
	if len(f.ended) != 1 || f.ended[0] != u.ID {
		t.Fatalf("API tokens ended for %v", f.ended)
	}
}

func TestChangePasswordAndProfile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.signedUp(t)
	_, err := f.s.ChangePassword(ctx, u.ID, "wrong", "다른 비밀번호로 바꿔요")
	if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["current_password"] == "" {
		t.Fatalf("wrong current password: %v", err)
	}
	_, err = f.s.ChangePassword(ctx, u.ID, minji.Password, minji.Password)
	if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["password"] == "" {
		t.Fatalf("same password: %v", err)
	}
	// Another session of the same user is ended.
	st := NewSessionStore(f.d, nil, f.clock.Now)
	other, _ := scs.GobCodec{}.Encode(f.clock.Now().Add(time.Hour), map[string]any{SessionUserID: u.ID, SessionVersion: u.SessionVersion})
	if err := st.CommitCtx(ctx, "other-device-token", other, f.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := f.s.ChangePassword(ctx, u.ID, minji.Password, "다른 비밀번호로 바꿔요")
	if err != nil {
		t.Fatal(err)
	}
	if _, found, _ := st.FindCtx(ctx, "other-device-token"); found {
		t.Fatal("another session survived the password change")
	}
	if _, err := f.s.SessionUser(ctx, u.ID, got.SessionVersion); err != nil {
		t.Fatalf("the new version is not accepted: %v", err)
	}

	_, err = f.s.UpdateProfile(ctx, u.ID, Profile{Name: "", Phone: "12"})
	if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["name"] == "" || inv.Fields["phone"] == "" {
		t.Fatalf("bad profile: %v", err)
	}
	p, err := f.s.UpdateProfile(ctx, u.ID, Profile{Name: "김민지B", Phone: "+82 10 9876 5432", MarketingConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	given := p.MarketingConsentAt
	f.clock.Advance(time.Hour)
	p, err = f.s.UpdateProfile(ctx, u.ID, Profile{Name: "김민지B", Phone: "01098765432", MarketingConsent: true})
	if err != nil || p.Phone != "+821098765432" || !p.MarketingConsentAt.Equal(given) || given.IsZero() {
		t.Fatalf("profile = %+v, %v (consent first given %v)", p, err, given)
	}
	p, err = f.s.UpdateProfile(ctx, u.ID, Profile{Name: "김민지B", Phone: "01098765432"})
	if err != nil || !p.MarketingConsentAt.IsZero() {
		t.Fatalf("withdrawn consent = %+v, %v", p, err)
	}
}

func TestLoginLimitsAndLockNotice(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "198.51.100.66")
	ctx := context.Background()
	f.signedUp(t)
	if _, err := f.s.Login(ctx, Login{Email: minji.Email, Password: minji.Password, IP: "198.51.100.66:1234"}); !errors.Is(err, ErrBlocked) {
		t.Fatalf("blocked IP = %v", err)
	}
	before := f.mails(t)
	for i := range LoginAccountLimit.Max {
		_, err := f.s.Login(ctx, Login{Email: minji.Email, Password: "틀린 비밀번호입니다", IP: "203.0.113.7"})
		if !errors.Is(err, fault.ErrUnauthenticated) {
			t.Fatalf("failure %d = %v", i+1, err)
		}
	}
	if f.mails(t) != before+1 {
		t.Fatalf("%d lock notices", f.mails(t)-before)
	}
	m, _ := f.lastMail(t, "minji@example.com")
	if m.Subject != "[말랑] 로그인 시도가 잠시 막혔습니다" || !strings.Contains(m.Text, "https://shop.example/account/forgot") {
		t.Fatalf("lock notice = %+v", m)
	}
	// Even the right password waits now, and says for how long.
	_, err := f.s.Login(ctx, Login{Email: minji.Email, Password: minji.Password, IP: "203.0.113.8"})
	wait, ok := ratelimit.RetryAfter(err)
	if !errors.Is(err, ratelimit.ErrLimited) || !ok || wait <= 0 || wait > LoginAccountLimit.Window {
		t.Fatalf("locked login = %v (wait %v)", err, wait)
	}
	f.clock.Advance(LoginAccountLimit.Window)
	if _, err := f.s.Login(ctx, Login{Email: minji.Email, Password: minji.Password, IP: "203.0.113.8"}); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// Unknown addresses count too, so guessing addresses is limited per IP.
	for i := range LoginIPLimit.Max {
		if _, err := f.s.Login(ctx, Login{Email: "guess" + string(rune('a'+i%26)) + "@example.com", Password: "whatever-you-say", IP: "192.0.2.9"}); !errors.Is(err, fault.ErrUnauthenticated) {
			t.Fatalf("guess %d = %v", i, err)
		}
	}
	if _, err := f.s.Login(ctx, Login{Email: minji.Email, Password: minji.Password, IP: "192.0.2.9"}); !errors.Is(err, ratelimit.ErrLimited) {
		t.Fatalf("IP over its limit = %v", err)
	}
}

func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.signedUp(t)
	err := f.s.Delete(ctx, u.ID, "not my password")
	if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["confirm"] == "" {
		t.Fatalf("wrong confirmation: %v", err)
	}
	if err := f.s.Delete(ctx, u.ID, minji.Password); err != nil {
		t.Fatal(err)
	}
	var row struct {
		Email, Name, Phone, Hash string
		Deleted                  bool
	}
	if err := f.d.Read().QueryRowxContext(ctx, f.d.Read().Rebind(`SELECT email, name, phone_enc, password_hash, deleted_at IS NOT NULL FROM users WHERE id = ?`), u.ID).
		Scan(&row.Email, &row.Name, &row.Phone, &row.Hash, &row.Deleted); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(row.Email, "minji") || row.Name != "" || row.Phone != "" || row.Hash != "" || !row.Deleted {
		t.Fatalf("deleted row = %+v", row)
	}
	var leaks int
	if err := f.d.Read().GetContext(ctx, &leaks, `SELECT COUNT(*) FROM outbox WHERE to_address LIKE '%minji%' OR text_body LIKE '%김민지%'`); err != nil || leaks != 0 {
		t.Fatalf("outbox still names the customer: %d, %v", leaks, err)
	}
	if len(f.gone) != 1 || f.gone[0] != u.ID || len(f.unlinked) != 1 || f.unlinked[0] != u.ID {
		t.Fatalf("addresses deleted for %v, social identities for %v", f.gone, f.unlinked)
	}
	if _, err := f.s.Login(ctx, Login{Email: minji.Email, Password: minji.Password, IP: "203.0.113.5"}); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("login after deletion = %v", err)
	}
	// The address is free for a new account.
	f.signedUp(t)
	if n := f.count(t, "users"); n != 2 {
		t.Fatalf("%d users", n)
	}
}

func TestSessionStore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.signedUp(t)
	st := NewSessionStore(f.d, nil, f.clock.Now)
	data, err := scs.GobCodec{}.Encode(f.clock.Now().Add(time.Hour), map[string]any{SessionUserID: u.ID, "lang": "ko"})
	if err != nil {
		t.Fatal(err)
	}
	exp := f.clock.Now().Add(time.Hour)
	if err := st.CommitCtx(ctx, "cookie-token-1", data, exp); err != nil {
		t.Fatal(err)
	}
	if err := st.CommitCtx(ctx, "cookie-token-1", data, exp); err != nil { // a second save replaces
		t.Fatal(err)
	}
	if b, found, err := st.FindCtx(ctx, "cookie-token-1"); err != nil || !found || string(b) != string(data) {
		t.Fatalf("Find = %v, %v", found, err)
	}
	for _, tampered := range []string{"cookie-token-2", "", "cookie-token-1x", strings.Repeat("a", 4000)} {
		if _, found, err := st.FindCtx(ctx, tampered); found || err != nil {
			t.Fatalf("Find(%q) = %v, %v", tampered, found, err)
		}
	}
	var raw int
	if err := f.d.Read().GetContext(ctx, &raw, `SELECT COUNT(*) FROM sessions WHERE token_hash = 'cookie-token-1'`); err != nil || raw != 0 {
		t.Fatalf("raw token stored: %d, %v", raw, err)
	}
	if n, err := st.UserSessions(ctx, u.ID); err != nil || n != 1 {
		t.Fatalf("UserSessions = %d, %v", n, err)
	}
	f.clock.Advance(2 * time.Hour)
	if _, found, _ := st.FindCtx(ctx, "cookie-token-1"); found {
		t.Fatal("an expired session was found")
	}
	if n, err := st.Prune(ctx); err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v", n, err)
	}
	if err := st.CommitCtx(ctx, "cookie-token-3", data, f.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteCtx(ctx, "cookie-token-3"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := st.FindCtx(ctx, "cookie-token-3"); found {
		t.Fatal("a deleted session was found")
	}
}

func TestCan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		u    User
		p    Permission
		want bool
	}{
		{User{Role: Superuser, Active: true}, PermSecurity, true},
		{User{Role: Superuser, Active: false}, PermSecurity, false},
		{User{Role: Staff, Active: true, Permissions: ParsePermissions("orders, mail,unknown")}, PermMail, true},
		{User{Role: Staff, Active: true, Permissions: ParsePermissions("orders,mail")}, PermSecurity, false},
		{User{Role: Seller, Active: true, Permissions: Permissions{PermCatalog}}, PermCatalog, false},
		{User{Role: Customer, Active: true}, PermOrders, false},
	}
	for _, tt := range tests {
		if got := tt.u.Can(tt.p); got != tt.want {
			t.Errorf("%s %v Can(%s) = %v", tt.u.Role, tt.u.Permissions, tt.p, got)
		}
	}
	if got := ParsePermissions("orders, mail,unknown").String(); got != "orders,mail" {
		t.Errorf("String = %q", got)
	}
}

// TestResetLiftsTheLock: opening a reset link proves the owner, who may
// sign in with the new password at once rather than after the window.
func TestResetLiftsTheLock(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.signedUp(t)
	for range LoginAccountLimit.Max {
		if _, err := f.s.Login(ctx, Login{Email: minji.Email, Password: "틀린 비밀번호입니다", IP: "203.0.113.7"}); !errors.Is(err, fault.ErrUnauthenticated) {
			t.Fatal(err)
		}
	}
	if _, err := f.s.Login(ctx, Login{Email: minji.Email, Password: minji.Password, IP: "203.0.113.7"}); !errors.Is(err, ratelimit.ErrLimited) {
		t.Fatalf("locked login = %v", err)
	}
	if err := f.s.RequestPasswordReset(ctx, minji.Email); err != nil {
		t.Fatal(err)
	}
	_, tok := f.lastMail(t, "minji@example.com")
	if _, err := f.s.ResetPassword(ctx, tok, "잠금을 푸는 새 비밀번호"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Login(ctx, Login{Email: minji.Email, Password: "잠금을 푸는 새 비밀번호", IP: "203.0.113.7"}); err != nil {
		t.Fatalf("login after the reset = %v", err)
	}
}
