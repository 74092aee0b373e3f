package backoffice

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
)

// A variant's stock ledger with the adjustment form, and the variants low
// on stock, in the catalog section.

// ledgerRowView is one line of a stock ledger.
type ledgerRowView struct{ When, Delta, After, Reason, Note, Who string }

// stockView is a variant's ledger page.
type stockView struct {
	Action, ProductURL    string
	Product, Options, SKU string
	Stock, Low            string
	Reasons               []option
	Values                map[string]string
	Errors                map[string]string
	Error                 string
	Rows                  []ledgerRowView
}

func (h *Handler) stockPage(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showStock(w, r, m, u, http.StatusOK, nil, nil, "")
}

func (h *Handler) showStock(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int,
	values, errs map[string]string, notice string) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	sv, es, err := h.deps.Catalog.StockLedger(r.Context(), id)
	if err != nil {
		return err
	}
	if values == nil {
		values = map[string]string{"reason": string(catalog.ReasonReceived)}
	}
	v := stockView{Action: h.url("/catalog/variants/" + strconv.FormatInt(id, 10) + "/stock"),
		ProductURL: h.url("/catalog/products/" + strconv.FormatInt(sv.ProductID, 10)), Product: sv.ProductName,
		Options: sv.Options, SKU: sv.SKU, Stock: strconv.FormatInt(sv.Stock, 10), Low: strconv.FormatInt(sv.LowStock, 10),
		Values: values, Errors: errs}
	if len(errs) > 0 {
		v.Error = m.T("form.fix")
	}
	for _, rs := range catalog.StockReasons {
		v.Reasons = append(v.Reasons, option{Value: string(rs), Label: m.T("stock.reason." + string(rs)), Selected: values["reason"] == string(rs)})
	}
	for _, e := range es {
		delta := strconv.FormatInt(e.Delta, 10)
		if e.Delta > 0 {
			delta = "+" + delta
		}
		who := e.ActorEmail
		if who == "" {
			who = m.T("stock.system")
		}
		note := e.Note
		if note == "opening stock" {
			note = m.T("stock.opening")
		}
		v.Rows = append(v.Rows, ledgerRowView{When: m.Time(e.CreatedAt), Delta: delta, After: strconv.FormatInt(e.StockAfter, 10),
			Reason: m.T("stock.reason." + string(e.Reason)), Note: note, Who: who})
	}
	p := h.page(r, m, u, m.F("stock.title", sv.SKU), "products")
	p.Notice = notice
	h.render(w, r, status, stockPageView(p, v))
	return nil
}

func (h *Handler) adjustStock(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	values := map[string]string{"delta": cut(strings.TrimSpace(r.PostFormValue("delta")), 30),
		"reason": cut(r.PostFormValue("reason"), 30), "note": cut(strings.TrimSpace(r.PostFormValue("note")), 400)}
	delta, ok := parseWhole(strings.TrimPrefix(values["delta"], "+"))
	if !ok {
		return h.showStock(w, r, m, u, http.StatusUnprocessableEntity, values, map[string]string{"delta": m.T("v.whole")}, "")
	}
	e, err := h.deps.Catalog.AdjustStock(r.Context(), staffActor(r, u), id, delta, catalog.StockReason(values["reason"]), values["note"])
	if inv, ok := fault.AsInvalid(err); ok {
		errs := map[string]string{}
		for k, msg := range inv.Fields {
			errs[k] = catalogFieldText(m, msg)
		}
		return h.showStock(w, r, m, u, http.StatusUnprocessableEntity, values, errs, "")
	}
	if err != nil {
		return err
	}
	return h.showStock(w, r, m, u, http.StatusOK, nil, nil, m.F("stock.done", e.StockAfter))
}

// lowStockRowView is one variant low on stock.
type lowStockRowView struct{ Product, ProductURL, Options, SKU, Stock, Low, StockURL string }

func (h *Handler) lowStock(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	vs, err := h.deps.Catalog.LowStock(r.Context(), lowStockPage, 0)
	if err != nil {
		return err
	}
	var rows []lowStockRowView
	for _, v := range vs {
		rows = append(rows, lowStockRowView{Product: v.ProductName, ProductURL: h.url("/catalog/products/" + strconv.FormatInt(v.ProductID, 10)),
			Options: v.Options, SKU: v.SKU, Stock: strconv.FormatInt(v.Stock, 10), Low: strconv.FormatInt(v.LowStock, 10),
			StockURL: h.url("/catalog/variants/" + strconv.FormatInt(v.ID, 10) + "/stock")})
	}
	h.render(w, r, http.StatusOK, lowStockPageView(h.page(r, m, u, m.T("low.title"), "low_stock"), rows))
	return nil
}
