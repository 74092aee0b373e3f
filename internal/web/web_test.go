package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/media"
)

// The catalog pages are tested through the whole app in pages_test.go and
// seo_test.go; the tests here need the package's unexported code or a
// storefront over a stub catalog.

const testBase = "https://shop.example"

// testNow is the storefront's clock in the tests over stubs: a fixed time.
func testNow() time.Time { return time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC) }

// shop is a storefront registered on a bare mux, over a stub catalog.
type shop struct {
	mux *http.ServeMux
}

// response is what a browser got.
type response struct {
	status int
	header http.Header
	body   string
}

func (s *shop) get(t testing.TB, target string) response {
	t.Helper()
	w := httptest.NewRecorder()
	s.mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	res := w.Result()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// mustContain and mustNotContain are also in browser_test.go, for the tests
// through the app (package web_test). This copy serves errors_test.go, whose
// error pages come from stub catalogs and the unexported serve wrapper, and
// which cannot see the other package's helpers.

// mustContain fails for each of wants missing from body.
func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q", w)
		}
	}
}

func mustNotContain(t *testing.T, body string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(body, n) {
			t.Errorf("body contains %q", n)
		}
	}
}

func TestMessagesAreComplete(t *testing.T) {
	t.Parallel()
	msgs := newMessages()
	ko, en := newLocale(langKo, msgs), newLocale(langEn, msgs)
	seen := map[string]bool{}
	for _, m := range msgs.list {
		if seen[m.key] {
			t.Errorf("message %q twice", m.key)
		}
		seen[m.key] = true
		if m.ko == "" || (m.en == "" && m.enPlural == nil) {
			t.Errorf("message %q lacks a language", m.key)
		}
		if strings.Count(m.ko, "%[") != strings.Count(m.en, "%[") && m.enPlural == nil {
			t.Errorf("message %q: languages take different arguments", m.key)
		}
	}
	if got := ko.F("search.hits", "초콜릿", 12345); got != "‘초콜릿’ 검색 결과 12,345개" {
		t.Errorf("ko hits = %q", got)
	}
	if got := en.F("search.hits", "chocolate", 1); got != "1 result for ‘chocolate’" {
		t.Errorf("en hits = %q", got)
	}
	// Particles fit the word put in: 가격이, 사이즈가.
	if got := ko.F("notice.field", "가격"); got != "입력값 ‘가격’이 올바르지 않아 무시했습니다." {
		t.Errorf("ko notice.field = %q", got)
	}
	if got := ko.F("notice.field", "사이즈"); got != "입력값 ‘사이즈’가 올바르지 않아 무시했습니다." {
		t.Errorf("ko notice.field = %q", got)
	}
	if got := en.T("home.new"); got != "New arrivals" {
		t.Errorf("en home.new = %q", got)
	}
	if got := ko.Date(time.Date(2025, 12, 31, 20, 0, 0, 0, time.UTC)); got != "2026년 1월 1일" {
		t.Errorf("Seoul date = %q", got)
	}
}

func TestPager(t *testing.T) {
	t.Parallel()
	href := func(i int) string { return strconv.Itoa(i) }
	tests := []struct {
		cur, n int
		want   string
	}{
		{1, 1, ""},
		{1, 3, "[1] 2 3 >"},
		{5, 10, "< 1 … 3 4 [5] 6 7 … 10 >"},
		{10, 10, "< 1 … 8 9 [10]"},
		{3, 4, "< 1 2 [3] 4 >"},
		{50, 3, "< 1 2 3"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d of %d", tt.cur, tt.n), func(t *testing.T) {
			t.Parallel()
			p := newPager(tt.cur, tt.n, href)
			var parts []string
			if p.Prev != "" {
				parts = append(parts, "<")
			}
			for _, l := range p.Pages {
				switch {
				case l.Gap:
					parts = append(parts, "…")
				case l.Current:
					parts = append(parts, "["+strconv.Itoa(l.N)+"]")
				default:
					parts = append(parts, strconv.Itoa(l.N))
				}
			}
			if p.Next != "" {
				parts = append(parts, ">")
			}
			if got := strings.Join(parts, " "); got != tt.want {
				t.Errorf("pager = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestImageURLs(t *testing.T) {
	t.Parallel()
	for _, img := range []catalog.Image{
		{Key: "products/1/a.png", ThumbsReady: true},
		{Key: "products/1/a.png"},
		{Key: "products/1/noext", ThumbsReady: true},
		{Key: `products/1/"odd" & <name>.v2.webp`, ThumbsReady: true},
	} {
		for _, s := range media.Sizes {
			want := templ.EscapeString(imageURL(&img, s))
			if got := string(appendImageURL(nil, &img, s)); got != want {
				t.Errorf("appendImageURL(%q, %s) = %q, want %q", img.Key, s, got, want)
			}
		}
	}
	for _, s := range []string{"", "plain 초콜릿", `<a href="x">'&'</a>`} {
		if got, want := string(appendEscaped(nil, s)), templ.EscapeString(s); got != want {
			t.Errorf("appendEscaped(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestLocalPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"/a/b": "/a/b", "//evil.example/x": "/evil.example/x", "": "/", "/%EC%B4%88": "/%EC%B4%88"} {
		u := &url.URL{Path: in}
		if in == "/%EC%B4%88" {
			u, _ = url.Parse(in)
		}
		if got := localPath(u); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
