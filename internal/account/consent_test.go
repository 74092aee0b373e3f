package account

import (
	"testing"
)

// Sign-up records the versions of the terms and the privacy policy the
// customer agreed to; a document never published records nothing.
func TestSignUpRecordsConsentVersions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		terms, privacy int64
		want           map[string]int64
	}{
		{"both published", 3, 2, map[string]int64{"terms": 3, "privacy": 2}},
		{"privacy never published", 1, 0, map[string]int64{"terms": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			in := minji
			in.TermsVersion, in.PrivacyVersion = tt.terms, tt.privacy
			if err := f.s.SignUp(t.Context(), in); err != nil {
				t.Fatal(err)
			}
			u, err := f.s.userWhere(t.Context(), f.d.Read(), `email = ?`, "minji@example.com")
			if err != nil {
				t.Fatal(err)
			}
			cs, err := f.s.Consents(t.Context(), u.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			for _, c := range cs {
				if c.Kind == ConsentMarketing {
					continue
				}
				got[c.Kind] = c.Version
				if !c.Given || !c.CreatedAt.Equal(f.clock.Now()) {
					t.Errorf("%s given %v at %v, want at %v", c.Kind, c.Given, c.CreatedAt, f.clock.Now())
				}
			}
			if len(got) != len(tt.want) || got["terms"] != tt.want["terms"] || got["privacy"] != tt.want["privacy"] {
				t.Fatalf("consents = %v, want %v", got, tt.want)
			}
		})
	}
	// Without agreeing nothing is stored, consent or user.
	f := newFixture(t)
	in := minji
	in.AgreeTerms, in.TermsVersion = false, 1
	if err := f.s.SignUp(t.Context(), in); err == nil {
		t.Fatal("sign-up without agreeing went through")
	}
	var n int
	if err := f.d.Read().GetContext(t.Context(), &n, `SELECT COUNT(*) FROM consent_events`); err != nil || n != 0 {
		t.Fatalf("%d consents, %v", n, err)
	}
}
