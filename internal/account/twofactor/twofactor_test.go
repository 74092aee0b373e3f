package twofactor

import (
	"strings"
	"testing"
)

func TestTOTPCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"123456", "123456", true},
		{" 123 456 ", "123456", true},
		{"123-456", "123456", true},
		{"12345", "", false},
		{"1234567", "", false},
		{"12a456", "", false},
		{"１２３４５６", "", false}, // full-width digits are not ASCII digits
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := totpCode(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("totpCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRecoveryCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"abcd-efgh-ijkm", "abcdefghijkm", true},
		{" ABCD EFGH IJKM ", "abcdefghijkm", true},
		{"abcdefghijkm", "abcdefghijkm", true},
		{"abcd-efgh-ijkl", "", false}, // l is not in the alphabet
		{"abcd-efgh-ijk", "", false},
		{"abcd-efgh-ijkm-n", "", false},
		{"123456", "", false},
	}
	for _, tt := range tests {
		got, ok := recoveryCode(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("recoveryCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNewRecoveryCodes(t *testing.T) {
	t.Parallel()
	codes, hashes, err := newRecoveryCodes(200)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	used := map[rune]bool{}
	for i, c := range codes {
		plain, ok := recoveryCode(c)
		if !ok {
			t.Fatalf("code %q does not read back as a recovery code", c)
		}
		if hashRecoveryCode(plain) != hashes[i] {
			t.Errorf("hash %d does not belong to code %q", i, c)
		}
		if seen[c] {
			t.Errorf("code %q made twice", c)
		}
		seen[c] = true
		for _, r := range plain {
			used[r] = true
		}
	}
	// 2,400 symbols drawn from 32 miss one with a chance of about 2⁻¹⁰⁴.
	if len(used) != len(recoveryAlphabet) {
		t.Errorf("codes use %d symbols, want all %d of %q", len(used), len(recoveryAlphabet), recoveryAlphabet)
	}
	for _, r := range "01lo" {
		if strings.ContainsRune(recoveryAlphabet, r) {
			t.Errorf("alphabet holds the easily misread %q", r)
		}
	}
}
