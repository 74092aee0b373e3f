package catalog

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// NewImage describes an image already stored in the media bucket under Key.
// ThumbsReady says its thumbnails exist too (a seed that makes them itself),
// so no thumbnail job is needed.
type NewImage struct {
	Key         string
	ContentType string
	Width       int
	Height      int
	Alt         string
	ThumbsReady bool
}

// AddImage appends an image to a product that is not deleted; the first
// image is the one listings show. Unless img.ThumbsReady, it asks the
// ThumbnailQueue for thumbnails in the same transaction. It returns
// fault.ErrNotFound for an unknown product and *fault.Invalid for a missing
// key or content type.
func (s *Service) AddImage(ctx context.Context, productID int64, img NewImage) (Image, error) {
	inv := &fault.Invalid{}
	img.validate("", inv)
	if inv.Err() != nil {
		return Image{}, inv
	}
	now := s.now().UTC()
	var out Image
	err := s.db.InTx(ctx, func(q db.Querier) error {
		ok, err := productExists(ctx, q, productID)
		if err != nil {
			return err
		}
		if !ok {
			return fault.ErrNotFound
		}
		out, err = s.attachImage(ctx, q, productID, img, now)
		return err
	})
	if err != nil {
		return Image{}, fmt.Errorf("add image to product %d: %w", productID, err)
	}
	s.changed()
	return out, nil
}

// Image returns an image by id, or fault.ErrNotFound.
func (s *Service) Image(ctx context.Context, id int64) (Image, error) {
	img, err := imageByID(ctx, s.db.Read(), id)
	if err != nil {
		return Image{}, fmt.Errorf("image %d: %w", id, err)
	}
	return img, nil
}

// SetThumbsReady records that every thumbnail of an image exists; the
// thumbnail job calls it when done. It returns fault.ErrNotFound for an
// unknown image.
func (s *Service) SetThumbsReady(ctx context.Context, imageID int64) error {
	if err := setThumbsReady(ctx, s.db.Write(), imageID, s.now().UTC()); err != nil {
		return fmt.Errorf("set thumbnails ready for image %d: %w", imageID, err)
	}
	s.changed()
	return nil
}

// validate trims img and reports what is wrong under prefix.
func (img *NewImage) validate(prefix string, inv *fault.Invalid) {
	img.Key = strings.TrimSpace(img.Key)
	img.ContentType = strings.TrimSpace(img.ContentType)
	img.Alt = strings.TrimSpace(img.Alt)
	if img.Key == "" {
		inv.Add(prefix+"key", "is required")
	}
	if !strings.HasPrefix(img.ContentType, "image/") {
		inv.Add(prefix+"content_type", "must be an image type")
	}
	if img.Width < 0 || img.Height < 0 {
		inv.Add(prefix+"size", "must not be negative")
	}
}

// attachImage stores a validated image of product productID inside the
// caller's transaction and, unless its thumbnails exist, enqueues them there.
func (s *Service) attachImage(ctx context.Context, q db.Querier, productID int64, img NewImage, now time.Time) (Image, error) {
	out, err := insertImage(ctx, q, productID, img, now)
	if err != nil {
		return Image{}, err
	}
	if err := refreshCover(ctx, q, productID); err != nil {
		return Image{}, err
	}
	if img.ThumbsReady {
		return out, nil
	}
	if err := s.thumbs.EnqueueThumbnails(ctx, q, out.ID); err != nil {
		return Image{}, fmt.Errorf("enqueue thumbnails of image %d: %w", out.ID, err)
	}
	return out, nil
}
