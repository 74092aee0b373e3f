package media_test

import (
	"slices"
	"testing"

	"github.com/mallang/mallang/internal/media"
)

func TestMentions(t *testing.T) {
	t.Parallel()
	keys := []string{"uploads/3f/3fa9.png", "uploads/aa/aa01.jpg", "uploads/bb/bb02.webp", "uploads/cc/cc03.gif"}
	tests := []struct {
		name  string
		texts []string
		want  []string
	}{
		{"none", []string{"", "<p>글만 있습니다</p>"}, nil},
		{"an img in a body", []string{`<p><img src="/media/uploads/3f/3fa9.png" alt="앞면"></p>`}, []string{"uploads/3f/3fa9.png"}},
		{"a bare URL column", []string{"/media/uploads/aa/aa01.jpg"}, []string{"uploads/aa/aa01.jpg"}},
		{"single quotes and a query", []string{`<img src='/media/uploads/bb/bb02.webp?w=300'>`}, []string{"uploads/bb/bb02.webp"}},
		{"several texts, each key once", []string{
			`<img src="/media/uploads/cc/cc03.gif"><img src="/media/uploads/cc/cc03.gif">`,
			`<a href="https://shop.example/media/uploads/aa/aa01.jpg">원본</a>`,
		}, []string{"uploads/aa/aa01.jpg", "uploads/cc/cc03.gif"}},
		{"a longer key is another key", []string{`<img src="/media/uploads/3f/3fa9.png.bak">`, `/media/uploads/3f`}, nil},
		{"an escaped ampersand ends the key", []string{`<img src="/media/uploads/aa/aa01.jpg&amp;x=1">`}, []string{"uploads/aa/aa01.jpg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := media.NewMentions(keys)
			for _, s := range tt.texts {
				m.Scan(s)
			}
			got := m.Found()
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("found %q, want %q", got, tt.want)
			}
			if m.All() != (len(tt.want) == len(keys)) {
				t.Errorf("All() = %v with %d of %d found", m.All(), len(got), len(keys))
			}
		})
	}
}
