package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/inquiry"
)

// customerOf makes a customer with a phone number and an address.
func (e *env) customerOf(t *testing.T, email string) account.User {
	t.Helper()
	ctx := context.Background()
	u := e.user(t, email, account.Customer)
	if _, err := e.acc.UpdateProfile(ctx, u.ID, account.Profile{Name: "김민지", Phone: "010-1234-5678", MarketingConsent: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.shop.Addresses().Create(ctx, u.ID, address.Input{Recipient: "김민지", Phone: "010-1234-5678", Postcode: "06236",
		Line1: "서울특별시 강남구 테헤란로 152", Line2: "12층"}); err != nil {
		t.Fatal(err)
	}
	return u
}

func (e *env) auditCount(t *testing.T, action string) int {
	t.Helper()
	_, n, err := e.audit.List(context.Background(), audit.Filter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The customer's page shows the profile with the phone decrypted, the
// grade, the consents and sign-ins; the addresses stay masked until staff
// reveal them, which is audited; points are adjusted with a reason and
// audited; blocking needs a reason, signs the customer out and is undone
// by unblocking.
func TestCustomerPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.customerOf(t, "minji@example.com")
	if _, err := e.acc.Login(context.Background(), account.Login{Email: c.Email, Password: password, IP: "198.51.100.4", UserAgent: "Firefox"}); err != nil {
		t.Fatal(err)
	}
	e.user(t, "cs@example.com", account.Staff, account.PermCustomers)
	b, _ := e.staffIn("cs@example.com")
	page := bo + "/users/" + strconv.FormatInt(c.ID, 10)
	st, body := b.get(page)
	must(t, st, http.StatusOK, body)
	contains(t, body, "010-1234-5678", `data-testid="customer-grade"`, "마케팅 정보 수신", "198.51.100.4", "Firefox", "●●●●")
	lacks(t, body, "테헤란로")
	if n := e.auditCount(t, "customer.addresses_viewed"); n != 0 {
		t.Fatalf("a masked view was audited")
	}

	st, body = b.post(page+"/addresses", nil)
	must(t, st, http.StatusOK, body)
	contains(t, body, "테헤란로 152", "열람 기록이 감사 로그에 남았습니다")
	lacks(t, body, "+82")
	if n := e.auditCount(t, "customer.addresses_viewed"); n != 1 {
		t.Fatalf("address views audited: %d, want 1", n)
	}

	tests := []struct {
		name          string
		delta, reason string
		status        int
		want          string
	}{
		{"not a number", "many", "보상", http.StatusUnprocessableEntity, "숫자로 입력하세요"},
		{"no reason", "1000", "", http.StatusUnprocessableEntity, "필수 항목입니다"},
		{"more than the balance", "-1", "회수", http.StatusUnprocessableEntity, "잔액보다 많이 뺄 수 없습니다"},
		{"credit", "3,000", "배송 지연 보상", http.StatusOK, "잔액: 3,000원"},
		{"debit", "-500", "중복 지급 회수", http.StatusOK, "잔액: 2,500원"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, body := b.post(page+"/points", url.Values{"delta": {tt.delta}, "reason": {tt.reason}})
			must(t, st, tt.status, body)
			contains(t, body, tt.want)
		})
	}
	st, body = b.get(page)
	must(t, st, http.StatusOK, body)
	contains(t, body, "배송 지연 보상", "중복 지급 회수", "직원 조정")
	if n := e.auditCount(t, "points.adjusted"); n != 2 {
		t.Fatalf("adjustments audited: %d, want 2", n)
	}

	st, body = b.post(page+"/block", url.Values{"reason": {""}})
	must(t, st, http.StatusUnprocessableEntity, body)
	st, body = b.post(page+"/block", url.Values{"reason": {"허위 주문 반복"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "이용을 제한했습니다", "허위 주문 반복", `data-testid="unblock-form"`)
	if _, err := e.acc.Login(context.Background(), account.Login{Email: c.Email, Password: password}); err == nil {
		t.Fatal("a blocked customer signed in")
	}
	st, body = b.post(page+"/block", url.Values{"reason": {"again"}})
	must(t, st, http.StatusConflict, body)
	st, body = b.post(page+"/unblock", url.Values{"reason": {"소명 확인"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "이용 제한을 해제했습니다")
	if n := e.auditCount(t, "user.blocked") + e.auditCount(t, "user.unblocked"); n != 2 {
		t.Fatalf("block changes audited: %d, want 2", n)
	}
}

// Staff answer an inquiry from the queue, filling it from a template; the
// customer is mailed; the queue shows the age and open ones first.
func TestInquiriesSection(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.customerOf(t, "minji@example.com")
	ctx := context.Background()
	in, err := e.shop.Inquiries().Ask(ctx, inquiry.AskInput{UserID: c.ID, Kind: inquiry.KindAccount, Title: "비밀번호를 바꾸고 싶어요", Body: "어디서 바꾸나요?"})
	if err != nil {
		t.Fatal(err)
	}
	// Asked three hours ago.
	w := e.d.Write()
	if _, err := w.ExecContext(ctx, w.Rebind(`UPDATE inquiries SET created_at = ? WHERE id = ?`), e.clock.Now().Add(-3*time.Hour-time.Minute), in.ID); err != nil {
		t.Fatal(err)
	}
	e.user(t, "cs@example.com", account.Staff, account.PermCustomers)
	b, _ := e.staffIn("cs@example.com")
	st, body := b.get(bo + "/inquiries")
	must(t, st, http.StatusOK, body)
	contains(t, body, "비밀번호를 바꾸고 싶어요", "3시간 전", "답변 대기 1건", "회원")

	st, body = b.post(bo+"/inquiry-templates", url.Values{"title": {""}, "body": {""}})
	must(t, st, http.StatusUnprocessableEntity, body)
	st, body = b.post(bo+"/inquiry-templates", url.Values{"title": {"비밀번호 안내"}, "body": {"계정 > 비밀번호 변경에서 바꿀 수 있습니다."}})
	must(t, st, http.StatusOK, body)
	tps, err := e.shop.Inquiries().Templates(ctx)
	if err != nil || len(tps) != 1 {
		t.Fatalf("templates %v, %v", tps, err)
	}
	page := bo + "/inquiries/" + strconv.FormatInt(in.ID, 10)
	st, body = b.get(page + "?template=" + strconv.FormatInt(tps[0].ID, 10))
	must(t, st, http.StatusOK, body)
	contains(t, body, "어디서 바꾸나요?", ">계정 &gt; 비밀번호 변경에서 바꿀 수 있습니다.</textarea>")

	st, body = b.post(page+"/answer", url.Values{"answer": {" "}})
	must(t, st, http.StatusUnprocessableEntity, body)
	st, body = b.post(page+"/answer", url.Values{"answer": {"계정 > 비밀번호 변경에서 바꿀 수 있습니다."}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "답변을 보냈습니다", "답변 완료")
	mails, err := e.outbox.List(ctx, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range mails {
		found = found || (m.To == c.Email && m.Subject == `[말랑 상점] 문의하신 "비밀번호를 바꾸고 싶어요"에 답변을 드렸습니다`)
	}
	if !found {
		t.Fatalf("no answer mail in the outbox: %+v", mails)
	}
	st, body = b.post(bo+"/inquiry-templates/"+strconv.FormatInt(tps[0].ID, 10), url.Values{"title": {"비밀번호"}, "body": {"안내"}})
	must(t, st, http.StatusOK, body)
	st, body = b.post(bo+"/inquiry-templates/"+strconv.FormatInt(tps[0].ID, 10)+"/delete", nil)
	must(t, st, http.StatusOK, body)
	contains(t, body, "템플릿을 삭제했습니다")
}

// Every new back-office page and form answers 403 to staff without the
// customers permission.
func TestCustomerCareNeedsPermission(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.customerOf(t, "minji@example.com")
	in, err := e.shop.Inquiries().Ask(context.Background(), inquiry.AskInput{UserID: c.ID, Kind: inquiry.KindOther, Title: "t", Body: "b"})
	if err != nil {
		t.Fatal(err)
	}
	tp, err := e.shop.Inquiries().CreateTemplate(context.Background(), audit.Actor{UserID: e.boss.ID}, "t", "b")
	if err != nil {
		t.Fatal(err)
	}
	e.user(t, "orders@example.com", account.Staff, account.PermOrders, account.PermContent, account.PermMail, account.PermSecurity, account.PermCatalog)
	b, _ := e.staffIn("orders@example.com")
	user := bo + "/users/" + strconv.FormatInt(c.ID, 10)
	inq := bo + "/inquiries/" + strconv.FormatInt(in.ID, 10)
	tpl := bo + "/inquiry-templates/" + strconv.FormatInt(tp.ID, 10)
	tests := []struct{ method, path string }{
		{"GET", user},
		{"POST", user + "/points"},
		{"POST", user + "/addresses"},
		{"POST", user + "/block"},
		{"POST", user + "/unblock"},
		{"GET", bo + "/inquiries"},
		{"GET", inq},
		{"POST", inq + "/answer"},
		{"GET", bo + "/inquiry-templates"},
		{"POST", bo + "/inquiry-templates"},
		{"GET", tpl},
		{"POST", tpl},
		{"POST", tpl + "/delete"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			var st int
			var body string
			if tt.method == "GET" {
				st, body = b.get(tt.path)
			} else {
				st, body = b.post(tt.path, url.Values{"delta": {"100"}, "reason": {"x"}, "answer": {"x"}, "title": {"x"}, "body": {"x"}})
			}
			must(t, st, http.StatusForbidden, body)
		})
	}
	if n := e.auditCount(t, "customer.addresses_viewed") + e.auditCount(t, "points.adjusted") + e.auditCount(t, "inquiry.answered"); n != 0 {
		t.Fatalf("refused requests changed something: %d audit entries", n)
	}
	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	lacks(t, body, bo+"/inquiries")
}
