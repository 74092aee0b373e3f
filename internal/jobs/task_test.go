package jobs

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db/dbtest"
)

// A task runs at start and is refused without a schedule or work.
func TestTaskRunsAtStart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	if err := Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Task{{Name: "no interval", Run: func(context.Context) error { return nil }}, {Name: "no work", Every: time.Hour}} {
		if _, err := NewRunner(d, slog.New(slog.DiscardHandler), nil, nil, nil, nil, nil, nil, []Task{bad}); err == nil {
			t.Errorf("task %q accepted", bad.Name)
		}
	}
	ran := make(chan string, 10)
	tasks := []Task{
		{Name: "mails", Every: 15 * time.Minute, Run: func(context.Context) error { ran <- "mails"; return nil }},
		{Name: "report", Every: time.Hour, Run: func(context.Context) error { ran <- "report"; return nil }},
	}
	r, err := NewRunner(d, slog.New(slog.DiscardHandler), nil, nil, nil, nil, nil, nil, tasks)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	seen := map[string]int{}
	deadline := time.After(time.Minute)
	for seen["mails"] == 0 || seen["report"] == 0 {
		select {
		case name := <-ran:
			seen[name]++
		case <-deadline:
			t.Fatalf("tasks that ran within a minute of start: %v", seen)
		}
	}
}
