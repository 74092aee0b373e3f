package backoffice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/observe"
	"github.com/mallang/mallang/internal/ratelimit"
	"github.com/mallang/mallang/internal/settings"
)

// bo is where the back office lives in these tests.
const bo = "/manage-3f9a1c2b7d"

// TestServeError checks the one place where back-office errors become
// pages: each kind of error gets its status and page, with the staff
// member's menu when there is one, and nothing of the error's own text.
func TestServeError(t *testing.T) {
	t.Parallel()
	secret := "db password=hunter2 at 10.0.0.7"
	staff := &account.User{ID: 7, Email: "staff@example.com", Role: account.Staff, Active: true,
		Permissions: account.Permissions{account.PermMail}}
	tests := []struct {
		name     string
		err      error
		user     *account.User
		status   int
		want     []string // in the body
		location string   // of a redirect
		logged   bool
	}{
		{"unauthenticated", fmt.Errorf("%s: %w", secret, fault.ErrUnauthenticated), nil, http.StatusSeeOther, nil, bo + "/login", false},
		{"not found", fmt.Errorf("order 9 (%s): %w", secret, fault.ErrNotFound), staff, http.StatusNotFound,
			[]string{"찾을 수 없습니다", `href="` + bo + `/outbox"`}, "", false},
		{"forbidden", fmt.Errorf("%s: %w", secret, fault.ErrForbidden), staff, http.StatusForbidden, []string{"권한이 없습니다"}, "", false},
		{"conflict", fmt.Errorf("%s: %w", secret, fault.ErrConflict), staff, http.StatusConflict, []string{"그 사이 내용이 바뀌어"}, "", false},
		{"invalid", fmt.Errorf("%s: %w", secret, &fault.Invalid{Fields: map[string]string{"reason": "must be at most 200 characters"}}), staff,
			http.StatusUnprocessableEntity, []string{"입력을 확인해 주세요", "200자 이하여야 합니다."}, "", false},
		{"too many attempts", fmt.Errorf("%s: %w", secret, &ratelimit.Error{Limit: "staff-code", RetryAfter: 90 * time.Second}), staff,
			http.StatusTooManyRequests, []string{"시도가 너무 많습니다"}, "", false},
		{"failure", errors.New(secret), staff, http.StatusInternalServerError, []string{"문제가 생겼습니다", "req-42"}, "", true},
		{"failure outside a session", errors.New(secret), nil, http.StatusInternalServerError, []string{"문제가 생겼습니다", "req-42"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			h := &Handler{cfg: Config{Path: bo}, deps: Deps{Settings: namedShop{}}, msgs: newMessages(),
				log: slog.New(observe.LogHandler(slog.NewJSONHandler(&logs, nil)))}
			r := httptest.NewRequest(http.MethodGet, bo+"/orders/9", nil)
			r = r.WithContext(observe.WithRequestID(r.Context(), "req-42"))
			w := httptest.NewRecorder()
			h.serveError(w, r, h.msgs[ko], tt.user, tt.err)
			body := w.Body.String()
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d\n%s", w.Code, tt.status, body)
			}
			if got := w.Header().Get("Location"); got != tt.location {
				t.Errorf("Location %q, want %q", got, tt.location)
			}
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q:\n%s", s, body)
				}
			}
			if strings.Contains(body, "hunter2") || strings.Contains(body, "10.0.0.7") {
				t.Errorf("body tells the error's text:\n%s", body)
			}
			if tt.location == "" && w.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", w.Header().Get("Cache-Control"))
			}
			if tt.status == http.StatusTooManyRequests && w.Header().Get("Retry-After") != "90" {
				t.Errorf("Retry-After %q", w.Header().Get("Retry-After"))
			}
			lines := strings.Count(logs.String(), "back-office page failed")
			if tt.logged && (lines != 1 || !strings.Contains(logs.String(), `"request_id":"req-42"`)) {
				t.Errorf("want one log line with the request id, got:\n%s", logs.String())
			}
			if !tt.logged && lines != 0 {
				t.Errorf("logged a client error:\n%s", logs.String())
			}
		})
	}

	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		var logs bytes.Buffer
		h := &Handler{cfg: Config{Path: bo}, msgs: newMessages(), log: slog.New(slog.NewJSONHandler(&logs, nil))}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := httptest.NewRequest(http.MethodGet, bo+"/orders", nil).WithContext(ctx)
		w := httptest.NewRecorder()
		h.serveError(w, r, h.msgs[ko], nil, fmt.Errorf("list orders: %w", context.Canceled))
		if w.Body.Len() != 0 || logs.Len() != 0 {
			t.Fatalf("a cancelled request got %d %q and logged %q", w.Code, w.Body.String(), logs.String())
		}
	})
}

// namedShop is a Settings that only names the shop, for pages drawn
// without the rest of the back office.
type namedShop struct{ Settings }

func (namedShop) Current(context.Context) settings.Settings {
	return settings.Settings{ShopName: "말랑"}
}

// TestLimitedMinutesAgree checks that the minutes the 429 page names agree
// with its Retry-After header, both rounded up.
func TestLimitedMinutesAgree(t *testing.T) {
	t.Parallel()
	staff := &account.User{ID: 7, Email: "staff@example.com", Role: account.Staff, Active: true}
	tests := []struct {
		wait    time.Duration
		header  string
		minutes string
	}{
		{60 * time.Second, "60", "1분 후에"},
		{61 * time.Second, "61", "2분 후에"},
		{899 * time.Second, "899", "15분 후에"},
		{60*time.Second + 500*time.Millisecond, "61", "2분 후에"},
	}
	for _, tt := range tests {
		t.Run(tt.wait.String(), func(t *testing.T) {
			t.Parallel()
			h := &Handler{cfg: Config{Path: bo}, deps: Deps{Settings: namedShop{}}, msgs: newMessages(),
				log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
			r := httptest.NewRequest(http.MethodGet, bo+"/orders/9", nil)
			w := httptest.NewRecorder()
			h.serveError(w, r, h.msgs[ko], staff, &ratelimit.Error{Limit: "staff-code", RetryAfter: tt.wait})
			if got := w.Header().Get("Retry-After"); got != tt.header {
				t.Errorf("Retry-After %q, want %q", got, tt.header)
			}
			if !strings.Contains(w.Body.String(), tt.minutes) {
				t.Errorf("body lacks %q:\n%s", tt.minutes, w.Body.String())
			}
		})
	}
}
