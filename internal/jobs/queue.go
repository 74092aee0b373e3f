package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/mallang/mallang/internal/db"
)

// Queue enqueues jobs; it never works them (see Runner). It is safe for
// concurrent use and needs no closing.
type Queue struct {
	client *river.Client[*sql.Tx]
}

// NewQueue returns a Queue on d. River's tables must exist (Migrate) before
// the first job is enqueued.
func NewQueue(d *db.DB) (*Queue, error) {
	write, _ := d.SQL()
	c, err := river.NewClient(driver(d, write), &river.Config{
		Schema: d.Schema,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return nil, fmt.Errorf("new job queue: %w", err)
	}
	return &Queue{client: c}, nil
}

// EnqueueThumbnails enqueues a ThumbnailArgs job for the image inside the
// caller's transaction: q must be the querier db.InTx passed in (anything
// else is an error), so the job exists if and only if the transaction
// commits. It implements catalog.ThumbnailQueue.
func (qu *Queue) EnqueueThumbnails(ctx context.Context, q db.Querier, imageID int64) error {
	tx, err := sqlTx(q)
	if err != nil {
		return fmt.Errorf("enqueue thumbnails of image %d: %w", imageID, err)
	}
	if _, err := qu.client.InsertTx(ctx, tx, ThumbnailArgs{ImageID: imageID}, nil); err != nil {
		return fmt.Errorf("enqueue thumbnails of image %d: %w", imageID, err)
	}
	return nil
}

// EnqueueKeyThumbnails enqueues a ThumbnailArgs job for the image stored
// under key (a review's photo) inside the caller's transaction, as
// EnqueueThumbnails does. It implements review.Thumbs.
func (qu *Queue) EnqueueKeyThumbnails(ctx context.Context, q db.Querier, key string) error {
	tx, err := sqlTx(q)
	if err != nil {
		return fmt.Errorf("enqueue thumbnails of %s: %w", key, err)
	}
	if _, err := qu.client.InsertTx(ctx, tx, ThumbnailArgs{Key: key}, nil); err != nil {
		return fmt.Errorf("enqueue thumbnails of %s: %w", key, err)
	}
	return nil
}
