package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
)

// CatalogAdmin is what the staff's catalog operations use
// (*catalog.Service); see its methods for the errors.
type CatalogAdmin interface {
	AdminCategories(ctx context.Context) ([]catalog.AdminCategory, error)
	AddCategory(ctx context.Context, by audit.Actor, c catalog.NewCategory) (catalog.Category, error)
	RenameCategory(ctx context.Context, by audit.Actor, id int64, name, nameEN string) error
	MoveCategory(ctx context.Context, by audit.Actor, id, parentID int64) error
	ShiftCategory(ctx context.Context, by audit.Actor, id int64, up bool) error
	HideCategory(ctx context.Context, by audit.Actor, id int64, hidden bool) error
	DeleteCategory(ctx context.Context, by audit.Actor, id int64) error
	AdminProducts(ctx context.Context, q catalog.AdminQuery) ([]catalog.AdminRow, int, error)
	AdminProduct(ctx context.Context, id int64) (catalog.EditProduct, error)
	SaveProduct(ctx context.Context, by audit.Actor, id int64, p catalog.ProductInput) (int64, error)
	AdjustStock(ctx context.Context, by audit.Actor, variantID, delta int64, reason catalog.StockReason, note string) (catalog.StockEntry, error)
	StockLedger(ctx context.Context, variantID int64) (catalog.StockVariant, []catalog.StockEntry, error)
	LowStock(ctx context.Context, limit, offset int) ([]catalog.StockVariant, error)
	CountLowStock(ctx context.Context) (int, error)
	Synonyms(ctx context.Context) ([]catalog.Synonym, error)
	AddSynonym(ctx context.Context, by audit.Actor, term, replacement string) (catalog.Synonym, error)
	DeleteSynonym(ctx context.Context, by audit.Actor, id int64) error
}

// AdminCategory is a category as staff manage it.
type AdminCategory struct {
	ID       int64  `json:"id" example:"3"`
	ParentID *int64 `json:"parent_id" doc:"null for a top-level category." example:"1"`
	Slug     string `json:"slug" example:"chocolate"`
	Name     string `json:"name" example:"초콜릿"`
	NameEN   string `json:"name_en" example:"Chocolate"`
	Position int    `json:"position" doc:"Order among its siblings, from 1." example:"1"`
	Depth    int    `json:"depth" doc:"0 for a top-level category." example:"1"`
	Hidden   bool   `json:"hidden" doc:"Hidden from customers, with its subcategories and products." example:"false"`
	Products int    `json:"products" doc:"Products directly in it." example:"12"`
	Children int    `json:"children" example:"0"`
}

// AdminOption is one of a product's option dimensions.
type AdminOption struct {
	Name   string   `json:"name" maxLength:"50" example:"사이즈"`
	Values []string `json:"values" nullable:"false" maxItems:"30" example:"[\"S\",\"M\",\"L\"]"`
}

// AdminVariant is one combination of a product's option values.
type AdminVariant struct {
	ID         int64    `json:"id,omitempty" readOnly:"true" doc:"Set in responses." example:"41"`
	Options    []string `json:"options" nullable:"false" maxItems:"3" doc:"Its value on each option, in order; empty without options." example:"[\"M\"]"`
	SKU        string   `json:"sku" maxLength:"64" doc:"Unique across the shop." example:"SHIRT-M"`
	PriceDelta int64    `json:"price_delta" doc:"Added to the product's price and sale price, in won; may be negative." example:"0"`
	Stock      int64    `json:"stock" doc:"A new variant's opening stock. An existing variant's stock changes only through POST /admin/variants/{id}/stock (and orders); it is ignored here." example:"10"`
	LowStock   int64    `json:"low_stock" doc:"The low-stock threshold." example:"3"`
	Active     bool     `json:"active" doc:"On sale (on) or switched off." example:"true"`
}

// AdminProductBody is a product as staff write it.
type AdminProductBody struct {
	CategoryID     int64          `json:"category_id" example:"3"`
	Name           string         `json:"name" maxLength:"200" example:"말랑 셔츠"`
	NameEN         string         `json:"name_en,omitempty" maxLength:"200" example:"Soft shirt"`
	Summary        string         `json:"summary,omitempty" maxLength:"500" example:"부드러운 면 셔츠"`
	Description    string         `json:"description,omitempty" doc:"HTML; sanitised when saved." example:"<p>면 100%</p>"`
	Type           string         `json:"type" enum:"physical,digital,subscription" example:"physical"`
	State          string         `json:"state" enum:"draft,on_sale,sold_out,hidden" doc:"draft (임시저장) and hidden (숨김) are off the storefront; sold_out (품절) is listed and shown but cannot be bought." example:"on_sale"`
	TaxFree        bool           `json:"tax_free,omitempty" doc:"VAT-exempt goods (면세)." example:"false"`
	Ships          bool           `json:"ships,omitempty" doc:"The shop's shipping fee rules apply; digital goods never ship." example:"true"`
	Price          int64          `json:"price" doc:"In won." example:"20000"`
	SalePrice      *int64         `json:"sale_price,omitempty" doc:"Below price; null: not on sale." example:"18000"`
	SEOTitle       string         `json:"seo_title,omitempty" maxLength:"70" doc:"The page's title for search engines; empty: the name." example:""`
	SEODescription string         `json:"seo_description,omitempty" maxLength:"160" doc:"The page's meta description; empty: the summary." example:""`
	Options        []AdminOption  `json:"options" nullable:"false" maxItems:"3"`
	Variants       []AdminVariant `json:"variants" nullable:"false" maxItems:"100" doc:"Exactly one per combination of the options' values (one without options). Variants are matched to the stored ones by their option values; a combination that is gone is switched off when an order, a cart or the stock ledger names it, deleted otherwise."`
}

// AdminProduct is a product as staff see it.
type AdminProduct struct {
	ID int64 `json:"id" example:"7"`
	AdminProductBody
	CreatedAt time.Time `json:"created_at" example:"2026-12-01T02:00:00Z"`
	UpdatedAt time.Time `json:"updated_at" example:"2026-12-01T02:00:00Z"`
}

// AdminProductRow is a product in the staff's list.
type AdminProductRow struct {
	ID         int64     `json:"id" example:"7"`
	Name       string    `json:"name" example:"말랑 셔츠"`
	NameEN     string    `json:"name_en" example:"Soft shirt"`
	CategoryID int64     `json:"category_id" example:"3"`
	Type       string    `json:"type" example:"physical"`
	State      string    `json:"state" example:"on_sale"`
	Price      int64     `json:"price" doc:"What a buyer pays for the cheapest active variant, in won." example:"18000"`
	Stock      int64     `json:"stock" doc:"Of the active variants." example:"25"`
	Variants   int       `json:"variants" example:"4"`
	UpdatedAt  time.Time `json:"updated_at" example:"2026-12-01T02:00:00Z"`
}

// StockVariant is a variant with what names it.
type StockVariant struct {
	ID          int64  `json:"id" example:"41"`
	ProductID   int64  `json:"product_id" example:"7"`
	ProductName string `json:"product_name" example:"말랑 셔츠"`
	Options     string `json:"options" example:"사이즈: M"`
	SKU         string `json:"sku" example:"SHIRT-M"`
	Stock       int64  `json:"stock" example:"2"`
	LowStock    int64  `json:"low_stock" example:"3"`
	Active      bool   `json:"active" example:"true"`
}

// StockEntry is one line of a variant's stock ledger.
type StockEntry struct {
	ID         int64     `json:"id,omitempty" example:"5"`
	Delta      int64     `json:"delta" example:"10"`
	StockAfter int64     `json:"stock_after" example:"12"`
	Reason     string    `json:"reason" enum:"received,defect,count,other" doc:"received (입고), defect (불량), count (재고실사), other (기타)." example:"received"`
	Note       string    `json:"note" example:""`
	ActorEmail string    `json:"actor_email" example:"staff@example.com"`
	CreatedAt  time.Time `json:"created_at" example:"2026-12-01T02:00:00Z"`
}

// StockLedger is a variant and its latest ledger entries, newest first.
type StockLedger struct {
	Variant StockVariant `json:"variant"`
	Entries []StockEntry `json:"entries" nullable:"false"`
}

type categoryIDInput struct {
	ID int64 `path:"id" minimum:"1" example:"3"`
}

type addCategoryInput struct {
	Body struct {
		ParentID int64  `json:"parent_id,omitempty" minimum:"0" doc:"0 or absent: a top-level category." example:"1"`
		Slug     string `json:"slug" example:"green-tea"`
		Name     string `json:"name" example:"녹차"`
		NameEN   string `json:"name_en,omitempty" example:"Green tea"`
	}
}

type renameCategoryInput struct {
	ID   int64 `path:"id" minimum:"1" example:"3"`
	Body struct {
		Name   string `json:"name" example:"녹차"`
		NameEN string `json:"name_en,omitempty" example:"Green tea"`
	}
}

type moveCategoryInput struct {
	ID   int64 `path:"id" minimum:"1" example:"3"`
	Body struct {
		ParentID int64 `json:"parent_id" minimum:"0" doc:"0: the top level." example:"1"`
	}
}

type reorderCategoryInput struct {
	ID   int64 `path:"id" minimum:"1" example:"3"`
	Body struct {
		Direction string `json:"direction" enum:"up,down" example:"up"`
	}
}

type hideCategoryInput struct {
	ID   int64 `path:"id" minimum:"1" example:"3"`
	Body struct {
		Hidden bool `json:"hidden" example:"true"`
	}
}

type adminCategoryOutput struct{ Body AdminCategory }

type adminCategoriesOutput struct {
	Body []AdminCategory `nullable:"false"`
}

type adminProductsInput struct {
	Q          string `query:"q" maxLength:"100" doc:"In the name (either language) or a variant's SKU."`
	State      string `query:"state" enum:"draft,on_sale,sold_out,hidden"`
	CategoryID int64  `query:"category_id" minimum:"0"`
	PageQuery24Max100
}

type adminProductIDInput struct {
	ID int64 `path:"id" minimum:"1" example:"7"`
}

type saveProductInput struct {
	Body AdminProductBody
}

type updateProductInput struct {
	ID   int64 `path:"id" minimum:"1" example:"7"`
	Body AdminProductBody
}

type adminProductOutput struct{ Body AdminProduct }

type variantIDInput struct {
	ID int64 `path:"id" minimum:"1" example:"41"`
}

type adjustStockInput struct {
	ID   int64 `path:"id" minimum:"1" example:"41"`
	Body struct {
		Delta  int64  `json:"delta" doc:"Positive adds, negative takes; never below zero." example:"10"`
		Reason string `json:"reason" doc:"received (입고), defect (불량), count (재고실사) or other (기타, with a note)." example:"received"`
		Note   string `json:"note,omitempty" maxLength:"200" example:""`
	}
}

type lowStockInput struct {
	PageQuery50Max200
}

type stockLedgerOutput struct{ Body StockLedger }

type stockEntryOutput struct{ Body StockEntry }

// EnableCatalogAdmin adds the staff's catalog operations
// (/api/v1/admin/categories…, /api/v1/admin/products…,
// /api/v1/admin/variants…), each for a staff token with the catalog
// scope. Call it after EnableAccounts and before Register.
func (a *API) EnableCatalogAdmin(c CatalogAdmin) {
	if a.acc == nil || c == nil {
		panic("api: EnableCatalogAdmin needs EnableAccounts first, and a CatalogAdmin")
	}
	a.catAdmin = c
	doc := a.huma.OpenAPI()
	doc.Tags = append(doc.Tags, &huma.Tag{Name: "Catalog admin", Description: "Categories, products, options, " +
		"variants and stock as staff manage them. Every operation needs a staff token with the catalog scope; " +
		"every change is audited."})
	op := func(id, method, path, summary, desc string, status int, errs ...int) huma.Operation {
		o := a.staffOp(huma.Operation{OperationID: id, Method: method, Path: Prefix + "/admin" + path, Summary: summary,
			Description: "For staff with the catalog permission (상품), with a staff token carrying the catalog scope " +
				"(any other token gets 403). " + desc, DefaultStatus: status,
			Errors: append([]int{http.StatusForbidden}, errs...)}, account.PermCatalog)
		o.Tags = []string{"Catalog admin"}
		return o
	}
	notFound, invalid := http.StatusNotFound, http.StatusUnprocessableEntity
	huma.Register(a.huma, op("list-admin-categories", http.MethodGet, "/categories", "List every category",
		"Returns every category, hidden ones too, in tree order.", 0), a.listAdminCategories)
	huma.Register(a.huma, op("add-category", http.MethodPost, "/categories", "Add a category",
		"Adds a category at the end of its siblings. 422 naming body.slug (bad or in use), body.name, body.name_en "+
			"or body.parent_id.", http.StatusCreated, invalid), a.addCategory)
	huma.Register(a.huma, op("rename-category", http.MethodPut, "/categories/{id}/name", "Rename a category",
		"Sets the Korean and English names. 422 naming body.name or body.name_en.", 0, notFound, invalid), a.renameCategory)
	huma.Register(a.huma, op("move-category", http.MethodPost, "/categories/{id}/move", "Move a category",
		"Puts the category under body.parent_id (0: the top level), last among its new siblings. 422 naming "+
			"body.parent_id for an unknown category, or the category itself or one of its subcategories.",
		0, notFound, invalid), a.moveCategory)
	huma.Register(a.huma, op("reorder-category", http.MethodPost, "/categories/{id}/reorder", "Move a category up or down",
		"Swaps the category with the sibling before (up) or after (down) it; at either end nothing changes.",
		0, notFound, invalid), a.reorderCategory)
	huma.Register(a.huma, op("hide-category", http.MethodPut, "/categories/{id}/hidden", "Hide or show a category",
		"A hidden category, its subcategories and their products leave the storefront: navigation, listings, "+
			"search, and their pages answer 404.", 0, notFound, invalid), a.hideCategory)
	huma.Register(a.huma, op("delete-category", http.MethodDelete, "/categories/{id}", "Delete a category",
		"Deletes an empty category. 422 naming body.category when it has subcategories, products, or is a "+
			"coupon's target.", http.StatusNoContent, notFound, invalid), a.deleteCategory)
	huma.Register(a.huma, op("list-admin-products", http.MethodGet, "/products", "List products",
		"Returns one page of the products, newest first, whatever their state, with how many match.", 0, invalid), a.listAdminProducts)
	huma.Register(a.huma, op("create-product", http.MethodPost, "/products", "Create a product",
		"Creates a product with its options and variants. 422 with per-field errors (body.name, body.category_id, "+
			"body.sale_price, body.options[0].values, body.variants[2].sku — a SKU another product has —, …).",
		http.StatusCreated, invalid), a.createProduct)
	huma.Register(a.huma, op("get-admin-product", http.MethodGet, "/products/{id}", "Get a product",
		"Returns the product as staff edit it, with every variant.", 0, notFound), a.getAdminProduct)
	huma.Register(a.huma, op("update-product", http.MethodPut, "/products/{id}", "Replace a product",
		"Replaces the product's fields, options and variants; errors as for creating.", 0, notFound, invalid), a.updateProduct)
	huma.Register(a.huma, op("get-stock-ledger", http.MethodGet, "/variants/{id}/stock", "Get a variant's stock ledger",
		"Returns the variant and its latest 200 stock adjustments, newest first.", 0, notFound), a.getStockLedger)
	huma.Register(a.huma, op("adjust-stock", http.MethodPost, "/variants/{id}/stock", "Adjust a variant's stock",
		"Adds body.delta (negative: takes) for a reason, written to the ledger. 422 naming body.delta when it would "+
			"take the stock below zero (nothing changes), body.reason, or body.note (required for other).",
		http.StatusCreated, notFound, invalid), a.adjustStock)
	huma.Register(a.huma, op("list-low-stock", http.MethodGet, "/variants/low-stock", "List variants low on stock",
		"Returns active variants of products on the storefront or drafts whose stock is at or below their "+
			"low-stock threshold, the emptiest first.", 0, invalid), a.listLowStock)
	a.registerSynonyms(op)
	documentErrorHeaders(doc)
	a.renderSpec()
}

// catalogStaff is the signed-in staff member of ctx, once their token's
// catalog scope is checked.
func catalogStaff(ctx context.Context) (audit.Actor, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return audit.Actor{}, err
	}
	if err := needScope(ctx, account.PermCatalog); err != nil {
		return audit.Actor{}, err
	}
	return apiActor(ctx, u), nil
}

func newAdminCategory(c catalog.AdminCategory) AdminCategory {
	out := AdminCategory{ID: c.ID, Slug: c.Slug, Name: c.Name, NameEN: c.NameEN, Position: c.Position, Depth: c.Depth,
		Hidden: c.Hidden, Products: c.Products, Children: c.Children}
	if c.ParentID != 0 {
		p := c.ParentID
		out.ParentID = &p
	}
	return out
}

func (a *API) listAdminCategories(ctx context.Context, _ *struct{}) (*adminCategoriesOutput, error) {
	if _, err := catalogStaff(ctx); err != nil {
		return nil, err
	}
	cs, err := a.catAdmin.AdminCategories(ctx)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	out := &adminCategoriesOutput{Body: make([]AdminCategory, 0, len(cs))}
	for _, c := range cs {
		out.Body = append(out.Body, newAdminCategory(c))
	}
	return out, nil
}

// categoryOut returns category id as it is now.
func (a *API) categoryOut(ctx context.Context, id int64) (*adminCategoryOutput, error) {
	cs, err := a.catAdmin.AdminCategories(ctx)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	for _, c := range cs {
		if c.ID == id {
			return &adminCategoryOutput{Body: newAdminCategory(c)}, nil
		}
	}
	return nil, newProblem(http.StatusNotFound, "The requested resource does not exist.")
}

func (a *API) addCategory(ctx context.Context, in *addCategoryInput) (*adminCategoryOutput, error) {
	by, err := catalogStaff(ctx)
	if err != nil {
		return nil, err
	}
	c, err := a.catAdmin.AddCategory(ctx, by, catalog.NewCategory{ParentID: in.Body.ParentID, Slug: in.Body.Slug,
		Name: in.Body.Name, NameEN: in.Body.NameEN})
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return a.categoryOut(ctx, c.ID)
}

// categoryChange runs change as the signed-in staff member and returns the
// category as it is after.
func (a *API) categoryChange(ctx context.Context, id int64, change func(by audit.Actor) error) (*adminCategoryOutput, error) {
	by, err := catalogStaff(ctx)
	if err != nil {
		return nil, err
	}
	if err := change(by); err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return a.categoryOut(ctx, id)
}

func (a *API) renameCategory(ctx context.Context, in *renameCategoryInput) (*adminCategoryOutput, error) {
	return a.categoryChange(ctx, in.ID, func(by audit.Actor) error {
		return a.catAdmin.RenameCategory(ctx, by, in.ID, in.Body.Name, in.Body.NameEN)
	})
}

func (a *API) moveCategory(ctx context.Context, in *moveCategoryInput) (*adminCategoryOutput, error) {
	return a.categoryChange(ctx, in.ID, func(by audit.Actor) error {
		return a.catAdmin.MoveCategory(ctx, by, in.ID, in.Body.ParentID)
	})
}

func (a *API) reorderCategory(ctx context.Context, in *reorderCategoryInput) (*adminCategoryOutput, error) {
	return a.categoryChange(ctx, in.ID, func(by audit.Actor) error {
		return a.catAdmin.ShiftCategory(ctx, by, in.ID, in.Body.Direction == "up")
	})
}

func (a *API) hideCategory(ctx context.Context, in *hideCategoryInput) (*adminCategoryOutput, error) {
	return a.categoryChange(ctx, in.ID, func(by audit.Actor) error {
		return a.catAdmin.HideCategory(ctx, by, in.ID, in.Body.Hidden)
	})
}

func (a *API) deleteCategory(ctx context.Context, in *categoryIDInput) (*struct{}, error) {
	by, err := catalogStaff(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.catAdmin.DeleteCategory(ctx, by, in.ID); err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return nil, nil
}

func (a *API) listAdminProducts(ctx context.Context, in *adminProductsInput) (*pageOutput[AdminProductRow], error) {
	if _, err := catalogStaff(ctx); err != nil {
		return nil, err
	}
	rows, total, err := a.catAdmin.AdminProducts(ctx, catalog.AdminQuery{Text: in.Q, State: catalog.SaleState(in.State),
		CategoryID: in.CategoryID, Page: in.Page, PerPage: in.PerPage})
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	items := make([]AdminProductRow, 0, len(rows))
	for _, r := range rows {
		items = append(items, AdminProductRow{ID: r.ID, Name: r.Name, NameEN: r.NameEN, CategoryID: r.CategoryID,
			Type: string(r.Type), State: string(r.State), Price: r.Price.Minor, Stock: r.Stock, Variants: r.Variants,
			UpdatedAt: r.UpdatedAt})
	}
	query := url.Values{}
	if in.Q != "" {
		query.Set("q", in.Q)
	}
	if in.State != "" {
		query.Set("state", in.State)
	}
	if in.CategoryID != 0 {
		query.Set("category_id", strconv.FormatInt(in.CategoryID, 10))
	}
	return newPageOutput(a, "/admin/products", query, items, total, in.Page, in.PerPage), nil
}

// input is b as the catalog service takes it.
func (b AdminProductBody) input() catalog.ProductInput {
	p := catalog.ProductInput{CategoryID: b.CategoryID, Name: b.Name, NameEN: b.NameEN, Summary: b.Summary,
		Description: b.Description, Type: catalog.ProductType(b.Type), State: catalog.SaleState(b.State), TaxFree: b.TaxFree,
		Ships: b.Ships, Price: b.Price, SalePrice: b.SalePrice, SEOTitle: b.SEOTitle, SEODescription: b.SEODescription}
	for _, o := range b.Options {
		p.Options = append(p.Options, catalog.OptionInput{Name: o.Name, Values: o.Values})
	}
	for _, v := range b.Variants {
		vi := catalog.VariantInput{SKU: v.SKU, PriceDelta: v.PriceDelta, Stock: v.Stock, LowStock: v.LowStock, Active: v.Active}
		copy(vi.Options[:], v.Options)
		p.Variants = append(p.Variants, vi)
	}
	return p
}

func newAdminProduct(e catalog.EditProduct) AdminProduct {
	out := AdminProduct{ID: e.ID, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt, AdminProductBody: AdminProductBody{
		CategoryID: e.CategoryID, Name: e.Name, NameEN: e.NameEN, Summary: e.Summary, Description: e.Description,
		Type: string(e.Type), State: string(e.State), TaxFree: e.TaxFree, Ships: e.Ships, Price: e.Price, SalePrice: e.SalePrice,
		SEOTitle: e.SEOTitle, SEODescription: e.SEODescription,
		Options: make([]AdminOption, 0, len(e.Options)), Variants: make([]AdminVariant, 0, len(e.Variants))}}
	for _, o := range e.Options {
		out.Options = append(out.Options, AdminOption{Name: o.Name, Values: append([]string{}, o.Values...)})
	}
	for _, v := range e.Variants {
		opts := []string{}
		for i := range len(e.Options) {
			opts = append(opts, v.Options[i])
		}
		out.Variants = append(out.Variants, AdminVariant{ID: v.ID, Options: opts, SKU: v.SKU, PriceDelta: v.PriceDelta,
			Stock: v.Stock, LowStock: v.LowStock, Active: v.Active})
	}
	return out
}

func (a *API) productOut(ctx context.Context, id int64) (*adminProductOutput, error) {
	e, err := a.catAdmin.AdminProduct(ctx, id)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return &adminProductOutput{Body: newAdminProduct(e)}, nil
}

func (a *API) createProduct(ctx context.Context, in *saveProductInput) (*adminProductOutput, error) {
	return a.saveProduct(ctx, 0, in.Body)
}

func (a *API) updateProduct(ctx context.Context, in *updateProductInput) (*adminProductOutput, error) {
	return a.saveProduct(ctx, in.ID, in.Body)
}

func (a *API) saveProduct(ctx context.Context, id int64, b AdminProductBody) (*adminProductOutput, error) {
	by, err := catalogStaff(ctx)
	if err != nil {
		return nil, err
	}
	id, err = a.catAdmin.SaveProduct(ctx, by, id, b.input())
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return a.productOut(ctx, id)
}

func (a *API) getAdminProduct(ctx context.Context, in *adminProductIDInput) (*adminProductOutput, error) {
	if _, err := catalogStaff(ctx); err != nil {
		return nil, err
	}
	return a.productOut(ctx, in.ID)
}

func newStockVariant(v catalog.StockVariant) StockVariant {
	return StockVariant{ID: v.ID, ProductID: v.ProductID, ProductName: v.ProductName, Options: v.Options, SKU: v.SKU,
		Stock: v.Stock, LowStock: v.LowStock, Active: v.Active}
}

func newStockEntry(e catalog.StockEntry) StockEntry {
	return StockEntry{ID: e.ID, Delta: e.Delta, StockAfter: e.StockAfter, Reason: string(e.Reason), Note: e.Note,
		ActorEmail: e.ActorEmail, CreatedAt: e.CreatedAt}
}

func (a *API) getStockLedger(ctx context.Context, in *variantIDInput) (*stockLedgerOutput, error) {
	if _, err := catalogStaff(ctx); err != nil {
		return nil, err
	}
	v, es, err := a.catAdmin.StockLedger(ctx, in.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	out := StockLedger{Variant: newStockVariant(v), Entries: make([]StockEntry, 0, len(es))}
	for _, e := range es {
		out.Entries = append(out.Entries, newStockEntry(e))
	}
	return &stockLedgerOutput{Body: out}, nil
}

func (a *API) adjustStock(ctx context.Context, in *adjustStockInput) (*stockEntryOutput, error) {
	by, err := catalogStaff(ctx)
	if err != nil {
		return nil, err
	}
	e, err := a.catAdmin.AdjustStock(ctx, by, in.ID, in.Body.Delta, catalog.StockReason(in.Body.Reason), in.Body.Note)
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return &stockEntryOutput{Body: newStockEntry(e)}, nil
}

func (a *API) listLowStock(ctx context.Context, in *lowStockInput) (*pageOutput[StockVariant], error) {
	if _, err := catalogStaff(ctx); err != nil {
		return nil, err
	}
	out, err := listing[StockVariant]{path: "/admin/variants/low-stock", params: in,
		list: func(ctx context.Context, limit, offset int) ([]StockVariant, error) {
			vs, err := a.catAdmin.LowStock(ctx, limit, offset)
			return mapped(vs, err, newStockVariant)
		},
		count: a.catAdmin.CountLowStock,
	}.page(ctx, a)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	return out, nil
}
