package account

import (
	"context"
	"testing"

	"github.com/mallang/mallang/internal/fault"
)

func TestParseBirthday(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Birthday
		bad  bool
	}{
		{"", Birthday{}, false},
		{"05-17", Birthday{Month: 5, Day: 17}, false},
		{"1990-05-17", Birthday{Year: 1990, Month: 5, Day: 17}, false},
		{"02-29", Birthday{Month: 2, Day: 29}, false},
		{"5-17", Birthday{Month: 5, Day: 17}, false},
		{"90-05-17", Birthday{}, true},
		{"1990-05-", Birthday{}, true},
		{"may 17", Birthday{}, true},
		{"1990-05-17-01", Birthday{}, true},
		{"-05-17", Birthday{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseBirthday(tt.in)
			if _, inv := fault.AsInvalid(err); inv != tt.bad || got != tt.want {
				t.Fatalf("ParseBirthday(%q) = %+v, %v; want %+v, bad %v", tt.in, got, err, tt.want, tt.bad)
			}
		})
	}
}

// A birthday is kept when it is a real date (the year encrypted), refused
// with a message under "birthday" when not, and removed when cleared.
func TestProfileBirthday(t *testing.T) {
	t.Parallel()
	f := newFixture(t) // 2026-11-30 in Korea
	ctx := context.Background()
	u := f.signedUp(t)
	tests := []struct {
		name string
		b    Birthday
		bad  bool
	}{
		{"month and day", Birthday{Month: 5, Day: 17}, false},
		{"with a year", Birthday{Year: 1990, Month: 5, Day: 17}, false},
		{"leap day without a year", Birthday{Month: 2, Day: 29}, false},
		{"leap day of a leap year", Birthday{Year: 2000, Month: 2, Day: 29}, false},
		{"leap day of another year", Birthday{Year: 2001, Month: 2, Day: 29}, true},
		{"april 31", Birthday{Month: 4, Day: 31}, true},
		{"month 13", Birthday{Month: 13, Day: 1}, true},
		{"day 0", Birthday{Month: 1, Day: 0}, true},
		{"in the future", Birthday{Year: 2026, Month: 12, Day: 1}, true},
		{"today", Birthday{Year: 2026, Month: 11, Day: 30}, false},
		{"too old", Birthday{Year: 1899, Month: 1, Day: 1}, true},
		{"none", Birthday{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, err := f.s.User(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.s.UpdateProfile(ctx, u.ID, Profile{Name: u.Name, Phone: u.Phone, Birthday: tt.b})
			if tt.bad {
				if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["birthday"] == "" {
					t.Fatalf("UpdateProfile(%+v) = %v, want a message under birthday", tt.b, err)
				}
				after, err := f.s.User(ctx, u.ID)
				if err != nil || after.Birthday != before.Birthday {
					t.Fatalf("a refused birthday changed %+v to %+v (%v)", before.Birthday, after.Birthday, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			read, err := f.s.User(ctx, u.ID)
			if err != nil || got.Birthday != tt.b || read.Birthday != tt.b {
				t.Fatalf("birthday = %+v, read back %+v (%v); want %+v", got.Birthday, read.Birthday, err, tt.b)
			}
		})
	}
	// The year is not stored in the clear.
	if _, err := f.s.UpdateProfile(ctx, u.ID, Profile{Name: u.Name, Phone: u.Phone, Birthday: Birthday{Year: 1987, Month: 3, Day: 9}}); err != nil {
		t.Fatal(err)
	}
	var enc string
	if err := f.d.Read().GetContext(ctx, &enc, f.d.Read().Rebind(`SELECT birth_year_enc FROM users WHERE id = ?`), u.ID); err != nil || enc == "" || enc == "1987" {
		t.Fatalf("birth_year_enc = %q, %v", enc, err)
	}
}

// Sign-up takes a birthday, optionally, and refuses one that does not
// exist; closing the account removes it.
func TestSignUpBirthday(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	in := minji
	in.Birthday = Birthday{Month: 2, Day: 30}
	if inv, ok := fault.AsInvalid(f.s.SignUp(ctx, in)); !ok || inv.Fields["birthday"] == "" {
		t.Fatalf("sign-up with 2월 30일 = %+v", inv)
	}
	if n := f.count(t, "users"); n != 0 {
		t.Fatalf("%d users after a refused sign-up", n)
	}
	in.Birthday = Birthday{Year: 1995, Month: 2, Day: 28}
	if err := f.s.SignUp(ctx, in); err != nil {
		t.Fatal(err)
	}
	_, tok := f.lastMail(t, "minji@example.com")
	u, err := f.s.Verify(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if u.Birthday != in.Birthday {
		t.Fatalf("birthday after sign-up = %+v", u.Birthday)
	}
	if err := f.s.Delete(ctx, u.ID, minji.Password); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.d.Read().GetContext(ctx, &n, f.d.Read().Rebind(`SELECT COUNT(*) FROM users WHERE id = ? AND (birth_month IS NOT NULL OR birth_year_enc <> '')`), u.ID); err != nil || n != 0 {
		t.Fatalf("a closed account keeps its birthday: %d, %v", n, err)
	}
}
