package load

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	var r Result
	for i := 1; i <= 100; i++ {
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		name string
		p    float64
		want time.Duration
	}{
		{"p1", 1, 1 * time.Millisecond},
		{"p50", 50, 50 * time.Millisecond},
		{"p90", 90, 90 * time.Millisecond},
		{"p99", 99, 99 * time.Millisecond},
		{"p99.9", 99.9, 100 * time.Millisecond},
		{"p100", 100, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := r.Percentile(tt.p); got != tt.want {
				t.Errorf("Percentile(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
	if got := r.Max(); got != 100*time.Millisecond {
		t.Errorf("Max = %v, want 100ms", got)
	}
	if got := (Result{}).Percentile(99); got != 0 {
		t.Errorf("Percentile of no latencies = %v, want 0", got)
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte("안녕하세요"))
	}))
	defer srv.Close()
	urls := []string{srv.URL + "/a", srv.URL + "/b", srv.URL + "/c", srv.URL + "/missing"}

	r, err := Run(t.Context(), urls, Options{Concurrency: 4, Requests: 200})
	if err != nil {
		t.Fatal(err)
	}
	if r.Responses() != 200 || r.OK != 150 || r.Status[http.StatusNotFound] != 50 || r.Non200() != 50 || r.Errors != 0 {
		t.Fatalf("responses %d, ok %d, status %v, errors %d (%v); want 200, 150, 50×404, 0",
			r.Responses(), r.OK, r.Status, r.Errors, r.FirstError)
	}
	if !r.Failed() {
		t.Error("a run with 404s is not reported as failed")
	}
	for i := 1; i < len(r.Latencies); i++ {
		if r.Latencies[i] < r.Latencies[i-1] {
			t.Fatalf("latencies not sorted at %d", i)
		}
	}
	if p50, p99 := r.Percentile(50), r.Percentile(99); p50 <= 0 || p50 > p99 || p99 > r.Max() {
		t.Errorf("p50 %v, p99 %v, max %v are not ordered", p50, p99, r.Max())
	}
	if r.Bytes != 150*int64(len("안녕하세요"))+50*int64(len("404 page not found\n")) {
		t.Errorf("bytes = %d", r.Bytes)
	}
}

func TestRunCountsErrors(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens any more

	r, err := Run(t.Context(), []string{url}, Options{Concurrency: 2, Requests: 10})
	if err != nil {
		t.Fatal(err)
	}
	if r.Errors != 10 || r.FirstError == nil || r.Responses() != 0 || !r.Failed() {
		t.Fatalf("errors %d (%v), responses %d; want 10 errors and no responses", r.Errors, r.FirstError, r.Responses())
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		urls []string
		opt  Options
	}{
		{"no urls", nil, Options{Concurrency: 1, Requests: 1}},
		{"no clients", []string{"http://x"}, Options{Requests: 1}},
		{"neither limit", []string{"http://x"}, Options{Concurrency: 1}},
		{"both limits", []string{"http://x"}, Options{Concurrency: 1, Requests: 1, Duration: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Run(t.Context(), tt.urls, tt.opt); err == nil {
				t.Error("Run accepted bad options")
			}
		})
	}
}
