package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/media"
)

// Runner works the jobs of every queue with River's workers. Any number of
// Runners may work one PostgreSQL database; on SQLite run one (the serve
// process).
type Runner struct {
	client *river.Client[*sql.Tx]
	log    *slog.Logger
	// closers release what NewRunner opened for River (its own SQLite pool,
	// the PostgreSQL listener pool) once the client has stopped.
	closers []func()

	mu      sync.Mutex // guards events and stopSub, and serialises WorkAll
	events  <-chan *river.Event
	stopSub func()
}

// NewRunner prepares a Runner with the workers of every job kind:
// ThumbnailArgs loads the image from cat, makes its thumbnails in store and
// marks them ready (a photo's, by its key, through photos). It opens nothing that needs closing until Start.
//
// On SQLite River gets a pool of its own on the same file (one connection,
// as River's SQLite driver requires; WAL lets it poll without blocking the
// shop's writer, and the busy timeout queues its writes behind ours). On
// PostgreSQL it shares d's pool and listens for new jobs (LISTEN/NOTIFY)
// on one extra pgx connection, so jobs start at once instead of at the next
// poll.
//
// pruners run every PruneInterval (and at start) through PruneArgs;
// payments settles the attempts PaymentSyncArgs names and the cash
// receipts CashReceiptArgs names (nil: no payments);
// mail delivers the mail MailDeliveryArgs names (nil: no mail); grades
// evaluates the membership grades on the first of each month
// (GradeEvaluationArgs; nil: no evaluation); tasks run on their schedules
// through TaskArgs.
func NewRunner(d *db.DB, log *slog.Logger, cat *catalog.Service, store *media.Store, photos PhotoThumbs, payments PaymentSyncer, mail *Mail,
	grades GradeEvaluator, tasks []Task, pruners ...Pruner) (*Runner, error) {
	workers := river.NewWorkers()
	if payments != nil {
		if err := river.AddWorkerSafely(workers, &paymentSyncWorker{syncer: payments}); err != nil {
			return nil, fmt.Errorf("new job runner: %w", err)
		}
		if err := river.AddWorkerSafely(workers, &cashReceiptWorker{syncer: payments}); err != nil {
			return nil, fmt.Errorf("new job runner: %w", err)
		}
	}
	if mail != nil {
		if mail.Courier == nil || mail.Backoff == nil {
			return nil, errors.New("new job runner: mail needs a courier and a backoff")
		}
		if err := river.AddWorkerSafely(workers, &mailWorker{mail: *mail}); err != nil {
			return nil, fmt.Errorf("new job runner: %w", err)
		}
		if mail.Messages != nil {
			if err := river.AddWorkerSafely(workers, &messageWorker{courier: mail.Messages, backoff: mail.Backoff}); err != nil {
				return nil, fmt.Errorf("new job runner: %w", err)
			}
		}
	}
	if err := river.AddWorkerSafely(workers, &thumbnailWorker{cat: cat, media: store, photos: photos}); err != nil {
		return nil, fmt.Errorf("new job runner: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &pruneWorker{pruners: pruners, log: log}); err != nil {
		return nil, fmt.Errorf("new job runner: %w", err)
	}
	periodic, err := taskJobs(workers, tasks)
	if err != nil {
		return nil, fmt.Errorf("new job runner: %w", err)
	}
	if grades != nil {
		if err := river.AddWorkerSafely(workers, &gradeEvaluationWorker{grades: grades}); err != nil {
			return nil, fmt.Errorf("new job runner: %w", err)
		}
		periodic = append(periodic, gradeEvaluationJob(time.Now))
	}
	if len(pruners) > 0 {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(PruneInterval),
			func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}))
	}
	r := &Runner{log: log}
	drv, err := r.runnerDriver(context.Background(), d)
	if err != nil {
		r.close()
		return nil, fmt.Errorf("new job runner: %w", err)
	}
	r.client, err = river.NewClient(drv, &river.Config{
		Schema:       d.Schema,
		Logger:       log.With("component", "jobs"),
		Workers:      workers,
		PeriodicJobs: periodic,
		Queues: map[string]river.QueueConfig{
			QueueDefault: {MaxWorkers: 10},
			// Thumbnails are CPU-bound; two at a time keeps the shop
			// responsive on a small machine.
			QueueMedia: {MaxWorkers: 2},
		},
		// Jobs finished more than a day ago are deleted by River's
		// maintenance; failures are kept a week for inspection.
		CompletedJobRetentionPeriod: 24 * time.Hour,
		DiscardedJobRetentionPeriod: 7 * 24 * time.Hour,
	})
	if err != nil {
		r.close()
		return nil, fmt.Errorf("new job runner: %w", err)
	}
	return r, nil
}

func (r *Runner) runnerDriver(ctx context.Context, d *db.DB) (riverdriver.Driver[*sql.Tx], error) {
	write, _ := d.SQL()
	// River has a driver per engine, and only PostgreSQL can notify the
	// runner of new jobs (LISTEN/NOTIFY) instead of its polling.
	if d.Dialect.Engine == db.Postgres {
		listen, err := listenerPool(ctx, write)
		if err != nil {
			return nil, err
		}
		r.closers = append(r.closers, listen.Close)
		return riverdatabasesql.NewWithPgxListener(write, listen), nil
	}
	var file string
	if err := write.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		return nil, fmt.Errorf("find sqlite file: %w", err)
	}
	if file == "" { // an in-memory database has no file to share
		return riversqlite.New(write), nil
	}
	pool, err := sql.Open("sqlite", "file:"+db.URIPath(file)+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"+
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite for jobs: %w", err)
	}
	pool.SetMaxOpenConns(1)
	pool.SetMaxIdleConns(1)
	pool.SetConnMaxIdleTime(0)
	pool.SetConnMaxLifetime(0)
	r.closers = append(r.closers, func() { pool.Close() })
	if err := pool.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("open sqlite for jobs: %w", err)
	}
	return riversqlite.New(pool), nil
}

// listenerPool opens a one-connection pgx pool with the settings of the
// connections in pool (same server, user and search_path), for River's
// LISTEN.
func listenerPool(ctx context.Context, pool *sql.DB) (*pgxpool.Pool, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("job listener: %w", err)
	}
	defer conn.Close()
	var connString string
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("driver connection is %T, not pgx", dc)
		}
		connString = c.Conn().Config().ConnString()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("job listener: %w", err)
	}
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("job listener: %w", err)
	}
	cfg.MinConns = 0
	cfg.MaxConns = 1
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("job listener: %w", err)
	}
	return p, nil
}

// Start starts fetching and working jobs in the background and returns.
// Cancelling ctx does not stop the workers (serve cancels it on SIGTERM
// before its requests have finished); call Stop.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	if r.events == nil {
		r.events, r.stopSub = r.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed,
			river.EventKindJobCancelled, river.EventKindJobSnoozed)
	}
	r.mu.Unlock()
	if err := r.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	return nil
}

// Stop stops fetching jobs, waits for the running ones to finish and
// releases the Runner's connections. If ctx ends first, the running jobs are
// cancelled (River retries them later), Stop waits briefly for them to
// return and reports ctx's error. A stopped Runner cannot be started again.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err != nil {
		hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = r.client.StopAndCancel(hard)
		err = fmt.Errorf("stop jobs: %w", err)
	}
	r.mu.Lock()
	if r.stopSub != nil {
		r.stopSub()
		r.stopSub = nil
	}
	r.mu.Unlock()
	r.close()
	return err
}

func (r *Runner) close() {
	for _, c := range r.closers {
		c()
	}
	r.closers = nil
}

// WorkAll waits, without polling on a timer, until no job is available or
// running — every job that could run now has completed, failed (and is
// scheduled for a retry or discarded), been cancelled or snoozed — and then
// returns an error naming each job that failed or was cancelled while it
// waited. The Runner must be started. It is meant for tests and for
// commands like seed that want their jobs done before they exit; jobs
// enqueued by other processes while it waits are waited for too.
func (r *Runner) WorkAll(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.events == nil {
		return errors.New("work all jobs: runner not started")
	}
	// Forget what happened before this call.
	for drained := false; !drained; {
		select {
		case <-r.events:
		default:
			drained = true
		}
	}
	var failed []error
	record := func(ev *river.Event) {
		if ev == nil || ev.Job == nil {
			return
		}
		switch ev.Kind {
		case river.EventKindJobFailed, river.EventKindJobCancelled:
			msg := "no error recorded"
			if n := len(ev.Job.Errors); n > 0 {
				msg = ev.Job.Errors[n-1].Error
			}
			failed = append(failed, fmt.Errorf("job %d (%s) %s: %s", ev.Job.ID, ev.Job.Kind, ev.Kind, msg))
		}
	}
	for {
		res, err := r.client.JobList(ctx, river.NewJobListParams().
			States(rivertype.JobStateAvailable, rivertype.JobStateRunning).First(1))
		if err != nil {
			return fmt.Errorf("work all jobs: %w", err)
		}
		if len(res.Jobs) == 0 {
			// Events of jobs that finished just before the list.
			for drained := false; !drained; {
				select {
				case ev := <-r.events:
					record(ev)
				default:
					drained = true
				}
			}
			return errors.Join(failed...)
		}
		select {
		case ev, ok := <-r.events:
			if !ok {
				return errors.New("work all jobs: runner stopped")
			}
			record(ev)
		case <-ctx.Done():
			return fmt.Errorf("work all jobs: %w", ctx.Err())
		}
	}
}
