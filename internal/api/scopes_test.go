package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
)

// TestEveryStaffOperationNeedsItsScope walks every operation of the
// documentation that asks for a scope: a staff token with every permission
// but that one gets 403, and one with only that permission gets past the
// check.
func TestEveryStaffOperationNeedsItsScope(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	var spec struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
		} `json:"paths"`
	}
	rec := get(t, f.h, "GET", "/api/v1/openapi.json")
	if err := json.Unmarshal(rec.Body.Bytes(), &spec); err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	tokenOf := func(perms []account.Permission) string {
		key := fmt.Sprint(perms)
		if tok, ok := tokens[key]; ok {
			return tok
		}
		_, id := f.customer(t, fmt.Sprintf("staff%d@example.com", len(tokens)))
		tokens[key] = f.staffToken(t, f.makeStaff(t, id, account.Staff, perms...)).AccessToken
		return tokens[key]
	}
	wildcard := regexp.MustCompile(`\{[^}]*\}`)
	ops := 0
	for path, methods := range spec.Paths {
		for method, op := range methods {
			var scopes []string
			for _, s := range op.Security {
				for _, sc := range s {
					scopes = append(scopes, sc...)
				}
			}
			if len(scopes) == 0 {
				if strings.HasPrefix(path, "/api/v1/admin/") {
					t.Errorf("%s %s is an admin operation that asks for no scope", method, path)
				}
				continue
			}
			ops++
			if len(scopes) != 1 {
				t.Errorf("%s %s asks for scopes %v, want one", method, path, scopes)
				continue
			}
			need := account.Permission(scopes[0])
			if !slices.Contains(account.AllPermissions, need) {
				t.Errorf("%s %s asks for unknown scope %q", method, path, need)
				continue
			}
			var others []account.Permission
			for _, p := range account.AllPermissions {
				if p != need {
					others = append(others, p)
				}
			}
			target := wildcard.ReplaceAllString(path, "999999")
			m := strings.ToUpper(method)
			var body any
			if m != http.MethodGet {
				body = map[string]any{}
			}
			if rec := f.do(t, req{method: m, path: target, token: tokenOf(others), body: body}); rec.Code != http.StatusForbidden {
				t.Errorf("%s %s without %q: %d, want 403\n%s", m, target, need, rec.Code, rec.Body)
			}
			if rec := f.do(t, req{method: m, path: target, token: tokenOf([]account.Permission{need}), body: body}); rec.Code == http.StatusForbidden {
				t.Errorf("%s %s with %q: 403\n%s", m, target, need, rec.Body)
			}
		}
	}
	if ops < 5 {
		t.Fatalf("only %d operations ask for a scope", ops)
	}
}
