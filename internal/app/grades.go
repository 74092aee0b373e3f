package app

import (
	"github.com/mallang/mallang/internal/promotion"
)

// gradeEvaluator is the monthly evaluation of membership grades, run by
// the job runner at 00:10 on the first of each month in Korea over the
// settings' window (decision 0066); it mails each changed customer a link
// to their account page.
func (a *App) gradeEvaluator() *promotion.Evaluator {
	return promotion.NewEvaluator(a.acc.promotions, a.acc.outbox, a.Accounts, a.live.gradeWindow,
		a.cfg.BaseURL+"/account", a.log)
}
