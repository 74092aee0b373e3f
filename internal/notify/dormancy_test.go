package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/fault"
)

// The dormancy mails: Korean first with the day in Korean time, English
// after, the link in both parts; bad data is refused naming the field.
func TestRenderDormancyMails(t *testing.T) {
	t.Parallel()
	// 23:30 UTC on 29 November is 30 November in Korea.
	on := time.Date(2027, 11, 29, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		name    string
		tmpl    Template
		data    any
		subject string
		text    []string
	}{
		{"notice", DormancyNotice, DormancyNoticeData{Name: "김민지", On: on, Months: 12, URL: "https://shop.example/login"},
			"[말랑] 2027년 11월 30일(화)에 휴면 계정으로 전환될 예정입니다",
			[]string{"김민지님, 12개월 동안 로그인하지 않은", "로그인하시면 계정이 그대로 유지됩니다", "Tue 30 Nov 2027", "https://shop.example/login"}},
		{"wake link", AccountDormant, LinkData{URL: "https://shop.example/account/verify?token=abc", Hours: 48},
			"[말랑] 휴면 계정을 해제하려면 이메일 인증을 해 주세요",
			[]string{"휴면 상태가 풀리고", "48시간", "https://shop.example/account/verify?token=abc", "Your account is dormant"}},
		{"policy", DormancyPolicy, DormancyPolicyData{Months: 6, URL: "https://shop.example/login"},
			"[말랑] 휴면 계정 정책이 바뀌었습니다",
			[]string{"말랑의 휴면 계정 정책이 바뀌었습니다. 앞으로 6개월", "30일 전에", "for 6 months"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := Render("말랑", tt.tmpl, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tt.subject {
				t.Errorf("Subject = %q", m.Subject)
			}
			for _, want := range tt.text {
				if !strings.Contains(m.Text, want) {
					t.Errorf("Text lacks %q:\n%s", want, m.Text)
				}
			}
			if !strings.Contains(m.HTML, `<html lang="ko">`) || strings.Index(m.Text, "휴면") > strings.Index(m.Text, "dormant") {
				t.Errorf("not Korean first:\n%s", m.Text)
			}
		})
	}
	for _, bad := range []struct {
		data  any
		field string
	}{
		{DormancyNoticeData{Months: 12, URL: "https://shop.example/login"}, "on"},
		{DormancyNoticeData{On: on, URL: "https://shop.example/login"}, "months"},
		{DormancyPolicyData{Months: 6, URL: "/login"}, "url"},
	} {
		tmpl := DormancyNotice
		if _, ok := bad.data.(DormancyPolicyData); ok {
			tmpl = DormancyPolicy
		}
		if _, err := Render("말랑", tmpl, bad.data); err == nil {
			t.Errorf("%+v rendered", bad.data)
		} else if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[bad.field] == "" {
			t.Errorf("%+v: %v, want %s refused", bad.data, err, bad.field)
		}
	}
}
