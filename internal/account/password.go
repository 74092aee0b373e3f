package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: one of the configurations the OWASP password storage
// cheat sheet lists as equally strong (m=12 MiB, t=3, p=1; the first
// release used m=19 MiB, t=2). It takes a third less memory for the same
// CPU time, and a burst of sign-ins holds that memory once per core
// (decision 0072). The parameters are stored with each hash, so hashes made
// with other ones keep working and the parameters can be raised later.
const (
	argonMemoryKiB = 12 * 1024
	argonTime      = 3
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

var errBadHash = errors.New("malformed password hash")

// HashPassword returns an argon2id hash of password in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$key).
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash, in constant time.
func CheckPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || mem == 0 || t == 0 || p == 0 {
		return false, errBadHash
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// hashing bounds how many argon2id computations run at once: one per core
// (GOMAXPROCS). Each takes 12 MiB and about 30 ms of one core, so more at
// once would not finish sooner; a burst of logins without a bound would
// take memory in proportion to the burst, and with it the time of every
// other request. Waiting callers give up with their context.
type hashing chan struct{}

func newHashing(n int) hashing { return make(hashing, max(n, 1)) }

func (h hashing) acquire(ctx context.Context) error {
	select {
	case h <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait to check a password: %w", ctx.Err())
	}
}

func (h hashing) release() { <-h }

// hashPassword is HashPassword within the service's bound.
func (s *Service) hashPassword(ctx context.Context, password string) (string, error) {
	if err := s.hashing.acquire(ctx); err != nil {
		return "", err
	}
	defer s.hashing.release()
	return HashPassword(password)
}

// checkPassword is CheckPassword within the service's bound. A malformed
// hash counts as a mismatch.
func (s *Service) checkPassword(ctx context.Context, hash, password string) (bool, error) {
	if err := s.hashing.acquire(ctx); err != nil {
		return false, err
	}
	defer s.hashing.release()
	ok, err := CheckPassword(hash, password)
	return ok && err == nil, nil
}
