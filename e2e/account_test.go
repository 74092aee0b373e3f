//go:build e2e

package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// Selectors of the account pages (internal/web form.templ, account.templ).
const (
	selSubmit       = `[data-testid="submit"]`
	selFormDone     = `[data-testid="form-done"]`
	selAccount      = `[data-testid="account"]`
	selAccountName  = `[data-testid="account-name"]`
	selAddress      = `[data-testid="address"]`
	selAddAddress   = `[data-testid="add-address"]`
	selPostcodeBtn  = `[data-testid="postcode-search"]`
	selLogout       = `[data-testid="logout"]`
	selLoginForm    = `[data-testid="login"]`
	selDefaultBadge = `[data-testid="default-badge"]`
)

func field(name string) string { return `[data-testid="field-` + name + `"]` }

// TestAccounts signs a customer up in the browser, opens the verification
// link from the outbox, signs in, adds an address and signs out.
func TestAccounts(t *testing.T) {
	s := startShop(t)
	browser := startBrowser(t)
	t.Run("customer", func(t *testing.T) {
		b := newTab(t, browser, s.Base, "account")
		testCustomerAccount(t, b, s)
		b.checkHealthy()
	})
	t.Run("staff", func(t *testing.T) {
		b := newTab(t, browser, s.Base, "staff")
		testStaffTOTP(t, b, s)
		b.checkHealthy()
	})
}

// testStaffTOTP signs a superuser into the back office: the first time it
// sets up the authenticator app (the QR code's secret, shown as text too)
// and is shown recovery codes; the second time it passes a TOTP code. The
// outbox there shows the mail the shop sent.
func testStaffTOTP(t *testing.T, b *tab, s *shop) {
	const (
		email    = "boss@mallang.example"
		password = "사장님의 아주 긴 비밀번호"
	)
	secret := newStaff(b, s, email, password)

	b.follow("sign out of the back office", chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)))
	staffLogin(b, s, email, password)
	b.waitVisible(field("code"))
	// A code is good once: wait for the next 30-second step.
	time.Sleep(time.Until(time.Now().Truncate(30 * time.Second).Add(30*time.Second + 500*time.Millisecond)))
	code, err := totp.GenerateCode(strings.ReplaceAll(secret, " ", ""), time.Now())
	if err != nil {
		b.fatalf("code: %v", err)
	}
	b.do("type the code", chromedp.SendKeys(chromedp.CSS(field("code")), code))
	b.follow("pass the second factor", chromedp.Click(chromedp.CSS(selSubmit)))
	if who := b.text(`[data-testid="signed-in-as"]`); !strings.Contains(who, email) && !strings.Contains(who, "사장님") {
		b.fatalf("the back office says it is %q", who)
	}
	b.open(s.App.AdminPath() + "/outbox")
	if subjects := b.texts(`[data-testid="outbox"]`); len(subjects) == 0 || !strings.Contains(subjects[0], "이메일 주소를 인증해 주세요") {
		b.fatalf("the outbox shows %q, want the verification mail of the customer scenario", subjects)
	}
	b.screenshot("outbox")
}

// newStaff creates a superuser and signs them in to the back office,
// setting up their authenticator as the first sign-in requires; it returns
// the TOTP secret.
func newStaff(b *tab, s *shop, email, password string) string {
	if _, err := s.App.Accounts.CreateSuperuser(context.Background(), email, "사장님", password); err != nil {
		b.fatalf("create superuser: %v", err)
	}
	staffLogin(b, s, email, password)
	secret := b.text(`[data-testid="secret"]`)
	if b.count(`img[data-testid="qr"][src^="data:image/png"]`) != 1 {
		b.fatalf("the setup page shows no QR code")
	}
	b.screenshot("setup")
	code, err := totp.GenerateCode(strings.ReplaceAll(secret, " ", ""), time.Now())
	if err != nil {
		b.fatalf("code for secret %q: %v", secret, err)
	}
	b.do("type the first code", chromedp.SendKeys(chromedp.CSS(field("code")), code))
	b.follow("confirm the authenticator", chromedp.Click(chromedp.CSS(selSubmit)))
	if n := b.count(`[data-testid="recovery-code"]`); n != 10 {
		b.fatalf("%d recovery codes shown, want 10", n)
	}
	b.follow("continue to the back office", chromedp.Click(chromedp.CSS(`[data-testid="codes-saved"]`)))
	b.waitVisible(`[data-testid="sections"]`)
	return secret
}

// staffLogin fills in and sends the back office's login form.
func staffLogin(b *tab, s *shop, email, password string) {
	b.open(s.App.AdminPath() + "/login")
	b.do("fill in the staff login",
		chromedp.SendKeys(chromedp.CSS(field("email")), email),
		chromedp.SendKeys(chromedp.CSS(field("password")), password),
	)
	b.follow("submit the staff login", chromedp.Click(chromedp.CSS(selSubmit)))
}

var verifyLinkRE = regexp.MustCompile(`https?://\S+/account/verify\?token=[A-Za-z0-9_-]+`)

func testCustomerAccount(t *testing.T, b *tab, s *shop) {
	const (
		email    = "minji@example.com"
		password = "말랑한 봄날의 산책길"
	)
	b.open("/signup")
	b.do("fill in the sign-up form",
		chromedp.SendKeys(chromedp.CSS(field("email")), email),
		chromedp.SendKeys(chromedp.CSS(field("password")), password),
		chromedp.SendKeys(chromedp.CSS(field("name")), "김민지"),
		chromedp.SendKeys(chromedp.CSS(field("phone")), "010-1234-5678"),
		chromedp.Click(chromedp.CSS(field("terms"))),
	)
	b.screenshot("signup")
	b.follow("submit the sign-up form", chromedp.Click(chromedp.CSS(selSubmit)))
	if got := b.text(selFormDone); !strings.Contains(got, email) {
		b.fatalf("after sign-up the page says %q, want the address %s", got, email)
	}

	// The verification mail is in the outbox (no SMTP server in tests).
	var text string
	err := s.App.DB.Read().GetContext(context.Background(), &text,
		s.App.DB.Read().Rebind(`SELECT text_body FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1`), email)
	if err != nil {
		b.fatalf("read the verification mail: %v", err)
	}
	link := verifyLinkRE.FindString(text)
	if !strings.HasPrefix(link, s.Base) {
		b.fatalf("the mail has no verification link to %s:\n%s", s.Base, text)
	}
	b.open(strings.TrimPrefix(link, s.Base))
	if got := b.text(selFormDone); !strings.Contains(got, email) {
		b.fatalf("verification page says %q", got)
	}

	b.open("/login")
	b.do("fill in the login form",
		chromedp.SendKeys(chromedp.CSS(field("email")), email),
		chromedp.SendKeys(chromedp.CSS(field("password")), password),
	)
	b.follow("sign in", chromedp.Click(chromedp.CSS(selSubmit)))
	if got := b.text(selAccountName); got != "김민지" {
		b.fatalf("account page names %q, want 김민지", got)
	}

	b.follow("open the address book", chromedp.Click(chromedp.CSS(`[data-testid="addresses"]`)))
	b.follow("add an address", chromedp.Click(chromedp.CSS(selAddAddress)))
	// Without the postcode widget (blocked here) the search button stays
	// hidden and the fields are typed by hand.
	if hidden := eval[bool](b, `document.querySelector('`+selPostcodeBtn+`').hidden`); !hidden {
		b.fatalf("the postcode search button shows although its widget did not load")
	}
	b.do("fill in the address",
		chromedp.SendKeys(chromedp.CSS(field("label")), "집"),
		chromedp.SendKeys(chromedp.CSS(field("recipient")), "김민지"),
		chromedp.SendKeys(chromedp.CSS(field("phone")), "010-1234-5678"),
		chromedp.SendKeys(chromedp.CSS(field("postcode")), "04524"),
		chromedp.SendKeys(chromedp.CSS(field("line1")), "서울 중구 세종대로 110"),
		chromedp.SendKeys(chromedp.CSS(field("line2")), "3층"),
	)
	b.follow("save the address", chromedp.Click(chromedp.CSS(selSubmit)))
	cards := b.texts(selAddress)
	if len(cards) != 1 || !strings.Contains(cards[0], "서울 중구 세종대로 110") || !strings.Contains(cards[0], "04524") {
		b.fatalf("address book shows %q", cards)
	}
	if b.count(selDefaultBadge) != 1 {
		b.fatalf("the first address is not the default")
	}
	b.screenshot("addresses")

	b.open("/account")
	b.follow("sign out", chromedp.Click(chromedp.CSS(selLogout)))
	b.open("/account") // redirects to the login page
	b.waitVisible(selLoginForm)
	if u := b.url(); !strings.Contains(u, "/login?next=") {
		b.fatalf("after signing out /account led to %s, want the login page", u)
	}
}
