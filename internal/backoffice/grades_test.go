package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// Staff edit a grade's name, earn rate and threshold on the grades page; a
// bad value is shown on its field and nothing changes.
func TestGradeEdited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b, _ := e.staffIn("boss@example.com")
	st, body := b.get(bo + "/promotions/grades")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="grade-edit-silver"`, `value="2"`, `value="300000"`)

	for _, tt := range []struct {
		form  url.Values
		field string
		text  string
	}{
		{url.Values{"name": {"실버"}, "earn_percent": {"2.55"}, "min_spend": {"300000"}}, "earn_percent", "소수점 한 자리까지"},
		{url.Values{"name": {"실버"}, "earn_percent": {"2"}, "min_spend": {"5000000"}}, "min_spend", "위 등급의 기준 금액보다 작아야 합니다"},
		{url.Values{"name": {""}, "earn_percent": {"2"}, "min_spend": {"300000"}}, "name", "필수 항목입니다"},
	} {
		st, body := b.post(bo+"/promotions/grades/silver", tt.form)
		must(t, st, http.StatusUnprocessableEntity, body)
		contains(t, body, `data-testid="error-`+tt.field+`"`, tt.text)
	}
	st, body = b.post(bo+"/promotions/grades/silver", url.Values{"name": {"실버 플러스"}, "earn_percent": {"2.5"}, "min_spend": {"250000"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "실버 플러스 등급을 저장했습니다", "2.5%", "250,000원")
	gs, err := e.shop.Promotions().Grades(context.Background())
	if err != nil || gs[1].Name != "실버 플러스" || gs[1].EarnPermille != 25 || gs[1].MinSpend != 250000 {
		t.Fatalf("grades = %+v, %v", gs, err)
	}
	if st, _ := b.post(bo+"/promotions/grades/platinum", url.Values{"name": {"x"}, "earn_percent": {"1"}, "min_spend": {"1"}}); st != http.StatusNotFound {
		t.Errorf("unknown grade: %d", st)
	}
}
