package catalog

import (
	"html"
	"strings"
	"unicode"
)

// text is what search reads of a product.
type text struct {
	Name        string `db:"name"`
	NameEN      string `db:"name_en"`
	Description string `db:"description"` // HTML
}

// text returns what search reads of p.
func (p *ProductInput) text() text {
	return text{Name: p.Name, NameEN: p.NameEN, Description: p.Description}
}

// search returns the search text of t: its name, its English name and the
// text of its description without tags, each lower-cased with every space
// removed, one per line. Queries are compacted the same way (searchQuery),
// so search ignores spacing ("다크 초콜릿" finds "다크초콜릿" and the
// reverse) and the case of Latin letters on both engines (PostgreSQL's
// ILIKE would fold case row by row, which is slow on Korean text). A query
// never holds a newline, so it cannot match across two parts.
func (t text) search() string {
	return compact(t.Name) + "\n" + compact(t.NameEN) + "\n" +
		compact(html.UnescapeString(stripTags(t.Description)))
}

// grams returns the distinct one- and two-character pieces of t's names,
// compacted as search text is: what a query shorter than
// db.MinTrigramRunes is looked up by.
func (t text) grams() []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range []string{compact(t.Name), compact(t.NameEN)} {
		r := []rune(n)
		for i := range r {
			for _, g := range []string{string(r[i : i+1]), string(r[i:min(i+2, len(r))])} {
				if !seen[g] {
					seen[g] = true
					out = append(out, g)
				}
			}
		}
	}
	return out
}

// searchQuery prepares cleaned search text for matching search text.
func searchQuery(q string) string { return compact(q) }

// compact lower-cases s and drops its white space and control characters.
func compact(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
}

// stripTags drops HTML tags and comments. Inline tags vanish ("<b>우유</b>맛"
// reads "우유맛"); block tags leave a space so paragraphs do not run together.
func stripTags(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return b.String()
		}
		if !inlineTag(s[i+1 : i+j]) {
			b.WriteByte(' ')
		}
		s = s[i+j+1:]
	}
}

// inlineTag reports whether the tag between < and > is one that text flows
// through, such as b, i, a or span.
func inlineTag(tag string) bool {
	tag = strings.TrimPrefix(tag, "/")
	if k := strings.IndexAny(tag, " \t\n/"); k >= 0 {
		tag = tag[:k]
	}
	switch strings.ToLower(tag) {
	case "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
		"mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var":
		return true
	}
	return false
}
