package api

import (
	"context"
	"net/http"
	"net/url"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/catalog"
)

// Cache lifetimes. Listings change as stock and prices do, so shared caches
// keep them briefly; the category tree changes rarely.
const (
	cacheListing  = "public, max-age=60"
	cacheProduct  = "public, max-age=60"
	cacheCategory = "public, max-age=300"
)

// ProductPage is one page of a product listing: Paging as every listing
// has it, where total counts at most 1,000 hits of a search (total_capped).
type ProductPage struct {
	Items []Product `json:"items" nullable:"false" doc:"The products of this page; empty past the last page."`
	Paging
	// TotalCapped is set when a search has more hits than it counts.
	TotalCapped bool `json:"total_capped" doc:"True when a search has more than total hits: it counts at most 1,000, so common words cost no more than rare ones." example:"false"`
}

// listInput takes the listing's query string whole: the parameters are
// parsed by catalog.ParseListQuery, exactly as the storefront parses them, so
// that both accept, default and reject the same input. They are declared in
// the OpenAPI document by listParams.
type listInput struct {
	query url.Values
}

// Resolve implements huma.Resolver.
func (in *listInput) Resolve(ctx huma.Context) []error {
	u := ctx.URL()
	in.query = u.Query()
	return retiredParams(in.query)
}

type listOutput struct {
	CacheControl string `header:"Cache-Control" doc:"How long shared caches may keep the answer."`
	Link         string `header:"Link" doc:"RFC 8288 links to the first, prev, next and last pages that exist."`
	TotalCount   int    `header:"X-Total-Count" doc:"The same number as total in the body."`
	Body         ProductPage
}

type productInput struct {
	ID int64 `path:"id" doc:"The product's id." example:"1"`
}

type productOutput struct {
	CacheControl string `header:"Cache-Control" doc:"How long shared caches may keep the answer."`
	Body         ProductDetail
}

func (a *API) registerProducts() {
	huma.Register(a.huma, huma.Operation{
		OperationID: "list-products",
		Method:      http.MethodGet,
		Path:        Prefix + "/products",
		Summary:     "List products",
		Description: "Lists active products, newest first unless sort says otherwise, one page at a time. " +
			"The filters combine: a product is listed when it matches all of them. " +
			"The parameters mean the same as on the storefront's category and search pages. " +
			"Invalid parameters give a 422 problem naming each one (for example query.page); " +
			"a page past the last gives an empty items list with the real total.",
		Tags:         []string{"Catalog"},
		Parameters:   listParams(),
		MaxBodyBytes: maxBodyBytes,
		Errors:       []int{http.StatusUnprocessableEntity},
	}, a.listProducts)

	huma.Register(a.huma, huma.Operation{
		OperationID: "get-product",
		Method:      http.MethodGet,
		Path:        Prefix + "/products/{id}",
		Summary:     "Get a product",
		Description: "Returns an active product with its options, variants (price, sale price, stock) " +
			"and images with the URLs of each thumbnail size. Unknown, hidden and non-numeric ids are errors: " +
			"404 for an id no product has, 422 for one that is not an integer.",
		Tags:         []string{"Catalog"},
		MaxBodyBytes: maxBodyBytes,
		Errors:       []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, a.getProduct)
}

func (a *API) listProducts(ctx context.Context, in *listInput) (*listOutput, error) {
	q, err := catalog.ParseListQuery(in.query)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	res, err := a.cat.List(ctx, q)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	page := ProductPage{
		Items:       make([]Product, 0, len(res.Products)),
		Paging:      Paging{Total: res.Total, Page: res.Page, PerPage: res.PerPage, Pages: res.Pages},
		TotalCapped: res.TotalCapped,
	}
	for _, p := range res.Products {
		page.Items = append(page.Items, a.newProduct(p))
	}
	return &listOutput{
		CacheControl: cacheListing,
		Link:         a.pageLinks("/products", q.Values(), res.Page, res.Pages),
		TotalCount:   res.Total,
		Body:         page,
	}, nil
}

func (a *API) getProduct(ctx context.Context, in *productInput) (*productOutput, error) {
	d, err := a.cat.Product(ctx, in.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return &productOutput{CacheControl: cacheProduct, Body: a.newProductDetail(d)}, nil
}

// listParams declares the listing's query parameters in the OpenAPI
// document. The limits come from the catalog's constants, so the document
// says what catalog.ParseListQuery enforces.
func listParams() []*huma.Param {
	minPrice, maxQuery, perPageMax, pageMax := 0.0, catalog.MaxQueryRunes, float64(catalog.MaxPerPage), float64(catalog.MaxPage)
	one := 1.0
	return []*huma.Param{
		{
			Name: "q", In: "query",
			Description: "Words to find in the product name and description; Korean substrings match (초콜릿 finds 다크초콜릿세트).",
			Schema:      &huma.Schema{Type: huma.TypeString, MaxLength: &maxQuery, Examples: []any{"초콜릿"}},
		},
		{
			Name: "category", In: "query",
			Description: "A category slug; lists the category and its subcategories. An unknown slug is invalid.",
			Schema:      &huma.Schema{Type: huma.TypeString, Examples: []any{"snacks"}},
		},
		{
			Name: "min_price", In: "query",
			Description: "Lowest price to list, in the currency's minor unit (won).",
			Schema:      &huma.Schema{Type: huma.TypeInteger, Format: "int64", Minimum: &minPrice, Examples: []any{10000}},
		},
		{
			Name: "max_price", In: "query",
			Description: "Highest price to list, in the currency's minor unit (won); not below min_price.",
			Schema:      &huma.Schema{Type: huma.TypeInteger, Format: "int64", Minimum: &minPrice, Examples: []any{50000}},
		},
		{
			Name: "in_stock", In: "query",
			Description: "true to list only products that can be bought now. Booleans accept true/false, 1/0, yes/no and on/off.",
			Schema:      &huma.Schema{Type: huma.TypeBoolean, Default: false},
		},
		{
			Name: "featured", In: "query",
			Description: "true to list only the products the shop features.",
			Schema:      &huma.Schema{Type: huma.TypeBoolean, Default: false},
		},
		{
			Name: "sort", In: "query",
			Description: "Order of the listing: newest first, price ascending, price descending, by name, by average rating, by number of reviews, or best-selling first.",
			Schema: &huma.Schema{
				Type: huma.TypeString,
				Enum: []any{string(catalog.SortNewest), string(catalog.SortPriceAsc), string(catalog.SortPriceDesc), string(catalog.SortName),
					string(catalog.SortRating), string(catalog.SortReviews), string(catalog.SortBest)},
				Default: string(catalog.SortNewest),
			},
		},
		{
			Name: "page", In: "query",
			Description: "Page to return, counted from 1.",
			Schema:      &huma.Schema{Type: huma.TypeInteger, Minimum: &one, Maximum: &pageMax, Default: 1},
		},
		{
			Name: "per_page", In: "query",
			Description: "Products per page.",
			Schema:      &huma.Schema{Type: huma.TypeInteger, Minimum: &one, Maximum: &perPageMax, Default: catalog.DefaultPerPage},
		},
	}
}
