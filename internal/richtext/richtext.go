// Package richtext cleans the HTML that staff write in the back office's
// editor (product descriptions, notices, pages, banners) before it is
// stored, so that what the storefront shows can never run a script. Every
// package that stores rich text calls Sanitize on save; the storefront then
// renders the stored HTML as is.
package richtext

import (
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// policy is bluemonday's policy for user-generated content: text formatting,
// lists, tables, links and images, no scripts, styles, event handlers,
// frames or forms. A bluemonday policy is safe for concurrent use once built.
var policy = bluemonday.UGCPolicy()

// Sanitize returns html with everything that could run a script or load
// anything but a link or an image removed, trimmed of surrounding space.
func Sanitize(html string) string {
	return strings.TrimSpace(policy.Sanitize(html))
}
