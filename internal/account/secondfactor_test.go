package account

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/mallang/mallang/internal/account/twofactor"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/ratelimit"
)

// enrol sets up an authenticator app for u and returns its secret and
// recovery codes; the clock is past the step that confirmed it.
func (f *fixture) enrol(t *testing.T, u User) (string, []string) {
	t.Helper()
	e, err := f.tf.Begin(t.Context(), u.ID, u.Email)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := f.tf.Confirm(t.Context(), u.ID, f.totp(t, e.Secret))
	if err != nil {
		t.Fatal(err)
	}
	return e.Secret, codes
}

// totp moves the clock to the next time step and returns secret's code
// for it.
func (f *fixture) totp(t *testing.T, secret string) string {
	t.Helper()
	f.clock.Advance(twofactor.Period * time.Second)
	c, err := totp.GenerateCodeCustom(secret, f.clock.Now(), totp.ValidateOpts{Period: twofactor.Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCheckSecondFactor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	u := f.superuser(t, "boss@example.com")
	secret, recovery := f.enrol(t, u)

	// A right code passes once; the same code again is refused.
	code := f.totp(t, secret)
	if err := f.s.CheckSecondFactor(ctx, u.ID, code); err != nil {
		t.Fatalf("right code: %v", err)
	}
	if err := f.s.CheckSecondFactor(ctx, u.ID, code); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("replayed code = %v", err)
	}
	// A recovery code passes CheckSecondFactor, but CheckTOTP refuses it
	// as malformed without spending or counting it.
	if err := f.s.CheckTOTP(ctx, u.ID, recovery[0]); err == nil {
		t.Fatal("CheckTOTP took a recovery code")
	} else if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["code"] == "" {
		t.Fatalf("CheckTOTP(recovery code) = %v", err)
	}
	if err := f.s.CheckSecondFactor(ctx, u.ID, recovery[0]); err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	// The right code cleared the count of the replay above; after as many
	// wrong codes as the limit allows, even the right one is refused until
	// the window ends.
	for i := range SecondFactorLimit.Max {
		if err := f.s.CheckTOTP(ctx, u.ID, "000000"); !errors.Is(err, fault.ErrUnauthenticated) {
			t.Fatalf("wrong code %d = %v", i, err)
		}
	}
	err := f.s.CheckTOTP(ctx, u.ID, f.totp(t, secret))
	if wait, ok := ratelimit.RetryAfter(err); !ok || wait <= 0 || !errors.Is(err, ratelimit.ErrLimited) {
		t.Fatalf("right code over the limit = %v", err)
	}
	f.clock.Advance(SecondFactorLimit.Window)
	if err := f.s.CheckTOTP(ctx, u.ID, f.totp(t, secret)); err != nil {
		t.Fatalf("right code after the window: %v", err)
	}

	// Someone without an app gets ErrNoSecondFactor, not counted.
	other := f.superuser(t, "other@example.com")
	for range SecondFactorLimit.Max + 1 {
		if err := f.s.CheckTOTP(ctx, other.ID, "123456"); !errors.Is(err, ErrNoSecondFactor) || !errors.Is(err, fault.ErrUnauthenticated) {
			t.Fatalf("no app = %v", err)
		}
	}
}

func TestTokenScopes(t *testing.T) {
	t.Parallel()
	all := []string{"catalog", "orders", "customers", "content", "mail", "security", "settings", "stats"}
	tests := []struct {
		name    string
		u       User
		issued  []string
		granted Permissions // of the token issued to u, checked against u
	}{
		{"superuser", User{Role: Superuser, Active: true}, all, AllPermissions},
		{"staff", User{Role: Staff, Active: true, Permissions: Permissions{PermOrders, PermCatalog}}, []string{"catalog", "orders"}, Permissions{PermCatalog, PermOrders}},
		{"staff without permissions", User{Role: Staff, Active: true}, nil, nil},
		{"customer", User{Role: Customer, Active: true, Permissions: Permissions{PermOrders}}, nil, nil},
		{"inactive superuser", User{Role: Superuser}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.u.TokenScopes(); !slices.Equal(got, tt.issued) {
				t.Errorf("TokenScopes = %v, want %v", got, tt.issued)
			}
			if got := tt.u.Granted(tt.u.TokenScopes()); !slices.Equal(got, tt.granted) {
				t.Errorf("Granted = %v, want %v", got, tt.granted)
			}
		})
	}
	// At use, a token gives only what its user still has.
	now := User{Role: Staff, Active: true, Permissions: Permissions{PermCatalog, PermMail}}
	if got := now.Granted([]string{"orders", "catalog", "unknown"}); !slices.Equal(got, Permissions{PermCatalog}) {
		t.Errorf("narrowed = %v", got)
	}
	if got := (User{Role: Customer, Active: true}).Granted(all); len(got) != 0 {
		t.Errorf("demoted = %v", got)
	}
	if !(Permissions{PermOrders}).Has(PermOrders) || (Permissions{PermCatalog}).Has(PermOrders) {
		t.Error("Has")
	}
}
