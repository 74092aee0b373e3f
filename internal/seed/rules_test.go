package seed

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// demoProduct is a seeded product as the rules read it.
type demoProduct struct {
	ID       int64               `db:"id"`
	Name     string              `db:"name"`
	NameEN   string              `db:"name_en"`
	Leaf     string              `db:"leaf"`
	Top      string              `db:"top"`
	Type     string              `db:"product_type"`
	Featured bool                `db:"featured"`
	InStock  bool                `db:"in_stock"`
	options  map[string][]string // option name → values of the variants
	prices   []int64             // of the variants
}

// text is the name and every option value, where sizes and counts show.
func (p *demoProduct) text() string {
	s := p.Name
	for _, vs := range p.options {
		s += " " + strings.Join(vs, " ")
	}
	return s
}

var (
	mlRe     = regexp.MustCompile(`\d\s*(ml|L)\b`)
	amountRe = regexp.MustCompile(`\d\s*(g|kg|개입|구|자루|장|호|ml|L)\b|\d+(g|kg|개입|구|호)`)
	drinkRe  = regexp.MustCompile(`콜드브루|주스|음료|원액`)
	liquidRe = regexp.MustCompile(`샴푸|바디워시|핸드워시`)
	solidRe  = regexp.MustCompile(`수건|발매트|비누|칫솔`)
	shoeRe   = regexp.MustCompile(`스니커즈|로퍼|부츠|샌들`)
)

// The demo catalog reads like a real shop: every category's products have
// the options, sizes and prices such products have, English names, and a
// few sold-out products, none of them featured.
func TestDemoRules(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d, cat, store := newCatalog(t)
	if _, err := Run(ctx, cat, store, Options{Rand: 1, Now: now}, nil); err != nil {
		t.Fatal(err)
	}
	var ps []*demoProduct
	if err := d.Read().SelectContext(ctx, &ps, `SELECT p.id, p.name, p.name_en, c.slug AS leaf, t.slug AS top,
		p.product_type, p.featured, p.in_stock
		FROM products p JOIN categories c ON c.id = p.category_id JOIN categories t ON t.id = c.parent_id ORDER BY p.id`); err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*demoProduct{}
	for _, p := range ps {
		p.options = map[string][]string{}
		byID[p.ID] = p
	}
	var vs []struct {
		ProductID int64  `db:"product_id"`
		Name      string `db:"name"`
		Value     string `db:"value"`
	}
	if err := d.Read().SelectContext(ctx, &vs, `SELECT o.product_id, o.name,
		CASE o.position WHEN 1 THEN v.option1 WHEN 2 THEN v.option2 ELSE v.option3 END AS value
		FROM product_options o JOIN variants v ON v.product_id = o.product_id ORDER BY v.id, o.position`); err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		byID[v.ProductID].options[v.Name] = append(byID[v.ProductID].options[v.Name], v.Value)
	}
	var prices []struct {
		ProductID int64  `db:"product_id"`
		Price     int64  `db:"price_minor"`
		Sale      *int64 `db:"sale_price_minor"`
	}
	if err := d.Read().SelectContext(ctx, &prices, `SELECT product_id, price_minor, sale_price_minor FROM variants`); err != nil {
		t.Fatal(err)
	}
	for _, v := range prices {
		byID[v.ProductID].prices = append(byID[v.ProductID].prices, v.Price)
	}
	if len(ps) != DefaultProducts {
		t.Fatalf("%d products", len(ps))
	}

	// Prices, before any sale, that shops ask for such goods, in won.
	priceRange := map[string][2]int64{
		"chocolate-dessert": {3000, 80000},
		"coffee-tea":        {3000, 90000},
		"fruit-vegetables":  {5000, 90000},
		"clothing":          {9900, 300000},
		"shoes-bags":        {12900, 300000},
		"kitchen":           {3000, 150000},
		"bathroom":          {2000, 60000},
		"stationery":        {1000, 100000},
		"audio":             {19000, 600000},
		"ebooks-courses":    {4900, 200000},
	}
	// And for a few kinds.
	kindRange := []struct {
		word     string
		min, max int64
	}{
		{"반팔 티셔츠", 9900, 59000},
		{"트렌치코트", 99000, 400000},
		{"칫솔", 1000, 20000},
		{"헤드폰", 49000, 600000},
		{"마카롱", 8000, 50000},
	}

	soldOut, featured := 0, 0
	for _, p := range ps {
		name := p.Name + " (" + strconv.FormatInt(p.ID, 10) + ")"
		if p.NameEN == "" || strings.IndexFunc(p.NameEN, func(r rune) bool { return unicode.Is(unicode.Hangul, r) }) >= 0 {
			t.Errorf("%s: English name %q", name, p.NameEN)
		}
		r, ok := priceRange[p.Leaf]
		if !ok {
			t.Errorf("%s: unknown category %s", name, p.Leaf)
		}
		for _, k := range kindRange {
			if strings.Contains(p.Name, k.word) {
				r = [2]int64{k.min, k.max}
			}
		}
		for _, price := range p.prices {
			if price < r[0] || price > r[1] || price%100 != 0 {
				t.Errorf("%s: price %d, want %d–%d in hundreds", name, price, r[0], r[1])
			}
		}
		switch {
		case p.Leaf == "clothing":
			sizes := p.options["사이즈"]
			if len(sizes) == 0 || len(p.options["색상"]) == 0 {
				t.Errorf("%s: clothing without a size and a colour: %v", name, p.options)
			}
			for _, s := range sizes {
				if !strings.Contains(" S M L XL ", " "+s+" ") {
					t.Errorf("%s: clothing size %q", name, s)
				}
			}
		case p.Leaf == "shoes-bags" && shoeRe.MatchString(p.Name):
			sizes := p.options["사이즈"]
			if len(sizes) == 0 {
				t.Errorf("%s: shoes without sizes: %v", name, p.options)
			}
			for _, s := range sizes {
				if n, err := strconv.Atoi(s); err != nil || n < 220 || n > 300 {
					t.Errorf("%s: shoe size %q", name, s)
				}
			}
		case p.Leaf == "shoes-bags":
			if len(p.options["사이즈"]) > 0 {
				t.Errorf("%s: a bag with sizes", name)
			}
		case p.Top == "food":
			if mlRe.MatchString(p.text()) && !drinkRe.MatchString(p.Name) {
				t.Errorf("%s: food in ml: %s", name, p.text())
			}
			if !amountRe.MatchString(p.text()) {
				t.Errorf("%s: food without a weight or count: %s", name, p.text())
			}
		case p.Leaf == "bathroom" && liquidRe.MatchString(p.Name):
			if !mlRe.MatchString(p.text()) {
				t.Errorf("%s: a liquid without its capacity: %s", name, p.text())
			}
		case p.Leaf == "bathroom" && solidRe.MatchString(p.Name):
			if mlRe.MatchString(p.text()) {
				t.Errorf("%s: in ml: %s", name, p.text())
			}
		}
		if p.Leaf != "clothing" && len(p.options["사이즈"]) > 0 && p.Leaf != "shoes-bags" {
			for _, s := range p.options["사이즈"] {
				if strings.Contains(" S M L XL ", " "+s+" ") {
					t.Errorf("%s: a clothing size outside clothing", name)
				}
			}
		}
		if !p.InStock && p.Type != "digital" {
			soldOut++
			if p.Featured {
				t.Errorf("%s: sold out and featured", name)
			}
		}
		if p.Featured {
			featured++
		}
	}
	if soldOut < 3 || soldOut > len(ps)/10 {
		t.Errorf("%d sold-out products, want a few (3 to %d)", soldOut, len(ps)/10)
	}
	if featured < 3 {
		t.Errorf("%d featured products, want at least 3", featured)
	}
}
