package app

import "github.com/mallang/mallang/internal/content"

// wireContent builds the content service: notices, events, FAQ, pages and
// banners, audited in the audit log.
func (a *App) wireContent() {
	a.content = content.NewService(a.DB, a.acc.audit, a.now, a.log)
}

// Content is the content service, for tools and tests.
func (a *App) Content() *content.Service { return a.content }
