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
	soldOutShare  = 8
	featuredShare = 8
)

// makeProduct builds the i-th product of leaf l (whose category id is
// categoryID). sku is unique in the catalog. Everything comes from rng, so
// the same rng state gives the same product.
func makeProduct(rng *rand.Rand, l *leaf, categoryID int64, sku string, now time.Time) catalog.NewProduct {
	adj := pick(rng, l.adjectives)
	noun := pick(rng, l.nouns)
	suffix := pick(rng, l.suffixes)
	typ := l.typ
	if typ == "" {
		typ = catalog.Physical
	}
	opts := noOptions
	if l.options != noOptions && rng.IntN(100) < l.optionShare {
		opts = l.options
	}
	if l.subscriptionShare > 0 && rng.IntN(100) < l.subscriptionShare {
		typ = catalog.Subscription
		suffix = "정기배송"
		opts = deliveryCycle
	}
	name := strings.Join(strings.Fields(adj+" "+noun+" "+suffix), " ")

	price := roundPrice(rng, l.minPrice+rng.Int64N(l.maxPrice-l.minPrice+1))
	var sale *int64
	if rng.IntN(100) < saleShare {
		pct := []int64{10, 15, 20, 30, 40}[rng.IntN(5)]
		s := price * (100 - pct) / 100 / 100 * 100
		sale = &s
	}
	soldOut := typ == catalog.Physical && rng.IntN(100) < soldOutShare

	optionNames, combos := options(rng, opts, noun)
	variants := make([]catalog.NewVariant, len(combos))
	for j, c := range combos {
		stock := int64(0)
		switch {
		case soldOut:
		case typ == catalog.Digital:
			stock = 9999
		case rng.IntN(10) == 0: // one variant in ten is out of stock
		default:
			stock = 1 + rng.Int64N(150)
		}
		variants[j] = catalog.NewVariant{
			SKU:       fmt.Sprintf("%s-%02d", sku, j+1),
			Options:   c,
			Price:     price,
			SalePrice: sale,
			Stock:     stock,
			Active:    true,
		}
	}
	created := now.Add(-time.Duration(rng.Int64N(int64(90 * 24 * time.Hour)))).Truncate(time.Second)
	return catalog.NewProduct{
		CategoryID:  categoryID,
		Name:        name,
		Summary:     pick(rng, l.features),
		Description: description(rng, l, name, noun, typ),
		Type:        typ,
		Status:      catalog.Active,
		Featured:    rng.IntN(100) < featuredShare,
		TaxFree:     l.taxFree,
		Currency:    money.KRW,
		OptionNames: optionNames,
		Variants:    variants,
		CreatedAt:   created,
	}
}

// roundPrice rounds won to 100, half of the time to a price ending in 900
// (12,900) as shops like to.
func roundPrice(rng *rand.Rand, p int64) int64 {
	if rng.IntN(2) == 0 && p >= 2000 {
		return p/1000*1000 - 100
	}
	return max(100, p/100*100)
}

// options returns the option names and every combination of values (the
// cross product); one empty combination when the product has none.
func options(rng *rand.Rand, k optionKind, noun string) ([]string, [][3]string) {
	var names []string
	var axes [][]string
	switch k {
	case clothing:
		names = []string{"사이즈", "색상"}
		axes = [][]string{sizesClothing, colourNames[:2+rng.IntN(2)]}
	case footwear:
		if isShoe(noun) {
			names, axes = []string{"사이즈"}, [][]string{sizesShoes}
		} else {
			names, axes = []string{"색상"}, [][]string{colourNames[:2+rng.IntN(3)]}
		}
	case colours:
		names, axes = []string{"색상"}, [][]string{colourNames[:2+rng.IntN(2)]}
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

func isShoe(noun string) bool {
	for _, s := range []string{"스니커즈", "로퍼", "슬립온", "부츠", "샌들"} {
		if strings.HasSuffix(noun, s) {
			return true
		}
	}
	return false
}

// description is two to four sentences of HTML: an opener, one or two
// sentences about the product and sometimes a line about delivery.
func description(rng *rand.Rand, l *leaf, name, noun string, typ catalog.ProductType) string {
	opener := fmt.Sprintf(pick(rng, openers), noun+josa.Pick(noun, "을(를)"), noun, name+josa.Pick(name, "은(는)"), name)
	first := rng.IntN(len(l.features))
	body := []string{l.features[first]}
	if rng.IntN(2) == 0 {
		body = append(body, l.features[(first+1+rng.IntN(len(l.features)-1))%len(l.features)])
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
