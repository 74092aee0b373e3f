package catalog

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/richtext"
)

// Product field limits.
const (
	MaxProductName = 200    // characters
	MaxSummary     = 500    // characters
	MaxDescription = 100000 // bytes of HTML
	MaxSKU         = 64     // characters
	MaxOptionName  = 50     // characters, also for option values
	MaxOptions     = 3
)

// NewProduct is what CreateProduct needs.
type NewProduct struct {
	SellerID    int64 // 0 means the house seller
	CategoryID  int64
	Name        string
	NameEN      string      // English name, optional; searched and shown with lang=en
	Summary     string      // plain text
	Description string      // HTML; sanitised by richtext.Sanitize before it is stored
	Type        ProductType // "" means Physical
	Status      Status      // "" means Active
	Featured    bool
	TaxFree     bool           // VAT-exempt goods (면세: unprocessed food, books)
	Currency    money.Currency // "" means KRW; every variant price is in it
	OptionNames []string       // 0 to 3 axes, such as 사이즈, 색상
	Variants    []NewVariant   // at least one, in display order
	CreatedAt   time.Time      // zero means now; seeds spread dates
	// Images are attached in the same transaction, in order, as AddImage
	// would attach them (thumbnail jobs included).
	Images []NewImage
}

// NewVariant is one variant of a NewProduct. Options holds its value on each
// of the product's OptionNames, in order, and "" beyond them. Prices are in
// minor units of the product's currency; SalePrice, when set, must be below
// Price.
type NewVariant struct {
	SKU       string
	Options   [3]string
	Price     int64
	SalePrice *int64
	Stock     int64
	Active    bool
}

// ProductUpdate changes the fields that are not nil.
type ProductUpdate struct {
	Name        *string
	Summary     *string
	Description *string // HTML, sanitised like NewProduct.Description
	Status      *Status
	Featured    *bool
	TaxFree     *bool
}

func validType(t ProductType) bool {
	return t == Physical || t == Digital || t == Subscription
}

func validStatus(s Status) bool {
	return s == Draft || s == Active || s == Archived
}

func validCurrency(c money.Currency) bool {
	if len(c) != 3 {
		return false
	}
	for _, r := range c {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func checkName(name string, inv *fault.Invalid, field string) {
	switch {
	case name == "":
		inv.Add(field, "is required")
	case utf8.RuneCountInString(name) > MaxProductName:
		inv.Add(field, fmt.Sprintf("must be at most %d characters", MaxProductName))
	}
}

// normalize fills defaults, trims text and sanitises the description;
// validate then checks what needs no database. Fields are named with prefix
// ("" for a single product, "products[3]." in a batch).
func (s *Service) normalize(p *NewProduct) {
	p.Name = strings.TrimSpace(p.Name)
	p.NameEN = strings.TrimSpace(p.NameEN)
	p.Summary = strings.TrimSpace(p.Summary)
	p.Description = richtext.Sanitize(p.Description)
	if p.Type == "" {
		p.Type = Physical
	}
	if p.Status == "" {
		p.Status = Active
	}
	if p.Currency == "" {
		p.Currency = money.KRW
	}
	p.OptionNames = slices.Clone(p.OptionNames)
	for i := range p.OptionNames {
		p.OptionNames[i] = strings.TrimSpace(p.OptionNames[i])
	}
	p.Variants = slices.Clone(p.Variants)
	for i := range p.Variants {
		v := &p.Variants[i]
		v.SKU = strings.TrimSpace(v.SKU)
		for j := range v.Options {
			v.Options[j] = strings.TrimSpace(v.Options[j])
		}
	}
}

func (p *NewProduct) validate(prefix string, inv *fault.Invalid) {
	for j := range p.Images {
		p.Images[j].validate(fmt.Sprintf("%simages[%d].", prefix, j), inv)
	}
	checkName(p.Name, inv, prefix+"name")
	p.NameEN = strings.TrimSpace(p.NameEN)
	if utf8.RuneCountInString(p.NameEN) > MaxProductName {
		inv.Add(prefix+"name_en", fmt.Sprintf("must be at most %d characters", MaxProductName))
	}
	if utf8.RuneCountInString(p.Summary) > MaxSummary {
		inv.Add(prefix+"summary", fmt.Sprintf("must be at most %d characters", MaxSummary))
	}
	if len(p.Description) > MaxDescription {
		inv.Add(prefix+"description", fmt.Sprintf("must be at most %d bytes", MaxDescription))
	}
	if p.CategoryID <= 0 {
		inv.Add(prefix+"category_id", "is required")
	}
	if p.SellerID < 0 {
		inv.Add(prefix+"seller_id", "unknown seller")
	}
	if !validType(p.Type) {
		inv.Add(prefix+"type", "must be physical, digital or subscription")
	}
	if !validStatus(p.Status) {
		inv.Add(prefix+"status", "must be draft, active or archived")
	}
	if !validCurrency(p.Currency) {
		inv.Add(prefix+"currency", "must be a three-letter currency code")
	}
	if len(p.OptionNames) > MaxOptions {
		inv.Add(prefix+"option_names", fmt.Sprintf("must be at most %d", MaxOptions))
	}
	for i, n := range p.OptionNames {
		if n == "" || utf8.RuneCountInString(n) > MaxOptionName {
			inv.Add(fmt.Sprintf("%soption_names[%d]", prefix, i), fmt.Sprintf("must be 1 to %d characters", MaxOptionName))
		}
	}
	if len(p.Variants) == 0 {
		inv.Add(prefix+"variants", "must have at least one variant")
	}
	nOpt := min(len(p.OptionNames), MaxOptions)
	combos := make(map[[3]string]bool, len(p.Variants))
	for i, v := range p.Variants {
		f := fmt.Sprintf("%svariants[%d].", prefix, i)
		switch {
		case v.SKU == "":
			inv.Add(f+"sku", "is required")
		case utf8.RuneCountInString(v.SKU) > MaxSKU:
			inv.Add(f+"sku", fmt.Sprintf("must be at most %d characters", MaxSKU))
		}
		if v.Price < 0 {
			inv.Add(f+"price", "must not be negative")
		}
		if v.SalePrice != nil {
			switch {
			case *v.SalePrice < 0:
				inv.Add(f+"sale_price", "must not be negative")
			case *v.SalePrice >= v.Price:
				inv.Add(f+"sale_price", "must be below the price")
			}
		}
		if v.Stock < 0 {
			inv.Add(f+"stock", "must not be negative")
		}
		for j, o := range v.Options {
			switch {
			case j < nOpt && o == "":
				inv.Add(f+"options", fmt.Sprintf("must give a value for each of the %d options", nOpt))
			case j >= nOpt && o != "":
				inv.Add(f+"options", fmt.Sprintf("must give a value for each of the %d options and no more", nOpt))
			case utf8.RuneCountInString(o) > MaxOptionName:
				inv.Add(f+"options", fmt.Sprintf("values must be at most %d characters", MaxOptionName))
			}
		}
		if nOpt > 0 {
			if combos[v.Options] {
				inv.Add(f+"options", "repeat another variant's options")
			}
			combos[v.Options] = true
		}
	}
}

// derived are the values products keeps from its active variants: what a
// buyer pays for the cheapest one, its regular price, and whether any has
// stock.
type derived struct {
	Price, ListPrice int64
	InStock          bool
}

// derive computes derived the way refreshDerived does in SQL: the cheapest
// active variant by effective price, the first by position on a tie.
func derive(vs []NewVariant) derived {
	var d derived
	best := -1
	var bestPrice int64
	for i, v := range vs {
		if !v.Active {
			continue
		}
		if v.Stock > 0 {
			d.InStock = true
		}
		eff := v.Price
		if v.SalePrice != nil {
			eff = *v.SalePrice
		}
		if best < 0 || eff < bestPrice {
			best, bestPrice = i, eff
		}
	}
	if best >= 0 {
		d.Price, d.ListPrice = bestPrice, vs[best].Price
	}
	return d
}

// CreateProduct adds one product with its options and variants and returns
// its id. Bad input, an unknown category or seller, or a SKU in use gives
// *fault.Invalid naming the field ("name", "variants[0].sku", …).
func (s *Service) CreateProduct(ctx context.Context, p NewProduct) (int64, error) {
	ids, err := s.createProducts(ctx, []NewProduct{p}, false)
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// CreateProducts adds products in one transaction, all or none, and returns
// their ids in order. Fields in a *fault.Invalid are prefixed with the
// product's index ("products[3].name"). Batches of a few hundred products
// are the fast way to seed a large catalog.
func (s *Service) CreateProducts(ctx context.Context, ps []NewProduct) ([]int64, error) {
	return s.createProducts(ctx, ps, true)
}

func (s *Service) createProducts(ctx context.Context, ps []NewProduct, batch bool) ([]int64, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	ps = slices.Clone(ps)
	for i := range ps {
		ps[i].Images = slices.Clone(ps[i].Images) // validate trims them in place
	}
	prefix := func(i int) string {
		if batch {
			return "products[" + strconv.Itoa(i) + "]."
		}
		return ""
	}
	inv := &fault.Invalid{}
	skuAt := map[string]string{} // SKU → field that first used it
	for i := range ps {
		s.normalize(&ps[i])
		ps[i].validate(prefix(i), inv)
		for j, v := range ps[i].Variants {
			if v.SKU == "" {
				continue
			}
			f := fmt.Sprintf("%svariants[%d].sku", prefix(i), j)
			if _, dup := skuAt[v.SKU]; dup {
				inv.Add(f, "is used by another variant")
			} else {
				skuAt[v.SKU] = f
			}
		}
	}
	if inv.Err() != nil {
		return nil, inv
	}

	now := s.now().UTC().Truncate(time.Microsecond)
	ids := make([]int64, len(ps))
	err := s.db.InTx(ctx, func(q db.Querier) error {
		house, err := s.House(ctx, q)
		if err != nil {
			return err
		}
		if err := s.checkReferences(ctx, q, ps, house, prefix, skuAt); err != nil {
			return err
		}
		q = db.PrepareOnce(q)
		for i := range ps {
			p := &ps[i]
			if p.SellerID == 0 {
				p.SellerID = house
			}
			created := p.CreatedAt.UTC().Truncate(time.Microsecond)
			if p.CreatedAt.IsZero() {
				created = now
			}
			id, err := insertProduct(ctx, q, p, derive(p.Variants), created, now)
			if err != nil {
				return fmt.Errorf("insert product %q: %w", p.Name, err)
			}
			ids[i] = id
			if err := insertOptions(ctx, q, id, p.OptionNames, now); err != nil {
				return fmt.Errorf("insert options of product %d: %w", id, err)
			}
			if err := insertVariants(ctx, q, id, p.Variants, now); err != nil {
				if s.db.Dialect.IsUniqueViolation(err) {
					// Another writer took a SKU since checkReferences.
					return &fault.Invalid{Fields: map[string]string{prefix(i) + "variants": "use a SKU that is already used"}}
				}
				return fmt.Errorf("insert variants of product %d: %w", id, err)
			}
			for _, img := range p.Images {
				if _, err := s.attachImage(ctx, q, id, img, now); err != nil {
					return fmt.Errorf("attach image to product %d: %w", id, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		if _, ok := fault.AsInvalid(err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("create %d products: %w", len(ps), err)
	}
	s.changed()
	return ids, nil
}

// checkReferences reports unknown categories and sellers and SKUs already in
// the database as *fault.Invalid, with a few queries for the whole batch.
func (s *Service) checkReferences(ctx context.Context, q db.Querier, ps []NewProduct, house int64,
	prefix func(int) string, skuAt map[string]string) error {
	cats, sellers := map[int64]bool{}, map[int64]bool{house: true}
	for _, p := range ps {
		cats[p.CategoryID] = false
		if p.SellerID != 0 {
			sellers[p.SellerID] = false
		}
	}
	found, err := existingIDs(ctx, q, "categories", keys(cats))
	if err != nil {
		return err
	}
	for _, id := range found {
		cats[id] = true
	}
	found, err = existingIDs(ctx, q, "sellers", keys(sellers))
	if err != nil {
		return err
	}
	for _, id := range found {
		sellers[id] = true
	}
	skus := make([]string, 0, len(skuAt))
	for sku := range skuAt {
		skus = append(skus, sku)
	}
	taken, err := takenSKUs(ctx, q, skus)
	if err != nil {
		return err
	}
	inv := &fault.Invalid{}
	for i, p := range ps {
		if !cats[p.CategoryID] {
			inv.Add(prefix(i)+"category_id", "unknown category")
		}
		if p.SellerID != 0 && !sellers[p.SellerID] {
			inv.Add(prefix(i)+"seller_id", "unknown seller")
		}
	}
	for _, sku := range taken {
		inv.Add(skuAt[sku], "is already used")
	}
	return inv.Err()
}

func keys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// UpdateProduct changes the given fields of a product that is not deleted;
// search sees the change as soon as it returns. It returns fault.ErrNotFound
// for an unknown id and *fault.Invalid for a bad value.
func (s *Service) UpdateProduct(ctx context.Context, id int64, u ProductUpdate) error {
	inv := &fault.Invalid{}
	if u.Name != nil {
		n := strings.TrimSpace(*u.Name)
		u.Name = &n
		checkName(n, inv, "name")
	}
	if u.Summary != nil {
		sm := strings.TrimSpace(*u.Summary)
		u.Summary = &sm
		if utf8.RuneCountInString(sm) > MaxSummary {
			inv.Add("summary", fmt.Sprintf("must be at most %d characters", MaxSummary))
		}
	}
	if u.Description != nil {
		d := richtext.Sanitize(*u.Description)
		u.Description = &d
		if len(d) > MaxDescription {
			inv.Add("description", fmt.Sprintf("must be at most %d bytes", MaxDescription))
		}
	}
	if u.Status != nil && !validStatus(*u.Status) {
		inv.Add("status", "must be draft, active or archived")
	}
	if inv.Err() != nil {
		return inv
	}
	err := s.db.InTx(ctx, func(q db.Querier) error {
		var search *string
		var t text
		if u.Name != nil || u.Description != nil {
			var err error
			if t, err = productText(ctx, q, id); err != nil {
				return err
			}
			if u.Name != nil {
				t.Name = *u.Name
			}
			if u.Description != nil {
				t.Description = *u.Description
			}
			st := t.search()
			search = &st
		}
		ok, err := updateProduct(ctx, q, id, u, search, s.now().UTC())
		if err != nil {
			return err
		}
		if !ok {
			return fault.ErrNotFound
		}
		if search != nil {
			return writeGrams(ctx, q, id, t)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("update product %d: %w", id, err)
	}
	s.changed()
	return nil
}

// SetVariantStock sets a variant's stock to an absolute count and, in the
// same transaction, its product's stock total and in-stock flag. It returns
// fault.ErrNotFound for an unknown variant and *fault.Invalid{"stock"} for a
// negative count. Orders take stock with their own conditional update.
func (s *Service) SetVariantStock(ctx context.Context, variantID, stock int64) error {
	if stock < 0 {
		return &fault.Invalid{Fields: map[string]string{"stock": "must not be negative"}}
	}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(q db.Querier) error {
		productID, err := setVariantStock(ctx, q, variantID, stock, now)
		if err != nil {
			return err
		}
		return s.refreshed(ctx, q, productID, now)
	})
	if err != nil {
		return fmt.Errorf("set stock of variant %d: %w", variantID, err)
	}
	s.changed()
	return nil
}

// Product returns an active, non-deleted product of a category customers
// see (not hidden) with its options, variants (by position), images (by
// position) and category path. Any other id gives fault.ErrNotFound. The
// variants of a product sold out by hand are not Buyable.
func (s *Service) Product(ctx context.Context, id int64) (ProductDetail, error) {
	q := s.db.Read()
	r, opts, c, err := activeProduct(ctx, q, id)
	if err != nil {
		return ProductDetail{}, fmt.Errorf("product %d: %w", id, err)
	}
	d := ProductDetail{Product: r.product(), Options: opts, Wishes: c.wishes, Questions: c.questions}
	t, err := s.categories(ctx)
	if err != nil {
		return ProductDetail{}, err
	}
	if _, ok := t.byID[d.CategoryID]; !ok {
		// A hidden category hides its products from customers.
		return ProductDetail{}, fmt.Errorf("product %d in a hidden category: %w", id, fault.ErrNotFound)
	}
	if d.Variants, d.Images, err = productParts(ctx, q, id, d.Price.Currency); err != nil {
		return ProductDetail{}, fmt.Errorf("product %d: %w", id, err)
	}
	for i := range d.Variants {
		d.Variants[i].SoldOut = d.SoldOut
	}
	if len(d.Images) > 0 {
		img := d.Images[0]
		d.Image = &img
	}
	d.CategoryPath = t.path(d.CategoryID)
	return d, nil
}

// SitemapProducts calls fn with the id and last change of active products
// outside hidden categories in id order, skipping the first offset and stopping after limit of them
// (limit 0 means no limit) or at fn's first error. Sitemaps hold at most
// 50,000 addresses, so large shops list their products in slices.
func (s *Service) SitemapProducts(ctx context.Context, offset, limit int, fn func(id int64, updated time.Time) error) error {
	inv := &fault.Invalid{}
	if offset < 0 {
		inv.Add("offset", "must not be negative")
	}
	if limit < 0 {
		inv.Add("limit", "must not be negative")
	}
	if err := inv.Err(); err != nil {
		return err
	}
	t, err := s.categories(ctx)
	if err != nil {
		return err
	}
	if err := eachActiveProduct(ctx, s.db.Read(), s.db.Dialect, t.hidden, offset, limit, fn); err != nil {
		return fmt.Errorf("sitemap products: %w", err)
	}
	return nil
}

// CountProducts counts the products that are not deleted, whatever their
// status.
func (s *Service) CountProducts(ctx context.Context) (int, error) {
	n, err := countProducts(ctx, s.db.Read())
	if err != nil {
		return 0, fmt.Errorf("count products: %w", err)
	}
	return n, nil
}
