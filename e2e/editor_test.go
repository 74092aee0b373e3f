//go:build e2e

package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/mallang/mallang/internal/security"
)

// cspWatch records every Content-Security-Policy violation of the page.
const cspWatch = `window.__csp = []; document.addEventListener('securitypolicyviolation',
	e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`

// TestRichEditor loads the back office's editor files, as the binary
// serves them, into a form with a <textarea data-editor="rich"> under the
// back office's own Content-Security-Policy, and checks that the editor
// starts without any CSP violation, shows the textarea's HTML, and posts
// what is typed, with the formatting, as the textarea's field.
func TestRichEditor(t *testing.T) {
	s := startShopWith(t, nil)
	shop, err := url.Parse(s.Base)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		posted string
	)
	proxy := httputil.NewSingleHostReverseProxy(shop)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/editor/{file}", func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = s.App.AdminPath() + "/static/editor/" + r.PathValue("file")
		proxy.ServeHTTP(w, r)
	})
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>편집</title>
<script src="/static/editor/editor.js" defer></script></head>
<body data-media-url="/media" data-editor-uploading="올리는 중" data-editor-failed="실패">
<form method="post" action="/submit"><label for="d">설명</label>
<textarea id="d" name="description" data-editor="rich">&lt;p&gt;기존 &lt;strong&gt;설명&lt;/strong&gt;&lt;/p&gt;</textarea>
<button type="submit" data-testid="save">저장</button></form></body></html>`))
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		posted = r.PostFormValue("description")
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!DOCTYPE html><html><head><title>ok</title></head><body><p data-testid="saved">저장됨</p></body></html>`))
	})
	srv := httptest.NewServer(security.Headers(mux, false))
	t.Cleanup(srv.Close)

	browser := startBrowser(t)
	b := newTab(t, browser, srv.URL, "rich-editor")
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch}); err != nil {
		t.Fatal(err)
	}
	b.open("/form")
	b.waitVisible(`.ql-editor`)
	if got := b.text(`.ql-editor strong`); got != "설명" {
		b.fatalf("the editor shows %q in bold, want the textarea's 설명", got)
	}
	if eval[bool](b, `!document.getElementById('d').hidden`) {
		b.fatalf("the textarea is still shown beside the editor")
	}
	if n := b.count(`.ql-toolbar .ql-image`); n != 1 {
		b.fatalf("%d image buttons in the toolbar", n)
	}
	b.do("type", chromedp.Click(chromedp.CSS(`.ql-editor p`)), chromedp.KeyEvent(" 말랑 tee"))
	if _, err := chromedp.Run(b.ctx, chromedp.Sleep(200*time.Millisecond)); err != nil {
		b.fatalf("wait: %v", err)
	}
	if v := eval[[]string](b, `window.__csp`); len(v) > 0 {
		b.fatalf("the editor broke the Content-Security-Policy: %v", v)
	}
	b.follow("save", chromedp.Click(chromedp.CSS(`[data-testid="save"]`)))
	mu.Lock()
	got := posted
	mu.Unlock()
	if !strings.HasPrefix(got, "<p>기존 <strong>설명") || !strings.Contains(got, "말랑 tee") || strings.Contains(got, "&nbsp;") {
		b.fatalf("the form posted %q", got)
	}
}
