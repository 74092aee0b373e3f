package order

import (
	"regexp"
	"testing"
	"time"
)

func TestNewNumber(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^[0-9]{8}-[` + numberAlphabet + `]{8}$`)
	tests := []struct {
		name string
		at   time.Time
		date string
	}{
		{"afternoon in Seoul", time.Date(2026, 11, 30, 5, 0, 0, 0, time.UTC), "20261130"},
		{"after midnight in Seoul, still the day before in UTC", time.Date(2026, 11, 30, 15, 30, 0, 0, time.UTC), "20261201"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]bool{}
			for range 100000 {
				n := newNumber(tt.at)
				if !re.MatchString(n) || n[:8] != tt.date {
					t.Fatalf("number %q", n)
				}
				if seen[n] {
					t.Fatalf("number %q twice", n)
				}
				seen[n] = true
			}
		})
	}
}
