package web

import "testing"

func TestLoginRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/account\r\nSet-Cookie: x=y"} {
		if got := safeNext(next); got != "/account" {
			t.Errorf("safeNext(%q) = %q", next, got)
		}
	}
	if got := safeNext("/account/addresses?x=1"); got != "/account/addresses?x=1" {
		t.Errorf("safeNext kept %q", got)
	}
}
