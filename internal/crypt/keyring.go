package crypt

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// KeySize is the length of every key in bytes (AES-256).
const KeySize = 32

// maxKeyIDLen bounds key ids: they are stored in front of every value.
const maxKeyIDLen = 16

// derivedKeyID names the key DeriveKeyring makes.
const derivedKeyID = "k0"

// deriveInfo is the HKDF info label for the derived key. It must never
// change: values encrypted under "k0" depend on it.
const deriveInfo = "mallang field encryption k0"

// Keyring holds the keys that field values may be encrypted under, each with
// a short id, and names the current one, which Encrypt uses. A Keyring is
// immutable once built and safe for concurrent use. Its String and GoString
// methods print the key ids only, so a Keyring printed by mistake shows no
// key material.
type Keyring struct {
	current string
	keys    map[string]entry
}

type entry struct {
	key  []byte
	aead cipher.AEAD
}

// NewKeyring builds a keyring from keys (id → 32-byte key) with current as
// the key that new values are encrypted under. Key ids are 1 to 16 letters,
// digits, '_' or '-'. The keys are copied. The error names the id at fault,
// never key material.
func NewKeyring(current string, keys map[string][]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("keyring: no keys")
	}
	kr := &Keyring{current: current, keys: make(map[string]entry, len(keys))}
	for id, k := range keys {
		if err := checkKeyID(id); err != nil {
			return nil, fmt.Errorf("keyring: %w", err)
		}
		e, err := newEntry(k)
		if err != nil {
			return nil, fmt.Errorf("keyring: key %q: %w", id, err)
		}
		kr.keys[id] = e
	}
	if _, ok := kr.keys[current]; !ok {
		return nil, fmt.Errorf("keyring: current key %q is not among the keys", current)
	}
	return kr, nil
}

// ParseKeyring reads a keyring from a configuration value of comma-separated
// "id:hex" entries, the first being the current key:
//
//	k2:<64 hex digits>,k1:<64 hex digits>
//
// Spaces around entries are ignored. Errors name the entry (by position and
// id) and what is wrong with it, and never repeat key material, so they are
// safe to print at startup.
func ParseKeyring(spec string) (*Keyring, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, errors.New("keyring: empty; want id:hex entries such as k1:<64 hex digits>")
	}
	keys := map[string][]byte{}
	current := ""
	for i, part := range strings.Split(spec, ",") {
		n := i + 1
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, fmt.Errorf("keyring: entry %d is empty", n)
		}
		id, hx, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("keyring: entry %d has no ':' between key id and key", n)
		}
		id, hx = strings.TrimSpace(id), strings.TrimSpace(hx)
		if err := checkKeyID(id); err != nil {
			return nil, fmt.Errorf("keyring: entry %d: %w", n, err)
		}
		if _, dup := keys[id]; dup {
			return nil, fmt.Errorf("keyring: entry %d: key id %q appears twice", n, id)
		}
		k, err := hex.DecodeString(hx)
		if err != nil {
			// hex errors quote the offending byte; keep key material out.
			return nil, fmt.Errorf("keyring: entry %d (%s): key is not hexadecimal; make one with: openssl rand -hex 32", n, id)
		}
		if len(k) != KeySize {
			return nil, fmt.Errorf("keyring: entry %d (%s): key has %d bytes, want %d (%d hex digits)", n, id, len(k), KeySize, 2*KeySize)
		}
		if current == "" {
			current = id
		}
		keys[id] = k
	}
	return NewKeyring(current, keys)
}

// DeriveKeyring derives a keyring with the single key "k0" from the app's
// secret key with HKDF-SHA256 and a fixed label, so shops that configure no
// keyring still store personal data encrypted. The derived key changes with
// the secret: a shop that replaces its secret key must first move to a
// configured keyring (see WithRetired) and run a rotation. secret must be at
// least 32 bytes, as config guarantees; DeriveKeyring panics otherwise,
// since a short secret is a programming error that would give a weak key.
func DeriveKeyring(secret []byte) *Keyring {
	if len(secret) < KeySize {
		panic(fmt.Sprintf("crypt: DeriveKeyring needs a secret of at least %d bytes, got %d", KeySize, len(secret)))
	}
	k, err := hkdf.Key(sha256.New, secret, nil, deriveInfo, KeySize)
	if err != nil {
		panic("crypt: derive key: " + err.Error()) // only for lengths HKDF cannot give
	}
	kr, err := NewKeyring(derivedKeyID, map[string][]byte{derivedKeyID: k})
	if err != nil {
		panic("crypt: derive keyring: " + err.Error())
	}
	return kr
}

// WithRetired returns a keyring with kr's current key and the keys of both kr
// and old, so values under old's keys still decrypt (and can be rotated)
// after a shop configures new ones. A typical use is moving from the derived
// key: ParseKeyring(spec) then WithRetired(DeriveKeyring(secret)). An id
// present in both with different key material is an error.
func (kr *Keyring) WithRetired(old *Keyring) (*Keyring, error) {
	out := &Keyring{current: kr.current, keys: make(map[string]entry, len(kr.keys)+len(old.keys))}
	for id, e := range kr.keys {
		out.keys[id] = e
	}
	for id, e := range old.keys {
		if have, ok := out.keys[id]; ok {
			if !bytes.Equal(have.key, e.key) {
				return nil, fmt.Errorf("keyring: key id %q names two different keys", id)
			}
			continue
		}
		out.keys[id] = e
	}
	return out, nil
}

// Current returns the id of the key that Encrypt uses.
func (kr *Keyring) Current() string { return kr.current }

// IDs returns the key ids, sorted.
func (kr *Keyring) IDs() []string {
	ids := make([]string, 0, len(kr.keys))
	for id := range kr.keys {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// String describes the keyring by its key ids only.
func (kr *Keyring) String() string {
	return fmt.Sprintf("crypt.Keyring{current: %s, keys: %s}", kr.current, strings.Join(kr.IDs(), ","))
}

// GoString is String, so %#v shows no key material either.
func (kr *Keyring) GoString() string { return kr.String() }

func newEntry(k []byte) (entry, error) {
	if len(k) != KeySize {
		return entry{}, fmt.Errorf("key has %d bytes, want %d", len(k), KeySize)
	}
	k = bytes.Clone(k)
	block, err := aes.NewCipher(k)
	if err != nil {
		return entry{}, err
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return entry{}, err
	}
	return entry{key: k, aead: aead}, nil
}

// checkKeyID accepts 1 to 16 ASCII letters, digits, '_' or '-': ids go into
// stored values between '.' separators and into configuration between ','
// and ':'.
func checkKeyID(id string) error {
	if id == "" {
		return errors.New("key id is empty")
	}
	if len(id) > maxKeyIDLen {
		return fmt.Errorf("key id %q is longer than %d characters", id, maxKeyIDLen)
	}
	for _, c := range []byte(id) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-':
		default:
			return fmt.Errorf("key id %q may hold only letters, digits, '_' and '-'", id)
		}
	}
	return nil
}
