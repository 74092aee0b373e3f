package api_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/api"
)

func homeAddress() map[string]any {
	return map[string]any{
		"label": "집", "recipient": "김말랑", "phone": "010-1234-5678", "postcode": "06236",
		"line1": "서울특별시 강남구 테헤란로 427", "line2": "위워크타워 10층", "note": "문 앞에 놓아 주세요",
	}
}

func officeAddress() map[string]any {
	return map[string]any{
		"label": "회사", "recipient": "이말랑", "phone": "+82 2 312 3456", "postcode": "04524",
		"line1": "서울특별시 중구 세종대로 110",
	}
}

func TestAddresses(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	tok := f.signIn(t, minjiEmail, minjiPass).AccessToken
	call := func(method, path string, body any) (int, []byte, http.Header) {
		rec := f.do(t, req{method: method, path: path, body: body, token: tok})
		return rec.Code, rec.Body.Bytes(), rec.Header()
	}

	code, body, _ := call("GET", "/api/v1/me/addresses", nil)
	if code != http.StatusOK || string(body) != `{"items":[]}`+"\n" && string(body) != `{"items":[]}` {
		t.Fatalf("empty list = %d %s", code, body)
	}

	rec := f.do(t, req{method: "POST", path: "/api/v1/me/addresses", body: homeAddress(), token: tok})
	home := decode[api.Address](t, rec, http.StatusCreated)
	if loc := rec.Header().Get("Location"); loc != testBaseURL+"/api/v1/me/addresses/"+strconv.FormatInt(home.ID, 10) {
		t.Errorf("Location = %q", loc)
	}
	if home.Phone != "+821012345678" || !home.IsDefault || home.Recipient != "김말랑" || home.Note != "문 앞에 놓아 주세요" {
		t.Errorf("created = %+v", home)
	}
	for _, leak := range []string{"_enc", "user_id", "v1:", "k1:"} {
		if strings.Contains(rec.Body.String(), leak) {
			t.Errorf("response holds %q: %s", leak, rec.Body)
		}
	}
	office := decode[api.Address](t, f.do(t, req{method: "POST", path: "/api/v1/me/addresses", body: officeAddress(), token: tok}), http.StatusCreated)
	if office.IsDefault || office.Line2 != "" || office.Phone != "+8223123456" {
		t.Errorf("second = %+v", office)
	}

	officePath := "/api/v1/me/addresses/" + strconv.FormatInt(office.ID, 10)
	if got := decode[api.Address](t, f.do(t, req{method: "GET", path: officePath, token: tok}), http.StatusOK); got != office {
		t.Errorf("get = %+v, want %+v", got, office)
	}
	if got := decode[api.Address](t, f.do(t, req{method: "POST", path: officePath + "/default", token: tok}), http.StatusOK); !got.IsDefault {
		t.Errorf("after default: %+v", got)
	}
	list := decode[api.AddressList](t, f.do(t, req{method: "GET", path: "/api/v1/me/addresses", token: tok}), http.StatusOK)
	if len(list.Items) != 2 || list.Items[0].ID != office.ID || list.Items[1].IsDefault {
		t.Errorf("list = %+v", list)
	}
	edit := officeAddress()
	edit["line2"] = "3층"
	if got := decode[api.Address](t, f.do(t, req{method: "PUT", path: officePath, body: edit, token: tok}), http.StatusOK); got.Line2 != "3층" || !got.IsDefault {
		t.Errorf("after update: %+v", got)
	}
	if rec := f.do(t, req{method: "DELETE", path: officePath, token: tok}); rec.Code != http.StatusNoContent {
		t.Fatalf("delete = %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, f.do(t, req{method: "GET", path: officePath, token: tok}), http.StatusNotFound)
	// The default moved to the one left.
	list = decode[api.AddressList](t, f.do(t, req{method: "GET", path: "/api/v1/me/addresses", token: tok}), http.StatusOK)
	if len(list.Items) != 1 || !list.Items[0].IsDefault {
		t.Errorf("list after delete = %+v", list)
	}
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me/addresses/abc", token: tok}), http.StatusUnprocessableEntity, "path.id")
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me/addresses", token: ""}), http.StatusUnauthorized)
}

func TestAddressesOfOthers(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	f.member(t, "jisoo@example.com")
	minji := f.signIn(t, minjiEmail, minjiPass).AccessToken
	jisoo := f.signIn(t, "jisoo@example.com", minjiPass).AccessToken
	decode[api.Address](t, f.do(t, req{method: "POST", path: "/api/v1/me/addresses", body: officeAddress(), token: jisoo}), http.StatusCreated)
	hers := decode[api.Address](t, f.do(t, req{method: "POST", path: "/api/v1/me/addresses", body: homeAddress(), token: jisoo}), http.StatusCreated)
	path := "/api/v1/me/addresses/" + strconv.FormatInt(hers.ID, 10)

	tests := []struct {
		method, path string
		body         any
	}{
		{"GET", path, nil},
		{"PUT", path, officeAddress()},
		{"DELETE", path, nil},
		{"POST", path + "/default", nil},
		{"GET", "/api/v1/me/addresses/999999", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := f.do(t, req{method: tt.method, path: tt.path, body: tt.body, token: minji})
			wantProblem(t, rec, http.StatusNotFound)
			for _, leak := range []string{"김말랑", "테헤란로", "06236"} {
				if strings.Contains(rec.Body.String(), leak) {
					t.Errorf("404 shows %q: %s", leak, rec.Body)
				}
			}
		})
	}
	if list := decode[api.AddressList](t, f.do(t, req{method: "GET", path: "/api/v1/me/addresses", token: minji}), http.StatusOK); len(list.Items) != 0 {
		t.Errorf("minji sees %+v", list)
	}
	// Jisoo's address is as she left it.
	got := decode[api.Address](t, f.do(t, req{method: "GET", path: path, token: jisoo}), http.StatusOK)
	if got != hers {
		t.Errorf("after the attempts: %+v, want %+v", got, hers)
	}
}

func TestAddressValidation(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	tok := f.signIn(t, minjiEmail, minjiPass).AccessToken
	created := decode[api.Address](t, f.do(t, req{method: "POST", path: "/api/v1/me/addresses", body: homeAddress(), token: tok}), http.StatusCreated)
	path := "/api/v1/me/addresses/" + strconv.FormatInt(created.ID, 10)

	tests := []struct {
		name      string
		edit      func(map[string]any)
		locations []string
	}{
		{"blank recipient", func(b map[string]any) { b["recipient"] = "  " }, []string{"body.recipient"}},
		{"missing recipient", func(b map[string]any) { delete(b, "recipient") }, []string{"body.recipient"}},
		{"bad phone", func(b map[string]any) { b["phone"] = "010-12" }, []string{"body.phone"}},
		{"letters in the postcode", func(b map[string]any) { b["postcode"] = "0623a" }, []string{"body.postcode"}},
		{"long postcode", func(b map[string]any) { b["postcode"] = "062360" }, []string{"body.postcode"}},
		{"no line1, line break in line2", func(b map[string]any) { b["line1"] = ""; b["line2"] = "10층\n문 앞" }, []string{"body.line1", "body.line2"}},
		{"long label", func(b map[string]any) { b["label"] = strings.Repeat("집", address.MaxLabelRunes+1) }, []string{"body.label"}},
		{"long note", func(b map[string]any) { b["note"] = strings.Repeat("가", address.MaxNoteRunes+1) }, []string{"body.note"}},
		{"make_default not a bool", func(b map[string]any) { b["make_default"] = "yes" }, []string{"body.make_default"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []req{{method: "POST", path: "/api/v1/me/addresses"}, {method: "PUT", path: path}} {
				b := homeAddress()
				tt.edit(b)
				r.body, r.token = b, tok
				wantProblem(t, f.do(t, r), http.StatusUnprocessableEntity, tt.locations...)
			}
		})
	}
	if got := decode[api.Address](t, f.do(t, req{method: "GET", path: path, token: tok}), http.StatusOK); got != created {
		t.Errorf("refused updates changed the address: %+v", got)
	}

	// The book holds MaxPerUser addresses; one more is refused, naming the
	// book rather than a field.
	me := decode[map[string]any](t, f.do(t, req{method: "GET", path: "/api/v1/me", token: tok}), http.StatusOK)
	uid := int64(me["id"].(float64))
	for range address.MaxPerUser - 1 {
		if _, err := f.addr.Create(t.Context(), uid, address.Input{Recipient: "김말랑", Phone: minjiPhone, Postcode: "06236", Line1: "서울 강남구 테헤란로 427"}); err != nil {
			t.Fatal(err)
		}
	}
	p := wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/me/addresses", body: homeAddress(), token: tok}), http.StatusUnprocessableEntity, "body.address")
	if !strings.Contains(p.Errors[0].Message, strconv.Itoa(address.MaxPerUser)) {
		t.Errorf("cap message = %q", p.Errors[0].Message)
	}
	raw, _ := json.Marshal(p)
	if strings.Contains(string(raw), "김말랑") {
		t.Errorf("problem echoes input: %s", raw)
	}
}
