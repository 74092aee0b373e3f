// Package crypt encrypts personal data stored in database columns (phone
// numbers, addresses) with AES-256-GCM under a keyring of named keys, and
// re-encrypts stored values when the current key changes.
//
// A stored value is text: "v1.<key id>.<base64url(nonce || ciphertext)>".
// The key id travels with each value so old keys can be retired one at a
// time, and the caller's additional data (aad) binds a value to its place,
// such as "users.phone:42", so a value copied into another row or column
// does not decrypt. See docs/decisions/0013-field-encryption.md.
package crypt

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// ErrUndecryptable means a stored value cannot be decrypted: it is not in the
// v1 format, names a key the keyring lacks, was altered, or is read with
// other additional data than it was written with. Errors wrapping it never
// contain the value.
var ErrUndecryptable = errors.New("crypt: value cannot be decrypted")

// version prefixes every value this package writes.
const version = "v1"

// b64 is unpadded base64url in strict mode, so every stored value has exactly
// one spelling.
var b64 = base64.RawURLEncoding.Strict()

// Encrypt encrypts plaintext under the current key with a fresh random
// nonce, so two encryptions of the same text differ. aad is not stored but
// must be given again to Decrypt; pass where the value lives, such as
// "users.phone:42". An empty plaintext gives a valid value; callers that mean
// "no value" store NULL or "" instead of calling Encrypt.
func (kr *Keyring) Encrypt(plaintext, aad []byte) (string, error) {
	e := kr.keys[kr.current]
	head := kr.currentPrefix()
	sealed := e.aead.Seal(nil, nil, plaintext, additional(head, aad))
	return head + b64.EncodeToString(sealed), nil
}

// Decrypt returns the plaintext of a value made by Encrypt under any key of
// the keyring, given the same aad. Every failure wraps ErrUndecryptable; the
// message names the key id when the keyring lacks it, and never the value.
func (kr *Keyring) Decrypt(value string, aad []byte) ([]byte, error) {
	ver, rest, ok := strings.Cut(value, ".")
	if !ok || ver != version {
		return nil, fmt.Errorf("not a %s value: %w", version, ErrUndecryptable)
	}
	id, body, ok := strings.Cut(rest, ".")
	if !ok || checkKeyID(id) != nil {
		return nil, fmt.Errorf("malformed key id: %w", ErrUndecryptable)
	}
	e, ok := kr.keys[id]
	if !ok {
		return nil, fmt.Errorf("unknown key id %q: %w", id, ErrUndecryptable)
	}
	sealed, err := b64.DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("malformed ciphertext: %w", ErrUndecryptable)
	}
	if len(sealed) < e.aead.Overhead() {
		return nil, fmt.Errorf("ciphertext too short: %w", ErrUndecryptable)
	}
	pt, err := e.aead.Open(nil, nil, sealed, additional(value[:len(ver)+1+len(id)+1], aad))
	if err != nil {
		return nil, fmt.Errorf("key %q: authentication failed: %w", id, ErrUndecryptable)
	}
	if pt == nil {
		pt = []byte{}
	}
	return pt, nil
}

// EncryptString is Encrypt for text.
func (kr *Keyring) EncryptString(plaintext, aad string) (string, error) {
	return kr.Encrypt([]byte(plaintext), []byte(aad))
}

// DecryptString is Decrypt for text.
func (kr *Keyring) DecryptString(value, aad string) (string, error) {
	pt, err := kr.Decrypt(value, []byte(aad))
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// NeedsRotation reports whether value is stored under a key other than the
// current one. The empty string (no value) needs none; anything that is not
// a value under the current key does, including malformed text, so that
// Rotate reports it rather than passing over it.
func (kr *Keyring) NeedsRotation(value string) bool {
	return value != "" && !strings.HasPrefix(value, kr.currentPrefix())
}

func (kr *Keyring) currentPrefix() string { return version + "." + kr.current + "." }

// additional is the data GCM authenticates besides the ciphertext: the
// value's header, then the caller's aad. The header ends in '.', which a key
// id cannot hold, so the split between the two is unambiguous.
func additional(head string, aad []byte) []byte {
	b := make([]byte, 0, len(head)+len(aad))
	b = append(b, head...)
	return append(b, aad...)
}
