package backoffice

import (
	"fmt"
	"net/http"
	"time"
)

// The back office speaks Korean first and English on request (?lang=en,
// remembered in the storefront's lang cookie). Staff pages are few and
// change often, so the texts are one map here rather than catalogs.

const (
	ko = iota
	en
)

// langCookie is the storefront's language cookie; both parts share it.
const langCookie = "lang"

// messages is the text of one language.
type messages struct {
	code string
	text map[string]string
}

// T returns the text for key, or key itself when there is none (a missing
// text shows up in review rather than as a blank).
func (m *messages) T(key string) string {
	if s, ok := m.text[key]; ok {
		return s
	}
	return key
}

// F formats the text for key with args.
func (m *messages) F(key string, args ...any) string { return fmt.Sprintf(m.T(key), args...) }

// Code is the language's BCP 47 code.
func (m *messages) Code() string { return m.code }

// kst is Korea's time zone (no summer time), in which times are shown.
var kst = time.FixedZone("KST", 9*60*60)

// Time formats t (UTC) in Korean time, or "–" for the zero time.
func (m *messages) Time(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(kst).Format("2006-01-02 15:04:05 KST")
}

// lang picks the language of r: ?lang= (remembered in the cookie), then the
// cookie, then Korean.
func (h *Handler) lang(w http.ResponseWriter, r *http.Request) *messages {
	switch v := r.URL.Query().Get("lang"); v {
	case "ko", "en":
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: v, Path: "/", MaxAge: 365 * 24 * 60 * 60,
			HttpOnly: true, Secure: h.cfg.Secure, SameSite: http.SameSiteLaxMode})
		if v == "en" {
			return h.msgs[en]
		}
		return h.msgs[ko]
	}
	if c, err := r.Cookie(langCookie); err == nil && c.Value == "en" {
		return h.msgs[en]
	}
	return h.msgs[ko]
}

func newMessages() [2]*messages {
	k := &messages{code: "ko", text: map[string]string{}}
	e := &messages{code: "en", text: map[string]string{}}
	for key, v := range texts {
		k.text[key], e.text[key] = v[0], v[1]
	}
	return [2]*messages{k, e}
}

// texts holds every text as {Korean, English}.
var texts = map[string][2]string{
	"backoffice":            {"관리자", "Back office"},
	"skip":                  {"본문으로 건너뛰기", "Skip to content"},
	"lang.switch":           {"English", "한국어"},
	"nav.dashboard":         {"대시보드", "Dashboard"},
	"nav.outbox":            {"보낸 메일", "Outbox"},
	"nav.honeypot":          {"허니팟", "Honeypot"},
	"nav.audit":             {"감사 로그", "Audit log"},
	"nav.users":             {"사용자", "Users"},
	"nav.security":          {"내 보안", "My security"},
	"nav.logout":            {"로그아웃", "Sign out"},
	"nav.main":              {"관리 메뉴", "Back-office menu"},
	"signed.in.as":          {"%s 님으로 로그인됨", "Signed in as %s"},
	"err.title":             {"문제가 생겼습니다", "Something went wrong"},
	"err.body":              {"요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.", "The request could not be completed. Please try again in a moment."},
	"forbidden.title":       {"권한이 없습니다", "Not allowed"},
	"forbidden.body":        {"이 페이지를 볼 권한이 없습니다. 필요하면 최고 관리자에게 요청하세요.", "You do not have permission for this page. Ask a superuser if you need it."},
	"notfound.title":        {"찾을 수 없습니다", "Not found"},
	"notfound.body":         {"요청한 항목이 없습니다.", "The item you asked for does not exist."},
	"back.dashboard":        {"대시보드로 돌아가기", "Back to the dashboard"},
	"login.title":           {"관리자 로그인", "Staff sign-in"},
	"login.email":           {"이메일", "Email"},
	"login.password":        {"비밀번호", "Password"},
	"login.submit":          {"다음", "Continue"},
	"login.wrong":           {"이메일 또는 비밀번호가 올바르지 않습니다.", "Wrong email address or password."},
	"login.blocked":         {"이 IP 주소는 반복된 의심스러운 로그인 시도로 차단되었습니다. 다른 관리자에게 차단 해제를 요청하세요.", "This IP address is blocked after repeated suspicious sign-in attempts. Ask another staff member to clear the block."},
	"login.limited":         {"시도가 너무 많습니다. %d분 후에 다시 시도해 주세요.", "Too many attempts. Try again in %d minutes."},
	"login.expired":         {"로그인 단계가 만료되었습니다. 처음부터 다시 로그인해 주세요.", "Your sign-in expired. Please start again."},
	"code.title":            {"2단계 인증", "Two-step verification"},
	"code.intro":            {"인증 앱에 표시된 6자리 코드나 복구 코드 하나를 입력하세요.", "Enter the 6-digit code from your authenticator app, or one of your recovery codes."},
	"code.label":            {"인증 코드", "Code"},
	"code.submit":           {"확인", "Verify"},
	"code.wrong":            {"코드가 올바르지 않거나 이미 사용되었습니다. 앱의 새 코드를 입력하세요.", "That code is wrong or was already used. Enter the next code from your app."},
	"setup.title":           {"2단계 인증 설정", "Set up two-step verification"},
	"setup.intro":           {"관리자 페이지는 2단계 인증이 필요합니다. 인증 앱(Google Authenticator, 1Password 등)으로 QR 코드를 스캔하세요.", "The back office needs two-step verification. Scan the QR code with an authenticator app (Google Authenticator, 1Password, …)."},
	"setup.qr":              {"인증 앱에 추가할 QR 코드", "QR code to add to your authenticator app"},
	"setup.manual":          {"스캔할 수 없으면 이 키를 직접 입력하세요:", "If you cannot scan it, enter this key by hand:"},
	"setup.reload":          {"이 페이지를 새로 고치면 새 키가 만들어지며 이전 키는 쓸 수 없습니다.", "Reloading this page makes a new key; the previous one stops working."},
	"setup.code":            {"앱에 표시된 6자리 코드", "The 6-digit code your app shows"},
	"setup.submit":          {"설정 완료", "Finish setup"},
	"setup.wrong":           {"코드가 맞지 않습니다. 앱에 표시된 현재 코드를 입력하세요.", "That code does not match. Enter the code your app shows now."},
	"codes.title":           {"복구 코드", "Recovery codes"},
	"codes.intro":           {"휴대폰을 잃어버렸을 때 이 코드로 로그인할 수 있습니다. 각 코드는 한 번만 쓸 수 있고, 이 화면은 다시 볼 수 없습니다. 안전한 곳에 보관하세요.", "If you lose your phone you can sign in with these codes. Each works once, and this page will not be shown again. Keep them somewhere safe."},
	"codes.saved":           {"저장했습니다, 계속하기", "I have saved them — continue"},
	"dash.title":            {"대시보드", "Dashboard"},
	"dash.intro":            {"사용할 수 있는 메뉴입니다.", "The sections you can use."},
	"dash.outbox":           {"쇼핑몰이 보낸 모든 메일과 그 안의 링크", "Every mail the shop sent, with its links"},
	"dash.honeypot":         {"/admin 가짜 로그인 시도와 차단된 IP", "Attempts at the fake /admin login and blocked IPs"},
	"dash.audit":            {"관리자 작업 기록", "What staff did"},
	"dash.users":            {"회원과 직원, 역할과 권한", "Customers and staff, roles and permissions"},
	"dash.security":         {"복구 코드 새로 만들기", "Make new recovery codes"},
	"dash.none":             {"아직 부여된 권한이 없습니다. 최고 관리자에게 요청하세요.", "You have no permissions yet. Ask a superuser."},
	"page.prev":             {"이전", "Previous"},
	"page.next":             {"다음", "Next"},
	"page.nav":              {"페이지", "Pages"},
	"page.n":                {"%d쪽", "Page %d"},
	"empty":                 {"항목이 없습니다.", "Nothing here."},
	"outbox.title":          {"보낸 메일", "Outbox"},
	"outbox.to":             {"받는 사람", "To"},
	"outbox.subject":        {"제목", "Subject"},
	"outbox.status":         {"상태", "Status"},
	"outbox.time":           {"시각", "Time"},
	"outbox.text":           {"텍스트 본문", "Text part"},
	"outbox.html":           {"HTML 본문", "HTML part"},
	"outbox.html.note":      {"스크립트와 외부 리소스 없이 표시됩니다.", "Shown without scripts or outside resources."},
	"outbox.source":         {"HTML 소스 보기", "Show the HTML source"},
	"outbox.error":          {"마지막 오류", "Last error"},
	"outbox.back":           {"보낸 메일 목록", "Back to the outbox"},
	"outbox.mail":           {"메일 #%d", "Mail #%d"},
	"hp.title":              {"허니팟", "Honeypot"},
	"hp.blocks":             {"차단된 IP", "Blocked IPs"},
	"hp.attempts":           {"최근 시도", "Recent attempts"},
	"hp.ip":                 {"IP", "IP"},
	"hp.count":              {"시도 수", "Attempts"},
	"hp.since":              {"차단 시작", "Blocked at"},
	"hp.until":              {"차단 종료", "Blocked until"},
	"hp.clear":              {"차단 해제", "Clear"},
	"hp.cleared":            {"%s 차단을 해제했습니다.", "The block of %s is cleared."},
	"hp.gone":               {"이미 해제되었거나 만료된 차단입니다.", "That block was already cleared or has ended."},
	"hp.time":               {"시각", "Time"},
	"hp.ua":                 {"User-Agent", "User agent"},
	"hp.username":           {"입력한 아이디", "Username tried"},
	"hp.noblocks":           {"차단된 IP가 없습니다.", "No IP is blocked."},
	"audit.title":           {"감사 로그", "Audit log"},
	"audit.filter":          {"작업으로 거르기", "Filter by action"},
	"audit.apply":           {"적용", "Apply"},
	"audit.time":            {"시각", "Time"},
	"audit.actor":           {"작업자", "Who"},
	"audit.action":          {"작업", "Action"},
	"audit.target":          {"대상", "Target"},
	"audit.detail":          {"내용", "Detail"},
	"audit.where":           {"접속 위치", "From"},
	"audit.system":          {"시스템", "System"},
	"users.title":           {"사용자", "Users"},
	"users.search":          {"이메일 또는 이름", "Email or name"},
	"users.search.go":       {"검색", "Search"},
	"users.staffonly":       {"직원만", "Staff only"},
	"users.email":           {"이메일", "Email"},
	"users.name":            {"이름", "Name"},
	"users.role":            {"역할", "Role"},
	"users.active":          {"상태", "Status"},
	"users.joined":          {"가입", "Joined"},
	"users.lastlogin":       {"마지막 로그인", "Last sign-in"},
	"users.is.active":       {"활성", "Active"},
	"users.is.inactive":     {"비활성", "Inactive"},
	"users.perms":           {"권한", "Permissions"},
	"users.save":            {"역할 저장", "Save role"},
	"users.saved":           {"저장했습니다. 이 사용자의 모든 세션이 종료되었습니다.", "Saved. Every session of this user has ended."},
	"users.nochange":        {"바뀐 내용이 없습니다.", "Nothing changed."},
	"users.last":            {"마지막 최고 관리자의 역할은 바꿀 수 없습니다. 다른 최고 관리자를 먼저 지정하세요.", "The last superuser keeps the role. Make another superuser first."},
	"users.readonly":        {"역할과 권한은 최고 관리자만 바꿀 수 있습니다.", "Only a superuser can change roles and permissions."},
	"users.perms.note":      {"권한은 직원 역할에만 적용됩니다. 최고 관리자는 모든 권한을 가집니다.", "Permissions apply to the staff role; a superuser has them all."},
	"users.2fa":             {"2단계 인증", "Two-step verification"},
	"users.2fa.on":          {"사용 중", "On"},
	"users.2fa.off":         {"설정 안 됨", "Not set up"},
	"users.2fa.reset":       {"2단계 인증 초기화", "Reset two-step verification"},
	"users.2fa.note":        {"휴대폰과 복구 코드를 모두 잃어버린 직원용입니다. 다음 로그인 때 다시 설정하며, 지금의 세션은 모두 종료됩니다.", "For staff who lost both their phone and their recovery codes. They set it up again at the next sign-in; their sessions end now."},
	"users.2fa.done":        {"2단계 인증을 초기화했습니다.", "Two-step verification was reset."},
	"role.customer":         {"고객", "Customer"},
	"role.seller_applicant": {"판매자 신청", "Seller applicant"},
	"role.seller":           {"판매자", "Seller"},
	"role.staff":            {"직원", "Staff"},
	"role.superuser":        {"최고 관리자", "Superuser"},
	"perm.catalog":          {"상품", "Catalog"},
	"perm.orders":           {"주문", "Orders"},
	"perm.customers":        {"회원", "Customers"},
	"perm.content":          {"콘텐츠", "Content"},
	"perm.mail":             {"메일", "Mail"},
	"perm.security":         {"보안", "Security"},
	"sec.title":             {"내 보안", "My security"},
	"sec.remaining":         {"남은 복구 코드: %d개", "Recovery codes left: %d"},
	"sec.regen":             {"복구 코드 새로 만들기", "Make new recovery codes"},
	"sec.regen.intro":       {"새 코드를 만들면 이전 코드는 모두 쓸 수 없게 됩니다. 확인을 위해 인증 앱의 현재 코드를 입력하세요.", "New codes replace every old one. To confirm, enter the current code from your authenticator app."},
	"sec.totp":              {"인증 앱의 6자리 코드", "6-digit code from your app"},
	"sec.totp.only":         {"인증 앱의 6자리 코드를 입력하세요. 복구 코드는 여기서 쓸 수 없습니다.", "Enter the 6-digit code from your app; recovery codes do not work here."},
}
