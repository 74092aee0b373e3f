package seed

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkDemo loads the demo shop of the first start: 200 products with
// their images and thumbnails, as the app does on an empty data directory.
func BenchmarkDemo(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		_, cat, store := newCatalog(b)
		b.StartTimer()
		if _, err := Run(b.Context(), cat, store, Options{Products: DefaultProducts, Images: true, Rand: 1, Now: now}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCard draws and encodes one picture of each kind.
func BenchmarkCard(b *testing.B) {
	for b.Loop() {
		for _, tp := range tree {
			for _, l := range tp.leaves {
				for _, k := range l.kinds {
					card(rand.New(rand.NewPCG(1, 2)), l.hue, &k)
				}
			}
		}
	}
}
