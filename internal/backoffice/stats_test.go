package backoffice_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
)

// TestStatsPages shows the summaries' figures on the statistics pages and in
// their exports to staff with 통계, and refuses staff without it.
func TestStatsPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	q := e.d.Write()
	if _, err := q.ExecContext(t.Context(), q.Rebind(`INSERT INTO stats_sales (day, channel, method, grade, customer,
		orders, items, gross, coupon, points, shipping, paid, refunds, refund_count)
		VALUES ('2026-11-30', 'pc_web', 'card', 'welcome', 'new', 3, 5, 120000, 5000, 1000, 3000, 117000, 20000, 1),
		('2026-11-30', 'mobile_web', 'card', 'welcome', 'returning', 1, 1, 30000, 0, 0, 0, 30000, 0, 0)`)); err != nil {
		t.Fatal(err)
	}
	e.user(t, "stats@example.com", account.Staff, account.PermStats)
	staff, _ := e.staffIn("stats@example.com")
	tests := []struct {
		name, path string
		want       []string
	}{
		{"sales by day", "/stats?from=2026-11-29&to=2026-11-30", []string{`data-x="2026-11-30"`, `data-value="147000"`,
			`data-value="127000"`, `data-chart="line"`, `data-chart-for="stats-sales"`, "순매출"}},
		{"by channel", "/stats/channel?from=2026-11-30&to=2026-11-30", []string{"PC 웹", "모바일 웹", `data-value="117000"`}},
		{"new and returning", "/stats/customer?from=2026-11-30&to=2026-11-30", []string{"신규 고객", "재구매 고객"}},
		{"sales as CSV", "/stats?from=2026-11-30&to=2026-11-30&format=csv", []string{"2026-11-30,4,6,150000,0,5000,1000,3000,147000,20000,127000"}},
		{"a bad range falls back with a message", "/stats?from=2026-13-01&to=x", []string{`data-testid="stats-error"`}},
	}
	for _, tt := range tests {
		st, body := staff.get(bo + tt.path)
		must(t, st, http.StatusOK, body)
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no %q in\n%s", tt.name, w, body)
			}
		}
	}
	st, body := staff.get(bo + "/stats?from=2026-11-30&to=2026-11-30&format=xlsx")
	must(t, st, http.StatusOK, body)
	if !strings.HasPrefix(body, "PK") {
		t.Errorf("xlsx export is not a zip file: %q", body[:min(10, len(body))])
	}

	e.user(t, "mail@example.com", account.Staff, account.PermMail)
	mail, _ := e.staffIn("mail@example.com")
	for _, p := range []string{"/stats", "/stats/sku", "/stats?format=csv"} {
		st, body := mail.get(bo + p)
		must(t, st, http.StatusForbidden, body)
	}
}
