package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/app"
	appconfig "github.com/mallang/mallang/internal/config"
)

// startInProcess serves the shop from this process, configured by env as
// `mallang serve` would be, so a CPU profile of the benchmark covers the
// server's code too. The server's CPU time is then this process's: the CPU
// columns count it as both server and load generator.
func startInProcess(ctx context.Context, env []string, stderr io.Writer) (*server, error) {
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	cfg, err := appconfig.Load(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(ctx, cfg, log, "bench")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		a.Close()
		return nil, err
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &server{pid: os.Getpid(), URL: "http://" + ln.Addr().String(), done: make(chan struct{}), cancel: cancel}
	go func() {
		s.err = errors.Join(a.Serve(sctx, ln), a.Close())
		close(s.done)
	}()
	go s.sampleMemory()
	for deadline := time.Now().Add(time.Minute); ; {
		resp, err := http.Get(s.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the shop in this process did not answer /readyz within a minute")
		}
		select {
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
