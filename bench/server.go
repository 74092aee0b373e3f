package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// build compiles ./cmd/mallang of the module bench runs in into dir.
func build(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find the module: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run bench inside the mallang module (go run ./bench)")
	}
	bin := filepath.Join(dir, "mallang")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/mallang")
	cmd.Dir = filepath.Dir(gomod)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build ./cmd/mallang: %w", err)
	}
	return bin, nil
}

// mallangEnv is the environment of every mallang process of one engine.
func mallangEnv(dataDir, dbURL, addr string) []string {
	env := os.Environ()
	return append(env,
		"MALLANG_DATA_DIR="+dataDir,
		"MALLANG_DATABASE_URL="+dbURL,
		"MALLANG_ADDR="+addr,
		"MALLANG_BASE_URL=http://"+addr,
		"MALLANG_LOG_LEVEL=warn",
		"MALLANG_DEMO=false",
		// Checkout pays by bank transfer: the order then waits for the
		// deposit, as most orders of a Korean shop's checkout do.
		"MALLANG_BANK_NAME=말랑은행",
		"MALLANG_BANK_ACCOUNT=100-200-300400",
		"MALLANG_BANK_HOLDER=(주)말랑",
	)
}

// seed runs `mallang seed`, passing its progress through to stderr.
func seed(ctx context.Context, bin string, env []string, products int, stderr io.Writer) error {
	cmd := exec.CommandContext(ctx, bin, "seed", "--products", strconv.Itoa(products), "--no-images")
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("mallang seed --products %d: %w", products, err)
	}
	return nil
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// server is a running `mallang serve` child process.
type server struct {
	cmd *exec.Cmd // nil when the shop runs in this process (startInProcess)
	pid int       // the process serving: the child's, or this one's
	// cancel stops a shop served in this process.
	cancel context.CancelFunc
	URL    string
	done   chan struct{} // closed when the process has exited
	err    error         // the Wait result, set before done closes

	mu      sync.Mutex
	peakRSS int64 // bytes: the largest VmHWM seen
	peakOwn int64 // bytes: the largest resident set without the database file (ownRSS)
}

// startServer starts `mallang serve`, waits until it prints its URL and
// /readyz answers 200, and samples its memory until it exits.
func startServer(ctx context.Context, bin string, env []string, stderr io.Writer) (*server, error) {
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	cmd.Stderr = prefixWriter(stderr, "  server: ")
	return startChild(ctx, cmd, "Mallang is running: ")
}

// startChild starts cmd, waits until it prints marker followed by its URL
// and /readyz there answers 200, and samples its memory until it exits.
func startChild(ctx context.Context, cmd *exec.Cmd, marker string) (*server, error) {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	s := &server{cmd: cmd, pid: cmd.Process.Pid, done: make(chan struct{})}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), marker); ok {
				select {
				case urlc <- strings.TrimSpace(u):
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	go s.sampleMemory()

	timeout := time.After(2 * time.Minute)
	select {
	case s.URL = <-urlc:
	case <-s.done:
		return nil, fmt.Errorf("%s exited before listening: %v", cmd.Path, s.err)
	case <-timeout:
		s.stop()
		return nil, fmt.Errorf("%s printed no URL within 2 minutes", cmd.Path)
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
	for {
		resp, err := http.Get(s.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s exited before ready: %v", cmd.Path, s.err)
		case <-timeout:
			s.stop()
			return nil, errors.New("/readyz did not answer 200 within 2 minutes")
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// sampleMemory records the server's peak resident set (VmHWM) and its
// peak resident set without the database file every 100 ms until it exits.
func (s *server) sampleMemory() {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		s.recordMemory()
		select {
		case <-s.done:
			return
		case <-t.C:
		}
	}
}

func (s *server) recordMemory() {
	hwm, err := procStatusKB(s.pid, "VmHWM")
	if err != nil {
		return
	}
	own, err := ownRSS(s.pid)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.peakRSS = max(s.peakRSS, hwm*1024)
	s.peakOwn = max(s.peakOwn, own)
	s.mu.Unlock()
}

// PeakRSS is the largest resident set of the server so far, in bytes, and
// the largest without the database file (see ownRSS).
func (s *server) PeakRSS() (hwm, own int64) {
	s.recordMemory()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peakRSS, s.peakOwn
}

// ownRSS is the resident set of process pid without the pages of a SQLite
// database file it maps (a mapping of a file named *.db), in bytes. Those
// pages are the OS file cache: reading the file with read(2) instead keeps
// the same pages in the same cache, outside the process's resident set, so
// the figure means the same with and without SQLite's memory map.
func ownRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var total, mapped int64
	inDB := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "Rss:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/%d/smaps: %q: %w", pid, line, err)
			}
			total += kb
			if inDB {
				mapped += kb
			}
			continue
		}
		// A mapping's first line is its address range ("7f12-7f34 r--s
		// ... /path"); the fields after it are "Name: value".
		if fields := strings.Fields(line); len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			inDB = len(fields) >= 6 && strings.HasSuffix(fields[5], ".db")
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return (total - mapped) * 1024, nil
}

// RSS is the current resident set of the server, in bytes.
func (s *server) RSS() int64 {
	kb, _ := procStatusKB(s.pid, "VmRSS")
	return kb * 1024
}

// stop sends SIGTERM, waits up to 30 s for a graceful exit, then kills.
func (s *server) stop() error {
	if s.cmd == nil {
		s.cancel()
		<-s.done
		return s.err
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("mallang serve did not stop within 30 s of SIGTERM; killed")
	}
	if s.err != nil {
		return fmt.Errorf("mallang serve: %w", s.err)
	}
	return nil
}

// procStatusKB reads one "kB" field of /proc/PID/status.
func procStatusKB(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// prefixWriter writes each line to w with prefix in front.
func prefixWriter(w io.Writer, prefix string) io.Writer {
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			fmt.Fprintf(w, "%s%s\n", prefix, sc.Text())
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	return pw
}
