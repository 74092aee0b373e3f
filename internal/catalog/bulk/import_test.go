package bulk_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/bulk"
	"github.com/mallang/mallang/internal/fault"
)

// xlsxFile writes rows (cells separated by commas) to the first sheet of a
// new workbook, numbers as numbers.
func xlsxFile(t testing.TB, lines ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, line := range lines {
		for j, c := range strings.Split(line, ",") {
			cell, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				t.Fatal(err)
			}
			var v any = c
			if n, ok := wholeNumber(c); ok && i > 0 {
				v = n
			}
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func wholeNumber(s string) (int64, bool) {
	var n int64
	_, err := fmt.Sscanf(s, "%d", &n)
	return n, err == nil && fmt.Sprint(n) == s
}

func TestDryRunShowsBeforeAndAfter(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	lines := []string{
		header,
		fmt.Sprintf("%d,말랑 초콜릿 세트,chocolate,physical,active,A-1,,,10000,9000,5,Y", s.p1),
		fmt.Sprintf("%d,말랑 쿠키,snack,physical,active,B-2,맛,딸기,3000,,0,N", s.p2),
		fmt.Sprintf("%d,말랑 쿠키,snack,physical,active,B-4,맛,녹차,3500,,4,Y", s.p2),
		",말랑 차,coffee,digital,draft,T-1,,,2000,,1,Y",
	}
	want := bulk.Report{DryRun: true, Rows: 4, Created: 2, Updated: 2, ProductsCreated: 1, ProductsUpdated: 1,
		Changes: []bulk.Change{
			{Row: 2, SKU: "A-1", Kind: "updated", Fields: []bulk.FieldChange{
				{Field: "name", Before: "말랑 초콜릿", After: "말랑 초콜릿 세트"},
				{Field: "sale_price", Before: "", After: "9000"}}},
			{Row: 3, SKU: "B-2", Kind: "updated", Fields: []bulk.FieldChange{
				{Field: "sale_price", Before: "2500", After: ""},
				{Field: "stock", Before: "10", After: "0"},
				{Field: "active", Before: "Y", After: "N"}}},
			{Row: 4, SKU: "B-4", Kind: "created", Fields: []bulk.FieldChange{
				{Field: "option1_value", After: "녹차"}, {Field: "price", After: "3500"},
				{Field: "stock", After: "4"}, {Field: "active", After: "Y"}}},
			{Row: 5, SKU: "T-1", Kind: "created", Fields: []bulk.FieldChange{
				{Field: "name", After: "말랑 차"}, {Field: "price", After: "2000"},
				{Field: "stock", After: "1"}, {Field: "active", After: "Y"}}},
		}}
	for _, f := range []bulk.Format{bulk.CSV, bulk.XLSX} {
		t.Run(string(f), func(t *testing.T) {
			file := csvFile(lines...)
			if f == bulk.XLSX {
				file = xlsxFile(t, lines...)
			}
			before := s.snapshot(t)
			got, err := s.bulk.Import(t.Context(), s.boss, file, bulk.Options{DryRun: true}, nil)
			if err != nil {
				t.Fatal(err)
			}
			w := want
			w.Format = f
			if !reflect.DeepEqual(got, w) {
				t.Errorf("report:\n got %+v\nwant %+v", got, w)
			}
			if s.snapshot(t) != before {
				t.Error("a dry run changed the catalog")
			}
		})
	}

	rep, err := s.bulk.Import(t.Context(), s.boss, xlsxFile(t, lines...), bulk.Options{}, nil)
	if err != nil || !rep.Applied || rep.Created != 2 || rep.Updated != 2 {
		t.Fatalf("apply = %+v, %v", rep, err)
	}
	p, err := s.cat.Product(t.Context(), s.p1)
	if err != nil || p.Name != "말랑 초콜릿 세트" || p.Price.Minor != 9000 || p.ListPrice.Minor != 10000 {
		t.Errorf("P1 = %+v, %v", p.Product, err)
	}
	p2, err := s.cat.Product(t.Context(), s.p2)
	if err != nil || len(p2.Variants) != 4 || p2.Variants[3].SKU != "B-4" || p2.Variants[3].Position != 4 || p2.Variants[1].Active {
		t.Errorf("P2 variants = %+v, %v", p2.Variants, err)
	}
	// The new name is searchable at once.
	res, err := s.cat.List(t.Context(), catalogQuery("초콜릿 세트"))
	if err != nil || len(res.Products) != 1 || res.Products[0].ID != s.p1 {
		t.Errorf("search = %+v, %v", res.Products, err)
	}
}

func TestAFewColumnsChangeOnlyThose(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	// English headers, in another order, with a column no one knows.
	file := csvFile("stock,memo,SKU", "3,창고 A,C-1", "10,,B-1", "0,,A-1")
	rep, err := s.bulk.Import(t.Context(), s.boss, file, bulk.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Applied || rep.Updated != 2 || rep.Unchanged != 1 || !reflect.DeepEqual(rep.Ignored, []string{"memo"}) {
		t.Errorf("report = %+v", rep)
	}
	if _, price, stock, _, active := s.variant(t, "C-1"); price != 15000 || stock != 3 || !active {
		t.Errorf("C-1 = %d, %d, %v", price, stock, active)
	}
	// A product whose only variant gets stock is in stock; one whose only
	// variant sells out is not.
	for id, want := range map[int64]bool{s.p3: true, s.p1: false} {
		p, err := s.cat.Product(t.Context(), id)
		if err != nil || p.InStock != want {
			t.Errorf("product %d in stock = %v, %v; want %v", id, p.InStock, err, want)
		}
	}
}

func TestFilesThatCannotBeImported(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	tests := []struct {
		name string
		file []byte
		code string
	}{
		{"image", png, "type"},
		{"old excel", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), "xls"},
		{"zip that is no workbook", []byte("PK\x03\x04 not really"), "type"},
		{"empty", nil, "empty"},
		{"blank lines", []byte("\r\n,,\r\n"), "empty"},
		{"no sku column", csvFile("상품명,재고", "쿠키,3"), "no_sku"},
		{"a column twice", csvFile("SKU,재고,stock", "A-1,3,4"), "duplicate"},
		{"too big", append(csvFile("SKU"), bytes.Repeat([]byte("A\r\n"), bulk.MaxFileBytes/3+1)...), "size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.bulk.Import(t.Context(), s.boss, tt.file, bulk.Options{DryRun: true}, nil)
			var fe *bulk.FileError
			if !errors.As(err, &fe) || fe.Code != tt.code {
				t.Fatalf("err = %v, want file error %q", err, tt.code)
			}
			if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["file"] == "" {
				t.Errorf("err %v is not invalid on file", err)
			}
			if fe.Message("ko") == fe.Message("en") {
				t.Errorf("one message for both languages: %q", fe.Message("ko"))
			}
		})
	}
}

func TestKoreanWindowsCSV(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	// What Excel on Korean Windows saves as "CSV": CP949, no BOM.
	file, err := korean.EUCKR.NewEncoder().Bytes(csvFile("SKU,상품명,재고", "A-1,말랑 초콜릿,8"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.bulk.Import(t.Context(), s.boss, file, bulk.Options{}, nil)
	if err != nil || rep.Updated != 1 || rep.Rejected != 0 {
		t.Fatalf("import = %+v, %v", rep, err)
	}
	if _, _, stock, _, _ := s.variant(t, "A-1"); stock != 8 {
		t.Errorf("stock = %d, want 8", stock)
	}
}

func TestAFailedAuditWritesNothing(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	before := s.snapshot(t)
	audittest.Refuse(t, s.d)
	file := csvFile("SKU,상품명,카테고리,판매가,재고", "A-1,말랑 초콜릿,chocolate,11000,1", "Z-1,새 상품,snack,1000,1")
	if _, err := s.bulk.Import(t.Context(), s.boss, file, bulk.Options{}, nil); err == nil {
		t.Fatal("import succeeded without its audit entry")
	}
	if s.snapshot(t) != before {
		t.Error("the catalog changed without an audit entry")
	}
}

func TestRunReportsProgressAndItsReport(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	if _, err := s.bulk.Start(t.Context(), s.boss, []byte("\x00\x01"), bulk.Options{}); err == nil {
		t.Fatal("a binary file started a run")
	}
	id, err := s.bulk.Start(t.Context(), s.boss, csvFile("SKU,재고", "A-1,9"), bulk.Options{FileName: "a.csv"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.bulk.Wait(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Done || st.Err != nil || st.Report == nil || st.Report.Updated != 1 || st.FileName != "a.csv" ||
		st.Progress.Phase != bulk.PhaseDone || st.Progress.Done != 1 {
		t.Errorf("state = %+v", st)
	}
	if _, err := s.bulk.Status(t.Context(), "nope"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("unknown run: %v", err)
	}
	if _, err := s.bulk.ApplyDryRun(t.Context(), s.boss, id, false); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("applying a run that was applied: %v", err)
	}

	// A dry run's file can be applied afterwards, without another upload.
	dry, err := s.bulk.Start(t.Context(), s.boss, csvFile("SKU,재고", "A-1,4", "Z-9,1"), bulk.Options{DryRun: true, FileName: "b.csv"})
	if err != nil {
		t.Fatal(err)
	}
	st, err = s.bulk.Wait(t.Context(), dry)
	if err != nil || !st.CanApply || st.Report.Rejected != 1 {
		t.Fatalf("dry run = %+v, %v", st, err)
	}
	if _, _, stock, _, _ := s.variant(t, "A-1"); stock != 9 {
		t.Fatalf("a dry run set stock to %d", stock)
	}
	applied, err := s.bulk.ApplyDryRun(t.Context(), s.boss, dry, true)
	if err != nil {
		t.Fatal(err)
	}
	st, err = s.bulk.Wait(t.Context(), applied)
	if err != nil || st.Report == nil || !st.Report.Applied || st.Report.Updated != 1 || st.FileName != "b.csv" || st.CanApply {
		t.Errorf("applied = %+v, %v", st, err)
	}
	if _, _, stock, _, _ := s.variant(t, "A-1"); stock != 4 {
		t.Errorf("stock = %d, want 4", stock)
	}
}

func catalogQuery(text string) catalog.ListQuery { return catalog.ListQuery{Query: text} }

// While an import works (here, held before it reads the category tree),
// its run says how far it has come and that it is not done, on this node
// and on another; once let go it finishes.
func TestRunInProgress(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	release := make(chan struct{})
	held := &heldCatalog{Service: s.cat, release: release, entered: make(chan struct{})}
	b := bulk.NewService(s.d, held, audit.New(s.d, s.clock.Now), s.clock.Now, slog.New(slog.DiscardHandler))
	id, err := b.Start(t.Context(), s.boss, csvFile("SKU,재고", "A-1,9", "B-1,8"), bulk.Options{})
	if err != nil {
		close(release)
		t.Fatal(err)
	}
	<-held.entered
	for name, node := range map[string]*bulk.Service{"this node": b, "another node": s.bulk} {
		st, err := node.Status(t.Context(), id)
		if err != nil || st.Done || st.Report != nil || st.Progress.Total != 2 || st.Progress.Phase == bulk.PhaseDone {
			t.Errorf("%s: running state = %+v, %v", name, st, err)
		}
	}
	close(release)
	st, err := s.bulk.Wait(t.Context(), id)
	if err != nil || !st.Done || st.Report == nil || st.Report.Updated != 2 {
		t.Errorf("finished state = %+v, %v", st, err)
	}
}

// heldCatalog is a catalog whose Categories waits for release, after
// closing entered.
type heldCatalog struct {
	*catalog.Service
	release <-chan struct{}
	entered chan struct{}
}

func (h *heldCatalog) Categories(ctx context.Context) ([]*catalog.Category, error) {
	close(h.entered)
	<-h.release
	return h.Service.Categories(ctx)
}

// Stock an import changes goes into the stock ledger as a stocktake's
// correction by the staff member who imported, in the import's transaction;
// a variant whose stock the sheet leaves alone gets no entry.
func TestImportedStockIsLedgered(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	if _, err := s.bulk.Import(t.Context(), s.boss, csvFile("SKU,재고", "A-1,8", "B-1,10"), bulk.Options{}, nil); err != nil {
		t.Fatal(err)
	}
	variantID := func(sku string) int64 {
		var id int64
		q := s.d.Read()
		if err := q.GetContext(t.Context(), &id, q.Rebind(`SELECT id FROM variants WHERE sku = ?`), sku); err != nil {
			t.Fatal(err)
		}
		return id
	}
	_, entries, err := s.cat.StockLedger(t.Context(), variantID("A-1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("ledger of A-1 = %+v, want one entry", entries)
	}
	e := entries[0]
	if e.Delta != 3 || e.StockAfter != 8 || e.Reason != catalog.ReasonCount || e.ActorID != s.boss.UserID || e.ActorEmail != s.boss.Email || e.Note == "" {
		t.Errorf("entry = %+v", e)
	}
	if _, entries, err := s.cat.StockLedger(t.Context(), variantID("B-1")); err != nil || len(entries) != 0 {
		t.Errorf("ledger of B-1 = %+v, %v; want none", entries, err)
	}
}
