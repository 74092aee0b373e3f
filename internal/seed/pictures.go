package seed

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/media"
)

// DemoPool is the number of distinct pictures of each kind of product in
// the demo shop: with 200 products over 73 kinds, every product has its own.
const DemoPool = poolPerKind

// PictureOptions tune Pictures.
type PictureOptions struct {
	// Rand seeds the drawing: the same seed gives the same pictures.
	Rand int64
	// Pool is the number of distinct pictures per kind of product; 0 means
	// DemoPool.
	Pool int
}

// Pictures gives every listed product of the demo's leaf categories that
// has no image yet a picture of its kind: drawn, stored in the media bucket
// and attached with AddImage, which queues its thumbnails for the thumbnail
// job. The j-th product of a leaf (in id order, counting those that have an
// image) is of the leaf's kind j mod kinds, as Run made it, and gets that
// kind's picture (j div kinds) mod Pool, so a run stopped halfway and run
// again attaches the same pictures to the rest and nothing twice. It returns how many images it attached and writes a progress line
// per leaf to progress (nil discards them). Serve runs it after the demo
// products are in, so the shop answers while the pictures are drawn.
func Pictures(ctx context.Context, cat *catalog.Service, store *media.Store, opt PictureOptions, progress io.Writer) (int, error) {
	if opt.Pool <= 0 {
		opt.Pool = DemoPool
	}
	if progress == nil {
		progress = io.Discard
	}
	leaves, leafIDs, err := categories(ctx, cat)
	if err != nil {
		return 0, err
	}
	byLeaf := map[int64][]catalog.Product{}
	for page := 1; ; page++ {
		res, err := cat.List(ctx, catalog.ListQuery{Sort: catalog.SortNewest, Page: page, PerPage: catalog.MaxPerPage})
		if err != nil {
			return 0, fmt.Errorf("seed pictures: %w", err)
		}
		for _, p := range res.Products {
			byLeaf[p.CategoryID] = append(byLeaf[p.CategoryID], p)
		}
		if page >= res.Pages {
			break
		}
	}
	attached := 0
	for li, l := range leaves {
		ps := byLeaf[leafIDs[li]]
		slices.SortFunc(ps, func(a, b catalog.Product) int { return int(a.ID - b.ID) })
		keys := map[[2]int]string{} // by kind and picture number
		for j, p := range ps {
			if p.Image != nil {
				continue
			}
			ki := j % len(l.kinds)
			at := [2]int{ki, (j / len(l.kinds)) % opt.Pool}
			if keys[at] == "" {
				if keys[at], err = storePicture(ctx, store, picture(opt.Rand, l, li, ki, at[1])); err != nil {
					return attached, err
				}
			}
			if _, err := cat.AddImage(ctx, p.ID, catalog.NewImage{Key: keys[at], ContentType: "image/jpeg",
				Width: cardSize, Height: cardSize, Alt: p.Name}); err != nil {
				return attached, fmt.Errorf("seed picture of product %d: %w", p.ID, err)
			}
			attached++
		}
		fmt.Fprintf(progress, "상품 사진 %s / %s\n", l.name, thousands(len(ps)))
	}
	return attached, nil
}

// storePicture stores a drawn picture unless it is there already,
// returning its key.
func storePicture(ctx context.Context, store *media.Store, data []byte) (string, error) {
	key := media.ContentKey("products", data, "image/jpeg")
	ok, err := store.Exists(ctx, key)
	if err != nil || ok {
		return key, err
	}
	if err := store.Put(ctx, key, "image/jpeg", bytes.NewReader(data)); err != nil {
		return "", fmt.Errorf("seed picture: %w", err)
	}
	return key, nil
}
