package koreantest_test

import (
	"testing"

	"github.com/mallang/mallang/internal/koreantest"
)

func TestProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       int
	}{
		{"clean Korean", `<p title="장바구니">37,600원을 결제합니다. <a href="/orders/ML-2026-1">ML-2026-1</a> minji@example.com</p>`, 0},
		{"allowed word and phrase", `<p>English · 카카오페이(KakaoPay) · backoffice-test/1.0</p>`, 0},
		{"an English word", `<p>결제 대기 (placed)</p>`, 1},
		{"won sign", `<p>₩37,600</p>`, 1},
		{"E.164 phone", `<p>+821012345678</p>`, 1},
		{"both particle forms", `<p>주문 취소(으)로 변경</p>`, 1},
		{"English in an alt text", `<img alt="product photo">`, 2},
		{"script left out", `<script>const placed = 1</script><p>주문</p>`, 0},
		{"extra marker", `<p>{"a":1}</p>`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := koreantest.Problems(tt.body, []string{"backoffice-test/1.0"}, []string{"English", "KakaoPay"}, `{"`)
			if len(got) != tt.want {
				t.Errorf("Problems = %q, want %d", got, tt.want)
			}
		})
	}
}
