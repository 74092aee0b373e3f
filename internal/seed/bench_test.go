package seed

import "testing"

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
