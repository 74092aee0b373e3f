package crypt

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// Digest is the stored form of a secret token (a session, a one-time link,
// a refresh token, a visitor's cart) or a rate-limit key: its SHA-256 in
// hex. A row is found by the digest of what the client presents, and a copy
// of the table gives no token away.
func Digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Derive makes a key for one purpose from the shop's secret key (HMAC-SHA256
// of the purpose), so one secret can sign API tokens, test-payment approvals
// and the like without any of those keys being usable for another.
func Derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}
