package backoffice_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/backoffice"
	"github.com/mallang/mallang/internal/notify"
)

func TestPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "mail@example.com", account.Staff, account.PermMail)
	b, _ := e.staffIn("mail@example.com")
	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	if !strings.Contains(body, `data-testid="section-outbox"`) || strings.Contains(body, `data-testid="section-honeypot"`) || strings.Contains(body, `data-testid="section-users"`) {
		t.Fatalf("dashboard offers the wrong sections:\n%s", body)
	}
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/outbox", http.StatusOK},
		{"GET", "/honeypot", http.StatusForbidden},
		{"POST", "/honeypot/clear", http.StatusForbidden},
		{"GET", "/audit", http.StatusForbidden},
		{"GET", "/users", http.StatusForbidden},
		{"GET", "/users/1", http.StatusForbidden},
		{"POST", "/users/1/role", http.StatusForbidden},
		{"POST", "/users/1/reset-2fa", http.StatusForbidden},
		{"GET", "/security", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			var st int
			var body string
			if tt.method == "GET" {
				st, body = b.get(bo + tt.path)
			} else {
				st, body = b.post(bo+tt.path, url.Values{"role": {"superuser"}, "ip": {"127.0.0.1"}})
			}
			must(t, st, tt.want, body)
		})
	}
	if boss, _ := e.acc.User(context.Background(), e.boss.ID); boss.Role != account.Superuser {
		t.Fatal("a staff member changed a role")
	}
}

func TestHoneypot(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "staff@example.com", account.Staff, account.PermSecurity)
	// The superuser is signed in before the trap is tripped from the same
	// address.
	boss, _ := e.staffIn("boss@example.com")

	st, body := e.browser().get("/admin")
	must(t, st, http.StatusOK, body)
	if !strings.Contains(body, "Site administration") || strings.Contains(body, bo) || strings.Contains(body, "말랑") {
		t.Fatalf("decoy page:\n%s", body)
	}
	for i, path := range []string{"/admin/login", "/admin", "/admin/login/?next=/admin/"} {
		b := e.browser()
		b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		st, body := b.post(path, url.Values{"username": {"staff@example.com"}, "password": {password}})
		if st != http.StatusOK || !strings.Contains(body, "Invalid username or password") {
			t.Fatalf("attempt %d: %d\n%s", i, st, body)
		}
		if sc := b.last.Header.Values("Set-Cookie"); len(sc) != 0 {
			t.Fatalf("the decoy set cookies: %v", sc)
		}
	}
	attempts, err := e.trap.Attempts(context.Background(), 10, 0)
	if err != nil || len(attempts) != 3 || attempts[0].Username != "staff@example.com" || attempts[0].UserAgent != "backoffice-test/1.0" {
		t.Fatalf("attempts = %+v, %v", attempts, err)
	}
	var n int
	if err := e.d.Read().GetContext(context.Background(), &n, `SELECT COUNT(*) FROM honeypot_attempts WHERE username LIKE '%비밀번호%' OR user_agent LIKE '%비밀번호%'`); err != nil || n != 0 {
		t.Fatalf("a password was stored: %d, %v", n, err)
	}

	// Blocked now: the real login refuses this address, with the reason.
	st, body = e.browser().post(bo+"/login", url.Values{"email": {"staff@example.com"}, "password": {password}})
	if st != http.StatusForbidden || !strings.Contains(body, "차단되었습니다") {
		t.Fatalf("blocked login: %d\n%s", st, body)
	}

	// The honeypot page shows the block and the attempts; clearing is audited.
	st, body = boss.get(bo + "/honeypot")
	must(t, st, http.StatusOK, body)
	if strings.Count(body, `data-testid="attempt"`) != 3 || strings.Count(body, `data-testid="block"`) != 1 || !strings.Contains(body, "staff@example.com") {
		t.Fatalf("honeypot page:\n%s", body)
	}
	st, body = boss.post(bo+"/honeypot/clear", url.Values{"ip": {"127.0.0.1"}})
	if st != http.StatusOK || !strings.Contains(body, `data-testid="no-blocks"`) || !strings.Contains(body, "127.0.0.1 차단을 해제했습니다") {
		t.Fatalf("clear: %d\n%s", st, body)
	}
	es, _, err := e.audit.List(context.Background(), audit.Filter{Action: "honeypot.block_cleared"})
	if err != nil || len(es) != 1 || es[0].ActorID != e.boss.ID || es[0].ActorEmail != "boss@example.com" || es[0].IP != "127.0.0.1" || es[0].UserAgent != "backoffice-test/1.0" || es[0].TargetID != "127.0.0.1" {
		t.Fatalf("audit = %+v, %v", es, err)
	}
	st, body = boss.get(bo + "/audit?action=honeypot.block_cleared")
	if st != http.StatusOK || strings.Count(body, `data-testid="audit-entry"`) != 1 {
		t.Fatalf("audit page: %d\n%s", st, body)
	}
	if st, body = boss.get(bo + "/audit?action=user.role_changed"); st != http.StatusOK || strings.Contains(body, `data-testid="audit-entry"`) {
		t.Fatalf("filter let other actions through: %d\n%s", st, body)
	}
	// And the real login works again.
	b := e.browser()
	st, body = b.post(bo+"/login", url.Values{"email": {"staff@example.com"}, "password": {password}})
	if st != http.StatusOK || b.path() != bo+"/setup-2fa" {
		t.Fatalf("login after clearing: %d at %s\n%s", st, b.path(), body)
	}
}

func TestOutbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	link := "https://shop.example/verify?token=abc_DEF-123&x=1"
	err := e.outbox.Send(ctx, e.d.Write(), notify.Message{
		To: "minji@example.com", Subject: "이메일을 확인해 주세요",
		Text: "아래 링크를 여세요:\n" + link + ".\n<script>alert(1)</script>",
		HTML: `<p>Hi <a href="` + link + `">verify</a></p><script>alert(2)</script>`,
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 55 {
		if err := e.outbox.Send(ctx, e.d.Write(), notify.Message{To: "bulk@example.com", Subject: "묶음 " + strconv.Itoa(i), Text: "본문"}); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := e.staffIn("boss@example.com")
	st, body := b.get(bo + "/outbox")
	must(t, st, http.StatusOK, body)
	if strings.Count(body, `data-testid="mail-link"`) != backoffice.OutboxPage || !strings.Contains(body, `data-testid="page-next"`) || strings.Contains(body, "minji@example.com") {
		t.Fatalf("first page:\n%s", body)
	}
	st, body = b.get(bo + "/outbox?page=2")
	if st != http.StatusOK || strings.Count(body, `data-testid="mail-link"`) != 6 || !strings.Contains(body, "minji@example.com") || strings.Contains(body, `data-testid="page-next"`) {
		t.Fatalf("second page:\n%s", body)
	}
	if !strings.Contains(body, `data-status="queued">발송 대기</span>`) {
		t.Errorf("second page does not say the mail waits to be sent:\n%s", body)
	}
	// Without a mail server the delivery job keeps the mail: staff read why
	// it was not sent.
	if err := notify.NewCourier(e.d, notify.Hold{}, e.clock.Now, slog.New(slog.DiscardHandler)).Deliver(ctx, 1, false); err != nil {
		t.Fatal(err)
	}
	st, body = b.get(bo + "/outbox/1")
	must(t, st, http.StatusOK, body)
	for _, want := range []string{
		`data-status="held">보관만 함 (메일 서버 없음)</span>`,
		`<a href="https://shop.example/verify?token=abc_DEF-123&amp;x=1" rel="noreferrer noopener" data-testid="mail-url">`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
		`sandbox=""`,
		`srcdoc="&lt;p&gt;Hi &lt;a href=&#34;https://shop.example/verify?token=abc_DEF-123&amp;x=1&#34;&gt;verify&lt;/a&gt;&lt;/p&gt;&lt;script&gt;alert(2)&lt;/script&gt;"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("mail page lacks %s", want)
		}
	}
	if strings.Contains(body, "<script>") {
		t.Fatalf("unescaped script:\n%s", body)
	}
	if t.Failed() {
		t.Log(body)
	}
	if st, _ = b.get(bo + "/outbox/999"); st != http.StatusNotFound {
		t.Fatalf("missing mail: %d", st)
	}
}

func TestRoleChangeEndsSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff := e.user(t, "staff@example.com", account.Staff, account.PermMail)
	boss, _ := e.staffIn("boss@example.com")
	sb, _ := e.staffIn("staff@example.com")
	if st, _ := sb.get(bo + "/outbox"); st != http.StatusOK {
		t.Fatal("staff cannot open the outbox")
	}
	users := bo + "/users/" + strconv.FormatInt(staff.ID, 10)
	st, body := boss.get(users)
	must(t, st, http.StatusOK, body)
	if !strings.Contains(body, `value="mail" checked`) || !strings.Contains(body, `data-testid="reset-2fa"`) {
		t.Fatalf("user page:\n%s", body)
	}
	st, body = boss.post(users+"/role", url.Values{"role": {"staff"}, "perm": {"mail", "security"}})
	if st != http.StatusOK || !strings.Contains(body, "모든 세션이 종료되었습니다") {
		t.Fatalf("save role: %d\n%s", st, body)
	}
	if sb.get(bo + "/outbox"); sb.path() != bo+"/login" {
		t.Fatalf("the staff session survived the change: %s", sb.path())
	}
	es, _, err := e.audit.List(context.Background(), audit.Filter{Action: "user.role_changed"})
	if err != nil || len(es) != 1 || es[0].ActorID != e.boss.ID || es[0].TargetID != strconv.FormatInt(staff.ID, 10) ||
		es[0].Detail["to_permissions"] != "mail,security" || es[0].Detail["from_permissions"] != "mail" {
		t.Fatalf("audit = %+v, %v", es, err)
	}

	// The only superuser cannot demote themselves.
	self := bo + "/users/" + strconv.FormatInt(e.boss.ID, 10)
	st, body = boss.post(self+"/role", url.Values{"role": {"staff"}})
	if st != http.StatusConflict || !strings.Contains(body, "마지막 최고 관리자") {
		t.Fatalf("demote the last superuser: %d\n%s", st, body)
	}
	if u, _ := e.acc.User(context.Background(), e.boss.ID); u.Role != account.Superuser {
		t.Fatal("the last superuser was demoted")
	}
}

func TestUsersList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "viewer@example.com", account.Staff, account.PermCustomers)
	for i := range 52 {
		e.user(t, "member"+strconv.Itoa(i)+"@example.com", account.Customer)
	}
	b, _ := e.staffIn("viewer@example.com")
	st, body := b.get(bo + "/users")
	if st != http.StatusOK || strings.Count(body, `data-testid="user-row"`) != backoffice.UsersPage || !strings.Contains(body, `data-testid="page-next"`) {
		t.Fatalf("users: %d\n%s", st, body)
	}
	st, body = b.get(bo + "/users?q=MEMBER5")
	if st != http.StatusOK || strings.Count(body, `data-testid="user-row"`) != 3 { // member5, member50, member51
		t.Fatalf("search: %d\n%s", st, body)
	}
	// A viewer sees roles but no form to change them.
	st, body = b.get(bo + "/users/" + strconv.FormatInt(e.boss.ID, 10))
	if st != http.StatusOK || strings.Contains(body, `data-testid="role-form"`) || strings.Contains(body, `data-testid="reset-2fa"`) {
		t.Fatalf("viewer's user page: %d\n%s", st, body)
	}
}

func TestResetTwoFactor(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff := e.user(t, "staff@example.com", account.Staff, account.PermMail)
	boss, _ := e.staffIn("boss@example.com")
	sb, _ := e.staffIn("staff@example.com")
	st, body := boss.post(bo+"/users/"+strconv.FormatInt(staff.ID, 10)+"/reset-2fa", nil)
	if st != http.StatusOK || !strings.Contains(body, "초기화했습니다") {
		t.Fatalf("reset: %d\n%s", st, body)
	}
	if sb.get(bo + "/"); sb.path() != bo+"/login" {
		t.Fatal("the staff session survived the reset")
	}
	if on, _ := e.tf.Enabled(context.Background(), staff.ID); on {
		t.Fatal("still enabled")
	}
	es, _, err := e.audit.List(context.Background(), audit.Filter{Action: "twofactor.reset"})
	if err != nil || len(es) != 1 || es[0].ActorID != e.boss.ID {
		t.Fatalf("audit = %+v, %v", es, err)
	}
	// The next login sets up an app again.
	e.browser().setUp("staff@example.com")
}

func TestRegenerateRecoveryCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	secret, codes := b.setUp("boss@example.com")
	e.clock.Advance(30 * time.Second)
	st, body := b.post(bo+"/security/recovery-codes", url.Values{"code": {codes[0]}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "복구 코드는 여기서 쓸 수 없습니다") {
		t.Fatalf("recovery code accepted: %d\n%s", st, body)
	}
	st, body = b.post(bo+"/security/recovery-codes", url.Values{"code": {e.code(secret)}})
	fresh := recoveryRE.FindAllStringSubmatch(body, -1)
	if st != http.StatusOK || len(fresh) != 10 {
		t.Fatalf("regenerate: %d\n%s", st, body)
	}
	// Old codes no longer work; new ones do.
	if st, _ := e.browser().signIn("boss@example.com", codes[1]); st != http.StatusUnauthorized {
		t.Fatalf("old code: %d", st)
	}
	if st, _ := e.browser().signIn("boss@example.com", fresh[0][1]); st != http.StatusOK {
		t.Fatalf("new code: %d", st)
	}
}

func TestEnglish(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	st, body := b.get(bo + "/login?lang=en")
	if st != http.StatusOK || !strings.Contains(body, "Staff sign-in") || !strings.Contains(body, `<html lang="en">`) {
		t.Fatalf("English login: %d\n%s", st, body)
	}
	if _, body = b.get(bo + "/login"); !strings.Contains(body, "Staff sign-in") {
		t.Fatal("the language was not remembered")
	}
}
