package app

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db/dbtest"
)

// TestServeFirstStart runs `mallang serve` as a newcomer would: an empty
// data directory, the demo catalog loaded on first start, the URL and the
// demo staff login printed, pages answered, and a clean stop on cancel.
func TestServeFirstStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e := env(map[string]string{
		"MALLANG_DATA_DIR":     dir,
		"MALLANG_DATABASE_URL": dbtest.URL(t),
		"MALLANG_ADDR":         "127.0.0.1:0",
		"MALLANG_LOG_LEVEL":    "warn",
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, nil, e, nil, outW, io.Discard, "test")
		outW.Close()
	}()

	sc := bufio.NewScanner(outR)
	var url, login string
	urlRe := regexp.MustCompile(`Mallang is running: (http://\S+)`)
	loginRe := regexp.MustCompile(`demo staff login: (\S+@\S+) / (\S+)`)
	for sc.Scan() && (url == "" || login == "") {
		if m := urlRe.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
		if m := loginRe.FindStringSubmatch(sc.Text()); m != nil {
			login = m[1]
		}
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	if url == "" || login == "" {
		t.Fatalf("serve did not print the URL and the demo login (url %q, login %q)", url, login)
	}

	client := &http.Client{Timeout: 10 * time.Second}
	for _, tt := range []struct{ path, want string }{
		{"/", "<html"},
		{"/readyz", "ready"},
		{"/api/v1/products?per_page=1", `"total":`},
		{"/sitemap.xml", "<urlset"},
	} {
		res, err := client.Get(url + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), tt.want) {
			t.Fatalf("GET %s = %d, body lacks %q", tt.path, res.StatusCode, tt.want)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited with %d after cancel", code)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop within a minute of cancel")
	}
}
