package backoffice

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/order"
)

// The order list's search, filters, bulk status change and export
// (decision 0061). The list's URL holds the whole filter, so a filtered
// list is a bookmark: q, status, method, channel, from, to (YYYY-MM-DD,
// Korean days), min, max (won), due=today, stuck=N (days), per_page (50,
// 100, 200 or 500) and page.

// perPages are the page sizes the order list offers; the first is the
// default.
var perPages = []int{50, 100, 200, 500}

// listParams are the parameters of the order list's URL, in the order
// links write them.
var listParams = []string{"q", "status", "method", "channel", "from", "to", "min", "max", "due", "stuck", "per_page"}

// keyBulkResult is the session key of the last bulk change's result,
// shown once on the list it returns to.
const keyBulkResult = "staff_orders_bulk"

// orderQuery is the filter of the order list's URL as typed, with the
// messages of the parameters at fault.
type orderQuery struct {
	Values  url.Values // the list's parameters as given (only listParams)
	Filter  order.AdminFilter
	PerPage int
	Page    int
	Errors  map[string]string
}

// parseOrderQuery reads the order list's parameters from qs.
func parseOrderQuery(m *messages, qs url.Values) orderQuery {
	oq := orderQuery{Values: url.Values{}, PerPage: perPages[0], Page: 1, Errors: map[string]string{}}
	for _, k := range listParams {
		if v := strings.TrimSpace(qs.Get(k)); v != "" {
			oq.Values.Set(k, cut(v, 200))
		}
	}
	v := oq.Values.Get
	f := order.AdminFilter{Query: v("q"), Status: order.Status(v("status")), Method: v("method"),
		Channel: order.Channel(v("channel")), From: v("from"), To: v("to")}
	for _, k := range []string{"min", "max"} {
		if s := v(k); s != "" {
			n, ok := parseWon(s)
			if !ok {
				oq.Errors[k] = m.T("os.err.amount")
				continue
			}
			if k == "min" {
				f.Min = &n
			} else {
				f.Max = &n
			}
		}
	}
	switch v("due") {
	case "":
	case "today":
		f.DueToday = true
	default:
		oq.Errors["due"] = m.T("os.err.due")
	}
	if s := v("stuck"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > order.MaxStuckDays {
			oq.Errors["stuck"] = m.F("os.err.stuck", order.MaxStuckDays)
		} else {
			f.StuckDays = n
		}
	}
	if s := v("per_page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || !slices.Contains(perPages, n) {
			oq.Errors["per_page"] = m.T("os.err.per_page")
		} else {
			oq.PerPage = n
		}
	}
	if n, err := strconv.Atoi(qs.Get("page")); err == nil && n > 1 {
		oq.Page = min(n, maxPage)
	}
	f.Limit, f.Offset = oq.PerPage, (oq.Page-1)*oq.PerPage
	oq.Filter = f
	return oq
}

// parseWon reads a whole amount of won as staff type it: "12000",
// "12,000" or "12,000원".
func parseWon(s string) (int64, bool) {
	s = strings.TrimSuffix(strings.ReplaceAll(strings.ReplaceAll(s, ",", ""), " ", ""), "원")
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}

// filterErrors translates the messages of a bad filter into oq.Errors.
func filterErrors(m *messages, oq *orderQuery, inv *fault.Invalid) {
	for k := range inv.Fields {
		key := k
		if key == "limit" || key == "offset" {
			key = "per_page"
		}
		oq.Errors[key] = m.T("os.err." + key)
	}
}

// link is the list's URL with oq's parameters and extra ones.
func (oq orderQuery) link(base string, extra ...string) string {
	q := url.Values{}
	for k, vs := range oq.Values {
		q[k] = vs
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}

// orderRowView is one order in the list.
type orderRowView struct {
	ID     int64
	Number string
	URL    string
	Placed string
	Status order.Status
	Label  string
	Items  string
	Total  string
	Pay    string
}

// refusedView is one order a bulk change left as it was, and why.
type refusedView struct{ Number, Reason string }

// bulkOutcome is what the last bulk change did.
type bulkOutcome struct {
	Done    string
	Refused []refusedView
}

// ordersView is what the order list shows.
type ordersView struct {
	Base      string
	Q         string
	From, To  string
	Min, Max  string
	Due       bool
	Stuck     string
	Statuses  []option
	Methods   []option
	Channels  []option
	PerPages  []option
	Errors    map[string]string
	Rows      []orderRowView
	Count     string
	Pager     pager
	BulkURL   string
	Back      string
	Targets   []option
	MaxBulk   int
	CanExport bool
	CSVURL    string
	XLSXURL   string
	Bulk      *bulkOutcome
	// SelectAll checks every row of the page (?select=page), so staff
	// choose a whole page without JavaScript; SelectURL and ClearURL
	// switch it.
	SelectAll           bool
	SelectURL, ClearURL string
	// Error is the message of a bulk change refused as a whole.
	Error string
}

// bulkFlash is the result of a bulk change kept in the session for the
// list it returns to.
type bulkFlash struct {
	To      string     `json:"to,omitempty"`
	Changed int        `json:"changed"`
	Refused [][]string `json:"refused,omitempty"` // number, refusal, from
	Error   string     `json:"error,omitempty"`   // a message key (os.bulk.…)
}

// orders lists every customer's orders, newest first, with the search and
// filters of its URL, the bulk status form and the export links.
func (h *Handler) orders(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	oq := parseOrderQuery(m, r.URL.Query())
	status := http.StatusOK
	var os []order.Order
	total := 0
	if len(oq.Errors) == 0 {
		var err error
		os, total, err = h.deps.Orders.AdminList(ctx, oq.Filter)
		if inv, ok := fault.AsInvalid(err); ok {
			filterErrors(m, &oq, inv)
		} else if err != nil {
			return err
		}
	}
	if len(oq.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	base := h.url("/orders")
	v := ordersView{Base: base, Q: oq.Values.Get("q"), From: oq.Values.Get("from"), To: oq.Values.Get("to"),
		Min: oq.Values.Get("min"), Max: oq.Values.Get("max"), Due: oq.Filter.DueToday, Stuck: oq.Values.Get("stuck"),
		Errors: oq.Errors, BulkURL: h.url("/orders/bulk-status"), MaxBulk: order.MaxBulk,
		CanExport: u.Can(account.PermCustomers)}
	v.Back = strings.TrimPrefix(oq.link(""), "?")
	if oq.Page > 1 {
		v.Back = strings.TrimPrefix(oq.link("", "page", strconv.Itoa(oq.Page)), "?")
	}
	pageArgs := []string{}
	if oq.Page > 1 {
		pageArgs = []string{"page", strconv.Itoa(oq.Page)}
	}
	v.SelectAll = r.URL.Query().Get("select") == "page"
	v.SelectURL = oq.link(base, append(pageArgs, "select", "page")...)
	v.ClearURL = oq.link(base, pageArgs...)
	v.CSVURL = oq.link(h.url("/orders/export"), "format", order.ExportCSV)
	v.XLSXURL = oq.link(h.url("/orders/export"), "format", order.ExportXLSX)
	v.Count = m.F("ord.count", total)
	if total >= order.CountLimit {
		v.Count = m.F("os.count.more", order.CountLimit)
	}
	v.Pager = newPager(r, oq.Page, oq.Page*oq.PerPage < total)
	v.Statuses = append(v.Statuses, option{Value: "", Label: m.T("ord.all"), Selected: oq.Filter.Status == ""})
	for _, s := range order.Statuses {
		v.Statuses = append(v.Statuses, option{Value: string(s), Label: statusLabel(m, s), Selected: s == oq.Filter.Status})
	}
	v.Methods = append(v.Methods, option{Value: "", Label: m.T("ord.all"), Selected: oq.Filter.Method == ""})
	// The ways to pay the back office names; one typed in the URL is
	// kept as it is.
	var methods []string
	for _, pm := range []string{"card", "bank_transfer", "virtual_account", "transfer", "phone", "easy_pay", "points"} {
		if m.T("pay."+pm) != "pay."+pm {
			methods = append(methods, pm)
		}
	}
	if oq.Filter.Method != "" && !slices.Contains(methods, oq.Filter.Method) {
		methods = append(methods, oq.Filter.Method)
	}
	for _, pm := range methods {
		v.Methods = append(v.Methods, option{Value: pm, Label: labelOr(m, "pay.", pm), Selected: pm == oq.Filter.Method})
	}
	v.Channels = append(v.Channels, option{Value: "", Label: m.T("ord.all"), Selected: oq.Filter.Channel == ""})
	for _, c := range []order.Channel{order.PCWeb, order.MobileWeb, order.API} {
		v.Channels = append(v.Channels, option{Value: string(c), Label: labelOr(m, "channel.", string(c)), Selected: c == oq.Filter.Channel})
	}
	for _, n := range perPages {
		v.PerPages = append(v.PerPages, option{Value: strconv.Itoa(n), Label: m.F("os.per_page.n", n), Selected: n == oq.PerPage})
	}
	for _, s := range order.BulkTargets {
		v.Targets = append(v.Targets, option{Value: string(s), Label: statusLabel(m, s)})
	}
	for _, o := range os {
		row := orderRowView{ID: o.ID, Number: o.Number, URL: h.url("/orders/" + strconv.FormatInt(o.ID, 10)), Placed: m.Time(o.CreatedAt),
			Status: o.Status, Label: statusLabel(m, o.Status), Total: m.Won(o.Total), Pay: labelOr(m, "pay.", o.PaymentMethod)}
		if len(o.Lines) > 0 {
			row.Items = o.Lines[0].Name
			if len(o.Lines) > 1 {
				row.Items = m.F("ord.and.more", o.Lines[0].Name, len(o.Lines)-1)
			}
		}
		v.Rows = append(v.Rows, row)
	}
	if s := h.sessions.PopString(ctx, keyBulkResult); s != "" {
		var fl bulkFlash
		if json.Unmarshal([]byte(s), &fl) == nil {
			v.Bulk, v.Error = bulkResultView(m, fl)
		}
	}
	h.render(w, r, status, ordersList(h.page(r, m, u, m.T("ord.title"), "orders"), v))
	return nil
}

// bulkResultView is the bulk change's result as the list shows it, or the
// error that refused it as a whole.
func bulkResultView(m *messages, fl bulkFlash) (*bulkOutcome, string) {
	switch fl.Error {
	case "":
	case "os.bulk.too.many":
		return nil, m.F(fl.Error, order.MaxBulk)
	case "os.bulk.reason.long":
		return nil, m.F(fl.Error, order.MaxReason)
	default:
		return nil, m.T(fl.Error)
	}
	b := &bulkOutcome{Done: m.F("os.bulk.done", statusLabel(m, order.Status(fl.To)), fl.Changed)}
	for _, rf := range fl.Refused {
		if len(rf) != 3 {
			continue
		}
		num, why, from := rf[0], rf[1], order.Status(rf[2])
		var reason string
		switch why {
		case order.RefusedNotAllowed:
			reason = m.F("os.why.not_allowed", statusLabel(m, from), statusLabel(m, order.Status(fl.To)))
		case order.RefusedPaid:
			reason = m.T("os.why.paid")
		case order.RefusedChanged:
			reason = m.T("os.why.changed")
		default:
			reason = m.T("os.why.not_found")
		}
		b.Refused = append(b.Refused, refusedView{Number: num, Reason: reason})
	}
	return b, ""
}

// bulkStatus moves the chosen orders to the chosen status, each through
// the state machine in its own transaction (audited with the staff
// member), then returns to the list it came from, which shows how many
// moved and which were refused and why (so a refresh repeats nothing).
func (h *Handler) bulkStatus(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return &fault.Invalid{Fields: map[string]string{"form": "cannot be read"}}
	}
	back := r.PostForm.Get("back")
	bq, err := url.ParseQuery(back)
	if err != nil {
		bq = url.Values{}
	}
	oq := parseOrderQuery(m, bq)
	to := h.url("/orders")
	if p := oq.link(""); p != "" {
		to += p
	}
	if pg := bq.Get("page"); pg != "" {
		to = oq.link(h.url("/orders"), "page", pg)
	}
	var fl bulkFlash
	raw := r.PostForm["id"]
	ids := make([]int64, 0, len(raw))
	bad := false
	for _, s := range raw {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			bad = true
			continue
		}
		ids = append(ids, id)
	}
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	status := order.Status(r.PostForm.Get("to"))
	switch {
	case bad:
		fl.Error = "os.bulk.bad.id"
	case len(raw) > order.MaxBulk:
		fl.Error = "os.bulk.too.many"
	}
	if fl.Error == "" {
		res, err := h.deps.Orders.BulkTransition(ctx, ids, status, order.Staff(staffActor(r, u)), cut(reason, order.MaxReason+1))
		if inv, ok := fault.AsInvalid(err); ok {
			switch {
			case inv.Fields["ids"] != "" && len(ids) == 0:
				fl.Error = "os.bulk.none"
			case inv.Fields["ids"] != "":
				fl.Error = "os.bulk.too.many"
			case inv.Fields["to"] != "":
				fl.Error = "os.bulk.bad.to"
			case inv.Fields["reason"] != "" && reason == "":
				fl.Error = "os.bulk.reason"
			default:
				fl.Error = "os.bulk.reason.long"
			}
		} else if err != nil {
			return err
		} else {
			fl.To, fl.Changed = string(res.To), len(res.Changed)
			for _, it := range res.Refused {
				num := it.Number
				if num == "" {
					num = "#" + strconv.FormatInt(it.OrderID, 10)
				}
				fl.Refused = append(fl.Refused, []string{num, it.Refusal, string(it.From)})
			}
			h.log.InfoContext(ctx, "orders moved in bulk in the back office", "actor_id", u.ID, "to", string(status),
				"changed", len(res.Changed), "refused", len(res.Refused))
		}
	}
	b, err := json.Marshal(fl)
	if err != nil {
		return err
	}
	h.sessions.Put(ctx, keyBulkResult, string(b))
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// exportOrders sends every order of the list's filter (not only the page)
// as a CSV or .xlsx file for couriers and warehouses. The file holds
// recipients' names, phones and addresses, so it needs the customers
// permission as well as the orders one; the order service audits it.
func (h *Handler) exportOrders(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	if !u.Can(account.PermCustomers) {
		return fault.ErrForbidden
	}
	oq := parseOrderQuery(m, r.URL.Query())
	format := r.URL.Query().Get("format")
	if format == "" {
		format = order.ExportCSV
	}
	if format != order.ExportCSV && format != order.ExportXLSX {
		oq.Errors["format"] = m.T("os.err.format")
	}
	if len(oq.Errors) > 0 {
		return h.exportRefused(w, r, m, u, oq.Errors)
	}
	name := "orders-" + h.deps.Now().In(kst.Zone).Format("20060102-1504") + "." + format
	hd := w.Header()
	hd.Set("Content-Type", order.ExportContentType(format))
	hd.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	privateHeaders(w)
	cw := &countingWriter{w: w}
	_, err := h.deps.Orders.Export(r.Context(), cw, format, oq.Filter, staffActor(r, u))
	if err != nil && cw.n == 0 {
		// Nothing sent yet: the answer can still be a page.
		hd.Del("Content-Disposition")
	}
	if inv, ok := fault.AsInvalid(err); ok {
		hd.Del("Content-Disposition")
		errs := map[string]string{}
		for k := range inv.Fields {
			switch k {
			case "export":
				errs[k] = m.F("os.err.export", order.ExportLimit)
			default:
				errs[k] = m.T("os.err." + k)
			}
		}
		return h.exportRefused(w, r, m, u, errs)
	}
	if err != nil && cw.n == 0 {
		return err
	}
	if err != nil && !errors.Is(err, r.Context().Err()) {
		// The file is cut short; the browser sees a broken download.
		h.log.ErrorContext(r.Context(), "export orders", "err", err)
	}
	return nil
}

// countingWriter counts what went through it, so a failed export knows
// whether its answer has started.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// exportRefused answers an export refused before any byte was written with
// the list's messages, 422.
func (h *Handler) exportRefused(w http.ResponseWriter, r *http.Request, m *messages, u account.User, errs map[string]string) error {
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	msgs := make([]string, len(keys))
	for i, k := range keys {
		msgs[i] = errs[k]
	}
	p := h.page(r, m, u, m.T("os.export.title"), "orders")
	h.render(w, r, http.StatusUnprocessableEntity, exportRefusedPage(p, strings.Join(msgs, " "), h.url("/orders")+"?"+r.URL.Query().Encode()))
	return nil
}

// registerOrderSearch adds the bulk status change and the export.
func (h *Handler) registerOrderSearch(mux Router) {
	p, s := h.cfg.Path, h.withSession
	orders := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermOrders, next))) }
	mux.Handle("POST "+p+"/orders/bulk-status", orders(h.bulkStatus))
	mux.Handle("GET "+p+"/orders/export", orders(h.exportOrders))
}
