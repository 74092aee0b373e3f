package automation_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/automation"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/notify/notifytest"
	"github.com/mallang/mallang/internal/stats"
)

// contacts reads a customer's address from users, as the customers'
// service does (names are left out: they are encrypted there).
type contacts struct{}

func (contacts) Contact(ctx context.Context, q db.Querier, userID int64) (string, string, error) {
	var email string
	err := q.GetContext(ctx, &email, q.Rebind(`SELECT email FROM users WHERE id = ?`), userID)
	return email, "", err
}

// sales is yesterday's figures, as the statistics would give them.
type sales struct {
	total stats.Figures
	items []stats.ItemRow
	asked []stats.Range
	mu    sync.Mutex
}

func (s *sales) Total(_ context.Context, r stats.Range) (stats.Figures, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, r)
	return s.total, nil
}

func (s *sales) Items(context.Context, stats.Range, stats.Level) ([]stats.ItemRow, error) {
	return s.items, nil
}

type policy struct{ p automation.Policy }

func (p *policy) Automations(context.Context) automation.Policy { return p.p }

type fixture struct {
	d       *db.DB
	clock   *fake.Clock
	policy  *policy
	sales   *sales
	s       *automation.Service
	coupons *coupon.Service
	n       int
}

// on is every automation, as a shop that turned them all on.
var on = automation.Policy{CartReminder: true, CartAfter: 24 * time.Hour, PointsNotice: true, PointsDays: 30,
	ConfirmReminder: true, ConfirmDays: 3, DailyReport: true, ReportHour: 8, ReportTo: []string{"boss@example.com", "cs@example.com"},
	BirthdayCoupon: true, Birthday: coupon.Grant{Kind: coupon.KindFixed, Amount: 5000, MinOrder: 20000}, BirthdayValidDays: 30, BirthdayDaysBefore: 7,
	Dormancy: true, DormancyMonths: 12}

// accounts stands in for the accounts' service: the end-to-end dormancy
// tests are internal/app's (they need the real data move).
type accounts struct{}

func (accounts) MakeDormant(context.Context, int64, time.Time) (bool, error) { return false, nil }

func setup(t *testing.T, now time.Time) *fixture {
	t.Helper()
	f := &fixture{d: dbtest.New(t), clock: fake.NewClock(now), policy: &policy{p: on},
		sales: &sales{total: stats.Figures{Orders: 12, Paid: 345000, Refunds: 15000},
			items: []stats.ItemRow{{Name: "바삭 쿠키", Items: 7, Gross: 70000}, {Name: "말랑 젤리", Items: 3, Gross: 27000}}}}
	f.coupons = coupon.New(f.d, audit.New(f.d, f.clock.Now), f.clock.Now)
	f.s = automation.New(automation.Deps{DB: f.d, Mailer: notifytest.Outbox(f.d, f.clock.Now), Contacts: contacts{},
		Sales: f.sales, Coupons: f.coupons, Policies: f.policy, Now: f.clock.Now, BaseURL: "https://shop.example",
		Unsubscribe: func(id int64) string { return "https://shop.example/unsubscribe?u=" + strconv.FormatInt(id, 10) },
		Accounts:    accounts{}})
	return f
}

func (f *fixture) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	w := f.d.Write()
	if _, err := w.ExecContext(context.Background(), w.Rebind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// customer adds a customer, with marketing consent when consent.
func (f *fixture) customer(t *testing.T, consent bool) int64 {
	t.Helper()
	f.n++
	var at any
	if consent {
		at = f.clock.Now().UTC().AddDate(0, -1, 0)
	}
	var id int64
	w := f.d.Write()
	if err := w.GetContext(context.Background(), &id, w.Rebind(`INSERT INTO users (email, marketing_consent_at, active) VALUES (?, ?, TRUE) RETURNING id`),
		"c"+strconv.Itoa(f.n)+"@example.com", at); err != nil {
		t.Fatal(err)
	}
	return id
}

// cart gives user a cart of one line last touched at.
func (f *fixture) cart(t *testing.T, user int64, at time.Time) {
	t.Helper()
	var variant int64
	r := f.d.Read()
	if err := r.GetContext(context.Background(), &variant, `SELECT id FROM variants ORDER BY id LIMIT 1`); err != nil {
		f.product(t)
		if err := r.GetContext(context.Background(), &variant, `SELECT id FROM variants ORDER BY id LIMIT 1`); err != nil {
			t.Fatal(err)
		}
	}
	var cart int64
	w := f.d.Write()
	if err := w.GetContext(context.Background(), &cart, w.Rebind(`INSERT INTO carts (user_id, created_at, updated_at) VALUES (?, ?, ?) RETURNING id`),
		user, at.UTC(), at.UTC()); err != nil {
		t.Fatal(err)
	}
	f.exec(t, `INSERT INTO cart_lines (cart_id, variant_id, quantity) VALUES (?, ?, 1)`, cart, variant)
}

func (f *fixture) product(t *testing.T) {
	t.Helper()
	cat := catalog.NewService(f.d, f.clock.Now, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	catalogtest.Seed(t, cat, 1)
}

// lot gives user points of amount expiring at.
func (f *fixture) lot(t *testing.T, user, amount int64, at time.Time) {
	t.Helper()
	f.exec(t, `INSERT INTO points_entries (user_id, kind, amount, balance_after, expires_at, remaining) VALUES (?, 'earn', ?, ?, ?, ?)`,
		user, amount, amount, at.UTC(), amount)
}

// order gives user an order in status since at.
func (f *fixture) order(t *testing.T, user int64, status string, at time.Time) string {
	t.Helper()
	f.n++
	number := "M-" + strconv.Itoa(f.n)
	f.exec(t, `INSERT INTO orders (number, user_id, status, channel, idempotency_key, payment_method, subtotal_minor, total_minor, breakdown, created_at, updated_at)
		VALUES (?, ?, ?, 'pc_web', ?, 'card', 1000, 1000, '{}', ?, ?)`, number, user, status, number, at.UTC(), at.UTC())
	return number
}

// mails are the outbox's mails to address, subjects in order.
func (f *fixture) mails(t *testing.T) map[string][]string {
	t.Helper()
	var rows []struct {
		To      string `db:"to_address"`
		Subject string `db:"subject"`
		Text    string `db:"text_body"`
	}
	if err := f.d.Read().SelectContext(context.Background(), &rows, `SELECT to_address, subject, text_body FROM outbox ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.To] = append(out[r.To], r.Subject+"\n"+r.Text)
	}
	return out
}

func seoul(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, kst.Zone) }

// Each automation mails what is due, and only that, and running every
// automation again (as a second node or a retried job would) sends nothing
// more.
func TestRunAllSendsEachMailOnce(t *testing.T) {
	t.Parallel()
	now := seoul(2026, 12, 7, 10)
	f := setup(t, now)
	day := 24 * time.Hour

	left := f.customer(t, true)
	f.cart(t, left, now.Add(-2*day))
	noConsent := f.customer(t, false)
	f.cart(t, noConsent, now.Add(-2*day))
	fresh := f.customer(t, true)
	f.cart(t, fresh, now.Add(-time.Hour))
	old := f.customer(t, true)
	f.cart(t, old, now.Add(-30*day))

	saver := f.customer(t, false)
	f.lot(t, saver, 300, seoul(2026, 12, 20, 0).Add(-time.Minute)) // 12월 19일 23:59
	f.lot(t, saver, 200, seoul(2026, 12, 19, 9))
	f.lot(t, saver, 1000, now.AddDate(0, 0, 40)) // later than 30 days

	buyer := f.customer(t, false)
	due := f.order(t, buyer, "delivered", now.Add(-4*day))
	f.order(t, buyer, "delivered", now.Add(-day))
	f.order(t, buyer, "completed", now.Add(-10*day))

	for run := range 2 {
		if err := f.s.RunAll(context.Background()); err != nil {
			t.Fatalf("run %d: %v", run+1, err)
		}
	}
	got := f.mails(t)
	want := map[string]int{"c1@example.com": 1, "c5@example.com": 1, "c6@example.com": 1, "boss@example.com": 1, "cs@example.com": 1}
	if len(got) != len(want) {
		t.Errorf("mail went to %d addresses, want %d: %v", len(got), len(want), got)
	}
	for to, n := range want {
		if len(got[to]) != n {
			t.Errorf("%s got %d mails, want %d: %q", to, len(got[to]), n, got[to])
		}
	}
	checks := map[string][]string{
		"c1@example.com":   {"(광고)", "장바구니에 담아 두신 상품 1개", "https://shop.example/cart", "https://shop.example/unsubscribe?u=" + strconv.FormatInt(left, 10)},
		"c5@example.com":   {"적립금 500원이 2026년 12월 19일(토)에 소멸됩니다", "https://shop.example/account/points"},
		"c6@example.com":   {due + " 주문의 구매확정을 기다리고 있습니다", "https://shop.example/account/orders/" + due},
		"boss@example.com": {"2026년 12월 6일(일) 매출: 주문 12건, 순매출 330,000원", "바삭 쿠키: 7개, 70,000원", "말랑 젤리"},
	}
	for to, parts := range checks {
		if len(got[to]) == 0 {
			continue
		}
		for _, p := range parts {
			if !strings.Contains(got[to][0], p) {
				t.Errorf("the mail to %s lacks %q:\n%s", to, p, got[to][0])
			}
		}
	}
	if len(f.sales.asked) == 0 || f.sales.asked[0] != (stats.Range{From: "2026-12-06", To: "2026-12-06"}) {
		t.Errorf("the report read %v, want yesterday", f.sales.asked)
	}

	runs, err := f.s.Runs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.RanAt.IsZero() || r.Error != "" || r.Sent != 0 {
			t.Errorf("%s's last run: %+v, want a run that sent nothing more", r.Kind, r)
		}
	}
}

// Marketing mail waits for the daytime in Korea; a customer who withdrew
// gets nothing; the report waits for its hour; a policy turned off runs
// nothing.
func TestWhenNothingGoes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		now    time.Time
		policy func(*automation.Policy)
		setup  func(t *testing.T, f *fixture)
	}{
		{"cart at night", seoul(2026, 12, 7, 22), nil, func(t *testing.T, f *fixture) {
			f.cart(t, f.customer(t, true), seoul(2026, 12, 5, 10))
		}},
		{"cart early morning", seoul(2026, 12, 7, 7), nil, func(t *testing.T, f *fixture) {
			f.cart(t, f.customer(t, true), seoul(2026, 12, 5, 10))
		}},
		{"cart reminder off", seoul(2026, 12, 7, 10), func(p *automation.Policy) { p.CartReminder = false }, func(t *testing.T, f *fixture) {
			f.cart(t, f.customer(t, true), seoul(2026, 12, 5, 10))
		}},
		{"points notice off", seoul(2026, 12, 7, 10), func(p *automation.Policy) { p.PointsNotice = false }, func(t *testing.T, f *fixture) {
			f.lot(t, f.customer(t, false), 100, seoul(2026, 12, 9, 10))
		}},
		{"points already expired", seoul(2026, 12, 7, 10), nil, func(t *testing.T, f *fixture) {
			f.lot(t, f.customer(t, false), 100, seoul(2026, 12, 7, 9))
		}},
		{"report before its hour", seoul(2026, 12, 7, 7), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, tt.now)
			if tt.name != "report before its hour" {
				f.policy.p.DailyReport = false
			}
			if tt.policy != nil {
				tt.policy(&f.policy.p)
			}
			if tt.setup != nil {
				tt.setup(t, f)
			}
			if err := f.s.RunAll(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := f.mails(t); len(got) != 0 {
				t.Errorf("mail went out: %v", got)
			}
		})
	}
}

// Many runs at once (app nodes, retried jobs) send each mail once: the
// database's key on the subject decides.
func TestConcurrentRunsSendOnce(t *testing.T) {
	t.Parallel()
	now := seoul(2026, 12, 7, 10)
	f := setup(t, now)
	for range 5 {
		f.cart(t, f.customer(t, true), now.Add(-48*time.Hour))
	}
	buyer := f.customer(t, false)
	for range 5 {
		f.order(t, buyer, "delivered", now.Add(-96*time.Hour))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- f.s.RunAll(context.Background())
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for _, ms := range f.mails(t) {
		total += len(ms)
	}
	if want := 5 + 5 + 2; total != want {
		t.Fatalf("%d mails, want %d", total, want)
	}
}
