package bulk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
)

// How long and how many finished runs are kept for their pages, and of how
// many dry runs the file is kept to be applied (ApplyDryRun).
const (
	runKeep   = time.Hour
	maxRuns   = 50
	keptFiles = 5
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
	// sheet is the file of a dry run, kept for ApplyDryRun; nil once
	// dropped.
	sheet *sheet
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
	// CanApply is true for a finished dry run whose file is still kept,
	// so ApplyDryRun can apply it without another upload.
	CanApply bool
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
	return s.start(ctx, by, sh, opt), nil
}

// ApplyDryRun applies the file of dry run id, as actor by, writing the good
// rows only when partial is set, and returns the new run's id. The file is
// checked again inside the applying transaction, so the new run reports
// what the database holds then. A run that is not a finished dry run, or
// whose file is no longer kept (only the latest few are), is
// fault.ErrNotFound: upload the file again.
func (s *Service) ApplyDryRun(ctx context.Context, by audit.Actor, id string, partial bool) (string, error) {
	s.mu.Lock()
	r, ok := s.runs[id]
	var sh *sheet
	if ok && r.opt.DryRun && !r.finished.IsZero() {
		sh = r.sheet
	}
	var opt Options
	if sh != nil {
		opt = Options{Partial: partial, FileName: r.opt.FileName}
	}
	s.mu.Unlock()
	if sh == nil {
		return "", fmt.Errorf("dry run %q to apply: %w", id, fault.ErrNotFound)
	}
	return s.start(ctx, by, sh, opt), nil
}

// start runs the import of sh in the background and returns its id.
func (s *Service) start(ctx context.Context, by audit.Actor, sh *sheet, opt Options) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	r := &Run{id: hex.EncodeToString(b[:]), fileName: opt.FileName, opt: opt, started: s.now().UTC(),
		progress: Progress{Phase: PhaseCheck, Total: len(sh.rows)}, done: make(chan struct{})}
	if opt.DryRun {
		r.sheet = sh
	}
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
	return r.id
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
	// Keep the files of the latest few dry runs only.
	var kept []*Run
	for _, r := range s.runs {
		if r.sheet != nil {
			kept = append(kept, r)
		}
	}
	slices.SortFunc(kept, func(a, b *Run) int { return b.started.Compare(a.started) })
	for _, r := range kept[min(len(kept), keptFiles-1):] {
		r.sheet = nil
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
		Done: !r.finished.IsZero(), Report: r.report, Err: r.err,
		CanApply: r.sheet != nil && !r.finished.IsZero() && r.err == nil}
}
