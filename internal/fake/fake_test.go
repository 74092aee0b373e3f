package fake_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/fake"
)

func TestClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	c := fake.NewClock(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now = %v, want %v", got, start)
	}
	c.Advance(90 * time.Minute)
	if got, want := c.Now(), start.Add(90*time.Minute); !got.Equal(want) {
		t.Fatalf("after Advance: %v, want %v", got, want)
	}
	c.Set(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("after Set: %v, want %v", got, start)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	const path = "/v1/payments/confirm"
	tests := []struct {
		name string
		arm  func(f *fake.Faults)
		fail []int // Fail of each of the calls made
	}{
		{"nothing armed", func(*fake.Faults) {}, []int{0, 0}},
		{"fail once", func(f *fake.Faults) { f.FailNext(path, http.StatusServiceUnavailable) }, []int{503, 0}},
		{"the last arming counts", func(f *fake.Faults) {
			f.FailNext(path, http.StatusInternalServerError)
			f.FailNext(path, http.StatusBadGateway)
		}, []int{502, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var f fake.Faults
			tt.arm(&f)
			for i, want := range tt.fail {
				c := f.Arrive(path)
				c.Hold(t.Context()) // nothing delayed: returns at once
				c.Done()
				if c.Fail != want {
					t.Errorf("call %d: Fail = %d, want %d", i, c.Fail, want)
				}
			}
			if n := f.Calls(path); n != len(tt.fail) {
				t.Errorf("Calls = %d, want %d", n, len(tt.fail))
			}
			if n := f.Calls("/other"); n != 0 {
				t.Errorf("Calls of another path = %d, want 0", n)
			}
			f.Wait() // nothing held
		})
	}
}

func TestHoldEnds(t *testing.T) {
	t.Parallel()
	const path = "/payments/p-1/cancel"
	tests := []struct {
		name string
		end  func(f *fake.Faults, cancel context.CancelFunc)
	}{
		{"the client gives up", func(_ *fake.Faults, cancel context.CancelFunc) { cancel() }},
		{"the fake closes", func(f *fake.Faults, _ context.CancelFunc) { f.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var f fake.Faults
			f.DelayNext(path, time.Hour)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			c := f.Arrive(path)
			held := make(chan struct{})
			go func() {
				defer close(held)
				defer c.Done()
				c.Hold(ctx)
			}()
			tt.end(&f, cancel)
			<-held
			f.Wait()
			// The delay was for one call only.
			next := f.Arrive(path)
			next.Hold(context.Background())
			next.Done()
		})
	}
}

func TestHoldWaitsOutTheDelay(t *testing.T) {
	t.Parallel()
	var f fake.Faults
	f.DelayNext("/x", time.Millisecond)
	f.DelayNext("/x", 2*time.Millisecond) // re-arming is still one held call
	start := time.Now()
	c := f.Arrive("/x")
	c.Hold(context.Background())
	c.Done()
	c.Done() // a second Done changes nothing
	if d := time.Since(start); d < 2*time.Millisecond {
		t.Errorf("Hold returned after %v, want at least 2ms", d)
	}
	f.Wait()
}
