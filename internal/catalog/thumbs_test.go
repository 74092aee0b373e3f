package catalog

import (
	"context"

	"github.com/mallang/mallang/internal/db"
)

// thumbsAsked stands in for the thumbnail job queue in this package's own
// tests (catalogtest.Thumbs cannot be imported here): it counts the images
// asked for.
type thumbsAsked struct{ n int }

func (t *thumbsAsked) EnqueueThumbnails(context.Context, db.Querier, int64) error {
	t.n++
	return nil
}
