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
	for _, set := range []map[string][2]string{texts, commerceTexts, promotionTexts} {
		for key, v := range set {
			k.text[key], e.text[key] = v[0], v[1]
		}
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

// commerceTexts holds the texts of the orders, coupons and shipping
// sections as {Korean, English}; keys "v." + an English message translate
// the field messages of those services.
var commerceTexts = map[string][2]string{
	"nav.orders":                   {"주문", "Orders"},
	"nav.coupons":                  {"쿠폰", "Coupons"},
	"nav.shipping":                 {"배송비", "Shipping"},
	"dash.orders":                  {"모든 고객의 주문, 입금 확인, 배송 처리", "Every customer's orders: payments, shipping"},
	"dash.coupons":                 {"할인 쿠폰 만들기와 사용 중지", "Create and switch off coupons"},
	"dash.shipping":                {"배송비 규칙과 택배사", "Shipping fees and carriers"},
	"form.fix":                     {"표시된 항목을 고쳐 주세요.", "Please fix the marked fields."},
	"status.pending_payment":       {"결제 대기", "Awaiting payment"},
	"status.awaiting_deposit":      {"입금 대기", "Awaiting deposit"},
	"status.paid":                  {"결제 완료", "Paid"},
	"status.preparing":             {"상품 준비 중", "Preparing"},
	"status.shipped":               {"배송 중", "Shipped"},
	"status.delivered":             {"배송 완료", "Delivered"},
	"status.completed":             {"구매 확정", "Completed"},
	"status.cancelled":             {"주문 취소", "Cancelled"},
	"status.return_requested":      {"반품 요청", "Return requested"},
	"status.returned":              {"반품 완료", "Returned"},
	"status.refunded":              {"환불 완료", "Refunded"},
	"status.partially_refunded":    {"부분 환불", "Partially refunded"},
	"pay.card":                     {"카드", "Card"},
	"pay.bank_transfer":            {"무통장 입금", "Bank transfer"},
	"pay.points":                   {"적립금", "Points"},
	"channel.pc_web":               {"PC 웹", "PC web"},
	"channel.mobile_web":           {"모바일 웹", "Mobile web"},
	"channel.api":                  {"API", "API"},
	"actor.customer":               {"고객", "Customer"},
	"actor.staff":                  {"직원", "Staff"},
	"actor.system":                 {"시스템", "System"},
	"carrier.cj":                   {"CJ대한통운", "CJ Logistics"},
	"carrier.hanjin":               {"한진택배", "Hanjin"},
	"carrier.lotte":                {"롯데택배", "Lotte"},
	"carrier.epost":                {"우체국택배", "Korea Post"},
	"carrier.logen":                {"로젠택배", "Logen"},
	"ord.title":                    {"주문", "Orders"},
	"ord.one":                      {"주문 %s", "Order %s"},
	"ord.all":                      {"전체", "All"},
	"ord.status":                   {"상태", "Status"},
	"ord.number":                   {"주문번호", "Order number"},
	"ord.search":                   {"검색", "Search"},
	"ord.count":                    {"주문 %d건", "%d orders"},
	"ord.placed":                   {"주문 시각", "Placed"},
	"ord.items":                    {"상품", "Items"},
	"ord.and.more":                 {"%s 외 %d건", "%s and %d more"},
	"ord.payment":                  {"결제 수단", "Payment"},
	"ord.total":                    {"결제 금액", "Total"},
	"ord.back":                     {"주문 목록", "Back to the orders"},
	"ord.customer":                 {"주문자", "Customer"},
	"ord.payby":                    {"결제 기한", "Pay by"},
	"ord.paid":                     {"결제 시각", "Paid at"},
	"ord.cancelled":                {"취소 시각", "Cancelled at"},
	"ord.channel":                  {"주문 경로", "Channel"},
	"ord.actions":                  {"주문 처리", "Actions"},
	"ord.no.actions":               {"이 상태에서 직원이 할 수 있는 처리가 없습니다.", "Staff can make no change from this status."},
	"ord.to":                       {"%s(으)로 변경", "Mark %s"},
	"ord.to.col":                   {"변경 후", "To"},
	"ord.from":                     {"변경 전", "From"},
	"ord.reason":                   {"사유", "Reason"},
	"ord.ship":                     {"배송 처리", "Ship"},
	"ord.ship.submit":              {"송장 등록하고 배송 중으로 변경", "Add the tracking number and mark shipped"},
	"ord.carrier":                  {"택배사", "Carrier"},
	"ord.tracking":                 {"송장번호", "Tracking number"},
	"ord.lines":                    {"주문 상품", "Items"},
	"ord.item":                     {"상품", "Item"},
	"ord.sku":                      {"SKU", "SKU"},
	"ord.unit":                     {"단가", "Unit price"},
	"ord.qty":                      {"수량", "Qty"},
	"ord.line.total":               {"금액", "Amount"},
	"ord.gift":                     {"사은품", "Gift"},
	"ord.subtotal":                 {"상품 금액", "Subtotal"},
	"ord.discount":                 {"쿠폰 할인", "Coupon discount"},
	"ord.shipping":                 {"배송비", "Shipping"},
	"ord.remote":                   {"도서산간 추가 배송비", "Remote-area surcharge"},
	"ord.points.used":              {"적립금 사용", "Points used"},
	"ord.points.earn":              {"적립 예정", "Points to earn"},
	"ord.address":                  {"배송지", "Delivery address"},
	"ord.recipient":                {"받는 분", "Recipient"},
	"ord.phone":                    {"연락처", "Phone"},
	"ord.postcode":                 {"우편번호", "Postcode"},
	"ord.addr":                     {"주소", "Address"},
	"ord.note":                     {"배송 메모", "Delivery note"},
	"ord.shipments":                {"배송", "Shipments"},
	"ord.no.shipments":             {"아직 발송하지 않았습니다.", "Not shipped yet."},
	"ord.shipped.at":               {"발송 시각", "Shipped at"},
	"ord.delivered.at":             {"배송 완료 시각", "Delivered at"},
	"ord.history":                  {"상태 기록", "History"},
	"ord.changed":                  {"주문 상태를 %s(으)로 바꿨습니다.", "The order is now %s."},
	"ord.shipped":                  {"송장번호 %s을(를) 등록했습니다. 주문 상태: %s", "Tracking number %s added. The order is now %s."},
	"ord.refused":                  {"이 주문은 지금 %s 상태라 %s(으)로 바꿀 수 없습니다. 아래에서 현재 상태와 가능한 처리를 확인하세요.", "This order is %s now, so it cannot be marked %s. See its current status and the changes possible below."},
	"ord.refused.ship":             {"배송 처리는 결제 완료 또는 상품 준비 중인 주문만 할 수 있습니다. 이 주문은 지금 %s 상태입니다.", "Only paid or preparing orders can be shipped; this order is %s now."},
	"ord.bad.status":               {"알 수 없는 주문 상태입니다.", "That is not an order status."},
	"ord.use.ship":                 {"배송 중으로 바꾸려면 배송 처리 양식에서 택배사와 송장번호를 입력하세요.", "To mark the order shipped, enter the carrier and tracking number in the ship form."},
	"ord.reason.required":          {"취소 사유를 입력하세요. 주문 기록에 남습니다.", "Enter why the order is cancelled; it is kept in the order's history."},
	"ord.reason.long":              {"사유는 %d자 이하로 입력하세요.", "Keep the reason to %d characters."},
	"cpn.title":                    {"쿠폰", "Coupons"},
	"cpn.new":                      {"새 쿠폰", "New coupon"},
	"cpn.back":                     {"쿠폰 목록", "Back to the coupons"},
	"cpn.create":                   {"쿠폰 만들기", "Create coupon"},
	"cpn.created":                  {"쿠폰 %s을(를) 만들었습니다.", "Coupon %s is created."},
	"cpn.on":                       {"쿠폰 %s을(를) 사용하도록 했습니다.", "Coupon %s is on."},
	"cpn.off":                      {"쿠폰 %s을(를) 사용 중지했습니다. 이미 적용된 주문의 할인은 그대로입니다.", "Coupon %s is off; orders that used it keep their discount."},
	"cpn.code":                     {"쿠폰 코드", "Code"},
	"cpn.code.hint":                {"영문 대문자, 숫자, -, _ 3~32자. 고객이 입력하는 코드입니다.", "3 to 32 letters, digits, - or _; what customers type."},
	"cpn.name":                     {"쿠폰 이름", "Name"},
	"cpn.kind":                     {"할인 방식", "Kind"},
	"cpn.kind.fixed":               {"정액 할인 (원)", "Fixed amount (won)"},
	"cpn.kind.percent":             {"정률 할인 (%)", "Percent"},
	"cpn.amount":                   {"할인 금액 또는 할인율", "Amount or percent"},
	"cpn.amount.hint":              {"정액이면 원, 정률이면 1~100(%)", "Won for a fixed coupon, 1 to 100 for a percent one"},
	"cpn.max_discount":             {"최대 할인 금액", "Maximum discount"},
	"cpn.max_discount.hint":        {"정률 쿠폰만. 비우거나 0이면 제한 없음", "Percent coupons only; empty or 0 for no cap"},
	"cpn.min_order":                {"최소 주문 금액", "Minimum order"},
	"cpn.starts_at":                {"시작일", "Starts on"},
	"cpn.starts_at.hint":           {"비우면 지금부터", "Empty for now"},
	"cpn.ends_at":                  {"종료일", "Ends on"},
	"cpn.ends_at.hint":             {"이 날 자정(한국 시간)까지 사용 가능. 비우면 기한 없음", "Usable through this day (Korean time); empty for no end"},
	"cpn.total_limit":              {"전체 사용 한도", "Total uses"},
	"cpn.total_limit.hint":         {"비우거나 0이면 제한 없음", "Empty or 0 for no limit"},
	"cpn.per_customer_limit":       {"고객당 사용 한도", "Uses per customer"},
	"cpn.benefit":                  {"할인", "Discount"},
	"cpn.period":                   {"기간", "Period"},
	"cpn.used":                     {"사용 / 한도", "Used / limit"},
	"cpn.per_customer":             {"고객당", "Per customer"},
	"cpn.state":                    {"상태", "State"},
	"cpn.active":                   {"사용 중", "On"},
	"cpn.inactive":                 {"중지", "Off"},
	"cpn.activate":                 {"사용", "Switch on"},
	"cpn.deactivate":               {"중지", "Switch off"},
	"cpn.times":                    {"%d회", "%d"},
	"cpn.percent.off":              {"%d%% 할인", "%d%% off"},
	"cpn.upto":                     {"(최대 %s)", "(up to %s)"},
	"cpn.fixed.off":                {"%s 할인", "%s off"},
	"cpn.noend":                    {"기한 없음", "no end"},
	"ship.title":                   {"배송비", "Shipping"},
	"ship.fees":                    {"기본 배송비", "Fees"},
	"ship.base_fee":                {"배송비 (원)", "Fee (won)"},
	"ship.base_fee.hint":           {"주문(또는 판매자별 배송) 한 건의 배송비", "The fee of an order (or of each seller's shipment)"},
	"ship.free_over":               {"무료 배송 기준 금액 (원)", "Free from (won)"},
	"ship.free_over.hint":          {"할인 후 금액이 이 이상이면 무료. 0이면 무료 배송 없음", "Free when the total after discounts reaches this; 0 for never"},
	"ship.per_seller":              {"판매자별로 따로 배송하고 배송비를 받습니다", "Each seller ships, and charges, separately"},
	"ship.remote":                  {"도서산간 추가 배송비", "Remote-area surcharges"},
	"ship.remote.hint":             {"우편번호 구간(시작~끝, 5자리)마다 추가 요금. 구간은 겹칠 수 없습니다. 모두 비운 줄은 저장하지 않습니다.", "A surcharge per postcode range (from–to, 5 digits). Ranges may not overlap; wholly blank rows are not saved."},
	"ship.area.name":               {"지역 이름", "Area"},
	"ship.area.from":               {"시작 우편번호", "From"},
	"ship.area.to":                 {"끝 우편번호", "To"},
	"ship.area.surcharge":          {"추가 요금 (원)", "Surcharge (won)"},
	"ship.area.remove":             {"삭제", "Remove"},
	"ship.area.add":                {"구간 추가", "Add a range"},
	"ship.save":                    {"배송비 규칙 저장", "Save the shipping rules"},
	"ship.saved":                   {"배송비 규칙을 저장했습니다. 새 주문부터 적용됩니다.", "Saved; new orders are charged by these rules."},
	"ship.carriers":                {"택배사", "Carriers"},
	"ship.carrier.name":            {"이름", "Name"},
	"ship.carrier.code":            {"코드", "Code"},
	"ship.carrier.url":             {"배송 조회 주소", "Tracking link"},
	"reason.placed":                {"주문 접수", "Placed"},
	"reason.not paid in time":      {"결제 기한 지남", "Not paid in time"},
	"v.whole":                      {"숫자로 입력하세요.", "Enter a whole number."},
	"v.date":                       {"날짜를 YYYY-MM-DD 형식으로 입력하세요.", "Enter a date as YYYY-MM-DD."},
	"v.overlaps":                   {"다른 구간과 겹칩니다: %s", "Overlaps another range: %s"},
	"v.is required":                {"필수 항목입니다.", "Required."},
	"v.must not be empty":          {"필수 항목입니다.", "Required."},
	"v.must not be negative":       {"0 이상이어야 합니다.", "Must not be negative."},
	"v.is too large":               {"너무 큰 금액입니다.", "Too large."},
	"v.must be a 5-digit postcode": {"우편번호는 숫자 5자리입니다.", "Must be a 5-digit postcode."},
	"v.must not be before the start of the range": {"시작 우편번호보다 앞설 수 없습니다.", "Must not be before the start of the range."},
	"v.must be at most 50 characters":             {"50자 이하여야 합니다.", "Must be at most 50 characters."},
	"v.must be at most 100 characters":            {"100자 이하여야 합니다.", "Must be at most 100 characters."},
	"v.must have at most 200 ranges":              {"구간은 200개까지입니다.", "Must have at most 200 ranges."},
	"v.must be 3 to 32 letters, digits, hyphens or underscores, starting with a letter or digit": {"영문, 숫자, -, _ 3~32자로, 영문이나 숫자로 시작해야 합니다.", "Must be 3 to 32 letters, digits, hyphens or underscores, starting with a letter or digit."},
	"v.is already used by another coupon":                                                        {"이미 다른 쿠폰이 쓰는 코드입니다.", "Another coupon has this code."},
	"v.must be at least 1 won":                                                                   {"1원 이상이어야 합니다.", "Must be at least 1 won."},
	"v.applies to percent coupons only":                                                          {"정률 쿠폰에만 쓸 수 있습니다. 비워 두세요.", "Applies to percent coupons only; leave it empty."},
	"v.must be a percentage from 1 to 100":                                                       {"1에서 100 사이의 할인율이어야 합니다.", "Must be a percentage from 1 to 100."},
	"v.must be fixed or percent":                                                                 {"할인 방식을 고르세요.", "Choose the kind."},
	"v.must be after the start":                                                                  {"시작일 이후여야 합니다.", "Must be after the start."},
	"v.is not a known carrier":                                                                   {"택배사를 고르세요.", "Choose a carrier."},
	"v.must be 8 to 20 digits and dashes":                                                        {"송장번호는 숫자와 - 8~20자입니다.", "Must be 8 to 20 digits and dashes."},
	"v.must hold only digits and dashes":                                                         {"송장번호에는 숫자와 -만 쓸 수 있습니다.", "Must hold only digits and dashes."},
	"v.must be at most 64 characters":                                                            {"64자 이하여야 합니다.", "Must be at most 64 characters."},
	"v.must be at most 500 characters":                                                           {"500자 이하여야 합니다.", "Must be at most 500 characters."},
}

// promotionTexts holds the texts of the gifts, points and grades sections
// as {Korean, English}, with the field messages of the promotion service.
var promotionTexts = map[string][2]string{
	"nav.gifts":                             {"사은품", "Gifts"},
	"nav.points":                            {"적립금 설정", "Points"},
	"nav.grades":                            {"회원 등급", "Grades"},
	"dash.gifts":                            {"주문 금액에 따라 함께 보내는 사은품", "Gifts added to orders from an amount"},
	"dash.points":                           {"적립금 사용 조건과 유효 기간", "How points are spent and how long they last"},
	"dash.grades":                           {"회원 등급별 적립률과 고객 등급 지정", "Earn rates by grade, and a customer's grade"},
	"gift.title":                            {"사은품", "Gifts with purchase"},
	"gift.intro":                            {"할인 후 상품 금액이 기준 이상인 주문에 사은품을 무료로 추가합니다.", "Orders whose goods after discount reach the threshold get the gift free."},
	"gift.new":                              {"새 사은품 규칙", "New gift rule"},
	"gift.back":                             {"사은품 목록", "Back to the gifts"},
	"gift.create":                           {"사은품 규칙 만들기", "Create gift rule"},
	"gift.created":                          {"사은품 규칙 %s을(를) 만들었습니다.", "Gift rule %s is created."},
	"gift.on":                               {"사은품 규칙 %s을(를) 사용하도록 했습니다.", "Gift rule %s is on."},
	"gift.off":                              {"사은품 규칙 %s을(를) 중지했습니다. 이미 받은 주문의 사은품은 그대로입니다.", "Gift rule %s is off; orders that got the gift keep it."},
	"gift.name":                             {"규칙 이름", "Name"},
	"gift.threshold":                        {"기준 금액 (원)", "Threshold (won)"},
	"gift.threshold.hint":                   {"할인 후 상품 금액이 이 이상이면 증정", "Given when the goods after discount reach this"},
	"gift.variant":                          {"사은품 옵션 ID", "Gift option ID"},
	"gift.variant.hint":                     {"상품 옵션(variant)의 번호", "The number of the product option (variant)"},
	"gift.quantity":                         {"수량", "Quantity"},
	"gift.ends_at.hint":                     {"이 날 자정(한국 시간)까지 증정. 비우면 기한 없음", "Given through this day (Korean time); empty for no end"},
	"gift.notgiving":                        {"(지금 증정하지 않음: 기간 밖, 중지, 판매 중지 또는 재고 부족)", "(not given now: outside its period, off, not on sale or short of stock)"},
	"pts.title":                             {"적립금 설정", "Points settings"},
	"pts.min_spend":                         {"최소 사용 적립금 (원)", "Fewest points spent at once (won)"},
	"pts.min_spend.hint":                    {"한 번에 쓸 수 있는 최소 적립금. 0이면 제한 없음", "0 for no minimum"},
	"pts.max_percent":                       {"최대 사용 비율 (%)", "Most of an order paid with points (%)"},
	"pts.max_percent.hint":                  {"할인 후 상품 금액 중 적립금으로 낼 수 있는 비율, 1~100", "Share of the goods after discount, 1 to 100"},
	"pts.valid_days":                        {"유효 기간 (일)", "Valid for (days)"},
	"pts.valid_days.hint":                   {"주문으로 적립된 적립금을 쓸 수 있는 날 수", "Days that points earned by an order stay spendable"},
	"pts.save":                              {"적립금 설정 저장", "Save the points settings"},
	"pts.saved":                             {"적립금 설정을 저장했습니다. 새 주문부터 적용됩니다.", "Saved; new orders follow these settings."},
	"grade.title":                           {"회원 등급", "Membership grades"},
	"grade.intro":                           {"등급은 매달 최근 구매 금액으로 다시 정해집니다.", "Grades are set again every month from what customers spent."},
	"grade.name":                            {"등급", "Grade"},
	"grade.code":                            {"코드", "Code"},
	"grade.earn":                            {"적립률", "Earn rate"},
	"grade.min_spend":                       {"기준 구매 금액", "Spend to reach"},
	"grade.set":                             {"고객 등급 지정", "Set a customer's grade"},
	"grade.set.hint":                        {"다음 월간 등급 산정 때 구매 금액에 따라 다시 정해집니다.", "The next monthly evaluation sets it again from the customer's spending."},
	"grade.customer":                        {"회원 번호 또는 이메일", "User ID or email"},
	"grade.customer.hint":                   {"예: 1024 또는 customer@example.com", "For example 1024 or customer@example.com"},
	"grade.grade":                           {"등급", "Grade"},
	"grade.set.submit":                      {"등급 지정", "Set the grade"},
	"grade.assigned":                        {"%s 님의 등급을 %s(으)로 지정했습니다.", "%s is now %s."},
	"grade.nouser":                          {"그 번호나 이메일의 회원이 없습니다.", "No account has that ID or email."},
	"v.must be at least 1":                  {"1 이상이어야 합니다.", "Must be at least 1."},
	"v.must be at most 99":                  {"99 이하여야 합니다.", "Must be at most 99."},
	"v.must be from 1 to 3650 days":         {"1일에서 3650일 사이여야 합니다.", "Must be from 1 to 3650 days."},
	"v.is not a product option that exists": {"없는 상품 옵션입니다.", "No product option has this ID."},
	"v.is not a membership grade":           {"등급을 고르세요.", "Choose a grade."},
}
