package honeypot

import (
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db/dbtest"
)

// TestUpsertBlockAfterClear covers the race Record cannot show in order: a
// recorder counts attempts, staff clear the block, then the recorder's
// upsert arrives. A count made before the clearing must not block again; a
// count made from the clearing on may.
func TestUpsertBlockAfterClear(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 3, 1, 0, 5, 0, 0, time.UTC)
	tests := []struct {
		name         string
		countedSince time.Time
		want         bool
	}{
		{"count from before the clearing", t0.Add(-24 * time.Hour), false},
		{"count from the clearing", t0.Add(time.Hour), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			ctx := t.Context()
			const ip = "203.0.113.7"
			if ok, err := upsertBlock(ctx, d.Write(), ip, 3, t0, t0.Add(7*24*time.Hour), t0.Add(-24*time.Hour)); err != nil || !ok {
				t.Fatalf("first block = %v, %v", ok, err)
			}
			cleared := t0.Add(time.Hour)
			if _, found, err := clearBlock(ctx, d.Write(), ip, cleared); err != nil || !found {
				t.Fatalf("clearBlock = %v, %v", found, err)
			}
			now := cleared.Add(time.Minute)
			ok, err := upsertBlock(ctx, d.Write(), ip, 4, now, now.Add(7*24*time.Hour), tt.countedSince)
			if err != nil || ok != tt.want {
				t.Fatalf("upsertBlock = %v, %v; want %v", ok, err, tt.want)
			}
			active, err := activeBlock(ctx, d.Read(), ip, now)
			if err != nil || active != tt.want {
				t.Fatalf("activeBlock = %v, %v; want %v", active, err, tt.want)
			}
			b, _, err := blockOf(ctx, d.Read(), ip)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want && (b.ClearedAt.Valid || !b.BlockedAt.Equal(now)) {
				t.Fatalf("renewed block = %+v, want a new block from %v without cleared_at", b, now)
			}
		})
	}
}
