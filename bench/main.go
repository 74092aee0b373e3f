// Command bench measures the storefront and the API under load on SQLite and
// PostgreSQL: for each engine it builds the mallang binary, seeds a catalog
// of -products products, starts `mallang serve`, and runs every scenario at
// -concurrency clients for -duration, then prints one table and the
// server's peak memory.
//
//	go run ./bench                                  # both engines, 10,000 products
//	go run ./bench -engines sqlite -duration 5s
//	go run ./bench -products 100000 -only search    # search over 100,000 products
//	go run ./bench -coldstart 5                     # first start to first page, empty data directory
//
// PostgreSQL is reached through -postgres or MALLANG_BENCH_POSTGRES_URL; the
// benchmark creates a fresh database there and drops it afterwards.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
)

const defaultPostgres = "postgres://postgres:postgres@127.0.0.1:5432/postgres?sslmode=disable"

// config is the parsed command line.
type config struct {
	engines     []string
	postgres    string
	products    int
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	only        []string
	bin         string
	keep        bool
	wrk         bool
	markdown    bool
	waitIdle    time.Duration
	common      string
	rare        string
	// checkoutVariants is the number of variants the checkout scenario buys from.
	checkoutVariants int
	// cpuprofile is where to write a CPU profile; set, the shop is served
	// from this process so the profile covers it.
	cpuprofile string
	// coldStarts, when positive, measures that many first starts on an
	// empty data directory instead of the load scenarios.
	coldStarts int
	// noBare skips the bare net/http server each scenario is compared with.
	noBare bool
}

func main() {
	if file := os.Getenv(bareEnv); file != "" {
		if err := serveBare(file); err != nil {
			fmt.Fprintln(os.Stderr, "bench: bare server:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	engines := fs.String("engines", "sqlite,postgres", "comma-separated engines to measure: sqlite, postgres")
	pg := os.Getenv("MALLANG_BENCH_POSTGRES_URL")
	if pg == "" {
		pg = defaultPostgres
	}
	fs.StringVar(&c.postgres, "postgres", pg, "PostgreSQL server URL; a fresh database is created on it for the run and dropped after (default from MALLANG_BENCH_POSTGRES_URL)")
	fs.IntVar(&c.products, "products", 10000, "number of products to seed")
	fs.IntVar(&c.concurrency, "concurrency", 32, "concurrent clients, each with one request in flight")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "measuring time per scenario")
	fs.DurationVar(&c.warmup, "warmup", 2*time.Second, "warm-up time per scenario before measuring (not counted)")
	only := fs.String("only", "", "comma-separated scenarios to run, by name or prefix (home, category, category-first, category-deep, category-mix, search, product, api, checkout, checkout-last, cart-page)")
	fs.StringVar(&c.bin, "bin", "", "use this mallang binary instead of building ./cmd/mallang")
	fs.BoolVar(&c.keep, "keep", false, "keep the data directory and the PostgreSQL database after the run")
	fs.DurationVar(&c.waitIdle, "wait-idle", 30*time.Second, "before each scenario, wait up to this long for other processes on the machine (PostgreSQL's own background work included) to use less than a quarter of one CPU; 0 does not wait")
	fs.BoolVar(&c.wrk, "wrk", false, "also measure every scenario with wrk (apt-get install -y wrk)")
	fs.BoolVar(&c.markdown, "markdown", false, "print the final table as Markdown too")
	fs.StringVar(&c.common, "search-common", "초콜릿", "search text that hits many products")
	fs.StringVar(&c.rare, "search-rare", "", "search text that hits few products; empty picks a word of a seeded product name that hits the fewest")
	fs.IntVar(&c.checkoutVariants, "checkout-variants", 100, "variants the checkout scenario's customers buy, in turn, spread over the catalog")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "serve the shop from this process instead of a child process and write a CPU profile of each scenario's measurement (server and load generator) to this file, with the engine's and the scenario's names added before the extension")
	fs.IntVar(&c.coldStarts, "coldstart", 0, "instead of the load scenarios, start the shop this many times on an empty data directory (SQLite, demo on) and report the time from process start to the first page")
	fs.BoolVar(&c.noBare, "no-bare", false, "do not measure each scenario's pages from a bare net/http server as well (halves the run; the share column stays empty)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for e := range strings.SplitSeq(*engines, ",") {
		switch e = strings.TrimSpace(e); e {
		case "sqlite", "postgres":
			c.engines = append(c.engines, e)
		case "":
		default:
			return c, fmt.Errorf("-engines: unknown engine %q (want sqlite or postgres)", e)
		}
	}
	if len(c.engines) == 0 {
		return c, errors.New("-engines: name at least one engine")
	}
	for s := range strings.SplitSeq(*only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.only = append(c.only, s)
		}
	}
	if c.products < 1 || c.concurrency < 1 || c.duration <= 0 || c.warmup < 0 || c.checkoutVariants < 1 {
		return c, errors.New("-products, -concurrency, -duration and -checkout-variants must be positive, -warmup not negative")
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	p := &progress{w: stderr, start: time.Now()}
	work, err := os.MkdirTemp("", "mallang-bench-")
	if err != nil {
		return err
	}
	if cfg.keep {
		p.printf("keeping %s after the run", work)
	} else {
		defer os.RemoveAll(work)
	}

	bin := cfg.bin
	if bin == "" {
		p.printf("building ./cmd/mallang")
		if bin, err = build(ctx, work); err != nil {
			return err
		}
	}
	machine := describeMachine()
	p.printf("machine: %s", machine)
	if cfg.coldStarts > 0 {
		fmt.Fprintf(stdout, "machine: %s\n", machine)
		return benchColdStarts(ctx, bin, work, cfg.coldStarts, stdout, p)
	}

	var reports []engineReport
	for _, engine := range cfg.engines {
		rep, err := benchEngine(ctx, cfg, engine, bin, work, p)
		if err != nil {
			p.printf("%s: %v", engine, err)
			rep.err = err
		}
		reports = append(reports, rep)
		if ctx.Err() != nil {
			break // interrupted: print what was measured
		}
	}

	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "machine: %s\n", machine)
	fmt.Fprintf(stdout, "products: %d, concurrency: %d, duration: %s per scenario (after %s warm-up)\n\n",
		cfg.products, cfg.concurrency, cfg.duration, cfg.warmup)
	printTable(stdout, reports)
	if cfg.wrk {
		fmt.Fprintln(stdout)
		printWrkTable(stdout, reports)
	}
	fmt.Fprintln(stdout)
	printCheckoutTable(stdout, reports)
	fmt.Fprintln(stdout)
	printTargets(stdout, cfg, reports)
	printCheckoutTargets(stdout, reports)
	if cfg.markdown {
		fmt.Fprintln(stdout)
		printMarkdown(stdout, reports)
		fmt.Fprintln(stdout)
		printCheckoutMarkdown(stdout, reports)
	}
	for _, r := range reports {
		if r.err != nil {
			return fmt.Errorf("%s: %w", r.engine, r.err)
		}
	}
	return nil
}

// progress prints timestamped progress lines.
type progress struct {
	w     io.Writer
	start time.Time
}

func (p *progress) printf(format string, args ...any) {
	fmt.Fprintf(p.w, "[%6.1fs] %s\n", time.Since(p.start).Seconds(), fmt.Sprintf(format, args...))
}

// describeMachine names the CPU count, memory, Go version and OS.
func describeMachine() string {
	mem := "?"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
				mem = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	return fmt.Sprintf("%d CPUs, %s memory, %s %s/%s", runtime.NumCPU(), mem, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
