package crypt

import (
	"crypto/rand"
	"errors"
	"strings"
	"testing"
)

// testKeyring has k1 and k2 with k2 current.
func testKeyring(t *testing.T) *Keyring {
	t.Helper()
	k1, _ := testKey(1)
	k2, _ := testKey(2)
	kr, err := NewKeyring("k2", map[string][]byte{"k1": k1, "k2": k2})
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	kr := testKeyring(t)
	tests := []struct {
		name, plain, aad string
	}{
		{"korean", "서울특별시 강남구 테헤란로 427, 위워크타워 10층", "addresses.line1:7"},
		{"phone", "+821012345678", "users.phone:42"},
		{"empty plaintext", "", "users.phone:1"},
		{"empty aad", "비밀", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := kr.EncryptString(tt.plain, tt.aad)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(v, "v1.k2.") || strings.ContainsAny(v, "+/= ") {
				t.Fatalf("value %q is not v1.k2.<base64url>", v)
			}
			if tt.plain != "" && strings.Contains(v, tt.plain) {
				t.Fatal("value holds the plaintext")
			}
			got, err := kr.DecryptString(v, tt.aad)
			if err != nil || got != tt.plain {
				t.Fatalf("DecryptString = %q, %v; want %q", got, err, tt.plain)
			}
			b, err := kr.Decrypt(v, []byte(tt.aad))
			if err != nil || b == nil {
				t.Fatalf("Decrypt = %v, %v; want non-nil bytes", b, err)
			}
			if kr.NeedsRotation(v) {
				t.Fatal("a value under the current key needs rotation")
			}
		})
	}
}

func TestEncryptionsDiffer(t *testing.T) {
	t.Parallel()
	kr := testKeyring(t)
	a, _ := kr.EncryptString("010-1234-5678", "users.phone:1")
	b, _ := kr.EncryptString("010-1234-5678", "users.phone:1")
	if a == b {
		t.Fatal("two encryptions of the same text are equal")
	}
}

func TestDecryptFails(t *testing.T) {
	t.Parallel()
	kr := testKeyring(t)
	const aad = "users.phone:42"
	v, err := kr.EncryptString("+821012345678", aad)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.TrimPrefix(v, "v1.k2.")
	sealed, err := b64.DecodeString(body)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) string {
		c := []byte(string(sealed))
		c[i] ^= 0x01
		return "v1.k2." + b64.EncodeToString(c)
	}
	k3, _ := testKey(3)
	other, _ := NewKeyring("k2", map[string][]byte{"k2": k3})
	rnd := make([]byte, 64)
	_, _ = rand.Read(rnd)

	tests := []struct {
		name, value, aad string
		kr               *Keyring
	}{
		{"tampered nonce", flip(0), aad, kr},
		{"tampered ciphertext", flip(14), aad, kr},
		{"tampered tag", flip(len(sealed) - 1), aad, kr},
		{"truncated", "v1.k2." + b64.EncodeToString(sealed[:len(sealed)-1]), aad, kr},
		{"key id switched to another known key", "v1.k1." + body, aad, kr},
		{"unknown key id", "v1.k9." + body, aad, kr},
		{"wrong aad (another row)", v, "users.phone:43", kr},
		{"wrong aad (another column)", v, "addresses.line1:42", kr},
		{"no aad", v, "", kr},
		{"same id, other key", v, aad, other},
		{"changed base64 spelling", v[:len(v)-1] + string(v[len(v)-1]^1), aad, kr},
		{"empty", "", aad, kr},
		{"only version", "v1.", aad, kr},
		{"no body", "v1.k2", aad, kr},
		{"empty body", "v1.k2.", aad, kr},
		{"other version", "v2.k1.xx", aad, kr},
		{"plaintext left in column", "010-1234-5678", aad, kr},
		{"bad base64", "v1.k2.!!!!", aad, kr},
		{"padding", v + "==", aad, kr},
		{"bad key id", "v1.k/2." + body, aad, kr},
		{"random bytes", string(rnd), aad, kr},
		{"random bytes after header", "v1.k2." + string(rnd), aad, kr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.kr.DecryptString(tt.value, tt.aad)
			if !errors.Is(err, ErrUndecryptable) {
				t.Fatalf("DecryptString = %q, %v; want ErrUndecryptable", got, err)
			}
			if len(tt.value) > 8 && strings.Contains(err.Error(), tt.value[6:]) {
				t.Fatalf("error %q holds the value", err)
			}
		})
	}
}

func TestNeedsRotation(t *testing.T) {
	t.Parallel()
	kr := testKeyring(t)
	k1, _ := testKey(1)
	old, _ := NewKeyring("k1", map[string][]byte{"k1": k1})
	underK1, _ := old.EncryptString("a", "b")
	underK2, _ := kr.EncryptString("a", "b")
	tests := []struct {
		name  string
		value string
		want  bool
	}{
		{"current key", underK2, false},
		{"old key", underK1, true},
		{"empty", "", false},
		{"garbage", "010-1234-5678", true},
		{"prefix of current id", "v1.k22.abc", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := kr.NeedsRotation(tt.value); got != tt.want {
				t.Fatalf("NeedsRotation = %v, want %v", got, tt.want)
			}
		})
	}
}

func FuzzDecrypt(f *testing.F) {
	f.Add("v1.k2.AAAA", "a")
	f.Add("v1..", "")
	f.Add("v2.k1.xx", "x")
	k2, _ := testKey(2)
	kr, _ := NewKeyring("k2", map[string][]byte{"k2": k2})
	f.Fuzz(func(t *testing.T, value, aad string) {
		if _, err := kr.DecryptString(value, aad); err != nil && !errors.Is(err, ErrUndecryptable) {
			t.Fatalf("error %v does not wrap ErrUndecryptable", err)
		}
	})
}
