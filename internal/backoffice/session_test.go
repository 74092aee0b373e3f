package backoffice

import (
	"net/http"
	"testing"
	"time"
)

func TestSecureCookieName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		secure bool
		want   string
	}{{false, "mallang_staff"}, {true, "__Host-mallang_staff"}} {
		sm := newSessions(nil, tt.secure, nil)
		if sm.Cookie.Name != tt.want || sm.Cookie.Secure != tt.secure || sm.Cookie.Path != "/" ||
			sm.Cookie.SameSite != http.SameSiteStrictMode || !sm.Cookie.HttpOnly || sm.Lifetime != 12*time.Hour || sm.IdleTimeout != time.Hour {
			t.Errorf("secure=%v: %+v", tt.secure, sm.Cookie)
		}
	}
}
