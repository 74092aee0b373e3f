package backoffice

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
)

// The catalog section (상품): products with their options and variants,
// the category tree, each variant's stock ledger with the adjustment form,
// and the variants low on stock. Behind account.PermCatalog; the catalog
// service writes every audit entry in the transaction of the change.

// Catalog is what the back office needs of the catalog; *catalog.Service
// implements it.
type Catalog interface {
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
	Synonyms(ctx context.Context) ([]catalog.Synonym, error)
	AddSynonym(ctx context.Context, by audit.Actor, term, replacement string) (catalog.Synonym, error)
	DeleteSynonym(ctx context.Context, by audit.Actor, id int64) error
}

// Page sizes of the catalog section.
const (
	catalogPage  = 30
	lowStockPage = 200
)

// registerCatalog adds the catalog section.
func (h *Handler) registerCatalog(mux Router) {
	p, s := h.cfg.Path, h.withSession
	cat := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermCatalog, next))) }
	mux.Handle("GET "+p+"/catalog/products", cat(h.catalogProducts))
	mux.Handle("GET "+p+"/catalog/products/new", cat(h.newProductForm))
	mux.Handle("POST "+p+"/catalog/products/new", cat(h.saveProductForm))
	mux.Handle("GET "+p+"/catalog/products/{id}", cat(h.editProductForm))
	mux.Handle("POST "+p+"/catalog/products/{id}", cat(h.saveProductForm))
	mux.Handle("GET "+p+"/catalog/categories", cat(h.categoriesPage))
	mux.Handle("POST "+p+"/catalog/categories", cat(h.addCategory))
	mux.Handle("POST "+p+"/catalog/categories/{id}/{action}", cat(h.changeCategory))
	mux.Handle("GET "+p+"/catalog/variants/{id}/stock", cat(h.stockPage))
	mux.Handle("POST "+p+"/catalog/variants/{id}/stock", cat(h.adjustStock))
	mux.Handle("GET "+p+"/catalog/low-stock", cat(h.lowStock))
	mux.Handle("GET "+p+"/catalog/synonyms", cat(h.synonymsPage))
	mux.Handle("POST "+p+"/catalog/synonyms", cat(h.addSynonym))
	mux.Handle("POST "+p+"/catalog/synonyms/{id}/delete", cat(h.deleteSynonym))
}

// catalogSections adds the catalog section to the menu for u.
func (h *Handler) catalogSections(u account.User, add func(key, path, hint string)) {
	if !u.Can(account.PermCatalog) {
		return
	}
	add("products", "/catalog/products", "dash.products")
	add("categories", "/catalog/categories", "dash.categories")
	add("low_stock", "/catalog/low-stock", "dash.low_stock")
	add("synonyms", "/catalog/synonyms", "dash.synonyms")
}

// catalogFieldText translates a catalog service's field message.
func catalogFieldText(m *messages, msg string) string { return fieldText(m, msg) }

// categoryOptions are the categories as select options, indented by depth,
// with selected marked; none, when set, comes first with value 0.
func categoryOptions(m *messages, cats []catalog.AdminCategory, selected int64, none string) []option {
	var out []option
	if none != "" {
		out = append(out, option{Value: "0", Label: none, Selected: selected == 0})
	}
	for _, c := range cats {
		label := strings.Repeat("— ", c.Depth) + c.Name
		if c.Hidden {
			label += " (" + m.T("cat.hidden") + ")"
		}
		out = append(out, option{Value: strconv.FormatInt(c.ID, 10), Label: label, Selected: c.ID == selected})
	}
	return out
}

// productRowView is one product in the list.
type productRowView struct {
	URL, Name, Category, Type, State, StateKey, Price, Stock, Variants, Updated string
}

// productsView is the product list with its filters.
type productsView struct {
	Base, NewURL, Query string
	States              []option
	Categories          []option
	Rows                []productRowView
	Total               string
	Pager               pager
	Error               string
}

func (h *Handler) catalogProducts(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	qs := r.URL.Query()
	n := pageNumber(r)
	catID, _ := strconv.ParseInt(qs.Get("category"), 10, 64)
	aq := catalog.AdminQuery{Text: cut(qs.Get("q"), 200), State: catalog.SaleState(qs.Get("state")), CategoryID: catID,
		Page: n, PerPage: catalogPage}
	v := productsView{Base: h.url("/catalog/products"), NewURL: h.url("/catalog/products/new"), Query: aq.Text}
	rows, total, err := h.deps.Catalog.AdminProducts(ctx, aq)
	if _, ok := fault.AsInvalid(err); ok { // a hand-made address: list everything
		v.Error = m.T("prd.bad_filter")
		aq = catalog.AdminQuery{Page: 1, PerPage: catalogPage}
		rows, total, err = h.deps.Catalog.AdminProducts(ctx, aq)
	}
	if err != nil {
		return err
	}
	cats, err := h.deps.Catalog.AdminCategories(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, c := range cats {
		names[c.ID] = c.Name
	}
	v.States = append(v.States, option{Value: "", Label: m.T("prd.state.all"), Selected: aq.State == ""})
	for _, st := range catalog.SaleStates {
		v.States = append(v.States, option{Value: string(st), Label: m.T("prd.state." + string(st)), Selected: st == aq.State})
	}
	v.Categories = categoryOptions(m, cats, catID, m.T("prd.category.all"))
	for _, p := range rows {
		v.Rows = append(v.Rows, productRowView{URL: h.url("/catalog/products/" + strconv.FormatInt(p.ID, 10)), Name: p.Name,
			Category: names[p.CategoryID], Type: m.T("prd.type." + string(p.Type)), State: m.T("prd.state." + string(p.State)),
			StateKey: string(p.State), Price: m.Money(p.Price), Stock: strconv.FormatInt(p.Stock, 10),
			Variants: strconv.Itoa(p.Variants), Updated: m.Time(p.UpdatedAt)})
	}
	v.Total = m.F("prd.total", total)
	v.Pager = newPager(r, n, n*catalogPage < total)
	h.render(w, r, http.StatusOK, productsListPage(h.page(r, m, u, m.T("prd.title"), "products"), v))
	return nil
}

// variantRowView is one row of the variants table.
type variantRowView struct {
	Index                  int
	Label                  string
	Options                [3]string
	SKU, Delta, Stock, Low string
	Active, Existing       bool
	StockURL               string
	Errors                 map[string]string // by column: sku, delta, stock, low, options
}

// productFormView is the product form.
type productFormView struct {
	Action, Back, ImagesURL   string
	Values                    map[string]string
	Categories, Types, States []option
	TaxFree, Ships            bool
	OptionNames, OptionValues [3]string
	Rows                      []variantRowView
	Errors                    map[string]string
	Error                     string
	New                       bool
}

func (h *Handler) newProductForm(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	in := catalog.ProductInput{State: catalog.StateDraft, Type: catalog.Physical, Ships: true,
		Variants: []catalog.VariantInput{{Active: true}}}
	return h.showProductForm(w, r, m, u, 0, in, nil, http.StatusOK, nil, "")
}

func (h *Handler) editProductForm(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	e, err := h.deps.Catalog.AdminProduct(r.Context(), id)
	if err != nil {
		return err
	}
	in := e.ProductInput
	ids := map[[3]string]int64{}
	for _, v := range e.Variants {
		in.Variants = append(in.Variants, v.VariantInput)
		ids[v.Options] = v.ID
	}
	notice := ""
	if r.URL.Query().Get("saved") == "1" {
		notice = m.T("prd.saved")
	}
	return h.showProductForm(w, r, m, u, id, in, ids, http.StatusOK, nil, notice)
}

// showProductForm draws the form of product id (0: a new one) with in, the
// ids of its stored variants by options, and the messages of errs.
func (h *Handler) showProductForm(w http.ResponseWriter, r *http.Request, m *messages, u account.User, id int64,
	in catalog.ProductInput, ids map[[3]string]int64, status int, errs map[string]string, notice string) error {
	cats, err := h.deps.Catalog.AdminCategories(r.Context())
	if err != nil {
		return err
	}
	v := productFormView{Action: h.url("/catalog/products/new"), Back: h.url("/catalog/products"), New: id == 0,
		Errors: map[string]string{}, TaxFree: in.TaxFree, Ships: in.Ships}
	if id != 0 {
		v.Action = h.url("/catalog/products/" + strconv.FormatInt(id, 10))
		v.ImagesURL = v.Action + "/images"
	}
	sale := ""
	if in.SalePrice != nil {
		sale = strconv.FormatInt(*in.SalePrice, 10)
	}
	v.Values = map[string]string{"name": in.Name, "name_en": in.NameEN, "summary": in.Summary, "description": in.Description,
		"price": strconv.FormatInt(in.Price, 10), "sale_price": sale, "seo_title": in.SEOTitle, "seo_description": in.SEODescription}
	v.Categories = categoryOptions(m, cats, in.CategoryID, m.T("prd.category.choose"))
	for _, t := range []catalog.ProductType{catalog.Physical, catalog.Digital, catalog.Subscription} {
		v.Types = append(v.Types, option{Value: string(t), Label: m.T("prd.type." + string(t)), Selected: t == in.Type})
	}
	for _, st := range catalog.SaleStates {
		v.States = append(v.States, option{Value: string(st), Label: m.T("prd.state." + string(st)), Selected: st == in.State})
	}
	for i, o := range in.Options {
		if i < 3 {
			v.OptionNames[i], v.OptionValues[i] = o.Name, strings.Join(o.Values, ", ")
		}
	}
	for i, vi := range in.Variants {
		row := variantRowView{Index: i, Options: vi.Options, SKU: vi.SKU, Delta: strconv.FormatInt(vi.PriceDelta, 10),
			Stock: strconv.FormatInt(vi.Stock, 10), Low: strconv.FormatInt(vi.LowStock, 10), Active: vi.Active,
			Errors: map[string]string{}}
		var parts []string
		for _, o := range vi.Options {
			if o != "" {
				parts = append(parts, o)
			}
		}
		row.Label = strings.Join(parts, " / ")
		if row.Label == "" {
			row.Label = m.T("prd.variant.single")
		}
		if vid := ids[vi.Options]; vid != 0 {
			row.Existing = true
			row.StockURL = h.url("/catalog/variants/" + strconv.FormatInt(vid, 10) + "/stock")
		}
		v.Rows = append(v.Rows, row)
	}
	for k, msg := range errs {
		if i, col, ok := variantField(k); ok && i < len(v.Rows) {
			v.Rows[i].Errors[col] = msg
			continue
		}
		v.Errors[k] = msg
	}
	if len(errs) > 0 {
		v.Error = m.T("form.fix")
	}
	title := m.T("prd.new")
	if id != 0 {
		title = m.F("prd.edit", in.Name)
	}
	p := h.page(r, m, u, title, "products")
	p.Notice = notice
	h.render(w, r, status, productFormPage(p, v))
	return nil
}

var variantFieldRE = regexp.MustCompile(`^v(\d+)_(sku|delta|stock|low|options)$`)

// variantField splits a form field name of the variants table ("v2_sku").
func variantField(name string) (int, string, bool) {
	mm := variantFieldRE.FindStringSubmatch(name)
	if mm == nil {
		return 0, "", false
	}
	i, err := strconv.Atoi(mm[1])
	return i, mm[2], err == nil
}

// serviceField is the form field of a catalog service's field name.
func serviceField(f string) string {
	var i int
	var rest string
	if n, _ := fmt.Sscanf(f, "variants[%d].%s", &i, &rest); n == 2 {
		col := map[string]string{"sku": "sku", "price_delta": "delta", "stock": "stock", "low_stock": "low", "options": "options"}[rest]
		if col != "" {
			return fmt.Sprintf("v%d_%s", i, col)
		}
	}
	if n, _ := fmt.Sscanf(f, "options[%d].%s", &i, &rest); n == 2 && (rest == "name" || rest == "values") {
		return fmt.Sprintf("option_%s_%d", rest, i+1)
	}
	return f
}

// maxVariantRows bounds the rows of a posted variants table.
const maxVariantRows = catalog.MaxVariants

// readProductForm reads the posted product; errs holds the fields that are
// not numbers. Posted rows are matched to the options' combinations by
// their option values, so applying changed options keeps what was typed.
func readProductForm(r *http.Request, m *messages) (catalog.ProductInput, map[string]string) {
	errs := map[string]string{}
	form := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	num := func(k string) int64 {
		n, ok := parseWhole(form(k))
		if !ok {
			errs[k] = m.T("v.whole")
		}
		return n
	}
	catID, _ := strconv.ParseInt(form("category_id"), 10, 64)
	in := catalog.ProductInput{CategoryID: catID, Name: form("name"), NameEN: form("name_en"), Summary: form("summary"),
		Description: r.PostFormValue("description"), Type: catalog.ProductType(form("type")), State: catalog.SaleState(form("state")),
		TaxFree: form("tax_free") == "1", Ships: form("ships") == "1", Price: num("price"),
		SEOTitle: form("seo_title"), SEODescription: form("seo_description")}
	if form("sale_price") != "" {
		sp := num("sale_price")
		in.SalePrice = &sp
	}
	for i := 1; i <= 3; i++ {
		name := form("option_name_" + strconv.Itoa(i))
		var vals []string
		for _, s := range strings.Split(form("option_values_"+strconv.Itoa(i)), ",") {
			if s = strings.TrimSpace(s); s != "" {
				vals = append(vals, s)
			}
		}
		if name != "" || len(vals) > 0 {
			in.Options = append(in.Options, catalog.OptionInput{Name: name, Values: vals})
		}
	}
	n, _ := strconv.Atoi(form("variant_rows"))
	for i := range min(max(n, 0), maxVariantRows) {
		k := "v" + strconv.Itoa(i) + "_"
		vi := catalog.VariantInput{SKU: form(k + "sku"), Active: form(k+"active") == "1"}
		for j := range 3 {
			vi.Options[j] = form(k + "o" + strconv.Itoa(j+1))
		}
		vi.PriceDelta = num(k + "delta")
		vi.Stock = num(k + "stock")
		vi.LowStock = num(k + "low")
		in.Variants = append(in.Variants, vi)
	}
	return in, errs
}

// withCombinations returns in with one variant row per combination of its
// options: the posted row with the same values, or a new one (on).
func withCombinations(in catalog.ProductInput) catalog.ProductInput {
	posted := map[[3]string]catalog.VariantInput{}
	for _, v := range in.Variants {
		posted[v.Options] = v
	}
	combos := catalog.Combinations(in.Options)
	if len(combos) > maxVariantRows {
		return in
	}
	out := make([]catalog.VariantInput, 0, len(combos))
	for _, c := range combos {
		v, ok := posted[c]
		if !ok {
			v = catalog.VariantInput{Options: c, Active: true}
		}
		out = append(out, v)
	}
	in.Variants = out
	return in
}

// saveProductForm saves the posted product, or, for the "apply options"
// button, shows the form again with a row per combination of the options.
// Bad input shows the form again with the messages and writes nothing.
func (h *Handler) saveProductForm(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	id := int64(0)
	if r.PathValue("id") != "" {
		if id = pathID(r); id == 0 {
			return fault.ErrNotFound
		}
	}
	ids := map[[3]string]int64{}
	if id != 0 {
		e, err := h.deps.Catalog.AdminProduct(ctx, id)
		if err != nil {
			return err
		}
		for _, v := range e.Variants {
			ids[v.Options] = v.ID
		}
	}
	in, errs := readProductForm(r, m)
	if r.PostFormValue("apply_options") != "" {
		return h.showProductForm(w, r, m, u, id, withCombinations(in), ids, http.StatusOK, nil, m.T("prd.options_applied"))
	}
	if len(errs) > 0 {
		return h.showProductForm(w, r, m, u, id, in, ids, http.StatusUnprocessableEntity, errs, "")
	}
	saved, err := h.deps.Catalog.SaveProduct(ctx, staffActor(r, u), id, in)
	if inv, ok := fault.AsInvalid(err); ok {
		fields := map[string]string{}
		for k, msg := range inv.Fields {
			fields[serviceField(k)] = catalogFieldText(m, msg)
		}
		if _, bad := inv.Fields["variants"]; bad {
			in = withCombinations(in) // the rows the options need
		}
		return h.showProductForm(w, r, m, u, id, in, ids, http.StatusUnprocessableEntity, fields, "")
	}
	if err != nil {
		return err
	}
	h.log.InfoContext(ctx, "product saved in the back office", "actor_id", u.ID, "product_id", saved)
	http.Redirect(w, r, h.url("/catalog/products/"+strconv.FormatInt(saved, 10))+"?saved=1", http.StatusSeeOther)
	return nil
}

// catalogTexts are the catalog section's texts, {Korean, English}.
var catalogTexts = map[string][2]string{
	"nav.products":             {"상품", "Products"},
	"nav.categories":           {"카테고리", "Categories"},
	"nav.low_stock":            {"재고 부족", "Low stock"},
	"dash.products":            {"상품 등록과 수정: 옵션, 가격, 재고, 판매 상태", "Create and edit products: options, prices, stock, sale state"},
	"dash.categories":          {"카테고리 추가, 이름 변경, 이동, 순서, 숨김, 삭제", "Add, rename, move, reorder, hide and delete categories"},
	"dash.low_stock":           {"안전 재고 이하로 떨어진 옵션", "Variants at or below their low-stock threshold"},
	"prd.title":                {"상품", "Products"},
	"prd.new":                  {"상품 등록", "New product"},
	"prd.edit":                 {"상품 수정 — %s", "Edit product — %s"},
	"prd.back":                 {"← 상품 목록", "← All products"},
	"prd.saved":                {"저장했습니다.", "Saved."},
	"prd.options_applied":      {"옵션 조합으로 표를 만들었습니다. 품목 코드와 재고를 채우고 저장하세요.", "The table now has a row per combination; fill in the SKUs and stock, then save."},
	"prd.bad_filter":           {"검색 조건을 읽을 수 없어 전체 목록을 보여 드립니다.", "The filter could not be read; showing every product."},
	"prd.search":               {"상품명 또는 품목 코드", "Name or SKU"},
	"prd.none":                 {"상품이 없습니다.", "No product."},
	"prd.total":                {"모두 %d개", "%d in all"},
	"prd.name":                 {"상품명", "Name"},
	"prd.name_en":              {"영문 상품명", "English name"},
	"prd.name_en.hint":         {"영어 화면에 보입니다. 비워 두면 상품명을 씁니다.", "Shown in English; empty uses the name."},
	"prd.category":             {"카테고리", "Category"},
	"prd.category.all":         {"전체 카테고리", "Every category"},
	"prd.category.choose":      {"카테고리를 고르세요", "Choose a category"},
	"prd.type":                 {"상품 유형", "Type"},
	"prd.type.physical":        {"배송 상품", "Physical"},
	"prd.type.digital":         {"디지털 상품", "Digital"},
	"prd.type.subscription":    {"정기 구독", "Subscription"},
	"prd.state":                {"판매 상태", "State"},
	"prd.state.all":            {"전체 상태", "Every state"},
	"prd.state.draft":          {"임시저장", "Draft"},
	"prd.state.on_sale":        {"판매중", "On sale"},
	"prd.state.sold_out":       {"품절", "Sold out"},
	"prd.state.hidden":         {"숨김", "Hidden"},
	"prd.summary":              {"한 줄 소개", "Summary"},
	"prd.description":          {"상세 설명", "Description"},
	"prd.images":               {"상품 이미지 관리", "Manage the images"},
	"prd.basics":               {"기본 정보", "Basics"},
	"prd.pricing":              {"가격과 배송", "Price and shipping"},
	"prd.price":                {"판매가 (원)", "Price (won)"},
	"prd.price.hint":           {"옵션별 추가 금액은 아래 표에서 정합니다.", "Each variant adds its own difference in the table below."},
	"prd.sale_price":           {"할인가 (원)", "Sale price (won)"},
	"prd.sale_price.hint":      {"비워 두면 할인하지 않습니다. 판매가보다 낮아야 합니다.", "Empty: no sale. Must be below the price."},
	"prd.tax_free":             {"면세 상품", "Tax-free (면세)"},
	"prd.ships":                {"배송비 규칙 적용 (택배 발송)", "Ships (the shop's shipping fee applies)"},
	"prd.ships.hint":           {"디지털 상품은 배송하지 않으므로 배송비가 붙지 않습니다.", "Digital goods never ship and pay no shipping."},
	"prd.seo":                  {"검색엔진 노출", "Search engines"},
	"prd.seo_title":            {"검색엔진 제목", "SEO title"},
	"prd.seo_title.hint":       {"비워 두면 상품명을 씁니다. 70자까지.", "Empty uses the name. Up to 70 characters."},
	"prd.seo_description":      {"검색엔진 설명", "SEO description"},
	"prd.seo_description.hint": {"비워 두면 한 줄 소개를 씁니다. 160자까지.", "Empty uses the summary. Up to 160 characters."},
	"prd.options":              {"옵션", "Options"},
	"prd.options.hint":         {"옵션은 3개까지, 값은 쉼표로 구분합니다 (예: 사이즈 — S, M, L). 바꾼 뒤 ‘옵션 조합 만들기’를 누르세요. 기존 조합의 재고와 주문 내역은 그대로 남습니다.", "Up to three options, values separated by commas (사이즈 — S, M, L). Press ‘Make the combinations’ after a change; existing combinations keep their stock and orders."},
	"prd.option_name":          {"옵션 %d 이름", "Option %d name"},
	"prd.option_values":        {"옵션 %d 값", "Option %d values"},
	"prd.apply_options":        {"옵션 조합 만들기", "Make the combinations"},
	"prd.variants":             {"옵션 조합", "Variants"},
	"prd.variants.hint":        {"재고는 새 조합의 처음 재고입니다. 이미 있는 조합의 재고는 숫자를 눌러 입고·조정하세요.", "Stock is a new variant's opening stock; change an existing variant's stock from its ledger (click the number)."},
	"prd.variant":              {"옵션", "Variant"},
	"prd.variant.single":       {"단일 상품", "Single variant"},
	"prd.sku":                  {"품목 코드 (SKU)", "SKU"},
	"prd.delta":                {"추가 금액", "Price difference"},
	"prd.stock":                {"재고", "Stock"},
	"prd.low":                  {"안전 재고", "Low-stock threshold"},
	"prd.on":                   {"판매", "On"},
	"prd.updated":              {"수정 시각", "Updated"},
	"prd.save":                 {"저장", "Save"},
	"cat.title":                {"카테고리", "Categories"},
	"cat.add":                  {"카테고리 추가", "Add a category"},
	"cat.name":                 {"이름", "Name"},
	"cat.name_en":              {"영문 이름", "English name"},
	"cat.slug":                 {"주소 이름", "Slug"},
	"cat.slug.hint":            {"주소에 쓰입니다: 영문 소문자와 숫자, 하이픈(-)만 쓸 수 있습니다.", "Used in the address: lower-case letters, digits and hyphens (green-tea)."},
	"cat.parent":               {"상위 카테고리", "Parent"},
	"cat.top":                  {"최상위", "Top level"},
	"cat.none":                 {"카테고리가 없습니다.", "No category."},
	"cat.products":             {"상품 수", "Products"},
	"cat.actions":              {"관리", "Actions"},
	"cat.hidden":               {"숨김", "Hidden"},
	"cat.rename":               {"이름 변경", "Rename"},
	"cat.move":                 {"이동", "Move"},
	"cat.up":                   {"%s 위로", "Move %s up"},
	"cat.down":                 {"%s 아래로", "Move %s down"},
	"cat.hide":                 {"숨기기", "Hide"},
	"cat.show":                 {"보이기", "Show"},
	"cat.delete":               {"삭제", "Delete"},
	"cat.done.add":             {"카테고리를 추가했습니다.", "The category is added."},
	"cat.done.rename":          {"이름을 바꿨습니다.", "Renamed."},
	"cat.done.move":            {"옮겼습니다.", "Moved."},
	"cat.done.up":              {"순서를 바꿨습니다.", "Reordered."},
	"cat.done.down":            {"순서를 바꿨습니다.", "Reordered."},
	"cat.done.hide":            {"숨겼습니다. 하위 카테고리와 상품도 쇼핑몰에서 보이지 않습니다.", "Hidden, with its subcategories and products."},
	"cat.done.show":            {"다시 보이게 했습니다.", "Shown again."},
	"cat.done.delete":          {"삭제했습니다.", "Deleted."},
	"stock.title":              {"재고 내역 — %s", "Stock ledger — %s"},
	"stock.back":               {"← 상품으로", "← The product"},
	"stock.adjust":             {"재고 조정", "Adjust the stock"},
	"stock.delta":              {"변동 수량", "Change"},
	"stock.delta.hint":         {"늘리면 양수, 줄이면 음수 (예: 10, -3).", "Positive adds, negative takes (10, -3)."},
	"stock.reason":             {"사유", "Reason"},
	"stock.reason.received":    {"입고", "Received"},
	"stock.reason.defect":      {"불량", "Defect"},
	"stock.reason.count":       {"재고실사", "Stocktake"},
	"stock.reason.other":       {"기타", "Other"},
	"stock.note":               {"메모", "Note"},
	"stock.note.hint":          {"기타 사유면 꼭 적어 주세요.", "Required for Other."},
	"stock.ledger":             {"변동 내역", "Ledger"},
	"stock.empty":              {"내역이 없습니다.", "No entry."},
	"stock.when":               {"시각", "When"},
	"stock.after":              {"변동 후 재고", "Stock after"},
	"stock.who":                {"처리자", "By"},
	"stock.system":             {"시스템", "System"},
	"stock.opening":            {"처음 재고", "Opening stock"},
	"stock.done":               {"재고를 조정했습니다. 지금 재고: %d", "Adjusted; the stock is now %d."},
	"low.title":                {"재고 부족", "Low stock"},
	"low.hint":                 {"판매 중인 옵션 가운데 재고가 안전 재고 이하인 것, 적은 순서입니다 (안전 재고 0이면 품절일 때).", "Variants on sale whose stock is at or below their threshold, emptiest first (threshold 0: when sold out)."},
	"low.none":                 {"재고가 부족한 옵션이 없습니다.", "No variant is low on stock."},

	"v.unknown category":                                            {"카테고리를 고르세요.", "Choose a category."},
	"v.must be below the price":                                     {"판매가보다 낮아야 합니다.", "Must be below the price."},
	"v.must be draft, on_sale, sold_out or hidden":                  {"판매 상태를 고르세요.", "Choose a state."},
	"v.must be physical, digital or subscription":                   {"상품 유형을 고르세요.", "Choose a type."},
	"v.repeats another option":                                      {"다른 옵션과 이름이 같습니다.", "Another option has this name."},
	"v.must be at most 30 values":                                   {"값은 30개까지입니다.", "At most 30 values."},
	"v.repeat a value":                                              {"같은 값이 두 번 있습니다.", "A value is repeated."},
	"v.make more than 100 combinations":                             {"조합이 100개를 넘습니다. 값을 줄이세요.", "More than 100 combinations; use fewer values."},
	"v.must be at most 3":                                           {"옵션은 3개까지입니다.", "At most three options."},
	"v.values must be at most 50 characters":                        {"값은 50자 이하여야 합니다.", "Values must be at most 50 characters."},
	"v.repeat another variant's options":                            {"같은 옵션 조합이 두 번 있습니다.", "This combination is repeated."},
	"v.is not a combination of the options":                         {"옵션에 없는 조합입니다. ‘옵션 조합 만들기’를 누르세요.", "Not a combination of the options; make the combinations."},
	"v.is used by another variant":                                  {"다른 옵션과 품목 코드가 같습니다.", "Another variant has this SKU."},
	"v.is already used":                                             {"이미 쓰고 있는 값입니다.", "Already in use."},
	"v.use a SKU that is already used":                              {"이미 다른 상품이 쓰는 품목 코드가 있습니다.", "A SKU is already used by another product."},
	"v.makes the price negative":                                    {"가격이 0원보다 작아집니다.", "Makes the price negative."},
	"v.must give every combination of the options":                  {"옵션을 바꿨다면 ‘옵션 조합 만들기’를 누른 뒤 표를 채우세요.", "The options changed: make the combinations and fill in the table."},
	"v.must be at most 70 characters":                               {"70자 이하여야 합니다.", "Must be at most 70 characters."},
	"v.must be at most 160 characters":                              {"160자 이하여야 합니다.", "Must be at most 160 characters."},
	"v.must be at most 100000 bytes":                                {"설명이 너무 깁니다.", "Too long."},
	"v.must be lower-case letters, digits and single hyphens":       {"영문 소문자, 숫자, -만 쓸 수 있습니다.", "Lower-case letters, digits and single hyphens only."},
	"v.must not be the category itself or one of its subcategories": {"자기 자신이나 하위 카테고리 아래로는 옮길 수 없습니다.", "Cannot move a category under itself or its subcategories."},
	"v.has subcategories":                                           {"하위 카테고리가 있어 삭제할 수 없습니다. 먼저 옮기거나 삭제하세요.", "It has subcategories: move or delete them first."},
	"v.has products":                                                {"상품이 있어 삭제할 수 없습니다. 상품을 다른 카테고리로 옮기거나 숨기기를 쓰세요.", "It holds products: move them elsewhere, or hide the category instead."},
	"v.is a coupon's target":                                        {"쿠폰이 이 카테고리를 대상으로 써서 삭제할 수 없습니다.", "A coupon targets it; it cannot be deleted."},
	"v.must not be zero":                                            {"0이 아닌 수량을 입력하세요.", "Enter a change other than zero."},
	"v.would take the stock below zero":                             {"재고가 0보다 적어집니다. 지금 재고보다 많이 줄일 수 없습니다.", "That would take the stock below zero."},
	"v.must be received, defect, count or other":                    {"사유를 고르세요.", "Choose a reason."},
}
