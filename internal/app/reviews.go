package app

import (
	"context"

	"github.com/mallang/mallang/internal/review"
)

// wireReviews builds the product review service on the points, media,
// job queue, audit and mail of the shop; its policy is read from the live
// settings at each use.
func (a *App) wireReviews() {
	s := a.acc
	s.reviews = review.New(a.DB, review.Deps{Points: s.points, Media: a.Media, Thumbs: a.queue, Audit: s.audit,
		Mailer: s.outbox, Customers: a.Accounts}, a.reviewRules, a.now, a.log, a.cfg.BaseURL)
}

// reviewRules reads the review policy from the live settings.
func (a *App) reviewRules(ctx context.Context) review.Rules {
	st := a.live.s.Current(ctx).Reviews
	return review.Rules{TextPoints: st.TextPoints, PhotoPoints: st.PhotoPoints, RequestAfterDays: st.RequestAfterDays}
}

// Reviews is the product review service, for tools and tests.
func (a *App) Reviews() *review.Service { return a.acc.reviews }
