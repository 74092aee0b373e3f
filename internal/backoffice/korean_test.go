package backoffice_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
)

// latinAllowed are the Latin words a Korean back-office page may show: the
// language switch, terms Korean staff use as they are, brands (banks,
// carriers, and the carrier codes staff set), checked word by word.
var latinAllowed = []string{"English", "KST", "SKU", "IP", "API", "PC", "CJ", "cj", "hanjin", "lotte", "epost", "logen", "KB", "NH", "IBK", "SC", "iM", "KDB", "Sh", "KakaoPay", "PayPal", "Toss", "PortOne", "Hometax", "CSV"}

var (
	scriptRE = regexp.MustCompile(`(?s)<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->`)
	attrRE   = regexp.MustCompile(`\b(?:title|placeholder|aria-label|alt)="([^"]*)"`)
	tagRE    = regexp.MustCompile(`<[^>]*>`)
	emailRE  = regexp.MustCompile(`[\w.+-]+@[\w-]+(?:\.[\w-]+)+`)
	urlRE    = regexp.MustCompile(`(?:https?://|/)[\w\-./?=&%#~:]+`)
	codeRE   = regexp.MustCompile(`\b[0-9A-Z]+(?:-[0-9A-Z]+)+\b|\b[A-Z0-9]*[0-9][A-Z0-9]*\b`)
	latinRE  = regexp.MustCompile(`[A-Za-z]{2,}`)
)

// koreanProblems returns what a Korean page must not show: Latin words
// outside the allowed ones, amounts with ₩, phone numbers in E.164,
// particles left with both forms, and raw JSON.
func koreanProblems(body string, allowed []string) []string {
	var out []string
	text := scriptRE.ReplaceAllString(body, " ")
	var attrs []string
	for _, m := range attrRE.FindAllStringSubmatch(text, -1) {
		attrs = append(attrs, m[1])
	}
	text = html.UnescapeString(tagRE.ReplaceAllString(text, " ") + " " + strings.Join(attrs, " "))
	for _, bad := range []string{"₩", "+82", "(으)로", "이(가)", "을(를)", "은(는)", "와(과)", "과(와)", `{"`} {
		if i := strings.Index(text, bad); i >= 0 {
			out = append(out, bad+" in “"+near(text, i)+"”")
		}
	}
	for _, a := range allowed {
		text = strings.ReplaceAll(text, a, " ")
	}
	text = emailRE.ReplaceAllString(text, " ")
	text = urlRE.ReplaceAllString(text, " ")
	text = codeRE.ReplaceAllString(text, " ")
	for _, loc := range latinRE.FindAllStringIndex(text, -1) {
		if w := text[loc[0]:loc[1]]; !slices.Contains(latinAllowed, w) {
			out = append(out, w+" in “"+near(text, loc[0])+"”")
		}
	}
	return out
}

func near(s string, i int) string {
	lo, hi := max(i-40, 0), min(i+40, len(s))
	for lo > 0 && s[lo]&0xC0 == 0x80 {
		lo--
	}
	for hi < len(s) && s[hi]&0xC0 == 0x80 {
		hi++
	}
	return strings.Join(strings.Fields(s[lo:hi]), " ")
}

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
		"/coupons", "/shipping", "/returns", "/refunds", "/cash-receipts", "/promotions/gifts", "/promotions/points",
		"/promotions/grades", "/settings", "/security", "/honeypot", "/inquiries", "/catalog/products"}
	for _, p := range pages {
		st, body := b.get(bo + p)
		if st != http.StatusOK {
			t.Errorf("GET %s = %d", p, st)
			continue
		}
		for _, problem := range koreanProblems(body, allowed) {
			t.Errorf("GET %s: %s", p, problem)
		}
	}
}
