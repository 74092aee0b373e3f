package db

import (
	"testing"
	"time"
)

func TestTimeScan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     time.Time
	}{
		{"zone", "2025-01-02 03:04:05+09:00", time.Date(2025, 1, 1, 18, 4, 5, 0, time.UTC)},
		{"fraction", "2026-11-29 22:30:10.499641+00:00", time.Date(2026, 11, 29, 22, 30, 10, 499641000, time.UTC)},
		{"nanoseconds", "2026-11-29T22:30:10.123456789-01:30", time.Date(2026, 11, 30, 0, 0, 10, 123456789, time.UTC)},
		{"current timestamp", "2025-01-02 03:04:05", time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"Z", "2025-01-02T03:04:05Z", time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"space and Z", "2025-01-02 03:04:05.5Z", time.Date(2025, 1, 2, 3, 4, 5, 500000000, time.UTC)},
		{"leap day", "2024-02-29 00:00:00", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"minutes", "2025-01-02 03:04", time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC)},
		{"date", "2025-01-02", time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"time value", "", time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var v any = tt.in
			if tt.in == "" {
				v = tt.want.In(time.FixedZone("KST", 9*3600))
			}
			var got Time
			if err := got.Scan(v); err != nil {
				t.Fatal(err)
			}
			if g := time.Time(got); !g.Equal(tt.want) || g.Location() != time.UTC {
				t.Errorf("Scan(%q) = %v, want %v in UTC", tt.in, g, tt.want)
			}
		})
	}
	for _, in := range []string{"2025-13-45 99:00:00", "2025-02-30 00:00:00", "2025-01-02 03:04:05+9", "yesterday"} {
		var bad Time
		if err := bad.Scan(in); err == nil {
			t.Errorf("Scan(%q) = %v, want an error", in, time.Time(bad))
		}
	}
}
