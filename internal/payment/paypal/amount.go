package paypal

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// currency is a PayPal-supported currency and its number of minor-unit
// digits in PayPal's "value" strings.
type currency struct {
	code     string
	decimals int
}

// currencies is PayPal's list of currencies it takes for payments (its
// "Currency codes" reference). JPY, HUF and TWD take no decimals; BRL, MYR
// and CNY work only for accounts in their own country. KRW is absent.
var currencies = map[string]int{
	"AUD": 2, "BRL": 2, "CAD": 2, "CNY": 2, "CZK": 2, "DKK": 2, "EUR": 2,
	"HKD": 2, "HUF": 0, "ILS": 2, "JPY": 0, "MYR": 2, "MXN": 2, "TWD": 0,
	"NZD": 2, "NOK": 2, "PHP": 2, "PLN": 2, "GBP": 2, "SGD": 2, "SEK": 2,
	"CHF": 2, "THB": 2, "USD": 2,
}

func lookupCurrency(code string) (currency, error) {
	if code == "KRW" {
		return currency{}, errors.New("PayPal does not take Korean won (KRW); price orders in a currency it supports, such as USD")
	}
	d, ok := currencies[code]
	if !ok {
		return currency{}, fmt.Errorf("%q is not a currency PayPal supports", code)
	}
	return currency{code: code, decimals: d}, nil
}

// rate is how many won one unit (not minor unit) of the currency is worth,
// held exactly.
type rate struct{ r *big.Rat }

// parseRate reads a plain positive decimal ("1385.50"). It refuses
// fractions, exponents and signs, which big.Rat would otherwise accept, so a
// typo in configuration cannot turn into a different rate.
func parseRate(s string) (rate, error) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || (strings.Contains(s, ".") && (frac == "" || !digits(frac))) {
		return rate{}, fmt.Errorf("%q is not a decimal number like 1385.50", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() <= 0 {
		return rate{}, fmt.Errorf("%q must be a positive decimal number", s)
	}
	return rate{r: r}, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// fromWon converts won to minor units of c at r, rounded half up:
// won / r × 10^decimals, exactly.
func (r rate) fromWon(won int64, c currency) (int64, error) {
	if won < 0 {
		return 0, fmt.Errorf("negative amount %d won", won)
	}
	x := new(big.Rat).SetInt64(won)
	x.Mul(x, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(c.decimals)), nil)))
	x.Quo(x, r.r)
	// Half up for x ≥ 0: floor((2·num + den) / (2·den)).
	num := new(big.Int).Mul(x.Num(), big.NewInt(2))
	num.Add(num, x.Denom())
	den := new(big.Int).Mul(x.Denom(), big.NewInt(2))
	q := new(big.Int).Quo(num, den)
	if !q.IsInt64() {
		return 0, fmt.Errorf("%d won is too large to convert to %s", won, c.code)
	}
	return q.Int64(), nil
}

// formatValue writes minor units of c as PayPal's decimal string: 1234 USD
// is "12.34", 1234 JPY is "1234".
func formatValue(minor int64, c currency) string {
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if c.decimals > 0 {
		if len(s) <= c.decimals {
			s = strings.Repeat("0", c.decimals-len(s)+1) + s
		}
		s = s[:len(s)-c.decimals] + "." + s[len(s)-c.decimals:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// parseValue reads one of PayPal's amounts back into minor units, exactly.
// It refuses more decimals than the currency has rather than round.
func parseValue(value, code string) (int64, currency, error) {
	c, err := lookupCurrency(code)
	if err != nil {
		return 0, currency{}, err
	}
	whole, frac, dot := strings.Cut(value, ".")
	if !digits(whole) || (dot && !digits(frac)) || len(frac) > c.decimals {
		return 0, currency{}, fmt.Errorf("amount %q is not a %s value", value, code)
	}
	frac += strings.Repeat("0", c.decimals-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, currency{}, fmt.Errorf("amount %q: %w", value, err)
	}
	return n, c, nil
}
