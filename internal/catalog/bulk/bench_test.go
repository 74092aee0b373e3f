package bulk_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/bulk"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// BenchmarkImport10k imports sheets of 10,000 rows into a catalog of 6,668
// products with 10,002 variants (catalogtest.Seed):
//   - update: the whole export with every stock changed, applied;
//   - prices: the same with every price changed, so every product is
//     recomputed too;
//   - dry_run: the same sheet, checked and reported only;
//   - create: 10,000 new SKUs in 1,000 new products of ten options each;
//   - export: the CSV export of the whole catalog.
func BenchmarkImport10k(b *testing.B) {
	d := dbtest.New(b)
	log := slog.New(slog.DiscardHandler)
	cat := catalog.NewService(d, time.Now, log, &catalogtest.Thumbs{})
	start := time.Now()
	catalogtest.Seed(b, cat, 6668)
	b.Logf("seeded in %v", time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	var actor audit.Actor
	q := d.Write()
	if err := q.GetContext(ctx, &actor.UserID, q.Rebind(`INSERT INTO users (email, role) VALUES (?, 'staff') RETURNING id`),
		"bench@example.com"); err != nil {
		b.Fatal(err)
	}
	s := bulk.NewService(d, cat, audit.New(d, time.Now), time.Now, log)
	var buf bytes.Buffer
	if err := s.Export(ctx, &buf, bulk.CSV, actor); err != nil {
		b.Fatal(err)
	}
	export, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	export = export[:10001]
	col := map[string]int{}
	for i, c := range bulk.Columns {
		col[c.Key] = i
	}
	// with is the export with column key set to v in every row (and no
	// sale prices, which a new price could be under).
	with := func(key string, v int) []byte {
		var out bytes.Buffer
		w := csv.NewWriter(&out)
		for i, r := range export {
			if i > 0 {
				r = append([]string(nil), r...)
				r[col[key]] = strconv.Itoa(v)
				r[col[bulk.ColSalePrice]] = ""
			}
			_ = w.Write(r)
		}
		w.Flush()
		return out.Bytes()
	}
	withStock := func(n int) []byte { return with(bulk.ColStock, n) }

	check := func(b *testing.B, rep bulk.Report, err error, created, updated int) {
		b.Helper()
		if err != nil || rep.Rows != 10000 || rep.Rejected != 0 || rep.Created != created || rep.Updated != updated {
			b.Fatalf("import: rows %d, rejected %d, created %d, updated %d, problems %v, err %v",
				rep.Rows, rep.Rejected, rep.Created, rep.Updated, rep.Problems[:min(3, len(rep.Problems))], err)
		}
	}
	// run numbers the iterations of every round a sub-benchmark makes, so
	// each applies a sheet that changes something.
	run := 0
	b.Run("update", func(b *testing.B) {
		files := [][]byte{withStock(11), withStock(12)}
		for i := 0; i < b.N; i++ {
			run++
			rep, err := s.Import(ctx, actor, files[run%2], bulk.Options{}, nil)
			check(b, rep, err, 0, 10000)
		}
	})
	// prices changes every variant's price, so every product is
	// recomputed too (stock alone, above, recomputes only products whose
	// stock reaches or leaves zero: none after the first round).
	b.Run("prices", func(b *testing.B) {
		files := [][]byte{with(bulk.ColPrice, 7000), with(bulk.ColPrice, 8000)}
		for i := 0; i < b.N; i++ {
			run++
			rep, err := s.Import(ctx, actor, files[run%2], bulk.Options{}, nil)
			check(b, rep, err, 0, 10000)
		}
	})
	b.Run("dry_run", func(b *testing.B) {
		file := withStock(13)
		for i := 0; i < b.N; i++ {
			rep, err := s.Import(ctx, actor, file, bulk.Options{DryRun: true}, nil)
			check(b, rep, err, 0, 10000)
		}
	})
	b.Run("create", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			run++
			var out bytes.Buffer
			w := csv.NewWriter(&out)
			_ = w.Write([]string{"상품명", "카테고리", "SKU", "옵션명1", "옵션값1", "판매가", "재고"})
			for j := range 10000 {
				_ = w.Write([]string{fmt.Sprintf("벤치 상품 %d-%d", run, j/10), "snack", fmt.Sprintf("BN-%d-%d", run, j),
					"맛", "맛" + strconv.Itoa(j%10), "3000", "5"})
			}
			w.Flush()
			b.StartTimer()
			rep, err := s.Import(ctx, actor, out.Bytes(), bulk.Options{}, nil)
			check(b, rep, err, 10000, 0)
		}
	})
	b.Run("export", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var out bytes.Buffer
			if err := s.Export(ctx, &out, bulk.CSV, actor); err != nil {
				b.Fatal(err)
			}
		}
	})
}
