package catalog

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// BenchmarkSearchMiss measures one search page as a cache miss — the page,
// its count and its plan read from the database — over hundreds of
// distinct queries per kind, at MALLANG_BENCH_PRODUCTS products (10,000 by
// default) made as catalogtest.Seed makes them, with English names added:
//
//	MALLANG_BENCH_PRODUCTS=100000 go test ./internal/catalog -run X -bench SearchMiss
func BenchmarkSearchMiss(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("MALLANG_BENCH_PRODUCTS")); err == nil && v > 0 {
		n = v
	}
	d := dbtest.New(b)
	s := NewService(d, time.Now, slog.New(slog.DiscardHandler), benchThumbs{})
	ctx := context.Background()
	start := time.Now()
	nouns := []struct{ ko, en string }{
		{"다크초콜릿세트", "Dark chocolate set"}, {"원두커피", "Coffee beans"}, {"감자칩", "Potato chips"},
		{"면 티셔츠", "Cotton T-shirt"}, {"운동화", "Sneakers"}, {"프라이팬", "Frying pan"}, {"수건", "Towel"},
		{"밀크초콜릿", "Milk chocolate"}, {"드립백커피", "Drip bag coffee"}, {"버터쿠키", "Butter cookies"},
		{"린넨 셔츠", "Linen shirt"}, {"슬리퍼", "Slippers"}, {"머그컵", "Mug"}, {"칫솔", "Toothbrush"},
	}
	adjectives := []string{"말랑", "포근한", "산뜻한", "든든한", "고소한"}
	cat, err := s.CreateCategory(ctx, NewCategory{Slug: "all", Name: "전체"})
	if err != nil {
		b.Fatal(err)
	}
	for lo := 0; lo < n; lo += 1000 {
		ps := make([]NewProduct, 0, 1000)
		for i := lo; i < min(n, lo+1000); i++ {
			no := nouns[i%len(nouns)]
			name := fmt.Sprintf("%s %s %d", adjectives[i%len(adjectives)], no.ko, i)
			ps = append(ps, NewProduct{CategoryID: cat.ID, Name: name, NameEN: fmt.Sprintf("%s %d", no.en, i),
				Description: "<p>" + name + " 정성껏 고른 <b>말랑</b> 상품입니다.</p>",
				CreatedAt:   time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
				Variants:    []NewVariant{{SKU: "B-" + strconv.Itoa(i), Price: int64(1000 + i%50*500), Stock: 10, Active: true}}})
		}
		if _, err := s.CreateProducts(ctx, ps); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d products in %v", n, time.Since(start).Round(time.Millisecond))
	if _, err := d.Write().ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	kinds := map[string][]string{}
	for i := range 300 {
		no := nouns[i%len(nouns)]
		ko := []rune(compact(no.ko))
		num := strconv.Itoa(i * 7919 % n)
		j := i / len(nouns) % max(1, len(ko)-2)
		kinds["1_syllable"] = append(kinds["1_syllable"], string(ko[j]))
		kinds["1_rare"] = append(kinds["1_rare"], string(rune('가'+i*37%11000)))
		kinds["2_syllables"] = append(kinds["2_syllables"], string(ko[j:min(j+2, len(ko))]))
		kinds["2_rare"] = append(kinds["2_rare"], string(rune('가'+i*37%11000))+string(rune('가'+i*91%11000)))
		kinds["3_syllables"] = append(kinds["3_syllables"], string(ko[j:min(j+3, len(ko))]))
		kinds["word_number"] = append(kinds["word_number"], no.ko+" "+num)
		kinds["word_spaced"] = append(kinds["word_spaced"], string(ko[:1])+" "+string(ko[1:]))
		kinds["english"] = append(kinds["english"], no.en+" "+num)
		kinds["typo"] = append(kinds["typo"], string(ko[:len(ko)-1])+"렛")
	}
	for _, k := range []string{"1_syllable", "1_rare", "2_syllables", "2_rare", "3_syllables", "word_number", "word_spaced", "english", "typo"} {
		qs := kinds[k]
		b.Run(k, func(b *testing.B) {
			i := 0
			for b.Loop() {
				s.changed() // every page, count and plan a cache miss
				res, err := s.List(ctx, ListQuery{Query: qs[i%len(qs)]})
				if err != nil {
					b.Fatal(err)
				}
				if res.Total == 0 {
					if _, err := s.Suggest(ctx, qs[i%len(qs)]); err != nil {
						b.Fatal(err)
					}
				}
				i++
			}
		})
	}
}

type benchThumbs struct{}

func (benchThumbs) EnqueueThumbnails(context.Context, db.Querier, int64) error { return nil }
