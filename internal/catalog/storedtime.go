package catalog

import (
	"fmt"
	"time"
)

// storedTime scans a timestamp that the driver hands over either as a
// time.Time (pgx; modernc for a column declared as a time) or as the text
// SQLite stores, "2006-01-02 15:04:05.999999999-07:00" (modernc for an
// expression). It parses that text by hand, without allocating, and falls
// back to the other layouts SQLite may hold, such as CURRENT_TIMESTAMP's.
// The time is in UTC.
type storedTime time.Time

// storedLayouts are the layouts tried when the text is not in the usual
// form, as the SQLite driver tries them.
var storedLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// Scan implements sql.Scanner.
func (st *storedTime) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case time.Time:
		*st = storedTime(v.UTC())
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("scan %T into a time", v)
	}
	if t, ok := parseStoredTime(s); ok {
		*st = storedTime(t)
		return nil
	}
	for _, layout := range storedLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			*st = storedTime(t.UTC())
			return nil
		}
	}
	return fmt.Errorf("scan %q into a time: unknown layout", s)
}

// parseStoredTime parses "2006-01-02 15:04:05" with an optional fraction
// of up to nine digits and an optional zone, "Z" or "±07:00" (none means
// UTC), the T form included.
func parseStoredTime(s string) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	var f [6]int
	for i, p := range [6][2]int{{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}} {
		v, ok := num(p[0], p[1])
		if !ok {
			return time.Time{}, false
		}
		f[i] = v
	}
	rest := s[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return time.Time{}, false
		}
		frac, _ := num(19+1, n-1)
		for k := n - 1; k < 9; k++ {
			frac *= 10
		}
		nsec = frac
		rest = rest[n:]
	}
	offset := 0
	switch {
	case rest == "" || rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		i := len(s) - 5
		h, ok1 := num(i, 2)
		m, ok2 := num(i+3, 2)
		if !ok1 || !ok2 {
			return time.Time{}, false
		}
		offset = (h*60 + m) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 59 {
		return time.Time{}, false
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], nsec, time.UTC)
	return t.Add(-time.Duration(offset) * time.Second), true
}
