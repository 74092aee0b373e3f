package twofactor

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
)

// start is the test clock's first reading: 5 seconds into a time step.
var start = time.Date(2025, 3, 1, 10, 0, 5, 0, time.UTC)

const step = Period * time.Second

type fixture struct {
	d   *db.DB
	s   *Service
	clk *fake.Clock
}

func testKeyring(t *testing.T, id string, fill byte) *crypt.Keyring {
	t.Helper()
	kr, err := crypt.NewKeyring(id, map[string][]byte{id: bytes.Repeat([]byte{fill}, crypt.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

// setup returns a fresh database with staff users 1 and 2 and a service on
// a test clock.
func setup(t *testing.T) fixture {
	t.Helper()
	d := dbtest.New(t)
	for _, u := range []struct {
		id    int64
		email string
	}{{1, "admin@mallang.test"}, {2, "kim@mallang.test"}} {
		_, err := d.Write().ExecContext(t.Context(), d.Write().Rebind(
			`INSERT INTO users (id, email, name, role, active) VALUES (?, ?, '직원', 'staff', TRUE)`), u.id, u.email)
		if err != nil {
			t.Fatal(err)
		}
	}
	clk := fake.NewClock(start)
	return fixture{d: d, s: NewService(d, testKeyring(t, "k1", 1), Name("말랑상점"), clk.Now), clk: clk}
}

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol sets up an app for userID and moves the clock past the step that
// confirmed it, returning the secret and the recovery codes.
func (f fixture) enrol(t *testing.T, userID int64) (string, []string) {
	t.Helper()
	e, err := f.s.Begin(t.Context(), userID, fmt.Sprintf("user%d@mallang.test", userID))
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	codes, err := f.s.Confirm(t.Context(), userID, codeAt(t, e.Secret, f.clk.Now()))
	if err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	f.clk.Advance(10 * step)
	return e.Secret, codes
}

func TestEnrolment(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	e, err := f.s.Begin(ctx, 1, "admin@mallang.test")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[A-Z2-7]{32}$`).MatchString(e.Secret) {
		t.Errorf("Secret = %q, want 32 base32 characters", e.Secret)
	}
	key, err := otp.NewKeyFromURL(e.URL)
	if err != nil {
		t.Fatal(err)
	}
	if key.Type() != "totp" || key.Issuer() != "말랑상점" || key.AccountName() != "admin@mallang.test" || key.Secret() != e.Secret ||
		key.Period() != Period || key.Digits() != otp.DigitsSix || key.Algorithm() != otp.AlgorithmSHA1 {
		t.Errorf("URL = %q: type %s issuer %q account %q period %d digits %d algorithm %s",
			e.URL, key.Type(), key.Issuer(), key.AccountName(), key.Period(), key.Digits(), key.Algorithm())
	}
	img, err := png.Decode(bytes.NewReader(e.QRPNG))
	if err != nil {
		t.Fatalf("QRPNG is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != qrSize || b.Dy() != qrSize {
		t.Errorf("QR code is %v, want %d×%d", b, qrSize, qrSize)
	}
	if on, err := f.s.Enabled(ctx, 1); err != nil || on {
		t.Errorf("Enabled after Begin = %v, %v; want false (pending is not enforced)", on, err)
	}

	codes, err := f.s.Confirm(ctx, 1, codeAt(t, e.Secret, f.clk.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != RecoveryCodes {
		t.Fatalf("got %d recovery codes, want %d", len(codes), RecoveryCodes)
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if !regexp.MustCompile(`^[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}$`).MatchString(c) {
			t.Errorf("recovery code %q is not like abcd-efgh-ijkm", c)
		}
		if seen[c] {
			t.Errorf("recovery code %q given twice", c)
		}
		seen[c] = true
	}
	if on, err := f.s.Enabled(ctx, 1); err != nil || !on {
		t.Errorf("Enabled after Confirm = %v, %v; want true", on, err)
	}
	if n, err := f.s.RemainingRecoveryCodes(ctx, 1); err != nil || n != RecoveryCodes {
		t.Errorf("RemainingRecoveryCodes = %d, %v; want %d", n, err, RecoveryCodes)
	}
	if on, err := f.s.Enabled(ctx, 2); err != nil || on {
		t.Errorf("Enabled of another user = %v, %v; want false", on, err)
	}
	// The code that confirmed the app cannot also pass the login after it.
	if err := f.s.Verify(ctx, 1, codeAt(t, e.Secret, f.clk.Now())); !errors.Is(err, ErrWrongCode) {
		t.Errorf("Verify with the confirming code = %v, want ErrWrongCode", err)
	}
	f.clk.Advance(step)
	if err := f.s.Verify(ctx, 1, codeAt(t, e.Secret, f.clk.Now())); err != nil {
		t.Errorf("Verify with the next code = %v", err)
	}
}

func TestConfirmRefuses(t *testing.T) {
	t.Parallel()
	other, err := totp.Generate(totp.GenerateOpts{Issuer: "x", AccountName: "y"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		code func(secret string) string
		want string
	}{
		{"empty", func(string) string { return " " }, "is required"},
		{"too short", func(string) string { return "12345" }, "is not the current code"},
		{"letters", func(string) string { return "abcdef" }, "is not the current code"},
		{"two steps old", func(s string) string { return codeAt(t, s, start.Add(-2*step)) }, "is not the current code"},
		{"two steps ahead", func(s string) string { return codeAt(t, s, start.Add(2*step)) }, "is not the current code"},
		{"another secret", func(string) string { return codeAt(t, other.Secret(), start) }, "is not the current code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			e, err := f.s.Begin(t.Context(), 1, "admin@mallang.test")
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.s.Confirm(t.Context(), 1, tt.code(e.Secret))
			inv, ok := fault.AsInvalid(err)
			if !ok || inv.Fields["code"] != tt.want {
				t.Fatalf("Confirm = %v, want code %q", err, tt.want)
			}
			if on, err := f.s.Enabled(t.Context(), 1); err != nil || on {
				t.Errorf("Enabled = %v, %v; want false", on, err)
			}
			// The setup is still pending and can be finished.
			if _, err := f.s.Confirm(t.Context(), 1, codeAt(t, e.Secret, start)); err != nil {
				t.Errorf("Confirm with the right code afterwards = %v", err)
			}
		})
	}
}

func TestConfirmWithoutPending(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	if _, err := f.s.Confirm(ctx, 1, "123456"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("Confirm before Begin = %v, want ErrNotFound", err)
	}
	secret, _ := f.enrol(t, 1)
	if _, err := f.s.Confirm(ctx, 1, codeAt(t, secret, f.clk.Now())); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("Confirm a second time = %v, want ErrNotFound", err)
	}
	if _, err := f.s.Begin(ctx, 99, "nobody@mallang.test"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("Begin for a missing user = %v, want ErrNotFound", err)
	}
}

func TestBeginReplacesPending(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	old, _ := f.enrol(t, 1)

	first, err := f.s.Begin(ctx, 1, "admin@mallang.test")
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.s.Begin(ctx, 1, "admin@mallang.test")
	if err != nil {
		t.Fatal(err)
	}
	if first.Secret == second.Secret {
		t.Fatal("Begin gave the same secret twice")
	}
	// Until the new app is confirmed, login still takes the old one.
	if err := f.s.Verify(ctx, 1, codeAt(t, old, f.clk.Now())); err != nil {
		t.Fatalf("Verify with the active app during a new setup = %v", err)
	}
	if _, err := f.s.Confirm(ctx, 1, codeAt(t, first.Secret, f.clk.Now())); !isInvalidCode(err) {
		t.Errorf("Confirm with the replaced pending secret = %v, want invalid code", err)
	}
	if _, err := f.s.Confirm(ctx, 1, codeAt(t, second.Secret, f.clk.Now())); err != nil {
		t.Fatalf("Confirm with the latest pending secret = %v", err)
	}
	f.clk.Advance(step)
	if err := f.s.Verify(ctx, 1, codeAt(t, old, f.clk.Now())); !errors.Is(err, ErrWrongCode) {
		t.Errorf("Verify with the replaced app = %v, want ErrWrongCode", err)
	}
	if err := f.s.Verify(ctx, 1, codeAt(t, second.Secret, f.clk.Now())); err != nil {
		t.Errorf("Verify with the new app = %v", err)
	}
}

func isInvalidCode(err error) bool {
	inv, ok := fault.AsInvalid(err)
	return ok && inv.Fields["code"] != ""
}

func TestVerifyTimeSteps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		offset time.Duration // of the code's time from now
		format func(string) string
		want   error
	}{
		{"current", 0, nil, nil},
		{"current, 29 seconds later", 0, nil, nil},
		{"previous step", -step, nil, nil},
		{"next step", step, nil, nil},
		{"two steps ago", -2 * step, nil, ErrWrongCode},
		{"two steps ahead", 2 * step, nil, ErrWrongCode},
		{"with a space", 0, func(c string) string { return c[:3] + " " + c[3:] }, nil},
		{"with a dash and padding", 0, func(c string) string { return " " + c[:3] + "-" + c[3:] + " " }, nil},
		{"five digits", 0, func(c string) string { return c[:5] }, ErrWrongCode},
		{"seven digits", 0, func(c string) string { return c + "0" }, ErrWrongCode},
		{"empty", 0, func(string) string { return "" }, ErrWrongCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			secret, _ := f.enrol(t, 1)
			code := codeAt(t, secret, f.clk.Now().Add(tt.offset))
			if tt.name == "current, 29 seconds later" {
				f.clk.Advance(24 * time.Second) // the clock was 5 s into its step
			}
			if tt.format != nil {
				code = tt.format(code)
			}
			if err := f.s.Verify(t.Context(), 1, code); !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			if tt.want != nil && !errors.Is(tt.want, fault.ErrUnauthenticated) {
				t.Fatal("ErrWrongCode is not fault.ErrUnauthenticated")
			}
		})
	}
}

func TestVerifyRefusesReplay(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	secret, _ := f.enrol(t, 1)

	now := f.clk.Now()
	if err := f.s.Verify(ctx, 1, codeAt(t, secret, now)); err != nil {
		t.Fatalf("first use = %v", err)
	}
	if err := f.s.Verify(ctx, 1, codeAt(t, secret, now)); !errors.Is(err, ErrWrongCode) {
		t.Errorf("same code again = %v, want ErrWrongCode", err)
	}
	// A code for an earlier step than one already accepted is refused too,
	// though it is within the skew.
	if err := f.s.Verify(ctx, 1, codeAt(t, secret, now.Add(-step))); !errors.Is(err, ErrWrongCode) {
		t.Errorf("code of the step before the used one = %v, want ErrWrongCode", err)
	}
	if err := f.s.Verify(ctx, 1, codeAt(t, secret, now.Add(step))); err != nil {
		t.Errorf("code of the next step = %v", err)
	}
	f.clk.Advance(step)
	if err := f.s.Verify(ctx, 1, codeAt(t, secret, f.clk.Now())); !errors.Is(err, ErrWrongCode) {
		t.Errorf("next step's code again, in its own step = %v, want ErrWrongCode", err)
	}
	f.clk.Advance(step)
	if err := f.s.Verify(ctx, 1, codeAt(t, secret, f.clk.Now())); err != nil {
		t.Errorf("a fresh code later = %v", err)
	}
}

func TestVerifyNotEnabled(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	if err := f.s.Verify(ctx, 1, "123456"); !errors.Is(err, ErrNotEnabled) || !errors.Is(err, fault.ErrUnauthenticated) {
		t.Errorf("Verify without setup = %v, want ErrNotEnabled (unauthenticated)", err)
	}
	e, err := f.s.Begin(ctx, 1, "admin@mallang.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.Verify(ctx, 1, codeAt(t, e.Secret, f.clk.Now())); !errors.Is(err, ErrNotEnabled) {
		t.Errorf("Verify with a pending secret = %v, want ErrNotEnabled", err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	_, codes := f.enrol(t, 1)
	_, others := f.enrol(t, 2)

	tests := []struct {
		name string
		code string
		want error
	}{
		{"another user's code", others[0], ErrWrongCode},
		{"made up", "abcd-efgh-ijkm", ErrWrongCode},
		{"too long", codes[0] + "a", ErrWrongCode},
		{"upper case with spaces", " " + strings.ToUpper(strings.ReplaceAll(codes[0], "-", " ")) + " ", nil},
		{"same code again", codes[0], ErrWrongCode},
		{"without dashes", strings.ReplaceAll(codes[1], "-", ""), nil},
		{"as shown", codes[2], nil},
	}
	for _, tt := range tests { // in order: each step builds on the one before
		if err := f.s.Verify(ctx, 1, tt.code); !errors.Is(err, tt.want) {
			t.Errorf("%s: Verify = %v, want %v", tt.name, err, tt.want)
		}
	}
	if n, err := f.s.RemainingRecoveryCodes(ctx, 1); err != nil || n != RecoveryCodes-3 {
		t.Errorf("RemainingRecoveryCodes = %d, %v; want %d", n, err, RecoveryCodes-3)
	}
	if n, err := f.s.RemainingRecoveryCodes(ctx, 2); err != nil || n != RecoveryCodes {
		t.Errorf("RemainingRecoveryCodes of the other user = %d, %v; want %d", n, err, RecoveryCodes)
	}
}

// TestVerifyConcurrent sends one code from many logins at once: exactly one
// gets in, whether the code is a TOTP code or a recovery code.
func TestVerifyConcurrent(t *testing.T) {
	t.Parallel()
	const logins = 20
	tests := []struct {
		name string
		code func(t *testing.T, f fixture, secret string, recovery []string) string
	}{
		{"totp", func(t *testing.T, f fixture, secret string, _ []string) string { return codeAt(t, secret, f.clk.Now()) }},
		{"recovery code", func(_ *testing.T, _ fixture, _ string, recovery []string) string { return recovery[3] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			secret, recovery := f.enrol(t, 1)
			code := tt.code(t, f, secret, recovery)
			// A second service shares the database, as a second app node would.
			s2 := NewService(f.d, testKeyring(t, "k1", 1), Name("말랑상점"), f.clk.Now)
			errs := make(chan error, logins)
			ready := make(chan struct{})
			var wg sync.WaitGroup
			for i := range logins {
				s := f.s
				if i%2 == 1 {
					s = s2
				}
				wg.Go(func() {
					<-ready
					errs <- s.Verify(t.Context(), 1, code)
				})
			}
			close(ready)
			wg.Wait()
			close(errs)
			ok := 0
			for err := range errs {
				switch {
				case err == nil:
					ok++
				case !errors.Is(err, ErrWrongCode):
					t.Errorf("Verify = %v, want nil or ErrWrongCode", err)
				}
			}
			if ok != 1 {
				t.Errorf("%d of %d logins with one code got in, want 1", ok, logins)
			}
		})
	}
}

func TestRegenerateRecoveryCodes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	if _, err := f.s.RegenerateRecoveryCodes(ctx, 1); !errors.Is(err, ErrNotEnabled) {
		t.Errorf("RegenerateRecoveryCodes without setup = %v, want ErrNotEnabled", err)
	}
	_, old := f.enrol(t, 1)
	if err := f.s.Verify(ctx, 1, old[0]); err != nil {
		t.Fatal(err)
	}
	fresh, err := f.s.RegenerateRecoveryCodes(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh) != RecoveryCodes {
		t.Fatalf("got %d codes, want %d", len(fresh), RecoveryCodes)
	}
	if n, err := f.s.RemainingRecoveryCodes(ctx, 1); err != nil || n != RecoveryCodes {
		t.Errorf("RemainingRecoveryCodes = %d, %v; want %d", n, err, RecoveryCodes)
	}
	for _, c := range old[1:] {
		if err := f.s.Verify(ctx, 1, c); !errors.Is(err, ErrWrongCode) {
			t.Errorf("old code %s after regenerating = %v, want ErrWrongCode", c, err)
		}
	}
	if err := f.s.Verify(ctx, 1, fresh[9]); err != nil {
		t.Errorf("new code = %v", err)
	}
}

func TestReset(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	secret, codes := f.enrol(t, 1)
	f.enrol(t, 2)
	if _, err := f.s.Begin(ctx, 1, "admin@mallang.test"); err != nil { // a pending setup goes too
		t.Fatal(err)
	}
	reset := func(id int64) error {
		return f.d.InTx(ctx, func(q db.Querier) error { return f.s.Reset(ctx, q, id) })
	}
	if err := reset(1); err != nil {
		t.Fatal(err)
	}
	if on, err := f.s.Enabled(ctx, 1); err != nil || on {
		t.Errorf("Enabled after Reset = %v, %v; want false", on, err)
	}
	if n, err := f.s.RemainingRecoveryCodes(ctx, 1); err != nil || n != 0 {
		t.Errorf("RemainingRecoveryCodes after Reset = %d, %v; want 0", n, err)
	}
	if err := f.s.Verify(ctx, 1, codeAt(t, secret, f.clk.Now())); !errors.Is(err, ErrNotEnabled) {
		t.Errorf("Verify TOTP after Reset = %v, want ErrNotEnabled", err)
	}
	if err := f.s.Verify(ctx, 1, codes[0]); !errors.Is(err, ErrNotEnabled) {
		t.Errorf("Verify recovery code after Reset = %v, want ErrNotEnabled", err)
	}
	if _, err := f.s.Confirm(ctx, 1, "123456"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("Confirm the pending setup after Reset = %v, want ErrNotFound", err)
	}
	if on, err := f.s.Enabled(ctx, 2); err != nil || !on {
		t.Errorf("Enabled of another user after Reset = %v, %v; want true", on, err)
	}
	if err := reset(1); err != nil {
		t.Errorf("Reset again = %v, want nil", err)
	}
	// A rolled-back transaction keeps the setup.
	boom := errors.New("boom")
	err := f.d.InTx(ctx, func(q db.Querier) error {
		if err := f.s.Reset(ctx, q, 2); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if on, err := f.s.Enabled(ctx, 2); err != nil || !on {
		t.Errorf("Enabled after a rolled-back Reset = %v, %v; want true", on, err)
	}
	// The user can set up an app again.
	f.enrol(t, 1)
}

func TestEncryptedAtRest(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	active, codes := f.enrol(t, 1)
	e, err := f.s.Begin(ctx, 1, "admin@mallang.test")
	if err != nil {
		t.Fatal(err)
	}
	var row struct {
		Secret  string `db:"secret_enc"`
		Pending string `db:"pending_secret_enc"`
	}
	if err := f.d.Read().GetContext(ctx, &row, `SELECT secret_enc, pending_secret_enc FROM two_factor WHERE user_id = 1`); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{row.Secret, row.Pending} {
		if !strings.HasPrefix(v, "v1.k1.") {
			t.Errorf("stored secret %q is not a crypt value", v)
		}
		for _, plain := range []string{active, e.Secret, strings.ToLower(active), strings.ToLower(e.Secret)} {
			if strings.Contains(v, plain) {
				t.Errorf("stored secret %q holds the secret in clear", v)
			}
		}
	}
	var hashes []string
	if err := f.d.Read().SelectContext(ctx, &hashes, `SELECT code_hash FROM two_factor_recovery_codes WHERE user_id = 1`); err != nil {
		t.Fatal(err)
	}
	if len(hashes) != RecoveryCodes {
		t.Fatalf("stored %d recovery codes, want %d", len(hashes), RecoveryCodes)
	}
	all := strings.Join(hashes, " ")
	for _, c := range codes {
		if strings.Contains(all, c) || strings.Contains(all, strings.ReplaceAll(c, "-", "")) {
			t.Errorf("recovery code %s is stored in clear", c)
		}
	}

	// A secret moved to another user's row does not decrypt there.
	_, err = f.d.Write().ExecContext(ctx, `INSERT INTO two_factor (user_id, secret_enc) SELECT 2, secret_enc FROM two_factor WHERE user_id = 1`)
	if err != nil {
		t.Fatal(err)
	}
	err = f.s.Verify(ctx, 2, codeAt(t, active, f.clk.Now()))
	if err == nil || !errors.Is(err, crypt.ErrUndecryptable) {
		t.Errorf("Verify with a secret copied from another user = %v, want ErrUndecryptable", err)
	}
}

func TestRotate(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	secret, _ := f.enrol(t, 1)
	pending, err := f.s.Begin(ctx, 1, "admin@mallang.test")
	if err != nil {
		t.Fatal(err)
	}
	f.enrol(t, 2)

	k2 := testKeyring(t, "k2", 2)
	both, err := k2.WithRetired(testKeyring(t, "k1", 1))
	if err != nil {
		t.Fatal(err)
	}
	st, err := crypt.Rotate(ctx, f.d, both, EncryptedColumns, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rotated != 3 || st.Skipped != 0 {
		t.Errorf("Rotate = %+v, want 3 rotated (two active, one pending)", st)
	}
	// Only the new key is needed from now on.
	s := NewService(f.d, k2, Name("말랑상점"), f.clk.Now)
	if err := s.Verify(ctx, 1, codeAt(t, secret, f.clk.Now())); err != nil {
		t.Errorf("Verify after rotation = %v", err)
	}
	if _, err := s.Confirm(ctx, 1, codeAt(t, pending.Secret, f.clk.Now())); err != nil {
		t.Errorf("Confirm the pending setup after rotation = %v", err)
	}
	if st, err := crypt.Rotate(ctx, f.d, both, EncryptedColumns, nil); err != nil || st.Rotated != 0 {
		t.Errorf("second Rotate = %+v, %v; want nothing to do", st, err)
	}
}

// TestConfirmConcurrent confirms one setup from many requests at once: one
// activates it and gets recovery codes, the rest are told it is no longer
// pending, and the user ends with one set of codes.
func TestConfirmConcurrent(t *testing.T) {
	t.Parallel()
	const requests = 20
	f := setup(t)
	e, err := f.s.Begin(t.Context(), 1, "admin@mallang.test")
	if err != nil {
		t.Fatal(err)
	}
	code := codeAt(t, e.Secret, f.clk.Now())
	type result struct {
		codes []string
		err   error
	}
	results := make(chan result, requests)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			<-ready
			codes, err := f.s.Confirm(t.Context(), 1, code)
			results <- result{codes, err}
		})
	}
	close(ready)
	wg.Wait()
	close(results)
	var won []string
	for r := range results {
		switch {
		case r.err == nil:
			if won != nil {
				t.Error("two requests confirmed the same setup")
			}
			won = r.codes
		case !errors.Is(r.err, fault.ErrConflict) && !errors.Is(r.err, fault.ErrNotFound):
			t.Errorf("Confirm = %v, want nil, ErrConflict or ErrNotFound", r.err)
		}
	}
	if won == nil {
		t.Fatal("no request confirmed the setup")
	}
	if n, err := f.s.RemainingRecoveryCodes(t.Context(), 1); err != nil || n != RecoveryCodes {
		t.Errorf("RemainingRecoveryCodes = %d, %v; want %d", n, err, RecoveryCodes)
	}
	if err := f.s.Verify(t.Context(), 1, won[0]); err != nil {
		t.Errorf("a code of the winning request = %v", err)
	}
}

func TestLabelWithoutColons(t *testing.T) {
	t.Parallel()
	f := setup(t)
	s := NewService(f.d, testKeyring(t, "k1", 1), Name(" 말랑: 수제 초콜릿 "), f.clk.Now)
	e, err := s.Begin(t.Context(), 1, "admin:1@mallang.test")
	if err != nil {
		t.Fatal(err)
	}
	key, err := otp.NewKeyFromURL(e.URL)
	if err != nil {
		t.Fatal(err)
	}
	if key.Issuer() != "말랑  수제 초콜릿" || key.AccountName() != "admin 1@mallang.test" {
		t.Errorf("issuer %q, account %q; want the colons replaced", key.Issuer(), key.AccountName())
	}
	noIssuer := NewService(f.d, testKeyring(t, "k1", 1), Name(":"), f.clk.Now)
	if _, err := noIssuer.Begin(t.Context(), 1, "admin@mallang.test"); err == nil {
		t.Error("Begin without an issuer name succeeded")
	}
}
