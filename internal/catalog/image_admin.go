package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
)

// Limits of a product's images.
const (
	MaxImages = 20  // images per product
	MaxAlt    = 200 // characters of an image's alt text
)

// Audit records a change in the transaction that makes it (*audit.Log).
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// Images is how staff manage a product's images: upload, order (the first
// is the product's main image, the one listings show), alt text, delete.
// Every change is audited in its transaction with the staff member. Objects
// of deleted images stay in the bucket until the uploads' sweep finds
// nothing refers to them (media.Uploads.Sweep). It is safe for concurrent
// use.
type Images struct {
	cat     *Service
	store   *media.Store
	uploads *media.Uploads
	audit   Audit
}

// NewImages returns the image administration of cat, storing in store and
// recording uploads in uploads.
func NewImages(cat *Service, store *media.Store, uploads *media.Uploads, a Audit) *Images {
	return &Images{cat: cat, store: store, uploads: uploads, audit: a}
}

// ProductImages is a product's images in their order, for staff.
type ProductImages struct {
	ProductID int64
	Name      string
	Images    []Image
}

// List returns the images of a product that is not deleted, whatever its
// status, or fault.ErrNotFound.
func (im *Images) List(ctx context.Context, productID int64) (ProductImages, error) {
	q := im.cat.db.Read()
	name, err := productName(ctx, q, productID)
	if err != nil {
		return ProductImages{}, fmt.Errorf("images of product %d: %w", productID, err)
	}
	imgs, err := productImages(ctx, q, productID)
	if err != nil {
		return ProductImages{}, fmt.Errorf("images of product %d: %w", productID, err)
	}
	return ProductImages{ProductID: productID, Name: name, Images: imgs}, nil
}

// Add stores staged uploads as the product's last images, in order, and
// asks for their thumbnails, all in one transaction audited for by. Keys
// come from the bytes, so the same file twice is stored once. It returns
// fault.ErrNotFound for an unknown or deleted product and a *fault.Invalid
// on "images" for no files or more than MaxImages in all. When anything
// fails, nothing is left: no row, and no object this call added.
func (im *Images) Add(ctx context.Context, by audit.Actor, productID int64, files []*media.Staged) (out []Image, err error) {
	if len(files) == 0 {
		return nil, &fault.Invalid{Fields: map[string]string{"images": "choose at least one image"}}
	}
	var added []string
	defer func() {
		if err != nil {
			for _, k := range added {
				err = errors.Join(err, im.store.Delete(context.WithoutCancel(ctx), k))
			}
		}
	}()
	// Refuse early what the transaction would refuse, before writing objects.
	if _, err := im.List(ctx, productID); err != nil {
		return nil, err
	}
	keys := make([]string, len(files))
	for i, f := range files {
		keys[i] = f.Key(media.KindProduct.Prefix())
		isNew, err := im.store.PutNew(ctx, keys[i], f)
		if err != nil {
			return nil, fmt.Errorf("add images to product %d: %w", productID, err)
		}
		if isNew {
			added = append(added, keys[i])
		}
	}
	now := im.cat.now().UTC()
	err = im.cat.db.InTx(ctx, func(q db.Querier) error {
		ok, err := productExists(ctx, q, productID)
		if err != nil {
			return err
		}
		if !ok {
			return fault.ErrNotFound
		}
		n, err := imageCount(ctx, q, productID)
		if err != nil {
			return err
		}
		if n+len(files) > MaxImages {
			return &fault.Invalid{Fields: map[string]string{"images": fmt.Sprintf("a product has at most %d images", MaxImages)}}
		}
		for i, f := range files {
			img, err := im.cat.attachImage(ctx, q, productID,
				NewImage{Key: keys[i], ContentType: f.ContentType, Width: f.Width, Height: f.Height}, now)
			if err != nil {
				return err
			}
			if err := im.uploads.Record(ctx, q, keys[i], media.KindProduct, by.UserID); err != nil {
				return err
			}
			out = append(out, img)
		}
		return im.audit.Record(ctx, q, by.Entry("product.images.add", "product", strconv.FormatInt(productID, 10),
			map[string]any{"keys": keys}))
	})
	if err != nil {
		return nil, fmt.Errorf("add images to product %d: %w", productID, err)
	}
	im.cat.changed()
	return out, nil
}

// Reorder puts the product's images in the order of ids, which must name
// each of its images once (else *fault.Invalid on "order"); the first is the
// main image.
func (im *Images) Reorder(ctx context.Context, by audit.Actor, productID int64, ids []int64) error {
	return im.arrange(ctx, by, productID, "product.images.reorder", map[string]any{"order": ids},
		func(current []int64) ([]int64, error) {
			a, b := slices.Clone(current), slices.Clone(ids)
			slices.Sort(a)
			slices.Sort(b)
			if !slices.Equal(a, b) {
				return nil, &fault.Invalid{Fields: map[string]string{"order": "must list each of the product's images once"}}
			}
			return ids, nil
		})
}

// SetMain makes an image of the product its first, main image, keeping the
// others in their order. An image of another product is fault.ErrNotFound.
func (im *Images) SetMain(ctx context.Context, by audit.Actor, productID, imageID int64) error {
	return im.arrange(ctx, by, productID, "product.images.main", map[string]any{"image_id": imageID},
		func(current []int64) ([]int64, error) {
			i := slices.Index(current, imageID)
			if i < 0 {
				return nil, fmt.Errorf("image %d: %w", imageID, fault.ErrNotFound)
			}
			return append([]int64{imageID}, slices.Delete(slices.Clone(current), i, i+1)...), nil
		})
}

// arrange rewrites the positions of a product's images to the order next
// computes from the current one, audited as action.
func (im *Images) arrange(ctx context.Context, by audit.Actor, productID int64, action string, detail map[string]any,
	next func(current []int64) ([]int64, error)) error {
	now := im.cat.now().UTC()
	err := im.cat.db.InTx(ctx, func(q db.Querier) error {
		ok, err := productExists(ctx, q, productID)
		if err != nil {
			return err
		}
		if !ok {
			return fault.ErrNotFound
		}
		imgs, err := productImages(ctx, q, productID)
		if err != nil {
			return err
		}
		current := make([]int64, len(imgs))
		for i, img := range imgs {
			current[i] = img.ID
		}
		order, err := next(current)
		if err != nil {
			return err
		}
		for i, id := range order {
			if err := setImagePosition(ctx, q, productID, id, i+1, now); err != nil {
				return err
			}
		}
		if err := refreshCover(ctx, q, productID); err != nil {
			return err
		}
		return im.audit.Record(ctx, q, by.Entry(action, "product", strconv.FormatInt(productID, 10), detail))
	})
	if err != nil {
		return fmt.Errorf("arrange images of product %d: %w", productID, err)
	}
	im.cat.changed()
	return nil
}

// SetAlt sets the alt text of an image of the product: trimmed, at most
// MaxAlt characters (else *fault.Invalid on "alt"). An image of another
// product is fault.ErrNotFound.
func (im *Images) SetAlt(ctx context.Context, by audit.Actor, productID, imageID int64, alt string) error {
	alt = strings.TrimSpace(alt)
	if utf8.RuneCountInString(alt) > MaxAlt {
		return &fault.Invalid{Fields: map[string]string{"alt": fmt.Sprintf("must be at most %d characters", MaxAlt)}}
	}
	err := im.cat.db.InTx(ctx, func(q db.Querier) error {
		if err := setImageAlt(ctx, q, productID, imageID, alt, im.cat.now().UTC()); err != nil {
			return err
		}
		return im.audit.Record(ctx, q, by.Entry("product.images.alt", "product", strconv.FormatInt(productID, 10),
			map[string]any{"image_id": imageID, "alt": alt}))
	})
	if err != nil {
		return fmt.Errorf("set alt of image %d: %w", imageID, err)
	}
	im.cat.changed()
	return nil
}

// Delete removes an image of the product (an image of another product is
// fault.ErrNotFound). Its object and thumbnails are deleted by the uploads'
// sweep once nothing refers to them.
func (im *Images) Delete(ctx context.Context, by audit.Actor, productID, imageID int64) error {
	err := im.cat.db.InTx(ctx, func(q db.Querier) error {
		key, err := deleteImage(ctx, q, productID, imageID)
		if err != nil {
			return err
		}
		if err := refreshCover(ctx, q, productID); err != nil {
			return err
		}
		return im.audit.Record(ctx, q, by.Entry("product.images.delete", "product", strconv.FormatInt(productID, 10),
			map[string]any{"image_id": imageID, "key": key}))
	})
	if err != nil {
		return fmt.Errorf("delete image %d: %w", imageID, err)
	}
	im.cat.changed()
	return nil
}

// InUse returns those of keys the catalog refers to: as a product image
// (deleted products' too, whose rows stay), or as a media URL in a
// product's description. It makes the catalog a media.Referrer.
func (s *Service) InUse(ctx context.Context, keys []string) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	q := s.db.Read()
	used, err := imageKeysIn(ctx, q, keys)
	if err != nil {
		return nil, fmt.Errorf("media in use: %w", err)
	}
	var rest []string
	for _, k := range keys {
		if !slices.Contains(used, k) {
			rest = append(rest, k)
		}
	}
	if len(rest) == 0 {
		return used, nil
	}
	m := media.NewMentions(rest)
	if err := m.ScanQuery(ctx, q, `SELECT description FROM products WHERE description LIKE ?`, media.MentionPattern); err != nil {
		return nil, fmt.Errorf("media in use: %w", err)
	}
	used = append(used, m.Found()...)
	return used, nil
}
