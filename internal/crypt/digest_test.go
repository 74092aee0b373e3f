package crypt

import (
	"bytes"
	"testing"
)

func TestDigestAndDerive(t *testing.T) {
	t.Parallel()
	// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
	if got := Digest("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("Digest(abc) = %s", got)
	}
	secret := []byte("a secret of at least thirty-two bytes")
	a, b := Derive(secret, "api tokens"), Derive(secret, "testpay")
	if len(a) != 32 || bytes.Equal(a, b) || !bytes.Equal(a, Derive(secret, "api tokens")) {
		t.Errorf("Derive: %x, %x", a, b)
	}
}
