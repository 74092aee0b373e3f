package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/catalog"
)

// Synonym is a spelling variant the product search reads as another word.
type Synonym struct {
	ID          int64     `json:"id" example:"1"`
	Term        string    `json:"term" doc:"The word as customers type it, lower-cased without spaces." example:"쵸콜릿"`
	Replacement string    `json:"replacement" doc:"What search looks for in its place, stored the same way." example:"초콜릿"`
	CreatedAt   time.Time `json:"created_at"`
}

type synonymInput struct {
	Body struct {
		Term        string `json:"term" maxLength:"200" doc:"Spaces are dropped and Latin letters lower-cased; at most 50 characters after that." example:"쵸콜릿"`
		Replacement string `json:"replacement" maxLength:"200" doc:"As term, and different from it." example:"초콜릿"`
	}
}

type synonymIDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type synonymOutput struct{ Body Synonym }

type synonymsOutput struct {
	Body []Synonym `nullable:"false"`
}

// registerSynonyms adds the synonym operations of the catalog admin, made
// by op as EnableCatalogAdmin makes its own.
func (a *API) registerSynonyms(op func(id, method, path, summary, desc string, status int, errs ...int) huma.Operation) {
	notFound, invalid := http.StatusNotFound, http.StatusUnprocessableEntity
	huma.Register(a.huma, op("list-search-synonyms", http.MethodGet, "/search-synonyms", "List search synonyms",
		"Returns the spelling variants the product search reads as other words (쵸콜릿 → 초콜릿), by word.", 0), a.listSynonyms)
	huma.Register(a.huma, op("add-search-synonym", http.MethodPost, "/search-synonyms", "Add a search synonym",
		"From now on a search holding body.term looks for body.replacement in its place. 422 naming body.term "+
			"(empty, too long, or in the list already) or body.replacement (empty, too long, or the same as the word).",
		http.StatusCreated, invalid), a.addSynonym)
	huma.Register(a.huma, op("delete-search-synonym", http.MethodDelete, "/search-synonyms/{id}", "Delete a search synonym",
		"Removes the synonym; searches read the word as typed again.", http.StatusNoContent, notFound), a.deleteSynonym)
}

func newSynonym(s catalog.Synonym) Synonym {
	return Synonym{ID: s.ID, Term: s.Term, Replacement: s.Replacement, CreatedAt: s.CreatedAt}
}

func (a *API) listSynonyms(ctx context.Context, _ *struct{}) (*synonymsOutput, error) {
	if _, err := catalogStaff(ctx); err != nil {
		return nil, err
	}
	list, err := a.catAdmin.Synonyms(ctx)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	out := &synonymsOutput{Body: make([]Synonym, 0, len(list))}
	for _, s := range list {
		out.Body = append(out.Body, newSynonym(s))
	}
	return out, nil
}

func (a *API) addSynonym(ctx context.Context, in *synonymInput) (*synonymOutput, error) {
	by, err := catalogStaff(ctx)
	if err != nil {
		return nil, err
	}
	s, err := a.catAdmin.AddSynonym(ctx, by, in.Body.Term, in.Body.Replacement)
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return &synonymOutput{Body: newSynonym(s)}, nil
}

func (a *API) deleteSynonym(ctx context.Context, in *synonymIDInput) (*struct{}, error) {
	by, err := catalogStaff(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.catAdmin.DeleteSynonym(ctx, by, in.ID); err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return nil, nil
}
