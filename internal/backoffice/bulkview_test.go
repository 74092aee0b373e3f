package backoffice

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// A run that is not done shows its phase and rows done in both languages,
// with a progress bar; the handler adds the Refresh header that reloads it.
func TestRunPageInProgress(t *testing.T) {
	t.Parallel()
	msgs := newMessages()
	tests := []struct {
		lang int
		want []string
	}{
		{ko, []string{"처리 중입니다", "행 확인 중: 1000 / 10000행", `<progress id="run-bar" value="1000" max="10000">`}},
		{en, []string{"Working.", "Checking rows: 1000 of 10000 rows", `<progress id="run-bar" value="1000" max="10000">`}},
	}
	for _, tt := range tests {
		t.Run(msgs[tt.lang].Code(), func(t *testing.T) {
			m := msgs[tt.lang]
			v := runView{BackURL: "/b", Mode: m.T("bulk.mode.apply"), Phase: m.T("bulk.phase.check"), DoneRows: 1000, TotalRows: 10000}
			var buf bytes.Buffer
			if err := bulkRunPage(&page{M: m, Title: m.T("bulk.run.title")}, v).Render(context.Background(), &buf); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("page lacks %q:\n%s", w, buf.String())
				}
			}
			if strings.Contains(buf.String(), `data-testid="run-outcome"`) {
				t.Error("a running import shows an outcome")
			}
		})
	}
}
