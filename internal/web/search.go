package web

import (
	"context"
	"net/url"
	"strings"
)

// productName is a product's name in the language of lc: its English name
// in English when it has one.
func (lc *locale) productName(name, nameEN string) string {
	return lc.categoryName(name, nameEN)
}

// suggest fills the suggestions of a search for query that found nothing:
// links to searches for the closest product names, the first in a sentence
// ("혹시 ‘다크초콜릿’을 찾으셨나요?").
func (h *Handler) suggest(ctx context.Context, lc *locale, l *listing, query string) error {
	names, err := h.cat.Suggest(ctx, query)
	if err != nil || len(names) == 0 {
		return err
	}
	for _, n := range names {
		l.Suggest = append(l.Suggest, link{Label: n, URL: "/search?" + url.Values{"q": {n}}.Encode()})
	}
	s := lc.F("search.suggest", names[0])
	if i := strings.Index(s, names[0]); i >= 0 {
		l.SuggestBefore, l.SuggestAfter = s[:i], s[i+len(names[0]):]
	}
	return nil
}
