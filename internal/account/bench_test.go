package account

import (
	"context"
	"errors"
	"testing"
	"time"
)

// BenchmarkCheckPassword is the CPU one login costs (argon2id, m=12 MiB,
// t=3, p=1): it bounds how many logins a core serves per second.
func BenchmarkCheckPassword(b *testing.B) {
	h, err := HashPassword("말랑한 봄날의 산책")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := CheckPassword(h, "말랑한 봄날의 산책"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func TestHashingBound(t *testing.T) {
	t.Parallel()
	h := newHashing(1)
	if err := h.acquire(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := h.acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second hash while the only slot is taken = %v, want the context's error", err)
	}
	h.release()
	if err := h.acquire(t.Context()); err != nil {
		t.Fatalf("after release: %v", err)
	}
}
