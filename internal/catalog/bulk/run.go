package bulk

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/sheet"
)

// How long runs are kept for their pages, of how many dry runs the file is
// kept to be applied (ApplyDryRun), how often a running node writes its
// progress (its heartbeat), and after how long without one a run counts as
// interrupted (decision 0050).
const (
	runKeep    = 30 * 24 * time.Hour
	keptFiles  = 5
	heartbeat  = time.Second
	staleAfter = time.Minute
)

// ErrFailed is the error of a run that stopped on an error (logged by the
// node that ran it); nothing was written.
var ErrFailed = errors.New("the import failed; nothing was changed")

// ErrInterrupted is the error of a run whose node stopped before it
// finished (a restart, a crash): its transaction never committed, so
// nothing was written.
var ErrInterrupted = errors.New("the import was interrupted; nothing was changed")

// local is a run working on this node: its latest progress, fresher than
// the stored one, and done, closed once its outcome is stored.
type local struct {
	progress Progress
	done     chan struct{}
}

// RunState is a run at one moment.
type RunState struct {
	ID       string
	FileName string
	Options  Options
	Started  time.Time
	Progress Progress
	// Done is true once the run has finished; then Report is set, or Err
	// (ErrFailed or ErrInterrupted) when the run failed and wrote nothing.
	Done   bool
	Report *Report
	Err    error
	// CanApply is true for a finished dry run whose file is still kept,
	// so ApplyDryRun can apply it without another upload.
	CanApply bool
}

// Start reads file at once, so a file that cannot be imported is a
// *FileError here, then stores a run and imports the file in the
// background of this node as Import would, and returns the run's id for
// Status. The run's progress and report are stored, so every node shows
// them, after a restart too. A run with the Options.Key of an earlier one
// (the same form sent twice) is that run: its id is returned and nothing
// else starts. The run keeps going when ctx ends (the request that started
// it); it stops with the process, whose unfinished transaction then
// writes nothing, and the run shows as interrupted.
func (s *Service) Start(ctx context.Context, by audit.Actor, file []byte, opt Options) (string, error) {
	sh, err := read(file)
	if err != nil {
		return "", err
	}
	if !opt.DryRun {
		file = nil // only a dry run's file is kept, to be applied
	}
	return s.start(ctx, by, sh, file, opt)
}

// ApplyDryRun applies the file of dry run id, as actor by, writing the good
// rows only when partial is set, and returns the new run's id. The file is
// checked again inside the applying transaction, so the new run reports
// what the database holds then. Applying a dry run a second time returns
// the run the first time started. A run that is not a finished dry run, or
// whose file is no longer kept (only the latest few are), is
// fault.ErrNotFound: upload the file again.
func (s *Service) ApplyDryRun(ctx context.Context, by audit.Actor, id string, partial bool) (string, error) {
	file, r, err := runFile(ctx, s.d.Read(), id)
	if err != nil {
		return "", err
	}
	sh, err := read(file)
	if err != nil {
		return "", fmt.Errorf("read the file of dry run %q: %w", id, err)
	}
	return s.start(ctx, by, sh, nil, Options{Partial: partial, FileName: r.FileName, Key: "apply:" + id})
}

// start stores a run of sh and works it in the background; file is kept
// with it (a dry run's).
func (s *Service) start(ctx context.Context, by audit.Actor, sh *sheet.File, file []byte, opt Options) (string, error) {
	var b [16]byte
	_, _ = rand.Read(b[:])
	now := s.now().UTC().Truncate(time.Microsecond)
	r := runRow{ID: hex.EncodeToString(b[:]), FileName: opt.FileName, DryRun: opt.DryRun, Partial: opt.Partial,
		ActorEmail: by.Email, Phase: string(PhaseCheck), TotalRows: len(sh.Rows), StartedAt: now}
	if opt.Key != "" {
		r.Key = sql.NullString{String: opt.Key, Valid: true}
	}
	if by.UserID != 0 {
		r.ActorID = sql.NullInt64{Int64: by.UserID, Valid: true}
	}
	err := s.d.InTx(ctx, func(q db.Querier) error {
		if err := pruneRuns(ctx, q, now.Add(-runKeep), keptFiles-1); err != nil {
			return err
		}
		return insertRun(ctx, q, r, file, now)
	})
	if err != nil && opt.Key != "" && s.d.Dialect.IsUniqueViolation(err) {
		return runIDByKey(ctx, s.d.Read(), opt.Key)
	}
	if err != nil {
		return "", fmt.Errorf("start an import: %w", err)
	}
	l := &local{progress: Progress{Phase: PhaseCheck, Total: len(sh.Rows)}, done: make(chan struct{})}
	s.mu.Lock()
	s.runs[r.ID] = l
	s.mu.Unlock()
	go s.work(context.WithoutCancel(ctx), by, r.ID, sh, opt, l)
	return r.ID, nil
}

// work runs the import of run id and stores its outcome: an applying run's
// in its own transaction, any other after it.
func (s *Service) work(ctx context.Context, by audit.Actor, id string, sh *sheet.File, opt Options, l *local) {
	defer func() {
		s.mu.Lock()
		delete(s.runs, id)
		s.mu.Unlock()
		close(l.done)
	}()
	stop := make(chan struct{})
	flushed := make(chan struct{})
	go s.beat(ctx, id, l, stop, flushed)
	stored := false
	rep, err := s.importSheet(ctx, by, sh, opt, func(p Progress) {
		s.mu.Lock()
		l.progress = p
		s.mu.Unlock()
	}, func(q db.Querier, rep Report) error {
		stored = true
		return s.finish(ctx, q, id, rep, "")
	})
	close(stop)
	<-flushed
	if err != nil {
		if _, ok := fault.AsInvalid(err); !ok {
			s.log.ErrorContext(ctx, "catalog import failed", "run", id, "err", err)
		}
		stored = false
	}
	if stored {
		return
	}
	if err := s.d.InTx(ctx, func(q db.Querier) error {
		if err != nil {
			return s.finish(ctx, q, id, Report{}, "failed")
		}
		return s.finish(ctx, q, id, rep, "")
	}); err != nil {
		s.log.ErrorContext(ctx, "catalog import's outcome not stored", "run", id, "err", err)
	}
}

// finish stores the outcome of run id on q.
func (s *Service) finish(ctx context.Context, q db.Querier, id string, rep Report, errKind string) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	if errKind != "" {
		s.mu.Lock()
		p := s.runs[id].progress
		s.mu.Unlock()
		return finishRun(ctx, q, id, p, nil, errKind, now)
	}
	js, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("import run %q report: %w", id, err)
	}
	return finishRun(ctx, q, id, Progress{Phase: PhaseDone, Done: rep.Rows, Total: rep.Rows}, js, "", now)
}

// beat writes the progress of run id every heartbeat until stop closes,
// then closes flushed. A write that fails (on SQLite the import's
// transaction holds the one writer) is tried again at the next beat.
func (s *Service) beat(ctx context.Context, id string, l *local, stop <-chan struct{}, flushed chan<- struct{}) {
	defer close(flushed)
	t := time.NewTicker(heartbeat)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		s.mu.Lock()
		p := l.progress
		s.mu.Unlock()
		wctx, cancel := context.WithTimeout(ctx, heartbeat)
		err := updateProgress(wctx, s.d.Write(), id, p, s.now().UTC().Truncate(time.Microsecond))
		cancel()
		if err != nil {
			s.log.DebugContext(ctx, "import progress not stored", "run", id, "err", err)
		}
	}
}

// Status returns the state of run id, or fault.ErrNotFound when there is
// none by that id (never started, or started over runKeep ago). A run of
// this node shows its latest progress; another node's, its stored one.
func (s *Service) Status(ctx context.Context, id string) (RunState, error) {
	r, err := runByID(ctx, s.d.Read(), id)
	if err != nil {
		return RunState{}, err
	}
	st := RunState{ID: r.ID, FileName: r.FileName, Started: r.StartedAt, Done: r.FinishedAt.Valid,
		Options:  Options{DryRun: r.DryRun, Partial: r.Partial, FileName: r.FileName, Key: r.Key.String},
		Progress: Progress{Phase: Phase(r.Phase), Done: r.DoneRows, Total: r.TotalRows}}
	if !st.Done {
		s.mu.Lock()
		l, here := s.runs[id]
		if here {
			st.Progress = l.progress
		}
		s.mu.Unlock()
		if !here && s.now().Sub(r.UpdatedAt) > staleAfter {
			st.Done, st.Err = true, ErrInterrupted
		}
		return st, nil
	}
	switch {
	case r.ErrorKind != "":
		st.Err = ErrFailed
	case r.Report.Valid:
		var rep Report
		if err := json.Unmarshal([]byte(r.Report.String), &rep); err != nil {
			return RunState{}, fmt.Errorf("import run %q report: %w", id, err)
		}
		st.Report = &rep
		st.CanApply = r.DryRun && r.HasFile
	default:
		st.Err = ErrFailed
	}
	return st, nil
}

// Wait waits for run id to finish, or for ctx to end, and returns its
// state. A run of another node is asked of the database every
// waitPoll.
func (s *Service) Wait(ctx context.Context, id string) (RunState, error) {
	s.mu.Lock()
	l, here := s.runs[id]
	s.mu.Unlock()
	if here {
		select {
		case <-l.done:
		case <-ctx.Done():
			return RunState{}, ctx.Err()
		}
	}
	t := time.NewTicker(waitPoll)
	defer t.Stop()
	for {
		st, err := s.Status(ctx, id)
		if err != nil || st.Done {
			return st, err
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return RunState{}, ctx.Err()
		}
	}
}

// waitPoll is how often Wait asks about another node's run.
const waitPoll = 200 * time.Millisecond
