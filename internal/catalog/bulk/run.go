package bulk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
)

// How long and how many finished runs are kept for their pages.
const (
	runKeep = time.Hour
	maxRuns = 50
)

// Run is an import started by Start and working in the background of this
// process, so the back office can show its progress on a page that survives
// a reload. Its fields are guarded by Service.mu.
type Run struct {
	id       string
	fileName string
	opt      Options
	started  time.Time
	progress Progress
	finished time.Time
	report   *Report
	err      error
	done     chan struct{}
}

// RunState is a copy of a Run at one moment.
type RunState struct {
	ID       string
	FileName string
	Options  Options
	Started  time.Time
	Progress Progress
	// Done is true once the run has finished; then Report is set, or Err
	// when the run failed (nothing was written).
	Done   bool
	Report *Report
	Err    error
}

// Start reads file at once, so a file that cannot be imported is a
// *FileError here, then imports it in the background as Import would and
// returns the run's id for Status. The run keeps going when ctx ends (the
// request that started it); it stops with the process, whose unfinished
// transaction then writes nothing.
func (s *Service) Start(ctx context.Context, by audit.Actor, file []byte, opt Options) (string, error) {
	sh, err := read(file)
	if err != nil {
		return "", err
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	r := &Run{id: hex.EncodeToString(b[:]), fileName: opt.FileName, opt: opt, started: s.now().UTC(),
		progress: Progress{Phase: PhaseCheck, Total: len(sh.rows)}, done: make(chan struct{})}
	s.mu.Lock()
	s.prune()
	s.runs[r.id] = r
	s.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	go func() {
		defer close(r.done)
		rep, err := s.importSheet(ctx, by, sh, opt, func(p Progress) {
			s.mu.Lock()
			r.progress = p
			s.mu.Unlock()
		})
		if err != nil {
			if _, ok := fault.AsInvalid(err); !ok {
				s.log.ErrorContext(ctx, "catalog import failed", "run", r.id, "err", err)
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		r.finished = s.now().UTC()
		if err != nil {
			r.err = err
			return
		}
		r.report = &rep
	}()
	return r.id, nil
}

// prune forgets runs finished over runKeep ago, and the oldest finished
// ones beyond maxRuns. The caller holds s.mu.
func (s *Service) prune() {
	now := s.now().UTC()
	var oldest *Run
	for id, r := range s.runs {
		if r.finished.IsZero() {
			continue
		}
		if now.Sub(r.finished) > runKeep {
			delete(s.runs, id)
			continue
		}
		if oldest == nil || r.finished.Before(oldest.finished) {
			oldest = r
		}
	}
	if len(s.runs) >= maxRuns && oldest != nil {
		delete(s.runs, oldest.id)
	}
}

// Status returns the state of run id, or fault.ErrNotFound when this
// process has none by that id (never started here, or forgotten an hour
// after it finished).
func (s *Service) Status(id string) (RunState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.runs[id]
	if !ok {
		return RunState{}, fmt.Errorf("import run %q: %w", id, fault.ErrNotFound)
	}
	return r.state(), nil
}

// Wait waits for run id to finish, or for ctx to end, and returns its
// state.
func (s *Service) Wait(ctx context.Context, id string) (RunState, error) {
	s.mu.Lock()
	r, ok := s.runs[id]
	s.mu.Unlock()
	if !ok {
		return RunState{}, fmt.Errorf("import run %q: %w", id, fault.ErrNotFound)
	}
	select {
	case <-r.done:
	case <-ctx.Done():
		return RunState{}, ctx.Err()
	}
	return s.Status(id)
}

// state copies r; the caller holds s.mu.
func (r *Run) state() RunState {
	return RunState{ID: r.id, FileName: r.fileName, Options: r.opt, Started: r.started, Progress: r.progress,
		Done: !r.finished.IsZero(), Report: r.report, Err: r.err}
}
