// Package phone writes phone numbers the way people in Korea read them.
// Numbers are kept in E.164 ("+821012345678", see address.NormalizePhone);
// pages and mails show them through Format ("010-1234-5678").
package phone

import "strings"

// Format writes a Korean number with hyphens: mobile and area numbers as
// 010-1234-5678, 02-123-4567, 031-1234-5678, company numbers as 1588-1234.
// It reads E.164 ("+82…") and numbers already written with a leading 0 or
// as eight digits; a number of another country, or one it cannot read, is
// returned as given, so it never hides what was stored.
func Format(s string) string {
	var d string
	switch {
	case strings.HasPrefix(s, "+82"):
		d = digits(s[3:])
		if d == "" {
			return s
		}
		if d[0] != '1' || !company(d) {
			d = "0" + d
		}
	case strings.HasPrefix(s, "+"):
		return s
	default:
		d = digits(s)
	}
	if d == "" {
		return s
	}
	switch n := len(d); {
	case company(d):
		return d[:4] + "-" + d[4:]
	case strings.HasPrefix(d, "02") && (n == 9 || n == 10):
		return d[:2] + "-" + d[2:n-4] + "-" + d[n-4:]
	case strings.HasPrefix(d, "050") && n == 12:
		return d[:4] + "-" + d[4:8] + "-" + d[8:]
	case d[0] == '0' && (n == 10 || n == 11):
		return d[:3] + "-" + d[3:n-4] + "-" + d[n-4:]
	}
	return s
}

// company reports whether d is a nationwide company number (전국대표번호):
// eight digits starting 15, 16 or 18, as 1588-1234.
func company(d string) bool {
	return len(d) == 8 && (strings.HasPrefix(d, "15") || strings.HasPrefix(d, "16") || strings.HasPrefix(d, "18"))
}

// digits is s without hyphens and spaces, or "" when s holds anything but
// digits, hyphens and spaces.
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == ' ':
		default:
			return ""
		}
	}
	return b.String()
}
