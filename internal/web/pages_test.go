package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/app"
	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// These tests read the catalog pages of the whole shop as apptest builds
// it: each request goes through the app's router with its middleware.

// testBase is the shop's public address in the catalog-page tests.
const testBase = "https://shop.example"

// shopName is the name the shop shows in its header, titles and footer.
const shopName = app.ShopName

// shop is the test shop with the catalogtest fixture and a few products
// made for the page tests.
type shop struct {
	app      *apptest.Shop
	cat      *catalog.Service
	f        catalogtest.Fixture
	script   int64 // named <script>alert(1)</script>
	draft    int64
	pictured int64 // has two images, thumbnails ready
	sized    int64 // fixture product 3: 사이즈 S, M, L
	soldOut  int64 // fixture product 6
}

const fixtureProducts = 60

func newShop(t testing.TB) *shop {
	t.Helper()
	ctx := context.Background()
	a := apptest.New(t, apptest.Options{Env: map[string]string{"MALLANG_BASE_URL": testBase}})
	cat := a.Catalog
	s := &shop{app: a, cat: cat, f: catalogtest.Seed(t, cat, fixtureProducts)}
	s.sized, s.soldOut = s.f.Products[3], s.f.Products[6]
	choc := s.f.Category(t, "chocolate")
	one := func(name string, st catalog.Status) int64 {
		id, err := cat.CreateProduct(ctx, catalog.NewProduct{
			CategoryID:  choc.ID,
			Name:        name,
			Description: `<p>설명 <b>굵게</b></p><script>alert("desc")</script>`,
			Type:        catalog.Digital,
			Status:      st,
			Variants:    []catalog.NewVariant{{SKU: "X-" + strconv.Itoa(len(name)) + string(st), Price: 12900, Stock: 3, Active: true}},
			CreatedAt:   catalogtest.Base.Add(-time.Hour),
		})
		if err != nil {
			t.Fatalf("create %q: %v", name, err)
		}
		return id
	}
	s.script = one("<script>alert(1)</script> 초콜릿", catalog.Active)
	s.draft = one("초안 상품", catalog.Draft)
	s.pictured = one("사진 있는 초콜릿", "")
	for i, key := range []string{"products/p/a.png", "products/p/b.png"} {
		_, err := cat.AddImage(ctx, s.pictured, catalog.NewImage{Key: key, ContentType: "image/png", Width: 1200, Height: 800, Alt: "사진 " + strconv.Itoa(i), ThumbsReady: true})
		if err != nil {
			t.Fatalf("add image: %v", err)
		}
	}
	return s
}

// get sends a GET for target, with the header pairs hdr, to the shop's
// handler.
func (s *shop) get(t testing.TB, target string, hdr ...string) response {
	t.Helper()
	return serve(t, s.app.Handler(), target, hdr...)
}

// serve sends a GET for target, with the header pairs hdr, to h.
func serve(t testing.TB, h http.Handler, target string, hdr ...string) response {
	t.Helper()
	r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	res := w.Result()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func TestPages(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	ctx := context.Background()
	chocHits, err := s.cat.List(ctx, catalog.ListQuery{Query: "초콜릿"})
	if err != nil {
		t.Fatal(err)
	}
	darkHits, err := s.cat.List(ctx, catalog.ListQuery{Query: "다크초콜릿"})
	if err != nil {
		t.Fatal(err)
	}
	if darkHits.Total == 0 || chocHits.Total <= darkHits.Total {
		t.Fatalf("fixture: 초콜릿 %d hits, 다크초콜릿 %d", chocHits.Total, darkHits.Total)
	}
	food, err := s.cat.List(ctx, catalog.ListQuery{Category: "food"})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		path   string
		status int
		want   []string
		not    []string
	}{
		{"home", "/", 200, []string{
			`<html lang="ko">`, "<title>" + shopName + "</title>", "신상품", "추천 상품", `data-testid="product-card"`,
			`href="/categories/food"`, "식품", "초콜릿", `data-testid="lang-switch"`, `href="/?lang=en"`,
			`action="/search"`, `<p class="footer-shop">` + shopName + "</p>", `href="/static/style.`, `rel="icon"`,
		}, nil},
		{"category with subcategories and pagination", "/categories/food", 200, []string{
			"<title>식품 — " + shopName + "</title>", `data-testid="breadcrumbs"`, `href="/categories/chocolate"`,
			`data-testid="subcategory"`, `data-testid="pagination"`, `href="/categories/food?page=2"`,
			fmt.Sprintf("상품 %d개", food.Total), `name="sort"`, `value="price_asc"`, "낮은 가격순", "높은 가격순", "이름순",
			`name="min_price"`, `name="max_price"`, `name="in_stock"`, `aria-current="true"`,
		}, []string{`data-testid="notice"`}},
		{"leaf category breadcrumbs", "/categories/chocolate", 200, []string{
			`href="/categories/food">식품</a>`, `href="/categories/chocolate" aria-current="page">초콜릿</a>`,
		}, []string{`data-testid="subcategory"`}},
		{"category page 2 sorted", "/categories/food?page=2&sort=price_asc&in_stock=1", 200, []string{
			`rel="prev" href="/categories/food?in_stock=1&amp;sort=price_asc"`, `<option value="price_asc" selected>`,
			`name="in_stock" value="1" checked`,
		}, nil},
		{"empty category", "/categories/digital", 200, []string{"조건에 맞는 상품이 없습니다."}, []string{`data-testid="product-card"`}},
		{"page past the end", "/categories/food?page=99", 200, []string{"이 페이지에는 상품이 없습니다.", `href="/categories/food"`}, nil},
		{"product with options", "/products/" + id(s.sized), 200, []string{
			`data-testid="product-name"`, `data-testid="option-form"`, `<label for="option-1">사이즈</label>`,
			`<option value="S">S</option>`, `<option value="M">M</option>`, `<option value="L">L (+1,000원)</option>`, "택배 배송", "말랑 직영",
			`<script id="product-ld" type="application/ld+json">`, "원</", `og:type" content="product"`,
			`formaction="/cart/add" data-testid="add-to-cart"`, // the shop has a cart
		}, []string{`data-testid="add-to-cart-form"`, "곧 출시", `type="radio"`}},
		{"sold-out product", "/products/" + id(s.soldOut), 200, []string{"품절", `data-testid="availability"`}, nil},
		{"sold-out variants are disabled", "/products/" + id(s.f.Products[27]), 200, []string{`<option value="S" disabled>S (품절)</option>`, `<option value="L" disabled>L (품절)</option>`}, nil},
		{"chosen variant", "/products/" + id(s.sized) + "?variant=999999999", 200, []string{`data-testid="notice" data-field="variant"`}, nil},
		{"digital product", "/products/" + id(s.pictured), 200, []string{
			"디지털 상품", "3개 남음", `data-testid="main-image"`, `srcset="/media/thumbs/sm/products/p/a.jpg 200w`,
			`src="/media/thumbs/lg/products/p/a.jpg"`, `data-testid="gallery"`, `width="960" height="640"`,
			`og:image" content="https://shop.example/media/thumbs/lg/products/p/a.jpg"`,
		}, nil},
		{"description is sanitised HTML", "/products/" + id(s.script), 200, []string{"<p>설명 <b>굵게</b></p>"}, []string{`alert("desc")`}},
		{"search in Korean", "/search?q=" + "초콜릿", 200, []string{
			fmt.Sprintf(`<p class="count" data-testid="hit-count">‘초콜릿’ 검색 결과 %d개</p>`, chocHits.Total),
			`data-testid="product-card"`, `<meta name="robots" content="noindex, follow">`, `value="초콜릿"`,
		}, nil},
		{"search by substring", "/search?q=" + "다크초콜릿", 200, []string{
			fmt.Sprintf("‘다크초콜릿’ 검색 결과 %d개", darkHits.Total), "다크초콜릿세트",
		}, nil},
		{"search without hits", "/search?q=zzzzqqq", 200, []string{"‘zzzzqqq’ 검색 결과 0개", "다른 검색어로"}, []string{`data-testid="product-card"`}},
		{"search without terms", "/search", 200, []string{"상품 이름이나 설명에 들어 있는 말로 찾아보세요."}, []string{`data-testid="hit-count"`}},
		{"search within a category", "/search?q=" + "초콜릿&category=chocolate", 200, []string{`name="category" value="chocolate"`, "검색 결과"}, nil},
		{"unknown route", "/no/such/page", 404, []string{`data-testid="not-found"`, "페이지를 찾을 수 없습니다", `action="/search"`, `href="/"`, `href="/categories/food"`}, nil},
		{"unknown product", "/products/999999999", 404, []string{`data-testid="not-found"`}, nil},
		{"draft product", "/products/" + id(s.draft), 404, []string{`data-testid="not-found"`}, []string{"초안 상품"}},
		{"non-numeric product id", "/products/abc", 404, []string{`data-testid="not-found"`}, nil},
		{"overflowing product id", "/products/99999999999999999999999", 404, []string{`data-testid="not-found"`}, nil},
		{"negative product id", "/products/-1", 404, nil, nil},
		{"zero product id", "/products/0", 404, nil, nil},
		{"unknown category", "/categories/no-such", 404, []string{`data-testid="not-found"`}, nil},
		{"robots.txt", "/robots.txt", 200, []string{"User-agent: *", "Allow: /", "Disallow: /search", "Disallow: /admin/", "Sitemap: https://shop.example/sitemap.xml"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := s.get(t, tt.path)
			if res.status != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, res.status, tt.status)
			}
			mustContain(t, res.body, tt.want...)
			mustNotContain(t, res.body, tt.not...)
		})
	}

	t.Run("product ids are redirected to their canonical form", func(t *testing.T) {
		t.Parallel()
		res := s.get(t, "/products/00"+id(s.sized)+"?variant=1")
		if res.status != http.StatusMovedPermanently || res.header.Get("Location") != "/products/"+id(s.sized)+"?variant=1" {
			t.Fatalf("GET /products/00… = %d %q", res.status, res.header.Get("Location"))
		}
	})
}

func TestBadInputNeverFails(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	long := strings.Repeat("초", 2000) // under security.MaxRequestURIBytes
	tests := []struct {
		name, path, field, text string
	}{
		{"negative page", "/categories/food?page=-1", "page", "페이지 번호가 올바르지 않아 1쪽을 보여 드립니다."},
		{"non-numeric page", "/categories/food?page=abc", "page", "페이지 번호가 올바르지 않아 1쪽을 보여 드립니다."},
		{"huge page", "/categories/food?page=99999999999999999999", "page", "페이지 번호가"},
		{"unknown sort", "/categories/food?sort=bogus", "sort", "알 수 없는 정렬 방식이라 ‘최신순’으로 보여 드립니다."},
		{"min above max", "/categories/food?min_price=5000&max_price=1000", "min_price", "최소 가격이 최대 가격보다 큽니다"},
		{"non-numeric min price", "/categories/food?min_price=abc", "min_price", "최소 가격은 0 이상의 숫자로 입력해 주세요."},
		{"negative max price", "/categories/food?max_price=-5", "max_price", "최대 가격은 0 이상의 숫자로 입력해 주세요."},
		{"bad in_stock", "/categories/food?in_stock=maybe", "in_stock", "‘재고 있는 상품만’ 값이 올바르지 않아 무시했습니다."},
		{"bad per_page", "/categories/food?per_page=abc", "per_page", "한 페이지의 상품 수가 올바르지 않아 24개씩 보여 드립니다."},
		{"search: negative page", "/search?q=초콜릿&page=-1", "page", "페이지 번호가 올바르지 않아 1쪽을 보여 드립니다."},
		{"search: unknown sort", "/search?q=초콜릿&sort=cheapest", "sort", "알 수 없는 정렬 방식이라"},
		{"search: min above max", "/search?q=초콜릿&min_price=9000&max_price=10", "min_price", "최소 가격이 최대 가격보다 큽니다"},
		{"search: 2,000-character query", "/search?q=" + long, "q", "검색어가 너무 길어 앞의 100자로 검색했습니다."},
		{"search: unknown category", "/search?q=초콜릿&category=no-such", "category", "카테고리를 찾을 수 없어 전체 상품에서 찾았습니다."},
		{"search: in English", "/search?q=초콜릿&page=abc&lang=en", "page", "The page number was not valid, so page 1 is shown."},
		{"category: in English", "/categories/food?min_price=9&max_price=1&lang=en", "min_price", "The minimum price is higher than the maximum price."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := s.get(t, tt.path)
			if res.status != http.StatusOK {
				t.Fatalf("GET %.80s = %d, want 200", tt.path, res.status)
			}
			mustContain(t, res.body, `data-testid="notice" data-field="`+tt.field+`">`+tt.text)
			if strings.Contains(tt.path, "min_price=") && strings.Contains(tt.path, "max_price=") {
				if n := count(res.body, `data-testid="notice"`); n != 1 {
					t.Errorf("%d notices for one price range, want 1", n)
				}
			}
		})
	}

	// Odd values that are not errors answer normally, without a notice.
	for _, path := range []string{
		"/categories/food?unknown=1&q=ignored",
		"/search?q=%00%01초콜릿",
		"/search?q=" + strings.Repeat("%25", 50),
		"/search?q=%27%22%3E%3Cb%3E",
		"/search?q=+++",
		"/products/" + id(s.sized) + "?variant=abc&foo=bar",
		"/?page=-1&lang=xx",
	} {
		t.Run("odd "+path, func(t *testing.T) {
			t.Parallel()
			if res := s.get(t, path); res.status != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200", path, res.status)
			}
		})
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	tests := []struct {
		name       string
		path       string
		hdr        []string
		lang       string
		want       []string
		setsCookie bool
	}{
		{"Korean by default", "/", nil, "ko", []string{"신상품", ">English</a>", `href="/?lang=en"`}, false},
		{"switch to English", "/?lang=en", nil, "en", []string{"New arrivals", "Featured", ">Food<", ">한국어</a>", `href="/?lang=ko"`}, true},
		{"cookie remembers English", "/categories/food", []string{"Cookie", "lang=en"}, "en", []string{"<title>Food — " + shopName + "</title>", "Price: low to high", ">Chocolate<"}, false},
		{"switch back to Korean", "/categories/food?lang=ko", []string{"Cookie", "lang=en"}, "ko", []string{"<title>식품 — " + shopName + "</title>"}, true},
		{"Accept-Language picks English", "/", []string{"Accept-Language", "en-US,en;q=0.9"}, "en", []string{"New arrivals"}, false},
		{"Accept-Language prefers Korean", "/", []string{"Accept-Language", "ko-KR,ko;q=0.9,en;q=0.8"}, "ko", []string{"신상품"}, false},
		{"cookie beats Accept-Language", "/", []string{"Accept-Language", "en-US", "Cookie", "lang=ko"}, "ko", []string{"신상품"}, false},
		{"switch link keeps path and query", "/search?q=%EC%B4%88%EC%BD%9C%EB%A6%BF&sort=name&lang=en", nil, "en",
			[]string{`href="/search?lang=ko&amp;q=%EC%B4%88%EC%BD%9C%EB%A6%BF&amp;sort=name"`, "results for ‘초콜릿’"}, true},
		{"English product page", "/products/" + id(s.sized) + "?lang=en", nil, "en", []string{"Parcel delivery", "Seller", "Choose 사이즈", "Show the selected option"}, true},
		{"English 404", "/nowhere?lang=en", nil, "en", []string{"Page not found"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := s.get(t, tt.path, tt.hdr...)
			mustContain(t, res.body, `<html lang="`+tt.lang+`">`)
			mustContain(t, res.body, tt.want...)
			if got := res.header.Get("Content-Language"); got != tt.lang {
				t.Errorf("Content-Language = %q, want %q", got, tt.lang)
			}
			c := res.header.Get("Set-Cookie")
			if !tt.setsCookie {
				if c != "" {
					t.Errorf("Set-Cookie = %q, want none", c)
				}
				return
			}
			for _, w := range []string{"lang=" + tt.lang, "Path=/", "Max-Age=31536000", "SameSite=Lax"} {
				if !strings.Contains(c, w) {
					t.Errorf("Set-Cookie = %q, lacks %q", c, w)
				}
			}
		})
	}

	t.Run("English plural of hits", func(t *testing.T) {
		t.Parallel()
		res := s.get(t, "/search?q=zzzz&lang=en")
		mustContain(t, res.body, "0 results for ‘zzzz’")
		res = s.get(t, "/search?q="+url.QueryEscape("사진 있는")+"&lang=en")
		mustContain(t, res.body, "1 result for ‘사진 있는’")
	})
}

func TestStatic(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	home := s.get(t, "/")
	css := regexp.MustCompile(`href="(/static/style\.[0-9a-f]{8}\.css)"`).FindStringSubmatch(home.body)
	icon := regexp.MustCompile(`href="(/static/favicon\.[0-9a-f]{8}\.svg)"`).FindStringSubmatch(home.body)
	if css == nil || icon == nil {
		t.Fatal("home page links no hashed stylesheet or icon")
	}
	tests := []struct {
		path, ctype, cache string
		status             int
	}{
		{css[1], "text/css", "immutable", 200},
		{icon[1], "image/svg+xml", "immutable", 200},
		{"/static/style.css", "text/css", "must-revalidate", 200},
		{"/static/style.00000000.css", "text/css", "must-revalidate", 200},
		{"/static/nope.js", "text/html", "", 404},
		{"/static/postcode.js", "text/javascript", "must-revalidate", 200},
		{"/favicon.ico", "image/svg+xml", "max-age=86400", 200},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			res := s.get(t, tt.path)
			if res.status != tt.status || !strings.HasPrefix(res.header.Get("Content-Type"), tt.ctype) || !strings.Contains(res.header.Get("Cache-Control"), tt.cache) {
				t.Fatalf("GET %s = %d %q %q", tt.path, res.status, res.header.Get("Content-Type"), res.header.Get("Cache-Control"))
			}
		})
	}
	t.Run("stylesheet", func(t *testing.T) {
		t.Parallel()
		res := s.get(t, css[1])
		mustContain(t, res.body, "Apple SD Gothic Neo", "Malgun Gothic", "grid-template-columns", "@media (min-width")
	})
}
