package settings_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/settings"
)

func TestValidRegistration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"valid", "1234567891", "1234567891", true},
		{"valid with dashes", "123-45-67891", "1234567891", true},
		{"valid with spaces", "220 81 12341", "2208112341", true},
		{"wrong check digit", "1234567890", "", false},
		{"wrong check digit with dashes", "220-81-12345", "", false},
		{"too short", "123456789", "", false},
		{"too long", "12345678911", "", false},
		{"letters", "12345678a1", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := settings.ValidRegistration(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("ValidRegistration(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
	if got := settings.FormatRegistration("1234567891"); got != "123-45-67891" {
		t.Errorf("FormatRegistration = %q", got)
	}
	if got := settings.LookupURL("1234567891"); got != "https://www.ftc.go.kr/bizCommPop.do?wrkr_no=1234567891" {
		t.Errorf("LookupURL = %q", got)
	}
}

var start = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// initial is a complete, valid set of settings.
func initial() settings.Settings {
	return settings.Settings{
		ShopName: "말랑 상점",
		Contact:  settings.Contact{Phone: "1588-0000", Email: "help@mallang.test", Hours: "평일 10:00–17:00"},
		Business: settings.Business{Name: "주식회사 말랑(예시)", Representative: "김말랑", Registration: "123-45-67891",
			MailOrder: "제2026-서울마포-0000호", Address: "서울특별시 마포구 예시로 1", PrivacyName: "이보호", PrivacyEmail: "privacy@mallang.test"},
		BankAccounts: []settings.BankAccount{{Bank: "말랑은행", Account: "123-456-789", Holder: "(주)말랑"}},
		DepositHours: 72, ConfirmDays: 7, ReturnFee: 6000, GradeWindowDays: 90,
	}
}

var staff = audit.Actor{UserID: 0, Email: "staff@mallang.test", IP: "192.0.2.1"}

func newService(t *testing.T, d *db.DB, clock *fake.Clock, every time.Duration) *settings.Service {
	t.Helper()
	return newServiceB(t, d, clock, every)
}

func newServiceB(t testing.TB, d *db.DB, clock *fake.Clock, every time.Duration) *settings.Service {
	t.Helper()
	s := settings.NewService(d, audit.New(d, clock.Now), settings.Config{CheckEvery: every,
		Methods: []string{"bank_transfer", "testpay", "toss"}}, clock.Now, slog.New(slog.DiscardHandler))
	if err := s.Init(t.Context(), initial()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestInitKeepsStoredSettings(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	clock := fake.NewClock(start)
	a := newService(t, d, clock, 0)
	got := a.Current(t.Context())
	if got.Version != 1 || got.ShopName != "말랑 상점" || got.Business.Registration != "1234567891" || got.Bank().Account != "123-456-789" {
		t.Fatalf("first settings = %+v", got)
	}
	st := got
	st.ShopName = "새 이름"
	if _, err := a.Update(t.Context(), staff, st); err != nil {
		t.Fatal(err)
	}
	// A restart with other environment values keeps what staff saved.
	b := settings.NewService(d, audit.New(d, clock.Now), settings.Config{}, clock.Now, slog.New(slog.DiscardHandler))
	other := initial()
	other.ShopName = "환경 변수 이름"
	if err := b.Init(t.Context(), other); err != nil {
		t.Fatal(err)
	}
	if got := b.Current(t.Context()); got.ShopName != "새 이름" || got.Version != 2 {
		t.Fatalf("after restart = %q v%d, want 새 이름 v2", got.ShopName, got.Version)
	}
}

func TestUpdateRefusesEachBadField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field  string
		change func(*settings.Settings)
	}{
		{"shop_name", func(s *settings.Settings) { s.ShopName = "  " }},
		{"shop_name", func(s *settings.Settings) { s.ShopName = strings.Repeat("가", settings.MaxText+1) }},
		{"logo", func(s *settings.Settings) { s.Logo = "javascript:alert(1)" }},
		{"logo", func(s *settings.Settings) { s.Logo = "//evil.test/logo.png" }},
		{"logo", func(s *settings.Settings) { s.Logo = "https://cdn.test/logo.png" }},
		{"contact_phone", func(s *settings.Settings) { s.Contact.Phone = "전화 주세요" }},
		{"contact_email", func(s *settings.Settings) { s.Contact.Email = "help(at)mallang" }},
		{"contact_hours", func(s *settings.Settings) { s.Contact.Hours = "평일\n10시" }},
		{"registration", func(s *settings.Settings) { s.Business.Registration = "123-45-67890" }},
		{"registration", func(s *settings.Settings) { s.Business.Registration = "12345" }},
		{"address", func(s *settings.Settings) { s.Business.Address = strings.Repeat("가", settings.MaxAddress+1) }},
		{"privacy_email", func(s *settings.Settings) { s.Business.PrivacyEmail = "privacy" }},
		{"bank_accounts.0.holder", func(s *settings.Settings) { s.BankAccounts[0].Holder = "" }},
		{"bank_accounts.1.account", func(s *settings.Settings) {
			s.BankAccounts = append(s.BankAccounts, settings.BankAccount{Bank: "국민", Account: "abc", Holder: "말랑"})
		}},
		{"deposit_hours", func(s *settings.Settings) { s.DepositHours = 0 }},
		{"deposit_hours", func(s *settings.Settings) { s.DepositHours = 721 }},
		{"confirm_days", func(s *settings.Settings) { s.ConfirmDays = 61 }},
		{"return_fee", func(s *settings.Settings) { s.ReturnFee = -1 }},
		{"return_fee", func(s *settings.Settings) { s.ReturnFee = settings.MaxReturnFee + 1 }},
		{"payments_off", func(s *settings.Settings) { s.PaymentsOff = []string{"bitcoin"} }},
		{"grade_window_days", func(s *settings.Settings) { s.GradeWindowDays = 0 }},
		{"grade_window_days", func(s *settings.Settings) { s.GradeWindowDays = settings.MaxGradeWindow + 1 }},
		{"attendance_points", func(s *settings.Settings) { s.Attendance.Points = -1 }},
		{"attendance_points", func(s *settings.Settings) { s.Attendance.Points = settings.MaxCheckPoints + 1 }},
		{"streak_days", func(s *settings.Settings) { s.Attendance.StreakDays = settings.MaxStreakDays + 1 }},
		{"streak_bonus", func(s *settings.Settings) { s.Attendance.StreakBonus = -5 }},
		{"cart_hours", func(s *settings.Settings) { s.Automations.CartReminder, s.Automations.CartHours = true, 0 }},
		{"cart_hours", func(s *settings.Settings) { s.Automations.CartHours = settings.MaxCartHours + 1 }},
		{"points_days", func(s *settings.Settings) { s.Automations.PointsDays = 91 }},
		{"confirm_reminder_days", func(s *settings.Settings) { s.Automations.ConfirmReminder, s.Automations.ConfirmDays = true, -1 }},
		{"report_hour", func(s *settings.Settings) { s.Automations.ReportHour = 24 }},
		{"report_to", func(s *settings.Settings) { s.Automations.DailyReport = true }},
		{"report_to", func(s *settings.Settings) { s.Automations.ReportTo = []string{"boss@example.com", "사장님"} }},
		{"review_text_points", func(s *settings.Settings) { s.Reviews.TextPoints = -1 }},
		{"review_photo_points", func(s *settings.Settings) { s.Reviews.PhotoPoints = settings.MaxReviewPoints + 1 }},
		{"review_request_days", func(s *settings.Settings) { s.Reviews.RequestAfterDays = settings.MaxRequestDays + 1 }},
	}
	for i, tt := range tests {
		// Names stay unique without the "#01" Go adds to a repeated one: a
		// '#' in the SQLite file's path would end it there.
		t.Run(tt.field+" "+strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			s := newService(t, d, fake.NewClock(start), 0)
			in := s.Current(t.Context())
			tt.change(&in)
			_, err := s.Update(t.Context(), staff, in)
			inv, ok := fault.AsInvalid(err)
			if !ok || inv.Fields[tt.field] == "" || len(inv.Fields) != 1 {
				t.Fatalf("Update = %v, want one message for %s", err, tt.field)
			}
			if got := s.Current(t.Context()); got.Version != 1 {
				t.Errorf("version = %d after a refused change, want 1", got.Version)
			}
			if es := audittest.Entries(t, d, "settings.changed"); len(es) != 0 {
				t.Errorf("%d audit entries for a refused change", len(es))
			}
		})
	}
}

func TestUpdateIsAuditedAndRefusesAStaleForm(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	s := newService(t, d, fake.NewClock(start), 0)
	form := s.Current(t.Context())
	form.ReturnFee = 3000
	form.PaymentsOff = []string{"toss", "toss"}
	got, err := s.Update(t.Context(), staff, form)
	if err != nil || got.Version != 2 || got.ReturnFee != 3000 || len(got.PaymentsOff) != 1 || got.PaymentOn("toss") {
		t.Fatalf("Update = %+v, %v", got, err)
	}
	es := audittest.Entries(t, d, "settings.changed")
	if len(es) != 1 || es[0].ActorEmail != staff.Email || !strings.Contains(es[0].Detail["changed"].([]any)[0].(string), "return_fee") {
		t.Fatalf("audit = %+v", es)
	}
	// The same form sent again was made on version 1.
	if _, err := s.Update(t.Context(), staff, form); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("stale Update = %v, want a conflict", err)
	}
}

// TestChangeReachesOtherNodes runs two services on one database, as two
// app nodes do: a change on one is seen by the other once its check is
// due, without a restart.
func TestChangeReachesOtherNodes(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	clock := fake.NewClock(start)
	every := 2 * time.Second
	a, b := newService(t, d, clock, every), newService(t, d, clock, every)
	if b.Current(t.Context()).ShopName != "말랑 상점" {
		t.Fatal("b does not start with the stored settings")
	}
	in := a.Current(t.Context())
	in.ShopName, in.ConfirmDays = "말랑 마켓", 3
	if _, err := a.Update(t.Context(), staff, in); err != nil {
		t.Fatal(err)
	}
	if got := a.Current(t.Context()); got.ShopName != "말랑 마켓" {
		t.Fatalf("a reads %q after its own change", got.ShopName)
	}
	clock.Advance(every / 2)
	if got := b.Current(t.Context()); got.ShopName != "말랑 상점" {
		t.Fatalf("b checked before its check was due: %q", got.ShopName)
	}
	clock.Advance(every / 2)
	// The due check runs in the background: b answers at once with what it
	// has and reads the change as soon as the check is done.
	var got settings.Settings
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if got = b.Current(t.Context()); got.Version == 2 {
			break
		}
	}
	if got.ShopName != "말랑 마켓" || got.ConfirmDays != 3 || got.Version != 2 {
		t.Fatalf("b after %v = %q, %d days, v%d", every, got.ShopName, got.ConfirmDays, got.Version)
	}
}

// TestCurrentNeverWaitsForTheDatabase: a caller inside a transaction reads
// the settings (a mail written in the order's transaction names the shop).
// With every connection of the pool taken, as when transactions queue on
// the caller's locks, Current still answers from its cache, and the check
// that was due completes once connections are free again.
func TestCurrentNeverWaitsForTheDatabase(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	clock := fake.NewClock(start)
	every := 2 * time.Second
	a, b := newService(t, d, clock, every), newService(t, d, clock, every)
	in := a.Current(t.Context())
	in.ShopName = "말랑 마켓"
	if _, err := a.Update(t.Context(), staff, in); err != nil {
		t.Fatal(err)
	}
	clock.Advance(every)
	_, read := d.SQL()
	var held []*sql.Conn
	for range read.Stats().MaxOpenConnections {
		c, err := read.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	answered := make(chan settings.Settings, 1)
	go func() { answered <- b.Current(context.Background()) }()
	select {
	case got := <-answered:
		if got.ShopName != "말랑 상점" {
			t.Fatalf("b answered %q before its check could read", got.ShopName)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Current waited for a connection while every one was taken")
	}
	for _, c := range held {
		_ = c.Close()
	}
	var got settings.Settings
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if got = b.Current(t.Context()); got.Version == 2 {
			break
		}
	}
	if got.ShopName != "말랑 마켓" {
		t.Fatalf("b after the connections were freed: %q", got.ShopName)
	}
}

func TestCurrentIsACopy(t *testing.T) {
	t.Parallel()
	s := newService(t, dbtest.New(t), fake.NewClock(start), time.Hour)
	got := s.Current(t.Context())
	got.BankAccounts[0].Account = "changed"
	if s.Current(t.Context()).Bank().Account != "123-456-789" {
		t.Fatal("a caller changed the cached settings")
	}
}

func TestLegalVersions(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	clock := fake.NewClock(start)
	s := newService(t, d, clock, 0)
	ctx := t.Context()
	if _, err := s.CurrentLegal(ctx, settings.Terms); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("CurrentLegal before any = %v", err)
	}
	v1, err := s.PublishLegal(ctx, staff, settings.NewLegalVersion{Document: settings.Terms, Body: "제1조 (목적)\r\n첫 판", EffectiveAt: clock.Now()})
	if err != nil || v1.Version != 1 || v1.Body != "제1조 (목적)\n첫 판" {
		t.Fatalf("first = %+v, %v", v1, err)
	}
	week := clock.Now().Add(7 * 24 * time.Hour)
	v2, err := s.PublishLegal(ctx, staff, settings.NewLegalVersion{Document: settings.Terms, Body: "둘째 판", EffectiveAt: week})
	if err != nil || v2.Version != 2 {
		t.Fatalf("second = %+v, %v", v2, err)
	}
	if _, err := s.PublishLegal(ctx, staff, settings.NewLegalVersion{Document: settings.Privacy, Body: "처리방침", EffectiveAt: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	cur, err := s.CurrentLegal(ctx, settings.Terms)
	if err != nil || cur.Version != 1 {
		t.Fatalf("current before the second takes effect = %+v, %v", cur, err)
	}
	vs, err := s.CurrentVersions(ctx)
	if err != nil || vs[settings.Terms] != 1 || vs[settings.Privacy] != 1 {
		t.Fatalf("CurrentVersions = %v, %v", vs, err)
	}
	clock.Set(week)
	if cur, err = s.CurrentLegal(ctx, settings.Terms); err != nil || cur.Version != 2 || cur.Body != "둘째 판" {
		t.Fatalf("current once the second took effect = %+v, %v", cur, err)
	}
	list, err := s.LegalVersions(ctx, settings.Terms)
	if err != nil || len(list) != 2 || list[0].Version != 2 || list[1].Version != 1 {
		t.Fatalf("LegalVersions = %+v, %v", list, err)
	}
	if old, err := s.LegalVersion(ctx, settings.Terms, 1); err != nil || old.Body != "제1조 (목적)\n첫 판" {
		t.Fatalf("version 1 = %+v, %v", old, err)
	}
	if _, err := s.LegalVersion(ctx, settings.Terms, 9); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("version 9 = %v", err)
	}
	if es := audittest.Entries(t, d, "legal.published"); len(es) != 3 {
		t.Fatalf("%d legal.published entries, want 3", len(es))
	}
}

func TestPublishLegalRefusesBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, field string
		in          settings.NewLegalVersion
	}{
		{"no document", "document", settings.NewLegalVersion{Document: "refunds", Body: "x", EffectiveAt: start}},
		{"no body", "body", settings.NewLegalVersion{Document: settings.Terms, Body: " \n ", EffectiveAt: start}},
		{"too long", "body", settings.NewLegalVersion{Document: settings.Terms, Body: strings.Repeat("가", settings.MaxLegalBody+1), EffectiveAt: start}},
		{"no date", "effective_at", settings.NewLegalVersion{Document: settings.Terms, Body: "x"}},
		{"past", "effective_at", settings.NewLegalVersion{Document: settings.Terms, Body: "x", EffectiveAt: start.Add(-48 * time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			s := newService(t, d, fake.NewClock(start), 0)
			_, err := s.PublishLegal(t.Context(), staff, tt.in)
			if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[tt.field] == "" {
				t.Fatalf("PublishLegal = %v, want a message for %s", err, tt.field)
			}
			if list, _ := s.LegalVersions(t.Context(), settings.Terms); len(list) != 0 {
				t.Fatalf("%d versions stored after a refusal", len(list))
			}
		})
	}
}
