// Package e2e holds the browser tests of the storefront: each test starts a
// seeded shop on SQLite or PostgreSQL, drives Debian's headless Chromium
// through it with chromedp, asserts what a shopper sees and keeps a
// full-page screenshot of every scenario in e2e/screenshots/.
//
// The tests carry the build tag e2e, so go test ./... leaves them out:
//
//	go test -tags e2e ./e2e/...
//
// See README.md in this directory for the browser flags and the variables
// that choose the engine and the browser.
package e2e
