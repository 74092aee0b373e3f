package backoffice

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/settings"
)

// Settings is the shop's settings and legal documents;
// *settings.Service implements it.
type Settings interface {
	Current(ctx context.Context) settings.Settings
	Update(ctx context.Context, by audit.Actor, in settings.Settings) (settings.Settings, error)
	// Methods are the ways to pay staff may switch off.
	Methods() []string
	PublishLegal(ctx context.Context, by audit.Actor, in settings.NewLegalVersion) (settings.LegalVersion, error)
	CurrentLegal(ctx context.Context, doc settings.Document) (settings.LegalVersion, error)
	LegalVersions(ctx context.Context, doc settings.Document) ([]settings.LegalVersion, error)
}

// registerSettings adds the settings section (account.PermSettings).
func (h *Handler) registerSettings(mux Router) {
	p, s := h.cfg.Path, h.withSession
	perm := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermSettings, next))) }
	mux.Handle("GET "+p+"/settings", perm(h.settingsPage))
	mux.Handle("POST "+p+"/settings", perm(h.saveSettings))
	mux.Handle("GET "+p+"/settings/legal/{doc}", perm(h.legalPage))
	mux.Handle("POST "+p+"/settings/legal/{doc}", perm(h.publishLegal))
	h.registerLogo(mux)
}

// settingsSections adds the settings section to the menu for u.
func (h *Handler) settingsSections(u account.User, add func(key, path, hint string)) {
	if u.Can(account.PermSettings) {
		add("settings", "/settings", "dash.settings")
	}
}

// bankRowView is one bank-account row of the settings form.
type bankRowView struct {
	Index                 string
	Bank, Account, Holder string
}

// methodView is one way to pay with its switch.
type methodView struct {
	Key   string
	Label string
	On    bool
}

// settingsView is the settings form: its values as typed, and the errors
// by field name.
type settingsView struct {
	Action  string
	Version string
	Values  map[string]string
	Banks   []bankRowView
	Methods []methodView
	// AttendanceOn: the attendance check box is ticked.
	AttendanceOn bool
	// Auto is the automations' switches and last runs.
	Auto automationView
	// Messaging is the 알림톡 section's switches (messaging.go).
	Messaging messagingView
	// Dormancy is the dormant-account policy's switch (dormancy.go).
	Dormancy dormancyView
	Errors   map[string]string
	Error    string
	// Legal links the legal documents' pages; Points and Grades the
	// promotion settings, shown to staff who may edit them.
	Legal  []settingsLink
	Points string
	Grades string
	// Logo is the stored logo, shown with its upload and removal forms.
	Logo string
}

// settingsLink is a labelled address.
type settingsLink struct {
	Label string
	URL   string
}

// settingsFields are the form's one-line fields, in form order.
var settingsFields = []string{"shop_name", "logo", "contact_phone", "contact_email", "contact_hours",
	"business_name", "representative", "registration", "mail_order", "address", "privacy_name", "privacy_email",
	"deposit_hours", "confirm_days", "return_fee", "grade_window_days",
	"attendance_points", "streak_days", "streak_bonus",
	"messaging_sender", "messaging_sender_key", "template_placed", "template_deposit", "template_shipped", "template_delivered",
	"review_text_points", "review_photo_points", "review_request_days"}

// newSettingsView fills the form from st.
func (h *Handler) newSettingsView(m *messages, u account.User, st settings.Settings) settingsView {
	v := settingsView{Version: strconv.FormatInt(st.Version, 10), Errors: map[string]string{}, Values: map[string]string{
		"shop_name": st.ShopName, "logo": st.Logo, "contact_phone": st.Contact.Phone, "contact_email": st.Contact.Email,
		"contact_hours": st.Contact.Hours, "business_name": st.Business.Name, "representative": st.Business.Representative,
		"registration": settings.FormatRegistration(st.Business.Registration), "mail_order": st.Business.MailOrder,
		"address": st.Business.Address, "privacy_name": st.Business.PrivacyName, "privacy_email": st.Business.PrivacyEmail,
		"deposit_hours": strconv.Itoa(st.DepositHours), "confirm_days": strconv.Itoa(st.ConfirmDays),
		"return_fee": strconv.FormatInt(st.ReturnFee, 10), "grade_window_days": strconv.Itoa(st.GradeWindowDays),
		"attendance_points": strconv.FormatInt(st.Attendance.Points, 10), "streak_days": strconv.Itoa(st.Attendance.StreakDays),
		"streak_bonus":       strconv.FormatInt(st.Attendance.StreakBonus, 10),
		"review_text_points": strconv.FormatInt(st.Reviews.TextPoints, 10), "review_photo_points": strconv.FormatInt(st.Reviews.PhotoPoints, 10),
		"review_request_days": strconv.Itoa(st.Reviews.RequestAfterDays),
	}, AttendanceOn: st.Attendance.On}
	v.Auto = automationValues(st.Automations, v.Values)
	v.Dormancy = dormancyValues(m, st.Dormancy, v.Values)
	v.setMessaging(st.Messaging)
	for i := range settings.MaxBankAccounts {
		row := bankRowView{Index: strconv.Itoa(i)}
		if i < len(st.BankAccounts) {
			a := st.BankAccounts[i]
			row.Bank, row.Account, row.Holder = a.Bank, a.Account, a.Holder
		}
		v.Banks = append(v.Banks, row)
	}
	for _, key := range h.deps.Settings.Methods() {
		v.Methods = append(v.Methods, methodView{Key: key, Label: labelOr(m, "pay.", key), On: st.PaymentOn(key)})
	}
	return v
}

// settingsPage shows the settings form.
func (h *Handler) settingsPage(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	v := h.newSettingsView(m, u, h.deps.Settings.Current(r.Context()))
	notice := ""
	switch r.URL.Query().Get("logo") {
	case "saved":
		notice = m.T("set.logo.saved")
	case "removed":
		notice = m.T("set.logo.removed")
	}
	return h.showSettings(w, r, m, u, http.StatusOK, v, notice)
}

func (h *Handler) showSettings(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, v settingsView, notice string) error {
	v.Action = h.url("/settings")
	v.Messaging.Ready = h.cfg.MessagingReady
	recent, err := h.recentMessageRows(r.Context(), m)
	if err != nil {
		return err
	}
	v.Messaging.Recent = recent
	v.Logo = h.deps.Settings.Current(r.Context()).Logo
	runs, err := h.automationRuns(r.Context(), m)
	if err != nil {
		return err
	}
	v.Auto.Runs = runs
	v.Legal = []settingsLink{{m.T("set.legal.terms"), h.url("/settings/legal/terms")}, {m.T("set.legal.privacy"), h.url("/settings/legal/privacy")}}
	if u.Can(account.PermOrders) {
		v.Points, v.Grades = h.url("/promotions/points"), h.url("/promotions/grades")
	}
	p := h.page(r, m, u, m.T("set.title"), "settings")
	p.Notice = notice
	h.render(w, r, status, settingsPage(p, v))
	return nil
}

// saveSettings stores the form; the settings service validates and audits
// it. A bad field shows the form again with every message, storing
// nothing.
func (h *Handler) saveSettings(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	form := func(name string) string { return cut(strings.TrimSpace(r.PostFormValue(name)), 1000) }
	v := settingsView{Version: form("version"), Values: map[string]string{}, Errors: map[string]string{}}
	for _, f := range settingsFields {
		v.Values[f] = form(f)
	}
	for _, f := range automationFields {
		v.Values[f] = form(f)
	}
	st := settings.Settings{ShopName: v.Values["shop_name"], Logo: v.Values["logo"],
		Contact: settings.Contact{Phone: v.Values["contact_phone"], Email: v.Values["contact_email"], Hours: v.Values["contact_hours"]},
		Business: settings.Business{Name: v.Values["business_name"], Representative: v.Values["representative"],
			Registration: v.Values["registration"], MailOrder: v.Values["mail_order"], Address: v.Values["address"],
			PrivacyName: v.Values["privacy_name"], PrivacyEmail: v.Values["privacy_email"]}}
	var ok bool
	if st.Version, ok = parseWhole(v.Version); !ok {
		return fault.ErrConflict
	}
	for _, f := range []struct {
		name string
		out  *int
	}{{"deposit_hours", &st.DepositHours}, {"confirm_days", &st.ConfirmDays}, {"grade_window_days", &st.GradeWindowDays},
		{"streak_days", &st.Attendance.StreakDays}, {"review_request_days", &st.Reviews.RequestAfterDays}} {
		n, ok := parseWhole(v.Values[f.name])
		if !ok || n > 1<<20 {
			v.Errors[f.name] = m.T("v.whole")
			continue
		}
		*f.out = int(n)
	}
	for _, f := range []struct {
		name string
		out  *int64
	}{{"return_fee", &st.ReturnFee}, {"attendance_points", &st.Attendance.Points}, {"streak_bonus", &st.Attendance.StreakBonus},
		{"review_text_points", &st.Reviews.TextPoints}, {"review_photo_points", &st.Reviews.PhotoPoints}} {
		if *f.out, ok = parseWhole(v.Values[f.name]); !ok {
			v.Errors[f.name] = m.T("v.whole")
		}
	}
	st.Attendance.On = r.PostFormValue("attendance_on") == "1"
	v.AttendanceOn = st.Attendance.On
	parseAutomations(r, m, &v, &st)
	parseDormancy(r, m, &v, &st)
	st.Messaging = messagingForm(r, v.Values)
	v.setMessaging(st.Messaging)
	for i := range settings.MaxBankAccounts {
		n := strconv.Itoa(i)
		row := bankRowView{Index: n, Bank: form("bank_accounts." + n + ".bank"), Account: form("bank_accounts." + n + ".account"),
			Holder: form("bank_accounts." + n + ".holder")}
		v.Banks = append(v.Banks, row)
		st.BankAccounts = append(st.BankAccounts, settings.BankAccount{Bank: row.Bank, Account: row.Account, Holder: row.Holder})
	}
	on := r.PostForm["payment_on"]
	for _, key := range h.deps.Settings.Methods() {
		v.Methods = append(v.Methods, methodView{Key: key, Label: labelOr(m, "pay.", key), On: slices.Contains(on, key)})
		if !slices.Contains(on, key) {
			st.PaymentsOff = append(st.PaymentsOff, key)
		}
	}
	if len(v.Errors) > 0 {
		v.Error = m.T("form.fix")
		return h.showSettings(w, r, m, u, http.StatusUnprocessableEntity, v, "")
	}
	saved, err := h.deps.Settings.Update(r.Context(), staffActor(r, u), st)
	if inv, ok := fault.AsInvalid(err); ok {
		known := map[string]string{}
		for _, f := range append(settingsFields, append(automationFields, "dormancy_months")...) {
			known[f] = ""
		}
		for i := range settings.MaxBankAccounts {
			for _, f := range []string{"bank", "account", "holder"} {
				known["bank_accounts."+strconv.Itoa(i)+"."+f] = ""
			}
		}
		known["payments_off"] = ""
		v.Error = placeFields(m, inv, known, v.Errors)
		return h.showSettings(w, r, m, u, http.StatusUnprocessableEntity, v, "")
	}
	if errors.Is(err, settings.ErrStale) {
		v = h.newSettingsView(m, u, h.deps.Settings.Current(r.Context()))
		v.Error = m.T("set.stale")
		return h.showSettings(w, r, m, u, http.StatusConflict, v, "")
	}
	if err != nil {
		return err
	}
	return h.showSettings(w, r, m, u, http.StatusOK, h.newSettingsView(m, u, saved), m.T("set.saved"))
}

// legalVersionView is one version in a document's list.
type legalVersionView struct {
	Version   string
	Effective string
	Current   bool
	Upcoming  bool
}

// legalView is a legal document's page: its versions and the form that
// publishes the next.
type legalView struct {
	Action    string
	Title     string
	Public    string // the storefront's page of the document
	Versions  []legalVersionView
	Body      string
	Effective string
	Errors    map[string]string
	Error     string
	Back      string
}

// legalDoc reads the document of the path: terms or privacy.
func legalDoc(r *http.Request) (settings.Document, error) {
	d := settings.Document(r.PathValue("doc"))
	if !d.Valid() {
		return "", fault.ErrNotFound
	}
	return d, nil
}

// legalPage lists a legal document's versions with the form that publishes
// the next, filled with the text in force.
func (h *Handler) legalPage(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	doc, err := legalDoc(r)
	if err != nil {
		return err
	}
	v := legalView{Effective: h.deps.Now().In(kst.Zone).Format(time.DateOnly), Errors: map[string]string{}}
	cur, err := h.deps.Settings.CurrentLegal(r.Context(), doc)
	switch {
	case err == nil:
		v.Body = cur.Body
	case !errors.Is(err, fault.ErrNotFound):
		return err
	}
	return h.showLegal(w, r, m, u, doc, http.StatusOK, v, "")
}

func (h *Handler) showLegal(w http.ResponseWriter, r *http.Request, m *messages, u account.User, doc settings.Document, status int, v legalView, notice string) error {
	ctx := r.Context()
	cur, err := h.deps.Settings.CurrentLegal(ctx, doc)
	if err != nil && !errors.Is(err, fault.ErrNotFound) {
		return err
	}
	list, err := h.deps.Settings.LegalVersions(ctx, doc)
	if err != nil {
		return err
	}
	now := h.deps.Now()
	for _, lv := range list {
		v.Versions = append(v.Versions, legalVersionView{Version: settings.VersionLabel(lv.Version),
			Effective: lv.EffectiveAt.In(kst.Zone).Format(time.DateOnly), Current: lv.Version == cur.Version,
			Upcoming: lv.EffectiveAt.After(now)})
	}
	v.Action = h.url("/settings/legal/" + string(doc))
	v.Public = "/" + string(doc)
	v.Back = h.url("/settings")
	v.Title = m.T("set.legal." + string(doc))
	p := h.page(r, m, u, v.Title, "settings")
	p.Notice = notice
	h.render(w, r, status, legalPage(p, v))
	return nil
}

// publishLegal saves the form as the document's next version; the settings
// service validates and audits it.
func (h *Handler) publishLegal(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	doc, err := legalDoc(r)
	if err != nil {
		return err
	}
	v := legalView{Body: r.PostFormValue("body"), Effective: cut(strings.TrimSpace(r.PostFormValue("effective_at")), 20),
		Errors: map[string]string{}}
	day, err := time.ParseInLocation(time.DateOnly, v.Effective, kst.Zone)
	if err != nil {
		v.Errors["effective_at"] = m.T("v.date")
	}
	if len(v.Errors) == 0 {
		// A version dated today takes effect now; a later day at its start.
		at := day
		if now := h.deps.Now(); at.Before(now) && now.Sub(at) < 24*time.Hour {
			at = now
		}
		lv, err := h.deps.Settings.PublishLegal(r.Context(), staffActor(r, u), settings.NewLegalVersion{Document: doc, Body: v.Body, EffectiveAt: at})
		if inv, ok := fault.AsInvalid(err); ok {
			v.Error = placeFields(m, inv, map[string]string{"body": "", "effective_at": ""}, v.Errors)
			return h.showLegal(w, r, m, u, doc, http.StatusUnprocessableEntity, v, "")
		}
		if err != nil {
			return err
		}
		v.Body = lv.Body
		return h.showLegal(w, r, m, u, doc, http.StatusOK, v, m.F("set.legal.published", settings.VersionLabel(lv.Version)))
	}
	v.Error = m.T("form.fix")
	return h.showLegal(w, r, m, u, doc, http.StatusUnprocessableEntity, v, "")
}
