package db

import (
	"fmt"
	"time"
)

// Time scans a timestamp that the driver hands over either as a time.Time
// (pgx; modernc for a column declared as a time) or as the text SQLite
// stores, "2006-01-02 15:04:05.999999999-07:00" (modernc for an
// expression), which it parses with ParseTime. The time is in UTC.
type Time time.Time

// Scan implements sql.Scanner.
func (st *Time) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case time.Time:
		*st = Time(v.UTC())
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("scan %T into a time", v)
	}
	t, err := ParseTime(s)
	if err != nil {
		return fmt.Errorf("scan into a time: %w", err)
	}
	*st = Time(t)
	return nil
}

// timeLayouts are the layouts ParseTime tries when the text is not in the
// usual form: the ones the SQLite driver tries, CURRENT_TIMESTAMP's and
// RFC 3339.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// ParseTime parses a timestamp as SQLite may store it as text and returns
// it in UTC; a time without a zone is UTC. The usual form, "2006-01-02
// 15:04:05" with an optional fraction and zone, is parsed by hand without
// allocating; other layouts, such as a bare date, are tried after it.
func ParseTime(s string) (time.Time, error) {
	if t, ok := parseTimeFast(s); ok {
		return t, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time in a known layout", s)
}

// parseTimeFast parses "2006-01-02 15:04:05" with an optional fraction
// of up to nine digits and an optional zone, "Z" or "±07:00" (none means
// UTC), the T form included.
func parseTimeFast(s string) (time.Time, bool) {
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
	if t.Day() != f[2] { // a day the month does not have, such as February 30
		return time.Time{}, false
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}
