package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/richtext"
)

// SaleState is how staff see a product's standing: one choice that maps to
// the stored status and sold-out flag (see docs/decisions/0043-catalog-admin.md).
type SaleState string

// The sale states.
const (
	StateDraft   SaleState = "draft"    // 임시저장: not on the storefront
	StateOnSale  SaleState = "on_sale"  // 판매중
	StateHidden  SaleState = "hidden"   // 숨김: off the storefront (stored as archived)
	StateSoldOut SaleState = "sold_out" // 품절: listed and shown, not buyable
)

// SaleStates are the sale states in the order forms offer them.
var SaleStates = []SaleState{StateDraft, StateOnSale, StateSoldOut, StateHidden}

func (st SaleState) valid() bool { return slices.Contains(SaleStates, st) }

// stored returns the status and sold-out flag st is kept as.
func (st SaleState) stored() (Status, bool) {
	switch st {
	case StateDraft:
		return Draft, false
	case StateHidden:
		return Archived, false
	case StateSoldOut:
		return Active, true
	}
	return Active, false
}

func stateOf(status Status, soldOut bool) SaleState {
	switch {
	case status == Draft:
		return StateDraft
	case status == Archived:
		return StateHidden
	case soldOut:
		return StateSoldOut
	}
	return StateOnSale
}

// Limits of the staff's product fields.
const (
	MaxSEOTitle       = 70  // characters
	MaxSEODescription = 160 // characters
	MaxOptionValues   = 30  // values per option
	MaxVariants       = 100 // combinations of a product's options
	MaxPrice          = 1_000_000_000_000
)

// OptionInput is one dimension of a product's options, such as 사이즈 with
// the values S, M, L.
type OptionInput struct {
	Name   string
	Values []string
}

// VariantInput is one combination of a product's option values. Options
// holds its value on each option in order ("" beyond them). Stock is the
// opening stock of a new combination; an existing variant's stock moves only
// through AdjustStock and orders, so it is ignored.
type VariantInput struct {
	Options    [3]string
	SKU        string
	PriceDelta int64 // added to the product's price and sale price, in won; may be negative
	Stock      int64
	LowStock   int64 // the low-stock threshold: LowStock lists the variant at or below it
	Active     bool
}

// ProductInput is a product as staff write it. Variants must hold exactly
// one entry per combination of the options' values (one entry with no
// values when there are no options); Combinations lists them.
type ProductInput struct {
	CategoryID     int64
	Name, NameEN   string
	Summary        string // plain text
	Description    string // HTML, sanitised with richtext.Sanitize before it is stored
	Type           ProductType
	State          SaleState
	TaxFree        bool
	Ships          bool // ignored for digital goods, which never ship
	Price          int64
	SalePrice      *int64 // below Price, or nil
	SEOTitle       string
	SEODescription string
	Options        []OptionInput
	Variants       []VariantInput
}

// EditVariant is a variant as the staff's form shows it.
type EditVariant struct {
	VariantInput
	ID int64
}

// EditProduct is a product as staff edit it, with every variant (inactive
// ones, and those of combinations no longer offered, too).
type EditProduct struct {
	ID int64
	ProductInput
	Variants  []EditVariant
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Combinations returns every combination of the options' values, the first
// option varying slowest; one empty combination without options.
func Combinations(opts []OptionInput) [][3]string {
	out := [][3]string{{}}
	for i, o := range opts {
		if i >= MaxOptions {
			break
		}
		var next [][3]string
		for _, c := range out {
			for _, v := range o.Values {
				c2 := c
				c2[i] = v
				next = append(next, c2)
			}
		}
		out = next
	}
	return out
}

// normalize trims the input and sanitises the description.
func (p *ProductInput) normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.NameEN = strings.TrimSpace(p.NameEN)
	p.Summary = strings.TrimSpace(p.Summary)
	p.Description = richtext.Sanitize(p.Description)
	p.SEOTitle = strings.TrimSpace(p.SEOTitle)
	p.SEODescription = strings.TrimSpace(p.SEODescription)
	if p.Type == "" {
		p.Type = Physical
	}
	if p.Type == Digital {
		p.Ships = false
	}
	opts := make([]OptionInput, 0, len(p.Options))
	for _, o := range p.Options {
		o.Name = strings.TrimSpace(o.Name)
		var vals []string
		for _, v := range o.Values {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		o.Values = vals
		if o.Name == "" && len(vals) == 0 {
			continue // an empty row of the form
		}
		opts = append(opts, o)
	}
	p.Options = opts
	p.Variants = slices.Clone(p.Variants)
	for i := range p.Variants {
		v := &p.Variants[i]
		v.SKU = strings.TrimSpace(v.SKU)
		for j := range v.Options {
			v.Options[j] = strings.TrimSpace(v.Options[j])
		}
	}
}

// validate checks what needs no database.
func (p *ProductInput) validate() *fault.Invalid {
	inv := &fault.Invalid{}
	checkName(p.Name, inv, "name")
	if utf8.RuneCountInString(p.NameEN) > MaxProductName {
		inv.Add("name_en", fmt.Sprintf("must be at most %d characters", MaxProductName))
	}
	if utf8.RuneCountInString(p.Summary) > MaxSummary {
		inv.Add("summary", fmt.Sprintf("must be at most %d characters", MaxSummary))
	}
	if len(p.Description) > MaxDescription {
		inv.Add("description", fmt.Sprintf("must be at most %d bytes", MaxDescription))
	}
	if p.CategoryID <= 0 {
		inv.Add("category_id", "is required")
	}
	if !validType(p.Type) {
		inv.Add("type", "must be physical, digital or subscription")
	}
	if !p.State.valid() {
		inv.Add("state", "must be draft, on_sale, sold_out or hidden")
	}
	switch {
	case p.Price < 0:
		inv.Add("price", "must not be negative")
	case p.Price > MaxPrice:
		inv.Add("price", "is too large")
	}
	if p.SalePrice != nil {
		switch {
		case *p.SalePrice < 0:
			inv.Add("sale_price", "must not be negative")
		case *p.SalePrice >= p.Price:
			inv.Add("sale_price", "must be below the price")
		}
	}
	if utf8.RuneCountInString(p.SEOTitle) > MaxSEOTitle {
		inv.Add("seo_title", fmt.Sprintf("must be at most %d characters", MaxSEOTitle))
	}
	if utf8.RuneCountInString(p.SEODescription) > MaxSEODescription {
		inv.Add("seo_description", fmt.Sprintf("must be at most %d characters", MaxSEODescription))
	}
	if len(p.Options) > MaxOptions {
		inv.Add("options", fmt.Sprintf("must be at most %d", MaxOptions))
	}
	names := map[string]bool{}
	for i, o := range p.Options {
		f := fmt.Sprintf("options[%d].", i)
		switch {
		case o.Name == "":
			inv.Add(f+"name", "is required")
		case utf8.RuneCountInString(o.Name) > MaxOptionName:
			inv.Add(f+"name", fmt.Sprintf("must be at most %d characters", MaxOptionName))
		case names[o.Name]:
			inv.Add(f+"name", "repeats another option")
		}
		names[o.Name] = true
		seen := map[string]bool{}
		switch {
		case len(o.Values) == 0:
			inv.Add(f+"values", "is required")
		case len(o.Values) > MaxOptionValues:
			inv.Add(f+"values", fmt.Sprintf("must be at most %d values", MaxOptionValues))
		}
		for _, v := range o.Values {
			if utf8.RuneCountInString(v) > MaxOptionName {
				inv.Add(f+"values", fmt.Sprintf("values must be at most %d characters", MaxOptionName))
			}
			if seen[v] {
				inv.Add(f+"values", "repeat a value")
			}
			seen[v] = true
		}
	}
	if inv.Err() != nil {
		return inv
	}
	combos := Combinations(p.Options)
	if len(combos) > MaxVariants {
		inv.Add("options", fmt.Sprintf("make more than %d combinations", MaxVariants))
		return inv
	}
	at := map[[3]string]int{}
	skus := map[string]bool{}
	for i, v := range p.Variants {
		f := fmt.Sprintf("variants[%d].", i)
		if _, dup := at[v.Options]; dup {
			inv.Add(f+"options", "repeat another variant's options")
		}
		at[v.Options] = i
		if !slices.Contains(combos, v.Options) {
			inv.Add(f+"options", "is not a combination of the options")
		}
		switch {
		case v.SKU == "":
			inv.Add(f+"sku", "is required")
		case utf8.RuneCountInString(v.SKU) > MaxSKU:
			inv.Add(f+"sku", fmt.Sprintf("must be at most %d characters", MaxSKU))
		case skus[v.SKU]:
			inv.Add(f+"sku", "is used by another variant")
		}
		skus[v.SKU] = true
		if p.Price+v.PriceDelta < 0 || (p.SalePrice != nil && *p.SalePrice+v.PriceDelta < 0) {
			inv.Add(f+"price_delta", "makes the price negative")
		}
		if v.PriceDelta > MaxPrice || v.PriceDelta < -MaxPrice {
			inv.Add(f+"price_delta", "is too large")
		}
		if v.Stock < 0 {
			inv.Add(f+"stock", "must not be negative")
		}
		if v.LowStock < 0 {
			inv.Add(f+"low_stock", "must not be negative")
		}
	}
	for _, c := range combos {
		if _, ok := at[c]; !ok {
			inv.Add("variants", "must give every combination of the options")
		}
	}
	return inv
}

// variantPrices are a variant's regular and sale price from the product's.
func (p *ProductInput) variantPrices(v VariantInput) (int64, *int64) {
	price := p.Price + v.PriceDelta
	if p.SalePrice == nil {
		return price, nil
	}
	sale := *p.SalePrice + v.PriceDelta
	return price, &sale
}

// SaveProduct creates a product (id 0) or replaces an existing one with p,
// and returns its id. Variants are matched to the existing ones by their
// option values: a match keeps its id, stock and order history; a new
// combination is added with its opening stock (written to the stock ledger
// as received); a combination that is gone is deleted when nothing refers to
// it and deactivated when an order, a cart, a gift or the stock ledger does.
// Bad input gives *fault.Invalid naming the field ("name",
// "variants[2].sku", …): a SKU another product's variant has is
// "variants[i].sku", also when another writer takes it at the same moment.
// An unknown id gives fault.ErrNotFound. The change is audited as
// "product.created" or "product.updated".
func (s *Service) SaveProduct(ctx context.Context, by audit.Actor, id int64, p ProductInput) (int64, error) {
	p.normalize()
	if inv := p.validate(); inv.Err() != nil {
		return 0, inv
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	created := id == 0
	err := s.db.InTx(ctx, func(q db.Querier) error {
		ok, err := categoryExists(ctx, q, p.CategoryID)
		if err != nil {
			return err
		}
		if !ok {
			return &fault.Invalid{Fields: map[string]string{"category_id": "unknown category"}}
		}
		var old []EditVariant
		if id != 0 {
			found, err := productExists(ctx, q, id)
			if err != nil {
				return err
			}
			if !found {
				return fault.ErrNotFound
			}
			if old, err = editVariants(ctx, q, id, 0); err != nil {
				return err
			}
		}
		if err := s.checkSKUs(ctx, q, id, p.Variants); err != nil {
			return err
		}
		if id == 0 {
			house, err := s.House(ctx, q)
			if err != nil {
				return err
			}
			if id, err = insertAdminProduct(ctx, q, house, &p, now); err != nil {
				return fmt.Errorf("insert product: %w", err)
			}
		} else {
			found, err := updateAdminProduct(ctx, q, id, &p, now)
			if err != nil {
				return err
			}
			if !found {
				return fault.ErrNotFound
			}
		}
		if err := replaceOptions(ctx, q, id, p.Options, now); err != nil {
			return err
		}
		if err := s.saveVariants(ctx, q, by, id, &p, old, now); err != nil {
			return err
		}
		if err := s.refreshed(ctx, q, id, now); err != nil {
			return err
		}
		action := "product.updated"
		if created {
			action = "product.created"
		}
		st, _ := p.State.stored()
		return s.audited(ctx, q, by, action, "product", id, map[string]any{"name": p.Name, "status": string(st),
			"state": string(p.State), "variants": len(p.Variants)})
	})
	if err != nil {
		if s.db.Dialect.IsUniqueViolation(err) {
			return 0, s.skuRace(ctx, id, p.Variants)
		}
		return 0, s.adminErr(err, fmt.Sprintf("save product %d", id))
	}
	s.changed()
	return id, nil
}

// skuRace is the fault of a SKU another writer took between the check and
// the write, which the unique index refused: the check, made again, names
// it.
func (s *Service) skuRace(ctx context.Context, id int64, vs []VariantInput) error {
	if err := s.checkSKUs(ctx, s.db.Read(), id, vs); err != nil {
		if _, ok := fault.AsInvalid(err); ok {
			return err
		}
	}
	return &fault.Invalid{Fields: map[string]string{"variants": "use a SKU that is already used"}}
}

// checkSKUs reports the SKUs of vs that a variant of another product has.
func (s *Service) checkSKUs(ctx context.Context, q db.Querier, productID int64, vs []VariantInput) error {
	skus := make([]string, len(vs))
	for i, v := range vs {
		skus[i] = v.SKU
	}
	taken, err := skusOfOthers(ctx, q, productID, skus)
	if err != nil {
		return err
	}
	inv := &fault.Invalid{}
	for i, v := range vs {
		if slices.Contains(taken, v.SKU) {
			inv.Add(fmt.Sprintf("variants[%d].sku", i), "is already used")
		}
	}
	return inv.Err()
}

// saveVariants brings product id's variants to p.Variants, matching the old
// ones by option values.
func (s *Service) saveVariants(ctx context.Context, q db.Querier, by audit.Actor, id int64, p *ProductInput, old []EditVariant, now time.Time) error {
	byCombo := map[[3]string]EditVariant{}
	for _, v := range old {
		byCombo[v.Options] = v
	}
	// SKUs move between this product's variants freely: park the old ones
	// first so that the unique index never sees two at once.
	if err := parkSKUs(ctx, q, id); err != nil {
		return err
	}
	for i, v := range p.Variants {
		price, sale := p.variantPrices(v)
		if o, ok := byCombo[v.Options]; ok {
			delete(byCombo, v.Options)
			if err := updateVariant(ctx, q, o.ID, v, price, sale, i+1, now); err != nil {
				return err
			}
			continue
		}
		vid, err := insertVariant(ctx, q, id, v, price, sale, i+1, now)
		if err != nil {
			return err
		}
		if v.Stock > 0 {
			if err := insertLedger(ctx, q, StockEntry{VariantID: vid, Delta: v.Stock, StockAfter: v.Stock,
				Reason: ReasonReceived, Note: "opening stock", ActorID: by.UserID, ActorEmail: by.Email, CreatedAt: now}); err != nil {
				return err
			}
		}
	}
	skus := map[string]bool{}
	for _, v := range p.Variants {
		skus[v.SKU] = true
	}
	gone := make([]EditVariant, 0, len(byCombo))
	for _, v := range byCombo {
		gone = append(gone, v)
	}
	slices.SortFunc(gone, func(a, b EditVariant) int { return int(a.ID - b.ID) })
	for k, v := range gone {
		used, err := variantReferenced(ctx, q, v.ID)
		if err != nil {
			return err
		}
		if used {
			sku := v.SKU
			if skus[sku] { // now another combination's
				sku = fmt.Sprintf("%s~%d", sku, v.ID)
			}
			if err := retireVariant(ctx, q, v.ID, sku, len(p.Variants)+k+1, now); err != nil {
				return err
			}
			continue
		}
		if err := deleteVariant(ctx, q, v.ID); err != nil {
			return err
		}
	}
	return nil
}

// AdminProduct returns any product that is not deleted, whatever its state,
// as staff edit it; fault.ErrNotFound otherwise.
func (s *Service) AdminProduct(ctx context.Context, id int64) (EditProduct, error) {
	q := s.db.Read()
	e, err := adminProduct(ctx, q, id)
	if err != nil {
		return EditProduct{}, fmt.Errorf("admin product %d: %w", id, err)
	}
	if e.Variants, err = editVariants(ctx, q, id, e.Price); err != nil {
		return EditProduct{}, fmt.Errorf("admin product %d: %w", id, err)
	}
	if e.Options, err = adminOptions(ctx, q, id); err != nil {
		return EditProduct{}, fmt.Errorf("admin product %d: %w", id, err)
	}
	for i := range e.Options {
		if len(e.Options[i].Values) > 0 {
			continue
		}
		// Options made before their values were kept: read them from
		// the variants, in order.
		for _, v := range e.Variants {
			if val := v.Options[i]; val != "" && !slices.Contains(e.Options[i].Values, val) {
				e.Options[i].Values = append(e.Options[i].Values, val)
			}
		}
	}
	return e, nil
}

// AdminQuery selects the staff's product list.
type AdminQuery struct {
	Text       string // in the name (either language) or a variant's SKU
	State      SaleState
	CategoryID int64
	Page       int // from 1
	PerPage    int // 1 to MaxPerPage; 0 means DefaultPerPage
}

// AdminRow is a product in the staff's list.
type AdminRow struct {
	ID           int64
	Name, NameEN string
	CategoryID   int64
	Type         ProductType
	State        SaleState
	Price        money.Amount // what a buyer pays for the cheapest active variant
	Stock        int64        // of the active variants
	Variants     int
	UpdatedAt    time.Time
}

// AdminProducts returns one page of the products that are not deleted,
// newest first, and how many match. A bad state or page gives
// *fault.Invalid naming "state" or "page".
func (s *Service) AdminProducts(ctx context.Context, aq AdminQuery) ([]AdminRow, int, error) {
	aq.Text = strings.TrimSpace(aq.Text)
	inv := &fault.Invalid{}
	if aq.State != "" && !aq.State.valid() {
		inv.Add("state", "must be draft, on_sale, sold_out or hidden")
	}
	if aq.Page == 0 {
		aq.Page = 1
	}
	if aq.Page < 1 || aq.Page > MaxPage {
		inv.Add("page", "must be at least 1")
	}
	if aq.PerPage == 0 {
		aq.PerPage = DefaultPerPage
	}
	if aq.PerPage < 1 || aq.PerPage > MaxPerPage {
		inv.Add("per_page", fmt.Sprintf("must be from 1 to %d", MaxPerPage))
	}
	if utf8.RuneCountInString(aq.Text) > MaxQueryRunes {
		inv.Add("q", fmt.Sprintf("must be at most %d characters", MaxQueryRunes))
	}
	if err := inv.Err(); err != nil {
		return nil, 0, err
	}
	rows, total, err := adminProducts(ctx, s.db.Read(), aq)
	if err != nil {
		return nil, 0, fmt.Errorf("admin products: %w", err)
	}
	return rows, total, nil
}
