package fake

import (
	"context"
	"slices"
	"sync"
)

// IDs is a job queue for tests: it keeps the ids the code under test
// enqueues until the test works them with Run, as the job runner would. It
// keeps an id at once, not when the caller's transaction commits. It is safe
// for concurrent use; the zero value is ready.
type IDs struct {
	mu  sync.Mutex
	ids []int64
}

// Add keeps id for Run.
func (q *IDs) Add(id int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ids = append(q.ids, id)
}

// Enqueued returns the ids waiting for Run, oldest first.
func (q *IDs) Enqueued() []int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.ids)
}

// Run works the waiting ids, oldest first, and forgets each once work
// returns nil. It stops at the first error, leaving that id and the later
// ones waiting.
func (q *IDs) Run(ctx context.Context, work func(ctx context.Context, id int64) error) error {
	for {
		q.mu.Lock()
		if len(q.ids) == 0 {
			q.mu.Unlock()
			return nil
		}
		id := q.ids[0]
		q.mu.Unlock()
		if err := work(ctx, id); err != nil {
			return err
		}
		q.mu.Lock()
		q.ids = q.ids[1:]
		q.mu.Unlock()
	}
}
