package payment

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/wiring"
)

// BankTransfer is the key of bank transfer (무통장입금) among the methods:
// the customer transfers to the shop's own account and staff confirm the
// deposit. No provider is involved.
const BankTransfer = "bank_transfer"

// VirtualAccount is the key of a virtual account (가상계좌) among the
// methods: the provider that issues one (Toss Payments before PortOne, see
// rank) opens its window directly on it, and the order waits for the
// deposit into the account it issues. Attempts record the provider's name,
// not this key.
const VirtualAccount = "virtual_account"

// Orders is what payments need of orders (internal/order).
type Orders interface {
	AdminGet(ctx context.Context, orderID int64) (order.Order, error)
	// OwnerOf reads, on q, who placed order orderID and its number.
	OwnerOf(ctx context.Context, q db.Querier, orderID int64) (userID int64, number string, err error)
	// HoldForPayment locks the order's row for the rest of q's transaction
	// and returns its status; every transaction here that settles how an
	// order is paid takes it first.
	HoldForPayment(ctx context.Context, q db.Querier, orderID int64) (order.Status, error)
	MarkPaid(ctx context.Context, q db.Querier, orderID int64, actor order.Actor, reason string) (bool, error)
	AwaitDeposit(ctx context.Context, q db.Querier, orderID int64, payBy time.Time, actor order.Actor, reason string) error
	Transition(ctx context.Context, orderID int64, to order.Status, actor order.Actor, reason string) (order.Order, error)
	PlanRefund(ctx context.Context, orderID int64, lineIDs []int64) (order.RefundPlan, error)
	ApplyRefund(ctx context.Context, q db.Querier, p order.RefundPlan, actor order.Actor, reason string) error
}

// Customers gives the address to mail a customer at, read on the given
// querier (notify.Contacts).
type Customers = notify.Contacts

// SyncQueue enqueues, in the caller's transaction, a job that looks an
// attempt up at its provider and settles it, and the job that issues or
// cancels a cash receipt through the provider (internal/jobs).
type SyncQueue interface {
	EnqueuePaymentSync(ctx context.Context, q db.Querier, attemptID int64) error
	EnqueueCashReceipt(ctx context.Context, q db.Querier, receiptID int64) error
}

// Audit records what staff must look at (internal/audit): a payment for
// the wrong amount, money that could not be given back.
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// Config is the operator's payment settings.
type Config struct {
	// BaseURL is the shop's public address; return URLs are built on it.
	BaseURL string
	// Bank is the shop's account for bank transfers; bank transfer is
	// offered only when it is set.
	Bank BankAccount
	// DepositWithin is how long a bank-transfer order waits for the money
	// (default three days).
	DepositWithin time.Duration
	// BuyerProtection is the buyer-protection service (구매안전서비스) notice
	// shown with bank-transfer orders and recorded on each, such as the
	// escrow contract's bank and number.
	BuyerProtection string
	// ConfirmLease is how long a confirm owns an attempt before another may
	// take over (default 30 seconds).
	ConfirmLease time.Duration
	// Receipts issues and cancels cash receipts through a provider's API
	// (Toss Payments); nil when no provider is configured for it, and staff
	// issue them by hand.
	Receipts CashReceiptIssuer
	// CashReceiptAuto says which receipts the shop issues without being
	// asked: AutoSelfIssued ("" too) or AutoOff.
	CashReceiptAuto string
	// Terms gives the terms staff change while the shop runs (the shop's
	// settings): the account, the deadline and the methods switched off,
	// read at every use. Nil uses Bank and DepositWithin above, with
	// nothing switched off.
	Terms TermsSource
}

// Terms are the payment terms staff set in the back office.
type Terms struct {
	// Bank is the account bank transfers go to; bank transfer is offered
	// only when it is set.
	Bank BankAccount
	// DepositWithin is how long a bank-transfer order waits for the money;
	// 0 keeps Config.DepositWithin.
	DepositWithin time.Duration
	// Off lists the methods switched off: Methods leaves them out and Start
	// refuses them.
	Off []string
}

// TermsSource gives the current Terms. It is read at every checkout, so
// it must be cheap (the settings service's cache) and must not fail.
type TermsSource interface {
	PaymentTerms(ctx context.Context) Terms
}

// Deps are the services payments use; every one is required.
type Deps struct {
	Orders    Orders
	Customers Customers
	// Keyring encrypts the cash-receipt identities and the deposit
	// notification secrets.
	Keyring *crypt.Keyring
	// Queue takes the sync a webhook asks for, worked after the provider
	// was answered.
	Queue  SyncQueue
	Mailer notify.Mailer
	Audit  Audit
	// Sales counts a refund in the statistics in the transaction that
	// records its money sent back (*stats.Service).
	Sales Sales
}

// Sales counts, on q, refund refundID that q has just recorded done
// (internal/stats).
type Sales interface {
	Refunded(ctx context.Context, q db.Querier, refundID int64) error
}

// missing names the dependencies not given.
func (d Deps) missing() []string {
	return wiring.Missing(
		"Orders", d.Orders, "Customers", d.Customers, "Keyring", d.Keyring, "Queue", d.Queue,
		"Mailer", d.Mailer, "Audit", d.Audit, "Sales", d.Sales,
	)
}

// Service takes payments and refunds them. It is safe for concurrent use.
type Service struct {
	d         *db.DB
	deps      Deps
	cfg       Config
	providers map[string]Provider
	methods   []string // every method the shop has, fixed at start; Methods filters them
	// vaccount is the provider that issues virtual accounts ("" when none
	// does, and VirtualAccount is not offered).
	vaccount string
	now      func() time.Time
	// wait pauses a poll for d or until ctx ends (ctx's error); tests
	// replace it to move their clock instead.
	wait func(ctx context.Context, d time.Duration) error
	log  *slog.Logger
}

// NewService returns the payment service with providers enabled. It panics
// when a dependency in deps is missing, naming it: a wiring mistake every
// start would show.
func NewService(d *db.DB, deps Deps, cfg Config, providers []Provider, now func() time.Time, log *slog.Logger) *Service {
	if m := deps.missing(); len(m) > 0 {
		panic("payment: NewService without " + strings.Join(m, ", "))
	}
	if cfg.DepositWithin <= 0 {
		cfg.DepositWithin = 72 * time.Hour
	}
	if cfg.ConfirmLease <= 0 {
		cfg.ConfirmLease = 30 * time.Second
	}
	if log == nil {
		panic("payment: NewService without a logger")
	}
	if now == nil {
		panic("payment: NewService without a clock")
	}
	s := &Service{d: d, deps: deps, cfg: cfg, providers: map[string]Provider{}, now: now, wait: pause, log: log}
	names := make([]string, 0, len(providers))
	for _, p := range providers {
		s.providers[p.Name()] = p
		names = append(names, p.Name())
	}
	sort.SliceStable(names, func(i, j int) bool { return rank(names[i]) < rank(names[j]) })
	for _, n := range names {
		if va, ok := s.providers[n].(VirtualAccounts); ok && va.IssuesVirtualAccounts() {
			s.vaccount = n
			names = append(names, VirtualAccount)
			sort.SliceStable(names, func(i, j int) bool { return rank(names[i]) < rank(names[j]) })
			break
		}
	}
	s.methods = append(s.methods, BankTransfer)
	s.methods = append(s.methods, names...)
	return s
}

// pause waits for d, or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Methods lists the ways to pay the checkout page offers, in a stable
// order: bank transfer first when the shop has an account, then the
// providers, leaving out those staff switched off.
func (s *Service) Methods(ctx context.Context) []string {
	t := s.terms(ctx)
	out := make([]string, 0, len(s.methods))
	for _, m := range s.methods {
		if (m == BankTransfer && t.Bank.Account == "") || slices.Contains(t.Off, m) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// AllMethods lists every way to pay the shop has, switched off or not
// (bank transfer included): those staff may switch on and off.
func (s *Service) AllMethods() []string { return slices.Clone(s.methods) }

// terms returns the current payment terms.
func (s *Service) terms(ctx context.Context) Terms {
	if s.cfg.Terms == nil {
		return Terms{Bank: s.cfg.Bank, DepositWithin: s.cfg.DepositWithin}
	}
	t := s.cfg.Terms.PaymentTerms(ctx)
	if t.DepositWithin <= 0 {
		t.DepositWithin = s.cfg.DepositWithin
	}
	return t
}

// rank orders providers on the checkout page: the test provider first (it
// is enabled only in demos), then the Korean providers and the virtual
// account, PayPal last. It also picks the provider of virtual accounts:
// the first that issues them.
func rank(name string) int {
	order := []string{"testpay", "toss", "kakaopay", "portone", VirtualAccount, "paypal"}
	if i := slices.Index(order, name); i >= 0 {
		return i
	}
	return len(order)
}

// Enabled reports whether method is offered now.
func (s *Service) Enabled(ctx context.Context, method string) bool {
	return slices.Contains(s.Methods(ctx), method)
}

// Bank is the shop's account for bank transfers and the buyer-protection
// notice, for the checkout page.
func (s *Service) Bank(ctx context.Context) (BankAccount, string) {
	return s.terms(ctx).Bank, s.cfg.BuyerProtection
}

// validHours is the shop's transfer deadline in whole hours, as a
// provider's validHours takes it (1–720): rounded down, so a virtual
// account never outlives the deadline a bank transfer would have.
func (s *Service) validHours(ctx context.Context) int {
	return min(max(int(s.terms(ctx).DepositWithin/time.Hour), 1), 720)
}

func (s *Service) provider(name string) (Provider, bool) {
	p, ok := s.providers[name]
	return p, ok
}

// newReference returns a fresh attempt reference for order number: the
// number and a random part, 6–64 characters of A–Z 0–9 and '-' as every
// provider accepts.
func newReference(number string) string {
	return number + "-" + rand.Text()[:6]
}

// OrderNumber is the number of the order an attempt reference belongs to:
// the reference without its random suffix.
func OrderNumber(reference string) string {
	if i := strings.LastIndexByte(reference, '-'); i > 0 {
		return reference[:i]
	}
	return reference
}

// stamp is now as stored.
func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func (s *Service) returnURL(provider, reference string) string {
	return s.cfg.BaseURL + "/pay/return/" + provider + "/" + reference
}

func (s *Service) failURL(provider, reference string) string {
	return s.cfg.BaseURL + "/pay/fail/" + provider + "/" + reference
}

// audited writes e on q, the transaction of the change it describes.
func (s *Service) audited(ctx context.Context, q db.Querier, e audit.Entry) error {
	if err := s.deps.Audit.Record(ctx, q, e); err != nil {
		return fmt.Errorf("audit %s %s: %w", e.TargetType, e.TargetID, err)
	}
	return nil
}

// alert records, for staff, a payment that needs a person: as an error in
// the log, at once, and on q in the audit log (system as the actor), whose
// error it returns.
func (s *Service) alert(ctx context.Context, q db.Querier, a Attempt, action, detail string) error {
	s.log.ErrorContext(ctx, "payment needs staff", "action", action, "attempt_id", a.ID, "order_id", a.OrderID,
		"provider", a.Provider, "detail", detail)
	err := s.deps.Audit.Record(ctx, q, audit.Entry{Action: action, TargetType: "order",
		TargetID: fmt.Sprint(a.OrderID), Detail: map[string]any{"attempt": a.Reference, "provider": a.Provider, "detail": detail}})
	if err != nil {
		return fmt.Errorf("alert staff to payment %d: %w", a.ID, err)
	}
	return nil
}

func wrap(op string, id any, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %v: %w", op, id, err)
}
