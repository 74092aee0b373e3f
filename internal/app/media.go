package app

import (
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/media"
)

// wireMedia builds the back office's uploads: product images, the
// rich-text editor's images and the shop's logo (settings). Every package that refers to uploaded media
// (keys, or URLs in staff HTML) is a Referrer of the uploads' sweep; one
// left out would have its images deleted a day after upload. Call it after
// wireContent.
func (a *App) wireMedia() {
	a.uploads = media.NewUploads(a.DB, a.Media, a.acc.audit, a.now, a.log, a.Catalog, a.content, a.live)
	a.images = catalog.NewImages(a.Catalog, a.Media, a.uploads, a.acc.audit)
}

// Uploads records and sweeps the back office's uploads, for tools and tests.
func (a *App) Uploads() *media.Uploads { return a.uploads }

// Images manages products' images as staff do, for tools and tests.
func (a *App) Images() *catalog.Images { return a.images }
