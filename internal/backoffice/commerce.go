package backoffice

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/pricing"
	"github.com/mallang/mallang/internal/shipping"
)

// Coupons is what the back office needs of the coupon service;
// *coupon.Service implements it.
type Coupons interface {
	Create(ctx context.Context, by audit.Actor, in coupon.NewCoupon) (coupon.Coupon, error)
	List(ctx context.Context, limit, offset int) ([]coupon.Coupon, error)
	SetActive(ctx context.Context, by audit.Actor, id int64, active bool) (coupon.Coupon, bool, error)
}

// Shipping is what the back office needs of the shipping service;
// *shipping.Service implements it.
type Shipping interface {
	Rules(ctx context.Context) (pricing.ShippingRules, error)
	SetRules(ctx context.Context, by audit.Actor, r pricing.ShippingRules) error
	Carriers(ctx context.Context) ([]shipping.Carrier, error)
}

// couponsPage is the page size of the coupon list.
const couponsPage = 50

// registerCommerce adds the orders, coupons and shipping sections, all
// behind account.PermOrders (a superuser has it).
func (h *Handler) registerCommerce(mux Router) {
	p, s := h.cfg.Path, h.withSession
	orders := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermOrders, next))) }
	mux.Handle("GET "+p+"/orders", orders(h.orders))
	mux.Handle("GET "+p+"/orders/{id}", orders(h.order))
	mux.Handle("POST "+p+"/orders/{id}/status", orders(h.setOrderStatus))
	mux.Handle("POST "+p+"/orders/{id}/ship", orders(h.shipOrder))
	mux.Handle("POST "+p+"/orders/{id}/notes", orders(h.addNote))
	mux.Handle("GET "+p+"/coupons", orders(h.coupons))
	mux.Handle("GET "+p+"/coupons/new", orders(h.couponForm))
	mux.Handle("POST "+p+"/coupons", orders(h.createCoupon))
	mux.Handle("POST "+p+"/coupons/{id}/active", orders(h.setCouponActive))
	mux.Handle("GET "+p+"/shipping", orders(h.shippingRules))
	mux.Handle("POST "+p+"/shipping", orders(h.saveShippingRules))
}

// commerceSections adds the sections of registerCommerce to the menu when
// u may use them.
func (h *Handler) commerceSections(u account.User, add func(key, path, hint string)) {
	if !u.Can(account.PermOrders) {
		return
	}
	add("orders", "/orders", "dash.orders")
	add("coupons", "/coupons", "dash.coupons")
	add("shipping", "/shipping", "dash.shipping")
}

// couponRowView is one coupon in the list.
type couponRowView struct {
	ID        int64
	Code      string
	Name      string
	Benefit   string
	MinOrder  string
	Period    string
	Used      string
	PerPerson string
	Active    bool
	ToggleURL string
}

// coupons lists the coupons, newest first, each with its on/off button.
func (h *Handler) coupons(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showCoupons(w, r, m, u, http.StatusOK, "")
}

func (h *Handler) showCoupons(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, notice string) error {
	n := 1
	if r.Method == http.MethodGet {
		n = pageNumber(r)
	}
	cs, err := h.deps.Coupons.List(r.Context(), couponsPage+1, (n-1)*couponsPage)
	if err != nil {
		return err
	}
	more := len(cs) > couponsPage
	if more {
		cs = cs[:couponsPage]
	}
	var rows []couponRowView
	for _, c := range cs {
		rows = append(rows, couponRow(m, c, h.url("/coupons/"+strconv.FormatInt(c.ID, 10)+"/active")))
	}
	p := h.page(r, m, u, m.T("cpn.title"), "coupons")
	p.Notice = notice
	h.render(w, r, status, couponsList(p, rows, h.url("/coupons/new"), newPager(r, n, more)))
	return nil
}

// couponRow is c as the list shows it.
func couponRow(m *messages, c coupon.Coupon, toggle string) couponRowView {
	v := couponRowView{ID: c.ID, Code: c.Code, Name: c.Name, MinOrder: m.Won(c.MinOrder), Active: c.Active, ToggleURL: toggle,
		PerPerson: m.F("cpn.times", c.PerCustomerLimit)}
	if c.Kind == coupon.KindPercent {
		v.Benefit = m.F("cpn.percent.off", c.Amount)
		if c.MaxDiscount > 0 {
			v.Benefit += " " + m.F("cpn.upto", m.Won(c.MaxDiscount))
		}
	} else {
		v.Benefit = m.F("cpn.fixed.off", m.Won(c.Amount))
	}
	v.Period = period(m, c.StartsAt, c.EndsAt)
	v.Used = strconv.FormatInt(c.UsedCount, 10)
	if c.TotalLimit > 0 {
		v.Used += " / " + strconv.FormatInt(c.TotalLimit, 10)
	}
	return v
}

// couponView is the create form: what was typed, per-field messages and
// the error over the form.
type couponView struct {
	Action string
	Back   string
	Values map[string]string
	Errors map[string]string
	Error  string
	Kinds  []option
}

// couponFields are the inputs of the coupon form, in order, with whether
// each is a whole number of won or times (the others are text or dates).
var couponFields = []postedField{
	{"code", false, false}, {"name", false, false}, {"amount", true, false}, {"max_discount", true, false},
	{"min_order", true, false}, {"starts_at", false, true}, {"ends_at", false, true}, {"total_limit", true, false},
	{"per_customer_limit", true, false},
}

func (h *Handler) couponView(m *messages, values, errs map[string]string, msg string) couponView {
	kind := values["kind"]
	if kind == "" {
		kind = coupon.KindFixed
	}
	return couponView{Action: h.url("/coupons"), Back: h.url("/coupons"), Values: values, Errors: errs, Error: msg,
		Kinds: []option{
			{Value: coupon.KindFixed, Label: m.T("cpn.kind.fixed"), Selected: kind == coupon.KindFixed},
			{Value: coupon.KindPercent, Label: m.T("cpn.kind.percent"), Selected: kind == coupon.KindPercent},
		}}
}

// couponForm shows the form that creates a coupon.
func (h *Handler) couponForm(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	v := h.couponView(m, map[string]string{"per_customer_limit": "1"}, nil, "")
	h.render(w, r, http.StatusOK, couponPage(h.page(r, m, u, m.T("cpn.new"), "coupons"), v))
	return nil
}

// createCoupon creates a coupon from the form; the coupon service audits
// it.
func (h *Handler) createCoupon(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	values := map[string]string{"kind": cut(r.PostFormValue("kind"), 16)}
	errs, nums, dates := readFields(r, m, couponFields, values)
	in := coupon.NewCoupon{Code: values["code"], Name: values["name"], Kind: values["kind"], Amount: nums["amount"],
		MaxDiscount: nums["max_discount"], MinOrder: nums["min_order"], StartsAt: dates["starts_at"],
		TotalLimit: nums["total_limit"], PerCustomerLimit: nums["per_customer_limit"]}
	if !dates["ends_at"].IsZero() {
		// The end date is the last day the coupon works, to its end in Korea.
		in.EndsAt = dates["ends_at"].AddDate(0, 0, 1)
	}
	fail := func(status int, msg string) {
		h.render(w, r, status, couponPage(h.page(r, m, u, m.T("cpn.new"), "coupons"), h.couponView(m, values, errs, msg)))
	}
	if len(errs) > 0 {
		fail(http.StatusUnprocessableEntity, m.T("form.fix"))
		return nil
	}
	c, err := h.deps.Coupons.Create(r.Context(), staffActor(r, u), in)
	if inv, ok := fault.AsInvalid(err); ok {
		fail(http.StatusUnprocessableEntity, placeFields(m, inv, values, errs))
		return nil
	}
	if err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "coupon created in the back office", "actor_id", u.ID, "coupon_id", c.ID)
	return h.showCoupons(w, r, m, u, http.StatusOK, m.F("cpn.created", c.Code))
}

// setCouponActive turns a coupon on (active=1) or off; the coupon service
// audits a switch.
func (h *Handler) setCouponActive(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.switchActive(w, r, m, u, onOff{kind: "coupon", on: "cpn.on", off: "cpn.off", show: h.showCoupons,
		set: func(ctx context.Context, by audit.Actor, id int64, active bool) (string, bool, error) {
			c, changed, err := h.deps.Coupons.SetActive(ctx, by, id, active)
			return c.Code, changed, err
		}})
}

// onOff is a list whose rows staff switch on and off: coupons, gift rules.
type onOff struct {
	kind    string // for the log: "coupon", "gift"
	on, off string // the notices, given the row's name
	// set switches row id for by and returns its name and whether it
	// switched; the service audits a switch.
	set func(ctx context.Context, by audit.Actor, id int64, active bool) (name string, changed bool, err error)
	// show shows the list again with a notice.
	show func(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, notice string) error
}

// switchActive turns the row of the path's id on (active=1) or off.
func (h *Handler) switchActive(w http.ResponseWriter, r *http.Request, m *messages, u account.User, l onOff) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	on := r.PostFormValue("active") == "1"
	name, changed, err := l.set(r.Context(), staffActor(r, u), id, on)
	if err != nil {
		return err
	}
	if changed {
		h.log.InfoContext(r.Context(), l.kind+" switched in the back office", "actor_id", u.ID, l.kind+"_id", id, "active", on)
	}
	notice := l.off
	if on {
		notice = l.on
	}
	return l.show(w, r, m, u, http.StatusOK, m.F(notice, name))
}

// record writes an audit entry for an action that already committed: a
// refund or a cancellation, whose provider call happens between its
// transactions, so no one transaction holds the whole action. A failure is
// logged, since the action stands. Actions of one transaction are audited
// by their service, in it.
func (h *Handler) record(r *http.Request, e audit.Entry) {
	if err := h.deps.Audit.RecordAlone(r.Context(), e); err != nil {
		h.log.ErrorContext(r.Context(), "audit entry lost", "action", e.Action, "err", err)
	}
}

// postedField is one input of a create form: a whole number of won or
// times, a date, or (neither) text.
type postedField struct {
	Name   string
	Number bool
	Date   bool
}

// readFields reads fields from the posted form into values, cut to 200
// characters, and returns the per-field messages, the numbers and the dates.
func readFields(r *http.Request, m *messages, fields []postedField, values map[string]string) (errs map[string]string, nums map[string]int64, dates map[string]time.Time) {
	errs, nums, dates = map[string]string{}, map[string]int64{}, map[string]time.Time{}
	for _, f := range fields {
		s := cut(strings.TrimSpace(r.PostFormValue(f.Name)), 200)
		values[f.Name] = s
		switch {
		case f.Number:
			n, ok := parseWhole(s)
			if !ok {
				errs[f.Name] = m.T("v.whole")
			}
			nums[f.Name] = n
		case f.Date && s != "":
			d, err := time.ParseInLocation(time.DateOnly, s, kst.Zone)
			if err != nil {
				errs[f.Name] = m.T("v.date")
			}
			dates[f.Name] = d
		}
	}
	return errs, nums, dates
}

// period is "start ~ last day" in Korea, the last day being the one before
// the exclusive end; no end shows as open.
func period(m *messages, start, end time.Time) string {
	last := m.T("cpn.noend")
	if !end.IsZero() {
		last = end.Add(-time.Nanosecond).In(kst.Zone).Format(time.DateOnly)
	}
	return start.In(kst.Zone).Format(time.DateOnly) + " ~ " + last
}

// parseWhole reads a whole, non-negative-looking number as staff type it
// ("3,000", "3000", " 3 000 "); "" is 0. Signs are left for the services to
// judge, so "-1" parses.
func parseWhole(s string) (int64, bool) {
	s = strings.NewReplacer(",", "", " ", "", "원", "", "₩", "").Replace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// areaView is one remote-area row of the shipping form.
type areaView struct {
	Name, From, To, Surcharge string
	Errors                    map[string]string
}

// shippingView is the shipping form and the carriers.
type shippingView struct {
	Action    string
	BaseFee   string
	FreeOver  string
	PerSeller bool
	Areas     []areaView
	Errors    map[string]string
	Error     string
	Carriers  []shipping.Carrier
}

// shippingRules shows the rules in force in their form, and the carriers.
func (h *Handler) shippingRules(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	rules, err := h.deps.Shipping.Rules(r.Context())
	if err != nil {
		return err
	}
	v := shippingView{BaseFee: strconv.FormatInt(rules.BaseFee, 10), FreeOver: strconv.FormatInt(rules.FreeOver, 10), PerSeller: rules.PerSeller}
	for _, a := range rules.Remote {
		v.Areas = append(v.Areas, areaView{Name: a.Name, From: a.From, To: a.To, Surcharge: strconv.FormatInt(a.Surcharge, 10)})
	}
	return h.showShipping(w, r, m, u, http.StatusOK, v, "")
}

func (h *Handler) showShipping(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, v shippingView, notice string) error {
	cs, err := h.deps.Shipping.Carriers(r.Context())
	if err != nil {
		return err
	}
	v.Action, v.Carriers = h.url("/shipping"), cs
	p := h.page(r, m, u, m.T("ship.title"), "shipping")
	p.Notice = notice
	h.render(w, r, status, shippingPage(p, v))
	return nil
}

// saveShippingRules saves the form (op=save), or adds a remote-area row
// (op=add) or removes one (op=remove-N) and shows the form again unsaved.
// The shipping service audits a save.
func (h *Handler) saveShippingRules(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	if err := r.ParseForm(); err != nil {
		return h.showShipping(w, r, m, u, http.StatusBadRequest, shippingView{Error: m.T("err.body")}, "")
	}
	f := r.PostForm
	v := shippingView{BaseFee: cut(strings.TrimSpace(f.Get("base_fee")), 30), FreeOver: cut(strings.TrimSpace(f.Get("free_over")), 30),
		PerSeller: f.Get("per_seller") == "1", Errors: map[string]string{}}
	names, froms, tos, fees := f["remote_name"], f["remote_from"], f["remote_to"], f["remote_surcharge"]
	rows := min(max(len(names), len(froms), len(tos), len(fees)), pricing.MaxRemoteAreas+1)
	at := func(s []string, i int) string {
		if i < len(s) {
			return cut(strings.TrimSpace(s[i]), 60)
		}
		return ""
	}
	for i := range rows {
		v.Areas = append(v.Areas, areaView{Name: at(names, i), From: at(froms, i), To: at(tos, i), Surcharge: at(fees, i)})
	}
	switch op := f.Get("op"); {
	case op == "add":
		v.Areas = append(v.Areas, areaView{})
		return h.showShipping(w, r, m, u, http.StatusOK, v, "")
	case strings.HasPrefix(op, "remove-"):
		if i, err := strconv.Atoi(strings.TrimPrefix(op, "remove-")); err == nil && i >= 0 && i < len(v.Areas) {
			v.Areas = append(v.Areas[:i], v.Areas[i+1:]...)
		}
		return h.showShipping(w, r, m, u, http.StatusOK, v, "")
	}

	// Rows left wholly blank are dropped rather than refused.
	kept := v.Areas[:0]
	for _, a := range v.Areas {
		if a.Name != "" || a.From != "" || a.To != "" || a.Surcharge != "" {
			kept = append(kept, a)
		}
	}
	v.Areas = kept
	var rules pricing.ShippingRules
	var ok bool
	if rules.BaseFee, ok = parseWhole(v.BaseFee); !ok {
		v.Errors["base_fee"] = m.T("v.whole")
	}
	if rules.FreeOver, ok = parseWhole(v.FreeOver); !ok {
		v.Errors["free_over"] = m.T("v.whole")
	}
	rules.PerSeller = v.PerSeller
	rules.Remote = []pricing.RemoteArea{}
	for i := range v.Areas {
		a := &v.Areas[i]
		a.Errors = map[string]string{}
		fee, ok := parseWhole(a.Surcharge)
		if !ok {
			a.Errors["surcharge"] = m.T("v.whole")
		}
		rules.Remote = append(rules.Remote, pricing.RemoteArea{Name: a.Name, From: a.From, To: a.To, Surcharge: fee})
	}
	if err := rules.Validate(); err != nil {
		inv, ok := fault.AsInvalid(err)
		if !ok {
			return err
		}
		h.placeErrors(m, &v, inv)
	}
	if !v.hasErrors() {
		err := h.deps.Shipping.SetRules(r.Context(), staffActor(r, u), rules)
		if inv, ok := fault.AsInvalid(err); ok {
			h.placeErrors(m, &v, inv)
		} else if err != nil {
			return err
		} else {
			h.log.InfoContext(r.Context(), "shipping rules saved in the back office", "actor_id", u.ID)
			return h.showShipping(w, r, m, u, http.StatusOK, v, m.T("ship.saved"))
		}
	}
	v.Error = m.T("form.fix")
	return h.showShipping(w, r, m, u, http.StatusUnprocessableEntity, v, "")
}

// placeErrors puts the messages of inv on the fields of v they name
// ("base_fee", "remote[2].from"); others go over the form.
func (h *Handler) placeErrors(m *messages, v *shippingView, inv *fault.Invalid) {
	for k, msg := range inv.Fields {
		text := fieldText(m, msg)
		var i int
		var field string
		if n, err := fmt.Sscanf(k, "remote[%d].%s", &i, &field); err == nil && n == 2 && i >= 0 && i < len(v.Areas) {
			if v.Areas[i].Errors == nil {
				v.Areas[i].Errors = map[string]string{}
			}
			v.Areas[i].Errors[field] = text
			continue
		}
		v.Errors[k] = text
	}
}

func (v shippingView) hasErrors() bool {
	if len(v.Errors) > 0 {
		return true
	}
	for _, a := range v.Areas {
		if len(a.Errors) > 0 {
			return true
		}
	}
	return false
}
