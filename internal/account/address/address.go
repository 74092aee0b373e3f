// Package address keeps customers' delivery addresses: the address book a
// customer picks from at checkout.
//
// A customer has up to MaxPerUser addresses and, when they have any, exactly
// one default. Everything the customer types (label, recipient, phone,
// postcode, address lines, delivery note) is personal data and is stored
// encrypted with internal/crypt, each value bound to its column and row so a
// value copied into another row does not decrypt; EncryptedColumns lists the
// columns for key rotation. See docs/decisions/0016-address-book.md.
package address

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

// MaxPerUser is how many addresses one customer may keep. It bounds what a
// checkout page lists and what one account can write.
const MaxPerUser = 20

// Longest values accepted, in runes (characters, so Korean counts one per
// syllable).
const (
	MaxLabelRunes     = 30
	MaxRecipientRunes = 50
	MaxLineRunes      = 200
	MaxNoteRunes      = 100
)

// Address is one delivery address of a customer, decrypted.
type Address struct {
	ID     int64
	UserID int64
	// Label is the customer's name for the address ("집", "회사"); may be "".
	Label     string
	Recipient string
	// Phone is in E.164, such as "+821012345678".
	Phone string
	// Postcode is the five-digit 우편번호.
	Postcode string
	// Line1 is the road or lot address; Line2 the detail (동·호수), may be "".
	Line1 string
	Line2 string
	// Note is the delivery note for the courier (배송 메모); may be "".
	Note      string
	IsDefault bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Input is what a customer enters for an address. Values are trimmed before
// they are checked and stored; Phone may be typed in any usual Korean form
// and is stored in E.164.
type Input struct {
	Label, Recipient, Phone, Postcode, Line1, Line2, Note string
	// MakeDefault makes the address the default. Leaving it false never
	// takes the default away: a customer with addresses always has one.
	MakeDefault bool
}

// ErrInvalidPhone means a phone number cannot be read as a valid number.
var ErrInvalidPhone = errors.New("not a valid phone number")

// phoneRegion is the region of numbers typed without a country code.
const phoneRegion = "KR"

// NormalizePhone returns s as an E.164 number ("+821012345678"). Numbers
// without a country code are read as Korean, so "010-1234-5678",
// "01012345678" and "+82 10 1234 5678" give the same result; numbers of other
// countries need their "+" code. Only digits, spaces, '+', '-', '.', '(' and
// ')' are accepted (no letters, no extensions), and the number must be one
// that can exist, not just one of a plausible length. Any failure is
// ErrInvalidPhone, whose message is safe to show.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 32 {
		return "", ErrInvalidPhone
	}
	if e164, ok := koreanMobile(s); ok {
		return e164, nil
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789+-.() ", r) {
			return "", ErrInvalidPhone
		}
	}
	n, err := phonenumbers.Parse(s, phoneRegion)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", ErrInvalidPhone
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// koreanMobile reads the commonest number typed, a Korean mobile number of
// 010 and eight digits with or without hyphens or spaces, the way the
// general parser reads it, at a fraction of its cost (which is about a
// tenth of a millisecond, on every checkout); ok is false for anything
// else, which the parser then reads. 010 numbers whose fourth digit is 5 are
// left to the parser too: the numbering plan treats them apart. A test
// compares both on every 010 prefix.
func koreanMobile(s string) (e164 string, ok bool) {
	var d [11]byte
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n == len(d) {
				return "", false
			}
			d[n] = c
			n++
		case c != '-' && c != ' ':
			return "", false
		}
	}
	if n != len(d) || d[0] != '0' || d[1] != '1' || d[2] != '0' || d[3] == '5' {
		return "", false
	}
	return "+82" + string(d[1:]), true
}

// normalize returns in trimmed, with the phone in E.164, or *fault.Invalid
// with one message per bad field under the keys label, recipient, phone,
// postcode, line1, line2 and note.
func (in Input) normalize() (Input, error) {
	out := Input{
		Label:       strings.TrimSpace(in.Label),
		Recipient:   strings.TrimSpace(in.Recipient),
		Phone:       strings.TrimSpace(in.Phone),
		Postcode:    strings.TrimSpace(in.Postcode),
		Line1:       strings.TrimSpace(in.Line1),
		Line2:       strings.TrimSpace(in.Line2),
		Note:        strings.TrimSpace(in.Note),
		MakeDefault: in.MakeDefault,
	}
	var v fault.Invalid
	CheckText(&v, "label", out.Label, false, MaxLabelRunes)
	CheckText(&v, "recipient", out.Recipient, true, MaxRecipientRunes)
	CheckText(&v, "line1", out.Line1, true, MaxLineRunes)
	CheckText(&v, "line2", out.Line2, false, MaxLineRunes)
	CheckText(&v, "note", out.Note, false, MaxNoteRunes)
	switch {
	case out.Postcode == "":
		v.Add("postcode", "is required")
	case !pricing.ValidPostcode(out.Postcode):
		v.Add("postcode", "must be a 5-digit postcode")
	}
	if out.Phone == "" {
		v.Add("phone", "is required")
	} else if p, err := NormalizePhone(out.Phone); err != nil {
		v.Add("phone", "is not a valid phone number")
	} else {
		out.Phone = p
	}
	if err := v.Err(); err != nil {
		return Input{}, err
	}
	return out, nil
}

// CheckText adds a message for field to v when s is missing but required,
// too long, or not one line of text. Line breaks and control characters are
// refused because the values end up on one-line courier labels and in CSV
// exports; orders check their typed addresses and notes with it too.
func CheckText(v *fault.Invalid, field, s string, required bool, maxRunes int) {
	switch {
	case s == "" && required:
		v.Add(field, "is required")
	case !utf8.ValidString(s):
		v.Add(field, "is not valid text")
	case strings.ContainsFunc(s, unicode.IsControl):
		v.Add(field, "must not contain line breaks or control characters")
	case utf8.RuneCountInString(s) > maxRunes:
		v.Add(field, "must be at most "+strconv.Itoa(maxRunes)+" characters")
	}
}

// secrets lists the encrypted columns of the addresses table with the field
// of a that each holds; everything that encrypts, decrypts or rotates walks
// this one list.
func secrets(a *Address) []crypt.Field {
	c := func(name string) crypt.Column { return crypt.Column{Table: "addresses", IDColumn: "id", Column: name} }
	return []crypt.Field{
		{Column: c("label_enc"), Value: &a.Label},
		{Column: c("recipient_enc"), Value: &a.Recipient},
		{Column: c("phone_enc"), Value: &a.Phone},
		{Column: c("postcode_enc"), Value: &a.Postcode},
		{Column: c("line1_enc"), Value: &a.Line1},
		{Column: c("line2_enc"), Value: &a.Line2},
		{Column: c("note_enc"), Value: &a.Note},
	}
}

// EncryptedColumns returns the encrypted columns of the addresses table, for
// crypt.Rotate (`mallang rotate-keys`).
func EncryptedColumns() []crypt.Column { return crypt.ColumnsOf(secrets(&Address{})) }
