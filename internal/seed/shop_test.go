package seed

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/settings"
)

// The demo shop gets business information that passes the settings'
// checks but says it is an example, and its two legal documents; settings
// staff saved are left alone.
func TestShop(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	clock := fake.NewClock(now)
	s := settings.NewService(d, audit.New(d, clock.Now), settings.Config{}, clock.Now, slog.New(slog.DiscardHandler))
	if err := s.Init(t.Context(), settings.Settings{ShopName: "말랑 상점", DepositHours: 72, ConfirmDays: 7, ReturnFee: 6000, GradeWindowDays: 90}); err != nil {
		t.Fatal(err)
	}
	if err := Shop(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	st := s.Current(t.Context())
	if _, ok := settings.ValidRegistration(st.Business.Registration); !ok {
		t.Errorf("registration %q does not pass the check", st.Business.Registration)
	}
	for _, v := range []string{st.Business.Name, st.Business.Representative, st.Business.MailOrder, st.Business.Address, st.Contact.Hours} {
		if !strings.Contains(v, "예시") {
			t.Errorf("%q is not marked as an example", v)
		}
	}
	for _, doc := range settings.Documents {
		lv, err := s.CurrentLegal(t.Context(), doc)
		if err != nil || !strings.Contains(lv.Body, "예시") {
			t.Errorf("%s = %+v, %v", doc, lv, err)
		}
	}
	// A second run (a restart) changes nothing.
	if err := Shop(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	if got := s.Current(t.Context()); got.Version != st.Version {
		t.Errorf("version %d after a second run, want %d", got.Version, st.Version)
	}
}
