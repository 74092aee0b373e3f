package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/media"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

type env struct {
	d      *db.DB
	cat    *catalog.Service
	store  *media.Store
	runner *Runner
	q      *Queue
	photos *readyPhotos
}

// readyPhotos records the photo keys whose thumbnails were marked ready.
type readyPhotos struct {
	mu   sync.Mutex
	keys []string
}

func (p *readyPhotos) SetThumbsReady(_ context.Context, key string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = append(p.keys, key)
	return nil
}

// newEnv returns a migrated database with River's tables, a catalog whose
// thumbnails go through a Queue, a memory bucket and a started Runner.
func newEnv(t *testing.T) env {
	t.Helper()
	ctx := t.Context()
	d := dbtest.New(t)
	if err := Migrate(ctx, d); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	q, err := NewQueue(d)
	if err != nil {
		t.Fatalf("NewQueue: %v", err)
	}
	log := slog.New(slog.DiscardHandler)
	cat := catalog.NewService(d, func() time.Time { return now }, log, q)
	store, err := media.Open(ctx, "mem://")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	photos := &readyPhotos{}
	r, err := NewRunner(d, log, cat, store, photos, nil, nil, nil, nil)
	if err != nil {
		t.Fatalf("NewRunner: %v", err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return env{d: d, cat: cat, store: store, runner: r, q: q, photos: photos}
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func countJobs(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.Read().GetContext(t.Context(), &n, `SELECT count(*) FROM river_job WHERE kind = 'thumbnails'`); err != nil {
		t.Fatalf("count jobs: %v", err)
	}
	return n
}

func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	for i := range 2 {
		if err := Migrate(t.Context(), d); err != nil {
			t.Fatalf("Migrate #%d: %v", i+1, err)
		}
	}
}

func TestThumbnails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		store       bool // put the original in the bucket
		thumbsReady bool // AddImage says the thumbnails exist
		wantJobs    int
		wantReady   bool
		wantErr     bool // WorkAll reports a failed job
	}{
		{"new image", true, false, 1, true, false},
		{"thumbnails already made", true, true, 0, true, false},
		{"original missing", false, false, 1, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx := t.Context()
			f := catalogtest.Seed(t, e.cat, 1)
			data := pngBytes(t, 640, 400)
			key := media.ContentKey("products", data, "image/png")
			if tt.store {
				if err := e.store.Put(ctx, key, "image/png", bytes.NewReader(data)); err != nil {
					t.Fatal(err)
				}
			}
			img, err := e.cat.AddImage(ctx, f.Products[0], catalog.NewImage{
				Key: key, ContentType: "image/png", Width: 640, Height: 400, ThumbsReady: tt.thumbsReady,
			})
			if err != nil {
				t.Fatalf("AddImage: %v", err)
			}
			// The job is visible as soon as AddImage's transaction committed.
			if got := countJobs(t, e.d); got != tt.wantJobs {
				t.Fatalf("thumbnail jobs after AddImage = %d, want %d", got, tt.wantJobs)
			}
			wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			if err := e.runner.WorkAll(wctx); (err != nil) != tt.wantErr {
				t.Fatalf("WorkAll = %v, want error %v", err, tt.wantErr)
			}
			got, err := e.cat.Image(ctx, img.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ThumbsReady != tt.wantReady {
				t.Errorf("ThumbsReady = %v, want %v", got.ThumbsReady, tt.wantReady)
			}
			if tt.thumbsReady {
				return // the test did not make them
			}
			for _, s := range media.Sizes {
				ok, err := e.store.Exists(ctx, media.ThumbKey(key, s))
				if err != nil {
					t.Fatal(err)
				}
				if ok != tt.wantReady {
					t.Errorf("%s thumbnail exists = %v, want %v", s, ok, tt.wantReady)
				}
			}
		})
	}
}

// TestPhotoThumbnails: a photo stored outside the catalog (a review's) gets
// its thumbnails by its key, and its owner is told; a missing original
// cancels the job without telling.
func TestPhotoThumbnails(t *testing.T) {
	t.Parallel()
	for _, stored := range []bool{true, false} {
		t.Run(fmt.Sprint("stored ", stored), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx := t.Context()
			data := pngBytes(t, 300, 200)
			key := media.ContentKey("reviews", data, "image/png")
			if stored {
				if err := e.store.Put(ctx, key, "image/png", bytes.NewReader(data)); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.d.InTx(ctx, func(q db.Querier) error { return e.q.EnqueueKeyThumbnails(ctx, q, key) }); err != nil {
				t.Fatal(err)
			}
			wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			if err := e.runner.WorkAll(wctx); (err != nil) == stored {
				t.Fatalf("WorkAll = %v", err)
			}
			ok, err := e.store.Exists(ctx, media.ThumbKey(key, media.Small))
			if err != nil || ok != stored {
				t.Fatalf("small thumbnail exists = %v, %v", ok, err)
			}
			e.photos.mu.Lock()
			defer e.photos.mu.Unlock()
			if stored != (len(e.photos.keys) == 1 && e.photos.keys[0] == key) {
				t.Fatalf("marked ready: %v", e.photos.keys)
			}
		})
	}
}

func TestEnqueueInTransaction(t *testing.T) {
	t.Parallel()
	errRollback := errors.New("roll back")
	tests := []struct {
		name     string
		fail     error // what the transaction returns
		wantJobs int
	}{
		{"committed", nil, 1},
		{"rolled back", errRollback, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			d := dbtest.New(t)
			if err := Migrate(ctx, d); err != nil {
				t.Fatal(err)
			}
			q, err := NewQueue(d)
			if err != nil {
				t.Fatal(err)
			}
			err = d.InTx(ctx, func(tx db.Querier) error {
				if err := q.EnqueueThumbnails(ctx, tx, 42); err != nil {
					return err
				}
				return tt.fail
			})
			if !errors.Is(err, tt.fail) {
				t.Fatalf("InTx = %v, want %v", err, tt.fail)
			}
			if got := countJobs(t, d); got != tt.wantJobs {
				t.Errorf("jobs = %d, want %d", got, tt.wantJobs)
			}
		})
	}
}

func TestEnqueueOutsideTransaction(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	q, err := NewQueue(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.EnqueueThumbnails(t.Context(), d.Write(), 1); err == nil {
		t.Fatal("EnqueueThumbnails on the pool: no error, want one")
	}
}

func TestWorkAllBeforeStart(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	r, err := NewRunner(d, slog.New(slog.DiscardHandler), nil, nil, nil, nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.WorkAll(t.Context()); err == nil {
		t.Fatal("WorkAll before Start: no error")
	}
	if err := r.Stop(t.Context()); err != nil {
		t.Fatalf("Stop before Start: %v", err)
	}
}

func TestPruneRunsAtStart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	if err := Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	ran := make(chan string, 10)
	pruners := []Pruner{
		{Name: "broken", Prune: func(context.Context) (int64, error) { ran <- "broken"; return 0, errors.New("table is gone") }},
		{Name: "sessions", Prune: func(context.Context) (int64, error) { ran <- "sessions"; return 3, nil }},
	}
	r, err := NewRunner(d, slog.New(slog.DiscardHandler), nil, nil, nil, nil, nil, nil, nil, pruners...)
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
	// Both run, although the first fails: one failure must not keep the
	// other tables growing.
	seen := map[string]bool{}
	deadline := time.After(time.Minute)
	for !seen["broken"] || !seen["sessions"] {
		select {
		case name := <-ran:
			seen[name] = true
		case <-deadline:
			t.Fatalf("pruners that ran within a minute of start: %v", seen)
		}
	}
}
