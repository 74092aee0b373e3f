package web_test

import (
	"encoding/json"
	"encoding/xml"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/web"
)

// sitemapDoc is the part of a sitemap the test reads.
type sitemapDoc struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

func TestSitemap(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	res := s.get(t, "/sitemap.xml")
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/xml") {
		t.Fatalf("GET /sitemap.xml = %d %s", res.status, res.header.Get("Content-Type"))
	}
	var doc sitemapDoc
	if err := xml.Unmarshal([]byte(res.body), &doc); err != nil {
		t.Fatalf("sitemap is not valid XML: %v", err)
	}
	got := map[string]string{}
	for _, u := range doc.URLs {
		got[u.Loc] = u.LastMod
	}
	want := []string{testBase + "/", testBase + "/categories/food", testBase + "/categories/chocolate", testBase + "/categories/digital"}
	for _, p := range append(append([]int64{}, s.f.Products...), s.script, s.pictured) {
		want = append(want, testBase+"/products/"+id(p))
	}
	for _, w := range want {
		if _, ok := got[w]; !ok {
			t.Errorf("sitemap lacks %s", w)
		}
	}
	if _, ok := got[testBase+"/products/"+id(s.draft)]; ok {
		t.Errorf("sitemap lists the draft product")
	}
	if lm := got[testBase+"/products/"+id(s.f.Products[0])]; lm == "" {
		t.Errorf("product has no lastmod")
	} else if _, err := time.Parse(time.RFC3339, lm); err != nil {
		t.Errorf("lastmod %q: %v", lm, err)
	}
	if n := len(doc.URLs); n != 1+11+fixtureProducts+2 {
		t.Errorf("sitemap has %d URLs, want %d", n, 1+11+fixtureProducts+2)
	}
}

func TestSEO(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	tests := []struct {
		name, path string
		want       []string
	}{
		{"home", "/", []string{
			`<link rel="canonical" href="https://shop.example/">`,
			`<link rel="alternate" hreflang="en" href="https://shop.example/?lang=en">`,
			`<meta name="description" content="좋은 물건을 합리적인 가격에, ` + shopName + `">`,
			`<meta property="og:title" content="` + shopName + `">`, `<meta property="og:type" content="website">`,
			`<meta property="og:url" content="https://shop.example/">`,
		}},
		{"category keeps only the page", "/categories/food?page=2&sort=name&min_price=0&utm_source=x", []string{
			`<link rel="canonical" href="https://shop.example/categories/food?page=2">`,
			`<meta property="og:title" content="식품 — ` + shopName + `">`, `<meta name="description" content="` + shopName + `의 식품 상품`,
			`<meta name="robots" content="noindex, follow">`,
		}},
		{"category in English", "/categories/food?lang=en", []string{
			`<link rel="canonical" href="https://shop.example/categories/food?lang=en">`,
			`<meta property="og:locale" content="en_US">`,
		}},
		{"search keeps q and page", "/search?q=초콜릿&page=2&sort=name", []string{
			`<link rel="canonical" href="https://shop.example/search?page=2&amp;q=%EC%B4%88%EC%BD%9C%EB%A6%BF">`,
		}},
		{"product", "/products/" + id(s.pictured) + "?variant=1&fbclid=x", []string{
			`<link rel="canonical" href="https://shop.example/products/` + id(s.pictured) + `">`,
			`<meta property="og:type" content="product">`, `<meta property="og:title" content="사진 있는 초콜릿 — ` + shopName + `">`,
			`<meta property="og:description" content="설명 굵게">`,
			`<meta property="og:image" content="https://shop.example/media/thumbs/lg/products/p/a.jpg">`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := s.get(t, tt.path)
			if res.status != 200 {
				t.Fatalf("GET %s = %d", tt.path, res.status)
			}
			mustContain(t, res.body, tt.want...)
			if n := count(res.body, `rel="canonical"`); n != 1 {
				t.Errorf("%d canonical links", n)
			}
		})
	}

	t.Run("JSON-LD Product", func(t *testing.T) {
		t.Parallel()
		res := s.get(t, "/products/"+id(s.sized))
		m := regexp.MustCompile(`(?s)<script id="product-ld" type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(res.body)
		if m == nil {
			t.Fatal("no JSON-LD")
		}
		var ld struct {
			Context string `json:"@context"`
			Type    string `json:"@type"`
			Name    string `json:"name"`
			URL     string `json:"url"`
			Offers  []struct {
				Price, PriceCurrency, Availability string
			} `json:"offers"`
		}
		if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
			t.Fatalf("JSON-LD: %v", err)
		}
		if ld.Context != "https://schema.org" || ld.Type != "Product" || ld.Name == "" || ld.URL != testBase+"/products/"+id(s.sized) {
			t.Errorf("JSON-LD = %+v", ld)
		}
		if len(ld.Offers) != 3 || ld.Offers[0].PriceCurrency != "KRW" || strings.ContainsAny(ld.Offers[0].Price, ",₩") {
			t.Errorf("offers = %+v", ld.Offers)
		}
	})
}

func TestEscaping(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	for _, path := range []string{"/products/" + id(s.script), "/categories/chocolate?sort=name", "/search?q=alert"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			res := s.get(t, path)
			if res.status != 200 {
				t.Fatalf("GET %s = %d", path, res.status)
			}
			mustContain(t, res.body, "&lt;script&gt;alert(1)&lt;/script&gt; 초콜릿")
			mustNotContain(t, res.body, "<script>alert(1)")
		})
	}
	t.Run("search terms", func(t *testing.T) {
		t.Parallel()
		res := s.get(t, "/search?q=%3Cscript%3Ealert(2)%3C/script%3E")
		mustContain(t, res.body, "‘&lt;script&gt;alert(2)&lt;/script&gt;’")
		mustNotContain(t, res.body, "<script>alert(2)")
	})
}

// A shop with more products than one sitemap holds gets a sitemap index
// whose slices together list every active product once. The shop's
// sitemaps hold 40,000 products each, so this storefront, over the test
// shop's catalog, holds 25.
func TestSitemapIndex(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	mux := http.NewServeMux()
	web.New(web.Config{BaseURL: testBase, SitemapSize: 25, Now: s.app.Clock.Now}, s.cat, slog.New(slog.DiscardHandler)).Register(mux)
	get := func(path string) response {
		t.Helper()
		return serve(t, mux, path)
	}
	var index struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
		Locs    []string `xml:"sitemap>loc"`
	}
	res := get("/sitemap.xml")
	if err := xml.Unmarshal([]byte(res.body), &index); err != nil || res.status != 200 {
		t.Fatalf("GET /sitemap.xml = %d, not a sitemap index: %v\n%s", res.status, err, res.body)
	}
	active := fixtureProducts + 2 // the fixture, the <script> product and the pictured one
	if want := (active + 24) / 25; len(index.Locs) != want {
		t.Fatalf("index lists %d sitemaps, want %d: %v", len(index.Locs), want, index.Locs)
	}
	seen := map[string]int{}
	for i, loc := range index.Locs {
		path := strings.TrimPrefix(loc, testBase)
		res := get(path)
		var doc sitemapDoc
		if err := xml.Unmarshal([]byte(res.body), &doc); err != nil || res.status != 200 {
			t.Fatalf("GET %s = %d: %v", path, res.status, err)
		}
		hasHome := false
		for _, u := range doc.URLs {
			seen[u.Loc]++
			hasHome = hasHome || u.Loc == testBase+"/"
		}
		if (i == 0) != hasHome {
			t.Errorf("slice %d lists the home page: %v", i+1, hasHome)
		}
	}
	products := 0
	for loc, n := range seen {
		if n != 1 {
			t.Errorf("%s is listed %d times", loc, n)
		}
		if strings.Contains(loc, "/products/") {
			products++
		}
	}
	if products != active {
		t.Errorf("the slices list %d products, want %d", products, active)
	}
	for _, bad := range []string{"/sitemaps/products-0.xml", "/sitemaps/products-4.xml", "/sitemaps/products-x.xml", "/sitemaps/products-1"} {
		if res := get(bad); res.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", bad, res.status)
		}
	}
}
