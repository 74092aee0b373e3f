package app

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/mallang/mallang/internal/config"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/dump"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/observe"
	"github.com/mallang/mallang/internal/seed"
)

const usage = `mallang — 말랑 쇼핑몰 / the Mallang shop

Usage: mallang [command] [flags]

Commands:
  serve        run the shop (the default): migrate, serve HTTP and jobs, load the demo catalog into an empty shop meanwhile
  migrate      apply database migrations and exit
  seed         load a demo catalog (--products N, --no-images) or an order history (--orders N)
  createadmin  create or reset a superuser (--email, --name; password from MALLANG_ADMIN_PASSWORD or stdin)
  dump         write every table to stdout as one portable file (mallang dump > shop.jsonl)
  load         fill an empty database from a dump (mallang load < shop.jsonl)
  rotate-keys  re-encrypt personal data under the newest key of MALLANG_ENCRYPTION_KEYS
  version      print the version

Configuration comes from MALLANG_* environment variables; see docs/configuration.md.
`

// Run runs the subcommand in args and returns the process exit code.
func Run(ctx context.Context, args []string, env config.Lookup, stdin io.Reader, stdout, stderr io.Writer, version string) int {
	return RunWith(ctx, args, env, stdin, stdout, stderr, version, Options{})
}

// RunWith is Run over an App built with opts: tests, the browser tests
// too, hold serve's demo load at one of its steps (Options.DemoStep) to see
// the shop while it is being prepared.
func RunWith(ctx context.Context, args []string, env config.Lookup, stdin io.Reader, stdout, stderr io.Writer, version string, opts Options) int {
	if version == "" {
		version = buildVersion()
	}
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version":
		fmt.Fprintln(stdout, "mallang", version)
		return 0
	}
	run, ok := map[string]func(context.Context, *App, []string, io.Reader, io.Writer, io.Writer) error{
		"serve":   serveCmd,
		"migrate": migrateCmd,
		"seed":    seedCmd,
		"createadmin": func(ctx context.Context, a *App, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
			return createAdminCmd(ctx, a, args, env, stdin, stdout, stderr)
		},
		"dump":        dumpCmd,
		"load":        loadCmd,
		"rotate-keys": rotateKeysCmd,
	}[cmd]
	if !ok {
		fmt.Fprintf(stderr, "mallang: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	cfg, err := config.Load(env)
	if err != nil {
		fmt.Fprintf(stderr, "mallang: configuration: %v\n", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	a, err := NewWith(ctx, cfg, log, version, opts)
	if err != nil {
		fmt.Fprintf(stderr, "mallang: %v\n", err)
		return 1
	}
	defer a.Close()
	if err := run(ctx, a, args, stdin, stdout, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if inv, ok := fault.AsInvalid(err); ok {
			fmt.Fprintf(stderr, "mallang %s: %v\n", cmd, inv)
			return 2
		}
		fmt.Fprintf(stderr, "mallang %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// migrateCmd reports the schema version; New has already migrated.
func migrateCmd(ctx context.Context, a *App, _ []string, _ io.Reader, stdout, _ io.Writer) error {
	v, err := a.DB.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database is at schema version %d\n", v)
	return nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(observe.LogHandler(h))
}

func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v = strings.TrimPrefix(v+" ", "(devel) ") + s.Value[:12]
		}
	}
	if v == "" || v == "(devel)" {
		return "dev"
	}
	return strings.TrimSpace(v)
}

// serveCmd serves at once and, when the demo is wanted (demoWanted), loads
// it in the background meanwhile (loadDemo), so a first start answers
// within a second or two instead of after the demo's pictures are drawn.
func serveCmd(ctx context.Context, a *App, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	demo, err := a.demoWanted(ctx)
	if err != nil {
		return err
	}
	a.preparing.Store(demo)
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (MALLANG_ADDR): %w", a.cfg.Addr, err)
	}
	url := a.cfg.BaseURL
	if strings.HasSuffix(a.cfg.Addr, ":0") {
		url = "http://" + ln.Addr().String()
	}
	fmt.Fprintf(stdout, "\n  말랑 상점이 열렸습니다 / Mallang is running: %s\n", url)
	fmt.Fprintf(stdout, "  database: %s (%s)\n", a.DB.Dialect.Engine, db.Redact(a.cfg.DatabaseURL))
	fmt.Fprintf(stdout, "  관리자 화면 / back office: %s%s\n", url, a.cfg.AdminPath)
	if demo {
		fmt.Fprintf(stdout, "  데모 상품을 채우는 중입니다 / loading the demo catalog in the background\n")
	} else if login, err := os.ReadFile(demoStaffFile(a.cfg)); err == nil {
		fmt.Fprintf(stdout, "  데모 스태프 로그인 / demo staff login: %s\n", strings.TrimSpace(string(login)))
	}
	fmt.Fprintf(stdout, "  멈추려면 Ctrl+C / press Ctrl+C to stop\n\n")
	a.log.InfoContext(ctx, "serving", "addr", ln.Addr().String(), "engine", a.DB.Dialect.Engine, "version", a.version)
	loadCtx, stopLoad := context.WithCancel(ctx)
	var loading sync.WaitGroup
	if demo {
		loading.Go(func() {
			if err := a.loadDemo(loadCtx, stdout); err != nil && loadCtx.Err() == nil {
				a.log.ErrorContext(loadCtx, "demo load stopped; the next start finishes it", "err", err)
			}
		})
	}
	err = a.Serve(ctx, ln)
	stopLoad()
	loading.Wait()
	return err
}

func demoStaffFile(cfg config.Config) string { return filepath.Join(cfg.DataDir, "demo-staff.txt") }

// createDemoStaff makes the demo shop's superuser with a random password
// and keeps the login in the data directory (readable by its owner only),
// so every start can print it. A shop without the file has no demo login.
func (a *App) createDemoStaff(ctx context.Context) error {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return fmt.Errorf("demo staff password: %w", err)
	}
	pw := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	const email = "staff@mallang.example"
	if _, err := a.Accounts.CreateSuperuser(ctx, email, "데모 스태프", pw); err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	if err := os.WriteFile(demoStaffFile(a.cfg), []byte(email+" / "+pw+"\n"), 0o600); err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	return nil
}

func seedCmd(ctx context.Context, a *App, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	products := fs.Int("products", 200, "how many products to create")
	noImages := fs.Bool("no-images", false, "skip generating product images")
	randSeed := fs.Int64("seed", 1, "random seed; the same seed gives the same catalog")
	orders := fs.Int("orders", 0, "write an order history of this many orders over two years (the catalog is seeded first when empty)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *products < 1 || *products > 10_000_000 {
		return &fault.Invalid{Fields: map[string]string{"--products": "must be between 1 and 10,000,000"}}
	}
	if *orders < 0 || *orders > 20_000_000 {
		return &fault.Invalid{Fields: map[string]string{"--orders": "must be between 0 and 20,000,000"}}
	}
	productsSet := false
	fs.Visit(func(f *flag.Flag) { productsSet = productsSet || f.Name == "products" })
	have, err := a.Catalog.CountProducts(ctx)
	if err != nil {
		return err
	}
	var st seed.Stats
	if *orders == 0 || productsSet || have == 0 {
		st, err = seed.Run(ctx, a.Catalog, a.Media, seed.Options{Products: *products, Images: !*noImages, Rand: *randSeed}, stderr)
		if err != nil {
			return err
		}
	}
	if *orders > 0 {
		hist, err := seed.Orders(ctx, a.DB, a.acc.stats, seed.OrderOptions{Orders: *orders, Rand: *randSeed, Now: a.now()}, stderr)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "seeded %d orders (%d lines, %d refunds) and %d members over %s..%s\n",
			hist.Orders, hist.Lines, hist.Refunds, hist.Members, hist.From, hist.To)
	}
	fmt.Fprintln(stderr, "통계 갱신 중 / updating planner statistics")
	if err := a.DB.Analyze(ctx); err != nil {
		return err
	}
	if _, err := os.Stat(demoStaffFile(a.cfg)); errors.Is(err, os.ErrNotExist) {
		if err := a.createDemoStaff(ctx); err != nil {
			return err
		}
	}
	if st.Products > 0 {
		fmt.Fprintf(stdout, "seeded %d categories, %d products, %d variants, %d images\n", st.Categories, st.Products, st.Variants, st.Images)
	}
	return nil
}

func createAdminCmd(ctx context.Context, a *App, args []string, env config.Lookup, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("createadmin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the superuser's email address (required)")
	name := fs.String("name", "", "the superuser's name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pw, ok := env("MALLANG_ADMIN_PASSWORD")
	if !ok {
		if stdin == nil {
			return errors.New("no password: set MALLANG_ADMIN_PASSWORD or type it on stdin")
		}
		fmt.Fprint(stderr, "비밀번호 / password: ")
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("no password given on stdin or in MALLANG_ADMIN_PASSWORD")
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	u, err := a.Accounts.CreateSuperuser(ctx, *email, *name, pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "superuser %s is ready (id %d)\n", u.Email, u.ID)
	return nil
}

func dumpCmd(ctx context.Context, a *App, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dump", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	w := bufio.NewWriterSize(stdout, 1<<16)
	if err := dump.Dump(ctx, a.DB, w, stderr); err != nil {
		return err
	}
	return w.Flush()
}

func loadCmd(ctx context.Context, a *App, args []string, stdin io.Reader, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := dump.Load(ctx, a.DB, bufio.NewReaderSize(stdin, 1<<16), stderr); err != nil {
		return err
	}
	return a.DB.Analyze(ctx)
}

// rotateKeysCmd re-encrypts every encrypted column under the current key,
// printing progress per batch.
func rotateKeysCmd(ctx context.Context, a *App, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rotate-keys", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "현재 키 %s로 다시 암호화합니다 / re-encrypting under key %s\n", a.acc.keyring.Current(), a.acc.keyring.Current())
	st, err := crypt.Rotate(ctx, a.DB, a.acc.keyring, EncryptedColumns(), stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rotated %d values (%d changed meanwhile and were left as written)\n", st.Rotated, st.Skipped)
	return nil
}
