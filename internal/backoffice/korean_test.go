package backoffice_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/koreantest"
)

// latinAllowed are the Latin words a Korean back-office page may show: the
// language switch, terms Korean staff use as they are, brands (banks,
// carriers, and the carrier codes staff set), checked word by word.
var latinAllowed = []string{"English", "KST", "SKU", "IP", "API", "PC", "CJ", "cj", "hanjin", "lotte", "epost", "logen", "KB", "NH", "IBK", "SC", "iM", "KDB", "Sh", "KakaoPay", "PayPal", "Toss", "PortOne", "Hometax", "CSV"}

// TestKoreanPagesAreKorean walks the back office of a shop with orders,
// changes and mails, in Korean, and fails on anything Korean staff would
// not write: English words and internal codes (the audit log's action
// codes and JSON, the outbox's states), ₩, +82, particles with both forms.
func TestKoreanPagesAreKorean(t *testing.T) {
	t.Parallel()
	s := newShopEnv(t)
	paid := s.place(t, "bank_transfer", 12000, 2)
	s.place(t, "card", 5000, 1)
	b, _ := s.staffIn(s.boss.Email)
	st, body := b.post(orderURL(paid)+"/deposit", url.Values{"depositor": {"김말랑"}})
	must(t, st, http.StatusOK, body)
	staff := s.user(t, "cs@example.com", account.Staff, account.PermCustomers)
	st, body = b.post(bo+"/users/"+strconv.FormatInt(staff.ID, 10)+"/role", url.Values{"role": {"customer"}})
	if st >= 500 {
		t.Fatalf("role change: %d\n%s", st, body)
	}

	// Codes staff set themselves are shown as they wrote them: carriers'
	// codes and tracking addresses, grade codes, a payment provider's name;
	// image formats are named as Korean shops name them.
	allowed := []string{"backoffice-test/1.0", "Go-http-client/1.1", "{tracking}",
		"welcome", "silver", "gold", "VIP", "vip", "flaky", "PNG", "JPEG", "GIF", "WebP"}
	pages := []string{"/", "/orders", strings.TrimPrefix(orderURL(paid), bo), "/users", "/users/" + strconv.FormatInt(paid.UserID, 10), "/audit", "/outbox",
		"/coupons", "/shipping", "/returns", "/reviews", "/reviews?show=hidden", "/refunds", "/cash-receipts", "/promotions/gifts", "/promotions/points",
		"/promotions/grades", "/settings", "/security", "/honeypot", "/inquiries", "/catalog/products",
		"/catalog/products/new", "/catalog/synonyms", "/catalog/bulk", "/orders/shipments",
		"/stats", "/stats/category", "/stats/product", "/stats/sku", "/stats/channel", "/stats/method", "/stats/grade",
		"/stats/customer", "/stats/members"}
	// A private product question, answered, for the questions pages.
	var pid int64
	if err := s.d.Read().GetContext(t.Context(), &pid, `SELECT MIN(id) FROM products`); err != nil {
		t.Fatal(err)
	}
	q, err := s.shop.Questions().Ask(t.Context(), paid.UserID, pid, "선물 포장이 되나요?", true)
	if err != nil {
		t.Fatal(err)
	}
	qp := "/questions/" + strconv.FormatInt(q.ID, 10)
	b.post(bo+qp+"/answer", url.Values{"answer": {"네, 됩니다."}})
	pages = append(pages, "/questions", "/questions?all=1", qp)
	for _, p := range pages {
		st, body := b.get(bo + p)
		if st != http.StatusOK {
			t.Errorf("GET %s = %d", p, st)
			continue
		}
		for _, problem := range koreantest.Problems(body, allowed, latinAllowed, `{"`) {
			t.Errorf("GET %s: %s", p, problem)
		}
	}
}
