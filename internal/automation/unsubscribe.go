package automation

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
)

// Unsubscribe makes and checks the links in marketing mail that end a
// customer's consent without signing in. A link names the customer and
// carries a MAC of the id under a key derived from the shop's secret, so
// nobody can unsubscribe someone else, and it keeps working as long as the
// secret stays the same (a mail can be opened months later).
type Unsubscribe struct {
	key  []byte
	base string // the storefront's absolute address
}

// NewUnsubscribe returns links to base's unsubscribe page signed with key.
func NewUnsubscribe(key []byte, base string) *Unsubscribe {
	return &Unsubscribe{key: key, base: base}
}

func (u *Unsubscribe) token(userID int64) string {
	m := hmac.New(sha256.New, u.key)
	m.Write([]byte("unsubscribe:" + strconv.FormatInt(userID, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// Link is customer userID's unsubscribe link.
func (u *Unsubscribe) Link(userID int64) string {
	return u.base + "/unsubscribe?" + url.Values{"u": {strconv.FormatInt(userID, 10)}, "t": {u.token(userID)}}.Encode()
}

// Check returns the customer a link's u and t name, or false when they do
// not go together.
func (u *Unsubscribe) Check(id, token string) (int64, bool) {
	userID, err := strconv.ParseInt(id, 10, 64)
	if err != nil || userID <= 0 {
		return 0, false
	}
	return userID, hmac.Equal([]byte(token), []byte(u.token(userID)))
}
