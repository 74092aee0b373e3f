package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/promotion"
)

// promoEnv is shopEnv with a handle on the shop's promotion service.
type promoEnv struct {
	*shopEnv
	promo *promotion.Service
}

func newPromoEnv(t *testing.T) *promoEnv {
	t.Helper()
	s := newShopEnv(t)
	return &promoEnv{shopEnv: s, promo: s.shop.Promotions()}
}

// variant makes an active product with one option in stock and returns
// the option's id.
func (p *promoEnv) variant(t *testing.T, name string) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := p.cat.CreateProduct(ctx, catalog.NewProduct{CategoryID: p.leaf, Name: name, OptionNames: []string{"맛"},
		Variants: []catalog.NewVariant{{SKU: "GIFT-1", Options: [3]string{"버터"}, Price: 3000, Stock: 100, Active: true}}})
	if err != nil {
		t.Fatal(err)
	}
	pd, err := p.cat.Product(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return pd.Variants[0].ID
}

// errorOn fails unless body shows want in the message of field.
func errorOn(t *testing.T, body, field, want string) {
	t.Helper()
	i := strings.Index(body, `data-testid="error-`+field+`"`)
	if i < 0 || !strings.Contains(body[i:min(len(body), i+300)], want) {
		t.Fatalf("no %q on %s:\n%s", want, field, body)
	}
}

// Creating a gift rule: a message per field, then success with the
// product's name, switching it off and on, all audited.
func TestGifts(t *testing.T) {
	t.Parallel()
	p := newPromoEnv(t)
	vid := p.variant(t, "말랑 사은품 머그")
	p.user(t, "promo@example.com", account.Staff, account.PermOrders)
	b, _ := p.staffIn("promo@example.com")

	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	for _, key := range []string{"gifts", "points", "grades"} {
		if !strings.Contains(body, `data-testid="section-`+key+`"`) {
			t.Fatalf("dashboard lacks %s:\n%s", key, body)
		}
	}
	st, body = b.get(bo + "/promotions/gifts")
	if st != http.StatusOK || !strings.Contains(body, `data-testid="new-gift"`) || strings.Contains(body, `data-testid="gift-row"`) {
		t.Fatalf("empty list: %d\n%s", st, body)
	}
	st, body = b.get(bo + "/promotions/gifts/new")
	if st != http.StatusOK || !strings.Contains(body, `name="quantity" value="1"`) {
		t.Fatalf("form: %d\n%s", st, body)
	}

	today := p.clock.Now().In(kst.Zone)
	last := today.AddDate(0, 0, 30).Format(time.DateOnly)
	vidText := strconv.FormatInt(vid, 10)
	good := url.Values{"name": {"5만원 이상 머그 증정"}, "threshold": {"50,000"}, "variant_id": {vidText}, "quantity": {"1"},
		"starts_at": {""}, "ends_at": {last}}
	with := func(changes map[string]string) url.Values {
		v := url.Values{}
		for k, vs := range good {
			v[k] = vs
		}
		for k, x := range changes {
			v.Set(k, x)
		}
		return v
	}
	tests := []struct {
		name   string
		form   url.Values
		errors map[string]string // field → part of its message
	}{
		{"no name", with(map[string]string{"name": " "}), map[string]string{"name": "필수 항목입니다"}},
		{"threshold not a number", with(map[string]string{"threshold": "많이"}), map[string]string{"threshold": "숫자로 입력하세요"}},
		{"negative threshold", with(map[string]string{"threshold": "-1"}), map[string]string{"threshold": "0 이상"}},
		{"no variant", with(map[string]string{"variant_id": ""}), map[string]string{"variant_id": "필수 항목입니다"}},
		{"unknown variant", with(map[string]string{"variant_id": "999999"}), map[string]string{"variant_id": "없는 상품 옵션입니다"}},
		{"too many", with(map[string]string{"quantity": "100"}), map[string]string{"quantity": "99 이하"}},
		{"not a date", with(map[string]string{"ends_at": "12/31"}), map[string]string{"ends_at": "YYYY-MM-DD"}},
		{"ends before it starts", with(map[string]string{"starts_at": last, "ends_at": today.AddDate(0, 0, -1).Format(time.DateOnly)}),
			map[string]string{"ends_at": "시작일 이후"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, body := b.post(bo+"/promotions/gifts", tt.form)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, "표시된 항목을 고쳐 주세요") {
				t.Fatalf("%d\n%s", st, body)
			}
			for field, want := range tt.errors {
				errorOn(t, body, field, want)
			}
			if !strings.Contains(body, `value="`+tt.form.Get("threshold")+`"`) {
				t.Fatalf("the form lost what was typed:\n%s", body)
			}
		})
	}
	if gs, _ := p.promo.ListGifts(context.Background(), 10, 0); len(gs) != 0 {
		t.Fatalf("a refused form saved %+v", gs)
	}

	st, body = b.post(bo+"/promotions/gifts", good)
	period := today.Format(time.DateOnly) + " ~ " + last
	if st != http.StatusOK || !strings.Contains(body, "사은품 규칙 5만원 이상 머그 증정을 만들었습니다") ||
		strings.Count(body, `data-testid="gift-row"`) != 1 || !strings.Contains(body, "50,000원") ||
		!strings.Contains(body, "말랑 사은품 머그") || !strings.Contains(body, period) {
		t.Fatalf("create: %d\n%s", st, body)
	}
	gs, err := p.promo.ListGifts(context.Background(), 10, 0)
	if err != nil || len(gs) != 1 {
		t.Fatalf("gifts = %+v, %v", gs, err)
	}
	g := gs[0]
	end := time.Date(today.Year(), today.Month(), today.Day()+31, 0, 0, 0, 0, kst.Zone)
	if g.Threshold != 50000 || g.VariantID != vid || g.Quantity != 1 || !g.EndsAt.Equal(end) || !g.Active {
		t.Fatalf("gift = %+v, want the end %s", g, end)
	}

	id := strconv.FormatInt(g.ID, 10)
	st, body = b.post(bo+"/promotions/gifts/"+id+"/active", url.Values{"active": {"0"}})
	if st != http.StatusOK || !strings.Contains(body, "중지했습니다") || !strings.Contains(body, `data-testid="activate-`+id+`"`) ||
		!strings.Contains(body, "지금 증정하지 않음") {
		t.Fatalf("off: %d\n%s", st, body)
	}
	if got, _ := p.promo.Gift(context.Background(), g.ID); got.Active {
		t.Fatal("the gift is still on")
	}
	st, body = b.post(bo+"/promotions/gifts/"+id+"/active", url.Values{"active": {"1"}})
	if st != http.StatusOK || !strings.Contains(body, `data-testid="deactivate-`+id+`"`) {
		t.Fatalf("on: %d\n%s", st, body)
	}
	if st, body := b.post(bo+"/promotions/gifts/999/active", url.Values{"active": {"1"}}); st != http.StatusNotFound {
		t.Fatalf("unknown gift: %d\n%s", st, body)
	}

	for _, action := range []string{"gift.created", "gift.deactivated", "gift.activated"} {
		es, _, err := p.audit.List(context.Background(), audit.Filter{Action: action})
		if err != nil || len(es) != 1 || es[0].ActorEmail != "promo@example.com" || es[0].IP != "127.0.0.1" ||
			es[0].TargetType != "gift" || es[0].TargetID != id || es[0].Detail["name"] != "5만원 이상 머그 증정" {
			t.Fatalf("audit %s = %+v, %v", action, es, err)
		}
	}
}

// The points settings: the defaults shown, a message per field, then a save
// the promotion service sees, audited with before and after.
func TestPointsSettings(t *testing.T) {
	t.Parallel()
	p := newPromoEnv(t)
	b, _ := p.staffIn("boss@example.com")

	st, body := b.get(bo + "/promotions/points")
	if st != http.StatusOK || !strings.Contains(body, `name="points_min_spend" value="1000"`) ||
		!strings.Contains(body, `name="points_max_percent" value="100"`) || !strings.Contains(body, `name="points_valid_days" value="365"`) {
		t.Fatalf("points page: %d\n%s", st, body)
	}
	good := url.Values{"points_min_spend": {"2,000"}, "points_max_percent": {"50"}, "points_valid_days": {"730"}}
	bad := []struct {
		name, field, value, want string
	}{
		{"min not a number", "points_min_spend", "이천", "숫자로 입력하세요"},
		{"negative min", "points_min_spend", "-1", "0 이상"},
		{"no percent", "points_max_percent", "0", "1에서 100 사이"},
		{"over 100 percent", "points_max_percent", "101", "1에서 100 사이"},
		{"no days", "points_valid_days", "0", "1일에서 3650일 사이"},
		{"days not a number", "points_valid_days", "1년", "숫자로 입력하세요"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			v := url.Values{}
			for k, x := range good {
				v[k] = x
			}
			v.Set(tt.field, tt.value)
			st, body := b.post(bo+"/promotions/points", v)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, "표시된 항목을 고쳐 주세요") {
				t.Fatalf("%d\n%s", st, body)
			}
			errorOn(t, body, tt.field, tt.want)
			if !strings.Contains(body, `value="`+tt.value+`"`) {
				t.Fatalf("the form lost what was typed:\n%s", body)
			}
		})
	}
	if got, _ := p.promo.Settings(context.Background()); got != promotion.DefaultSettings() {
		t.Fatalf("a refused form saved %+v", got)
	}

	st, body = b.post(bo+"/promotions/points", good)
	if st != http.StatusOK || !strings.Contains(body, "적립금 설정을 저장했습니다") {
		t.Fatalf("save: %d\n%s", st, body)
	}
	want := promotion.Settings{PointsMinSpend: 2000, PointsMaxPercent: 50, PointsValidDays: 730}
	if got, err := p.promo.Settings(context.Background()); err != nil || got != want {
		t.Fatalf("settings = %+v, %v", got, err)
	}
	st, body = b.get(bo + "/promotions/points")
	if st != http.StatusOK || !strings.Contains(body, `name="points_min_spend" value="2000"`) || !strings.Contains(body, `name="points_valid_days" value="730"`) {
		t.Fatalf("saved settings shown: %d\n%s", st, body)
	}
	es, _, err := p.audit.List(context.Background(), audit.Filter{Action: "points.settings_saved"})
	if err != nil || len(es) != 1 || es[0].ActorEmail != "boss@example.com" || es[0].IP != "127.0.0.1" || es[0].TargetID != "points" {
		t.Fatalf("audit = %+v, %v", es, err)
	}
	from, _ := es[0].Detail["from"].(map[string]any)
	to, _ := es[0].Detail["to"].(map[string]any)
	if fmtAny(from["points_max_percent"]) != "100" || fmtAny(to["points_max_percent"]) != "50" {
		t.Fatalf("audit detail = %+v", es[0].Detail)
	}
}

// fmtAny is a number of an audit detail as text (detail numbers come back
// as json.Number).
func fmtAny(v any) string {
	if s, ok := v.(interface{ String() string }); ok {
		return s.String()
	}
	return ""
}

// The grades are listed with their rates; a customer's grade is set by
// email or user id, with messages for an unknown customer or grade.
func TestGrades(t *testing.T) {
	t.Parallel()
	p := newPromoEnv(t)
	ctx := context.Background()
	customer := p.user(t, "customer@example.com", account.Customer)
	p.user(t, "promo@example.com", account.Staff, account.PermOrders)
	b, _ := p.staffIn("promo@example.com")

	st, body := b.get(bo + "/promotions/grades")
	if st != http.StatusOK || strings.Count(body, `data-testid="grade-row"`) != 4 || !strings.Contains(body, "골드") ||
		!strings.Contains(body, "1,000,000원") || !strings.Contains(body, "5%") {
		t.Fatalf("grades: %d\n%s", st, body)
	}

	bad := []struct {
		name, customer, grade, field, want string
	}{
		{"unknown email", "nobody@example.com", "gold", "customer", "회원이 없습니다"},
		{"unknown id", "999999", "gold", "customer", "회원이 없습니다"},
		{"empty", "", "gold", "customer", "회원이 없습니다"},
		{"unknown grade", "customer@example.com", "diamond", "grade", "등급을 고르세요"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			st, body := b.post(bo+"/promotions/grades/assign", url.Values{"customer": {tt.customer}, "grade": {tt.grade}})
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("%d\n%s", st, body)
			}
			errorOn(t, body, tt.field, tt.want)
		})
	}

	st, body = b.post(bo+"/promotions/grades/assign", url.Values{"customer": {"Customer@Example.com"}, "grade": {"gold"}})
	if st != http.StatusOK || !strings.Contains(body, "customer@example.com 님의 등급을 골드로 지정했습니다") {
		t.Fatalf("by email: %d\n%s", st, body)
	}
	if g, err := p.promo.GradeOf(ctx, customer.ID); err != nil || g.Code != "gold" {
		t.Fatalf("grade = %+v, %v", g, err)
	}
	id := strconv.FormatInt(customer.ID, 10)
	st, body = b.post(bo+"/promotions/grades/assign", url.Values{"customer": {id}, "grade": {"vip"}})
	if st != http.StatusOK || !strings.Contains(body, "VIP") {
		t.Fatalf("by id: %d\n%s", st, body)
	}
	if g, err := p.promo.GradeOf(ctx, customer.ID); err != nil || g.Code != "vip" {
		t.Fatalf("grade = %+v, %v", g, err)
	}
	es, _, err := p.audit.List(ctx, audit.Filter{Action: "grade.assigned"})
	if err != nil || len(es) != 2 {
		t.Fatalf("audit = %+v, %v", es, err)
	}
	for _, e := range es {
		if e.ActorEmail != "promo@example.com" || e.IP != "127.0.0.1" || e.TargetType != "user" || e.TargetID != id {
			t.Fatalf("audit entry = %+v", e)
		}
	}
	if es[0].Detail["to"] != "vip" || es[0].Detail["from"] != "gold" || es[1].Detail["from"] != "welcome" {
		t.Fatalf("audit details = %+v, %+v", es[0].Detail, es[1].Detail)
	}
}

// Without the orders permission every promotion page is 403, changes
// nothing and the menu does not offer them; without the service the routes
// do not exist.
func TestPromotionPermissions(t *testing.T) {
	t.Parallel()
	p := newPromoEnv(t)
	ctx := context.Background()
	vid := p.variant(t, "말랑 사은품")
	g, err := p.promo.CreateGift(ctx, audit.Actor{}, promotion.NewGift{Name: "사은품", Threshold: 1000, VariantID: vid})
	if err != nil {
		t.Fatal(err)
	}
	_, created, _ := p.audit.List(ctx, audit.Filter{}) // the gift's own entry
	customer := p.user(t, "customer@example.com", account.Customer)
	p.user(t, "mail@example.com", account.Staff, account.PermMail, account.PermCustomers)
	b, _ := p.staffIn("mail@example.com")
	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	if strings.Contains(body, `data-testid="section-gifts"`) || strings.Contains(body, `data-testid="section-points"`) ||
		strings.Contains(body, `data-testid="section-grades"`) {
		t.Fatalf("the menu offers promotions:\n%s", body)
	}
	gid := strconv.FormatInt(g.ID, 10)
	for _, tt := range []struct{ method, path string }{
		{"GET", "/promotions/gifts"}, {"GET", "/promotions/gifts/new"}, {"POST", "/promotions/gifts"},
		{"POST", "/promotions/gifts/" + gid + "/active"}, {"GET", "/promotions/points"}, {"POST", "/promotions/points"},
		{"GET", "/promotions/grades"}, {"POST", "/promotions/grades/assign"},
	} {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			var st int
			var body string
			if tt.method == "GET" {
				st, body = b.get(bo + tt.path)
			} else {
				st, body = b.post(bo+tt.path, url.Values{"active": {"0"}, "name": {"x"}, "variant_id": {strconv.FormatInt(vid, 10)},
					"points_min_spend": {"0"}, "points_max_percent": {"10"}, "points_valid_days": {"10"},
					"customer": {"customer@example.com"}, "grade": {"vip"}})
			}
			must(t, st, http.StatusForbidden, body)
		})
	}
	if got, _ := p.promo.Gift(ctx, g.ID); !got.Active {
		t.Fatal("a forbidden post switched the gift off")
	}
	if gr, _ := p.promo.GradeOf(ctx, customer.ID); gr.Code != "welcome" {
		t.Fatalf("a forbidden post set the grade %s", gr.Code)
	}
	if st, _ := p.promo.Settings(ctx); st != promotion.DefaultSettings() {
		t.Fatalf("a forbidden post saved %+v", st)
	}
	if _, total, _ := p.audit.List(ctx, audit.Filter{}); total != created {
		t.Fatalf("%d audit entries", total-created)
	}

}
