package app

import (
	"context"
	"net/http"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/messaging"
	"github.com/mallang/mallang/internal/messaging/solapi"
	"github.com/mallang/mallang/internal/settings"
)

// wireMessaging builds the 알림톡 service (decision 0067) over SOLAPI with
// the keys of the environment. Without keys it diverts nothing and every
// notice goes by mail; the settings say which notices go by 알림톡 when
// they are set.
func (a *App) wireMessaging() *messaging.Service {
	cfg := a.cfg.Messaging
	if !cfg.Ready() {
		a.log.Info("알림톡 disabled: no keys; order notices go by mail", "set", "MALLANG_SOLAPI_API_KEY")
	}
	sender := solapi.New(solapi.Config{APIKey: cfg.SolapiAPIKey, APISecret: cfg.SolapiAPISecret, BaseURL: cfg.SolapiURL},
		&http.Client{Timeout: 10 * time.Second}, a.now)
	return messaging.NewService(a.DB, messaging.Deps{Settings: a.live, Queue: a.queue, Phones: accountPhones{a.Accounts},
		Sender: sender}, messaging.Config{Ready: cfg.Ready()}, a.now, a.log)
}

// Current implements messaging.Settings.
func (l *live) Current(ctx context.Context) settings.Settings { return l.s.Current(ctx) }

// accountPhones gives the messaging job a customer's phone number,
// decrypted by the account service.
type accountPhones struct{ acc *account.Service }

// Phone implements messaging.Phones.
func (p accountPhones) Phone(ctx context.Context, userID int64) (string, error) {
	u, err := p.acc.User(ctx, userID)
	return u.Phone, err
}

// Messages is the 알림톡 service.
func (a *App) Messages() *messaging.Service { return a.acc.messages }

// MessagingReady reports whether the 알림톡 provider's keys are set.
func (a *App) MessagingReady() bool { return a.cfg.Messaging.Ready() }
