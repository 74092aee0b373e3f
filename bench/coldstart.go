package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// coldStart is one first start on an empty data directory.
type coldStart struct {
	firstPage time.Duration // from exec to the first 200 of GET /
	demoReady time.Duration // from exec to the demo staff login on stdout, printed once the demo is loaded
}

// benchColdStarts starts the built binary n times, each on an empty data
// directory under work (SQLite, the demo on, as a newcomer's first
// `go run ./cmd/mallang` after compiling), and measures the time from
// starting the process to the first 200 of GET / and to the end of the
// demo load. It prints one line per start and the median.
func benchColdStarts(ctx context.Context, bin, work string, n int, stdout io.Writer, p *progress) error {
	var runs []coldStart
	for i := range n {
		dir, err := os.MkdirTemp(work, "coldstart-")
		if err != nil {
			return err
		}
		r, err := coldStartOnce(ctx, bin, dir)
		if err != nil {
			return fmt.Errorf("cold start %d: %w", i+1, err)
		}
		p.printf("cold start %d: first page after %s, demo loaded after %s", i+1, ms(r.firstPage), ms(r.demoReady))
		runs = append(runs, r)
	}
	median := func(f func(coldStart) time.Duration) time.Duration {
		ds := make([]time.Duration, len(runs))
		for i, r := range runs {
			ds[i] = f(r)
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	fmt.Fprintf(stdout, "cold start to first page (median of %d, empty data directory, SQLite, demo on): %s; demo loaded: %s\n",
		n, ms(median(func(r coldStart) time.Duration { return r.firstPage })), ms(median(func(r coldStart) time.Duration { return r.demoReady })))
	return nil
}

func coldStartOnce(ctx context.Context, bin, dir string) (coldStart, error) {
	var r coldStart
	addr, err := freeAddr()
	if err != nil {
		return r, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "MALLANG_DATA_DIR="+dir, "MALLANG_DATABASE_URL=", "MALLANG_BLOB_URL=",
		"MALLANG_ADDR="+addr, "MALLANG_BASE_URL=http://"+addr, "MALLANG_LOG_LEVEL=warn", "MALLANG_DEMO=true")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return r, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return r, fmt.Errorf("start mallang serve: %w", err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	ready := make(chan time.Duration, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "demo staff login") { // printed when the demo is loaded
				ready <- time.Since(start)
			}
		}
		close(ready)
	}()
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(2 * time.Minute)
	for r.firstPage == 0 {
		if res, err := client.Get("http://" + addr + "/"); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				r.firstPage = time.Since(start)
				break
			}
		}
		if time.Now().After(deadline) {
			return r, errors.New("no 200 for / within 2 minutes")
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	select {
	case d, ok := <-ready:
		if !ok {
			return r, errors.New("mallang serve exited before the demo was loaded")
		}
		r.demoReady = d
	case <-time.After(5 * time.Minute):
		return r, errors.New("demo not loaded within 5 minutes")
	case <-ctx.Done():
		return r, ctx.Err()
	}
	return r, nil
}
