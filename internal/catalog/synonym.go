package catalog

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Synonym limits.
const (
	// MaxSynonymRunes bounds a synonym's word and its replacement, in
	// characters once compacted.
	MaxSynonymRunes = 50
	// SynonymTTL is how long a Service uses the synonym list it read; a
	// change through another Service (another app node) reaches this one
	// after at most this long. Changes through this Service apply at once.
	SynonymTTL = 10 * time.Second
	// MaxSuggestions bounds the names Suggest returns.
	MaxSuggestions = 3
)

// Synonym is a spelling variant that search reads as another word: a query
// holding Term is searched with Replacement in its place (쵸콜릿 →
// 초콜릿). Both are stored as queries are matched: lower-cased, without
// spaces.
type Synonym struct {
	ID          int64
	Term        string
	Replacement string
	CreatedAt   time.Time
}

// synonymSet is the synonym list a Service searches with.
type synonymSet struct {
	r       *strings.Replacer // nil when the list is empty
	expires time.Time
}

// Synonyms returns the synonym list in the order of its words.
func (s *Service) Synonyms(ctx context.Context) ([]Synonym, error) {
	rows, err := allSynonyms(ctx, s.db.Read())
	if err != nil {
		return nil, fmt.Errorf("list synonyms: %w", err)
	}
	out := make([]Synonym, len(rows))
	for i, r := range rows {
		out[i] = Synonym(r)
	}
	return out, nil
}

// AddSynonym makes search read term as replacement, for every query from
// now on, and records the change in the audit log with by. Both are
// compacted (spaces dropped, lower-cased). An empty or over-long word, a
// replacement equal to its word or a word already in the list give
// *fault.Invalid naming "term" or "replacement".
func (s *Service) AddSynonym(ctx context.Context, by audit.Actor, term, replacement string) (Synonym, error) {
	term, replacement = compact(cleanQuery(term)), compact(cleanQuery(replacement))
	inv := &fault.Invalid{}
	for _, f := range []struct{ name, v string }{{"term", term}, {"replacement", replacement}} {
		switch {
		case f.v == "":
			inv.Add(f.name, "is required")
		case utf8.RuneCountInString(f.v) > MaxSynonymRunes:
			inv.Add(f.name, fmt.Sprintf("must be at most %d characters", MaxSynonymRunes))
		}
	}
	if term != "" && term == replacement {
		inv.Add("replacement", "must differ from the word")
	}
	if err := inv.Err(); err != nil {
		return Synonym{}, err
	}
	now := s.now().UTC()
	var syn Synonym
	err := s.db.InTx(ctx, func(q db.Querier) error {
		id, err := insertSynonym(ctx, q, term, replacement, now)
		if s.db.Dialect.IsUniqueViolation(err) {
			return &fault.Invalid{Fields: map[string]string{"term": "is already in the list"}}
		}
		if err != nil {
			return fmt.Errorf("insert synonym: %w", err)
		}
		syn = Synonym{ID: id, Term: term, Replacement: replacement, CreatedAt: now}
		return s.audited(ctx, q, by, "search_synonym.added", "search_synonym", id,
			map[string]any{"term": term, "replacement": replacement})
	})
	if err != nil {
		return Synonym{}, err
	}
	s.synonymsChanged()
	return syn, nil
}

// DeleteSynonym removes synonym id from the list and records it in the
// audit log with by; fault.ErrNotFound when there is no such synonym.
func (s *Service) DeleteSynonym(ctx context.Context, by audit.Actor, id int64) error {
	err := s.db.InTx(ctx, func(q db.Querier) error {
		r, err := synonymByID(ctx, q, id)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.ErrNotFound
		}
		if err != nil {
			return err
		}
		ok, err := deleteSynonym(ctx, q, id)
		if err != nil {
			return err
		}
		if !ok {
			return fault.ErrNotFound
		}
		return s.audited(ctx, q, by, "search_synonym.deleted", "search_synonym", id,
			map[string]any{"term": r.Term, "replacement": r.Replacement})
	})
	if err != nil {
		return fmt.Errorf("delete synonym %d: %w", id, err)
	}
	s.synonymsChanged()
	return nil
}

// synonymsChanged drops this Service's synonym list and cached listings,
// so the next search reads the list again.
func (s *Service) synonymsChanged() {
	s.synonyms.Store(nil)
	s.changed()
}

// expand returns the compacted query text with every synonym's word
// replaced by its replacement (longer words first, one pass, so a
// replacement is never replaced again).
func (s *Service) expand(ctx context.Context, text string) (string, error) {
	set := s.synonyms.Load()
	if set == nil || !s.now().Before(set.expires) {
		rows, err := allSynonyms(ctx, s.db.Read())
		if err != nil {
			return "", fmt.Errorf("read synonyms: %w", err)
		}
		slices.SortStableFunc(rows, func(a, b synonymRow) int {
			return cmp.Compare(utf8.RuneCountInString(b.Term), utf8.RuneCountInString(a.Term))
		})
		set = &synonymSet{expires: s.now().Add(SynonymTTL)}
		if len(rows) > 0 {
			pairs := make([]string, 0, 2*len(rows))
			for _, r := range rows {
				pairs = append(pairs, r.Term, r.Replacement)
			}
			set.r = strings.NewReplacer(pairs...)
		}
		s.synonyms.Store(set)
	}
	if set.r == nil {
		return text, nil
	}
	return set.r.Replace(text), nil
}

// Suggest returns up to MaxSuggestions names of listed products closest to
// query, closest first, for a search that found nothing ("…을 찾으셨나요?"):
// the names sharing the most two-character pieces with the query, relative
// to the lengths of both. A query shorter than two characters, or one that
// shares too little with every name, gets none.
func (s *Service) Suggest(ctx context.Context, query string) ([]string, error) {
	text, err := s.expand(ctx, searchQuery(cleanQuery(query)))
	if err != nil {
		return nil, err
	}
	qg := bigrams(text)
	if len(qg) == 0 {
		return nil, nil
	}
	qg = qg[:min(len(qg), maxSuggestGrams)]
	hits, err := gramNeighbours(ctx, s.db.Read(), qg, suggestPerGram, 50)
	if err != nil || len(hits) == 0 {
		return nil, err
	}
	t, err := s.categories(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ProductID
	}
	names, err := listedNames(ctx, s.db.Read(), ids, t.hidden)
	if err != nil {
		return nil, fmt.Errorf("suggest for %q: %w", query, err)
	}
	type scored struct {
		name  string
		score float64
	}
	var cands []scored
	seen := map[string]bool{}
	for _, h := range hits {
		name, ok := names[h.ProductID]
		if !ok || seen[name] {
			continue
		}
		seen[name] = true
		// Dice's coefficient over two-character pieces; a name that also
		// matched through its English name may share more than its Korean
		// name has, hence the cap.
		ng := len(bigrams(compact(name)))
		score := 2 * float64(min(h.Shared, max(ng, 1))) / float64(len(qg)+max(ng, 1))
		if score >= minSuggestScore {
			cands = append(cands, scored{name, score})
		}
	}
	slices.SortStableFunc(cands, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]string, 0, MaxSuggestions)
	for _, c := range cands[:min(len(cands), MaxSuggestions)] {
		out = append(out, c.name)
	}
	return out, nil
}

// How Suggest looks: the least likeness (0 to 1) of a suggested name, the
// query pieces it looks up (a longer query is judged by its start) and the
// index entries it reads per piece.
const (
	minSuggestScore = 0.2
	maxSuggestGrams = 24
	suggestPerGram  = 300
)

// bigrams returns the distinct two-character pieces of s.
func bigrams(s string) []string {
	r := []rune(s)
	seen := map[string]bool{}
	var out []string
	for i := 0; i+1 < len(r); i++ {
		g := string(r[i : i+2])
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}
