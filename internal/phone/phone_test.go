package phone_test

import (
	"testing"

	"github.com/mallang/mallang/internal/phone"
)

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"mobile", "+821012345678", "010-1234-5678"},
		{"old mobile", "+82111234567", "011-123-4567"},
		{"Seoul, four-digit exchange", "+82212345678", "02-1234-5678"},
		{"Seoul, three-digit exchange", "+8221234567", "02-123-4567"},
		{"Gyeonggi, four-digit exchange", "+823112345678", "031-1234-5678"},
		{"Gyeonggi, three-digit exchange", "+82311234567", "031-123-4567"},
		{"Busan", "+82511234567", "051-123-4567"},
		{"internet phone", "+827012345678", "070-1234-5678"},
		{"company number 1588", "+8215881234", "1588-1234"},
		{"company number 1644", "+8216445678", "1644-5678"},
		{"safe number 0504", "+8250412345678", "0504-1234-5678"},
		{"already local", "010-1234-5678", "010-1234-5678"},
		{"typed local digits", "01012345678", "010-1234-5678"},
		{"typed company number", "15881234", "1588-1234"},
		{"another country", "+14155552671", "+14155552671"},
		{"too short to read", "+82123", "+82123"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := phone.Format(tt.in); got != tt.want {
				t.Errorf("Format(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
