package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mallang/mallang/bench/load"
	"github.com/mallang/mallang/internal/db"
)

// engineReport is everything measured on one engine.
type engineReport struct {
	engine   string
	seedTime time.Duration
	peakRSS  int64 // bytes: VmHWM
	peakOwn  int64 // bytes: the peak resident set without the database file
	results  []scenarioResult
	checkout []checkoutResult
	err      error // set when the engine could not be measured to the end
}

// scenarioResult is one scenario measured on one engine.
type scenarioResult struct {
	scenario
	res load.Result
	cpu cpuUsage // where the CPU time went while measuring
	// bare is the bare net/http server serving the same bytes, measured
	// right after the shop; measured is false when it was not.
	bare         load.Result
	bareMeasured bool
	wrk          *wrkResult
	wrkErr       error
	loadErr      error
}

// benchEngine seeds, serves and measures one engine.
func benchEngine(ctx context.Context, cfg config, engine, bin, work string, p *progress) (engineReport, error) {
	rep := engineReport{engine: engine}
	dataDir := filepath.Join(work, engine)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return rep, err
	}
	dbURL := "sqlite:" + filepath.Join(dataDir, "mallang.db")
	pgDB := "" // the PostgreSQL database's name, whose backends' CPU time is counted
	if engine == "postgres" {
		u, drop, err := createDatabase(ctx, cfg.postgres)
		if err != nil {
			return rep, err
		}
		p.printf("postgres: created database %s", db.Redact(u))
		if cfg.keep {
			p.printf("postgres: keeping it after the run")
		} else {
			defer func() {
				if err := drop(); err != nil {
					p.printf("postgres: %v", err)
				} else {
					p.printf("postgres: dropped the benchmark database")
				}
			}()
		}
		dbURL = u
		pu, _ := url.Parse(u)
		pgDB = strings.TrimPrefix(pu.Path, "/")
	}
	addr, err := freeAddr()
	if err != nil {
		return rep, err
	}
	env := mallangEnv(dataDir, dbURL, addr)

	p.printf("%s: seeding %d products (mallang seed --products %d --no-images)", engine, cfg.products, cfg.products)
	t0 := time.Now()
	if err := seed(ctx, bin, env, cfg.products, p.w); err != nil {
		return rep, err
	}
	rep.seedTime = time.Since(t0)
	p.printf("%s: seeded %d products in %s", engine, cfg.products, rep.seedTime.Round(100*time.Millisecond))
	if engine == "postgres" {
		// A shop's database has long been vacuumed and analysed by
		// autovacuum; a freshly seeded one has not, and autovacuum would do
		// it in the middle of the measurements.
		t0 = time.Now()
		if err := vacuumAnalyze(ctx, dbURL); err != nil {
			return rep, err
		}
		p.printf("postgres: VACUUM ANALYZE in %s", time.Since(t0).Round(100*time.Millisecond))
	}

	p.printf("%s: starting mallang serve on %s", engine, addr)
	var srv *server
	if cfg.cpuprofile != "" {
		p.printf("%s: -cpuprofile: serving the shop from this process", engine)
		srv, err = startInProcess(ctx, env, p.w)
	} else {
		srv, err = startServer(ctx, bin, env, p.w)
	}
	if err != nil {
		return rep, err
	}
	defer func() {
		if err := srv.stop(); err != nil {
			p.printf("%s: %v", engine, err)
		}
	}()
	p.printf("%s: ready at %s (resident set %s)", engine, srv.URL, mib(srv.RSS()))

	client := load.NewClient(cfg.concurrency)
	scenarios, err := discover(ctx, dbURL, srv.URL, client, cfg)
	if err != nil {
		return rep, err
	}
	var bare *server
	if !cfg.noBare {
		var paths []string
		for _, sc := range scenarios {
			if sc.selected(cfg.only) {
				paths = append(paths, sc.paths...)
			}
		}
		if len(paths) > 0 {
			file, err := capturePages(ctx, client, srv.URL, paths, dataDir, p)
			if err != nil {
				return rep, fmt.Errorf("capture pages for the bare server: %w", err)
			}
			if bare, err = startBare(ctx, file, p.w); err != nil {
				return rep, err
			}
			defer func() {
				if err := bare.stop(); err != nil {
					p.printf("bare server: %v", err)
				}
			}()
			p.printf("%s: bare net/http server with the same pages at %s (resident set %s)", engine, bare.URL, mib(bare.RSS()))
		}
	}
	for _, sc := range scenarios {
		if !sc.selected(cfg.only) {
			continue
		}
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		urls := sc.urls(srv.URL)
		r := scenarioResult{scenario: sc}
		if err := check(ctx, client, urls[0]); err != nil {
			p.printf("%s %s: %v", engine, sc.name, err)
		}
		if cfg.waitIdle > 0 {
			waitIdle(ctx, cfg.waitIdle, srv.pid, pgDB, p, engine+" "+sc.name)
		}
		if cfg.warmup > 0 {
			p.printf("%s %s: warming up for %s", engine, sc.name, cfg.warmup)
			if _, err := load.Run(ctx, urls, load.Options{Concurrency: cfg.concurrency, Duration: cfg.warmup, Client: client}); err != nil {
				return rep, err
			}
		}
		p.printf("%s %s: measuring %s at %d clients (%s)", engine, sc.name, cfg.duration, cfg.concurrency, sc.describe())
		stopProfile, err := startProfile(cfg.cpuprofile, engine+"-"+sc.name)
		if err != nil {
			return rep, err
		}
		cpu0 := takeCPU(srv.pid, pgDB)
		r.res, r.loadErr = load.Run(ctx, urls, load.Options{Concurrency: cfg.concurrency, Duration: cfg.duration, Client: client})
		r.cpu = takeCPU(srv.pid, pgDB).since(cpu0)
		if err := stopProfile(); err != nil {
			return rep, err
		}
		if r.loadErr != nil {
			return rep, r.loadErr
		}
		p.printf("%s %s: %s", engine, sc.name, summary(r))
		if r.res.FirstError != nil {
			p.printf("%s %s: first error: %v", engine, sc.name, r.res.FirstError)
		}
		if bare != nil {
			if r.bare, err = measureBare(ctx, cfg, bare.URL, sc, p); err != nil {
				return rep, err
			}
			r.bareMeasured = true
			p.printf("%s %s: bare server %.0f req/s, p99 %s; the shop makes %s of its rate", engine, sc.name,
				r.bare.Rate(), ms(r.bare.Percentile(99)), share(r))
		}
		if cfg.wrk {
			p.printf("%s %s: measuring with wrk", engine, sc.name)
			r.wrk, r.wrkErr = runWrk(ctx, srv.URL, sc.paths, cfg, p.w)
			if r.wrkErr != nil {
				p.printf("%s %s: wrk: %v", engine, sc.name, r.wrkErr)
			}
		}
		rep.results = append(rep.results, r)
		rep.peakRSS, rep.peakOwn = srv.PeakRSS()
		p.printf("%s %s: server resident set %s, peak so far %s (%s without the database file)", engine, sc.name, mib(srv.RSS()), mib(rep.peakRSS), mib(rep.peakOwn))
	}
	rep.checkout, err = benchCheckout(ctx, cfg, engine, dbURL, served{url: srv.URL, pid: srv.pid, pgDB: pgDB}, p)
	if err != nil {
		return rep, err
	}
	rep.peakRSS, rep.peakOwn = srv.PeakRSS()
	p.printf("%s: peak resident set of the server %s (%s without the database file)", engine, mib(rep.peakRSS), mib(rep.peakOwn))
	return rep, nil
}

// measureBare measures the bare server on the scenario's paths as the shop
// was: the same clients, warm-up and duration.
func measureBare(ctx context.Context, cfg config, base string, sc scenario, p *progress) (load.Result, error) {
	client := load.NewClient(cfg.concurrency)
	defer client.CloseIdleConnections()
	urls := sc.urls(base)
	if cfg.warmup > 0 {
		if _, err := load.Run(ctx, urls, load.Options{Concurrency: cfg.concurrency, Duration: cfg.warmup, Client: client}); err != nil {
			return load.Result{}, err
		}
	}
	p.printf("bare %s: measuring %s at %d clients", sc.name, cfg.duration, cfg.concurrency)
	res, err := load.Run(ctx, urls, load.Options{Concurrency: cfg.concurrency, Duration: cfg.duration, Client: client})
	if err == nil && res.Failed() {
		err = fmt.Errorf("bare server, %s: %s (first error: %v)", sc.name, errorText(res), res.FirstError)
	}
	return res, err
}

// check fetches u once and says what is wrong when it is not a 200.
func check(ctx context.Context, client *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d: %.300s", u, resp.StatusCode, b)
	}
	return nil
}

func summary(sr scenarioResult) string {
	r, cpu := sr.res, sr.cpu
	s := fmt.Sprintf("%.0f req/s, p50 %s, p99 %s, max %s; CPU: server %s, postgres %s, load generator %s, other %s; %s server+db CPU per request",
		r.Rate(), ms(r.Percentile(50)), ms(r.Percentile(99)), ms(r.Max()),
		cpu.percent(cpu.server), cpu.percent(cpu.postgres), cpu.percent(cpu.bench), cpu.percent(cpu.other), perRequest(sr))
	if r.Failed() {
		s += fmt.Sprintf(", ERRORS: %s", errorText(r))
	}
	return s
}

// createDatabase creates a fresh database on the PostgreSQL server at
// adminURL and returns its URL and a function that drops it.
func createDatabase(ctx context.Context, adminURL string) (string, func() error, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("-postgres: %w", err)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "mallang_bench_" + hex.EncodeToString(b)
	admin, err := db.Open(ctx, adminURL, db.Options{MaxReaders: 1})
	if err != nil {
		return "", nil, fmt.Errorf("connect to PostgreSQL (-postgres or MALLANG_BENCH_POSTGRES_URL): %w", err)
	}
	defer admin.Close()
	if _, err := admin.Write().ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	drop := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		a, err := db.Open(ctx, adminURL, db.Options{MaxReaders: 1})
		if err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		defer a.Close()
		if _, err := a.Write().ExecContext(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		return nil
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// vacuumAnalyze runs VACUUM ANALYZE on the PostgreSQL database at dbURL.
func vacuumAnalyze(ctx context.Context, dbURL string) error {
	d, err := db.Open(ctx, dbURL, db.Options{MaxReaders: 1})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Write().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		return fmt.Errorf("vacuum the benchmark database: %w", err)
	}
	return nil
}
