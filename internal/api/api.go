// Package api serves Mallang's public JSON API under /api/v1: the category
// tree, product listings with the storefront's filters, sort and pagination,
// and product details; and, once EnableAccounts is called, the account
// endpoints for the shop's own apps — sign-up and the emailed links, a
// password grant with rotating refresh tokens, the customer's profile and
// address book behind bearer access tokens; and, once EnableCommerce is
// called, the customer's cart, checkout and orders behind the same tokens
// and, when CommerceDeps.Payments is set, the ways to pay, paying an order,
// its payments and refunds, and staff refunds.
// Operations are declared with huma, which generates the
// OpenAPI 3.1 document served at /api/v1/openapi.json; /api/v1/docs renders it
// from embedded files, so the docs work offline. Every error is an RFC 9457
// problem (application/problem+json), mapped from the fault kinds in one
// place, errors.go.
//
// The package holds no SQL and no business rules: it calls the catalog, the
// account, API token, address, cart, order and payment services through small
// interfaces (Catalog, and those of AccountDeps and CommerceDeps) and shapes
// the results as JSON.
package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/mallang/mallang/internal/catalog"
)

// Prefix is the path under which every route of the API lives.
const Prefix = "/api/v1"

// maxBodyBytes caps request bodies: the account operations' JSON bodies are
// a few hundred bytes, and the catalog's GETs take none.
const maxBodyBytes = 64 << 10

// Catalog is what the API needs of the catalog; *catalog.Service implements
// it.
type Catalog interface {
	// Categories returns the top-level categories with their Children.
	Categories(ctx context.Context) ([]*catalog.Category, error)
	// List returns one page of active products matching q. An unknown
	// category slug is a *fault.Invalid naming "category".
	List(ctx context.Context, q catalog.ListQuery) (catalog.ListResult, error)
	// Product returns an active product with its options, variants and
	// images, or fault.ErrNotFound.
	Product(ctx context.Context, id int64) (catalog.ProductDetail, error)
}

// Config is what the API needs to know about the deployment.
type Config struct {
	// BaseURL is the shop's public origin, such as "https://shop.example.com",
	// without a trailing slash. It makes the absolute URLs in responses (Link
	// headers, images) and the server entry of the OpenAPI document.
	BaseURL string
	// Version is the build's version, shown as the OpenAPI info.version.
	Version string
}

// API is the /api/v1 handler. Create it with New and mount it with Register;
// it is safe for concurrent use.
type API struct {
	cfg  Config
	cat  Catalog
	acc  *AccountDeps  // nil until EnableAccounts
	com  *CommerceDeps // nil until EnableCommerce
	ret  Returns       // nil until EnableReturns
	img  Images        // nil until EnableImages
	bulk Bulk          // nil until EnableBulk
	care *CareDeps     // nil until EnableCustomerCare
	// attendance is the attendance check; nil until EnableAttendance.
	attendance Attendance
	// grades are the membership grades; nil until EnableGrades.
	grades *Grades
	// catAdmin serves the staff's catalog operations; nil until
	// EnableCatalogAdmin.
	catAdmin CatalogAdmin
	log      *slog.Logger
	mux      *http.ServeMux
	huma     huma.API
	spec     *asset // the OpenAPI document as JSON
	// limits are the operations' body limits by route pattern (limits.go).
	limits map[string]int64
	docs   map[string]*asset

	// adminOrders serves the staff's order list and bulk status change;
	// nil until EnableAdminOrders.
	adminOrders AdminOrders
}

// New builds the API: it declares every operation, renders the OpenAPI
// document once and prepares the docs page. It panics only on a programming
// error in an operation declaration, which every test run would catch.
func New(cfg Config, cat Catalog, log *slog.Logger) *API {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if log == nil {
		panic("api: New without a logger")
	}
	a := &API{cfg: cfg, cat: cat, log: log, mux: http.NewServeMux()}

	hc := huma.DefaultConfig("Mallang API", cfg.Version)
	// The document and the docs page are served by us (the docs from
	// embedded files instead of a CDN); there is no schemas route, so no
	// $schema links in bodies either.
	hc.OpenAPIPath = ""
	hc.DocsPath = ""
	hc.SchemasPath = ""
	hc.CreateHooks = nil
	hc.Info.Description = apiDescription
	if cfg.BaseURL != "" {
		hc.Servers = []*huma.Server{{URL: cfg.BaseURL, Description: "This shop"}}
	}
	hc.Tags = []*huma.Tag{{Name: "Catalog", Description: "Categories and products as shoppers see them."}}
	hc.Transformers = []huma.Transformer{completeProblem}
	a.huma = humago.New(a.mux, hc)

	a.registerCategories()
	a.registerProducts()

	a.renderSpec()
	a.mux.HandleFunc("GET "+Prefix+"/openapi.json", a.serveSpec)
	a.registerDocs()
	a.mux.HandleFunc(Prefix+"/", a.unknownRoute)
	return a
}

// Register mounts the API on mux under /api/v1/. It registers one pattern per
// method, so that it never conflicts with a site-wide catch-all such as
// "GET /" and every method under /api/v1/ gets a JSON answer.
func (a *API) Register(mux *http.ServeMux) {
	for _, m := range []string{
		http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions,
	} {
		mux.Handle(m+" "+Prefix+"/", a)
	}
}

// ServeHTTP serves a request whose path starts with /api/v1/.
// The body is limited to what the operation declares (limits.go).
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.limited(w, r)
}

// OpenAPI returns the OpenAPI document as JSON, the same bytes
// /api/v1/openapi.json serves. Callers must not modify it.
func (a *API) OpenAPI() []byte { return a.spec.body }

// renderSpec renders the OpenAPI document of the operations declared so
// far. New calls it, and so does every Enable method that adds operations;
// they run before the API serves, so nobody reads a.spec meanwhile.
func (a *API) renderSpec() {
	spec, err := json.Marshal(a.huma.OpenAPI())
	if err != nil {
		panic("api: marshal OpenAPI document: " + err.Error())
	}
	a.spec = newAsset("application/json; charset=utf-8", spec)
	a.indexLimits()
}

func (a *API) serveSpec(w http.ResponseWriter, r *http.Request) {
	a.spec.serve(w, r, "public, max-age=300")
}

// absURL makes path (which starts with "/") absolute under the base URL.
func (a *API) absURL(path string) string { return a.cfg.BaseURL + path }

const apiDescription = `The public, read-only API of the shop's catalog.

* Prices are objects: ` + "`amount`" + ` is an integer in the currency's minor unit (KRW has
  none, so 12900 is ₩12,900), ` + "`currency`" + ` the ISO 4217 code and ` + "`formatted`" + ` the
  amount as the shop shows it.
* Every listing is paginated the same way: ask with ` + "`page`" + ` (from 1) and ` + "`per_page`" + `
  (each listing says its default and maximum); the body is ` + "`items`" + ` with ` + "`total`, `page`, `per_page`" + `
  and ` + "`pages`" + `, ` + "`X-Total-Count`" + ` repeats the total and the ` + "`Link`" + ` header carries the first,
  prev, next and last pages. The former ` + "`limit`" + ` and ` + "`offset`" + ` are refused with a 422.
* Errors are RFC 9457 problem details (` + "`application/problem+json`" + `); invalid
  input is a 422 whose ` + "`errors`" + ` name each bad parameter in ` + "`location`" + `
  (for example ` + "`query.page`" + `).`
