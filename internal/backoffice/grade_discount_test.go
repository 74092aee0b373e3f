package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// Staff set a grade's discount rate with its other values; a rate outside
// 0–50 % is shown on its field and nothing changes.
func TestGradeDiscountEdited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b, _ := e.staffIn("boss@example.com")
	st, body := b.get(bo + "/promotions/grades")
	must(t, st, http.StatusOK, body)
	contains(t, body, `name="discount_percent"`, "등급 할인")

	form := func(discount string) url.Values {
		return url.Values{"name": {"골드"}, "earn_percent": {"3"}, "min_spend": {"1000000"}, "discount_percent": {discount}}
	}
	for _, tt := range []struct {
		discount, text string
	}{
		{"51", "0에서 50 사이"},
		{"-1", "0에서 50 사이"},
		{"2.5", "0에서 50 사이"},
		{"다섯", "0에서 50 사이"},
	} {
		st, body := b.post(bo+"/promotions/grades/gold", form(tt.discount))
		must(t, st, http.StatusUnprocessableEntity, body)
		contains(t, body, `data-testid="error-discount_percent"`, tt.text)
	}
	if gs, err := e.shop.Promotions().Grades(context.Background()); err != nil || gs[2].DiscountPercent != 0 {
		t.Fatalf("grades after refusals = %+v, %v", gs, err)
	}
	st, body = b.post(bo+"/promotions/grades/gold", form("5"))
	must(t, st, http.StatusOK, body)
	contains(t, body, "골드 등급을 저장했습니다", `data-testid="grade-discount">5%`)
	gs, err := e.shop.Promotions().Grades(context.Background())
	if err != nil || gs[2].DiscountPercent != 5 {
		t.Fatalf("grades = %+v, %v", gs, err)
	}
}
