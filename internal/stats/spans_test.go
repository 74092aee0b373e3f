package stats

import (
	"reflect"
	"testing"
)

func TestSpans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    Range
		want []span
	}{
		{"within a month", Range{"2026-01-15", "2026-01-20"}, []span{{false, "2026-01-15", "2026-01-20"}}},
		{"a whole month", Range{"2026-02-01", "2026-02-28"}, []span{{true, "2026-02", "2026-02"}}},
		{"ragged ends", Range{"2026-01-15", "2026-04-10"},
			[]span{{false, "2026-01-15", "2026-01-31"}, {true, "2026-02", "2026-03"}, {false, "2026-04-01", "2026-04-10"}}},
		{"across one month boundary", Range{"2026-01-15", "2026-02-10"}, []span{{false, "2026-01-15", "2026-02-10"}}},
		{"from a first to a middle", Range{"2026-01-01", "2026-03-05"}, []span{{true, "2026-01", "2026-02"}, {false, "2026-03-01", "2026-03-05"}}},
		{"leap February to the year's end", Range{"2028-02-29", "2028-12-31"}, []span{{false, "2028-02-29", "2028-02-29"}, {true, "2028-03", "2028-12"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := spans(tt.r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("spans(%v) = %+v, want %+v", tt.r, got, tt.want)
			}
		})
	}
}
