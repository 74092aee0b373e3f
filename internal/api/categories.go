package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// CategoryTree is the whole category tree.
type CategoryTree struct {
	Items []Category `json:"items" nullable:"false" doc:"The top-level categories in display order, each with its children."`
}

type categoriesOutput struct {
	CacheControl string `header:"Cache-Control" doc:"How long shared caches may keep the answer."`
	Body         CategoryTree
}

func (a *API) registerCategories() {
	huma.Register(a.huma, huma.Operation{
		OperationID:  "list-categories",
		Method:       http.MethodGet,
		Path:         Prefix + "/categories",
		Summary:      "List categories",
		Description:  "Returns the category tree: top-level categories with their subcategories. Use a slug as the category filter of the product listing.",
		Tags:         []string{"Catalog"},
		MaxBodyBytes: maxBodyBytes,
		Errors:       []int{http.StatusInternalServerError},
	}, a.listCategories)
}

func (a *API) listCategories(ctx context.Context, _ *struct{}) (*categoriesOutput, error) {
	roots, err := a.cat.Categories(ctx)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	tree := CategoryTree{Items: make([]Category, 0, len(roots))}
	for _, c := range roots {
		tree.Items = append(tree.Items, a.newCategory(c))
	}
	return &categoriesOutput{CacheControl: cacheCategory, Body: tree}, nil
}
