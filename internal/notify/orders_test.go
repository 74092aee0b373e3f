package notify

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
)

// deadline is 2026-03-03 23:59 KST, a Tuesday.
var deadline = time.Date(2026, 3, 3, 14, 59, 0, 0, time.UTC)

const orderURL = "https://shop.example/account/orders/M20260301-0042"

func deposit() Deposit {
	return Deposit{Name: "김민지", Number: "M20260301-0042", Bank: "국민은행", Account: "123456-01-234567",
		Holder: "(주)말랑", Amount: money.Won(40600), Deadline: deadline, URL: orderURL}
}

func returnData(step ReturnStep, exchange bool) ReturnData {
	return ReturnData{Name: "김민지", Number: "M20260301-0042", Exchange: exchange, Step: step,
		Items: []Item{{Name: "캐모마일 티", Option: "20티백", Qty: 2}}, Fee: money.Won(3000), URL: orderURL}
}

// TestRenderOrderTemplates renders every mail of an order's life with the
// data a real order gives and checks what the customer reads, in both
// parts.
func TestRenderOrderTemplates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		tmpl    Template
		data    any
		subject string
		want    []string // in the text and the HTML part
		not     []string // in neither
	}{
		{"order placed", OrderPlaced, OrderPlacedData{Name: "김민지", Number: "M20260301-0042", Lines: []Line{
			{Name: "캐모마일 티", Option: "20티백", Qty: 2, Amount: money.Won(34600)},
			{Name: "머그컵 <화이트>", Qty: 1, Amount: money.Won(12000)},
		}, Shipping: money.Won(6000), Discount: money.Won(2000), Total: money.Won(50600), URL: orderURL},
			"[말랑] M20260301-0042 주문이 접수되었습니다",
			[]string{"김민지님", "캐모마일 티", "20티백", "34,600원", "12,000원", "6,000원", "-2,000원", "50,600원", orderURL, "Thank you for your order"}, nil},
		{"order placed, free shipping", OrderPlaced, OrderPlacedData{Number: "M20260301-0043", Lines: []Line{
			{Name: "캐모마일 티", Qty: 1, Amount: money.Won(17300)}}, Total: money.Won(17300), URL: orderURL},
			"[말랑] M20260301-0043 주문이 접수되었습니다",
			[]string{"무료", "17,300원", "결제 완료 메일"}, []string{"할인", "님,", "입금"}},
		{"order placed by bank transfer", OrderPlaced, OrderPlacedData{Name: "김민지", Number: "M20260301-0042", Lines: []Line{
			{Name: "캐모마일 티", Qty: 2, Amount: money.Won(34600)}}, Shipping: money.Won(6000), Total: money.Won(40600), URL: orderURL,
			Transfer: &TransferData{Deposit: deposit(), Depositor: "김민지"}},
			"[말랑] M20260301-0042 주문이 접수되었습니다",
			[]string{"캐모마일 티", "국민은행", "123456-01-234567", "(주)말랑", "40,600원", "입금자명", "2026년 3월 3일(화) 23:59", "자동으로 취소", "Tue 3 Mar 2026, 23:59 KST"},
			[]string{"결제 완료 메일"}},
		{"order placed, paid with points", OrderPlaced, OrderPlacedData{Number: "M20260301-0044", Lines: []Line{
			{Name: "캐모마일 티", Qty: 1, Amount: money.Won(17300)}}, Discount: money.Won(17300), URL: orderURL, Paid: true},
			"[말랑] M20260301-0044 주문이 접수되었습니다",
			[]string{"상품 준비를 시작하겠습니다"}, []string{"결제 완료 메일", "입금"}},
		{"transfer instructions", TransferInstructions, TransferData{Deposit: deposit(), Depositor: "김민지"},
			"[말랑] M20260301-0042 주문의 입금 계좌를 안내해 드립니다",
			[]string{"국민은행", "123456-01-234567", "(주)말랑", "40,600원", "2026년 3월 3일(화) 23:59", "입금자명", "자동으로 취소", "Tue 3 Mar 2026, 23:59 KST"}, nil},
		{"virtual account", VirtualAccountIssued, VirtualAccountData{Deposit: func() Deposit { d := deposit(); d.Bank, d.Holder = "신한은행", ""; return d }()},
			"[말랑] M20260301-0042 주문의 가상계좌가 발급되었습니다",
			[]string{"신한은행", "123456-01-234567", "40,600원", "2026년 3월 3일(화) 23:59", "자동으로 완료", "virtual account"}, []string{"예금주"}},
		{"payment confirmed", PaymentConfirmed, PaymentConfirmedData{Name: "김민지", Number: "M20260301-0042", Amount: money.Won(40600), Method: "무통장입금", URL: orderURL},
			"[말랑] M20260301-0042 주문의 결제가 완료되었습니다",
			[]string{"무통장입금", "40,600원", "상품 준비", "We received your payment"}, nil},
		{"shipped", OrderShipped, ShippedData{Name: "김민지", Number: "M20260301-0042", Carrier: "CJ대한통운", TrackingNumber: "640123456789",
			TrackingURL: "https://trace.cjlogistics.com/next/tracking.html?wblNo=640123456789", URL: orderURL},
			"[말랑] M20260301-0042 주문의 상품이 출발했습니다",
			[]string{"CJ대한통운", "640123456789", "https://trace.cjlogistics.com/next/tracking.html?wblNo=640123456789", "on its way"}, nil},
		{"delivered", OrderDelivered, DeliveredData{Name: "김민지", Number: "M20260301-0042", ConfirmBy: deadline.Add(7 * 24 * time.Hour), Points: 1290, URL: orderURL},
			"[말랑] M20260301-0042 주문의 배송이 완료되었습니다",
			[]string{"구매확정", "1,290원", "2026년 3월 10일(화)", "자동으로 구매확정", "반품·교환", "Tue 10 Mar 2026"}, nil},
		{"cancelled before payment", OrderCancelled, CancelledData{Name: "김민지", Number: "M20260301-0042", Reason: "입금 기한이 지났습니다", URL: orderURL},
			"[말랑] M20260301-0042 주문이 취소되었습니다",
			[]string{"입금 기한이 지났습니다", "청구된 금액은 없습니다", "nothing was charged"}, []string{"환불"}},
		{"cancelled after payment", OrderCancelled, CancelledData{Number: "M20260301-0042", Paid: true, URL: orderURL},
			"[말랑] M20260301-0042 주문이 취소되었습니다",
			[]string{"환불 진행 상황은 메일로", "refund your payment"}, []string{"취소 사유", "청구된"}},
		{"return requested", ReturnUpdated, returnData(ReturnRequested, false),
			"[말랑] M20260301-0042 주문의 반품 신청이 접수되었습니다",
			[]string{"반품 신청을 접수했습니다", "캐모마일 티", "20티백", "return request"}, []string{"교환 신청", "exchange"}},
		{"return approved, buyer pays", ReturnUpdated, returnData(ReturnApproved, false),
			"[말랑] M20260301-0042 주문의 반품 신청이 승인되었습니다",
			[]string{"포장해 보내 주세요", "3,000원", "환불 금액에서 차감", "approved"}, nil},
		{"exchange approved, shop pays", ReturnUpdated, func() ReturnData { d := returnData(ReturnApproved, true); d.Fee = money.Won(0); return d }(),
			"[말랑] M20260301-0042 주문의 교환 신청이 승인되었습니다",
			[]string{"교환 신청을 승인했습니다", "배송비는 말랑에서 부담합니다"}, []string{"차감"}},
		{"return refused", ReturnUpdated, func() ReturnData {
			d := returnData(ReturnRefused, false)
			d.Reason = "개봉한 식품은 반품할 수 없습니다"
			return d
		}(),
			"[말랑] M20260301-0042 주문의 반품 신청이 반려되었습니다",
			[]string{"받아 드리지 못했습니다", "개봉한 식품은 반품할 수 없습니다", "could not accept"}, nil},
		{"return received", ReturnUpdated, returnData(ReturnReceived, false),
			"[말랑] M20260301-0042 주문의 반품 상품이 도착했습니다",
			[]string{"환불해 드리겠습니다", "refund you"}, nil},
		{"exchange shipped", ReturnUpdated, func() ReturnData {
			d := returnData(ExchangeShipped, true)
			d.Carrier, d.TrackingNumber, d.TrackingURL = "한진택배", "512345678901", "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?wblnumText2=512345678901"
			return d
		}(),
			"[말랑] M20260301-0042 주문의 교환 상품을 보내 드렸습니다",
			[]string{"한진택배", "512345678901", "교환 상품", "is on its way"}, nil},
		{"staff: return requested", StaffReturnRequested, StaffReturnData{Number: "M20260301-0042", Customer: "김민지",
			Items: []Item{{Name: "캐모마일 티", Option: "20티백", Qty: 1}}, Reason: "상품 불량", Note: "포장이 찢어져 왔어요", Photos: 2,
			URL: "https://shop.example/manage-1a2b3c4d5e/returns/7"},
			"[말랑 관리] M20260301-0042 주문에 반품 신청이 들어왔습니다",
			[]string{"김민지 고객님이", "반품을 신청했습니다", "상품 불량", "포장이 찢어져 왔어요", "2장", "캐모마일 티", "https://shop.example/manage-1a2b3c4d5e/returns/7"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := Render("말랑", tt.tmpl, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tt.subject {
				t.Errorf("subject = %q, want %q", m.Subject, tt.subject)
			}
			// The HTML part escapes what it prints.
			html := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&#43;", "+", "&#34;", `"`, "&#39;", "'").Replace(m.HTML)
			for _, w := range tt.want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, m.Text)
				}
				if !strings.Contains(html, w) {
					t.Errorf("HTML lacks %q:\n%s", w, m.HTML)
				}
			}
			for _, part := range []string{m.Subject, m.Text, html} {
				if bad := unKorean(part); bad != "" {
					t.Errorf("Korean text %q writes an amount with ₩ or an unchosen particle", bad)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(m.Text, w) || strings.Contains(html, w) {
					t.Errorf("a part has %q:\ntext: %s\nhtml: %s", w, m.Text, m.HTML)
				}
			}
			if !strings.HasPrefix(m.HTML, "<!DOCTYPE html>") && !strings.Contains(m.HTML, `<html lang="ko">`) {
				t.Errorf("HTML part is not a Korean page:\n%s", m.HTML)
			}
			if strings.Contains(m.HTML, "<style") || strings.Contains(m.HTML, "<script") {
				t.Error("HTML has a style sheet or a script")
			}
			if err := (Message{To: "minji@example.com", Subject: m.Subject, Text: m.Text, HTML: m.HTML}).Validate(); err != nil {
				t.Errorf("rendered message does not validate: %v", err)
			}
		})
	}
}

func TestRenderOrderTemplatesEscape(t *testing.T) {
	t.Parallel()
	m, err := Render("말랑", OrderPlaced, OrderPlacedData{Number: "M1", Lines: []Line{{Name: `<script>alert(1)</script>`, Qty: 1, Amount: money.Won(1000)}},
		Total: money.Won(1000), URL: orderURL})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "&lt;script&gt;") {
		t.Fatalf("a product name was not escaped:\n%s", m.HTML)
	}
}

func TestRenderOrderTemplatesInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		tmpl  Template
		data  any
		field string
	}{
		{"no lines", OrderPlaced, OrderPlacedData{Number: "M1", Total: money.Won(1), URL: orderURL}, "lines"},
		{"order's transfer without holder", OrderPlaced, OrderPlacedData{Number: "M1", Lines: []Line{{Name: "티", Qty: 1}}, URL: orderURL,
			Transfer: &TransferData{Deposit: func() Deposit { d := deposit(); d.Holder = ""; return d }()}}, "holder"},
		{"line without quantity", OrderPlaced, OrderPlacedData{Number: "M1", Lines: []Line{{Name: "티", Amount: money.Won(1)}}, URL: orderURL}, "lines"},
		{"negative total", OrderPlaced, OrderPlacedData{Number: "M1", Lines: []Line{{Name: "티", Qty: 1}}, Total: money.Won(-1), URL: orderURL}, "total"},
		{"no order number", PaymentConfirmed, PaymentConfirmedData{Amount: money.Won(1), Method: "카드", URL: orderURL}, "number"},
		{"transfer without holder", TransferInstructions, TransferData{Deposit: func() Deposit { d := deposit(); d.Holder = ""; return d }()}, "holder"},
		{"transfer without deadline", TransferInstructions, TransferData{Deposit: func() Deposit { d := deposit(); d.Deadline = time.Time{}; return d }()}, "deadline"},
		{"virtual account without amount", VirtualAccountIssued, VirtualAccountData{Deposit: func() Deposit { d := deposit(); d.Amount = money.Won(0); return d }()}, "amount"},
		{"shipped without tracking number", OrderShipped, ShippedData{Number: "M1", Carrier: "CJ대한통운", URL: orderURL}, "tracking"},
		{"shipped with a script link", OrderShipped, ShippedData{Number: "M1", Carrier: "CJ대한통운", TrackingNumber: "1", TrackingURL: "javascript:alert(1)", URL: orderURL}, "tracking_url"},
		{"delivered without date", OrderDelivered, DeliveredData{Number: "M1", URL: orderURL}, "confirm_by"},
		{"cancelled with relative link", OrderCancelled, CancelledData{Number: "M1", URL: "/account/orders/M1"}, "url"},
		{"refused without reason", ReturnUpdated, returnData(ReturnRefused, false), "reason"},
		{"unknown step", ReturnUpdated, returnData("lost", false), "step"},
		{"return shipped back", ReturnUpdated, func() ReturnData {
			d := returnData(ExchangeShipped, false)
			d.Carrier, d.TrackingNumber = "한진택배", "1"
			return d
		}(), "step"},
		{"return without items", ReturnUpdated, func() ReturnData { d := returnData(ReturnRequested, false); d.Items = nil; return d }(), "items"},
		{"staff mail without reason", StaffReturnRequested, StaffReturnData{Number: "M1", Items: []Item{{Name: "티", Qty: 1}}, URL: orderURL}, "reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Render("말랑", tt.tmpl, tt.data)
			if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[tt.field] == "" {
				t.Fatalf("Render = %v, want *fault.Invalid on %s", err, tt.field)
			}
		})
	}
}

// koreanSpan splits a rendered mail into the spans a reader sees as one
// sentence or cell: lines, and in HTML the text between tags.
var koreanSpan = regexp.MustCompile(`<[^>]*>|\n`)

// unKorean returns the first span of s in Korean (mostly Hangul) that
// writes an amount with ₩ (Korean text writes 12,900원, decision 0053) or
// keeps a particle with both forms ("이(가)"), or "".
func unKorean(s string) string {
	for _, span := range koreanSpan.Split(s, -1) {
		if !mostlyHangul(span) {
			continue
		}
		if strings.Contains(span, "₩") {
			return span
		}
		for _, m := range []string{"(으)로", "이(가)", "을(를)", "은(는)", "와(과)", "과(와)"} {
			if strings.Contains(span, m) {
				return span
			}
		}
	}
	return ""
}

// mostlyHangul reports whether s has more Hangul than Latin letters: the
// English line names Korean banks, but is not Korean text.
func mostlyHangul(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0xAC00 && r <= 0xD7A3:
			n++
		case r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
			n--
		}
	}
	return n > 0
}
