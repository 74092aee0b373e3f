// Package money holds amounts as integers in a currency's minor unit. KRW has
// no minor unit, so ₩12,900 is Amount{Minor: 12900, Currency: KRW}. Floats are
// never used for money.
package money

import (
	"strconv"
	"strings"
)

// Currency is an ISO 4217 code.
type Currency string

// Currencies the shop knows how to format.
const (
	KRW Currency = "KRW"
	USD Currency = "USD"
)

// Decimals is the number of minor-unit digits of c.
func (c Currency) Decimals() int {
	switch c {
	case KRW, "JPY":
		return 0
	default:
		return 2
	}
}

// Symbol is the sign written before an amount of c.
func (c Currency) Symbol() string {
	switch c {
	case KRW:
		return "₩"
	case USD:
		return "$"
	default:
		return string(c) + " "
	}
}

// Amount is a sum of money in the minor unit of its currency.
type Amount struct {
	Minor    int64
	Currency Currency
}

// New returns minor units of c.
func New(minor int64, c Currency) Amount { return Amount{Minor: minor, Currency: c} }

// Won returns an amount in Korean won.
func Won(w int64) Amount { return Amount{Minor: w, Currency: KRW} }

// IsZero reports whether a is zero.
func (a Amount) IsZero() bool { return a.Minor == 0 }

// Rounding names how a fractional minor unit is resolved.
type Rounding int

// Rounding rules.
const (
	RoundDown Rounding = iota // towards zero
	RoundHalfUp
)

// BasisPoints returns a × bp / 10,000 rounded by r (330 bp is 3.3 %).
// It multiplies before dividing so no precision is lost.
func (a Amount) BasisPoints(bp int64, r Rounding) Amount {
	p := a.Minor * bp
	q := p / 10000
	if r == RoundHalfUp {
		rem := p % 10000
		if rem < 0 {
			rem = -rem
		}
		if rem*2 >= 10000 {
			if p < 0 {
				q--
			} else {
				q++
			}
		}
	}
	return Amount{Minor: q, Currency: a.Currency}
}

// String formats a with its symbol and thousands separators: ₩12,900, $1,234.50.
func (a Amount) String() string {
	return a.Currency.Symbol() + a.Number()
}

// Korean formats a as Korean text writes an amount: the number followed by
// 원 for won (37,600원), so "원" is also the word a particle reads
// (37,600원이). Other currencies are written as String writes them. The
// storefront, back office and mails use it for prices and points alike on
// Korean pages (decision 0053); English pages keep String.
func (a Amount) Korean() string {
	if a.Currency == KRW {
		return a.Number() + "원"
	}
	return a.String()
}

// Number formats a without the symbol: 12,900 or 1,234.50.
func (a Amount) Number() string {
	m := a.Minor
	neg := m < 0
	if neg {
		m = -m
	}
	d := a.Currency.Decimals()
	var unit, frac int64 = m, 0
	if d > 0 {
		pow := int64(1)
		for range d {
			pow *= 10
		}
		unit, frac = m/pow, m%pow
	}
	s := strconv.FormatInt(unit, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if d > 0 {
		f := strconv.FormatInt(frac, 10)
		b.WriteByte('.')
		b.WriteString(strings.Repeat("0", d-len(f)))
		b.WriteString(f)
	}
	return b.String()
}
