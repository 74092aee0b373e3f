package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/account/apitoken"
	"github.com/mallang/mallang/internal/account/social"
	"github.com/mallang/mallang/internal/account/twofactor"
	"github.com/mallang/mallang/internal/attendance"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/customer"
	"github.com/mallang/mallang/internal/inquiry"
	"github.com/mallang/mallang/internal/jobs"
	"github.com/mallang/mallang/internal/messaging"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/points"
	"github.com/mallang/mallang/internal/promotion"
	"github.com/mallang/mallang/internal/ratelimit"
	"github.com/mallang/mallang/internal/returns"
	"github.com/mallang/mallang/internal/review"
	"github.com/mallang/mallang/internal/security/honeypot"
	"github.com/mallang/mallang/internal/shipping"
	"github.com/mallang/mallang/internal/shipping/deliverytracker"
	"github.com/mallang/mallang/internal/stats"
)

// accounts are the services of the accounts capability, wired together.
type accounts struct {
	keyring    *crypt.Keyring
	outbox     *notify.Outbox  // the Mailer of every service
	courier    *notify.Courier // delivers the outbox's mail, in the mail job
	limiter    *ratelimit.Limiter
	sessions   *account.SessionStore
	addresses  *address.Service
	tokens     *apitoken.Service
	social     *social.Service
	twoFactor  *twofactor.Service
	trap       *honeypot.Trap
	audit      *audit.Log
	carts      *cart.Service
	shipping   *shipping.Service
	coupons    *coupon.Service
	points     *points.Service
	orders     *order.Service
	promotions *promotion.Service
	payments   *payment.Service
	checkout   *checkout.Service
	returns    *returns.Service
	customers  *customer.Service
	inquiries  *inquiry.Service
	attendance *attendance.Service
	reviews    *review.Service
	stats      *stats.Service
	messages   *messaging.Service // order notices by 알림톡 (messaging.go)
}

// keyring builds the personal-data keyring: the configured keys, with the
// key derived from the secret key kept readable (as k0) so data written
// before MALLANG_ENCRYPTION_KEYS was set still decrypts.
func keyring(spec string, secret []byte) (*crypt.Keyring, error) {
	derived := crypt.DeriveKeyring(secret)
	if spec == "" {
		return derived, nil
	}
	kr, err := crypt.ParseKeyring(spec)
	if err != nil {
		return nil, fmt.Errorf("MALLANG_ENCRYPTION_KEYS: %w", err)
	}
	return kr.WithRetired(derived)
}

func (a *App) wireAccounts() error {
	cfg, d, now := a.cfg, a.DB, a.now
	kr, err := keyring(cfg.EncryptionKeys, cfg.SecretKey)
	if err != nil {
		return err
	}
	s := &accounts{keyring: kr, outbox: notify.NewOutbox(d, a.queue, a.live, now), limiter: ratelimit.New(d, now, crypt.Derive(cfg.SecretKey, "mallang rate-limit keys"))}
	var transport notify.Transport = notify.Hold{}
	if cfg.SMTP.Host != "" {
		m, err := notify.NewSMTP(notify.SMTPConfig{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username,
			Password: cfg.SMTP.Password, From: cfg.SMTP.From, TLS: cfg.SMTP.TLS}, now)
		if err != nil {
			return fmt.Errorf("MALLANG_SMTP_*: %w", err)
		}
		transport = m
	} else {
		a.log.Info("mail is held in the outbox, not delivered (no MALLANG_SMTP_HOST); staff see it in the back office")
	}
	s.courier = notify.NewCourier(d, transport, now, a.log)
	s.sessions = account.NewSessionStore(d, nil, now)
	s.addresses = address.New(d, kr, now)
	s.audit = audit.New(d, now)
	s.tokens, err = apitoken.New(d, apitoken.Config{SigningKey: crypt.Derive(cfg.SecretKey, "mallang api access tokens"), Issuer: cfg.BaseURL}, s.audit, now)
	if err != nil {
		return fmt.Errorf("api tokens: %w", err)
	}
	providers := make([]social.ProviderConfig, 0, len(cfg.Social))
	for _, p := range cfg.Social {
		providers = append(providers, social.ProviderConfig{Name: p.Name, ClientID: p.ClientID, ClientSecret: p.ClientSecret,
			AuthURL: p.AuthURL, TokenURL: p.TokenURL, ProfileURL: p.ProfileURL, Issuer: p.Issuer})
	}
	s.social, err = social.New(d, providers, cfg.BaseURL, nil, now)
	if err != nil {
		return fmt.Errorf("social sign-in: %w", err)
	}
	for _, name := range []string{social.Google, social.Kakao, social.Naver} {
		if !slices.Contains(s.social.Enabled(), name) {
			a.log.Info("social sign-in disabled: no client id", "provider", name)
		}
	}
	s.twoFactor = twofactor.NewService(d, kr, a.live, now)
	s.trap = honeypot.New(d, honeypot.Config{Audit: s.audit}, now)
	a.Accounts = account.NewService(d, account.Options{
		BaseURL:      cfg.BaseURL,
		Keyring:      kr,
		Mailer:       s.outbox,
		Limiter:      s.limiter,
		Blocklist:    s.trap,
		Tokens:       s.tokens,
		Addresses:    s.addresses,
		Identities:   s.social,
		Audit:        s.audit,
		SecondFactor: s.twoFactor,
		Dormant:      s.addresses,
		Legal:        a.live,
	}, now, a.log)
	s.carts = cart.New(d, a.Catalog, cart.Config{}, now)
	s.shipping = shipping.New(d, s.audit, now)
	s.coupons = coupon.New(d, s.audit, now)
	s.points = points.New(d, now)
	s.promotions = promotion.New(d, a.Catalog, s.audit, now)
	s.stats = stats.NewService(d, now, a.log)
	s.messages = a.wireMessaging()
	s.orders = order.NewService(d, order.Deps{
		Catalog: a.Catalog, Cart: s.carts, Addresses: s.addresses, Coupons: s.coupons,
		Points: s.points, Shipping: s.shipping, Promotions: s.promotions, Keyring: kr, Audit: s.audit,
		Mailer: s.messages.Mailer(s.outbox), Customers: a.Accounts, Sales: s.stats, SearchKey: crypt.Derive(cfg.SecretKey, "mallang order search keys"),
	}, order.Config{PayWithin: cfg.OrderPayWithin, ConfirmAfter: cfg.OrderConfirmAfter, BaseURL: cfg.BaseURL,
		Terms: a.live}, now, a.log)
	a.acc = s
	return nil
}

// EncryptedColumns lists every column of personal data encrypted at rest,
// for `mallang rotate-keys`.
func EncryptedColumns() []crypt.Column {
	var cols []crypt.Column
	cols = append(cols, account.EncryptedColumns()...)
	cols = append(cols, address.EncryptedColumns()...)
	cols = append(cols, twofactor.EncryptedColumns...)
	cols = append(cols, order.EncryptedColumns()...)
	cols = append(cols, payment.EncryptedColumns()...)
	cols = append(cols, returns.EncryptedColumns()...)
	return cols
}

// pruners delete what has outlived its use, hourly, through the job
// runner. The margins keep rows a little past their end so a late "link
// already used" or a reused refresh token is still recognised.
func (a *App) pruners() []jobs.Pruner {
	s := a.acc
	ago := func(d time.Duration) time.Time { return time.Now().Add(-d) }
	var tracker order.ParcelTracker
	if c := a.cfg.Tracker; c.ClientID != "" {
		if t, err := deliverytracker.New(deliverytracker.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: c.URL}); err == nil {
			tracker = t
		} else {
			a.log.Error("parcel tracking is off", "err", err)
		}
	}
	return []jobs.Pruner{
		{Name: "sessions", Prune: s.sessions.Prune},
		{Name: "unused uploads", Prune: a.uploads.Sweep},
		{Name: "rate limits", Prune: func(ctx context.Context) (int64, error) { return s.limiter.Prune(ctx, time.Now()) }},
		{Name: "one-time links", Prune: func(ctx context.Context) (int64, error) { return a.Accounts.PruneLinks(ctx, ago(7*24*time.Hour)) }},
		{Name: "api tokens", Prune: func(ctx context.Context) (int64, error) { return s.tokens.Prune(ctx, ago(7*24*time.Hour)) }},
		{Name: "honeypot", Prune: func(ctx context.Context) (int64, error) { return s.trap.Prune(ctx, ago(90*24*time.Hour)) }},
		{Name: "visitor carts", Prune: func(ctx context.Context) (int64, error) { return s.carts.Prune(ctx, ago(30*24*time.Hour)) }},
		// Hourly, so an unpaid order is cancelled up to an hour after its
		// deadline; the stock it holds comes back then.
		{Name: "unpaid orders", Prune: func(ctx context.Context) (int64, error) {
			n, err := s.orders.ExpireUnpaid(ctx, 0)
			return int64(n), err
		}},
		// Payments no callback settled (a timeout, a crash half-way) are
		// looked up at their provider; transfers of expired orders close.
		{Name: "payments", Prune: s.payments.Reconcile},
		// Delivered orders their customers did not confirm within
		// MALLANG_ORDER_CONFIRM_AFTER_DAYS are confirmed, and earn their
		// points, up to an hour late.
		{Name: "confirm delivered orders", Prune: func(ctx context.Context) (int64, error) {
			n, err := s.orders.ConfirmDelivered(ctx)
			return int64(n), err
		}},
		{Name: "expired points", Prune: s.points.ExpireDue},
		// Customers are asked to review what was delivered the settings'
		// number of days ago, once per line (decision 0064).
		// Orders stored before their recipient and phone were indexed for
		// staff search get their blind indexes (decision 0061).
		{Name: "order search keys", Prune: s.orders.IndexSearchKeys},
		{Name: "sign-in history", Prune: a.Accounts.PruneLoginEvents},
		// Parcels of shipped orders, asked of the tracking service when it
		// is configured; delivered orders move on (decision 0038).
		{Name: "parcel tracking", Prune: func(ctx context.Context) (int64, error) {
			if tracker == nil {
				return 0, nil
			}
			n, err := s.orders.TrackShipped(ctx, tracker)
			return int64(n), err
		}},
	}
}

// Coupons, Points and Carts are the shop's services, for tools and tests
// that set a shop up (the browser tests).
func (a *App) Coupons() *coupon.Service { return a.acc.coupons }

// Points is the points ledger.
func (a *App) Points() *points.Service { return a.acc.points }

// Carts are the shopping carts.
func (a *App) Carts() *cart.Service { return a.acc.carts }

// Orders is the order service.
func (a *App) Orders() *order.Service { return a.acc.orders }
