package seed

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/josa"
	"github.com/mallang/mallang/internal/money"
)

// Shares of the demo catalog, in percent.
const (
	saleShare     = 20
	soldOutShare  = 4
	featuredShare = 8
)

// makeProduct builds a product of kind k of leaf l (whose category id is
// categoryID). sku is unique in the catalog. Everything comes from rng, so
// the same rng state gives the same product. A name is "adjective noun
// pack" in Korean and in English; sizes and counts are either in the name
// or offered as options at their own prices. A sold-out product (no stock
// in any variant) is never featured.
func makeProduct(rng *rand.Rand, l *leaf, k *kind, categoryID int64, sku string, now time.Time) catalog.NewProduct {
	adj := pick(rng, k.adjectives)
	pk := pick(rng, k.packs)
	packs := []pack{pk}
	typ := l.typ
	if typ == "" {
		typ = catalog.Physical
	}
	withOptions := l.optionShare > 0 && rng.IntN(100) < l.optionShare
	opts := noOptions
	var optionNames []string
	switch {
	case l.subscriptionShare > 0 && rng.IntN(100) < l.subscriptionShare:
		typ, opts = catalog.Subscription, deliveryCycle
	case k.options != noOptions && (k.options == clothing || k.options == shoes || withOptions):
		opts = k.options
	case k.packAxis != "" && len(k.packs) > 1 && withOptions:
		packs, pk = k.packs, pack{}
		optionNames = []string{k.packAxis}
	}
	name := join(adj.ko, k.ko, pk.ko)
	nameEN := join(adj.en, k.en)
	switch {
	case strings.HasPrefix(pk.en, "("):
		nameEN += " " + pk.en
	case pk.en != "":
		nameEN += ", " + pk.en
	}
	if typ == catalog.Subscription {
		name += " 정기배송"
		nameEN += " (subscription)"
	}

	base := roundPrice(rng, k.min+rng.Int64N(k.max-k.min+1))
	var pct int64
	if rng.IntN(100) < saleShare {
		pct = []int64{10, 15, 20, 30}[rng.IntN(4)]
	}
	soldOut := typ == catalog.Physical && rng.IntN(100) < soldOutShare

	var combos [][3]string
	var prices []int64
	if optionNames != nil {
		for _, p := range packs {
			combos = append(combos, [3]string{p.ko})
			prices = append(prices, packPrice(base, p.factor))
		}
	} else {
		optionNames, combos = options(rng, opts, k)
		for range combos {
			prices = append(prices, packPrice(base, pk.factor))
		}
	}
	variants := make([]catalog.NewVariant, len(combos))
	for j, c := range combos {
		stock := int64(0)
		switch {
		case soldOut:
		case typ == catalog.Digital:
			stock = 9999
		case j > 0 && rng.IntN(10) == 0: // one variant in ten, never the first, is out of stock
		default:
			stock = 1 + rng.Int64N(150)
		}
		var sale *int64
		if pct > 0 {
			s := prices[j] * (100 - pct) / 100 / 100 * 100
			sale = &s
		}
		variants[j] = catalog.NewVariant{
			SKU:       fmt.Sprintf("%s-%02d", sku, j+1),
			Options:   c,
			Price:     prices[j],
			SalePrice: sale,
			Stock:     stock,
			Active:    true,
		}
	}
	featured := rng.IntN(100) < featuredShare && !soldOut
	created := now.Add(-time.Duration(rng.Int64N(int64(90 * 24 * time.Hour)))).Truncate(time.Second)
	return catalog.NewProduct{
		CategoryID:  categoryID,
		Name:        name,
		NameEN:      nameEN,
		Summary:     pick(rng, append(k.features[:len(k.features):len(k.features)], l.features...)),
		Description: description(rng, l, k, name, typ),
		Type:        typ,
		Status:      catalog.Active,
		Featured:    featured,
		TaxFree:     l.taxFree,
		Currency:    money.KRW,
		OptionNames: optionNames,
		Variants:    variants,
		CreatedAt:   created,
	}
}

// join joins the non-empty words with single spaces.
func join(words ...string) string { return strings.Join(strings.Fields(strings.Join(words, " ")), " ") }

// packPrice is base times factor, rounded to 100 won (to 900 when base
// ends so).
func packPrice(base int64, factor float64) int64 {
	if factor == 1 || factor == 0 {
		return base
	}
	p := int64(float64(base)*factor/100+0.5) * 100
	if base%1000 == 900 {
		p = (p+500)/1000*1000 - 100
	}
	return p
}

// roundPrice rounds won as shops price: half of the time to a price
// ending in 900 (12,900), otherwise to 500 (12,500, 13,000).
func roundPrice(rng *rand.Rand, p int64) int64 {
	if rng.IntN(2) == 0 && p >= 2000 {
		return p/1000*1000 - 100
	}
	return max(500, (p+250)/500*500)
}

// options returns the option names and every combination of values (the
// cross product); one empty combination when the product has none.
func options(rng *rand.Rand, ok optionKind, k *kind) ([]string, [][3]string) {
	var names []string
	var axes [][]string
	cs := k.colours
	if cs == nil {
		cs = colourNames
	}
	some := func() []string { return cs[:min(len(cs), 2+rng.IntN(len(cs)-1))] }
	switch ok {
	case clothing:
		names = []string{"사이즈", "색상"}
		axes = [][]string{sizesClothing, some()}
	case shoes:
		names, axes = []string{"사이즈"}, [][]string{sizesShoes}
	case colours:
		names, axes = []string{"색상"}, [][]string{some()}
	case deliveryCycle:
		names, axes = []string{"배송 주기"}, [][]string{deliveryEvery}
	default:
		return nil, [][3]string{{}}
	}
	combos := [][3]string{{}}
	for a, values := range axes {
		next := make([][3]string, 0, len(combos)*len(values))
		for _, c := range combos {
			for _, v := range values {
				c[a] = v
				next = append(next, c)
			}
		}
		combos = next
	}
	return names, combos
}

// description is two to four sentences of HTML: an opener, one or two
// sentences about the product and sometimes a line about delivery.
func description(rng *rand.Rand, l *leaf, k *kind, name string, typ catalog.ProductType) string {
	noun := k.ko
	opener := fmt.Sprintf(pick(rng, openers), noun+josa.Pick(noun, "을(를)"), noun, name+josa.Pick(name, "은(는)"), name)
	body := []string{pick(rng, k.features)}
	if rng.IntN(2) == 0 {
		body = append(body, pick(rng, l.features))
	}
	var closers []string
	switch typ {
	case catalog.Digital:
		closers = closersDigital
	case catalog.Subscription:
		closers = closersSubscription
	default:
		closers = closersPhysical
	}
	var b strings.Builder
	b.WriteString("<p>" + opener + " " + strings.Join(body, " ") + "</p>")
	if len(body) == 1 || rng.IntN(2) == 0 {
		b.WriteString("<p>" + pick(rng, closers) + "</p>")
	}
	return b.String()
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }
