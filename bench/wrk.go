package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what wrk reported for one scenario.
type wrkResult struct {
	rate               float64
	p50, p90, p99, max time.Duration
	errors             string
}

// runWrk runs wrk against the scenario's paths (a Lua script sends them in
// turn) with the same concurrency and duration, on two threads.
func runWrk(ctx context.Context, base string, paths []string, cfg config, stderr io.Writer) (*wrkResult, error) {
	bin, err := exec.LookPath("wrk")
	if err != nil {
		return nil, fmt.Errorf("wrk is not installed (apt-get install -y wrk)")
	}
	f, err := os.CreateTemp("", "mallang-bench-*.lua")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	var b strings.Builder
	b.WriteString("local paths = {\n")
	for _, p := range paths {
		// Paths are URL-escaped ASCII, which a Go quoted string spells
		// the way Lua reads it.
		fmt.Fprintf(&b, "  %s,\n", strconv.Quote(p))
	}
	b.WriteString("}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n")
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "-t", "2", "-c", strconv.Itoa(cfg.concurrency),
		"-d", fmt.Sprintf("%ds", int(cfg.duration.Seconds())), "--latency", "-s", filepath.Clean(f.Name()), base+paths[0])
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("wrk: %w", err)
	}
	return parseWrk(string(out))
}

// parseWrk reads the rate, latency percentiles and errors out of the
// output of wrk --latency.
func parseWrk(out string) (*wrkResult, error) {
	r := &wrkResult{}
	var errs []string
	for line := range strings.SplitSeq(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 4 && f[0] == "Latency":
			r.max, _ = time.ParseDuration(f[3])
		case len(f) == 2 && f[0] == "50%":
			r.p50, _ = time.ParseDuration(f[1])
		case len(f) == 2 && f[0] == "90%":
			r.p90, _ = time.ParseDuration(f[1])
		case len(f) == 2 && f[0] == "99%":
			r.p99, _ = time.ParseDuration(f[1])
		case len(f) == 2 && f[0] == "Requests/sec:":
			r.rate, _ = strconv.ParseFloat(f[1], 64)
		case strings.HasPrefix(strings.TrimSpace(line), "Non-2xx or 3xx responses:"),
			strings.HasPrefix(strings.TrimSpace(line), "Socket errors:"):
			errs = append(errs, strings.TrimSpace(line))
		}
	}
	if r.rate == 0 {
		return nil, fmt.Errorf("no Requests/sec in the output of wrk:\n%s", out)
	}
	r.errors = "0"
	if len(errs) > 0 {
		r.errors = strings.Join(errs, "; ")
	}
	return r, nil
}
