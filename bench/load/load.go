// Package load is the closed-loop HTTP load generator of the benchmark: a
// fixed number of goroutines, each sending one request at a time over a
// keep-alive connection, with every latency recorded.
package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Options shape a Run. Exactly one of Duration and Requests must be set.
type Options struct {
	// Concurrency is the number of clients, each with one request in flight.
	Concurrency int
	// Duration is how long clients keep starting requests; requests in
	// flight when it ends still complete and count.
	Duration time.Duration
	// Requests is the total number of requests to send, when Duration is 0.
	Requests int
	// Client sends the requests; nil means NewClient(Concurrency).
	Client *http.Client
}

// Result is what one Run measured.
type Result struct {
	// Latencies holds the time to the last byte of the body of every
	// request that got a response (whatever its status), sorted ascending.
	Latencies []time.Duration
	// OK counts responses with status 200.
	OK int
	// Status counts the other responses by status code.
	Status map[int]int
	// Errors counts requests that got no response (refused, reset,
	// timeout, unreadable body); FirstError is the first of them.
	Errors     int
	FirstError error
	// Bytes is the total size of the response bodies read.
	Bytes int64
	// Elapsed is the wall time from the first request to the last response.
	Elapsed time.Duration
}

// NewClient returns a client that keeps one idle connection per concurrent
// client open, so a run measures the server and not TCP handshakes.
func NewClient(concurrency int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * concurrency,
		MaxIdleConnsPerHost: 2 * concurrency,
		IdleConnTimeout:     90 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// Run sends GET requests to urls, in turn, from opt.Concurrency clients in a
// closed loop until opt.Duration has passed or opt.Requests were sent, or
// ctx is done.
func Run(ctx context.Context, urls []string, opt Options) (Result, error) {
	if len(urls) == 0 {
		return Result{}, errors.New("load: no URLs")
	}
	if opt.Concurrency < 1 {
		return Result{}, fmt.Errorf("load: concurrency %d, want at least 1", opt.Concurrency)
	}
	if (opt.Duration > 0) == (opt.Requests > 0) {
		return Result{}, errors.New("load: set exactly one of Duration and Requests")
	}
	client := opt.Client
	if client == nil {
		client = NewClient(opt.Concurrency)
	}
	capacity := 1 << 15
	if opt.Requests > 0 {
		capacity = opt.Requests/opt.Concurrency + 1
	}

	var next atomic.Int64
	start := time.Now()
	deadline := start.Add(opt.Duration)
	workers := make([]worker, opt.Concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		w := &workers[i]
		w.lat = make([]time.Duration, 0, capacity)
		w.status = map[int]int{}
		wg.Go(func() {
			for ctx.Err() == nil {
				n := next.Add(1) - 1
				if opt.Requests > 0 && n >= int64(opt.Requests) {
					return
				}
				if opt.Duration > 0 && !time.Now().Before(deadline) {
					return
				}
				w.do(ctx, client, urls[n%int64(len(urls))])
			}
		})
	}
	wg.Wait()

	r := Result{Elapsed: time.Since(start), Status: map[int]int{}}
	for i := range workers {
		w := &workers[i]
		r.Latencies = append(r.Latencies, w.lat...)
		r.OK += w.ok
		for code, n := range w.status {
			r.Status[code] += n
		}
		r.Errors += w.errors
		if r.FirstError == nil {
			r.FirstError = w.firstErr
		}
		r.Bytes += w.bytes
	}
	slices.Sort(r.Latencies)
	return r, ctx.Err()
}

// worker is one client's tally; only its goroutine touches it until Run
// merges them.
type worker struct {
	lat      []time.Duration
	ok       int
	status   map[int]int
	errors   int
	firstErr error
	bytes    int64
}

func (w *worker) do(ctx context.Context, client *http.Client, url string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		w.fail(err)
		return
	}
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		w.fail(err)
		return
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if err != nil {
		w.fail(fmt.Errorf("read body of %s: %w", url, err))
		return
	}
	w.lat = append(w.lat, d)
	w.bytes += n
	if resp.StatusCode == http.StatusOK {
		w.ok++
	} else {
		w.status[resp.StatusCode]++
	}
}

func (w *worker) fail(err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	w.errors++
	if w.firstErr == nil {
		w.firstErr = err
	}
}

// Responses is the number of requests that got a response of any status.
func (r Result) Responses() int { return len(r.Latencies) }

// Non200 is the number of responses whose status was not 200.
func (r Result) Non200() int { return len(r.Latencies) - r.OK }

// Failed reports whether any request failed or got a status other than 200.
func (r Result) Failed() bool { return r.Errors > 0 || r.Non200() > 0 }

// Rate is the number of responses per second of wall time.
func (r Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(len(r.Latencies)) / r.Elapsed.Seconds()
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of the
// latencies: the smallest latency that at least p% of requests did not
// exceed. It is 0 when there are none.
func (r Result) Percentile(p float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(n))) - 1
	return r.Latencies[min(max(i, 0), n-1)]
}

// Max is the largest latency, 0 when there are none.
func (r Result) Max() time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[len(r.Latencies)-1]
}
