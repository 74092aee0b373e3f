package backoffice_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/korean"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/koreantest"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment/testpay"
)

// upload posts file as the shipment form's "file" with b's session, from
// the back office's own pages unless site says otherwise, and returns the
// status, the Location (redirects are not followed) and the body.
func upload(t *testing.T, e *payEnv, b *browser, name string, file []byte, site string) (int, string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(file); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+bo+"/orders/shipments", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("User-Agent", "backoffice-test/1.0")
	if site != "" {
		req.Header.Set("Sec-Fetch-Site", site)
	}
	res, err := b.noFollow().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	if _, err := out.ReadFrom(res.Body); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Location"), out.String()
}

var uploadRE = regexp.MustCompile(`^` + bo + `/orders/shipments/([0-9a-f]{32})$`)

// paidOrder places an order paid through the test provider.
func (e *payEnv) paidOrder(t *testing.T) order.Order {
	t.Helper()
	o := e.placeLines(t, testpay.Name, 12000)
	e.pay(t, o, testpay.Name)
	return o
}

// A staff member uploads the courier's file from the orders list: the
// preview checks every row and ships nothing; applying ships the good rows
// and goes to the result, which says how many shipped and why the others
// did not; applying again, or reloading, ships nothing more.
func TestShipmentUploadPages(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	e.user(t, "orders@example.com", account.Staff, account.PermOrders)
	e.user(t, "other@example.com", account.Staff, account.PermOrders)
	a, b, c := e.paidOrder(t), e.paidOrder(t), e.paidOrder(t)
	unpaid := e.placeLines(t, "card", 5000)
	br, _ := e.staffIn("orders@example.com")

	st, body := br.get(bo + "/orders")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="shipments-link"`, `href="`+bo+`/orders/shipments"`, "송장 일괄등록")
	st, body = br.get(bo + "/orders/shipments")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="shipments-form"`, `enctype="multipart/form-data"`, "CJ대한통운", "송장번호")

	// Excel on Korean Windows saves CSV in CP949.
	file, err := korean.EUCKR.NewEncoder().Bytes([]byte("주문번호,택배사,송장번호\r\n" +
		a.Number + ",CJ대한통운,6789-1234-5678\r\n" +
		b.Number + ",한진택배,123456789012\r\n" +
		c.Number + ",cj,12ab\r\n" +
		unpaid.Number + ",cj,123456789013\r\n" +
		"20991231-NOPE,cj,123456789014\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	st, loc, body := upload(t, e, br, "송장.csv", file, "")
	m := uploadRE.FindStringSubmatch(loc)
	if st != http.StatusSeeOther || m == nil {
		t.Fatalf("upload: %d to %q\n%s", st, loc, body)
	}
	for range 2 { // a reload checks again and ships nothing
		st, body = br.get(loc)
		must(t, st, http.StatusOK, body)
		contains(t, body, "5줄 중 2줄을 발송 처리할 수 있습니다", `data-testid="apply-form"`, "2건 발송 처리", "송장.csv",
			`data-result="ok"`, `data-result="bad_tracking"`, "송장번호 형식 오류", `data-result="wrong_state"`,
			"발송할 수 없는 상태(결제 대기)", `data-result="unknown_order"`, "없는 주문번호")
		for _, problem := range koreantest.Problems(body, []string{"backoffice-test/1.0", "csv", "12ab"}, latinAllowed, `{"`) {
			t.Errorf("preview: %s", problem)
		}
	}
	if e.status(t, a.ID) != order.Paid || e.status(t, b.ID) != order.Paid {
		t.Fatal("the preview shipped")
	}

	// Another staff member can neither see nor apply it.
	other, _ := e.staffIn("other@example.com")
	if st, body := other.get(loc); st != http.StatusNotFound {
		t.Fatalf("another's upload: %d\n%s", st, body)
	}
	if st, _ := postRaw(t, e, other.noFollow(), loc+"/apply", nil); st != http.StatusNotFound {
		t.Fatalf("another's apply: %d", st)
	}
	// A cross-site apply is refused before the back office sees it.
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+loc+"/apply", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if st, body := br.do(req); st != http.StatusForbidden {
		t.Fatalf("cross-site apply: %d\n%s", st, body)
	}
	if e.status(t, a.ID) != order.Paid {
		t.Fatal("a forbidden apply shipped")
	}

	st, to := postRaw(t, e, br.noFollow(), loc+"/apply", nil)
	if st != http.StatusSeeOther || to != loc {
		t.Fatalf("apply: %d to %q, want 303 to %s", st, to, loc)
	}
	for range 2 {
		st, body = br.get(loc)
		must(t, st, http.StatusOK, body)
		contains(t, body, "송장 일괄등록 결과", "2건을 발송 처리했습니다", "처리하지 않은 줄 3개", `data-result="shipped"`,
			"송장번호 형식 오류", "발송할 수 없는 상태(결제 대기)", "없는 주문번호")
		lacks(t, body, `data-testid="apply-form"`)
	}
	for _, tt := range []struct {
		o                 order.Order
		carrier, tracking string
	}{{a, "cj", "6789-1234-5678"}, {b, "hanjin", "123456789012"}} {
		got, err := e.orders.AdminGet(context.Background(), tt.o.ID)
		if err != nil || got.Status != order.Shipped || len(got.Shipments) != 1 || got.Shipments[0].CarrierCode != tt.carrier ||
			got.Shipments[0].TrackingNumber != tt.tracking {
			t.Fatalf("order %s = %+v, %v", tt.o.Number, got, err)
		}
	}
	if e.status(t, c.ID) != order.Paid {
		t.Fatalf("the bad row shipped")
	}
	en := e.auditOf(t, "order.shipped", 2)[0]
	if en.ActorEmail != "orders@example.com" || en.IP != "127.0.0.1" {
		t.Fatalf("audit entry %+v", en)
	}
	e.auditOf(t, "order.shipments_applied", 1)

	// Applying again (a double click, another tab) goes to the result.
	st, to = postRaw(t, e, br.noFollow(), loc+"/apply", nil)
	if st != http.StatusSeeOther || to != loc {
		t.Fatalf("apply again: %d to %q", st, to)
	}
	e.auditOf(t, "order.shipped", 2)
	if st, body := br.get(bo + "/orders/shipments/0123456789abcdef0123456789abcdef"); st != http.StatusNotFound {
		t.Fatalf("unknown upload: %d\n%s", st, body)
	}

	// In English too.
	st, body = br.get(loc + "?lang=en")
	must(t, st, http.StatusOK, body)
	contains(t, body, "Shipment upload result", "2 orders shipped", "Malformed tracking number", "Cannot ship: the order is",
		"No such order")
	st, body = br.get(bo + "/orders/shipments")
	must(t, st, http.StatusOK, body)
	contains(t, body, "Upload and check", "Tracking Number")
}

// A file the upload cannot take is answered with the form and why, and
// keeps nothing: the wrong type, no file, too large, too many rows, no
// columns; a cross-site upload is refused.
func TestShipmentUploadRefused(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	br, _ := e.staffIn("boss@example.com")
	tests := []struct {
		name   string
		file   []byte
		site   string
		status int
		want   string
	}{
		{"an image", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "", http.StatusUnprocessableEntity, "CSV 또는 엑셀 파일만"},
		{"an old xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, "", http.StatusUnprocessableEntity, "예전 엑셀 형식(97-2003)"},
		{"no columns", []byte("이름,전화\n김말랑,010\n"), "", http.StatusUnprocessableEntity, "주문번호, 택배사, 송장번호 열이"},
		{"empty", []byte{}, "", http.StatusUnprocessableEntity, "내용이 없습니다"},
		{"too many rows", []byte("주문번호,택배사,송장번호\n" + strings.Repeat("M-1,cj,123456789012\n", order.MaxShipmentRows+1)), "",
			http.StatusUnprocessableEntity, "5000줄까지"},
		{"just too big", bytes.Repeat([]byte("a"), order.MaxShipmentFileBytes+1), "", http.StatusRequestEntityTooLarge, "5MB보다 큽니다"},
		{"far too big", bytes.Repeat([]byte("a"), order.MaxShipmentFileBytes+200<<10), "", http.StatusRequestEntityTooLarge, "5MB보다 큽니다"},
		{"cross-site", []byte("주문번호,택배사,송장번호\nM-1,cj,123456789012\n"), "cross-site", http.StatusForbidden, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, loc, body := upload(t, e, br, "x.csv", tt.file, tt.site)
			if st != tt.status || loc != "" || !strings.Contains(body, tt.want) {
				t.Fatalf("%d to %q, want %d saying %q\n%s", st, loc, tt.status, tt.want, body)
			}
			if tt.status != http.StatusForbidden {
				contains(t, body, `data-testid="form-error"`, `data-testid="shipments-form"`)
			}
		})
	}
	// A form without a file.
	st, body := br.post(bo+"/orders/shipments", url.Values{"x": {"1"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "송장 파일을 고르세요") {
		t.Fatalf("no file: %d\n%s", st, body)
	}
	var n int
	if err := e.d.Read().GetContext(context.Background(), &n, `SELECT COUNT(*) FROM shipment_uploads`); err != nil || n != 0 {
		t.Fatalf("%d uploads kept, %v", n, err)
	}
}

// Two staff members apply the same file at once, each several times (a
// double click): every answer goes to the upload's page, none is a server
// error, and each order ships once — the other's page reports it as
// shipped already.
func TestShipmentUploadConcurrentApplies(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	e.user(t, "kim@example.com", account.Staff, account.PermOrders)
	e.user(t, "lee@example.com", account.Staff, account.PermOrders)
	var os []order.Order
	var file strings.Builder
	file.WriteString("주문번호,택배사,송장번호\n")
	for i := range 6 {
		o := e.paidOrder(t)
		os = append(os, o)
		file.WriteString(o.Number + ",cj,6000-0000-000" + string(rune('0'+i)) + "\n")
	}
	var browsers []*browser
	var locs []string
	for _, email := range []string{"kim@example.com", "lee@example.com"} {
		br, _ := e.staffIn(email)
		st, loc, body := upload(t, e, br, "same.csv", []byte(file.String()), "")
		if st != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", st, body)
		}
		browsers, locs = append(browsers, br), append(locs, loc)
	}
	const clicks = 4
	codes := make([]int, 2*clicks)
	wheres := make([]string, 2*clicks)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 2 * clicks {
		wg.Go(func() {
			<-start
			req, err := http.NewRequest(http.MethodPost, e.srv.URL+locs[i%2]+"/apply", nil)
			if err != nil {
				t.Error(err)
				return
			}
			res, err := browsers[i%2].noFollow().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			codes[i], wheres[i] = res.StatusCode, res.Header.Get("Location")
		})
	}
	close(start)
	wg.Wait()
	for i := range codes {
		if codes[i] != http.StatusSeeOther || wheres[i] != locs[i%2] {
			t.Errorf("apply %d: %d to %q", i, codes[i], wheres[i])
		}
	}
	shipped := 0
	for i, br := range browsers {
		st, body := br.get(locs[i])
		must(t, st, http.StatusOK, body)
		shipped += strings.Count(body, `data-result="shipped"`)
		if n := strings.Count(body, `data-result="shipped"`) + strings.Count(body, `data-result="already_shipped"`); n != len(os) {
			t.Errorf("staff %d's result has %d rows shipped or shipped already:\n%s", i, n, body)
		}
	}
	if shipped != len(os) {
		t.Errorf("%d rows shipped in all, want %d", shipped, len(os))
	}
	for _, o := range os {
		got, err := e.orders.AdminGet(context.Background(), o.ID)
		if err != nil || got.Status != order.Shipped || len(got.Shipments) != 1 {
			t.Errorf("order %s = %s with %d shipments, %v", o.Number, got.Status, len(got.Shipments), err)
		}
	}
	e.auditOf(t, "order.shipped", len(os))
}
