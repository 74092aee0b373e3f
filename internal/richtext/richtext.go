// Package richtext cleans the HTML that staff write in the back office's
// editor (product descriptions, notices, pages, banners) before it is
// stored, so that what the storefront shows can never run a script. Every
// package that stores rich text calls Sanitize on save; the storefront then
// renders the stored HTML as is. richtexttest holds an XSS corpus and a
// checker for the tests of those packages.
package richtext

import (
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// policy is bluemonday's policy for user-generated content: text formatting,
// lists, tables, links and images, no scripts, styles, event handlers,
// frames or forms. A bluemonday policy is safe for concurrent use once built.
var policy = bluemonday.UGCPolicy()

// Sanitize returns html with everything that could run a script or load
// anything but a link or an image removed, trimmed of surrounding space.
// The result is balanced: every element it opens it closes, so the stored
// HTML cannot swallow the page around it (an unclosed <table> would take
// in the rest of the page). Void elements are written <img …/>, <br/>.
func Sanitize(s string) string {
	return strings.TrimSpace(balance(policy.Sanitize(s)))
}

// balance parses s as the content of a <div>, as a page holds it, and
// writes it back, closing what it left open.
func balance(s string) string {
	ctx := &html.Node{Type: html.ElementNode, DataAtom: atom.Div, Data: "div"}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return "" // the parser fails only on a reader's error, and a string has none
	}
	var b strings.Builder
	for _, n := range nodes {
		if err := html.Render(&b, n); err != nil {
			return ""
		}
	}
	return b.String()
}
