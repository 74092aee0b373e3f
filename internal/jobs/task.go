package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// Task is work the shop does on a schedule (the automations' mails), run
// by TaskArgs. Run must be idempotent: River runs a periodic job on the
// leading node only, but a retried or restarted job may run it twice.
type Task struct {
	Name  string // stored in the job's arguments; never change it
	Every time.Duration
	Run   func(ctx context.Context) error
}

// TaskArgs runs the Task of its name. It is a periodic job, unique per
// task and interval, so any number of nodes run each task once per
// interval.
type TaskArgs struct {
	Task  string        `json:"task"`
	Every time.Duration `json:"-"`
}

// Kind is the job kind stored in river_job; never change it.
func (TaskArgs) Kind() string { return "scheduled_task" }

// InsertOpts makes the job unique per task and interval.
func (a TaskArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: a.Every}}
}

type taskWorker struct {
	river.WorkerDefaults[TaskArgs]
	tasks map[string]Task
}

func (w *taskWorker) Timeout(*river.Job[TaskArgs]) time.Duration { return 10 * time.Minute }

func (w *taskWorker) Work(ctx context.Context, job *river.Job[TaskArgs]) error {
	t, ok := w.tasks[job.Args.Task]
	if !ok {
		return river.JobCancel(fmt.Errorf("no task %q", job.Args.Task))
	}
	if err := t.Run(ctx); err != nil {
		return fmt.Errorf("task %s: %w", t.Name, err)
	}
	return nil
}

// taskJobs registers the worker of tasks and returns their periodic jobs.
func taskJobs(workers *river.Workers, tasks []Task) ([]*river.PeriodicJob, error) {
	if len(tasks) == 0 {
		return nil, nil
	}
	w := &taskWorker{tasks: map[string]Task{}}
	var periodic []*river.PeriodicJob
	for _, t := range tasks {
		if t.Every <= 0 || t.Run == nil || t.Name == "" {
			return nil, fmt.Errorf("task %q needs a name, an interval and work", t.Name)
		}
		w.tasks[t.Name] = t
		args := TaskArgs{Task: t.Name, Every: t.Every}
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(t.Every),
			func() (river.JobArgs, *river.InsertOpts) { return args, nil },
			&river.PeriodicJobOpts{RunOnStart: true}))
	}
	if err := river.AddWorkerSafely(workers, w); err != nil {
		return nil, err
	}
	return periodic, nil
}
