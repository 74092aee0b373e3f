package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/audit"
)

// get answers GET path from shop s's handler.
func get(t *testing.T, s *apptest.Shop, path string) string {
	t.Helper()
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(w.Result().Body)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, w.Code, b)
	}
	return string(b)
}

// Two app nodes on one database: a change of the settings on one is seen
// by the other within seconds, without a restart — in its pages, the ways
// to pay its API offers, the return fee and the confirm days its jobs use.
func TestSettingsReachEveryNode(t *testing.T) {
	t.Parallel()
	a := apptest.New(t, apptest.Options{})
	b := apptest.New(t, apptest.Options{Beside: a})
	ctx := context.Background()
	if body := get(t, b, "/"); !strings.Contains(body, "말랑 상점") {
		t.Fatal("node b does not show the shop's first name")
	}
	if body := get(t, b, "/api/v1/payment-methods"); !strings.Contains(body, `"testpay"`) {
		t.Fatalf("node b does not offer testpay at first: %s", body)
	}

	st := a.Settings().Current(ctx)
	st.ShopName, st.ReturnFee, st.ConfirmDays = "말랑 마켓", 2500, 3
	st.Business.Name = "주식회사 말랑(예시)"
	st.PaymentsOff = []string{"testpay"}
	if _, err := a.Settings().Update(ctx, audit.Actor{}, st); err != nil {
		t.Fatal(err)
	}
	if body := get(t, a, "/"); !strings.Contains(body, "말랑 마켓") {
		t.Fatal("node a does not show its own change at once")
	}
	// Node b checks the settings' version at most every two seconds.
	if body := get(t, b, "/"); !strings.Contains(body, "말랑 상점") {
		t.Fatal("node b checked the settings before its check was due")
	}
	a.Clock.Advance(2 * time.Second)
	// The due check runs in the background (a page never waits for it):
	// the next pages show the change once it has read the settings.
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if body = get(t, b, "/"); strings.Contains(body, "말랑 마켓") {
			break
		}
	}
	if !strings.Contains(body, "말랑 마켓") || !strings.Contains(body, "상호: 주식회사 말랑(예시)") {
		t.Fatalf("node b's page after the change:\n%s", body)
	}
	if body := get(t, b, "/api/v1/payment-methods"); strings.Contains(body, `"testpay"`) || !strings.Contains(body, `"bank_transfer"`) {
		t.Fatalf("node b's ways to pay after testpay was switched off: %s", body)
	}
	if b.Payments().Enabled(ctx, "testpay") {
		t.Error("node b's payments still take testpay")
	}
	if got := b.Returns().Fee(ctx); got != 2500 {
		t.Errorf("node b's return fee = %d, want 2500", got)
	}
}
