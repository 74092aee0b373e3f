package backoffice_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
)

// The settings form's dormancy section: the policy is saved and audited,
// a stricter one says when members were told, and a period out of range
// is refused on its field with nothing stored.
func TestDormancySettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b, _ := e.staffIn("boss@example.com")
	st, body := b.get(bo + "/settings")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="dormancy-settings"`, "휴면 계정 정책 사용", `name="dormancy_months"`)

	f := settingsForm(e)
	f.Set("dormancy_months", "61")
	st, body = b.post(bo+"/settings", f)
	must(t, st, http.StatusUnprocessableEntity, body)
	contains(t, body, "1개월에서 60개월 사이여야 합니다.")
	if got := e.shop.Settings().Current(context.Background()).Dormancy; got.Months != 12 {
		t.Fatalf("stored after a refused form: %+v", got)
	}

	f = settingsForm(e)
	f.Set("dormancy_months", "6")
	st, body = b.post(bo+"/settings", f)
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="dormancy-changed"`)
	got := e.shop.Settings().Current(context.Background()).Dormancy
	if !got.On || got.Months != 6 || got.ChangedAt.IsZero() {
		t.Fatalf("stored = %+v", got)
	}
	es, _, err := e.audit.List(context.Background(), audit.Filter{Action: "settings.changed"})
	if err != nil || len(es) != 1 || !strings.Contains(fmt.Sprint(es[0].Detail["changed"]), "dormancy") {
		t.Fatalf("audit = %+v, %v", es, err)
	}

	f = settingsForm(e)
	f.Del("dormancy_on")
	st, body = b.post(bo+"/settings", f)
	must(t, st, http.StatusOK, body)
	if got := e.shop.Settings().Current(context.Background()).Dormancy; got.On {
		t.Fatalf("stored = %+v, want off", got)
	}
}

// A dormant customer's page says so and since when; the users list can
// show the dormant ones only.
func TestDormantCustomerShown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.customerOf(t, "minji@example.com")
	other := e.customerOf(t, "jisoo@example.com")
	if ok, err := e.acc.MakeDormant(context.Background(), c.ID, time.Now().AddDate(10, 0, 0)); err != nil || !ok {
		t.Fatalf("MakeDormant = %v, %v", ok, err)
	}
	e.user(t, "cs@example.com", account.Staff, account.PermCustomers)
	b, _ := e.staffIn("cs@example.com")
	st, body := b.get(bo + "/users/" + strconv.FormatInt(c.ID, 10))
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="customer-dormant"`, "휴면 계정으로 전환되었습니다")
	lacks(t, body, "010-1234-5678")
	st, body = b.get(bo + "/users/" + strconv.FormatInt(other.ID, 10))
	must(t, st, http.StatusOK, body)
	lacks(t, body, `data-testid="customer-dormant"`)

	st, body = b.get(bo + "/users?dormant=1")
	must(t, st, http.StatusOK, body)
	contains(t, body, "minji@example.com", `data-testid="user-dormant"`)
	lacks(t, body, "jisoo@example.com")
	st, body = b.get(bo + "/users")
	must(t, st, http.StatusOK, body)
	contains(t, body, "minji@example.com", "jisoo@example.com")
}
