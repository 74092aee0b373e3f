package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/mallang/mallang/internal/josa"
	"github.com/mallang/mallang/internal/kst"
)

// lang is a language the storefront speaks.
type lang int

const (
	langKo lang = iota // the default
	langEn
)

// Code is the BCP 47 code used in html lang, hreflang and the lang cookie.
func (l lang) Code() string {
	if l == langEn {
		return "en"
	}
	return "ko"
}

func (l lang) tag() language.Tag {
	if l == langEn {
		return language.English
	}
	return language.Korean
}

// other is the language the switch link offers.
func (l lang) other() lang { return 1 - l }

// langCookie remembers a visitor's choice for a year.
const langCookie = "lang"

// langMatcher picks between the two for Accept-Language; Korean comes first
// so that it wins whenever the header does not prefer English.
var langMatcher = language.NewMatcher([]language.Tag{language.Korean, language.English})

// pickLang decides the language of a response: ?lang= (which it also
// remembers in the cookie), then the cookie, then Accept-Language, then
// Korean.
func pickLang(w http.ResponseWriter, r *http.Request) lang {
	w.Header().Add("Vary", "Cookie, Accept-Language")
	if v := r.URL.Query().Get("lang"); v == "ko" || v == "en" {
		l := langKo
		if v == "en" {
			l = langEn
		}
		http.SetCookie(w, &http.Cookie{
			Name:     langCookie,
			Value:    v,
			Path:     "/",
			MaxAge:   int((365 * 24 * time.Hour).Seconds()),
			SameSite: http.SameSiteLaxMode,
			HttpOnly: true,
			Secure:   r.TLS != nil,
		})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil {
		switch c.Value {
		case "en":
			return langEn
		case "ko":
			return langKo
		}
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		tags, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(tags) > 0 {
			if _, i, conf := langMatcher.Match(tags...); i == 1 && conf >= language.High {
				return langEn
			}
		}
	}
	return langKo
}

// withLang returns path?query with lang set to l, for the switch link and
// hreflang alternates.
func withLang(u *url.URL, l lang) string {
	q := u.Query()
	q.Set("lang", l.Code())
	return localPath(u) + "?" + q.Encode()
}

// localPath is u's escaped path made safe to link to: never "//host", which
// a browser would read as another site.
func localPath(u *url.URL) string {
	p := u.EscapedPath()
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		p = "/" + strings.TrimLeft(p, "/")
	}
	return p
}

// locale renders text in one language. Messages without arguments are
// resolved once, when the Handler is made, so rendering a page looks them up
// in a map instead of formatting them again.
type locale struct {
	lang      lang
	p         *message.Printer
	static    map[string]string
	discounts [101]string // "10% 할인" for every whole percent
}

func newLocale(l lang, msgs *messages) *locale {
	lc := &locale{lang: l, p: message.NewPrinter(l.tag(), message.Catalog(msgs.cat)), static: map[string]string{}}
	for _, m := range msgs.list {
		if !strings.Contains(m.ko, "%") {
			lc.static[m.key] = lc.p.Sprintf(message.Key(m.key, m.ko))
		}
	}
	for i := range lc.discounts {
		lc.discounts[i] = lc.F("card.discount", i)
	}
	return lc
}

// T returns the message key, which takes no arguments.
func (lc *locale) T(key string) string {
	if s, ok := lc.static[key]; ok {
		return s
	}
	return key
}

// F formats the message key with args, localising numbers (12,345). In
// Korean the particles written with both forms ("%s을(를)") take the one
// that fits the word put in.
func (lc *locale) F(key string, args ...any) string {
	s := lc.p.Sprintf(message.Key(key, key), args...)
	if lc.lang == langKo {
		s = josa.Fix(s)
	}
	return s
}

// discount is the label of a discount of pct percent.
func (lc *locale) discount(pct int64) string {
	if pct >= 0 && pct < int64(len(lc.discounts)) {
		return lc.discounts[pct]
	}
	return lc.F("card.discount", pct)
}

// Date formats t, a UTC time, as a date in Seoul.
func (lc *locale) Date(t time.Time) string {
	t = t.In(kst.Zone)
	if lc.lang == langEn {
		return t.Format("Jan 2, 2006")
	}
	return t.Format("2006년 1월 2일")
}

// DateTime formats t, a UTC time, as a date and time in Seoul.
func (lc *locale) DateTime(t time.Time) string {
	t = t.In(kst.Zone)
	if lc.lang == langEn {
		return t.Format("Jan 2, 2006 15:04")
	}
	return t.Format("2006년 1월 2일 15:04")
}

// Month names the month of t, in Seoul.
func (lc *locale) Month(t time.Time) string {
	t = t.In(kst.Zone)
	if lc.lang == langEn {
		return t.Format("January 2006")
	}
	return t.Format("2006년 1월")
}

// categoryName is c's name in the language of lc: NameEN in English when the
// shop has set one.
func (lc *locale) categoryName(name, nameEN string) string {
	if lc.lang == langEn && nameEN != "" {
		return nameEN
	}
	return name
}

// messages is the one catalog of UI text.
type messages struct {
	cat  *catalog.Builder
	list []msg
}

// msg is a UI text in both languages. en may be empty when enPlural gives
// the English text as a plural selector instead.
type msg struct {
	key, ko, en string
	enPlural    catalog.Message
}

func newMessages() *messages {
	list := append(uiText(), accountText()...)
	list = append(list, returnText()...)
	list = append(list, contentText()...)
	list = append(list, inquiryText()...)
	list = append(list, optionText()...)
	list = append(list, unsubscribeText()...)
	list = append(list, engageText()...)
	list = append(list, gradeText()...)
	list = append(list, reviewText()...)
	list = append(list, birthdayText()...)
	b := catalog.NewBuilder(catalog.Fallback(language.Korean))
	for _, m := range list {
		if err := b.SetString(language.Korean, m.key, m.ko); err != nil {
			panic("web: message " + m.key + ": " + err.Error())
		}
		var err error
		if m.enPlural != nil {
			err = b.Set(language.English, m.key, m.enPlural)
		} else {
			err = b.SetString(language.English, m.key, m.en)
		}
		if err != nil {
			panic("web: message " + m.key + ": " + err.Error())
		}
	}
	return &messages{cat: b, list: list}
}

// uiText lists every UI text. Arguments are written %[n]v so both languages
// may order them freely; a literal percent sign is %%.
func uiText() []msg {
	return []msg{
		// Chrome.
		{key: "skip", ko: "본문으로 건너뛰기", en: "Skip to content"},
		{key: "search.label", ko: "상품 검색", en: "Search products"},
		{key: "search.placeholder", ko: "무엇을 찾으세요?", en: "What are you looking for?"},
		{key: "search.button", ko: "검색", en: "Search"},
		{key: "nav.categories", ko: "카테고리", en: "Categories"},
		{key: "nav.home", ko: "홈", en: "Home"},
		{key: "nav.breadcrumbs", ko: "현재 위치", en: "Breadcrumbs"},
		{key: "lang.switch", ko: "English", en: "한국어"},
		{key: "lang.switch.title", ko: "Switch to English", en: "한국어로 보기"},
		{key: "footer.business", ko: "사업자 정보", en: "Business information"},
		{key: "footer.copyright", ko: "© %[1]v %[2]v. 모든 권리 보유.", en: "© %[1]v %[2]v. All rights reserved."},

		// Footer business information and legal pages.
		{key: "footer.legal", ko: "약관 및 정책", en: "Terms and policies"},
		{key: "footer.name", ko: "상호:", en: "Company:"},
		{key: "footer.representative", ko: "대표자:", en: "Representative:"},
		{key: "footer.registration", ko: "사업자등록번호:", en: "Business registration no.:"},
		{key: "footer.lookup", ko: "사업자정보 확인", en: "Look it up"},
		{key: "footer.mail_order", ko: "통신판매업 신고번호:", en: "Mail-order business report no.:"},
		{key: "footer.address", ko: "주소:", en: "Address:"},
		{key: "footer.phone", ko: "고객센터:", en: "Customer centre:"},
		{key: "footer.email", ko: "이메일:", en: "Email:"},
		{key: "footer.privacy_officer", ko: "개인정보보호책임자:", en: "Privacy officer:"},
		{key: "legal.terms", ko: "이용약관", en: "Terms of use"},
		{key: "legal.privacy", ko: "개인정보처리방침", en: "Privacy policy"},
		{key: "legal.effective", ko: "시행일 %[1]v", en: "In effect from %[1]v"},
		{key: "legal.version", ko: "%[1]v판", en: "Version %[1]v"},
		{key: "legal.versions", ko: "이전 버전", en: "Earlier versions"},
		{key: "legal.upcoming", ko: "시행 예정", en: "Upcoming"},
		{key: "legal.current", ko: "현재 버전 보기", en: "See the version in force"},
		{key: "legal.old", ko: "이 문서는 %[1]v부터 시행된 이전 버전입니다.", en: "This is an earlier version, in effect from %[1]v."},
		{key: "legal.upcoming.notice", ko: "이 문서는 %[1]v부터 시행될 예정입니다.", en: "This version takes effect on %[1]v."},
		{key: "legal.none", ko: "아직 게시된 내용이 없습니다.", en: "Nothing has been published yet."},

		// Home.
		{key: "home.tagline", ko: "좋은 물건을 합리적인 가격에, %[1]v", en: "Good things at fair prices — %[1]v"},
		{key: "home.new", ko: "신상품", en: "New arrivals"},
		{key: "home.featured", ko: "추천 상품", en: "Featured"},
		{key: "home.categories", ko: "카테고리 둘러보기", en: "Browse categories"},
		{key: "home.empty", ko: "아직 등록된 상품이 없습니다.", en: "There are no products yet."},
		{key: "home.preparing", ko: "상점을 준비하고 있습니다. 데모 상품과 사진을 채우는 중이니 잠시 후 새로고침해 주세요.",
			en: "The shop is being prepared: the demo products and their pictures are loading. Refresh in a moment."},

		// Listings.
		{key: "list.count", ko: "상품 %[1]d개", enPlural: plural.Selectf(1, "%d",
			"=1", "1 product", "other", "%[1]d products")},
		{key: "list.subcategories", ko: "하위 카테고리", en: "Subcategories"},
		{key: "list.empty", ko: "조건에 맞는 상품이 없습니다.", en: "No products match."},
		{key: "list.page_empty", ko: "이 페이지에는 상품이 없습니다.", en: "There are no products on this page."},
		{key: "list.first_page", ko: "첫 페이지로", en: "Go to the first page"},
		{key: "list.products", ko: "상품 목록", en: "Products"},
		{key: "category.description", ko: "%[3]v의 %[1]v 상품 %[2]d개를 만나 보세요.", en: "Browse %[2]d products in %[1]v at %[3]v."},
		{key: "sort.label", ko: "정렬", en: "Sort"},
		{key: "sort.newest", ko: "최신순", en: "Newest"},
		{key: "sort.price_asc", ko: "낮은 가격순", en: "Price: low to high"},
		{key: "sort.price_desc", ko: "높은 가격순", en: "Price: high to low"},
		{key: "sort.name", ko: "이름순", en: "Name"},
		{key: "sort.best", ko: "판매량순", en: "Best-selling"},
		{key: "sort.rating", ko: "평점순", en: "Top rated"},
		{key: "sort.reviews", ko: "리뷰 많은순", en: "Most reviewed"},
		{key: "filter.legend", ko: "조건", en: "Filters"},
		{key: "filter.price", ko: "가격 (원)", en: "Price (KRW)"},
		{key: "filter.min", ko: "최소 가격", en: "Minimum price"},
		{key: "filter.max", ko: "최대 가격", en: "Maximum price"},
		{key: "filter.from", ko: "최소", en: "Min"},
		{key: "filter.to", ko: "최대", en: "Max"},
		{key: "filter.in_stock", ko: "재고 있는 상품만", en: "In stock only"},
		{key: "filter.apply", ko: "적용", en: "Apply"},
		{key: "filter.reset", ko: "초기화", en: "Reset"},
		{key: "page.label", ko: "페이지", en: "Pages"},
		{key: "page.prev", ko: "이전", en: "Previous"},
		{key: "page.next", ko: "다음", en: "Next"},
		{key: "page.of", ko: "%[2]d쪽 중 %[1]d쪽", en: "Page %[1]d of %[2]d"},
		{key: "card.soldout", ko: "품절", en: "Sold out"},
		{key: "card.discount", ko: "%[1]d%% 할인", en: "%[1]d%% off"},
		{key: "price.regular", ko: "정가", en: "Regular price"},
		{key: "price.now", ko: "판매가", en: "Price"},

		// Search.
		{key: "search.title", ko: "검색", en: "Search"},
		{key: "search.title_q", ko: "‘%[1]v’ 검색 결과", en: "Results for ‘%[1]v’"},
		{key: "search.hits", ko: "‘%[1]v’ 검색 결과 %[2]d개", enPlural: plural.Selectf(2, "%d",
			"=1", "1 result for ‘%[1]v’", "other", "%[2]d results for ‘%[1]v’")},
		{key: "search.prompt", ko: "상품 이름이나 설명에 들어 있는 말로 찾아보세요.", en: "Search by words in a product's name or description."},
		{key: "search.none", ko: "다른 검색어로 다시 찾아보세요.", en: "Try other words."},
		{key: "search.hits_more", ko: "‘%[1]v’ 검색 결과 %[2]d개 이상", en: "More than %[2]d results for ‘%[1]v’"},
		{key: "search.suggest", ko: "혹시 ‘%[1]v’을(를) 찾으셨나요?", en: "Did you mean ‘%[1]v’?"},

		// Product.
		{key: "product.seller", ko: "판매자", en: "Seller"},
		{key: "product.shipping", ko: "배송", en: "Delivery"},
		{key: "ship.physical", ko: "택배 배송", en: "Parcel delivery"},
		{key: "ship.digital", ko: "디지털 상품 (온라인 이용)", en: "Digital (used online)"},
		{key: "ship.subscription", ko: "정기 구독", en: "Subscription"},
		{key: "product.options", ko: "옵션", en: "Options"},
		{key: "product.choose", ko: "선택한 옵션 보기", en: "Show the selected option"},
		{key: "product.selected", ko: "선택한 옵션", en: "Selected option"},
		{key: "product.availability", ko: "구매 가능 여부", en: "Availability"},
		{key: "product.none_available", ko: "지금은 구매할 수 있는 옵션이 없습니다.", en: "No option is available right now."},
		{key: "product.description", ko: "상품 설명", en: "Description"},
		{key: "product.listed", ko: "등록일 %[1]v", en: "Listed on %[1]v"},
		{key: "product.images", ko: "상품 이미지", en: "Product images"},
		{key: "product.sku", ko: "상품 코드", en: "SKU"},
		{key: "stock.soldout", ko: "품절", en: "Sold out"},
		{key: "stock.in", ko: "재고 있음", en: "In stock"},
		{key: "stock.low", ko: "%[1]d개 남음", en: "Only %[1]d left"},

		// Error pages.
		{key: "nf.title", ko: "페이지를 찾을 수 없습니다", en: "Page not found"},
		{key: "nf.body", ko: "주소가 바뀌었거나 판매가 끝난 상품일 수 있습니다. 검색하거나 아래 링크로 이동해 보세요.",
			en: "The address may have changed, or the product is no longer sold. Search, or try one of the links below."},
		{key: "nf.home", ko: "홈으로 가기", en: "Go to the home page"},
		{key: "err.title", ko: "잠시 문제가 생겼습니다", en: "Something went wrong"},
		{key: "err.body", ko: "요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.", en: "We could not handle your request. Please try again in a moment."},
		{key: "err.ref", ko: "문의하실 때 알려 주세요: %[1]v", en: "If you contact us, please quote: %[1]v"},
		{key: "err.retry", ko: "다시 시도", en: "Try again"},
		{key: "forbidden.title", ko: "이 페이지를 볼 수 없습니다", en: "You cannot open this page"},
		{key: "forbidden.body", ko: "이 계정에는 이 페이지를 볼 권한이 없습니다. 다른 계정으로 로그인했는지 확인해 주세요.",
			en: "This account may not see this page. Check that you are signed in with the right account."},
		{key: "conflict.title", ko: "요청을 처리하지 못했습니다", en: "That could not be done"},
		{key: "conflict.body", ko: "그사이 상품이나 주문의 상태가 바뀌었습니다. 페이지를 새로 고쳐 지금 상태를 확인한 뒤 다시 시도해 주세요.",
			en: "Something changed in the meantime: a product sold out, or an order was paid or cancelled. Reload the page to see where things stand, then try again."},
		{key: "invalid.title", ko: "입력한 내용을 확인해 주세요", en: "Please check what was entered"},
		{key: "invalid.body", ko: "요청에 올바르지 않은 값이 있어 처리하지 못했습니다.", en: "Part of the request was not valid, so nothing was done."},
		{key: "limited.title", ko: "잠시 후 다시 시도해 주세요", en: "Please wait a moment"},
		{key: "limited.body", ko: "짧은 시간에 시도가 너무 많았습니다.", en: "There were too many attempts in a short time."},

		// Notices about input that was corrected.
		{key: "notice.page", ko: "페이지 번호가 올바르지 않아 %[1]d쪽을 보여 드립니다.", en: "The page number was not valid, so page %[1]d is shown."},
		{key: "notice.per_page", ko: "한 페이지의 상품 수가 올바르지 않아 %[1]d개씩 보여 드립니다.", en: "The number of products per page was not valid, so %[1]d are shown per page."},
		{key: "notice.sort", ko: "알 수 없는 정렬 방식이라 ‘%[1]v’으로 보여 드립니다.", en: "Unknown sort order, so the list is sorted by ‘%[1]v’."},
		{key: "notice.price_range", ko: "최소 가격이 최대 가격보다 큽니다. 가격 범위를 다시 입력해 주세요.", en: "The minimum price is higher than the maximum price. Please enter the price range again."},
		{key: "notice.min_price", ko: "최소 가격은 0 이상의 숫자로 입력해 주세요.", en: "The minimum price must be a whole number, 0 or more."},
		{key: "notice.max_price", ko: "최대 가격은 0 이상의 숫자로 입력해 주세요.", en: "The maximum price must be a whole number, 0 or more."},
		{key: "notice.in_stock", ko: "‘재고 있는 상품만’ 값이 올바르지 않아 무시했습니다.", en: "The ‘in stock only’ value was not valid and was ignored."},
		{key: "notice.q_long", ko: "검색어가 너무 길어 앞의 %[1]d자로 검색했습니다.", en: "The search terms were too long, so the first %[1]d characters were used."},
		{key: "notice.q", ko: "검색어가 올바르지 않습니다.", en: "The search terms were not valid."},
		{key: "notice.category", ko: "카테고리를 찾을 수 없어 전체 상품에서 찾았습니다.", en: "The category was not found, so all products were searched."},
		{key: "notice.variant", ko: "선택한 옵션을 찾을 수 없습니다.", en: "The selected option was not found."},
		{key: "notice.field", ko: "입력값 ‘%[1]v’이(가) 올바르지 않아 무시했습니다.", en: "The value of ‘%[1]v’ was not valid and was ignored."},
	}
}
