package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"unicode"

	"github.com/mallang/mallang/internal/db"
)

// mixQueries is how many distinct queries each search-mix scenario cycles
// through: enough that most requests miss the listing cache, as real
// searches do.
const mixQueries = 300

// searchMixes returns the scenarios that search for what people type, each
// over up to mixQueries distinct queries drawn from the names of a sample
// of products: one syllable, two, three, whole words spaced and unspaced,
// English names, and typos that find nothing (which ask for suggestions).
// A scenario whose queries cannot be drawn (no English names) is left out.
func searchMixes(ctx context.Context, q db.Querier, ids []int64) ([]scenario, error) {
	step := max(1, len(ids)/2000)
	var sample []int64
	for i := 0; i < len(ids); i += step {
		sample = append(sample, ids[i])
	}
	type names struct {
		Name   string `db:"name"`
		NameEN string `db:"name_en"`
	}
	var rows []names
	for len(sample) > 0 {
		n := min(len(sample), 500)
		var part []names
		if err := q.SelectContext(ctx, &part, q.Rebind(`SELECT name, name_en FROM products WHERE id IN (`+
			db.Placeholders(n)+`)`), db.Args(sample[:n])...); err != nil {
			return nil, fmt.Errorf("read product names: %w", err)
		}
		rows = append(rows, part...)
		sample = sample[n:]
	}
	rng := rand.New(rand.NewPCG(1, 2))
	sets := map[string]*querySet{}
	for _, k := range []string{"1", "2", "3", "words", "en", "typo"} {
		sets[k] = &querySet{seen: map[string]bool{}}
	}
	for _, r := range rows {
		words := strings.Fields(r.Name)
		for _, w := range words {
			if !isHangul(w) {
				continue
			}
			rs := []rune(w)
			for n, k := range []string{"1", "2", "3"} {
				if len(rs) > n {
					i := rng.IntN(len(rs) - n)
					sets[k].add(string(rs[i : i+n+1]))
				}
			}
			if len(rs) >= 3 {
				typo := append([]rune(nil), rs...)
				typo[len(typo)-1] = '렛'
				sets["typo"].add(string(typo))
			}
		}
		if len(words) > 1 {
			pair := words[0] + " " + words[1]
			if rng.IntN(2) == 0 {
				pair = words[0] + words[1] // typed without the space
			}
			sets["words"].add(pair)
		} else if len(words) == 1 && len([]rune(words[0])) >= 4 {
			rs := []rune(words[0])
			sets["words"].add(string(rs[:2]) + " " + string(rs[2:])) // typed with a space
		}
		for _, w := range strings.Fields(strings.ToLower(r.NameEN)) {
			if len(w) >= 3 {
				sets["en"].add(w)
			}
		}
	}
	search := func(text string) string { return "/search?" + url.Values{"q": {text}}.Encode() }
	var out []scenario
	for _, s := range []struct{ key, name, what string }{
		{"1", "search-1", "one syllable"},
		{"2", "search-2", "two syllables"},
		{"3", "search-3", "three syllables"},
		{"words", "search-words", "Korean words and word pairs, with and without spaces"},
		{"en", "search-en", "English name words"},
		{"typo", "search-typo", "words with a wrong last syllable (no hits: suggestions)"},
	} {
		qs := sets[s.key].list
		if len(qs) == 0 {
			continue
		}
		paths := make([]string, len(qs))
		for i, t := range qs {
			paths[i] = search(t)
		}
		out = append(out, scenario{name: s.name, paths: paths,
			note: fmt.Sprintf("/search?q=… over %d distinct queries: %s (e.g. %s)", len(qs), s.what, strings.Join(qs[:min(3, len(qs))], ", "))})
	}
	return out, nil
}

// querySet keeps up to mixQueries distinct queries in the order found.
type querySet struct {
	seen map[string]bool
	list []string
}

func (s *querySet) add(q string) {
	if len(s.list) >= mixQueries || s.seen[q] {
		return
	}
	s.seen[q] = true
	s.list = append(s.list, q)
}

// isHangul reports whether w is all Hangul syllables.
func isHangul(w string) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Hangul, r) {
			return false
		}
	}
	return w != ""
}
