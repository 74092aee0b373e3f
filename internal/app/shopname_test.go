package app_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/audit"
)

// The shop's name staff set in settings is the one mails and authenticator
// apps show: the next mail and the next two-factor setup after a change
// carry the new name, without a restart.
func TestShopNameFromSettingsInMailsAndAuthenticator(t *testing.T) {
	t.Parallel()
	s := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	for _, name := range []string{"봄빛 공방", "Sunday Bakery"} {
		t.Run(name, func(t *testing.T) {
			st := s.Settings().Current(ctx)
			st.ShopName = name
			if _, err := s.Settings().Update(ctx, audit.Actor{}, st); err != nil {
				t.Fatal(err)
			}
			email := "buyer" + strings.ToLower(strings.ReplaceAll(name, " ", "")) + "@example.com"
			email = strings.Map(func(r rune) rune {
				if r < 128 {
					return r
				}
				return 'x'
			}, email)
			if err := s.Accounts.SignUp(ctx, account.SignUp{Email: email, Password: "말랑한 봄날의 산책",
				Name: "김민지", Phone: "010-1234-5678", AgreeTerms: true}); err != nil {
				t.Fatal(err)
			}
			mails, err := s.Outbox().List(ctx, 1, 0)
			if err != nil || len(mails) != 1 {
				t.Fatalf("outbox: %v %v", mails, err)
			}
			m := mails[0]
			if m.To != email {
				t.Fatalf("newest mail is to %s, want %s", m.To, email)
			}
			if !strings.Contains(m.Subject, "["+name+"]") || !strings.Contains(m.Text, name) || !strings.Contains(m.HTML, name) {
				t.Errorf("mail does not carry the name %q:\n%s\n%s\n%s", name, m.Subject, m.Text, m.HTML)
			}
			for _, old := range []string{"말랑", "Mallang"} {
				if strings.Contains(m.Subject+m.Text+m.HTML, old) {
					t.Errorf("mail still says %q:\n%s\n%s", old, m.Subject, m.Text)
				}
			}

			u, err := s.Accounts.CreateSuperuser(ctx, "staff-"+email, "관리자", "말랑한 봄날의 산책 둘")
			if err != nil {
				t.Fatal(err)
			}
			en, err := s.TwoFactor().Begin(ctx, u.ID, u.Email)
			if err != nil {
				t.Fatal(err)
			}
			p, err := url.Parse(en.URL)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Query().Get("issuer"); got != name {
				t.Errorf("provisioning URI issuer = %q, want %q (%s)", got, name, en.URL)
			}
		})
	}
}
