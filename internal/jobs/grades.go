package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/mallang/mallang/internal/kst"
)

// GradeEvaluator runs the monthly evaluation of membership grades for a
// period ("2026-12"); *promotion.Evaluator implements it. A second run for
// the same period must change nothing.
type GradeEvaluator interface {
	EvaluateMonth(ctx context.Context, period string) (int, error)
}

// GradeEvaluationArgs evaluates the membership grades of Period, the month
// in Asia/Seoul it runs in ("2026-12"). It is a periodic job of its own
// (GradeEvaluationSchedule), inserted by the leading node only.
type GradeEvaluationArgs struct {
	Period string `json:"period"`
}

// Kind is the job kind stored in river_job; never change it.
func (GradeEvaluationArgs) Kind() string { return "grade_evaluation" }

// InsertOpts makes the job unique by its period: however often it is
// inserted for a month (a leader handing over, a retry of the insert), it
// runs once, and the evaluation itself changes nobody twice in a month.
func (GradeEvaluationArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// GradeEvaluationAt is when the evaluation runs: on the first day of each
// month, this long after midnight in Asia/Seoul (00:10), when the month's
// first minutes of orders have settled.
const GradeEvaluationAt = 10 * time.Minute

// monthly is a river.PeriodicSchedule: the first day of each month at
// offset after midnight in Asia/Seoul.
type monthly struct{ offset time.Duration }

// Next returns the first run strictly after t.
func (m monthly) Next(t time.Time) time.Time {
	k := t.In(kst.Zone)
	run := time.Date(k.Year(), k.Month(), 1, 0, 0, 0, 0, kst.Zone).Add(m.offset)
	if !run.After(t) {
		run = time.Date(k.Year(), k.Month()+1, 1, 0, 0, 0, 0, kst.Zone).Add(m.offset)
	}
	return run
}

// GradeEvaluationSchedule is the schedule of the grade evaluation: 00:10
// on the first of every month, Korean time.
func GradeEvaluationSchedule() river.PeriodicSchedule { return monthly{offset: GradeEvaluationAt} }

// gradeEvaluationFor is the job inserted at t: it evaluates t's month in
// Asia/Seoul.
func gradeEvaluationFor(t time.Time) GradeEvaluationArgs {
	return GradeEvaluationArgs{Period: t.In(kst.Zone).Format("2006-01")}
}

// gradeEvaluationJob is the periodic job: its args name the month of the
// moment River inserts it.
func gradeEvaluationJob(now func() time.Time) *river.PeriodicJob {
	return river.NewPeriodicJob(GradeEvaluationSchedule(), func() (river.JobArgs, *river.InsertOpts) {
		return gradeEvaluationFor(now()), nil
	}, nil)
}

type gradeEvaluationWorker struct {
	river.WorkerDefaults[GradeEvaluationArgs]
	grades GradeEvaluator
}

func (w *gradeEvaluationWorker) Timeout(*river.Job[GradeEvaluationArgs]) time.Duration {
	return 30 * time.Minute
}

// Work evaluates the job's month; a failure is retried, and a retry
// changes only what the failed run did not.
func (w *gradeEvaluationWorker) Work(ctx context.Context, job *river.Job[GradeEvaluationArgs]) error {
	if _, err := w.grades.EvaluateMonth(ctx, job.Args.Period); err != nil {
		return fmt.Errorf("evaluate grades of %s: %w", job.Args.Period, err)
	}
	return nil
}
