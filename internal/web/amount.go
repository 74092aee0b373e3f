package web

import "github.com/mallang/mallang/internal/money"

// Money writes a as the page's language writes amounts: 37,600원 in
// Korean, as Korean shops do, and ₩37,600 in English (decision 0053).
// Prices and points go through it alike.
func (lc *locale) Money(a money.Amount) string {
	if lc.lang == langKo {
		return a.Korean()
	}
	return a.String()
}

// Won is Money of n won.
func (lc *locale) Won(n int64) string { return lc.Money(money.Won(n)) }

// Points writes a number of points: as won in Korean (1,290원, points
// being worth a won each), and as a bare number in English, where the
// label says "points".
func (lc *locale) Points(n int64) string {
	if lc.lang == langKo {
		return money.Won(n).Korean()
	}
	return money.Won(n).Number()
}
