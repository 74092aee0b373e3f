package fake

import (
	"context"
	"sync"
	"time"
)

// Faults counts the calls to each request path of a fake server and holds
// what a test armed for the next call to a path: a failure (FailNext) or a
// delay (DelayNext). A fake embeds it, so its tests get FailNext, DelayNext,
// Calls and Wait, and runs every request through Arrive. The zero value is
// ready to use; it is safe for concurrent use.
type Faults struct {
	mu      sync.Mutex // guards the fields below
	calls   map[string]int
	fail    map[string]int           // path → HTTP status of its next answer
	delay   map[string]time.Duration // path → how long its next call is held
	closing chan struct{}            // closed by Close; ends every hold
	closed  bool
	held    sync.WaitGroup // calls DelayNext armed that have not finished
}

// init makes the maps and the channel of a zero Faults; mu is held.
func (f *Faults) init() {
	if f.calls == nil {
		f.calls = map[string]int{}
		f.fail = map[string]int{}
		f.delay = map[string]time.Duration{}
		f.closing = make(chan struct{})
	}
}

// FailNext makes the next call to path (the request path without the query)
// answer HTTP status with the provider's error body, without doing anything.
func (f *Faults) FailNext(path string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.init()
	f.fail[path] = status
}

// DelayNext holds the next call to path for d, or until the client gives up
// or the fake closes, where the fake says (see its package comment): most
// do the work at once and hold the answer back, as a call does whose answer
// is lost on the way, so a client with a shorter timeout sees a timeout
// although the call took effect.
func (f *Faults) DelayNext(path string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.init()
	if _, armed := f.delay[path]; !armed {
		f.held.Add(1) // Done when that call finishes
	}
	f.delay[path] = d
}

// Calls is how many requests reached path, whatever their answer, so a test
// can prove that a payment was confirmed or refunded once.
func (f *Faults) Calls(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[path]
}

// Wait blocks until every call DelayNext armed has arrived and finished. It
// never returns if one of them is never made.
func (f *Faults) Wait() { f.held.Wait() }

// Close ends every hold at once; a fake calls it from its own Close.
func (f *Faults) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.init()
	if !f.closed {
		f.closed = true
		close(f.closing)
	}
}

// Arrive counts a call to path and takes what was armed for it. The fake
// defers the call's Done at once, answers Fail (when not 0) with its error
// body and nothing else, and calls Hold where the call is to be held.
func (f *Faults) Arrive(path string) *Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.init()
	f.calls[path]++
	c := &Call{closing: f.closing}
	if status, ok := f.fail[path]; ok {
		delete(f.fail, path)
		c.Fail = status
	}
	if d, ok := f.delay[path]; ok {
		delete(f.delay, path)
		c.delayed, c.delay, c.held = true, d, &f.held
	}
	return c
}

// Call is one call to a fake as Arrive found it.
type Call struct {
	// Fail is the HTTP status FailNext armed for this call, 0 when none.
	Fail int

	delayed bool
	delay   time.Duration
	closing <-chan struct{}
	held    *sync.WaitGroup
	once    sync.Once
}

// Hold waits out the delay DelayNext armed for the call, if any: until it
// has passed, ctx is done (the request's context: the client gave up) or
// the fake closes. A fake that models a call taking effect after its client
// gave up passes a context that is never done.
func (c *Call) Hold(ctx context.Context) {
	if !c.delayed {
		return
	}
	t := time.NewTimer(c.delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-c.closing:
	}
}

// Done marks the call finished, for Wait. It may be called more than once.
func (c *Call) Done() {
	if c.delayed {
		c.once.Do(c.held.Done)
	}
}
