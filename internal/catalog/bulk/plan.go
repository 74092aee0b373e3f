package bulk

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/sheet"
)

// plan is what an import will write, worked out from the file and the
// database before anything is written.
type plan struct {
	report Report
	// newProducts are the products to create, in file order, each with its
	// good rows.
	newProducts []*newProduct
	// productUpdates are the existing products whose fields change.
	productUpdates []productRow
	// variantUpdates are the existing variants whose values change, and
	// stockMoves the changes of stock among them, for the stock ledger.
	variantUpdates []variantRow
	stockMoves     []catalog.StockEntry
	// addVariants are the new variants of existing products.
	addVariants []addVariant
	// touched are the existing products whose variants change or grow;
	// renamed those whose name changes.
	touched map[int64]bool
	renamed map[int64]bool
}

type newProduct struct {
	rows []*item
}

type addVariant struct {
	productID int64
	position  int
	it        *item
}

// group is the product a row belongs to: the first good row of the product
// in the file defines its fields, which later rows must repeat.
type group struct {
	first    *item
	existing *productRow // nil for a new product
	fresh    *newProduct
	combos   map[[3]string]bool
	nextPos  int
	changes  []FieldChange // the product's own changes, shown on first
}

// makePlan reads the rows against the database through q (the applying
// transaction, or the read pool for a dry run).
func makePlan(ctx context.Context, q db.Querier, s *sheet.File, cats categories, progress func(Progress)) (*plan, error) {
	l, ignored, err := newLayout(s.Header)
	if err != nil {
		return nil, err
	}
	p := &plan{touched: map[int64]bool{}, renamed: map[int64]bool{}}
	rep := &p.report
	rep.Format, rep.Rows, rep.Ignored = s.Format, len(s.Rows), ignored
	add := func(pr Problem) { rep.Problems = append(rep.Problems, pr) }

	// The rows on their own.
	items := make([]*item, len(s.Rows))
	firstOf := map[string]int{} // SKU → row
	var skus []string
	for i, r := range s.Rows {
		it := l.parse(r, cats, add)
		items[i] = &it
		if (i+1)%1000 == 0 {
			progress(Progress{Phase: PhaseCheck, Done: i + 1, Total: len(s.Rows)})
		}
		if it.sku == "" {
			continue
		}
		if first, dup := firstOf[it.sku]; dup {
			it.bad = true
			add(Problem{Row: it.n, Field: ColSKU, Column: l.header(ColSKU), Value: it.sku, Reason: ReasonDuplicateSKU, Ref: int64(first)})
			continue
		}
		firstOf[it.sku] = it.n
		skus = append(skus, it.sku)
	}

	// What the database has of them.
	variants, err := variantsBySKU(ctx, q, skus)
	if err != nil {
		return nil, err
	}
	bySKU := make(map[string]*variantRow, len(variants))
	pids := map[int64]bool{}
	for i := range variants {
		bySKU[variants[i].SKU] = &variants[i]
		pids[variants[i].ProductID] = true
	}
	for _, it := range items {
		if it.productID > 0 {
			pids[it.productID] = true
		}
	}
	products, err := productsByID(ctx, q, sortedKeys(pids))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*productRow, len(products))
	for i := range products {
		byID[products[i].ID] = &products[i]
	}

	// The rows against the database and each other.
	groups := map[string]*group{}
	var needCombos []int64
	for _, it := range items {
		if it.bad {
			continue
		}
		bad := func(k string, reason Reason, ref int64) {
			it.bad = true
			v := ""
			if k != "" {
				v = l.cellOf(s, it.n, k)
			}
			add(Problem{Row: it.n, Field: k, Column: l.header(k), Value: v, Reason: reason, Ref: ref})
		}
		v := bySKU[it.sku]
		var key string
		var prod *productRow
		switch {
		case v != nil && v.Deleted:
			bad(ColSKU, ReasonUnknownProduct, 0)
			continue
		case v != nil:
			if it.productID != 0 && it.productID != v.ProductID {
				bad(ColProductID, ReasonOtherProduct, v.ProductID)
				continue
			}
			prod = byID[v.ProductID]
			if k := optionsDiffer(l, it, prod.optionNames(), v.options()); k != "" {
				bad(k, ReasonOptionsChanged, 0)
				continue
			}
			key = "id:" + strconv.FormatInt(v.ProductID, 10)
		case it.productID != 0:
			prod = byID[it.productID]
			if prod == nil {
				bad(ColProductID, ReasonUnknownProduct, 0)
				continue
			}
			if k := namesDiffer(l, it, prod.optionNames()); k != "" {
				bad(k, ReasonOptionsChanged, 0)
				continue
			}
			it.optNames = prod.optionNames()
			if k := valuesMissing(it); k != "" {
				bad(k, ReasonOptionMissing, 0)
				continue
			}
			if missing := missingColumns(l, ColPrice, ColStock); missing != "" {
				bad(missing, ReasonRequired, 0)
				continue
			}
			key = "id:" + strconv.FormatInt(it.productID, 10)
		default:
			if missing := missingColumns(l, ColName, ColCategory, ColPrice, ColStock); missing != "" {
				bad(missing, ReasonRequired, 0)
				continue
			}
			key = "new:" + it.name
		}
		if v == nil && it.sale != nil && *it.sale >= it.price {
			bad(ColSalePrice, ReasonSaleNotBelow, 0)
			continue
		}
		if v != nil && l.has(ColSalePrice) && it.sale != nil {
			price := v.Price
			if l.has(ColPrice) {
				price = it.price
			}
			if *it.sale >= price {
				bad(ColSalePrice, ReasonSaleNotBelow, 0)
				continue
			}
		}
		if v != nil && !l.has(ColSalePrice) && l.has(ColPrice) && v.Sale.Valid && v.Sale.Int64 >= it.price {
			bad(ColPrice, ReasonSaleNotBelow, 0)
			continue
		}

		g := groups[key]
		if g == nil {
			g = &group{first: it, existing: prod, combos: map[[3]string]bool{}}
			if prod != nil {
				g.nextPos = prod.LastPos
			} else {
				g.fresh = &newProduct{}
			}
			groups[key] = g
		} else if k := productDiffers(l, g.first, it); k != "" {
			bad(k, ReasonMismatch, int64(g.first.n))
			continue
		}
		if v == nil {
			nOpt := 0
			for _, n := range it.optNames {
				if n != "" {
					nOpt++
				}
			}
			if nOpt > 0 {
				if g.combos[it.optValues] {
					bad(optionValue(0), ReasonOptionRepeat, 0)
					continue
				}
				g.combos[it.optValues] = true
			}
			if prod != nil {
				needCombos = append(needCombos, prod.ID)
			}
		}
	}

	// A new variant of an existing product must not repeat the options of
	// one it has.
	if len(needCombos) > 0 {
		have, err := optionsOfProducts(ctx, q, needCombos)
		if err != nil {
			return nil, err
		}
		taken := map[int64]map[[3]string]bool{}
		for _, v := range have {
			if taken[v.ProductID] == nil {
				taken[v.ProductID] = map[[3]string]bool{}
			}
			taken[v.ProductID][v.options()] = true
		}
		for _, it := range items {
			if it.bad || bySKU[it.sku] != nil || it.productID == 0 {
				continue
			}
			if names := byID[it.productID].optionNames(); names[0] != "" && taken[it.productID][it.optValues] {
				it.bad = true
				add(Problem{Row: it.n, Field: optionValue(0), Column: l.header(optionValue(0)),
					Value: l.cellOf(s, it.n, optionValue(0)), Reason: ReasonOptionRepeat})
			}
		}
	}

	// The changes of the good rows.
	for _, it := range items {
		if it.bad {
			rep.Rejected++
			continue
		}
		v := bySKU[it.sku]
		var key string
		switch {
		case v != nil:
			key = "id:" + strconv.FormatInt(v.ProductID, 10)
		case it.productID != 0:
			key = "id:" + strconv.FormatInt(it.productID, 10)
		default:
			key = "new:" + it.name
		}
		g := groups[key]
		ch := Change{Row: it.n, SKU: it.sku}
		if g.first == it || g.first.bad {
			g.first = it
			ch.Fields = append(ch.Fields, p.productChanges(l, g, it, cats)...)
		}
		if v != nil {
			ch.Fields = append(ch.Fields, p.variantChanges(l, v, it)...)
			if len(ch.Fields) == 0 {
				rep.Unchanged++
				continue
			}
			ch.Kind = "updated"
			rep.Updated++
		} else {
			ch.Kind = "created"
			rep.Created++
			ch.Fields = append(ch.Fields, createdFields(it)...)
			if g.existing != nil {
				g.nextPos++
				p.addVariants = append(p.addVariants, addVariant{productID: g.existing.ID, position: g.nextPos, it: it})
				p.touched[g.existing.ID] = true
			} else {
				if len(g.fresh.rows) == 0 {
					p.newProducts = append(p.newProducts, g.fresh)
					rep.ProductsCreated++
				}
				g.fresh.rows = append(g.fresh.rows, it)
			}
		}
		rep.Changes = append(rep.Changes, ch)
	}
	rep.ProductsUpdated = len(p.productUpdates)
	order := map[string]int{}
	for i, c := range Columns {
		order[c.Key] = i
	}
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(order[a.Field], order[b.Field]))
	})
	return p, nil
}

// productChanges compares the product fields of it, the first good row of
// g, with the product, and keeps the update for an existing product.
func (p *plan) productChanges(l layout, g *group, it *item, cats categories) []FieldChange {
	if g.existing == nil {
		return nil // createdFields shows a new product's fields
	}
	cur := *g.existing
	next := cur
	var out []FieldChange
	if l.has(ColName) && it.name != cur.Name {
		out = append(out, FieldChange{Field: ColName, Before: cur.Name, After: it.name})
		next.Name = it.name
		p.renamed[cur.ID] = true
	}
	if l.has(ColCategory) && it.categoryID != cur.CategoryID {
		out = append(out, FieldChange{Field: ColCategory, Before: cats.slugOf[cur.CategoryID], After: cats.slugOf[it.categoryID]})
		next.CategoryID = it.categoryID
	}
	if it.typ != "" && string(it.typ) != cur.Type {
		out = append(out, FieldChange{Field: ColType, Before: cur.Type, After: string(it.typ)})
		next.Type = string(it.typ)
	}
	if it.status != "" && string(it.status) != cur.Status {
		out = append(out, FieldChange{Field: ColStatus, Before: cur.Status, After: string(it.status)})
		next.Status = string(it.status)
	}
	if len(out) > 0 {
		p.productUpdates = append(p.productUpdates, next)
		p.touched[cur.ID] = true
	}
	return out
}

// variantChanges compares the variant fields of it with v and keeps the
// update when they differ.
func (p *plan) variantChanges(l layout, v *variantRow, it *item) []FieldChange {
	next := *v
	var out []FieldChange
	if l.has(ColPrice) && it.price != v.Price {
		out = append(out, FieldChange{Field: ColPrice, Before: itoa(v.Price), After: itoa(it.price)})
		next.Price = it.price
	}
	if l.has(ColSalePrice) {
		after := sql.NullInt64{}
		if it.sale != nil {
			after = sql.NullInt64{Int64: *it.sale, Valid: true}
		}
		if after != v.Sale {
			out = append(out, FieldChange{Field: ColSalePrice, Before: nullText(v.Sale), After: nullText(after)})
			next.Sale = after
		}
	}
	if l.has(ColStock) && it.stock != v.Stock {
		out = append(out, FieldChange{Field: ColStock, Before: itoa(v.Stock), After: itoa(it.stock)})
		next.Stock = it.stock
		p.stockMoves = append(p.stockMoves, catalog.StockEntry{VariantID: v.ID, Delta: it.stock - v.Stock, StockAfter: it.stock,
			Reason: catalog.ReasonCount})
	}
	if l.has(ColActive) && it.active != v.Active {
		out = append(out, FieldChange{Field: ColActive, Before: flag(v.Active), After: flag(it.active)})
		next.Active = it.active
	}
	if len(out) > 0 {
		p.variantUpdates = append(p.variantUpdates, next)
		// What products keep of their variants (the cheapest price, whether
		// any is in stock) can change only with a price, the active flag or
		// a stock that reaches or leaves zero, as catalog.TakeStock knows.
		if next.Price != v.Price || next.Sale != v.Sale || next.Active != v.Active || (next.Stock > 0) != (v.Stock > 0) {
			p.touched[v.ProductID] = true
		}
	}
	return out
}

// createdFields are the values of a new variant.
func createdFields(it *item) []FieldChange {
	out := []FieldChange{}
	if it.productID == 0 {
		out = append(out, FieldChange{Field: ColName, After: it.name})
	}
	for i, v := range it.optValues {
		if v != "" {
			out = append(out, FieldChange{Field: optionValue(i), After: v})
		}
	}
	out = append(out, FieldChange{Field: ColPrice, After: itoa(it.price)})
	if it.sale != nil {
		out = append(out, FieldChange{Field: ColSalePrice, After: itoa(*it.sale)})
	}
	out = append(out, FieldChange{Field: ColStock, After: itoa(it.stock)}, FieldChange{Field: ColActive, After: flag(it.active)})
	return out
}

// optionsDiffer names the first option column of it (when the file has
// them) that differs from an existing variant's option names and values.
func optionsDiffer(l layout, it *item, names, values [3]string) string {
	if k := namesDiffer(l, it, names); k != "" {
		return k
	}
	for i := range values {
		if l.has(optionValue(i)) && it.optValues[i] != values[i] {
			return optionValue(i)
		}
	}
	return ""
}

func namesDiffer(l layout, it *item, names [3]string) string {
	for i := range names {
		if l.has(optionName(i)) && it.optNames[i] != names[i] {
			return optionName(i)
		}
	}
	return ""
}

// valuesMissing names the first option value a new variant lacks for the
// product's option names, or has beyond them.
func valuesMissing(it *item) string {
	for i := range it.optNames {
		if (it.optNames[i] != "") != (it.optValues[i] != "") {
			return optionValue(i)
		}
	}
	return ""
}

// productDiffers names the first product column in which it differs from
// first, a row of the same product.
func productDiffers(l layout, first, it *item) string {
	switch {
	case l.has(ColName) && it.name != first.name:
		return ColName
	case l.has(ColCategory) && it.categoryID != first.categoryID:
		return ColCategory
	case it.typ != "" && it.typ != first.typ:
		return ColType
	case it.status != "" && it.status != first.status:
		return ColStatus
	}
	for i := range catalog.MaxOptions {
		if l.has(optionName(i)) && it.optNames[i] != first.optNames[i] {
			return optionName(i)
		}
	}
	return ""
}

// missingColumns names the first of keys the file lacks.
func missingColumns(l layout, keys ...string) string {
	for _, k := range keys {
		if !l.has(k) {
			return k
		}
	}
	return ""
}

// cellOf is the cell of column k in row n of s.
func (l layout) cellOf(s *sheet.File, n int, k string) string {
	i, ok := slices.BinarySearchFunc(s.Rows, n, func(r sheet.Row, n int) int { return cmp.Compare(r.N, n) })
	if !ok {
		return ""
	}
	return l.cell(s.Rows[i], k)
}

func sortedKeys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func nullText(n sql.NullInt64) string {
	if !n.Valid {
		return ""
	}
	return itoa(n.Int64)
}

func flag(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}
