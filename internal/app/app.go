// Package app is the one place that knows every package: it turns the
// configuration into a database, services, an HTTP handler and background
// jobs, and runs the subcommands of the mallang binary.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/automation"
	"github.com/mallang/mallang/internal/backoffice"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/bulk"
	"github.com/mallang/mallang/internal/config"
	"github.com/mallang/mallang/internal/content"
	"github.com/mallang/mallang/internal/dashboard"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/jobs"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/observe"
	"github.com/mallang/mallang/internal/payment/testpay"
	"github.com/mallang/mallang/internal/security"
	"github.com/mallang/mallang/internal/web"
)

// ShopName is the name a new shop starts with; staff change it in the
// back office's settings.
const ShopName = "말랑 상점"

// maxBodyBytes caps request bodies; larger ones get a clear 413 message
// from the handler that reads them. Routes that take more (uploads) declare
// their own limit where they are registered (security.Limit; the API's
// operations by their MaxBodyBytes).
const maxBodyBytes = 1 << 20

// App is a wired shop: database, services and the HTTP handler.
type App struct {
	cfg      config.Config
	log      *slog.Logger
	version  string
	DB       *db.DB
	Media    *media.Store
	Catalog  *catalog.Service
	Accounts *account.Service
	acc      *accounts
	// uploads and images are the back office's uploads (media.go).
	uploads *media.Uploads
	images  *catalog.Images
	content *content.Service
	queue   *jobs.Queue
	bulk    *bulk.Service
	// automations send the shop's automatic mail (automations.go).
	automations *automation.Service
	unsubscribe *automation.Unsubscribe
	registry    *prometheus.Registry
	handler     http.Handler
	// backOfficeRoutes are the patterns the back office registered.
	backOfficeRoutes []string
	// now is the clock of every service: time.Now, or Options.Now.
	now func() time.Time
	// opts are the replacements New was given (none for the binary).
	opts Options
	// testpay is the built-in test provider when MALLANG_TESTPAY is on.
	testpay *testpay.Provider
	// live gives the services the shop's settings (wireSettings).
	live *live
	// preparing is true while serve loads the demo (demo.go).
	preparing atomic.Bool
	engage    *engagement // the wishlist and product questions (engage.go)
}

// New opens the database, applies migrations (the shop's and the job
// queue's) and wires the services and the HTTP handler. It does not seed
// and starts no background work; Serve does that.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, version string) (*App, error) {
	return NewWith(ctx, cfg, log, version, Options{})
}

// NewWith is New with some of what the configuration decides replaced by
// opts; zero fields keep New's behaviour.
func NewWith(ctx context.Context, cfg config.Config, log *slog.Logger, version string, opts Options) (*App, error) {
	d := opts.DB
	if d == nil {
		var err error
		d, err = db.Open(ctx, cfg.DatabaseURL, db.Options{MaxReaders: cfg.DBMaxConns})
		if err != nil {
			return nil, err
		}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	a := &App{cfg: cfg, log: log, version: version, DB: d, now: now, opts: opts, live: &live{}}
	if err := a.migrate(ctx); err != nil {
		a.closeDB()
		return nil, err
	}
	store, err := media.Open(ctx, cfg.BlobURL)
	if err != nil {
		a.closeDB()
		return nil, fmt.Errorf("open media bucket: %w", err)
	}
	a.Media = store
	a.queue, err = jobs.NewQueue(d)
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("open job queue: %w", err)
	}
	a.Catalog = catalog.NewService(d, a.now, log, a.queue)
	if err := a.wireAccounts(); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.wirePayments(); err != nil {
		a.Close()
		return nil, err
	}
	a.wireReturns()
	a.wireContent()
	a.wireMedia()
	a.wireBulk()
	a.wireCustomers()
	a.wireAutomations()
	a.wireEngagement()
	a.wireReviews()
	if err := a.wireSettings(ctx); err != nil {
		a.Close()
		return nil, err
	}
	a.registry = prometheus.NewRegistry()
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	w, r := d.SQL()
	a.registry.MustRegister(collectors.NewDBStatsCollector(w, "write"))
	if r != w {
		a.registry.MustRegister(collectors.NewDBStatsCollector(r, "read"))
	}
	a.handler = a.routes()
	return a, nil
}

func (a *App) migrate(ctx context.Context) error {
	n, err := a.DB.Migrate(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		a.log.InfoContext(ctx, "database migrated", "migrations", n)
	}
	if err := jobs.Migrate(ctx, a.DB); err != nil {
		return fmt.Errorf("migrate job queue: %w", err)
	}
	return nil
}

// AdminPath is where the back office lives (MALLANG_ADMIN_PATH).
func (a *App) AdminPath() string { return a.cfg.AdminPath }

// Handler is the whole HTTP surface of the shop, middleware included.
func (a *App) Handler() http.Handler { return a.handler }

func (a *App) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.DB.Ping(ctx); err != nil {
			a.log.WarnContext(ctx, "not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "database unreachable\n")
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{}))
	mux.Handle("GET "+media.URLPrefix, a.Media.Handler())
	mux.Handle("HEAD "+media.URLPrefix, a.Media.Handler())
	jsonAPI := api.New(api.Config{BaseURL: a.cfg.BaseURL, Version: a.version}, a.Catalog, a.log)
	jsonAPI.EnableAccounts(api.AccountDeps{Accounts: a.Accounts, Tokens: a.acc.tokens, Addresses: a.acc.addresses, Limiter: a.acc.limiter})
	jsonAPI.EnableCommerce(api.CommerceDeps{Carts: a.acc.carts, Orders: a.acc.orders, Checkout: a.acc.checkout,
		Payments: a.acc.payments})
	jsonAPI.EnableReturns(a.acc.returns)
	jsonAPI.EnableAdminOrders(a.acc.orders)
	jsonAPI.EnableCatalogAdmin(a.Catalog)
	jsonAPI.EnableImages(a.images)
	jsonAPI.EnableBulk(a.bulk)
	jsonAPI.EnableContent(a.content)
	jsonAPI.EnableCustomerCare(api.CareDeps{Customers: a.acc.customers, Inquiries: a.acc.inquiries})
	jsonAPI.EnableSettings(a.live.s)
	jsonAPI.EnableAttendance(a.acc.attendance)
	jsonAPI.EnableWishlist(a.engage.wishes)
	jsonAPI.EnableGrades(api.Grades{Admin: a.acc.promotions, Standing: a.gradeEvaluator()})
	jsonAPI.EnableReviews(a.acc.reviews)
	jsonAPI.Register(mux)
	storefront := web.New(web.Config{BaseURL: a.cfg.BaseURL, Shop: a.live.s, Now: a.now, Preparing: a.preparing.Load}, a.Catalog, a.log)
	storefront.EnableAccounts(web.AccountDeps{
		Accounts:  a.Accounts,
		Store:     a.acc.sessions,
		Addresses: a.acc.addresses,
		Social:    a.acc.social,
		Carts:     a.acc.carts,
		Orders:    a.acc.orders,
		Checkout:  a.acc.checkout,
		Points:    a.acc.points,
		Payments:  a.acc.payments,
		Returns:   a.acc.returns,
		Inquiries: a.acc.inquiries,
		Secure:    strings.HasPrefix(a.cfg.BaseURL, "https://"),
	})
	storefront.EnableContent(a.content)
	storefront.EnableAttendance(a.acc.attendance)
	storefront.EnableUnsubscribe(unsubscriber{a.unsubscribe, a.Accounts})
	storefront.EnableEngagement(web.EngageDeps{Wishes: a.engage.wishes, Questions: a.engage.questions, Cards: a.Catalog})
	storefront.EnableGrades(a.gradeEvaluator())
	storefront.EnableReviews(a.acc.reviews)
	storefront.EnableOwnCoupons(a.acc.coupons)
	storefront.Register(mux)
	bo := &routeNotes{ServeMux: mux}
	backoffice.New(backoffice.Config{Path: a.cfg.AdminPath, Secure: strings.HasPrefix(a.cfg.BaseURL, "https://"),
		MessagingReady: a.cfg.Messaging.Ready()},
		backoffice.Deps{Accounts: a.Accounts, TwoFactor: a.acc.twoFactor, Trap: a.acc.trap, Audit: a.acc.audit,
			Outbox: a.acc.outbox, Store: a.acc.sessions, Now: a.now, Content: a.content,
			Orders: a.acc.orders, Coupons: a.acc.coupons, Shipping: a.acc.shipping, Promotions: a.acc.promotions,
			Payments: a.acc.payments, Returns: a.acc.returns, Catalog: a.Catalog,
			Images: a.images, Uploads: a.uploads, Bulk: a.bulk,
			Customers: a.acc.customers, Inquiries: a.acc.inquiries, Settings: a.live.s, Messages: a.acc.messages,
			Dashboard: dashboard.NewService(a.DB, a.now), Stats: a.acc.stats, Automations: a.automations,
			Questions: a.engage.questions, Reviews: a.acc.reviews}, a.log).Register(bo)
	a.backOfficeRoutes = bo.patterns

	m := observe.NewMetrics(a.registry)
	var h http.Handler = mux
	h = security.BodyLimits(h, maxBodyBytes)
	h = security.CrossOrigin(h)
	proxies, _ := security.ParseTrustedProxies(a.cfg.TrustedProxies) // config.Load checked it
	h = security.ClientAddr(h, proxies)
	h = security.RequestSize(h)
	h = security.Headers(h, strings.HasPrefix(a.cfg.BaseURL, "https://"))
	return observe.Middleware(h, a.log, m, a.cfg.LogLevel <= slog.LevelInfo)
}

// BackOfficeRoutes lists the patterns of every back-office route ("GET
// /manage-…/orders/{id}"), the honeypot's included, in the order they were
// registered.
func (a *App) BackOfficeRoutes() []string { return slices.Clone(a.backOfficeRoutes) }

// routeNotes registers routes on a mux and notes their patterns.
type routeNotes struct {
	*http.ServeMux
	patterns []string
}

func (n *routeNotes) Handle(pattern string, h http.Handler) {
	n.patterns = append(n.patterns, pattern)
	n.ServeMux.Handle(pattern, h)
}

func (n *routeNotes) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	n.patterns = append(n.patterns, pattern)
	n.ServeMux.HandleFunc(pattern, h)
}

// Serve answers HTTP on ln and runs the background jobs until ctx is done,
// then stops taking requests, lets those in flight finish (up to 30 s),
// and stops the job workers.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	runner, err := jobs.NewRunner(a.DB, a.log, a.Catalog, a.Media, a.acc.reviews, a.acc.payments,
		&jobs.Mail{Courier: a.acc.courier, Backoff: jobs.MailBackoff, Messages: a.acc.messages}, a.gradeEvaluator(), a.tasks(), a.pruners()...)
	if err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	if err := runner.Start(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	err = serveHTTP(ctx, ln, a.handler, a.log)
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if serr := runner.Stop(stopCtx); serr != nil {
		err = errors.Join(err, fmt.Errorf("stop jobs: %w", serr))
	}
	return err
}

// serveHTTP serves h on ln until ctx is done, then shuts down gracefully.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    security.ServerMaxHeaderBytes,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shut down http: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve http: %w", err)
	}
	return nil
}

// Close releases the media bucket and the database, unless the database
// was given in Options.DB: its opener closes it.
func (a *App) Close() error {
	var err error
	if a.Media != nil {
		err = errors.Join(err, a.Media.Close())
	}
	return errors.Join(err, a.closeDB())
}

func (a *App) closeDB() error {
	if a.opts.DB != nil {
		return nil
	}
	return a.DB.Close()
}
