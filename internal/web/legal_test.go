package web_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/settings"
)

// business sets the shop's business information and customer centre.
func business(t *testing.T, s interface {
	Current(context.Context) settings.Settings
	Update(context.Context, audit.Actor, settings.Settings) (settings.Settings, error)
}) {
	t.Helper()
	st := s.Current(context.Background())
	st.ShopName = "말랑 마켓"
	st.Contact = settings.Contact{Phone: "1588-0000", Email: "help@mallang.test", Hours: "평일 10:00~17:00"}
	st.Business = settings.Business{Name: "주식회사 말랑(예시)", Representative: "김말랑", Registration: "123-45-67891",
		MailOrder: "제2026-서울마포-0000호", Address: "서울특별시 마포구 예시로 1", PrivacyName: "이보호", PrivacyEmail: "privacy@mallang.test"}
	if _, err := s.Update(context.Background(), audit.Actor{}, st); err != nil {
		t.Fatal(err)
	}
}

// Every storefront page ends with the business information Korean
// e-commerce law asks for, from the settings, and the links to the terms
// and the privacy policy (the latter in bold).
func TestFooterShowsBusinessInformation(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	business(t, s.shop.Settings())
	b := s.browser(t)
	for _, path := range []string{"/", "/search?q=x", "/cart", "/signup", "/terms", "/no-such-page"} {
		r := b.get(path)
		mustContain(t, r.body, `data-testid="site-footer"`, "말랑 마켓",
			"상호: 주식회사 말랑(예시)", "대표자: 김말랑", "사업자등록번호: 123-45-67891",
			`href="https://www.ftc.go.kr/bizCommPop.do?wrkr_no=1234567891"`, "사업자정보 확인",
			"통신판매업 신고번호: 제2026-서울마포-0000호", "주소: 서울특별시 마포구 예시로 1",
			"고객센터:", `href="tel:1588-0000"`, "평일 10:00~17:00", "이메일: help@mallang.test",
			"개인정보보호책임자: 이보호", "privacy@mallang.test",
			`href="/terms" data-testid="footer-terms">이용약관</a>`,
			`href="/privacy" data-testid="footer-privacy"><strong>개인정보처리방침</strong></a>`)
	}
	r := b.get("/?lang=en")
	mustContain(t, r.body, "Business registration no.: 123-45-67891", "Privacy policy", "Customer centre:")
}

// The terms and the privacy policy show the version in force, with every
// version linked; a version published for a later day appears as coming
// and takes over on its day.
func TestLegalPages(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	set := s.shop.Settings()
	ctx := context.Background()
	b := s.browser(t)
	r := b.get("/terms")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "이용약관", `data-testid="legal-empty"`)

	now := s.shop.Clock.Now()
	if _, err := set.PublishLegal(ctx, audit.Actor{}, settings.NewLegalVersion{Document: settings.Terms, Body: "제1조 (목적)\n첫 판의 본문\n\n제2조 <b>정의</b>", EffectiveAt: now}); err != nil {
		t.Fatal(err)
	}
	later := now.Add(8 * 24 * time.Hour)
	if _, err := set.PublishLegal(ctx, audit.Actor{}, settings.NewLegalVersion{Document: settings.Terms, Body: "둘째 판의 본문", EffectiveAt: later}); err != nil {
		t.Fatal(err)
	}
	r = b.get("/terms")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "v1판", "첫 판의 본문", "제2조 &lt;b&gt;정의&lt;/b&gt;", `href="/terms/1" aria-current="page"`, `href="/terms/2"`, "시행 예정")
	mustNotContain(t, r.body, "둘째 판의 본문", "<b>정의</b>")

	r = b.get("/terms/2")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "둘째 판의 본문", `data-testid="legal-old"`, "시행될 예정입니다", `name="robots" content="noindex`)
	wantStatus(t, b.get("/terms/9"), http.StatusNotFound, "")
	wantStatus(t, b.get("/terms/abc"), http.StatusNotFound, "")

	s.shop.Clock.Set(later)
	r = b.get("/terms")
	mustContain(t, r.body, "v2판", "둘째 판의 본문")
	r = b.get("/terms/1")
	mustContain(t, r.body, "첫 판의 본문", "이전 버전입니다", `href="/terms"`)

	r = b.get("/privacy")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "<h1>개인정보처리방침</h1>", `data-testid="legal-empty"`)
}

// Sign-up links the terms and the privacy policy and records the versions
// in force as the ones agreed to.
func TestSignUpRecordsLegalVersions(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	set := s.shop.Settings()
	ctx := context.Background()
	now := s.shop.Clock.Now()
	for _, v := range []struct {
		doc settings.Document
		at  time.Time
	}{{settings.Terms, now}, {settings.Terms, now}, {settings.Terms, now.Add(48 * time.Hour)}, {settings.Privacy, now}} {
		if _, err := set.PublishLegal(ctx, audit.Actor{}, settings.NewLegalVersion{Document: v.doc, Body: "본문", EffectiveAt: v.at}); err != nil {
			t.Fatal(err)
		}
	}
	b := s.browser(t)
	r := b.get("/signup")
	mustContain(t, r.body, `href="/terms"`, `href="/privacy"`, "이용약관 보기", "개인정보처리방침 보기")
	wantStatus(t, b.post("/signup", signupForm), http.StatusSeeOther, "/signup/sent")
	var id int64
	if err := s.d.Read().GetContext(ctx, &id, s.d.Read().Rebind(`SELECT id FROM users WHERE email = ?`), "minji@example.com"); err != nil {
		t.Fatal(err)
	}
	cs, err := s.acc.Consents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, c := range cs {
		if c.Kind != account.ConsentMarketing {
			got[c.Kind] = c.Version
		}
	}
	// Terms v3 is not in force yet: v2 is what the customer read.
	if len(got) != 2 || got["terms"] != 2 || got["privacy"] != 1 {
		t.Fatalf("consents = %+v", cs)
	}
}
