// Package media stores uploaded files (product images first) in a bucket —
// a folder in the data directory by default, S3 or an S3-compatible service
// in production — makes their thumbnails and serves them with cache headers.
package media

import (
	"path"
	"strings"
)

// Size names a thumbnail size; the number is the longest side in pixels.
type Size string

// Thumbnail sizes. Every product image has all three once its thumbnail job
// has run.
const (
	Small  Size = "sm" // 200 px: listings on phones, cart lines
	Medium Size = "md" // 480 px: listings
	Large  Size = "lg" // 960 px: product page
)

// Sizes lists every thumbnail size, smallest first.
var Sizes = []Size{Small, Medium, Large}

// Pixels is the longest side of a thumbnail of size s.
func (s Size) Pixels() int {
	switch s {
	case Small:
		return 200
	case Medium:
		return 480
	default:
		return 960
	}
}

// ThumbKey is the bucket key of the size-s thumbnail of the original stored
// under key. Thumbnails are JPEG whatever the original was.
func ThumbKey(key string, s Size) string {
	return "thumbs/" + string(s) + "/" + strings.TrimSuffix(key, path.Ext(key)) + ".jpg"
}

// URLPrefix is the path under which the media handler serves the bucket, so
// the URL of a stored object is URLPrefix + key.
const URLPrefix = "/media/"
