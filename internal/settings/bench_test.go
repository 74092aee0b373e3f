package settings_test

import (
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
)

// BenchmarkCurrent measures a read of the settings as every storefront page
// makes one: from the cache, and with the version checked at every read
// (the cost a node pays once every Config.CheckEvery). Results are in
// docs/decisions/0048-settings.md.
func BenchmarkCurrent(b *testing.B) {
	for _, bc := range []struct {
		name  string
		every time.Duration
	}{{"cached", time.Hour}, {"checked every read", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			d := dbtest.New(b)
			s := newServiceB(b, d, fake.NewClock(start), bc.every)
			ctx := b.Context()
			b.ReportAllocs()
			for b.Loop() {
				if s.Current(ctx).ShopName == "" {
					b.Fatal("no settings")
				}
			}
		})
	}
}
