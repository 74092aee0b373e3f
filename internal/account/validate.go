package account

import (
	_ "embed"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/fault"
)

const (
	maxNameRunes     = 100
	maxPasswordRunes = 256
	maxEmailBytes    = 254 // RFC 5321's limit on a forward path
)

// commonPasswords are passwords of at least MinPasswordRunes characters
// that lead the published lists of leaked passwords (and their Korean
// keyboard habits, like "qwer1234!!"), lower-cased. Shorter ones are
// refused by length already.
//
//go:embed common-passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonPasswordsText, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

func checkEmail(v *fault.Invalid, email string) {
	if email == "" {
		v.Add("email", "is required")
		return
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > maxEmailBytes || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
		v.Add("email", "is not a valid email address")
	}
}

// checkPassword adds a message for field when password is too short, too
// long, one of the common passwords, a simple run ("1234567890",
// "aaaaaaaaaa"), or built on the account's own email address.
func checkPassword(v *fault.Invalid, field, password, email string) {
	n := utf8.RuneCountInString(password)
	switch {
	case strings.TrimSpace(password) == "":
		v.Add(field, "is required")
	case n < MinPasswordRunes:
		v.Add(field, fmt.Sprintf("must be at least %d characters", MinPasswordRunes))
	case n > maxPasswordRunes:
		v.Add(field, fmt.Sprintf("must be at most %d characters", maxPasswordRunes))
	case commonPasswords[strings.ToLower(password)] || isRun(password):
		v.Add(field, "is too common; choose one that is harder to guess")
	case email != "" && containsLocalPart(password, email):
		v.Add(field, "must not contain your email address")
	}
}

// isRun reports whether s is one character repeated or a run of
// consecutive characters going up or down ("abcdefghij", "9876543210").
func isRun(s string) bool {
	rs := []rune(strings.ToLower(s))
	same, up, down := true, true, true
	for i := 1; i < len(rs); i++ {
		same = same && rs[i] == rs[0]
		up = up && rs[i] == rs[i-1]+1
		down = down && rs[i] == rs[i-1]-1
	}
	return same || up || down
}

func containsLocalPart(password, email string) bool {
	local := email
	if i := strings.IndexByte(email, '@'); i >= 0 {
		local = email[:i]
	}
	return len(local) >= 4 && strings.Contains(strings.ToLower(password), strings.ToLower(local))
}

func checkName(v *fault.Invalid, name string, required bool) {
	switch {
	case required && name == "":
		v.Add("name", "is required")
	case utf8.RuneCountInString(name) > maxNameRunes:
		v.Add("name", fmt.Sprintf("must be at most %d characters", maxNameRunes))
	case strings.ContainsFunc(name, unicode.IsControl):
		v.Add("name", "must not contain control characters")
	}
}

// checkPhone validates and normalises *phone in place; an empty phone is
// allowed unless required.
func checkPhone(v *fault.Invalid, phone *string, required bool) {
	*phone = strings.TrimSpace(*phone)
	if *phone == "" {
		if required {
			v.Add("phone", "is required")
		}
		return
	}
	p, err := address.NormalizePhone(*phone)
	if err != nil {
		v.Add("phone", "is not a valid phone number")
		return
	}
	*phone = p
}
