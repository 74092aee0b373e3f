package payment_test

import (
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/payment"
)

// The refund mail words each way money goes back, and names the points
// given back and the earned points taken back.
func TestRefundedMailWording(t *testing.T) {
	t.Parallel()
	url := "https://shop.example/account/orders/20261207-ABCDEFGH"
	tests := []struct {
		name string
		data payment.RefundedData
		want []string
		not  []string
	}{
		{"card", payment.RefundedData{Number: "20261207-ABCDEFGH", Amount: money.Won(12900), Via: "card", URL: url},
			[]string{"환불 금액: 12,900원", "We refunded your order 20261207-ABCDEFGH: ₩12,900", "3~7영업일"}, []string{"적립금", "계좌"}},
		{"transfer with points", payment.RefundedData{Number: "20261207-ABCDEFGH", Amount: money.Won(12900), Points: 1500, Via: "transfer",
			Account: "신한은행 ****6789", URL: url},
			[]string{"신한은행 ****6789", "돌려드린 적립금: 1,500원"}, []string{"회수", "영업일"}},
		{"earned points taken back", payment.RefundedData{Number: "20261207-ABCDEFGH", Amount: money.Won(50000), TakenBack: 1000, Via: "card", URL: url},
			[]string{"회수한 적립금: 1,000원", "1,000 points the refunded items earned were taken back"}, []string{"돌려드린"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := notify.Render("말랑", notify.OrderRefunded, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, m.Text)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(m.Text, n) {
					t.Errorf("text has %q:\n%s", n, m.Text)
				}
			}
			if tt.data.TakenBack > 0 && !strings.Contains(m.HTML, "회수한 적립금 1,000원") {
				t.Errorf("HTML lacks the points taken back")
			}
		})
	}
}
