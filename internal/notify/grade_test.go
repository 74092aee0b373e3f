package notify

import (
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/fault"
)

// The grade mail says, Korean first and English after, which grade the
// customer moved to from when, and what it gives.
func TestRenderGradeChanged(t *testing.T) {
	t.Parallel()
	up := GradeData{Name: "김말랑", From: "실버", To: "골드", Up: true, Year: 2026, MonthNo: 12, Earn: "3%", Discount: 5,
		URL: "https://shop.example/account"}
	down := up
	down.From, down.To, down.Up, down.Earn, down.Discount = "골드", "웰컴", false, "1%", 0
	tests := []struct {
		name     string
		data     GradeData
		subject  string
		want     []string
		unwanted []string
	}{
		{"up", up, "[말랑] 회원 등급이 골드 등급으로 올랐습니다",
			[]string{"김말랑님", "2026년 12월부터", "실버 등급에서", "3% 적립", "상품 금액 5% 할인", "From 2026-12", "5% off", up.URL}, nil},
		{"down", down, "[말랑] 회원 등급이 웰컴 등급으로 바뀌었습니다",
			[]string{"골드 등급에서", "웰컴", "1% 적립"}, []string{"할인", "off the goods", "감사합니다"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := Render("말랑", GradeChanged, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tt.subject {
				t.Errorf("subject = %q, want %q", m.Subject, tt.subject)
			}
			for _, w := range tt.want {
				if !strings.Contains(m.Text, w) || !strings.Contains(m.HTML, w) {
					t.Errorf("%q missing from a part:\ntext: %s\nhtml: %s", w, m.Text, m.HTML)
				}
			}
			for _, w := range tt.unwanted {
				if strings.Contains(m.Text, w) {
					t.Errorf("%q in the text: %s", w, m.Text)
				}
			}
		})
	}
	if _, err := Render("말랑", GradeChanged, GradeData{URL: "/account"}); err == nil {
		t.Fatal("empty GradeData rendered")
	} else if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["to"] == "" || inv.Fields["url"] == "" || inv.Fields["month"] == "" {
		t.Fatalf("empty GradeData: %v", err)
	}
}
