package richtext_test

import (
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/richtext"
	"github.com/mallang/mallang/internal/richtext/richtexttest"
)

// Every XSS vector of the corpus comes out of Sanitize inert, and so does
// the whole corpus at once (vectors can combine); normal Korean and English
// content, and the images the editor inserts, survive.
func TestSanitizeCorpus(t *testing.T) {
	t.Parallel()
	var all strings.Builder
	for _, s := range richtexttest.Samples() {
		all.WriteString(s.HTML)
	}
	for _, v := range richtexttest.Vectors() {
		all.WriteString(v.HTML)
		out := richtext.Sanitize(v.HTML)
		if err := richtexttest.Check(out); err != nil {
			t.Errorf("line %d: Sanitize(%q) = %q: %v", v.Line, v.HTML, out, err)
		}
		if again := richtext.Sanitize(out); again != out {
			t.Errorf("line %d: sanitising twice changes %q to %q", v.Line, out, again)
		}
	}
	if out := richtext.Sanitize(all.String()); richtexttest.Check(out) != nil {
		t.Errorf("the whole corpus at once: %v", richtexttest.Check(out))
	}
	for _, s := range richtexttest.Samples() {
		out := richtext.Sanitize(s.HTML)
		if !strings.Contains(out, s.Keep) {
			t.Errorf("line %d: Sanitize(%q) = %q, lost %q", s.Line, s.HTML, out, s.Keep)
		}
	}
}
