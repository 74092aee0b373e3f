package automation_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/automation"
	"github.com/mallang/mallang/internal/db"
)

// birthday gives user a birthday of month and day.
func (f *fixture) birthday(t *testing.T, user int64, month, day int) {
	t.Helper()
	f.exec(t, `UPDATE users SET birth_month = ?, birth_day = ? WHERE id = ?`, month, day, user)
}

// issued is user's coupons: code and end.
func (f *fixture) issued(t *testing.T, user int64) []struct {
	Code   string  `db:"code"`
	EndsAt db.Time `db:"ends_at"`
} {
	t.Helper()
	var out []struct {
		Code   string  `db:"code"`
		EndsAt db.Time `db:"ends_at"`
	}
	r := f.d.Read()
	if err := r.SelectContext(context.Background(), &out, r.Rebind(`SELECT code, ends_at FROM coupons WHERE user_id = ? ORDER BY id`), user); err != nil {
		t.Fatal(err)
	}
	return out
}

// Every customer with a birthday within the week gets a coupon once a year,
// in the daytime; only those who agreed to marketing mail are mailed; 2월
// 29일 is kept on 2월 28일 in a year without it.
func TestBirthdayCoupon(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		now         time.Time
		month, day  int
		consent     bool
		inactive    bool
		coupon      bool
		mail        bool
		subjectYear int
	}{
		{"a week ahead", seoul(2026, 12, 7, 10), 12, 14, true, false, true, true, 2026},
		{"today", seoul(2026, 12, 7, 20), 12, 7, true, false, true, true, 2026},
		{"without marketing consent", seoul(2026, 12, 7, 10), 12, 10, false, false, true, false, 2026},
		{"more than a week ahead", seoul(2026, 12, 7, 10), 12, 15, true, false, false, false, 0},
		{"passed", seoul(2026, 12, 7, 10), 12, 6, true, false, false, false, 0},
		{"at night", seoul(2026, 12, 7, 21), 12, 8, true, false, false, false, 0},
		{"early morning", seoul(2026, 12, 7, 7), 12, 8, false, false, false, false, 0},
		{"an account not active", seoul(2026, 12, 7, 10), 12, 8, true, true, false, false, 0},
		{"next year's january", seoul(2026, 12, 28, 10), 1, 3, true, false, true, true, 2027},
		{"leap day kept on 2월 28일", seoul(2027, 2, 21, 10), 2, 29, true, false, true, true, 2027},
		{"leap day not yet", seoul(2027, 2, 20, 10), 2, 29, true, false, false, false, 0},
		{"leap day in a leap year", seoul(2028, 2, 22, 10), 2, 29, true, false, true, true, 2028},
		{"not on 2월 28일 in a leap year", seoul(2028, 2, 21, 10), 2, 29, true, false, false, false, 0},
		{"2월 28일 itself", seoul(2027, 2, 21, 10), 2, 28, true, false, true, true, 2027},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, tt.now)
			p := on
			p.CartReminder, p.PointsNotice, p.ConfirmReminder, p.DailyReport, p.Dormancy = false, false, false, false, false
			f.policy.p = p
			user := f.customer(t, tt.consent)
			f.birthday(t, user, tt.month, tt.day)
			if tt.inactive {
				f.exec(t, `UPDATE users SET active = FALSE WHERE id = ?`, user)
			}
			other := f.customer(t, true) // no birthday given
			for run := range 2 {
				if err := f.s.RunAll(context.Background()); err != nil {
					t.Fatalf("run %d: %v", run+1, err)
				}
			}
			coupons := f.issued(t, user)
			if got := len(coupons) == 1; got != tt.coupon || len(coupons) > 1 {
				t.Fatalf("%d coupons, want one: %v", len(coupons), tt.coupon)
			}
			if len(f.issued(t, other)) != 0 {
				t.Fatal("a customer without a birthday got a coupon")
			}
			mails := f.mails(t)["c1@example.com"]
			if got := len(mails) == 1; got != tt.mail || len(mails) > 1 {
				t.Fatalf("%d mails, want one: %v", len(mails), tt.mail)
			}
			if !tt.coupon {
				return
			}
			var subject string
			if err := f.d.Read().GetContext(context.Background(), &subject, `SELECT subject FROM automation_sends WHERE kind = 'birthday_coupon'`); err != nil {
				t.Fatal(err)
			}
			if want := "birthday:" + strconv.FormatInt(user, 10) + ":" + strconv.Itoa(tt.subjectYear); subject != want {
				t.Errorf("sent as %q, want %q", subject, want)
			}
			k := tt.now
			if want := time.Date(k.Year(), k.Month(), k.Day()+30, 0, 0, 0, 0, k.Location()); !time.Time(coupons[0].EndsAt).Equal(want) {
				t.Errorf("the coupon ends %v, want %v", time.Time(coupons[0].EndsAt), want)
			}
			if !tt.mail {
				return
			}
			for _, part := range []string{"(광고)", "생일", "5,000원 할인", coupons[0].Code, "20,000원 이상",
				"https://shop.example/unsubscribe?u=" + strconv.FormatInt(user, 10)} {
				if !strings.Contains(mails[0], part) {
					t.Errorf("the mail lacks %q:\n%s", part, mails[0])
				}
			}
		})
	}
}

// Runs at once (app nodes, retried jobs) give each customer one coupon and
// one mail; a year later each gets the next one.
func TestBirthdayCouponConcurrentOncePerYear(t *testing.T) {
	t.Parallel()
	now := seoul(2026, 12, 7, 10)
	f := setup(t, now)
	p := on
	p.CartReminder, p.PointsNotice, p.ConfirmReminder, p.DailyReport, p.Dormancy = false, false, false, false, false
	f.policy.p = p
	var users []int64
	for i := range 6 {
		u := f.customer(t, i%2 == 0)
		f.birthday(t, u, 12, 8+i)
		users = append(users, u)
	}
	runAll := func() {
		t.Helper()
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
	}
	count := func(want int) {
		t.Helper()
		for _, u := range users {
			if got := len(f.issued(t, u)); got != want {
				t.Fatalf("customer %d has %d coupons, want %d", u, got, want)
			}
		}
		total := 0
		for _, ms := range f.mails(t) {
			total += len(ms)
		}
		if total != 3*want {
			t.Fatalf("%d mails, want %d", total, 3*want)
		}
	}
	runAll()
	count(1)
	f.clock.Advance(24 * time.Hour)
	runAll()
	count(1)
	f.clock.Set(now.AddDate(1, 0, 0))
	runAll()
	count(2)
	runs, err := f.s.Runs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Kind == automation.BirthdayCoupon && (r.RanAt.IsZero() || r.Error != "") {
			t.Fatalf("the birthday coupon's last run: %+v", r)
		}
	}
}
