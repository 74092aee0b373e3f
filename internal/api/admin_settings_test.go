package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
)

// Staff with the settings scope read and change the settings and publish
// legal versions; a bad field is named and nothing is stored; a change made
// on an old version is refused.
func TestSettingsAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	_, id := f.customer(t, "admin@example.com")
	tok := f.staffToken(t, f.makeStaff(t, id, account.Staff, account.PermSettings)).AccessToken

	st := decode[api.ShopSettings](t, f.do(t, req{method: "GET", path: "/api/v1/admin/settings", token: tok}), http.StatusOK)
	if st.Version != 1 || st.ShopName != "말랑 상점" || len(st.BankAccounts) != 1 || st.DepositHours != 48 || st.ConfirmDays != 7 {
		t.Fatalf("settings = %+v", st)
	}

	bad := st
	bad.Business.Registration = "123-45-67890"
	bad.ConfirmDays = 0
	bad.BankAccounts = []api.ShopBankAccount{{Bank: "말랑은행", Account: "123-456", Holder: ""}}
	bad.Attendance.StreakDays = 40
	bad.Reviews.TextPoints = -1
	bad.Dormancy.Months = 61
	wantProblem(t, f.do(t, req{method: "PUT", path: "/api/v1/admin/settings", token: tok, body: bad}), http.StatusUnprocessableEntity,
		"body.business.registration", "body.confirm_days", "body.bank_accounts[0].holder", "body.attendance.streak_days",
		"body.reviews.text_points", "body.dormancy.months")
	if again := decode[api.ShopSettings](t, f.do(t, req{method: "GET", path: "/api/v1/admin/settings", token: tok}), http.StatusOK); again.Version != 1 {
		t.Fatalf("version %d after a refused change", again.Version)
	}

	good := st
	good.ShopName = "말랑 마켓"
	good.Business.Registration = "123-45-67891"
	good.PaymentsOff = []string{"testpay"}
	if st.Attendance != (api.ShopAttendance{On: true, Points: 10, StreakDays: 7, StreakBonus: 100}) {
		t.Fatalf("a new shop's attendance check = %+v", st.Attendance)
	}
	good.Attendance = api.ShopAttendance{On: true, Points: 5}
	if st.Reviews != (api.ShopReviews{TextPoints: 100, PhotoPoints: 500, RequestAfterDays: 7}) {
		t.Fatalf("a new shop's review policy = %+v", st.Reviews)
	}
	good.Reviews = api.ShopReviews{TextPoints: 50, PhotoPoints: 300, RequestAfterDays: 5}
	if st.Dormancy.On != true || st.Dormancy.Months != 12 || st.Dormancy.ChangedAt != nil {
		t.Fatalf("a new shop's dormancy policy = %+v", st.Dormancy)
	}
	good.Dormancy.Months = 6 // stricter: stamped by the shop, whatever is sent
	sent := f.clock.Now().Add(-time.Hour)
	good.Dormancy.ChangedAt = &sent
	got := decode[api.ShopSettings](t, f.do(t, req{method: "PUT", path: "/api/v1/admin/settings", token: tok, body: good}), http.StatusOK)
	if got.Version != 2 || got.ShopName != "말랑 마켓" || got.Business.Registration != "1234567891" || len(got.PaymentsOff) != 1 ||
		got.Attendance != good.Attendance || got.Reviews != good.Reviews || got.Dormancy.Months != 6 ||
		got.Dormancy.ChangedAt == nil || !got.Dormancy.ChangedAt.Equal(f.clock.Now()) {
		t.Fatalf("changed = %+v", got)
	}
	wantProblem(t, f.do(t, req{method: "PUT", path: "/api/v1/admin/settings", token: tok, body: good}), http.StatusConflict)
	// Checkout no longer offers what was switched off.
	methods := decode[api.PaymentMethods](t, f.do(t, req{method: "GET", path: "/api/v1/payment-methods"}), http.StatusOK)
	for _, m := range methods.Methods {
		if m.Key == "testpay" {
			t.Errorf("testpay offered after being switched off: %+v", methods)
		}
	}

	body := map[string]any{"text": "제1조 (목적)", "effective_at": f.clock.Now()}
	lv := decode[api.LegalVersion](t, f.do(t, req{method: "POST", path: "/api/v1/admin/legal/terms", token: tok, body: body}), http.StatusCreated)
	if lv.Version != 1 || lv.URL != "https://shop.example.com/terms/1" {
		t.Fatalf("published = %+v", lv)
	}
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/admin/legal/terms", token: tok,
		body: map[string]any{"text": " ", "effective_at": f.clock.Now().Add(-72 * time.Hour)}}), http.StatusUnprocessableEntity,
		"body.text", "body.effective_at")
	list := decode[[]api.LegalVersion](t, f.do(t, req{method: "GET", path: "/api/v1/admin/legal/terms", token: tok}), http.StatusOK)
	if len(list) != 1 || list[0].Version != 1 {
		t.Fatalf("versions = %+v", list)
	}
}

// A staff token without the settings scope gets 403 on every settings
// operation, and so does a customer's.
func TestSettingsAPINeedsTheScope(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	customer, _ := f.customer(t, "shopper@example.com")
	_, id := f.customer(t, "clerk@example.com")
	staff := f.staffToken(t, f.makeStaff(t, id, account.Staff, account.PermOrders, account.PermSecurity)).AccessToken
	for _, tok := range []string{customer, staff} {
		for _, r := range []req{
			{method: "GET", path: "/api/v1/admin/settings"},
			{method: "PUT", path: "/api/v1/admin/settings", body: map[string]any{"version": 1, "shop_name": "x"}},
			{method: "GET", path: "/api/v1/admin/legal/privacy"},
			{method: "POST", path: "/api/v1/admin/legal/privacy", body: map[string]any{"text": "x", "effective_at": f.clock.Now()}},
		} {
			r.token = tok
			if rec := f.do(t, r); rec.Code != http.StatusForbidden {
				t.Errorf("%s %s: %d, want 403\n%s", r.method, r.path, rec.Code, rec.Body)
			}
		}
	}
}

// A sign-up through the API records the versions of the terms and the
// privacy policy in force, as the storefront's does.
func TestAPISignUpRecordsLegalVersions(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	_, id := f.customer(t, "admin@example.com")
	tok := f.staffToken(t, f.makeStaff(t, id, account.Staff, account.PermSettings)).AccessToken
	for _, doc := range []string{"terms", "terms", "privacy"} {
		decode[api.LegalVersion](t, f.do(t, req{method: "POST", path: "/api/v1/admin/legal/" + doc, token: tok,
			body: map[string]any{"text": "본문", "effective_at": f.clock.Now()}}), http.StatusCreated)
	}
	_, newID := f.customer(t, "newcomer@example.com")
	cs, err := f.acc.Consents(t.Context(), newID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, c := range cs {
		if c.Kind != account.ConsentMarketing {
			got[c.Kind] = c.Version
		}
	}
	if len(got) != 2 || got["terms"] != 2 || got["privacy"] != 1 {
		t.Fatalf("consents = %+v", cs)
	}
}
