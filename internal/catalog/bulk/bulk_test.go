package bulk_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/bulk"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
)

// shop is a catalog with three products:
//   - P1 "말랑 초콜릿" (chocolate), SKU A-1 at 10,000 won, 5 in stock;
//   - P2 "말랑 쿠키" (snack) with option 맛: B-1 버터, B-2 딸기, B-3 초코 at
//     3,000 won (B-2 on sale at 2,500), 10 each;
//   - P3 "말랑 원두" (coffee), SKU C-1 at 15,000 won, 0 in stock.
type shop struct {
	d          *db.DB
	cat        *catalog.Service
	bulk       *bulk.Service
	p1, p2, p3 int64
	boss       audit.Actor // a staff member
	clock      *fake.Clock
}

// node is another bulk service on s's database and clock: a second app
// node, or the shop after a restart.
func (s *shop) node() *bulk.Service {
	return bulk.NewService(s.d, s.cat, audit.New(s.d, s.clock.Now), s.clock.Now, slog.New(slog.DiscardHandler))
}

func newShop(t testing.TB) *shop {
	t.Helper()
	d := dbtest.New(t)
	clock := fake.NewClock(time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC))
	log := slog.New(slog.DiscardHandler)
	cat := catalog.NewService(d, clock.Now, log, &catalogtest.Thumbs{})
	f := catalogtest.Categories(t, cat)
	s := &shop{d: d, cat: cat, bulk: bulk.NewService(d, cat, audit.New(d, clock.Now), clock.Now, log), clock: clock}
	ctx := context.Background()
	q := d.Write()
	if err := q.GetContext(ctx, &s.boss.UserID, q.Rebind(`INSERT INTO users (email, role) VALUES (?, 'staff') RETURNING id`),
		"boss@example.com"); err != nil {
		t.Fatal(err)
	}
	s.boss.Email = "boss@example.com"
	sale := int64(2500)
	ids, err := cat.CreateProducts(ctx, []catalog.NewProduct{
		{CategoryID: f.Category(t, "chocolate").ID, Name: "말랑 초콜릿",
			Variants: []catalog.NewVariant{{SKU: "A-1", Price: 10000, Stock: 5, Active: true}}},
		{CategoryID: f.Category(t, "snack").ID, Name: "말랑 쿠키", OptionNames: []string{"맛"},
			Variants: []catalog.NewVariant{
				{SKU: "B-1", Options: [3]string{"버터"}, Price: 3000, Stock: 10, Active: true},
				{SKU: "B-2", Options: [3]string{"딸기"}, Price: 3000, SalePrice: &sale, Stock: 10, Active: true},
				{SKU: "B-3", Options: [3]string{"초코"}, Price: 3000, Stock: 10, Active: true},
			}},
		{CategoryID: f.Category(t, "coffee").ID, Name: "말랑 원두",
			Variants: []catalog.NewVariant{{SKU: "C-1", Price: 15000, Stock: 0, Active: true}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.p1, s.p2, s.p3 = ids[0], ids[1], ids[2]
	return s
}

// snapshot is every product and variant column an import may write.
func (s *shop) snapshot(t testing.TB) string {
	t.Helper()
	var b strings.Builder
	rows, err := s.d.Read().QueryxContext(context.Background(), `SELECT p.id, p.name, p.category_id, p.product_type,
			p.status, p.price_minor AS p_price, p.list_price_minor, p.in_stock, p.search_text, p.updated_at AS p_updated,
			v.sku, v.option1, v.price_minor, v.sale_price_minor, v.stock, v.active, v.position, v.updated_at
		FROM products p JOIN variants v ON v.product_id = p.id ORDER BY p.id, v.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		vals, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, vals...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.d.Read().GetContext(context.Background(), &n, `SELECT COUNT(*) FROM product_options`); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(&b, "options", n)
	return b.String()
}

func (s *shop) export(t testing.TB, f bulk.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.bulk.Export(context.Background(), &buf, f, s.boss); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (s *shop) variant(t testing.TB, sku string) (productID, price, stock int64, sale *int64, active bool) {
	t.Helper()
	var r struct {
		ProductID int64  `db:"product_id"`
		Price     int64  `db:"price_minor"`
		Sale      *int64 `db:"sale_price_minor"`
		Stock     int64  `db:"stock"`
		Active    bool   `db:"active"`
	}
	q := s.d.Read()
	if err := q.GetContext(context.Background(), &r, q.Rebind(`SELECT product_id, price_minor, sale_price_minor, stock, active
		FROM variants WHERE sku = ?`), sku); err != nil {
		t.Fatalf("variant %s: %v", sku, err)
	}
	return r.ProductID, r.Price, r.Stock, r.Sale, r.Active
}

// csvFile joins lines into a CSV file (cells separated by commas).
func csvFile(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n") + "\r\n") }

const header = "상품번호,상품명,카테고리,상품유형,판매상태,SKU,옵션명1,옵션값1,판매가,할인가,재고,사용여부"

// problem is what a test checks of a bulk.Problem.
type problem struct {
	Row    int
	Field  string
	Reason bulk.Reason
	Ref    int64
}

func problems(r bulk.Report) []problem {
	out := make([]problem, len(r.Problems))
	for i, p := range r.Problems {
		out[i] = problem{p.Row, p.Field, p.Reason, p.Ref}
	}
	return out
}

// badFile has two good rows (2 and 9) and a good new product (17) among
// rows with every kind of problem.
func (s *shop) badFile() ([]byte, []problem) {
	p1, p2, p3 := s.p1, s.p2, s.p3
	file := csvFile(header,
		fmt.Sprintf("%d,말랑 초콜릿,chocolate,physical,active,A-1,,,12000,,7,Y", p1),   // 2: good
		",새 상품,no-such,physical,active,N-1,,,5000,,3,Y",                           // 3
		",새 상품2,chocolate,physical,active,N-2,,,5000,,-1,Y",                       // 4
		",새 상품3,chocolate,physical,active,N-3,,,만원,,3,Y",                          // 5
		fmt.Sprintf("%d,말랑 초콜릿,chocolate,physical,active,A-1,,,12000,,7,Y", p1),   // 6
		",새 상품4,chocolate,physical,active,N-4,,,5000,5000,3,Y",                    // 7
		",새 상품5,chocolate,physical,active,N-5,,,5000,,3,maybe",                    // 8
		fmt.Sprintf("%d,말랑 쿠키,snack,physical,active,B-1,맛,버터,3000,,10,Y", p2),     // 9: good
		fmt.Sprintf("%d,다른 이름,snack,physical,active,B-2,맛,딸기,3000,2500,10,Y", p2), // 10
		fmt.Sprintf("%d,말랑 초콜릿,chocolate,physical,active,C-1,,,15000,,0,Y", p1),   // 11
		fmt.Sprintf("%d,말랑 쿠키,snack,physical,active,B-3,맛,민트,3000,,10,Y", p2),     // 12
		"99999,없는 상품,snack,physical,active,N-6,,,1000,,1,Y",                       // 13
		",새 상품6,chocolate,physical,active,,,,1000,,1,Y",                           // 14
		",새 상품7,chocolate,food,active,N-7,,,1000,,1,Y",                            // 15
		",새 상품8,chocolate,physical,active,N-8,,,abc,,-3,Y",                        // 16
		",새 과자,snack,physical,active,N-9,맛,버터,3000,2500,10,Y",                     // 17: good
	)
	want := []problem{
		{3, bulk.ColCategory, bulk.ReasonUnknownCat, 0},
		{4, bulk.ColStock, bulk.ReasonNegative, 0},
		{5, bulk.ColPrice, bulk.ReasonNotNumber, 0},
		{6, bulk.ColSKU, bulk.ReasonDuplicateSKU, 2},
		{7, bulk.ColSalePrice, bulk.ReasonSaleNotBelow, 0},
		{8, bulk.ColActive, bulk.ReasonBadFlag, 0},
		{10, bulk.ColName, bulk.ReasonMismatch, 9},
		{11, bulk.ColProductID, bulk.ReasonOtherProduct, p3},
		{12, "option1_value", bulk.ReasonOptionsChanged, 0},
		{13, bulk.ColProductID, bulk.ReasonUnknownProduct, 0},
		{14, bulk.ColSKU, bulk.ReasonRequired, 0},
		{15, bulk.ColType, bulk.ReasonBadType, 0},
		{16, bulk.ColPrice, bulk.ReasonNotNumber, 0},
		{16, bulk.ColStock, bulk.ReasonNegative, 0},
	}
	return file, want
}

func TestBadRowsAreReportedAndChangeNothing(t *testing.T) {
	t.Parallel()
	for _, dry := range []bool{true, false} {
		t.Run(fmt.Sprintf("dry_run=%v", dry), func(t *testing.T) {
			t.Parallel()
			s := newShop(t)
			before := s.snapshot(t)
			file, want := s.badFile()
			rep, err := s.bulk.Import(t.Context(), s.boss, file, bulk.Options{DryRun: dry}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := problems(rep); !slices.Equal(got, want) {
				t.Errorf("problems:\n got %v\nwant %v", got, want)
			}
			if rep.Applied || rep.Rows != 16 || rep.Rejected != 13 || rep.Created != 1 || rep.Updated != 1 || rep.Unchanged != 1 {
				t.Errorf("report = applied %v, rows %d, rejected %d, created %d, updated %d, unchanged %d; want false, 16, 13, 1, 1, 1",
					rep.Applied, rep.Rows, rep.Rejected, rep.Created, rep.Updated, rep.Unchanged)
			}
			if after := s.snapshot(t); after != before {
				t.Errorf("the catalog changed:\n%s\nwas\n%s", after, before)
			}
			if es := audittest.Entries(t, s.d, "catalog.imported"); len(es) != 0 {
				t.Errorf("%d import entries, want none", len(es))
			}
		})
	}
}

func TestProblemMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p      bulk.Problem
		ko, en string
	}{
		{bulk.Problem{Reason: bulk.ReasonNegative}, "0 이상이어야 합니다", "must not be negative"},
		{bulk.Problem{Reason: bulk.ReasonDuplicateSKU, Ref: 2}, "파일의 2행과 SKU가 같습니다", "repeats the SKU of row 2"},
		{bulk.Problem{Reason: bulk.ReasonUnknownCat}, "없는 카테고리입니다", "unknown category"},
		{bulk.Problem{Reason: bulk.ReasonNotNumber}, "숫자(정수)가 아닙니다", "is not a whole number"},
		{bulk.Problem{Reason: bulk.ReasonTooLong, Max: 64}, "64자 이하로 입력해 주세요", "must be at most 64 characters"},
	}
	for _, tt := range tests {
		t.Run(string(tt.p.Reason), func(t *testing.T) {
			if got := tt.p.Message("ko"); got != tt.ko {
				t.Errorf("ko = %q, want %q", got, tt.ko)
			}
			if got := tt.p.Message("en"); got != tt.en {
				t.Errorf("en = %q, want %q", got, tt.en)
			}
		})
	}
}

func TestPartialAppliesTheGoodRowsOnly(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	file, want := s.badFile()
	rep, err := s.bulk.Import(t.Context(), s.boss, file, bulk.Options{Partial: true, FileName: "상품.csv"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Applied || !slices.Equal(problems(rep), want) {
		t.Fatalf("applied %v, problems %v", rep.Applied, problems(rep))
	}
	if _, price, stock, _, _ := s.variant(t, "A-1"); price != 12000 || stock != 7 {
		t.Errorf("A-1 = %d won, %d in stock; want 12000, 7", price, stock)
	}
	if _, _, _, sale, _ := s.variant(t, "B-2"); sale == nil || *sale != 2500 {
		t.Errorf("B-2 sale price = %v, want 2500 (row 10 was rejected)", sale)
	}
	pid, price, stock, sale, active := s.variant(t, "N-9")
	if price != 3000 || stock != 10 || sale == nil || *sale != 2500 || !active {
		t.Errorf("N-9 = %d, %d, %v, %v", price, stock, sale, active)
	}
	p, err := s.cat.Product(t.Context(), pid)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "새 과자" || p.Price.Minor != 2500 || p.ListPrice.Minor != 3000 || !p.InStock ||
		len(p.Options) != 1 || p.Options[0].Name != "맛" || p.CategoryPath[len(p.CategoryPath)-1].Slug != "snack" {
		t.Errorf("new product = %+v", p)
	}
	for _, sku := range []string{"N-1", "N-2", "N-3", "N-4", "N-5", "N-6", "N-7", "N-8"} {
		var n int
		q := s.d.Read()
		if err := q.GetContext(t.Context(), &n, q.Rebind(`SELECT COUNT(*) FROM variants WHERE sku = ?`), sku); err != nil || n != 0 {
			t.Errorf("rejected %s landed (%d, %v)", sku, n, err)
		}
	}
	es := audittest.Entries(t, s.d, "catalog.imported")
	if len(es) != 1 || es[0].ActorID != s.boss.UserID || fmt.Sprint(es[0].Detail["created"]) != "1" ||
		fmt.Sprint(es[0].Detail["updated"]) != "1" || fmt.Sprint(es[0].Detail["rejected"]) != "13" || es[0].Detail["file"] != "상품.csv" {
		t.Errorf("audit entries = %+v", es)
	}
}

func TestReimportOfAnExportChangesNothing(t *testing.T) {
	t.Parallel()
	for _, f := range []bulk.Format{bulk.CSV, bulk.XLSX} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			s := newShop(t)
			file := s.export(t, f)
			before := s.snapshot(t)
			rep, err := s.bulk.Import(t.Context(), s.boss, file, bulk.Options{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Format != f || !rep.Applied || rep.Rows != 5 || rep.Unchanged != 5 || rep.Created+rep.Updated+rep.Rejected != 0 ||
				len(rep.Changes) != 0 || len(rep.Ignored) != 0 {
				t.Errorf("report = %+v", rep)
			}
			if after := s.snapshot(t); after != before {
				t.Errorf("the catalog changed:\n%s\nwas\n%s", after, before)
			}
			if again := s.export(t, f); f == bulk.CSV && !bytes.Equal(again, file) {
				t.Errorf("export after import differs:\n%s\nwas\n%s", again, file)
			}
		})
	}
}

func TestCSVExport(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	got := string(s.export(t, bulk.CSV))
	want := "\uFEFF상품번호,상품명,카테고리,상품유형,판매상태,SKU,옵션명1,옵션값1,옵션명2,옵션값2,옵션명3,옵션값3,판매가,할인가,재고,사용여부\r\n" +
		fmt.Sprintf("%d,말랑 초콜릿,chocolate,배송상품,판매중,A-1,,,,,,,10000,,5,Y\r\n", s.p1) +
		fmt.Sprintf("%d,말랑 쿠키,snack,배송상품,판매중,B-1,맛,버터,,,,,3000,,10,Y\r\n", s.p2) +
		fmt.Sprintf("%d,말랑 쿠키,snack,배송상품,판매중,B-2,맛,딸기,,,,,3000,2500,10,Y\r\n", s.p2) +
		fmt.Sprintf("%d,말랑 쿠키,snack,배송상품,판매중,B-3,맛,초코,,,,,3000,,10,Y\r\n", s.p2) +
		fmt.Sprintf("%d,말랑 원두,coffee,배송상품,판매중,C-1,,,,,,,15000,,0,Y\r\n", s.p3)
	if got != want {
		t.Errorf("export:\n%s\nwant\n%s", got, want)
	}
	if es := audittest.Entries(t, s.d, "catalog.exported"); len(es) != 1 || fmt.Sprint(es[0].Detail["rows"]) != "5" {
		t.Errorf("export entries = %+v", es)
	}
}
