package app_test

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
)

// member signs a customer up with a phone number and one address, and
// opens the verification link; it returns the account and the address.
func member(t *testing.T, s *apptest.Shop, email string) (account.User, address.Address) {
	t.Helper()
	ctx := t.Context()
	if err := s.Accounts.SignUp(ctx, account.SignUp{Email: email, Password: "말랑한 봄날의 산책", Name: "김민지",
		Phone: "010-1234-5678", Birthday: account.Birthday{Year: 1992, Month: 2, Day: 29}, AgreeTerms: true}); err != nil {
		t.Fatal(err)
	}
	u, err := s.Accounts.Verify(ctx, mailedToken(t, s, email))
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Addresses().Create(ctx, u.ID, address.Input{Label: "집", Recipient: "김민지", Phone: "010-9876-5432",
		Postcode: "04100", Line1: "서울특별시 마포구 예시로 1", Line2: "101동 1001호", Note: "문 앞에 놓아 주세요", MakeDefault: true})
	if err != nil {
		t.Fatal(err)
	}
	return u, a
}

var tokenRe = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// mailedToken is the one-time token of the last mail to addr.
func mailedToken(t *testing.T, s *apptest.Shop, addr string) string {
	t.Helper()
	m := tokenRe.FindStringSubmatch(lastMail(t, s, addr, "%"))
	if m == nil {
		t.Fatalf("no link in the last mail to %s", addr)
	}
	return m[1]
}

// lastMail is the text of the last mail to addr whose subject is like
// subject ("%" for any).
func lastMail(t *testing.T, s *apptest.Shop, addr, subject string) string {
	t.Helper()
	var text string
	q := s.DB.Read()
	err := q.GetContext(t.Context(), &text, q.Rebind(`SELECT subject || '\n' || text_body FROM outbox
		WHERE to_address = ? AND subject LIKE ? ORDER BY id DESC LIMIT 1`), addr, subject)
	if errors.Is(err, sql.ErrNoRows) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// mails counts the mails to addr whose subject is like subject.
func mails(t *testing.T, s *apptest.Shop, addr, subject string) int {
	t.Helper()
	var n int
	q := s.DB.Read()
	if err := q.GetContext(t.Context(), &n, q.Rebind(`SELECT COUNT(*) FROM outbox WHERE to_address = ? AND subject LIKE ?`),
		addr, subject); err != nil {
		t.Fatal(err)
	}
	return n
}

func count(t *testing.T, s *apptest.Shop, query string, args ...any) int {
	t.Helper()
	var n int
	q := s.DB.Read()
	if err := q.GetContext(t.Context(), &n, q.Rebind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func run(t *testing.T, s *apptest.Shop) {
	t.Helper()
	if err := s.Automations().RunAll(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// auditCount counts the audit entries with action.
func auditCount(t *testing.T, s *apptest.Shop, action string) int {
	t.Helper()
	es, _, err := s.Audit().List(t.Context(), audit.Filter{Action: action, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

const (
	noticeSubject  = "%휴면 계정으로 전환될 예정%"
	wakeSubject    = "%휴면 계정을 해제하려면%"
	policySubject  = "%휴면 계정 정책이 바뀌었습니다%"
	memberPassword = "말랑한 봄날의 산책"
)

// A customer who does not sign in for the shop's 12 months is told 30 days
// ahead (once, however often the job runs) of the day, then made dormant on
// it: the name, phone number and address leave the live rows for the
// encrypted dormant record and the account is locked. Signing in with the
// right password gives no session but mails a link; opening it brings
// everything back exactly. A staff account that never signs in is left
// alone.
func TestDormancyNoticeLockRestore(t *testing.T) {
	t.Parallel()
	s := apptest.New(t, apptest.Options{})
	ctx := t.Context()
	u, addr := member(t, s, "minji@example.com")
	if _, err := s.Accounts.CreateSuperuser(ctx, "boss@example.com", "사장님", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	created := s.Clock.Now()
	dormantOn := created.AddDate(1, 0, 0)

	// A day before the notice is due: nothing.
	s.Clock.Set(dormantOn.Add(-31 * 24 * time.Hour))
	run(t, s)
	if n := mails(t, s, "minji@example.com", noticeSubject); n != 0 {
		t.Fatalf("%d notices 31 days ahead", n)
	}
	// 30 days ahead: one notice, naming the day, however often the job runs.
	s.Clock.Set(dormantOn.Add(-30*24*time.Hour + time.Hour))
	run(t, s)
	run(t, s)
	if n := mails(t, s, "minji@example.com", noticeSubject); n != 1 {
		t.Fatalf("%d notices, want 1", n)
	}
	if text := lastMail(t, s, "minji@example.com", noticeSubject); !strings.Contains(text, "2027년 11월 30일(화)") ||
		!strings.Contains(text, "로그인하시면 계정이 그대로 유지됩니다") || !strings.Contains(text, "김민지님") {
		t.Fatalf("notice:\n%s", text)
	}
	// The day before: still active.
	s.Clock.Set(dormantOn.Add(-24 * time.Hour))
	run(t, s)
	if got, _ := s.Accounts.User(ctx, u.ID); !got.DormantAt.IsZero() {
		t.Fatal("dormant before its day")
	}
	// The day: dormant, data set apart, once.
	s.Clock.Set(dormantOn.Add(time.Hour))
	run(t, s)
	run(t, s)
	got, err := s.Accounts.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DormantAt.IsZero() || got.Name != "" || got.Phone != "" || !got.Birthday.IsZero() || got.Email != "minji@example.com" {
		t.Fatalf("dormant account = %+v", got)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM addresses WHERE user_id = ? AND (recipient_enc <> '' OR line1_enc <> '' OR phone_enc <> '')`, u.ID); n != 0 {
		t.Fatal("the address is still on the live row")
	}
	var enc string
	if err := s.DB.Read().GetContext(ctx, &enc, s.DB.Read().Rebind(`SELECT data_enc FROM dormant_accounts WHERE user_id = ?`), u.ID); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(enc, "김민지") || strings.Contains(enc, "1234") || strings.Contains(enc, "예시로") {
		t.Fatal("the dormant record is not encrypted")
	}
	if n := auditCount(t, s, "user.dormant"); n != 1 {
		t.Fatalf("%d user.dormant entries", n)
	}
	if boss, err := s.Accounts.Login(ctx, account.Login{Email: "boss@example.com", Password: "correct horse battery"}); err != nil || !boss.DormantAt.IsZero() {
		t.Fatalf("staff sign-in = %+v, %v", boss, err)
	}
	if n := mails(t, s, "boss@example.com", noticeSubject); n != 0 {
		t.Fatal("staff were told of dormancy")
	}

	// A wrong password says nothing of dormancy; the right one gives no
	// session, only the mailed link.
	if _, err := s.Accounts.Login(ctx, account.Login{Email: "minji@example.com", Password: "wrong password!!"}); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("wrong password = %v", err)
	}
	if _, err := s.Accounts.SessionUser(ctx, u.ID, got.SessionVersion); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("session of a dormant account = %v", err)
	}
	_, err = s.Accounts.Login(ctx, account.Login{Email: "minji@example.com", Password: memberPassword})
	if d, ok := account.AsDormant(err); !ok || d.UserID != u.ID {
		t.Fatalf("sign-in of a dormant account = %v", err)
	}
	if n := mails(t, s, "minji@example.com", wakeSubject); n != 1 {
		t.Fatalf("%d wake mails", n)
	}
	woken, woke, err := s.Accounts.OpenLink(ctx, mailedToken(t, s, "minji@example.com"))
	if err != nil || !woke {
		t.Fatalf("open the link: woke %v, %v", woke, err)
	}
	if !woken.DormantAt.IsZero() || woken.Name != "김민지" || woken.Phone != "+821012345678" ||
		woken.Birthday != (account.Birthday{Year: 1992, Month: 2, Day: 29}) {
		t.Fatalf("woken = %+v", woken)
	}
	back, err := s.Addresses().Get(ctx, u.ID, addr.ID)
	if err != nil {
		t.Fatal(err)
	}
	back.UpdatedAt, addr.UpdatedAt = time.Time{}, time.Time{}
	if back != addr {
		t.Fatalf("address back = %+v, want %+v", back, addr)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM dormant_accounts WHERE user_id = ?`, u.ID); n != 0 {
		t.Fatal("the dormant record stayed")
	}
	if n := auditCount(t, s, "user.restored"); n != 1 {
		t.Fatalf("%d user.restored entries", n)
	}
	if _, err := s.Accounts.Login(ctx, account.Login{Email: "minji@example.com", Password: memberPassword}); err != nil {
		t.Fatalf("sign-in after waking: %v", err)
	}
	// Waking starts a new period: no notice at once.
	run(t, s)
	if n := mails(t, s, "minji@example.com", noticeSubject); n != 1 {
		t.Fatalf("%d notices after waking, want the first only", n)
	}
}

// A sign-in during the notice's 30 days keeps the account: the notice's
// day passes and nothing happens; the next cycle is told again.
func TestDormancySignInKeepsTheAccount(t *testing.T) {
	t.Parallel()
	s := apptest.New(t, apptest.Options{})
	ctx := t.Context()
	u, _ := member(t, s, "minji@example.com")
	dormantOn := s.Clock.Now().AddDate(1, 0, 0)
	s.Clock.Set(dormantOn.Add(-29 * 24 * time.Hour))
	run(t, s)
	if _, err := s.Accounts.Login(ctx, account.Login{Email: "minji@example.com", Password: memberPassword}); err != nil {
		t.Fatal(err)
	}
	s.Clock.Set(dormantOn.Add(24 * time.Hour))
	run(t, s)
	if got, _ := s.Accounts.User(ctx, u.ID); !got.DormantAt.IsZero() {
		t.Fatal("made dormant after signing in")
	}
	s.Clock.Set(dormantOn.AddDate(1, 0, 0))
	run(t, s)
	if n := mails(t, s, "minji@example.com", noticeSubject); n != 2 {
		t.Fatalf("%d notices over two cycles, want 2", n)
	}
}

// Runs at the same moment (two app nodes) send one notice and make the
// account dormant once.
func TestDormancyConcurrentRuns(t *testing.T) {
	t.Parallel()
	s := apptest.New(t, apptest.Options{})
	u, _ := member(t, s, "minji@example.com")
	dormantOn := s.Clock.Now().AddDate(1, 0, 0)
	together := func() {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() { errs <- s.Automations().RunAll(context.Background()) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	s.Clock.Set(dormantOn.Add(-30 * 24 * time.Hour))
	together()
	if n := mails(t, s, "minji@example.com", noticeSubject); n != 1 {
		t.Fatalf("%d notices, want 1", n)
	}
	s.Clock.Set(dormantOn.Add(time.Hour))
	together()
	if n := auditCount(t, s, "user.dormant"); n != 1 {
		t.Fatalf("%d user.dormant entries, want 1", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM dormant_accounts WHERE user_id = ?`, u.ID); n != 1 {
		t.Fatalf("%d dormant records", n)
	}
}

// Making the policy stricter mails every member once per change, however
// often and however many runs at once; a looser change mails nobody, and
// a customer past the new period still gets 30 days' notice.
func TestDormancyPolicyChangeNotifiesOnce(t *testing.T) {
	t.Parallel()
	s := apptest.New(t, apptest.Options{})
	ctx := t.Context()
	u, _ := member(t, s, "minji@example.com")
	member(t, s, "jisoo@example.com")
	if _, err := s.Accounts.CreateSuperuser(ctx, "boss@example.com", "사장님", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	change := func(on bool, months int) {
		t.Helper()
		st := s.Settings().Current(ctx)
		st.Dormancy.On, st.Dormancy.Months = on, months
		if _, err := s.Settings().Update(ctx, audit.Actor{Email: "boss@example.com"}, st); err != nil {
			t.Fatal(err)
		}
	}
	s.Clock.Advance(200 * 24 * time.Hour)
	change(true, 12) // the same: no mail
	run(t, s)
	if n := mails(t, s, "minji@example.com", policySubject); n != 0 {
		t.Fatalf("%d policy mails for no change", n)
	}
	change(true, 6) // shorter
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if err := s.Automations().RunAll(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	run(t, s)
	for _, addr := range []string{"minji@example.com", "jisoo@example.com"} {
		if n := mails(t, s, addr, policySubject); n != 1 {
			t.Fatalf("%s: %d policy mails, want 1", addr, n)
		}
	}
	if text := lastMail(t, s, "minji@example.com", policySubject); !strings.Contains(text, "6개월") {
		t.Fatalf("policy mail:\n%s", text)
	}
	if n := mails(t, s, "boss@example.com", policySubject); n != 0 {
		t.Fatal("staff were mailed the policy")
	}
	// Already past 6 months: told now, dormant no sooner than 30 days on.
	if n := mails(t, s, "minji@example.com", noticeSubject); n != 1 {
		t.Fatalf("%d notices, want 1", n)
	}
	s.Clock.Advance(29 * 24 * time.Hour)
	run(t, s)
	if got, _ := s.Accounts.User(ctx, u.ID); !got.DormantAt.IsZero() {
		t.Fatal("dormant before 30 days' notice")
	}
	change(true, 9) // longer: no mail
	change(false, 9)
	run(t, s)
	change(true, 9) // on again: a new change
	run(t, s)
	if n := mails(t, s, "jisoo@example.com", policySubject); n != 2 {
		t.Fatalf("%d policy mails after switching on again, want 2", n)
	}
}
