package backoffice_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/order"
)

// setOrder sets columns of order id directly, for a fixture.
func (s *shopEnv) setOrder(t *testing.T, id int64, set string, args ...any) {
	t.Helper()
	q := s.d.Write()
	if _, err := q.ExecContext(t.Context(), q.Rebind(`UPDATE orders SET `+set+` WHERE id = ?`), append(args, id)...); err != nil {
		t.Fatal(err)
	}
}

// status puts order id in st, lines too.
func (s *shopEnv) status(t *testing.T, id int64, st order.Status) {
	t.Helper()
	s.setOrder(t, id, "status = ?", st)
	q := s.d.Write()
	if _, err := q.ExecContext(t.Context(), q.Rebind(`UPDATE order_lines SET status = ? WHERE order_id = ?`), st, id); err != nil {
		t.Fatal(err)
	}
}

func rows(body string) int { return strings.Count(body, `data-testid="order-row"`) }

// The order list's URL is the whole filter: each parameter narrows the
// list, the form shows what was asked, the pager keeps it, and a bad value
// is named by field.
func TestOrderListFilters(t *testing.T) {
	t.Parallel()
	s := newShopEnv(t)
	s.user(t, "orders@example.com", account.Staff, account.PermOrders)
	var os []order.Order
	for i := range 4 {
		os = append(os, s.place(t, "card", int64(10000*(i+1)), 1))
	}
	s.status(t, os[0].ID, order.Paid)
	s.setOrder(t, os[1].ID, "payment_method = 'bank_transfer', channel = 'mobile_web'")
	b, _ := s.staffIn("orders@example.com")

	tests := []struct {
		name  string
		query string
		rows  int
		shows []string
	}{
		{"everything", "", 4, nil},
		{"order number", "q=" + url.QueryEscape(strings.ToLower(os[2].Number)), 1, []string{os[2].Number}},
		{"email", "q=" + url.QueryEscape("buyer2@example.com"), 1, []string{os[1].Number, `value="buyer2@example.com"`}},
		{"recipient's phone", "q=010-1234-5678", 4, nil},
		{"product name", "q=" + url.QueryEscape("말랑 쿠키 3"), 1, []string{os[2].Number}},
		{"status", "status=paid", 1, []string{`<option value="paid" selected`}},
		{"payment method", "method=bank_transfer", 1, []string{`<option value="bank_transfer" selected`}},
		{"channel", "channel=mobile_web", 1, []string{`<option value="mobile_web" selected`}},
		{"days", "from=2000-01-01&to=2000-01-31", 0, []string{`value="2000-01-01"`, `value="2000-01-31"`}},
		{"amounts with commas", "min=20,000&max=40000원", 2, []string{`value="20,000"`}},
		{"deposit due today", "due=today", 0, []string{`checked`}},
		{"unchanged for days", "stuck=3", 0, []string{`value="3"`}},
		{"per page", "per_page=100", 4, []string{`<option value="100" selected`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, body := b.get(bo + "/orders?" + tt.query)
			must(t, st, http.StatusOK, body)
			if rows(body) != tt.rows {
				t.Fatalf("%d rows, want %d:\n%s", rows(body), tt.rows, body)
			}
			for _, want := range tt.shows {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}

	bad := []struct {
		query, field string
	}{
		{"per_page=30", "per_page"},
		{"per_page=1000", "per_page"},
		{"from=11/30", "from"},
		{"from=2026-11-30&to=2026-11-01", "to"},
		{"min=많이", "min"},
		{"min=5000&max=1000", "max"},
		{"stuck=0", "stuck"},
		{"channel=fax", "channel"},
		{"status=lost", "status"},
	}
	for _, tt := range bad {
		t.Run("bad "+tt.query, func(t *testing.T) {
			st, body := b.get(bo + "/orders?" + tt.query)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-`+tt.field+`"`) || rows(body) != 0 {
				t.Fatalf("%d, want 422 naming %s:\n%s", st, tt.field, body)
			}
		})
	}

	// The pager keeps the filter.
	for range 2 {
		s.place(t, "card", 5000, 1)
	}
	_, body := b.get(bo + "/orders?method=card&per_page=50")
	if rows(body) != 5 {
		t.Fatalf("%d card orders", rows(body))
	}
}

// The pager links keep every parameter of the list.
func TestOrderListPagerKeepsFilter(t *testing.T) {
	t.Parallel()
	s := newShopEnv(t)
	s.user(t, "orders@example.com", account.Staff, account.PermOrders)
	for range 51 {
		s.place(t, "card", 5000, 1)
	}
	b, _ := s.staffIn("orders@example.com")
	st, body := b.get(bo + "/orders?method=card&status=pending_payment")
	must(t, st, http.StatusOK, body)
	if rows(body) != 50 || !strings.Contains(body, "method=card&amp;page=2&amp;status=pending_payment") {
		t.Fatalf("first page: %d rows\n%s", rows(body), body)
	}
	_, body = b.get(bo + "/orders?method=card&page=2&status=pending_payment")
	if rows(body) != 1 {
		t.Fatalf("second page: %d rows", rows(body))
	}
}

// Staff check orders and move them together: each through the state
// machine, audited with them; the list they return to says how many moved
// and which were refused and why, and keeps its filter.
func TestOrderBulkStatus(t *testing.T) {
	t.Parallel()
	s := newShopEnv(t)
	staff := s.user(t, "orders@example.com", account.Staff, account.PermOrders)
	var os []order.Order
	for range 4 {
		os = append(os, s.place(t, "card", 10000, 1))
	}
	for _, o := range os[:3] {
		s.status(t, o.ID, order.Paid)
	}
	b, _ := s.staffIn("orders@example.com")
	st, body := b.get(bo + "/orders?method=card")
	must(t, st, http.StatusOK, body)
	if !strings.Contains(body, `name="back" value="method=card"`) || strings.Count(body, `data-testid="order-check"`) != 4 {
		t.Fatalf("list without the bulk form:\n%s", body)
	}
	_, body = b.get(bo + "/orders?method=card&select=page")
	if strings.Count(body, `form="bulk-form" checked`) != 4 {
		t.Fatalf("select all on this page checks nothing:\n%s", body)
	}

	form := url.Values{"to": {"preparing"}, "back": {"method=card"}}
	for _, o := range os {
		form.Add("id", strconv.FormatInt(o.ID, 10))
	}
	st, body = b.post(bo+"/orders/bulk-status", form)
	must(t, st, http.StatusOK, body)
	if b.last.Request.URL.RawQuery != "method=card" {
		t.Fatalf("back to %s", b.last.Request.URL)
	}
	if !strings.Contains(body, "3건을 바꿨습니다") || strings.Count(body, `data-testid="bulk-refused"`) != 1 ||
		!strings.Contains(body, os[3].Number) || !strings.Contains(body, "결제 대기 상태에서는") {
		t.Fatalf("result:\n%s", body)
	}
	for i, o := range os {
		got, err := s.orders.AdminGet(t.Context(), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := order.Preparing
		if i == 3 {
			want = order.PendingPayment
		}
		if got.Status != want {
			t.Errorf("order %d: %s, want %s", i, got.Status, want)
		}
	}
	es, _, err := s.audit.List(t.Context(), audit.Filter{Action: "order.status_changed", Limit: 10})
	if err != nil || len(es) != 3 || es[0].ActorID != staff.ID || es[0].IP == "" {
		t.Fatalf("audit: %+v, %v", es, err)
	}
	// The result is shown once: a refresh shows the list alone.
	_, body = b.get(bo + "/orders?method=card")
	if strings.Contains(body, `data-testid="bulk-result"`) {
		t.Fatal("the result is shown again")
	}

	refusals := []struct {
		name string
		form url.Values
		want string
	}{
		{"nothing checked", url.Values{"to": {"preparing"}}, "하나 이상 선택하세요"},
		{"too many", url.Values{"to": {"preparing"}, "id": manyIDs(order.MaxBulk + 1)}, "500건까지만"},
		{"shipping in bulk", url.Values{"to": {"shipped"}, "id": {strconv.FormatInt(os[0].ID, 10)}}, "일괄 변경할 수 있는 상태가 아닙니다"},
		{"cancelling without a reason", url.Values{"to": {"cancelled"}, "id": {strconv.FormatInt(os[3].ID, 10)}}, "사유를 입력하세요"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			st, body := b.post(bo+"/orders/bulk-status", tt.form)
			must(t, st, http.StatusOK, body)
			if !strings.Contains(body, `data-testid="bulk-error"`) || !strings.Contains(body, tt.want) {
				t.Fatalf("want %q:\n%s", tt.want, body)
			}
		})
	}
	if got, _ := s.orders.AdminGet(t.Context(), os[3].ID); got.Status != order.PendingPayment {
		t.Fatalf("a refused request moved an order: %s", got.Status)
	}

	// Another site cannot make a staff member's browser post the form.
	req, err := http.NewRequest(http.MethodPost, s.srv.URL+bo+"/orders/bulk-status",
		strings.NewReader(url.Values{"to": {"cancelled"}, "reason": {"x"}, "id": {strconv.FormatInt(os[3].ID, 10)}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if st, _ := b.do(req); st != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", st)
	}
	if got, _ := s.orders.AdminGet(t.Context(), os[3].ID); got.Status != order.PendingPayment {
		t.Fatalf("a cross-site post moved an order: %s", got.Status)
	}
}

func manyIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(i + 1)
	}
	return out
}

// Staff who may see customers' addresses export the filtered orders as CSV
// (with a BOM) or .xlsx, one row per line; the export is audited. Staff
// with the orders permission alone are refused.
func TestOrderExport(t *testing.T) {
	t.Parallel()
	s := newShopEnv(t)
	s.user(t, "orders@example.com", account.Staff, account.PermOrders)
	s.user(t, "ship@example.com", account.Staff, account.PermOrders, account.PermCustomers)
	a := s.place(t, "card", 10000, 2)
	s.place(t, "card", 20000, 1)
	s.status(t, a.ID, order.Paid)

	only, _ := s.staffIn("orders@example.com")
	st, body := only.get(bo + "/orders")
	must(t, st, http.StatusOK, body)
	if strings.Contains(body, `data-testid="export-csv"`) {
		t.Fatal("export offered without the customers permission")
	}
	if st, _ := only.get(bo + "/orders/export?status=paid&format=csv"); st != http.StatusForbidden {
		t.Fatalf("export without the customers permission: %d", st)
	}

	b, _ := s.staffIn("ship@example.com")
	_, body = b.get(bo + "/orders?status=paid")
	if !strings.Contains(body, `href="`+bo+`/orders/export?format=xlsx&amp;status=paid"`) {
		t.Fatalf("no export link keeping the filter:\n%s", body)
	}
	want := []string{a.Number, "김말랑", "010-1234-5678", "06236", "서울 강남구 테헤란로 123 4층", "", "말랑 쿠키 1", "맛: 버터", "2", "BO-1"}
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, s.srv.URL+bo+"/orders/export?status=paid&format="+format, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			raw, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "."+format) {
				t.Fatalf("%d %v", res.StatusCode, res.Header)
			}
			var got [][]string
			if format == "csv" {
				if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
					t.Fatal("no BOM")
				}
				got, err = csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
			} else {
				var x *excelize.File
				if x, err = excelize.OpenReader(bytes.NewReader(raw)); err == nil {
					got, err = x.GetRows(x.GetSheetName(0))
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0][0] != "주문번호" || got[1][0] != want[0] {
				t.Fatalf("rows %q", got)
			}
			row := append(got[1][:1:1], got[1][2:]...)
			for len(row) < len(want) {
				row = append(row, "")
			}
			if strings.Join(row, "|") != strings.Join(want, "|") {
				t.Fatalf("row %q\nwant %q", row, want)
			}
		})
	}
	es, _, err := s.audit.List(t.Context(), audit.Filter{Action: "order.exported", Limit: 10})
	if err != nil || len(es) != 2 {
		t.Fatalf("audit: %+v, %v", es, err)
	}
	if st, body := b.get(bo + "/orders/export?format=pdf"); st != http.StatusUnprocessableEntity || !strings.Contains(body, "CSV 또는 엑셀") {
		t.Fatalf("bad format: %d\n%s", st, body)
	}
}
