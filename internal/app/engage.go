package app

import (
	"github.com/mallang/mallang/internal/qna"
	"github.com/mallang/mallang/internal/wishlist"
)

// engagement are the wishlist and the product questions (decision 0065).
type engagement struct {
	wishes    *wishlist.Service
	questions *qna.Service
}

// wireEngagement builds the wishlist, which the catalog tells of every
// price and stock change so wishers are mailed, and the product questions.
func (a *App) wireEngagement() {
	s := a.acc
	a.engage = &engagement{
		wishes: wishlist.New(a.DB, wishlist.Deps{Catalog: a.Catalog, Mailer: s.outbox, Customers: a.Accounts},
			wishlist.Config{BaseURL: a.cfg.BaseURL}, a.now, a.log),
		questions: qna.New(a.DB, qna.Deps{Products: a.Catalog, Audit: s.audit, Mailer: s.outbox, Customers: a.Accounts},
			qna.Config{BaseURL: a.cfg.BaseURL}, a.now, a.log),
	}
	a.Catalog.Watch(a.engage.wishes)
}

// Wishes is the wishlist service, for tools and tests.
func (a *App) Wishes() *wishlist.Service { return a.engage.wishes }

// Questions is the product question service, for tools and tests.
func (a *App) Questions() *qna.Service { return a.engage.questions }
