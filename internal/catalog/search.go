package catalog

import (
	"html"
	"strings"
	"unicode"
)

// searchText is what search looks in for a product: its name and the text
// of its description without tags, lower-cased, one space between words.
// Queries are lower-cased the same way, so search ignores case on both
// engines (PostgreSQL's ILIKE would fold case row by row, which is slow on
// Korean text). A newline separates name and description so that a query,
// which never holds one, cannot match across them.
func searchText(name, descriptionHTML string) string {
	return strings.ToLower(squash(name) + "\n" + squash(html.UnescapeString(stripTags(descriptionHTML))))
}

// searchQuery prepares cleaned search text for matching searchText.
func searchQuery(q string) string { return strings.ToLower(q) }

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

// squash turns every run of white space and control characters into one
// space and trims the ends.
func squash(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}
