package address

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// parsed is what the general parser makes of s, "" when it refuses it.
func parsed(s string) string {
	n, err := phonenumbers.Parse(s, phoneRegion)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return ""
	}
	return phonenumbers.Format(n, phonenumbers.E164)
}

// TestKoreanMobileAgreesWithParser checks the fast path against the parser
// on every four-digit start of an 010 number, in the forms customers type.
func TestKoreanMobileAgreesWithParser(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	taken := 0
	for prefix := range 10000 {
		tail := fmt.Sprintf("%04d", rng.IntN(10000))
		mid := fmt.Sprintf("%04d", prefix)
		for _, s := range []string{"010" + mid + tail, "010-" + mid + "-" + tail, "010 " + mid + " " + tail} {
			got, ok := koreanMobile(s)
			if !ok {
				continue
			}
			taken++
			if want := parsed(s); got != want {
				t.Fatalf("koreanMobile(%q) = %q, the parser says %q", s, got, want)
			}
		}
	}
	if taken < 27000 {
		t.Fatalf("the fast path took only %d of 30000 numbers", taken)
	}
	for _, s := range []string{"010-5123-4567", "010-1234-567", "010-1234-56789", "011-123-4567", "02-312-3456", "+82 10 1234 5678", "010.1234.5678"} {
		if got, ok := koreanMobile(s); ok {
			t.Errorf("koreanMobile(%q) = %q, want it left to the parser", s, got)
		}
	}
}

func BenchmarkNormalizePhone(b *testing.B) {
	for _, s := range []string{"010-1234-5678", "02-312-3456"} {
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				if _, err := NormalizePhone(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
