package notify

import (
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/fault"
)

func TestMessageValidate(t *testing.T) {
	t.Parallel()
	ok := Message{To: "minji@example.com", Subject: "안녕하세요", Text: "본문"}
	tests := []struct {
		name  string
		edit  func(m *Message)
		field string // "" means valid
	}{
		{"valid", func(*Message) {}, ""},
		{"korean domain", func(m *Message) { m.To = "minji@말랑.kr" }, ""},
		{"empty to", func(m *Message) { m.To = "" }, "to"},
		{"no at", func(m *Message) { m.To = "minji.example.com" }, "to"},
		{"display name", func(m *Message) { m.To = "Minji <minji@example.com>" }, "to"},
		{"two addresses", func(m *Message) { m.To = "a@example.com, b@example.com" }, "to"},
		{"spaces around", func(m *Message) { m.To = " minji@example.com" }, "to"},
		{"header injection", func(m *Message) { m.To = "minji@example.com\r\nBcc: x@example.com" }, "to"},
		{"empty subject", func(m *Message) { m.Subject = " " }, "subject"},
		{"subject newline", func(m *Message) { m.Subject = "a\r\nBcc: x@example.com" }, "subject"},
		{"empty text", func(m *Message) { m.Text = "" }, "text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := ok
			tt.edit(&m)
			err := m.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			inv, isInv := fault.AsInvalid(err)
			if !isInv {
				t.Fatalf("Validate = %v, want *fault.Invalid", err)
			}
			if _, has := inv.Fields[tt.field]; !has || len(inv.Fields) != 1 {
				t.Fatalf("Validate fields = %v, want only %q", inv.Fields, tt.field)
			}
			if m.To != "" && strings.Contains(err.Error(), m.To) {
				t.Fatalf("Validate message %q repeats the address", err)
			}
		})
	}
}

func TestRenderVerifyEmail(t *testing.T) {
	t.Parallel()
	url := "https://shop.example/signup/verify?token=abc&x=1"
	m, err := Render("말랑", VerifyEmail, VerifyEmailData{Name: "김<민지>", URL: url, Hours: 24})
	if err != nil {
		t.Fatal(err)
	}
	if m.To != "" {
		t.Errorf("To = %q, want empty", m.To)
	}
	if m.Subject != "[말랑] 이메일 주소를 인증해 주세요" {
		t.Errorf("Subject = %q", m.Subject)
	}
	for _, want := range []string{"김<민지>님", url, "24시간", "Please open the link"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("Text lacks %q:\n%s", want, m.Text)
		}
	}
	for _, want := range []string{
		`<html lang="ko">`,
		"김&lt;민지&gt;님",
		`href="https://shop.example/signup/verify?token=abc&amp;x=1" style="display:inline-block;`,
		"Please verify your email address",
	} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, m.HTML)
		}
	}
	if strings.Contains(m.HTML, "<style") || strings.Contains(m.HTML, "<link") {
		t.Error("HTML has a style sheet; mail clients want inline styles")
	}
	if err := (Message{To: "a@example.com", Subject: m.Subject, Text: m.Text, HTML: m.HTML}).Validate(); err != nil {
		t.Errorf("rendered message does not validate: %v", err)
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tmpl Template
		data any
	}{
		{"unknown template", Template("no-such"), VerifyEmailData{}},
		{"missing field", VerifyEmail, struct{ Name string }{"민지"}},
		{"missing key", VerifyEmail, map[string]any{"Name": "민지"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Render("말랑", tt.tmpl, tt.data); err == nil {
				t.Fatal("Render = nil error")
			}
		})
	}
}

func TestRenderVerifyEmailInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		data  VerifyEmailData
		field string
	}{
		{"javascript link", VerifyEmailData{URL: "javascript:alert(1)", Hours: 24}, "url"},
		{"relative link", VerifyEmailData{URL: "/signup/verify?token=abc", Hours: 24}, "url"},
		{"no hours", VerifyEmailData{URL: "https://shop.example/v/1"}, "hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Render("말랑", VerifyEmail, tt.data)
			if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[tt.field] == "" {
				t.Fatalf("Render = %v, want *fault.Invalid on %s", err, tt.field)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, addr, want string }{
		{"550 <Minji@Example.com>: no such user", "minji@example.com", "550 <<recipient>>: no such user"},
		{"a@b.c, a@b.c", "a@b.c", "<recipient>, <recipient>"},
		{"İ a@b.c", "a@b.c", "İ <recipient>"},
		{"nothing", "a@b.c", "nothing"},
	}
	for _, tt := range tests {
		if got := redact(tt.in, tt.addr); got != tt.want {
			t.Errorf("redact(%q, %q) = %q, want %q", tt.in, tt.addr, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	if got := truncate("가나다", 4); got != "가" {
		t.Errorf("truncate = %q, want 가", got)
	}
	if got := truncate("abc", 4); got != "abc" {
		t.Errorf("truncate = %q, want abc", got)
	}
}

func TestRenderAccountTemplates(t *testing.T) {
	t.Parallel()
	link := LinkData{Name: "김말랑", URL: "https://shop.example/account/reset?token=abc", Hours: 1}
	tests := []struct {
		tmpl    Template
		data    any
		subject string
		want    []string
	}{
		{ResetPassword, link, "[말랑] 비밀번호 재설정 안내", []string{link.URL, "1시간", "김말랑님"}},
		{AccountExists, link, "[말랑] 이미 가입된 이메일 주소입니다", []string{link.URL, "이미 계정이 있으니"}},
		{AccountLocked, LockedData{Minutes: 15, URL: "https://shop.example/account/forgot"}, "[말랑] 로그인 시도가 잠시 막혔습니다", []string{"15분", "https://shop.example/account/forgot"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.tmpl), func(t *testing.T) {
			t.Parallel()
			m, err := Render("말랑", tt.tmpl, tt.data)
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
		})
	}
	if _, err := Render("말랑", AccountLocked, LockedData{Minutes: 0, URL: "/relative"}); err == nil {
		t.Fatal("bad LockedData rendered")
	} else if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["minutes"] == "" || inv.Fields["url"] == "" {
		t.Fatalf("bad LockedData: %v", err)
	}
}

// The shop's name, set by staff, names the shop in every template's
// subject and heading, escaped in the HTML part.
func TestRenderNamesTheShop(t *testing.T) {
	t.Parallel()
	const shop = `봄빛 <공방> & Co`
	data := LinkData{Name: "민지", URL: "https://shop.example/v/1", Hours: 24}
	for _, tmpl := range []Template{VerifyEmail, ResetPassword, AccountExists} {
		t.Run(string(tmpl), func(t *testing.T) {
			t.Parallel()
			m, err := Render(shop, tmpl, data)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(m.Subject, "["+shop+"]") {
				t.Errorf("subject = %q, want it to start with the shop's name", m.Subject)
			}
			if !strings.Contains(m.HTML, "봄빛 &lt;공방&gt; &amp; Co") || strings.Contains(m.HTML, "<공방>") {
				t.Errorf("HTML does not name the shop escaped:\n%s", m.HTML)
			}
			if strings.Contains(m.Text+m.HTML, "말랑") || strings.Contains(m.Text+m.HTML, "Mallang") {
				t.Errorf("a part names another shop:\n%s\n%s", m.Text, m.HTML)
			}
		})
	}
}
