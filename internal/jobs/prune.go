package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// Pruner deletes one kind of row that has outlived its use (expired
// sessions, ended rate-limit windows, old refresh tokens, honeypot attempts)
// and returns how many it deleted.
type Pruner struct {
	Name  string
	Prune func(ctx context.Context) (int64, error)
}

// PruneArgs runs every Pruner. It is a periodic job: River inserts it every
// PruneInterval on whichever node leads, so any number of nodes prune once.
type PruneArgs struct{}

// Kind is the job kind stored in river_job; never change it.
func (PruneArgs) Kind() string { return "prune_expired" }

// InsertOpts makes the job unique per interval, so a restart that runs it
// at start does not prune twice in one hour.
func (PruneArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: PruneInterval}}
}

// PruneInterval is how often expired rows are deleted.
const PruneInterval = time.Hour

type pruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	pruners []Pruner
	log     *slog.Logger
}

func (w *pruneWorker) Timeout(*river.Job[PruneArgs]) time.Duration { return 10 * time.Minute }

// Work runs every pruner, even after one fails, and reports the failures
// together so the job is retried.
func (w *pruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	var errs []error
	for _, p := range w.pruners {
		n, err := p.Prune(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("prune %s: %w", p.Name, err))
			continue
		}
		if n > 0 {
			w.log.InfoContext(ctx, "pruned expired rows", "what", p.Name, "rows", n)
		}
	}
	return errors.Join(errs...)
}
