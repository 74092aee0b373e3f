package richtext

import (
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"keeps formatting", "<p><strong>면 100%</strong> 티셔츠</p>", "<p><strong>면 100%</strong> 티셔츠</p>"},
		{"drops a script", `<p>안녕</p><script>alert(1)</script>`, "<p>안녕</p>"},
		{"drops an event handler", `<img src="/media/a.png" onerror="alert(1)">`, `<img src="/media/a.png"/>`},
		{"closes what it opens", "<table><tr><td>치수", "<table><tbody><tr><td>치수</td></tr></tbody></table>"},
		{"drops a javascript link", `<a href="javascript:alert(1)">x</a>`, "x"},
		{"trims", "  <p>a</p>\n", "<p>a</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in)
			if got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.Contains(strings.ToLower(got), "alert") && !strings.Contains(tt.want, "alert") {
				t.Errorf("Sanitize(%q) kept a script: %q", tt.in, got)
			}
		})
	}
}
