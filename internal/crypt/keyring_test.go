package crypt

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// testKey returns a 32-byte key filled with b, and its hex.
func testKey(b byte) ([]byte, string) {
	k := bytes.Repeat([]byte{b}, KeySize)
	return k, fmt.Sprintf("%x", k)
}

func TestParseKeyring(t *testing.T) {
	t.Parallel()
	_, h1 := testKey(0x11)
	_, h2 := testKey(0x22)
	tests := []struct {
		name    string
		spec    string
		current string
		ids     string
		wantErr string // substring of the error; "" means success
	}{
		{"two keys", "k2:" + h2 + ",k1:" + h1, "k2", "k1,k2", ""},
		{"spaces", " k2 : " + h2 + " , k1:" + h1 + " ", "k2", "k1,k2", ""},
		{"upper-case hex", "k1:" + strings.ToUpper(h1), "k1", "k1", ""},
		{"empty", "  ", "", "", "keyring: empty"},
		{"empty entry", "k1:" + h1 + ",", "", "", "entry 2 is empty"},
		{"no colon", h1, "", "", "entry 1 has no ':'"},
		{"empty id", ":" + h1, "", "", "entry 1: key id is empty"},
		{"bad id", "k.1:" + h1, "", "", `key id "k.1" may hold only`},
		{"long id", strings.Repeat("k", 17) + ":" + h1, "", "", "longer than 16"},
		{"duplicate id", "k1:" + h1 + ",k1:" + h2, "", "", `entry 2: key id "k1" appears twice`},
		{"not hex", "k1:" + h1[:62] + "zz", "", "", "entry 1 (k1): key is not hexadecimal"},
		{"short", "k1:" + h1[:32], "", "", "entry 1 (k1): key has 16 bytes, want 32"},
		{"long", "k1:" + h1 + "00", "", "", "key has 33 bytes"},
		{"odd length", "k1:" + h1[:63], "", "", "entry 1 (k1): key is not hexadecimal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kr, err := ParseKeyring(tt.spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseKeyring error = %v, want one containing %q", err, tt.wantErr)
				}
				for _, secret := range []string{h1[:16], h2[:16], strings.ToUpper(h1[:16])} {
					if strings.Contains(err.Error(), secret) {
						t.Fatalf("error %q repeats key material", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseKeyring: %v", err)
			}
			if kr.Current() != tt.current || strings.Join(kr.IDs(), ",") != tt.ids {
				t.Fatalf("keyring %v, want current %s and ids %s", kr, tt.current, tt.ids)
			}
		})
	}
}

func TestNewKeyring(t *testing.T) {
	t.Parallel()
	k1, _ := testKey(1)
	tests := []struct {
		name    string
		current string
		keys    map[string][]byte
		wantErr string
	}{
		{"ok", "k1", map[string][]byte{"k1": k1}, ""},
		{"no keys", "k1", nil, "no keys"},
		{"current missing", "k2", map[string][]byte{"k1": k1}, `current key "k2" is not among`},
		{"short key", "k1", map[string][]byte{"k1": k1[:16]}, `key "k1": key has 16 bytes`},
		{"bad id", "k 1", map[string][]byte{"k 1": k1}, "may hold only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewKeyring(tt.current, tt.keys)
			if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("NewKeyring error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewKeyringCopiesKeys(t *testing.T) {
	t.Parallel()
	k, _ := testKey(7)
	kr, err := NewKeyring("k1", map[string][]byte{"k1": k})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := kr.EncryptString("010-1234-5678", "a")
	k[0] ^= 1 // the caller reuses its buffer
	if got, err := kr.DecryptString(v, "a"); err != nil || got != "010-1234-5678" {
		t.Fatalf("after the caller changed its key buffer: %q, %v", got, err)
	}
}

func TestKeyringPrintsNoKeys(t *testing.T) {
	t.Parallel()
	k, h := testKey(0xab)
	kr, err := NewKeyring("k1", map[string][]byte{"k1": k})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(f, kr)
		if strings.Contains(out, h[:8]) || strings.Contains(out, "171 171") || !strings.Contains(out, "k1") {
			t.Fatalf("Sprintf(%q) = %q", f, out)
		}
	}
}

func TestDeriveKeyring(t *testing.T) {
	t.Parallel()
	secret := bytes.Repeat([]byte{9}, 32)
	a, b := DeriveKeyring(secret), DeriveKeyring(bytes.Clone(secret))
	if a.Current() != "k0" {
		t.Fatalf("current = %q, want k0", a.Current())
	}
	v, err := a.EncryptString("서울특별시", "x")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.DecryptString(v, "x"); err != nil || got != "서울특별시" {
		t.Fatalf("same secret: %q, %v", got, err)
	}
	if _, err := DeriveKeyring(bytes.Repeat([]byte{8}, 32)).DecryptString(v, "x"); err == nil {
		t.Fatal("another secret decrypted the value")
	}
	// The derived key is not the secret itself.
	if bytes.Equal(a.keys["k0"].key, secret) {
		t.Fatal("derived key equals the secret")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a 16-byte secret did not panic")
		}
	}()
	DeriveKeyring(secret[:16])
}

func TestWithRetired(t *testing.T) {
	t.Parallel()
	secret := bytes.Repeat([]byte{5}, 32)
	derived := DeriveKeyring(secret)
	old, err := derived.EncryptString("010-0000-0000", "users.phone:1")
	if err != nil {
		t.Fatal(err)
	}
	_, h1 := testKey(1)
	configured, err := ParseKeyring("k1:" + h1)
	if err != nil {
		t.Fatal(err)
	}
	kr, err := configured.WithRetired(derived)
	if err != nil {
		t.Fatal(err)
	}
	if kr.Current() != "k1" || strings.Join(kr.IDs(), ",") != "k0,k1" {
		t.Fatalf("merged keyring %v", kr)
	}
	if got, err := kr.DecryptString(old, "users.phone:1"); err != nil || got != "010-0000-0000" {
		t.Fatalf("old value: %q, %v", got, err)
	}
	if !kr.NeedsRotation(old) {
		t.Fatal("a k0 value needs no rotation under k1")
	}
	_, h2 := testKey(2)
	clash, _ := ParseKeyring("k0:" + h2)
	if _, err := clash.WithRetired(derived); err == nil || !strings.Contains(err.Error(), `"k0" names two different keys`) {
		t.Fatalf("clash error = %v", err)
	}
}
