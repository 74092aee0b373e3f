// Package backoffice is the shop's back office: staff sign in at a secret,
// configurable path with their password and a second factor (TOTP or a
// recovery code), then read the outbox of sent mail, watch the honeypot and
// clear its blocks, read the audit log, manage users' roles, handle orders
// and their payments (deposits, refunds, cash receipts) and edit coupons,
// shipping rules, gifts with purchase, points settings and customers'
// grades — each section behind the permission User.Can grants for it.
// Every change is audited in its own transaction with who, what and from
// where.
//
// Staff sessions are separate from the storefront's: their own cookie
// (SameSite=Strict, 12 hours at most, 1 hour idle) on the same session
// table, so a password change ends them too.
//
// The package also serves the honeypot at /admin: a generic admin login that
// records every submission (never the password) and never signs anyone in.
// See docs/decisions/0021-back-office.md.
package backoffice

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/twofactor"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/security/honeypot"
	"github.com/mallang/mallang/internal/wiring"
)

// Config places and names the back office.
type Config struct {
	// Path is where the back office lives, "/" and no trailing slash
	// ("/manage-3f9a1c2b7d"). Keep it secret: /admin is the honeypot.
	Path string
	// Secure marks the staff cookie Secure and gives it the __Host- prefix
	// (a shop served over HTTPS).
	Secure bool
	// MessagingReady says the 알림톡 provider's keys are set, for the
	// settings page (the keys themselves never reach the back office).
	MessagingReady bool
}

// Accounts is what the back office needs of the account service;
// *account.Service implements it.
type Accounts interface {
	Login(ctx context.Context, in account.Login) (account.User, error)
	SessionUser(ctx context.Context, id, version int64) (account.User, error)
	User(ctx context.Context, id int64) (account.User, error)
	ListUsers(ctx context.Context, q account.UserQuery) ([]account.User, int, error)
	SetRole(ctx context.Context, by audit.Actor, userID int64, role account.Role, perms account.Permissions) (account.RoleChange, error)
	ResetSecondFactor(ctx context.Context, by audit.Actor, userID int64) error
	// CheckSecondFactor verifies a second-factor code under CodeLimit.
	CheckSecondFactor(ctx context.Context, userID int64, code string) error
}

// TwoFactor is the staff second factor; *twofactor.Service implements it.
type TwoFactor interface {
	Begin(ctx context.Context, userID int64, accountName string) (twofactor.Enrolment, error)
	Confirm(ctx context.Context, userID int64, code string) ([]string, error)
	Enabled(ctx context.Context, userID int64) (bool, error)
	Verify(ctx context.Context, userID int64, code string) error
	RegenerateRecoveryCodes(ctx context.Context, userID int64) ([]string, error)
	RemainingRecoveryCodes(ctx context.Context, userID int64) (int, error)
}

// Trap is the honeypot; *honeypot.Trap implements it. Build it with
// honeypot.Config.Audit set to the audit log: clearing a block is audited
// there, in the transaction of the clearing.
type Trap interface {
	Record(ctx context.Context, a honeypot.Attempt) (bool, error)
	Attempts(ctx context.Context, limit, offset int) ([]honeypot.AttemptRow, error)
	Blocks(ctx context.Context) ([]honeypot.Block, error)
	Clear(ctx context.Context, by audit.Actor, ip string) error
}

// Audit reads the audit log and records the actions that are no one
// transaction; *audit.Log implements it. The services record the changes
// they make themselves, in their transactions.
type Audit interface {
	RecordAlone(ctx context.Context, e audit.Entry) error
	List(ctx context.Context, f audit.Filter) ([]audit.Entry, int, error)
}

// Outbox reads the mail the shop sent; *notify.Outbox implements it.
type Outbox interface {
	List(ctx context.Context, limit, offset int) ([]notify.Mail, error)
	Get(ctx context.Context, id int64) (notify.Mail, error)
}

// Deps are the services the back office uses. Every one is required: New
// panics naming those missing, so a shop wired without one fails when it
// starts rather than on a page.
type Deps struct {
	Accounts  Accounts
	TwoFactor TwoFactor
	Trap      Trap
	Audit     Audit
	Outbox    Outbox
	// Store keeps the staff sessions; the shop's *account.SessionStore, so
	// that ending a user's sessions ends their staff sessions too.
	Store scs.Store
	// Now is the clock (time.Now in the shop).
	Now func() time.Time
	// Orders, Coupons and Shipping serve the orders, coupons and shipping
	// sections (account.PermOrders); Shipping also gives the order page its
	// carriers.
	Orders   Orders
	Coupons  Coupons
	Shipping Shipping
	// Promotions serves the gifts, points and grades sections
	// (account.PermOrders).
	Promotions Promotions
	// Payments gives the order page its payment panel (attempts, refunds,
	// events), the deposit and refund forms, and serves the cash receipts
	// section (account.PermOrders). Cancelling a paid order refunds it.
	Payments Payments
	// Returns serves the returns section (account.PermOrders).
	Returns Returns
	// Catalog serves the products, categories and stock sections
	// (account.PermCatalog).
	Catalog Catalog
	// Images serve the product images pages (account.PermCatalog) and
	// Uploads the rich-text editor's image upload (images.go).
	Images  Images
	Uploads Uploads
	// Bulk serves the catalog's export and import (account.PermCatalog).
	Bulk Bulk
	// Content serves the content section (account.PermContent).
	Content Content
	// Customers serves the customer's part of a user's page and Inquiries
	// the 1:1 inquiries (both account.PermCustomers).
	Customers Customers
	Inquiries Inquiries
	// Settings serves the settings section (account.PermSettings) and
	// names the shop on every page.
	Settings Settings
	// Messages are the 알림톡 sent (*messaging.Service), listed on the
	// settings page.
	Messages Messages
	// Dashboard counts the first page's work to do and new members.
	Dashboard Dashboard
	// Stats serves the statistics section (account.PermStats).
	Stats Stats
	// Automations shows the automatic mails' last runs on the settings
	// page (nil: not shown).
	Automations Automations
	// Questions serves the product questions (account.PermCustomers).
	Questions Questions
	// Reviews serves the reviews section (account.PermContent).
	Reviews Reviews
}

// missing names the dependencies d lacks: nil, or a nil pointer in an
// interface.
func (d Deps) missing() []string {
	return wiring.Missing(
		"Accounts", d.Accounts, "TwoFactor", d.TwoFactor, "Trap", d.Trap, "Audit", d.Audit,
		"Outbox", d.Outbox, "Store", d.Store, "Now", d.Now,
		"Orders", d.Orders, "Coupons", d.Coupons, "Shipping", d.Shipping,
		"Promotions", d.Promotions, "Payments", d.Payments, "Returns", d.Returns,
		"Catalog", d.Catalog, "Images", d.Images, "Uploads", d.Uploads, "Bulk", d.Bulk,
		"Content", d.Content,
		"Customers", d.Customers, "Inquiries", d.Inquiries,
		"Settings", d.Settings, "Messages", d.Messages,
		"Dashboard", d.Dashboard, "Stats", d.Stats,
		"Questions", d.Questions,
		"Reviews", d.Reviews,
	)
}

// CodeLimit bounds wrong second-factor codes per staff member, so six
// digits cannot be guessed; a correct code clears the count. It is the
// account service's limit, which the API's staff tokens count against too.
var CodeLimit = account.SecondFactorLimit

// Handler serves the back office and the /admin honeypot.
type Handler struct {
	cfg      Config
	deps     Deps
	log      *slog.Logger
	sessions *scs.SessionManager
	msgs     [2]*messages
}

// New returns the back office. cfg.Path is used as given, without a
// trailing slash. It panics when deps lacks a service (see Deps) or log is
// nil: that is a wiring mistake, found when the shop starts.
func New(cfg Config, deps Deps, log *slog.Logger) *Handler {
	if m := deps.missing(); len(m) > 0 {
		panic("backoffice: New without " + strings.Join(m, ", "))
	}
	if log == nil {
		panic("backoffice: New without a logger")
	}
	cfg.Path = "/" + strings.Trim(cfg.Path, "/")
	h := &Handler{cfg: cfg, deps: deps, log: log, msgs: newMessages()}
	h.sessions = newSessions(deps.Store, cfg.Secure, func(w http.ResponseWriter, r *http.Request, err error) {
		h.serveError(w, r, h.lang(w, r), nil, err)
	})
	return h
}

// withSession loads and saves the staff session around next.
func (h *Handler) withSession(next http.Handler) http.Handler {
	return h.sessions.LoadAndSave(next)
}

// Router is where Register adds the back office's routes: an
// *http.ServeMux, or anything that also notes the patterns (the shop keeps
// them so that a test can walk every route).
type Router interface {
	Handle(pattern string, handler http.Handler)
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

// Register adds the back office under cfg.Path and the honeypot at /admin to
// mux.
func (h *Handler) Register(mux Router) {
	p := h.cfg.Path
	s := h.withSession
	mux.HandleFunc("GET "+p+"/static/{file}", h.static)
	mux.Handle("GET "+p, http.RedirectHandler(p+"/", http.StatusSeeOther))
	mux.Handle("GET "+p+"/{$}", s(h.staff(h.dashboard)))
	mux.Handle("GET "+p+"/login", s(h.serve(h.loginForm)))
	mux.Handle("POST "+p+"/login", s(h.serve(h.login)))
	mux.Handle("GET "+p+"/login/code", s(h.afterPassword(h.codeForm)))
	mux.Handle("POST "+p+"/login/code", s(h.afterPassword(h.code)))
	mux.Handle("GET "+p+"/setup-2fa", s(h.afterPassword(h.setupForm)))
	mux.Handle("POST "+p+"/setup-2fa", s(h.afterPassword(h.setup)))
	mux.Handle("POST "+p+"/logout", s(h.serve(h.logout)))
	mux.Handle("GET "+p+"/outbox", s(h.staff(h.need(account.PermMail, h.outbox))))
	mux.Handle("GET "+p+"/outbox/{id}", s(h.staff(h.need(account.PermMail, h.mail))))
	mux.Handle("GET "+p+"/honeypot", s(h.staff(h.need(account.PermSecurity, h.honeypot))))
	mux.Handle("POST "+p+"/honeypot/clear", s(h.staff(h.need(account.PermSecurity, h.clearBlock))))
	mux.Handle("GET "+p+"/audit", s(h.staff(h.need(account.PermSecurity, h.auditLog))))
	mux.Handle("GET "+p+"/users", s(h.staff(h.need(account.PermCustomers, h.users))))
	mux.Handle("GET "+p+"/users/{id}", s(h.staff(h.need(account.PermCustomers, h.user))))
	mux.Handle("POST "+p+"/users/{id}/role", s(h.staff(h.setRole)))
	mux.Handle("POST "+p+"/users/{id}/reset-2fa", s(h.staff(h.need(account.PermSecurity, h.resetTwoFactor))))
	mux.Handle("GET "+p+"/security", s(h.staff(h.mySecurity)))
	mux.Handle("POST "+p+"/security/recovery-codes", s(h.staff(h.regenerateCodes)))
	h.registerCommerce(mux)
	h.registerPromotions(mux)
	h.registerPayments(mux)
	h.registerReturns(mux)
	h.registerOrderSearch(mux)
	h.registerShipments(mux)
	h.registerCatalog(mux)
	h.registerImages(mux)
	h.registerBulk(mux)
	h.registerContent(mux)
	h.registerCustomers(mux)
	h.registerInquiries(mux)
	h.registerSettings(mux)
	h.registerDashboard(mux)
	h.registerStats(mux)
	h.registerQuestions(mux)
	h.registerReviews(mux)

	// The honeypot: no session manager anywhere near it.
	mux.HandleFunc("GET /admin", h.decoyForm)
	mux.HandleFunc("GET /admin/{rest...}", h.decoyForm)
	mux.HandleFunc("POST /admin", h.decoySubmit)
	mux.HandleFunc("POST /admin/{rest...}", h.decoySubmit)
}

// url is a path inside the back office.
func (h *Handler) url(p string) string { return h.cfg.Path + p }

// privateHeaders mark a response as not for caches or search engines.
func privateHeaders(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Robots-Tag", "noindex, nofollow")
	hd.Set("Referrer-Policy", "no-referrer")
}

// render writes a page with status.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	privateHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		h.log.DebugContext(r.Context(), "render back-office page", "path", r.URL.Path, "err", err)
	}
}
