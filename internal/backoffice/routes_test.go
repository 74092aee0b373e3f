package backoffice_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
)

// routeAreas names the permission that opens each part of the back office,
// by path prefix (the longest prefix wins). A nil set means superusers only.
// A route under none of these prefixes fails TestEveryRouteNeedsItsPermission:
// a new page must say which permission guards it.
var routeAreas = map[string][]account.Permission{
	"/outbox":               {account.PermMail},
	"/honeypot":             {account.PermSecurity},
	"/audit":                {account.PermSecurity},
	"/users":                {account.PermCustomers},
	"/users/{id}/reset-2fa": {account.PermSecurity},
	"/users/{id}/role":      nil,
	"/orders":               {account.PermOrders},
	"/orders/export":        {account.PermOrders, account.PermCustomers},
	"/coupons":              {account.PermOrders},
	"/shipping":             {account.PermOrders},
	"/promotions":           {account.PermOrders},
	"/cash-receipts":        {account.PermOrders},
	"/refunds":              {account.PermOrders},
	"/returns":              {account.PermOrders},
	"/transfers":            {account.PermOrders},
	"/catalog":              {account.PermCatalog},
	"/catalog/synonyms":     {account.PermCatalog},
	"/content":              {account.PermContent},
	"/media":                {account.PermCatalog, account.PermContent},
	"/inquiries":            {account.PermCustomers},
	"/inquiry-templates":    {account.PermCustomers},
	"/questions":            {account.PermCustomers},
	"/settings":             {account.PermSettings},
	"/stats":                {account.PermStats},
	"/reviews":              {account.PermContent},
}

// openToStaff are the pages every staff member reaches: signing in and out,
// the first page, their own security and the back office's assets.
var openToStaff = []string{"/{$}", "/login", "/login/code", "/setup-2fa", "/logout", "/security",
	"/security/recovery-codes", "/static/{file}", "/static/editor/{file}", "/static/charts/{file}", ""}

var wildcardRE = regexp.MustCompile(`\{[^}]*\}`)

// TestEveryRouteNeedsItsPermission walks every route the back office
// registered: a staff member with every permission but the route's gets 403,
// and one with only the route's permission gets past the check.
func TestEveryRouteNeedsItsPermission(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	type route struct{ method, pattern, path string }
	var routes []route
	for _, p := range e.shop.BackOfficeRoutes() {
		method, full, _ := strings.Cut(p, " ")
		rest, ok := strings.CutPrefix(full, bo)
		if !ok || method == http.MethodHead || slices.Contains(openToStaff, rest) {
			continue // the /admin honeypot, or a page for every staff member
		}
		path := wildcardRE.ReplaceAllString(strings.ReplaceAll(rest, "{$}", ""), "999999")
		routes = append(routes, route{method, rest, bo + path})
	}
	if len(routes) < 20 {
		t.Fatalf("only %d back-office routes noted: %v", len(routes), e.shop.BackOfficeRoutes())
	}

	areaOf := func(pattern string) (string, bool) {
		best := ""
		for prefix := range routeAreas {
			if (pattern == prefix || strings.HasPrefix(pattern, prefix+"/")) && len(prefix) > len(best) {
				best = prefix
			}
		}
		return best, best != ""
	}
	browsers := map[string]*browser{}
	signedIn := func(perms []account.Permission) *browser {
		key := fmt.Sprint(perms)
		if b, ok := browsers[key]; ok {
			return b
		}
		email := fmt.Sprintf("staff%d@example.com", len(browsers))
		e.user(t, email, account.Staff, perms...)
		b, _ := e.staffIn(email)
		browsers[key] = b
		return b
	}
	request := func(b *browser, r route) int {
		if r.method == http.MethodGet {
			st, _ := b.get(r.path)
			return st
		}
		st, _ := b.post(r.path, url.Values{})
		return st
	}
	for _, r := range routes {
		area, ok := areaOf(r.pattern)
		if !ok {
			t.Errorf("%s %s belongs to no area: add its prefix to routeAreas", r.method, r.pattern)
			continue
		}
		need := routeAreas[area]
		var others []account.Permission
		for _, p := range account.AllPermissions {
			if !slices.Contains(need, p) {
				others = append(others, p)
			}
		}
		if st := request(signedIn(others), r); st != http.StatusForbidden {
			t.Errorf("%s %s for staff without %v: %d, want 403", r.method, r.path, need, st)
		}
		if need == nil {
			continue
		}
		if st := request(signedIn(need), r); st == http.StatusForbidden {
			t.Errorf("%s %s for staff with %v: 403", r.method, r.path, need)
		}
	}
}
