package backoffice

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
	"github.com/mallang/mallang/internal/promotion"
)

// Promotions is what the back office needs of the promotion service;
// *promotion.Service implements it.
type Promotions interface {
	Settings(ctx context.Context) (promotion.Settings, error)
	SetSettings(ctx context.Context, by audit.Actor, st promotion.Settings) error
	Grades(ctx context.Context) ([]promotion.Grade, error)
	SetGrade(ctx context.Context, by audit.Actor, userID int64, gradeCode string) error
	UpdateGrade(ctx context.Context, by audit.Actor, code string, in promotion.GradeChange) (promotion.Grade, error)
	CreateGift(ctx context.Context, by audit.Actor, in promotion.NewGift) (promotion.Gift, error)
	ListGifts(ctx context.Context, limit, offset int) ([]promotion.Gift, error)
	SetGiftActive(ctx context.Context, by audit.Actor, id int64, active bool) (promotion.Gift, bool, error)
	// Gifts gives the rules that apply now with their products' names.
	Gifts(ctx context.Context) ([]pricing.GiftRule, error)
}

// giftsPage is the page size of the gift list.
const giftsPage = 50

// registerPromotions adds the gifts, points and grades sections, behind
// account.PermOrders.
func (h *Handler) registerPromotions(mux Router) {
	p, s := h.cfg.Path, h.withSession
	orders := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermOrders, next))) }
	mux.Handle("GET "+p+"/promotions/gifts", orders(h.gifts))
	mux.Handle("GET "+p+"/promotions/gifts/new", orders(h.giftForm))
	mux.Handle("POST "+p+"/promotions/gifts", orders(h.createGift))
	mux.Handle("POST "+p+"/promotions/gifts/{id}/active", orders(h.setGiftActive))
	mux.Handle("GET "+p+"/promotions/points", orders(h.pointsSettings))
	mux.Handle("POST "+p+"/promotions/points", orders(h.savePointsSettings))
	mux.Handle("GET "+p+"/promotions/grades", orders(h.grades))
	mux.Handle("POST "+p+"/promotions/grades/assign", orders(h.assignGrade))
	mux.Handle("POST "+p+"/promotions/grades/{code}", orders(h.editGrade))
}

// promotionSections adds the sections of registerPromotions that u may use
// to the menu.
func (h *Handler) promotionSections(u account.User, add func(key, path, hint string)) {
	if !u.Can(account.PermOrders) {
		return
	}
	add("gifts", "/promotions/gifts", "dash.gifts")
	add("points", "/promotions/points", "dash.points")
	add("grades", "/promotions/grades", "dash.grades")
}

// giftRowView is one gift rule in the list.
type giftRowView struct {
	ID        int64
	Name      string
	Threshold string
	VariantID string
	Product   string // the variant's product and options, when the rule gives now
	Quantity  string
	Period    string
	Active    bool
	ToggleURL string
}

// gifts lists the gift rules, newest first, each with its on/off button.
func (h *Handler) gifts(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showGifts(w, r, m, u, http.StatusOK, "")
}

func (h *Handler) showGifts(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, notice string) error {
	n := 1
	if r.Method == http.MethodGet {
		n = pageNumber(r)
	}
	ctx := r.Context()
	gs, err := h.deps.Promotions.ListGifts(ctx, giftsPage+1, (n-1)*giftsPage)
	if err != nil {
		return err
	}
	live, err := h.deps.Promotions.Gifts(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, g := range live {
		names[g.ID] = g.Gift.Name
	}
	more := len(gs) > giftsPage
	if more {
		gs = gs[:giftsPage]
	}
	var rows []giftRowView
	for _, g := range gs {
		v := giftRowView{ID: g.ID, Name: g.Name, Threshold: m.Won(g.Threshold), VariantID: strconv.FormatInt(g.VariantID, 10),
			Product: names[g.ID], Quantity: strconv.FormatInt(g.Quantity, 10), Active: g.Active,
			ToggleURL: h.url("/promotions/gifts/" + strconv.FormatInt(g.ID, 10) + "/active")}
		v.Period = period(m, g.StartsAt, g.EndsAt)
		rows = append(rows, v)
	}
	p := h.page(r, m, u, m.T("gift.title"), "gifts")
	p.Notice = notice
	h.render(w, r, status, giftsList(p, rows, h.url("/promotions/gifts/new"), newPager(r, n, more)))
	return nil
}

// giftView is the create form: what was typed, per-field messages and the
// error over the form.
type giftView struct {
	Action string
	Back   string
	Values map[string]string
	Errors map[string]string
	Error  string
}

// giftFields are the inputs of the gift form, in order, with whether each
// is a whole number or a date (the others are text).
var giftFields = []postedField{
	{"name", false, false}, {"threshold", true, false}, {"variant_id", true, false}, {"quantity", true, false},
	{"starts_at", false, true}, {"ends_at", false, true},
}

func (h *Handler) giftView(values, errs map[string]string, msg string) giftView {
	back := h.url("/promotions/gifts")
	return giftView{Action: back, Back: back, Values: values, Errors: errs, Error: msg}
}

// giftForm shows the form that creates a gift rule.
func (h *Handler) giftForm(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	v := h.giftView(map[string]string{"quantity": "1"}, nil, "")
	h.render(w, r, http.StatusOK, giftPage(h.page(r, m, u, m.T("gift.new"), "gifts"), v))
	return nil
}

// createGift creates a gift rule from the form; the promotion service
// audits it.
func (h *Handler) createGift(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	values := map[string]string{}
	errs, nums, dates := readFields(r, m, giftFields, values)
	in := promotion.NewGift{Name: values["name"], Threshold: nums["threshold"], VariantID: nums["variant_id"],
		Quantity: nums["quantity"], StartsAt: dates["starts_at"]}
	if !dates["ends_at"].IsZero() {
		// The end date is the last day the rule gives, to its end in Korea.
		in.EndsAt = dates["ends_at"].AddDate(0, 0, 1)
	}
	fail := func(msg string) {
		h.render(w, r, http.StatusUnprocessableEntity, giftPage(h.page(r, m, u, m.T("gift.new"), "gifts"), h.giftView(values, errs, msg)))
	}
	if len(errs) > 0 {
		fail(m.T("form.fix"))
		return nil
	}
	g, err := h.deps.Promotions.CreateGift(r.Context(), staffActor(r, u), in)
	if inv, ok := fault.AsInvalid(err); ok {
		fail(placeFields(m, inv, values, errs))
		return nil
	}
	if err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "gift rule created in the back office", "actor_id", u.ID, "gift_id", g.ID)
	return h.showGifts(w, r, m, u, http.StatusOK, m.F("gift.created", g.Name))
}

// placeFields puts the messages of inv on the fields of values they name
// and returns the error over the form, with the messages of other fields.
func placeFields(m *messages, inv *fault.Invalid, values, errs map[string]string) string {
	var rest []string
	for k, msg := range inv.Fields {
		if _, known := values[k]; known {
			errs[k] = fieldText(m, msg)
		} else {
			rest = append(rest, fieldText(m, msg))
		}
	}
	msg := m.T("form.fix")
	if len(rest) > 0 {
		msg += " " + strings.Join(rest, " ")
	}
	return msg
}

// setGiftActive turns a gift rule on (active=1) or off; the promotion
// service audits a switch.
func (h *Handler) setGiftActive(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.switchActive(w, r, m, u, onOff{kind: "gift", on: "gift.on", off: "gift.off", show: h.showGifts,
		set: func(ctx context.Context, by audit.Actor, id int64, active bool) (string, bool, error) {
			g, changed, err := h.deps.Promotions.SetGiftActive(ctx, by, id, active)
			return g.Name, changed, err
		}})
}

// pointsView is the points settings form.
type pointsView struct {
	Action     string
	MinSpend   string
	MaxPercent string
	ValidDays  string
	Errors     map[string]string
	Error      string
}

// pointsSettings shows the points settings in force in their form.
func (h *Handler) pointsSettings(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	st, err := h.deps.Promotions.Settings(r.Context())
	if err != nil {
		return err
	}
	v := pointsView{MinSpend: strconv.FormatInt(st.PointsMinSpend, 10), MaxPercent: strconv.Itoa(st.PointsMaxPercent),
		ValidDays: strconv.Itoa(st.PointsValidDays)}
	return h.showPoints(w, r, m, u, http.StatusOK, v, "")
}

func (h *Handler) showPoints(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, v pointsView, notice string) error {
	v.Action = h.url("/promotions/points")
	p := h.page(r, m, u, m.T("pts.title"), "points")
	p.Notice = notice
	h.render(w, r, status, pointsPage(p, v))
	return nil
}

// savePointsSettings saves the points settings; the promotion service
// audits a change.
func (h *Handler) savePointsSettings(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	v := pointsView{MinSpend: cut(strings.TrimSpace(r.PostFormValue("points_min_spend")), 30),
		MaxPercent: cut(strings.TrimSpace(r.PostFormValue("points_max_percent")), 30),
		ValidDays:  cut(strings.TrimSpace(r.PostFormValue("points_valid_days")), 30), Errors: map[string]string{}}
	var st promotion.Settings
	minSpend, ok := parseWhole(v.MinSpend)
	if !ok {
		v.Errors["points_min_spend"] = m.T("v.whole")
	}
	st.PointsMinSpend = minSpend
	for _, f := range []struct {
		name string
		in   string
		out  *int
	}{{"points_max_percent", v.MaxPercent, &st.PointsMaxPercent}, {"points_valid_days", v.ValidDays, &st.PointsValidDays}} {
		n, ok := parseWhole(f.in)
		if !ok || n != int64(int32(n)) {
			v.Errors[f.name] = m.T("v.whole")
			continue
		}
		*f.out = int(n)
	}
	if len(v.Errors) == 0 {
		err := h.deps.Promotions.SetSettings(r.Context(), staffActor(r, u), st)
		if inv, ok := fault.AsInvalid(err); ok {
			v.Error = placeFields(m, inv, map[string]string{"points_min_spend": "", "points_max_percent": "", "points_valid_days": ""}, v.Errors)
			return h.showPoints(w, r, m, u, http.StatusUnprocessableEntity, v, "")
		}
		if err != nil {
			return err
		}
		h.log.InfoContext(r.Context(), "points settings saved in the back office", "actor_id", u.ID)
		return h.showPoints(w, r, m, u, http.StatusOK, v, m.T("pts.saved"))
	}
	v.Error = m.T("form.fix")
	return h.showPoints(w, r, m, u, http.StatusUnprocessableEntity, v, "")
}

// gradeRowView is one membership grade in the list, with its edit form's
// values (as typed, after a refused save) and errors.
type gradeRowView struct {
	Code     string
	Name     string
	Earn     string
	MinSpend string
	Discount string // the grade discount, "5%"
	Action   string
	Form     map[string]string
	Errors   map[string]string
}

// gradesView is the grades and the form that sets a customer's grade.
type gradesView struct {
	Grades   []gradeRowView
	Action   string
	Customer string
	Options  []option
	Errors   map[string]string
	Error    string
	// Edited is the grade whose edit form was refused, with its values.
	Edited *gradeRowView
}

// grades lists the membership grades, lowest first, with the form that
// sets a customer's grade.
func (h *Handler) grades(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showGrades(w, r, m, u, http.StatusOK, gradesView{}, "")
}

func (h *Handler) showGrades(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, v gradesView, notice string) error {
	gs, err := h.deps.Promotions.Grades(r.Context())
	if err != nil {
		return err
	}
	chosen := ""
	for _, o := range v.Options {
		if o.Selected {
			chosen = o.Value
		}
	}
	edited := v.Edited
	v.Grades, v.Options = nil, nil
	for _, g := range gs {
		row := gradeRowView{Code: g.Code, Name: g.Name, Earn: permille(g.EarnPermille), MinSpend: m.Won(g.MinSpend),
			Discount: strconv.Itoa(g.DiscountPercent) + "%",
			Action:   h.url("/promotions/grades/" + g.Code), Errors: map[string]string{},
			Form: map[string]string{"name": g.Name, "earn_percent": strings.TrimSuffix(permille(g.EarnPermille), "%"),
				"min_spend": strconv.FormatInt(g.MinSpend, 10), "discount_percent": strconv.Itoa(g.DiscountPercent)}}
		if edited != nil && edited.Code == g.Code {
			row.Form, row.Errors = edited.Form, edited.Errors
		}
		v.Grades = append(v.Grades, row)
		v.Options = append(v.Options, option{Value: g.Code, Label: g.Name, Selected: g.Code == chosen})
	}
	v.Action = h.url("/promotions/grades/assign")
	p := h.page(r, m, u, m.T("grade.title"), "grades")
	p.Notice = notice
	h.render(w, r, status, gradesPage(p, v))
	return nil
}

// permille formats a rate in permille as a percentage: 15 is "1.5%".
func permille(n int) string {
	s := strconv.Itoa(n / 10)
	if n%10 != 0 {
		s += "." + strconv.Itoa(n%10)
	}
	return s + "%"
}

// assignGrade sets the grade of the customer named by user id or email
// address; the promotion service audits a change.
func (h *Handler) assignGrade(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	code := cut(strings.TrimSpace(r.PostFormValue("grade")), 32)
	v := gradesView{Customer: cut(strings.TrimSpace(r.PostFormValue("customer")), 320), Errors: map[string]string{},
		Options: []option{{Value: code, Selected: true}}}
	fail := func() error {
		v.Error = m.T("form.fix")
		return h.showGrades(w, r, m, u, http.StatusUnprocessableEntity, v, "")
	}
	if code == "" {
		v.Errors["grade"] = m.T("v.is not a membership grade")
	}
	customer, err := h.findCustomer(ctx, v.Customer)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		v.Errors["customer"] = m.T("grade.nouser")
	case err != nil:
		return err
	}
	if len(v.Errors) > 0 {
		return fail()
	}
	err = h.deps.Promotions.SetGrade(ctx, staffActor(r, u), customer.ID, code)
	if inv, ok := fault.AsInvalid(err); ok {
		v.Error = placeFields(m, inv, map[string]string{"grade": "", "customer": ""}, v.Errors)
		return h.showGrades(w, r, m, u, http.StatusUnprocessableEntity, v, "")
	}
	if errors.Is(err, fault.ErrNotFound) {
		v.Errors["customer"] = m.T("grade.nouser")
		return fail()
	}
	if err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "grade assigned in the back office", "actor_id", u.ID, "user_id", customer.ID, "grade", code)
	name := code
	if gs, err := h.deps.Promotions.Grades(ctx); err == nil {
		for _, g := range gs {
			if g.Code == code {
				name = g.Name
			}
		}
	}
	return h.showGrades(w, r, m, u, http.StatusOK, gradesView{}, m.F("grade.assigned", customer.Email, name))
}

// findCustomer finds the account named by a user id or an email address
// (any case), or returns fault.ErrNotFound.
func (h *Handler) findCustomer(ctx context.Context, s string) (account.User, error) {
	if s == "" {
		return account.User{}, fault.ErrNotFound
	}
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		if id < 1 {
			return account.User{}, fault.ErrNotFound
		}
		return h.deps.Accounts.User(ctx, id)
	}
	us, _, err := h.deps.Accounts.ListUsers(ctx, account.UserQuery{Search: s, Limit: 200})
	if err != nil {
		return account.User{}, err
	}
	for _, c := range us {
		if strings.EqualFold(c.Email, s) {
			return c, nil
		}
	}
	return account.User{}, fault.ErrNotFound
}

// parsePercent reads a rate written as a percentage with at most one
// decimal ("1.5") as permille (15).
func parsePercent(s string) (int, bool) {
	whole, frac, dotted := strings.Cut(s, ".")
	w, ok := parseWhole(whole)
	if !ok || w > 100 {
		return 0, false
	}
	f := int64(0)
	if dotted {
		if len(frac) != 1 || frac[0] < '0' || frac[0] > '9' {
			return 0, false
		}
		f = int64(frac[0] - '0')
	}
	return int(w*10 + f), true
}

// editGrade saves a grade's name, earn rate, threshold and discount rate
// (empty: none); the promotion service validates and audits the change.
func (h *Handler) editGrade(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	code := cut(r.PathValue("code"), 32)
	row := &gradeRowView{Code: code, Errors: map[string]string{}, Form: map[string]string{
		"name": cut(strings.TrimSpace(r.PostFormValue("name")), 100), "earn_percent": cut(strings.TrimSpace(r.PostFormValue("earn_percent")), 10),
		"min_spend":        cut(strings.TrimSpace(r.PostFormValue("min_spend")), 30),
		"discount_percent": cut(strings.TrimSpace(r.PostFormValue("discount_percent")), 10)}}
	in := promotion.GradeChange{Name: row.Form["name"]}
	var ok bool
	if in.EarnPermille, ok = parsePercent(row.Form["earn_percent"]); !ok {
		row.Errors["earn_percent"] = m.T("grade.v.percent")
	}
	if in.MinSpend, ok = parseWhole(row.Form["min_spend"]); !ok {
		row.Errors["min_spend"] = m.T("v.whole")
	}
	if d := row.Form["discount_percent"]; d != "" {
		n, ok := parseWhole(d)
		if !ok || n > int64(pricing.MaxGradeDiscountPercent) {
			row.Errors["discount_percent"] = m.T("grade.v.discount")
		}
		in.DiscountPercent = int(n)
	}
	v := gradesView{Edited: row}
	if len(row.Errors) == 0 {
		g, err := h.deps.Promotions.UpdateGrade(r.Context(), staffActor(r, u), code, in)
		if inv, ok := fault.AsInvalid(err); ok {
			for k, msg := range inv.Fields {
				if k == "earn_permille" {
					k = "earn_percent"
				}
				row.Errors[k] = fieldText(m, msg)
			}
			v.Error = m.T("form.fix")
			return h.showGrades(w, r, m, u, http.StatusUnprocessableEntity, v, "")
		}
		if err != nil {
			return err
		}
		return h.showGrades(w, r, m, u, http.StatusOK, gradesView{}, m.F("grade.saved", g.Name))
	}
	v.Error = m.T("form.fix")
	return h.showGrades(w, r, m, u, http.StatusUnprocessableEntity, v, "")
}
