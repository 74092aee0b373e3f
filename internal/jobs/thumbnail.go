package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
)

// ThumbnailArgs asks for the thumbnails of one product image, or, with
// Key, of an image stored under that media key outside the catalog (a
// review's photo), whose owner PhotoThumbs marks ready.
type ThumbnailArgs struct {
	ImageID int64  `json:"image_id"`
	Key     string `json:"key,omitempty"`
}

// PhotoThumbs records that the thumbnails of the photo stored under key
// exist (*review.Service).
type PhotoThumbs interface {
	SetThumbsReady(ctx context.Context, key string) error
}

// Kind is the job kind stored in river_job; never change it, or queued jobs
// are orphaned.
func (ThumbnailArgs) Kind() string { return "thumbnails" }

// InsertOpts puts thumbnail jobs on QueueMedia. Ten attempts with River's
// backoff span about a day, enough to ride out an object-store outage.
func (ThumbnailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMedia, MaxAttempts: 10}
}

// thumbnailWorker makes an image's thumbnails and marks them ready.
type thumbnailWorker struct {
	river.WorkerDefaults[ThumbnailArgs]
	cat    *catalog.Service
	media  *media.Store
	photos PhotoThumbs
}

func (w *thumbnailWorker) Timeout(*river.Job[ThumbnailArgs]) time.Duration { return 2 * time.Minute }

// Work is idempotent: a retry after a crash between the thumbnails and
// SetThumbsReady writes the same objects again. An image that no longer
// exists, or whose original is missing or undecodable, cancels the job
// (retrying cannot help); anything else is retried.
func (w *thumbnailWorker) Work(ctx context.Context, job *river.Job[ThumbnailArgs]) error {
	if key := job.Args.Key; key != "" {
		if err := w.media.MakeThumbnails(ctx, key); err != nil {
			if errors.Is(err, fault.ErrNotFound) || errors.Is(err, media.ErrUnreadable) {
				return river.JobCancel(fmt.Errorf("photo %s: %w", key, err))
			}
			return fmt.Errorf("photo %s: %w", key, err)
		}
		return w.photos.SetThumbsReady(ctx, key)
	}
	img, err := w.cat.Image(ctx, job.Args.ImageID)
	if errors.Is(err, fault.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if img.ThumbsReady {
		return nil
	}
	if err := w.media.MakeThumbnails(ctx, img.Key); err != nil {
		if errors.Is(err, fault.ErrNotFound) || errors.Is(err, media.ErrUnreadable) {
			return river.JobCancel(fmt.Errorf("image %d: %w", img.ID, err))
		}
		return fmt.Errorf("image %d: %w", img.ID, err)
	}
	return w.cat.SetThumbsReady(ctx, img.ID)
}
