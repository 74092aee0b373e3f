package dump

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// BenchmarkDumpLoad times a shop of 100,000 products through the round
// trip: dump SQLite, load into the test engine (PostgreSQL when
// MALLANG_TEST_POSTGRES_URL is set), dump that, load into a fresh SQLite.
// Run with -benchtime=1x; each phase is reported in seconds.
func BenchmarkDumpLoad(b *testing.B) {
	const products = 100000
	ctx := context.Background()
	src := newSQLite(b, "source")
	exec(b, src, `INSERT INTO categories (id, slug, name) VALUES (1, 'all', '전체')`)
	exec(b, src, `INSERT INTO products (seller_id, category_id, name, summary, description, search_text, featured, price_minor, list_price_minor, in_stock, created_at, updated_at)
		WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?),
		texts(i, name, description) AS (
			SELECT i, '다크초콜릿세트 ' || i, '카카오 70% 다크 초콜릿을 담은 선물 상자입니다. 상품 번호 ' || i || '. 서늘한 곳에 보관하세요.' FROM seq)
		SELECT 1, 1, name, '진한 카카오 ' || i, description, lower(name || ' ' || description),
			i % 7 = 0, 1000 + i % 50000, 2000 + i % 50000, i % 13 > 0,
			'2025-03-01 10:20:30.123456', '2025-03-02 11:00:00.5'
		FROM texts`, products)
	var dump1, load1, dump2, load2 time.Duration
	var size int
	for b.Loop() {
		b.StopTimer()
		mid := dbtest.New(b)
		last := newSQLite(b, "back")
		b.StartTimer()

		var file bytes.Buffer
		start := time.Now()
		must(b, Dump(ctx, src, &file, nil))
		dump1 += time.Since(start)
		size = file.Len()

		start = time.Now()
		must(b, Load(ctx, mid, &file, nil))
		load1 += time.Since(start)

		start = time.Now()
		must(b, Dump(ctx, mid, &file, nil))
		dump2 += time.Since(start)

		start = time.Now()
		must(b, Load(ctx, last, &file, nil))
		load2 += time.Since(start)
	}
	n := float64(b.N)
	engine := "sqlite"
	if d := dbtest.New(b); d.Dialect.Engine == db.Postgres {
		engine = "postgres"
	}
	b.ReportMetric(dump1.Seconds()/n, "1-dump-sqlite-s")
	b.ReportMetric(load1.Seconds()/n, "2-load-"+engine+"-s")
	b.ReportMetric(dump2.Seconds()/n, "3-dump-"+engine+"-s")
	b.ReportMetric(load2.Seconds()/n, "4-load-sqlite-s")
	b.ReportMetric(float64(size)/1e6, "file-MB")
}
