package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
)

// The product page offers a product's variants as Korean shops do: one
// select per option dimension (사이즈, 색상), each value with what it adds
// to the lowest price and the sold-out ones disabled and marked 품절. The
// first dimension narrows the next: without JavaScript the "show" button
// reloads the page with the chosen values (option1, option2, option3 in the
// query), with it static/options.js does the same in place from the
// variants the page carries as JSON. Adding to the cart posts the values and
// cartAdd resolves the variant (see docs/decisions/0054-option-selects.md).

// optionField is the form field of the option at position pos (1 to 3).
func optionField(pos int) string { return "option" + strconv.Itoa(pos) }

// optionSelect is one dimension's select.
type optionSelect struct {
	Name        string // 사이즈
	Field       string // option1
	ID          string // option-1
	Placeholder string // 사이즈 선택
	Values      []optionValue
}

// optionValue is one value of a dimension as its select offers it.
type optionValue struct {
	Value    string
	Label    string // "L (+₩2,000)", "XL (품절)"
	Selected bool
	Disabled bool // no variant of the value (with the values chosen before) can be bought
}

// optionChoice is what a buyer chose of a product's options: the value of
// each dimension by its variant index, "" where nothing is chosen.
type optionChoice [3]string

// choiceFrom reads option1 to option3 of vals for the product's options.
func choiceFrom(vals url.Values, opts []catalog.Option) optionChoice {
	var c optionChoice
	for _, o := range opts {
		if o.Position >= 1 && o.Position <= len(c) {
			c[o.Position-1] = vals.Get(optionField(o.Position))
		}
	}
	return c
}

// complete reports whether every dimension of opts has a value.
func (c optionChoice) complete(opts []catalog.Option) bool {
	for _, o := range opts {
		if o.Position >= 1 && o.Position <= len(c) && c[o.Position-1] == "" {
			return false
		}
	}
	return len(opts) > 0
}

// missing is the first dimension of opts without a value, or nil.
func (c optionChoice) missing(opts []catalog.Option) *catalog.Option {
	for i, o := range opts {
		if o.Position >= 1 && o.Position <= len(c) && c[o.Position-1] == "" {
			return &opts[i]
		}
	}
	return nil
}

// matches reports whether v has every value c chooses among the first n
// dimensions of opts (all of them when n < 0).
func (c optionChoice) matches(v catalog.Variant, opts []catalog.Option, n int) bool {
	for i, o := range opts {
		if n >= 0 && i >= n {
			break
		}
		p := o.Position - 1
		if p < 0 || p >= len(c) || c[p] == "" {
			continue
		}
		if v.Options[p] != c[p] {
			return false
		}
	}
	return true
}

// variantOf returns the variant among vs with exactly the values of c, or
// false when no variant has them.
func (c optionChoice) variantOf(vs []catalog.Variant, opts []catalog.Option) (catalog.Variant, bool) {
	if !c.complete(opts) {
		return catalog.Variant{}, false
	}
	for _, v := range vs {
		if c.matches(v, opts, -1) {
			return v, true
		}
	}
	return catalog.Variant{}, false
}

// activeVariants returns the variants a buyer may see.
func activeVariants(vs []catalog.Variant) []catalog.Variant {
	var out []catalog.Variant
	for _, v := range vs {
		if v.Active {
			out = append(out, v)
		}
	}
	return out
}

// lowestPrice is the lowest price a buyer pays among vs, the base the
// selects' price differences are counted from.
func lowestPrice(vs []catalog.Variant) int64 {
	var low int64
	for i, v := range vs {
		if p := v.Effective().Minor; i == 0 || p < low {
			low = p
		}
	}
	return low
}

// priceDelta writes a price difference as the selects show it: "+2,000원"
// ("+₩2,000" in English), "-500원", or "" for none.
func (lc *locale) priceDelta(d int64, cur money.Currency) string {
	switch {
	case d > 0:
		return "+" + lc.Money(money.Amount{Minor: d, Currency: cur})
	case d < 0:
		return "-" + lc.Money(money.Amount{Minor: -d, Currency: cur})
	}
	return ""
}

// optionSelects builds the selects of the product's options for the
// active variants vs and the choice c. A dimension's values are counted
// among the variants that have the values chosen in the dimensions before
// it, so once 사이즈 is chosen, 색상 shows the price and stock of each
// combination; a value no such variant can be bought in is disabled.
func optionSelects(lc *locale, opts []catalog.Option, vs []catalog.Variant, c optionChoice) []optionSelect {
	base := lowestPrice(vs)
	var out []optionSelect
	for k, o := range opts {
		p := o.Position - 1
		if p < 0 || p >= len(c) {
			continue
		}
		s := optionSelect{Name: o.Name, Field: optionField(o.Position), ID: "option-" + strconv.Itoa(o.Position),
			Placeholder: lc.F("option.placeholder", o.Name)}
		for _, val := range o.Values {
			ov := optionValue{Value: val, Label: val, Selected: c[p] == val}
			var delta int64
			exists, buyable := false, false
			for _, v := range vs {
				if v.Options[p] != val || !c.matches(v, opts, k) {
					continue
				}
				exists = true
				if !v.Buyable() {
					continue
				}
				if d := v.Effective().Minor - base; !buyable || d < delta {
					delta = d
				}
				buyable = true
			}
			switch {
			case !exists:
				ov.Disabled, ov.Label = true, val+" ("+lc.T("option.none")+")"
			case !buyable:
				ov.Disabled, ov.Label = true, val+" ("+lc.T("stock.soldout")+")"
			case delta != 0:
				ov.Label = val + " (" + lc.priceDelta(delta, vs[0].Price.Currency) + ")"
			}
			s.Values = append(s.Values, ov)
		}
		out = append(out, s)
	}
	return out
}

// optionData is what static/options.js needs to narrow the selects and
// show the chosen variant's price without asking the server.
type optionData struct {
	Positions []int         `json:"positions"` // the variant index + 1 of each select, in order
	Variants  []optionEntry `json:"variants"`
	Base      int64         `json:"base"`
	SoldOut   string        `json:"soldOut"`
	None      string        `json:"none"`
	PriceNow  string        `json:"priceNow"`
	PriceReg  string        `json:"priceRegular"`
	Selected  string        `json:"selected"`
	SKU       string        `json:"sku"`
	Lead      optionEntry   `json:"lead"` // the price the page leads with before a choice
}

// optionEntry is one variant in optionData.
type optionEntry struct {
	Values   [3]string `json:"values"`
	Label    string    `json:"label,omitempty"`
	SKU      string    `json:"sku,omitempty"`
	Price    int64     `json:"price"`
	Delta    string    `json:"delta,omitempty"`
	Buyable  bool      `json:"buyable"`
	Now      string    `json:"now"`
	Regular  string    `json:"regular"`
	OnSale   bool      `json:"onSale"`
	Discount string    `json:"discount,omitempty"`
	Stock    string    `json:"stock,omitempty"`
	Low      bool      `json:"low,omitempty"`
}

// newOptionData describes the variants vv (the page's views of vs, in the
// same order) for the script.
func newOptionData(lc *locale, opts []catalog.Option, vs []catalog.Variant, vv []variantView, lead optionEntry) optionData {
	d := optionData{Base: lowestPrice(vs), SoldOut: lc.T("stock.soldout"), None: lc.T("option.none"),
		PriceNow: lc.T("price.now"), PriceReg: lc.T("price.regular"), Selected: lc.T("product.selected"), SKU: lc.T("product.sku"), Lead: lead}
	for _, o := range opts {
		if o.Position >= 1 && o.Position <= 3 {
			d.Positions = append(d.Positions, o.Position)
		}
	}
	for i, v := range vs {
		e := optionEntry{Values: v.Options, Label: vv[i].Label, SKU: vv[i].SKU, Price: v.Effective().Minor,
			Delta: lc.priceDelta(v.Effective().Minor-d.Base, v.Price.Currency), Buyable: vv[i].Buyable,
			Now: vv[i].Now, Regular: vv[i].Regular, OnSale: vv[i].OnSale, Stock: vv[i].Stock, Low: vv[i].Low}
		if e.OnSale {
			e.Discount = lc.discount(vv[i].Discount)
		}
		d.Variants = append(d.Variants, e)
	}
	return d
}

// optionProblem says why a choice c of the product's options cannot be
// bought, or "" when it names a variant that can: a dimension left out, a
// combination that does not exist, or one sold out.
func optionProblem(lc *locale, opts []catalog.Option, vs []catalog.Variant, c optionChoice) (msg string, sel *catalog.Variant) {
	if o := c.missing(opts); o != nil {
		return lc.F("option.choose", o.Name), nil
	}
	v, ok := c.variantOf(vs, opts)
	if !ok {
		return lc.T("option.no_such"), nil
	}
	if !v.Buyable() {
		return lc.F("option.sold_out", variantLabel(opts, v)), &v
	}
	return "", &v
}

// hasOptions reports whether the product's variants are told apart by
// option values, so the page offers selects rather than a list of variants.
func hasOptions(opts []catalog.Option, vs []catalog.Variant) bool {
	return len(opts) > 0 && len(vs) > 1 && slices.ContainsFunc(opts, func(o catalog.Option) bool { return len(o.Values) > 0 })
}

// variantChoiceLabel is a variant as the select of a product without
// option values offers it: "BOX-12 (₩12,900)", "BOX-24 (품절)".
func variantChoiceLabel(lc *locale, vv variantView) string {
	if !vv.Buyable {
		return vv.Label + " (" + lc.T("stock.soldout") + ")"
	}
	return vv.Label + " (" + vv.Now + ")"
}

// cartAddOptions serves POST /cart/add from the product page's option
// selects: product and option1 to option3 rather than a variant id. A
// choice that names no buyable variant shows the product page again with
// the choice and what is wrong (422 for a dimension left out or a
// combination that does not exist, 409 for one sold out) and adds nothing;
// otherwise the variant goes to the cart as cartAdd puts any.
func (h *Handler) cartAddOptions(w http.ResponseWriter, r *http.Request, lc *locale) error {
	raw := r.PostFormValue("product")
	pid, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || pid <= 0 {
		return fmt.Errorf("product id %q: %w", raw, fault.ErrNotFound)
	}
	d, err := h.activeProduct(r.Context(), pid)
	if err != nil {
		return err
	}
	c := choiceFrom(r.PostForm, d.Options)
	active := activeVariants(d.Variants)
	opts := withValues(d.Options, active)
	// The page shown for a refusal is the product page with the choice:
	// its language switch leads there, not to /cart/add.
	q := url.Values{}
	for _, o := range opts {
		if v := c[o.Position-1]; v != "" {
			q.Set(optionField(o.Position), v)
		}
	}
	r = r.WithContext(r.Context()) // a shallow copy, whose URL may change
	r.URL = &url.URL{Path: productURL(d.ID), RawQuery: q.Encode()}
	if !hasOptions(opts, active) {
		if len(active) == 1 { // the one variant there is
			return h.putInCart(w, r, lc, active[0].ID, true)
		}
		msg := lc.F("option.choose", lc.T("product.options"))
		return h.showProduct(w, r, lc, &d, c, 0, []notice{{Field: "option", Text: msg}}, http.StatusUnprocessableEntity)
	}
	msg, v := optionProblem(lc, opts, active, c)
	if msg != "" {
		status := http.StatusUnprocessableEntity
		if v != nil {
			status = http.StatusConflict
		}
		return h.showProduct(w, r, lc, &d, c, 0, []notice{{Field: "option", Text: msg}}, status)
	}
	return h.putInCart(w, r, lc, v.ID, true)
}

// withValues returns the product's options with the values the active
// variants vs use, in variant order; values of inactive variants are not
// offered.
func withValues(opts []catalog.Option, vs []catalog.Variant) []catalog.Option {
	out := make([]catalog.Option, 0, len(opts))
	for _, o := range opts {
		o.Values = nil
		p := o.Position - 1
		if p < 0 || p >= 3 {
			continue
		}
		for _, v := range vs {
			if val := v.Options[p]; val != "" && !slices.Contains(o.Values, val) {
				o.Values = append(o.Values, val)
			}
		}
		out = append(out, o)
	}
	return out
}
