package main

import (
	"context"
	"encoding/gob"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
)

// The bare server is the yardstick of every scenario: a plain net/http
// server, in its own process like the shop, that answers each of the
// scenario's addresses with the bytes (body and headers) the shop sent for
// it. Measured in the same run with the same clients, the shop's rate as a
// share of the bare server's means the same on any machine: what the shop's
// own work costs beyond HTTP and the bytes.

// bareEnv names the file of captured pages; set, the benchmark's binary
// serves them instead of benchmarking (see serveBare).
const bareEnv = "MALLANG_BENCH_BARE_PAGES"

// bareMarker starts the line on which the bare server prints its URL.
const bareMarker = "bare server running: "

// barePage is one captured response.
type barePage struct {
	Header http.Header
	Body   []byte
}

// capturePages fetches every distinct path once from the shop at base and
// writes the responses to a file in dir for the bare server.
func capturePages(ctx context.Context, client *http.Client, base string, paths []string, dir string, p *progress) (string, error) {
	seen := map[string]bool{}
	var todo []string
	for _, path := range paths {
		if !seen[path] {
			seen[path] = true
			todo = append(todo, path)
		}
	}
	p.printf("capturing %d pages for the bare server", len(todo))
	pages := make(map[string]barePage, len(todo))
	var (
		mu    sync.Mutex
		next  atomic.Int64
		first error
		wg    sync.WaitGroup
	)
	for range 4 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(todo) || ctx.Err() != nil {
					return
				}
				pg, err := fetchPage(ctx, client, base+todo[i])
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				pages[todo[i]] = pg
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if first != nil {
		return "", first
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	file := filepath.Join(dir, "bare-pages.gob")
	f, err := os.Create(file)
	if err != nil {
		return "", err
	}
	if err := gob.NewEncoder(f).Encode(pages); err != nil {
		f.Close()
		return "", fmt.Errorf("write captured pages: %w", err)
	}
	return file, f.Close()
}

// fetchPage reads one response whole. Date and Content-Length are left out:
// net/http writes them itself.
func fetchPage(ctx context.Context, client *http.Client, u string) (barePage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return barePage{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return barePage{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return barePage{}, fmt.Errorf("GET %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return barePage{}, fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
	}
	h := resp.Header.Clone()
	h.Del("Date")
	h.Del("Content-Length")
	return barePage{Header: h, Body: body}, nil
}

// startBare starts this benchmark's own binary as the bare server of the
// pages in file.
func startBare(ctx context.Context, file string, stderr io.Writer) (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), bareEnv+"="+file)
	cmd.Stderr = prefixWriter(stderr, "  bare: ")
	return startChild(ctx, cmd, bareMarker)
}

// serveBare is the bare server's main: it loads the captured pages, listens
// on a free loopback port, prints its URL and serves until it is killed.
func serveBare(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	var pages map[string]barePage
	err = gob.NewDecoder(f).Decode(&pages)
	f.Close()
	if err != nil {
		return fmt.Errorf("read captured pages: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			w.WriteHeader(http.StatusOK)
			return
		}
		pg, ok := pages[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		for k, v := range pg.Header {
			h[k] = v
		}
		_, _ = w.Write(pg.Body)
	})}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Printf("%shttp://%s\n", bareMarker, ln.Addr())
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
