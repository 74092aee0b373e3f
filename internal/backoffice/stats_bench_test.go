package backoffice

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/seed"
	"github.com/mallang/mallang/internal/stats"
)

// benchNow is the end of the benchmark's two years of orders.
var benchNow = time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)

// benchShop opens the benchmark's shop of MALLANG_BENCH_ORDERS orders
// (2,000 unless set), seeding it the first time: on SQLite a file in
// MALLANG_BENCH_DIR (kept between runs; a temporary directory when unset),
// on PostgreSQL (MALLANG_TEST_POSTGRES_URL) the schema bench_stats_N, kept
// between runs when MALLANG_BENCH_DIR is set.
func benchShop(b *testing.B) *db.DB {
	b.Helper()
	ctx := context.Background()
	n := 2000
	if v := os.Getenv("MALLANG_BENCH_ORDERS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("MALLANG_BENCH_ORDERS=%q: a positive number of orders, please", v)
		}
	}
	keep := os.Getenv("MALLANG_BENCH_DIR")
	var dsn string
	if pg := os.Getenv(dbtest.EnvPostgres); pg != "" {
		schema := fmt.Sprintf("bench_stats_%d", n)
		admin, err := db.Open(ctx, pg, db.Options{MaxReaders: 1})
		if err != nil {
			b.Fatal(err)
		}
		defer admin.Close()
		for _, s := range []string{`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`, `CREATE SCHEMA IF NOT EXISTS ` + schema} {
			if _, err := admin.Write().ExecContext(ctx, s); err != nil {
				b.Fatal(err)
			}
		}
		if keep == "" {
			b.Cleanup(func() {
				a, err := db.Open(context.Background(), pg, db.Options{MaxReaders: 1})
				if err == nil {
					_, _ = a.Write().ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
					a.Close()
				}
			})
		}
		u, err := url.Parse(pg)
		if err != nil {
			b.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema+",public")
		u.RawQuery = q.Encode()
		dsn = u.String()
	} else {
		if keep == "" {
			keep = b.TempDir()
		}
		if err := os.MkdirAll(keep, 0o700); err != nil {
			b.Fatal(err)
		}
		dsn = "sqlite:" + filepath.Join(keep, fmt.Sprintf("stats-%d.db", n))
	}
	d, err := db.Open(ctx, dsn, db.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	var have int
	if err := d.Read().GetContext(ctx, &have, `SELECT COUNT(*) FROM orders`); err != nil {
		b.Fatal(err)
	}
	clock := func() time.Time { return benchNow }
	log := slog.New(slog.DiscardHandler)
	if have >= n {
		var counted int
		if err := d.Read().GetContext(ctx, &counted, `SELECT COUNT(*) FROM stats_orders`); err != nil {
			b.Fatal(err)
		}
		if counted == 0 { // seeded, but the run stopped before its statistics
			start := time.Now()
			if err := stats.NewService(d, clock, log).Rebuild(ctx, "2024-12-08", "2026-12-07"); err != nil {
				b.Fatal(err)
			}
			if err := d.Analyze(ctx); err != nil {
				b.Fatal(err)
			}
			b.Logf("rebuilt the statistics of %d orders in %s", have, time.Since(start).Round(time.Second))
		}
		return d
	}
	if have > 0 {
		b.Fatalf("%s holds %d orders, not %d: remove it", db.Redact(dsn), have, n)
	}
	cat := catalog.NewService(d, clock, log, &catalogtest.Thumbs{})
	store, err := media.Open(ctx, "mem://")
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if _, err := seed.Run(ctx, cat, store, seed.Options{Products: seed.DefaultProducts}, nil); err != nil {
		b.Fatal(err)
	}
	var progress io.Writer = io.Discard
	if testing.Verbose() {
		progress = os.Stderr
	}
	start := time.Now()
	if _, err := seed.Orders(ctx, d, stats.NewService(d, clock, log), seed.OrderOptions{Orders: n, Rand: 1, Now: benchNow}, progress); err != nil {
		b.Fatal(err)
	}
	if err := d.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d orders in %s", n, time.Since(start).Round(time.Second))
	return d
}

// BenchmarkStatsPages measures what every statistics page and the
// dashboard's sales block read and format, over the default 30 days and
// over the whole two years, on the engine the tests use. See
// docs/performance.md for the figures at 1,000,000 orders.
func BenchmarkStatsPages(b *testing.B) {
	d := benchShop(b)
	h := &Handler{cfg: Config{Path: "/staff"}, msgs: newMessages(),
		deps: Deps{Stats: stats.NewService(d, func() time.Time { return benchNow }, slog.New(slog.DiscardHandler)),
			Now: func() time.Time { return benchNow }}}
	m := h.msgs[0]
	ranges := []struct {
		name string
		r    stats.Range
	}{{"30d", stats.Range{From: "2026-11-08", To: "2026-12-07"}}, {"2y", stats.Range{From: "2024-12-08", To: "2026-12-07"}}}
	for _, report := range statsReports {
		for _, rg := range ranges {
			period := stats.Daily
			if rg.name == "2y" && (report == "sales" || report == "members") {
				period = stats.Weekly
			}
			b.Run(report+"/"+rg.name, func(b *testing.B) {
				for b.Loop() {
					t, err := h.statsTable(b.Context(), m, report, rg.r, period)
					if err != nil {
						b.Fatal(err)
					}
					if err := statsPageView(&page{M: m, Title: "통계"}, statsView{Table: t}).Render(b.Context(), io.Discard); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	b.Run("dashboard", func(b *testing.B) {
		for b.Loop() {
			c, err := h.salesOverview(b.Context(), m)
			if err != nil {
				b.Fatal(err)
			}
			if err := c.Render(b.Context(), io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
}
