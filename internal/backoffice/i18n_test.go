package backoffice

import "testing"

// TestParticlesFitTheWord checks that a Korean text with a name or an
// amount put in reads as a Korean would write it, never 을(를) or (으)로.
func TestParticlesFitTheWord(t *testing.T) {
	ko := newMessages()[0]
	tests := []struct {
		key  string
		args []any
		want string
	}{
		{"ord.to", []any{"주문 취소"}, "주문 취소로 변경"},
		{"ord.to", []any{"배송 중"}, "배송 중으로 변경"},
		{"pay.deposit.intro", []any{"37,600원"}, "통장에 37,600원이 들어온 것을 확인한 뒤 누르세요. 주문이 결제 완료로 바뀝니다."},
		{"cpn.created", []any{"SPRING"}, "쿠폰 SPRING을 만들었습니다."},
		{"grade.assigned", []any{"김민지", "VIP"}, "김민지 님의 등급을 VIP로 지정했습니다."},
	}
	for _, tt := range tests {
		if got := ko.F(tt.key, tt.args...); got != tt.want {
			t.Errorf("F(%q, %v) = %q, want %q", tt.key, tt.args, got, tt.want)
		}
	}
}
