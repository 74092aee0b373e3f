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
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/pricing"
)

// Creating a coupon: every field's message in Korean, what was typed kept,
// then success, the list, switching it off and on, all audited.
func TestCoupons(t *testing.T) {
	t.Parallel()
	s := newShopEnv(t)
	s.user(t, "orders@example.com", account.Staff, account.PermOrders)
	b, _ := s.staffIn("orders@example.com")

	st, body := b.get(bo + "/coupons")
	if st != http.StatusOK || !strings.Contains(body, `data-testid="new-coupon"`) || strings.Contains(body, `data-testid="coupon-row"`) {
		t.Fatalf("empty list: %d\n%s", st, body)
	}
	st, body = b.get(bo + "/coupons/new")
	if st != http.StatusOK || !strings.Contains(body, `data-testid="field-code"`) || !strings.Contains(body, `name="per_customer_limit" value="1"`) {
		t.Fatalf("form: %d\n%s", st, body)
	}

	good := url.Values{"code": {"welcome-10"}, "name": {"첫 구매 10% 할인"}, "kind": {"percent"}, "amount": {"10"},
		"max_discount": {"5,000"}, "min_order": {"20,000"}, "starts_at": {"2026-12-01"}, "ends_at": {"2026-12-31"},
		"total_limit": {"100"}, "per_customer_limit": {"1"}}
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
		{"bad code", with(map[string]string{"code": "a"}), map[string]string{"code": "영문, 숫자, -, _ 3~32자"}},
		{"no name", with(map[string]string{"name": " "}), map[string]string{"name": "필수 항목입니다"}},
		{"percent over 100", with(map[string]string{"amount": "150"}), map[string]string{"amount": "1에서 100 사이"}},
		{"cap on a fixed coupon", with(map[string]string{"kind": "fixed", "amount": "3000"}), map[string]string{"max_discount": "정률 쿠폰에만"}},
		{"not a number", with(map[string]string{"min_order": "많이"}), map[string]string{"min_order": "숫자로 입력하세요"}},
		{"not a date", with(map[string]string{"ends_at": "12/31"}), map[string]string{"ends_at": "YYYY-MM-DD"}},
		{"ends before it starts", with(map[string]string{"ends_at": "2026-11-01"}), map[string]string{"ends_at": "시작일 이후"}},
		{"negative limit", with(map[string]string{"total_limit": "-1"}), map[string]string{"total_limit": "0 이상"}},
		{"no kind", with(map[string]string{"kind": "gift"}), map[string]string{"kind": "할인 방식을 고르세요"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, body := b.post(bo+"/coupons", tt.form)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, "표시된 항목을 고쳐 주세요") {
				t.Fatalf("%d\n%s", st, body)
			}
			for field, want := range tt.errors {
				i := strings.Index(body, `data-testid="error-`+field+`"`)
				if i < 0 || !strings.Contains(body[i:min(len(body), i+300)], want) {
					t.Fatalf("no %q on %s:\n%s", want, field, body)
				}
			}
			if !strings.Contains(body, `value="`+tt.form.Get("code")+`"`) {
				t.Fatalf("the form lost what was typed:\n%s", body)
			}
		})
	}

	st, body = b.post(bo+"/coupons", good)
	if st != http.StatusOK || !strings.Contains(body, "쿠폰 WELCOME-10을 만들었습니다") || strings.Count(body, `data-testid="coupon-row"`) != 1 ||
		!strings.Contains(body, "10% 할인 (최대 5,000원)") || !strings.Contains(body, "2026-12-01 ~ 2026-12-31") || !strings.Contains(body, "0 / 100") {
		t.Fatalf("create: %d\n%s", st, body)
	}
	cs, err := s.coupons.List(context.Background(), 10, 0)
	if err != nil || len(cs) != 1 {
		t.Fatalf("coupons = %+v, %v", cs, err)
	}
	c := cs[0]
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, kst.Zone)
	end := time.Date(2027, 1, 1, 0, 0, 0, 0, kst.Zone)
	if c.Code != "WELCOME-10" || c.Kind != "percent" || c.Amount != 10 || c.MaxDiscount != 5000 || c.MinOrder != 20000 ||
		!c.StartsAt.Equal(start) || !c.EndsAt.Equal(end) || c.TotalLimit != 100 || c.PerCustomerLimit != 1 || !c.Active {
		t.Fatalf("coupon = %+v", c)
	}
	st, body = b.post(bo+"/coupons", good)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "이미 다른 쿠폰이 쓰는 코드입니다") {
		t.Fatalf("same code again: %d\n%s", st, body)
	}

	id := strconv.FormatInt(c.ID, 10)
	st, body = b.post(bo+"/coupons/"+id+"/active", url.Values{"active": {"0"}})
	if st != http.StatusOK || !strings.Contains(body, "사용 중지했습니다") || !strings.Contains(body, `data-testid="activate-`+id+`"`) {
		t.Fatalf("off: %d\n%s", st, body)
	}
	if got, _ := s.coupons.Get(context.Background(), c.ID); got.Active {
		t.Fatal("the coupon is still on")
	}
	st, body = b.post(bo+"/coupons/"+id+"/active", url.Values{"active": {"1"}})
	if st != http.StatusOK || !strings.Contains(body, `data-testid="deactivate-`+id+`"`) {
		t.Fatalf("on: %d\n%s", st, body)
	}
	if st, body := b.post(bo+"/coupons/999/active", url.Values{"active": {"1"}}); st != http.StatusNotFound {
		t.Fatalf("unknown coupon: %d\n%s", st, body)
	}

	for _, action := range []string{"coupon.created", "coupon.deactivated", "coupon.activated"} {
		es, _, err := s.audit.List(context.Background(), audit.Filter{Action: action})
		if err != nil || len(es) != 1 || es[0].ActorEmail != "orders@example.com" || es[0].IP != "127.0.0.1" ||
			es[0].TargetType != "coupon" || es[0].TargetID != id || es[0].Detail["code"] != "WELCOME-10" {
			t.Fatalf("audit %s = %+v, %v", action, es, err)
		}
	}
}

// The shipping rules: the defaults shown, rows added and removed without
// saving, messages on the fields at fault, then a save that pricing sees.
func TestShippingRules(t *testing.T) {
	t.Parallel()
	s := newShopEnv(t)
	b, _ := s.staffIn("boss@example.com")

	st, body := b.get(bo + "/shipping")
	defaults := len(s.defaultsRemote(t))
	if st != http.StatusOK || strings.Count(body, `data-testid="remote-area"`) != defaults || !strings.Contains(body, `name="base_fee" value="3000"`) ||
		strings.Count(body, `data-testid="carrier"`) != 5 || !strings.Contains(body, "CJ대한통운") {
		t.Fatalf("shipping page: %d\n%s", st, body)
	}

	form := url.Values{"base_fee": {"3,500"}, "free_over": {"40000"}, "per_seller": {"1"},
		"remote_name": {"제주", "울릉"}, "remote_from": {"63000", "40200"}, "remote_to": {"63644", "40240"}, "remote_surcharge": {"3000", "5000"}}
	add := url.Values{}
	for k, v := range form {
		add[k] = v
	}
	add.Set("op", "add")
	st, body = b.post(bo+"/shipping", add)
	if st != http.StatusOK || strings.Count(body, `data-testid="remote-area"`) != 3 || !strings.Contains(body, `value="3,500"`) {
		t.Fatalf("add a row: %d\n%s", st, body)
	}
	add.Set("op", "remove-0")
	st, body = b.post(bo+"/shipping", add)
	if st != http.StatusOK || strings.Count(body, `data-testid="remote-area"`) != 1 || strings.Contains(body, `value="63000"`) {
		t.Fatalf("remove a row: %d\n%s", st, body)
	}
	if r, _ := s.shipping.Rules(context.Background()); r.BaseFee != 3000 {
		t.Fatalf("adding and removing rows saved: %+v", r)
	}

	bad := []struct {
		name   string
		change func(url.Values)
		field  string
		want   string
	}{
		{"fee not a number", func(v url.Values) { v.Set("base_fee", "삼천") }, "base_fee", "숫자로 입력하세요"},
		{"negative threshold", func(v url.Values) { v.Set("free_over", "-1") }, "free_over", "0 이상"},
		{"short postcode", func(v url.Values) { v["remote_from"] = []string{"6300", "40200"} }, "remote_from-0", "숫자 5자리"},
		{"range backwards", func(v url.Values) { v["remote_to"] = []string{"63644", "40100"} }, "remote_to-1", "시작 우편번호보다"},
		{"overlap", func(v url.Values) {
			v["remote_from"] = []string{"63000", "63100"}
			v["remote_to"] = []string{"63644", "63200"}
		}, "remote_from-1", "겹칩니다"},
		{"no name", func(v url.Values) { v["remote_name"] = []string{"제주", ""} }, "remote_name-1", "필수 항목입니다"},
		{"surcharge not a number", func(v url.Values) { v["remote_surcharge"] = []string{"3000", "x"} }, "remote_surcharge-1", "숫자로 입력하세요"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			v := url.Values{}
			for k, x := range form {
				v[k] = append([]string(nil), x...)
			}
			tt.change(v)
			st, body := b.post(bo+"/shipping", v)
			i := strings.Index(body, `data-testid="error-`+tt.field+`"`)
			if st != http.StatusUnprocessableEntity || i < 0 || !strings.Contains(body[i:min(len(body), i+300)], tt.want) {
				t.Fatalf("%d, want %q on %s\n%s", st, tt.want, tt.field, body)
			}
		})
	}
	if r, _ := s.shipping.Rules(context.Background()); r.BaseFee != 3000 {
		t.Fatalf("a refused form saved: %+v", r)
	}

	// Saved, with a blank row dropped.
	form["remote_name"] = append(form["remote_name"], "")
	form["remote_from"] = append(form["remote_from"], "")
	form["remote_to"] = append(form["remote_to"], "")
	form["remote_surcharge"] = append(form["remote_surcharge"], "")
	st, body = b.post(bo+"/shipping", form)
	if st != http.StatusOK || !strings.Contains(body, "배송비 규칙을 저장했습니다") || strings.Count(body, `data-testid="remote-area"`) != 2 {
		t.Fatalf("save: %d\n%s", st, body)
	}
	r, err := s.shipping.Rules(context.Background())
	want := pricing.ShippingRules{BaseFee: 3500, FreeOver: 40000, PerSeller: true, Remote: []pricing.RemoteArea{
		{Name: "제주", From: "63000", To: "63644", Surcharge: 3000}, {Name: "울릉", From: "40200", To: "40240", Surcharge: 5000}}}
	if err != nil || r.BaseFee != want.BaseFee || r.FreeOver != want.FreeOver || r.PerSeller != want.PerSeller || len(r.Remote) != 2 ||
		r.Remote[0] != want.Remote[0] || r.Remote[1] != want.Remote[1] {
		t.Fatalf("rules = %+v, %v", r, err)
	}
	st, body = b.get(bo + "/shipping")
	if st != http.StatusOK || !strings.Contains(body, `name="base_fee" value="3500"`) || strings.Count(body, `data-testid="remote-area"`) != 2 {
		t.Fatalf("saved rules shown: %d\n%s", st, body)
	}
	es, _, err := s.audit.List(context.Background(), audit.Filter{Action: "shipping.rules_saved"})
	if err != nil || len(es) != 1 || es[0].ActorEmail != "boss@example.com" || es[0].TargetID != "shipping" {
		t.Fatalf("audit = %+v, %v", es, err)
	}
	to, _ := es[0].Detail["to"].(map[string]any)
	if to["remote_areas"] == nil || to["remote_areas"].(interface{ String() string }).String() != "2" {
		t.Fatalf("audit detail = %+v", es[0].Detail)
	}
}

// defaultsRemote is the remote areas in force before staff save any.
func (s *shopEnv) defaultsRemote(t *testing.T) []pricing.RemoteArea {
	t.Helper()
	r, err := s.shipping.Rules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r.Remote
}
