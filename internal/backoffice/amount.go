package backoffice

import "github.com/mallang/mallang/internal/money"

// Money writes a as the page's language writes amounts: 37,600원 in
// Korean, as Korean shops do, and ₩37,600 in English (decision 0053).
// Prices and points go through it alike.
func (m *messages) Money(a money.Amount) string {
	if m.code == "ko" {
		return a.Korean()
	}
	return a.String()
}

// Won is Money of n won.
func (m *messages) Won(n int64) string { return m.Money(money.Won(n)) }
