package order_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment/paymenttest"
)

// The filtered orders go to couriers and warehouses as a file of one row
// per line with the receiver, phone as Koreans write it, postcode,
// address, note, product, option, quantity and SKU; CSV starts with a BOM
// so Excel reads Korean right. The export is audited with the filter and
// how many rows it wrote.
func TestExport(t *testing.T) {
	t.Parallel()
	ss := newSearchShop(t)
	staff := ss.sh.Staff(t, "staff@example.com")
	f := order.AdminFilter{Query: "바삭 쿠키 선물세트"} // orders 4 and 1
	wantRows := [][]string{
		{"주문번호", "주문일", "받는 분", "연락처", "우편번호", "주소", "배송 메모", "상품명", "옵션", "수량", "SKU"},
		{ss.o[4].Number, "2026-11-30 23:00", "김말랑", "010-1234-5678", "06236", "서울 강남구 테헤란로 123 4층", "", "바삭 쿠키 선물세트", "맛: 기본", "1", ss.skuB},
		{ss.o[1].Number, "2026-11-30 23:00", "김말랑", "010-1234-5678", "06236", "서울 강남구 테헤란로 123 4층", "", "바삭 쿠키 선물세트", "맛: 기본", "1", ss.skuB},
	}
	for _, format := range []string{order.ExportCSV, order.ExportXLSX} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := ss.sh.Orders.Export(t.Context(), &buf, format, f, staff)
			if err != nil || n != 2 {
				t.Fatalf("Export = %d, %v", n, err)
			}
			var rows [][]string
			if format == order.ExportCSV {
				if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
					t.Fatalf("no byte-order mark: % x", buf.Bytes()[:8])
				}
				rows, err = csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
			} else {
				var x *excelize.File
				x, err = excelize.OpenReader(&buf)
				if err == nil {
					rows, err = x.GetRows(x.GetSheetName(0))
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
				rows = rows[:len(rows)-1]
			}
			if len(rows) != len(wantRows) {
				t.Fatalf("%d rows, want %d: %q", len(rows), len(wantRows), rows)
			}
			for i := range rows {
				for len(rows[i]) < len(wantRows[i]) {
					rows[i] = append(rows[i], "")
				}
				if !slices.Equal(rows[i], wantRows[i]) {
					t.Errorf("row %d = %q\nwant %q", i, rows[i], wantRows[i])
				}
			}
		})
	}
	entries := audittest.Entries(t, ss.sh.D, "order.exported")
	if len(entries) != 2 || entries[0].ActorID != staff.UserID || !strings.Contains(string(mustJSON(t, entries[0].Detail)), `"rows":2`) ||
		!strings.Contains(string(mustJSON(t, entries[0].Detail)), "바삭") {
		t.Fatalf("audit: %+v", entries)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// An export larger than the limit, or in a format not written, is refused
// before anything is written.
func TestExportRefused(t *testing.T) {
	t.Parallel()
	ss := newSearchShop(t)
	sh := ss.sh
	small := order.NewService(sh.D, order.Deps{Catalog: sh.Cat, Cart: sh.Carts, Addresses: sh.Addr, Coupons: sh.Coupons,
		Points: sh.Points, Shipping: sh.Shipping, Promotions: sh.Promos, Keyring: sh.KR, SearchKey: []byte("order tests: search key"),
		Audit: audit.New(sh.D, sh.Clock.Now), Mailer: sh.Outbox, Customers: paymenttest.Contacts{D: sh.D}, Sales: sh.Stats},
		order.Config{ExportLimit: 2}, sh.Clock.Now, slog.New(slog.DiscardHandler))
	staff := sh.Staff(t, "staff@example.com")
	tests := []struct {
		name   string
		format string
		f      order.AdminFilter
		field  string
	}{
		{"over the limit", order.ExportCSV, order.AdminFilter{}, "export"},
		{"unknown format", "pdf", order.AdminFilter{Query: "바삭 쿠키 선물세트"}, "format"},
		{"bad filter", order.ExportXLSX, order.AdminFilter{From: "어제"}, "from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := small.Export(t.Context(), &buf, tt.format, tt.f, staff)
			inv, ok := isInvalidErr(err)
			if !ok || inv[tt.field] == "" || buf.Len() != 0 {
				t.Fatalf("Export = %v, %d bytes; want a message for %q and nothing written", err, buf.Len(), tt.field)
			}
		})
	}
	if n, err := small.Export(t.Context(), &bytes.Buffer{}, order.ExportCSV, order.AdminFilter{Query: "바삭 쿠키 선물세트"}, staff); err != nil || n != 2 {
		t.Fatalf("at the limit: %d, %v", n, err)
	}
	if got := audittest.Entries(t, sh.D, "order.exported"); len(got) != 1 {
		t.Fatalf("%d exports audited, want the one written", len(got))
	}
}
