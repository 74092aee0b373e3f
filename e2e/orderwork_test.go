//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// paidOrders has n customers each order one unit of a demo product by bank
// transfer, and confirms each deposit as staff: n orders in 결제완료,
// oldest first.
func paidOrders(t *testing.T, s *shop, staff audit.Actor, n int) []order.Order {
	t.Helper()
	ctx := context.Background()
	a := s.App
	list, err := a.Catalog.List(ctx, catalog.ListQuery{InStock: true, PerPage: n})
	if err != nil || len(list.Products) < n {
		t.Fatalf("%d products in stock (%v)", len(list.Products), err)
	}
	var out []order.Order
	for i := range n {
		p, err := a.Catalog.Product(ctx, list.Products[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		email := "buyer" + strconv.Itoa(i) + "@example.com"
		u := newCustomer(t, s, email, "주문하는 손님의 긴 비밀번호", "구매자"+strconv.Itoa(i))
		if _, err := a.Carts().Add(ctx, cart.Owner{UserID: u.ID}, p.Variants[0].ID, 1); err != nil {
			t.Fatal(err)
		}
		ad, err := a.Addresses().Create(ctx, u.ID, address.Input{Recipient: "김말랑" + strconv.Itoa(i), Phone: "010-1234-567" + strconv.Itoa(i),
			Postcode: "06236", Line1: "서울 강남구 테헤란로 123", Line2: strconv.Itoa(i+1) + "층"})
		if err != nil {
			t.Fatal(err)
		}
		placed, err := a.Checkout().Place(ctx, checkout.Input{PlaceInput: order.PlaceInput{UserID: u.ID,
			IdempotencyKey: "work" + strconv.Itoa(i), AddressID: ad.ID, PaymentMethod: payment.BankTransfer, Channel: order.PCWeb}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Payments().ConfirmDeposit(ctx, staff, placed.Order.ID, ""); err != nil {
			t.Fatal(err)
		}
		out = append(out, placed.Order)
	}
	return out
}

// TestOrderWork: the operator opens the dashboard, follows "paid but not
// prepared" to the orders it counts, marks three orders 배송준비 together,
// exports them to Excel and finds each in the file with its receiver and
// address, then uploads the courier's shipment file with one bad row and
// sees two orders shipped and why the third was not.
func TestOrderWork(t *testing.T) {
	s := startShop(t)
	browser := startBrowser(t)
	b := newTab(t, browser, s.Base, "orderwork")
	newStaff(b, s, "owner@example.com", "주문을 처리하는 사장님의 비밀번호")
	var staffID int64
	if err := s.App.DB.Read().GetContext(context.Background(), &staffID, s.App.DB.Read().Rebind(`SELECT id FROM users WHERE email = ?`),
		"owner@example.com"); err != nil {
		t.Fatal(err)
	}
	orders := paidOrders(t, s, audit.Actor{UserID: staffID}, 3)

	b.open(s.App.AdminPath() + "/")
	if got := b.text(`[data-testid="todo-paid"]`); !strings.Contains(got, "3") {
		b.fatalf("the dashboard's paid to-do reads %q, want 3", got)
	}
	b.screenshot("dashboard")
	b.follow("open the paid orders", chromedp.Click(chromedp.CSS(`[data-testid="todo-paid"]`)))
	if got := b.texts(`[data-testid="order-status"]`); len(got) != 3 || got[0] != "결제 완료" {
		b.fatalf("the paid list shows %q", got)
	}
	b.do("select the three orders", chromedp.Click(chromedp.CSS(`tr[data-testid="order-row"]:nth-of-type(1) [data-testid="order-check"]`)),
		chromedp.Click(chromedp.CSS(`tr[data-testid="order-row"]:nth-of-type(2) [data-testid="order-check"]`)),
		chromedp.Click(chromedp.CSS(`tr[data-testid="order-row"]:nth-of-type(3) [data-testid="order-check"]`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid="bulk-to"]`), string(order.Preparing)))
	b.follow("mark them 배송준비", chromedp.Click(chromedp.CSS(`[data-testid="bulk-submit"]`)))
	if got := b.text(`[data-testid="bulk-result"]`); !strings.Contains(got, "3") {
		b.fatalf("the bulk change reports %q", got)
	}
	b.screenshot("prepared")
	for _, o := range orders {
		got, err := s.App.Orders().AdminGet(context.Background(), o.ID)
		if err != nil || got.Status != order.Preparing {
			b.fatalf("order %s is %s after the bulk change (%v)", o.Number, got.Status, err)
		}
	}

	// The orders in 배송준비, exported to Excel as the browser downloads
	// the file (with the staff member's session).
	b.open(s.App.AdminPath() + "/orders?status=preparing")
	href := b.attrs(`[data-testid="export-xlsx"]`, "href")
	if len(href) != 1 {
		b.fatalf("%d Excel links on the list", len(href))
	}
	data := get(b, "download the Excel file", chromedp.Evaluate[string](`fetch(`+jsString(href[0])+`).then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status))
		.then(buf => { let s = ''; for (const c of new Uint8Array(buf)) s += String.fromCharCode(c); return btoa(s); })`,
		chromedp.EvalAwaitPromise))
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		b.fatalf("the export is not an Excel file: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "주문번호" || rows[0][2] != "받는 분" {
		b.fatalf("the export has rows %q", rows)
	}
	in := map[string]string{}
	for _, r := range rows[1:] {
		in[r[0]] = r[2] + " " + r[3] + " " + r[5]
	}
	for i, o := range orders {
		want := "김말랑" + strconv.Itoa(i) + " 010-1234-567" + strconv.Itoa(i)
		if got := in[o.Number]; !strings.HasPrefix(got, want) || !strings.Contains(got, "테헤란로 123") {
			b.fatalf("order %s in the export: %q, want %q and the address", o.Number, got, want)
		}
	}

	// The courier's file: two good rows and one with a tracking number
	// the courier never gives.
	file := filepath.Join(t.TempDir(), "송장.csv")
	csv := "주문번호,택배사,송장번호\r\n" + orders[0].Number + ",CJ대한통운,6012-3456-7890\r\n" +
		orders[1].Number + ",cj,601234567891\r\n" + orders[2].Number + ",cj,12-AB\r\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	b.follow("open 송장 일괄등록", chromedp.Click(chromedp.CSS(`[data-testid="shipments-link"]`)))
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="field-file"]`), []string{file}))
	b.follow("check the file", chromedp.Click(chromedp.CSS(`[data-testid="preview"]`)))
	if got := b.text(`[data-testid="upload-summary"]`); !strings.Contains(got, "3줄 중 2줄을 발송 처리할 수 있습니다") {
		b.fatalf("the preview says %q", got)
	}
	if got := b.texts(`[data-testid="row-problem"]`); len(got) != 1 || !strings.Contains(got[0], "송장번호 형식 오류") {
		b.fatalf("the preview's problems: %q", got)
	}
	b.screenshot("shipments-preview")
	b.follow("ship the good rows", chromedp.Click(chromedp.CSS(`[data-testid="apply"]`)))
	if got := b.text(`[data-testid="upload-summary"]`); !strings.Contains(got, "2건을 발송 처리했습니다") {
		b.fatalf("the result says %q", got)
	}
	if got := b.texts(`[data-testid="row-problem"]`); len(got) != 1 || !strings.Contains(got[0], "송장번호 형식 오류") {
		b.fatalf("the result's problems: %q", got)
	}
	b.screenshot("shipments-result")
	for i, want := range []order.Status{order.Shipped, order.Shipped, order.Preparing} {
		got, err := s.App.Orders().AdminGet(context.Background(), orders[i].ID)
		if err != nil || got.Status != want {
			b.fatalf("order %s is %s after the upload, want %s (%v)", orders[i].Number, got.Status, want, err)
		}
	}
	b.checkHealthy()
}
