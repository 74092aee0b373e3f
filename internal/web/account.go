package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/phone"
	"github.com/mallang/mallang/internal/security"
)

// flashKey holds a one-time message shown on the next page;
// signupEmailKey the address the "check your email" page names.
const (
	flashKey       = "flash"
	signupEmailKey = "signup_email"
)

func (h *Handler) registerAccounts(mux *http.ServeMux) {
	s := h.private
	mux.Handle("GET /signup", s(h.serve(h.signupForm)))
	mux.Handle("POST /signup", s(h.serve(h.signup)))
	mux.Handle("GET /signup/sent", s(h.serve(h.signupSent)))
	mux.Handle("GET /login", s(h.serve(h.loginForm)))
	mux.Handle("POST /login", s(h.serve(h.login)))
	mux.Handle("POST /logout", s(h.serve(h.logout)))
	mux.Handle("GET "+account.VerifyPath, s(h.serve(h.verify)))
	mux.Handle("GET /account/verify/resend", s(h.serve(h.resendForm)))
	mux.Handle("POST /account/verify/resend", s(h.serve(h.resend)))
	mux.Handle("GET "+account.ForgotPath, s(h.serve(h.forgotForm)))
	mux.Handle("POST "+account.ForgotPath, s(h.serve(h.forgot)))
	mux.Handle("GET "+account.ResetPath, s(h.serve(h.resetForm)))
	mux.Handle("POST "+account.ResetPath, s(h.serve(h.reset)))
	mux.Handle("GET /account", s(h.signedIn(h.accountHome)))
	mux.Handle("GET /account/profile", s(h.signedIn(h.profileForm)))
	mux.Handle("POST /account/profile", s(h.signedIn(h.profile)))
	mux.Handle("GET /account/password", s(h.signedIn(h.passwordForm)))
	mux.Handle("POST /account/password", s(h.signedIn(h.password)))
	mux.Handle("GET /account/delete", s(h.signedIn(h.deleteForm)))
	mux.Handle("POST /account/delete", s(h.signedIn(h.deleteAccount)))
	mux.Handle("GET /account/deleted", s(h.serve(h.deleted)))
	h.registerAddresses(mux)
	h.registerSocial(mux)
	h.registerCart(mux)
	h.registerOrders(mux)
	h.registerReturns(mux)
	h.registerInquiries(mux)
	h.registerPayments(mux)
	h.registerPoints(mux)
	if h.attendance != nil {
		h.registerAttendance(mux)
	}
	if h.unsubscribe != nil {
		h.registerUnsubscribe(mux)
	}
	if h.engage != nil {
		h.registerEngage(mux)
	}
	if h.reviews != nil {
		h.registerReviews(mux)
	}
}

// --- sign-up ---

func (h *Handler) signupFields(lc *locale, r *http.Request) []field {
	return []field{
		{Name: "email", Label: lc.T("f.email"), Type: "email", Value: r.PostFormValue("email"), Required: true, Autocomplete: "email", MaxLength: 254},
		{Name: "password", Label: lc.T("f.password"), Type: "password", Required: true, Autocomplete: "new-password", Hint: lc.F("f.password.hint", account.MinPasswordRunes), MaxLength: 256},
		{Name: "name", Label: lc.T("f.name"), Type: "text", Value: r.PostFormValue("name"), Required: true, Autocomplete: "name", MaxLength: 100},
		{Name: "phone", Label: lc.T("f.phone"), Type: "tel", Value: r.PostFormValue("phone"), Required: true, Autocomplete: "tel", InputMode: "tel", Hint: lc.T("f.phone.hint"), MaxLength: 32},
		birthdayField(lc, r.PostFormValue("birthday")),
		{Name: "terms", Label: lc.T("f.terms"), Type: "checkbox", Checked: r.PostFormValue("terms") == "on", Required: true},
		{Name: "marketing", Label: lc.T("f.marketing"), Type: "checkbox", Checked: r.PostFormValue("marketing") == "on"},
	}
}

func (h *Handler) signupPage(r *http.Request, lc *locale) (*page, *form) {
	p := h.accountPage(r, lc, lc.T("signup.title"), "/signup")
	f := &form{TestID: "signup", Title: lc.T("signup.title"), Action: "/signup", Submit: lc.T("signup.submit"),
		Fields: h.signupFields(lc, r), Links: []link{{Label: lc.T("signup.have"), URL: "/login"},
			{Label: lc.T("signup.terms"), URL: "/terms"}, {Label: lc.T("signup.privacy"), URL: "/privacy"}}}
	f.Links = append(f.Links, h.socialLinks(lc)...)
	return p, f
}

func (h *Handler) signupForm(w http.ResponseWriter, r *http.Request, lc *locale) error {
	p, f := h.signupPage(r, lc)
	h.render(w, r, lc, http.StatusOK, formPage(p, f))
	return nil
}

func (h *Handler) signup(w http.ResponseWriter, r *http.Request, lc *locale) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p, f := h.signupPage(r, lc)
	email := r.PostFormValue("email")
	birthday, err := formBirthday(r)
	if err == nil {
		err = h.acc.Accounts.LinkGuard(r.Context(), security.ClientIP(r), email)
	}
	if err == nil {
		err = h.acc.Accounts.SignUp(r.Context(), account.SignUp{
			Email: email, Password: r.PostFormValue("password"), Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"),
			AgreeTerms: r.PostFormValue("terms") == "on", MarketingConsent: r.PostFormValue("marketing") == "on", Birthday: birthday,
		})
	}
	if err != nil {
		return h.formError(w, r, lc, p, f, err)
	}
	h.sessions.Put(r.Context(), signupEmailKey, account.NormalizeEmail(email))
	http.Redirect(w, r, "/signup/sent", http.StatusSeeOther)
	return nil
}

func (h *Handler) signupSent(w http.ResponseWriter, r *http.Request, lc *locale) error {
	email := h.sessions.PopString(r.Context(), signupEmailKey)
	p := h.accountPage(r, lc, lc.T("sent.title"), "/signup/sent")
	f := &form{TestID: "signup-sent", Title: lc.T("sent.title"), Done: lc.F("sent.body", email),
		Intro: lc.T("sent.intro"), Links: []link{{Label: lc.T("sent.resend"), URL: "/account/verify/resend"}, {Label: lc.T("login.title"), URL: "/login"}}}
	if email == "" {
		f.Done = lc.T("sent.body.plain")
	}
	h.render(w, r, lc, http.StatusOK, formPage(p, f))
	return nil
}

// --- one-time links ---

// linkProblem renders the page for a link that does not work: unknown
// (404), used or expired (410), with the way to get a new one. Any other
// err is returned for serveError.
func (h *Handler) linkProblem(w http.ResponseWriter, r *http.Request, lc *locale, err error, again link) error {
	status, msg := http.StatusNotFound, lc.T("link.unknown")
	switch {
	case errors.Is(err, account.ErrLinkUsed):
		status, msg = http.StatusGone, lc.T("link.used")
	case errors.Is(err, account.ErrLinkExpired):
		status, msg = http.StatusGone, lc.T("link.expired")
	case !errors.Is(err, account.ErrLinkUnknown):
		return err
	}
	p := h.accountPage(r, lc, lc.T("link.title"), localPath(r.URL))
	f := &form{TestID: "link-problem", Title: lc.T("link.title"), Error: msg, Links: []link{again, {Label: lc.T("login.title"), URL: "/login"}}}
	h.render(w, r, lc, status, formPage(p, f))
	return nil
}

func (h *Handler) verify(w http.ResponseWriter, r *http.Request, lc *locale) error {
	u, woke, err := h.acc.Accounts.OpenLink(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		return h.linkProblem(w, r, lc, err, link{Label: lc.T("sent.resend"), URL: "/account/verify/resend"})
	}
	title, body := lc.T("verified.title"), lc.F("verified.body", u.Email)
	if woke {
		title, body = lc.T("woken.title"), lc.F("woken.body", u.Email)
	}
	p := h.accountPage(r, lc, title, account.VerifyPath)
	f := &form{TestID: "verified", Title: title, Done: body,
		Links: []link{{Label: lc.T("login.title"), URL: "/login"}}}
	h.render(w, r, lc, http.StatusOK, formPage(p, f))
	return nil
}

// emailForm is the one-field form of resend and forgot.
func (h *Handler) emailForm(r *http.Request, lc *locale, testID, title, intro, action string) (*page, *form) {
	p := h.accountPage(r, lc, title, action)
	return p, &form{TestID: testID, Title: title, Intro: intro, Action: action, Submit: lc.T("email.submit"),
		Fields: []field{{Name: "email", Label: lc.T("f.email"), Type: "email", Value: r.PostFormValue("email"), Required: true, Autocomplete: "email", MaxLength: 254}},
		Links:  []link{{Label: lc.T("login.title"), URL: "/login"}}}
}

func (h *Handler) resendForm(w http.ResponseWriter, r *http.Request, lc *locale) error {
	p, f := h.emailForm(r, lc, "resend", lc.T("resend.title"), lc.T("resend.intro"), "/account/verify/resend")
	h.render(w, r, lc, http.StatusOK, formPage(p, f))
	return nil
}

func (h *Handler) resend(w http.ResponseWriter, r *http.Request, lc *locale) error {
	return h.mailLink(w, r, lc, "resend", "resend.title", "resend.intro", "/account/verify/resend", h.acc.Accounts.ResendVerification)
}

func (h *Handler) forgotForm(w http.ResponseWriter, r *http.Request, lc *locale) error {
	p, f := h.emailForm(r, lc, "forgot", lc.T("forgot.title"), lc.T("forgot.intro"), account.ForgotPath)
	h.render(w, r, lc, http.StatusOK, formPage(p, f))
	return nil
}

func (h *Handler) forgot(w http.ResponseWriter, r *http.Request, lc *locale) error {
	return h.mailLink(w, r, lc, "forgot", "forgot.title", "forgot.intro", account.ForgotPath, h.acc.Accounts.RequestPasswordReset)
}

// mailLink handles the forms that mail a link to an address. The answer is
// the same whether or not the address has an account.
func (h *Handler) mailLink(w http.ResponseWriter, r *http.Request, lc *locale, testID, title, intro, action string, send func(ctx context.Context, email string) error) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p, f := h.emailForm(r, lc, testID, lc.T(title), lc.T(intro), action)
	email := r.PostFormValue("email")
	err := h.acc.Accounts.LinkGuard(r.Context(), security.ClientIP(r), email)
	if err == nil {
		err = send(r.Context(), email)
	}
	if err != nil {
		return h.formError(w, r, lc, p, f, err)
	}
	f.Done = lc.T("email.sent")
	f.Fields[0].Value = ""
	h.render(w, r, lc, http.StatusOK, formPage(p, f))
	return nil
}

func (h *Handler) resetPage(r *http.Request, lc *locale, token string) (*page, *form) {
	p := h.accountPage(r, lc, lc.T("reset.title"), account.ResetPath)
	return p, &form{TestID: "reset", Title: lc.T("reset.title"), Action: account.ResetPath, Submit: lc.T("reset.submit"),
		Fields: []field{
			{Name: "token", Type: "hidden", Value: token},
			{Name: "password", Label: lc.T("f.new_password"), Type: "password", Required: true, Autocomplete: "new-password", Hint: lc.F("f.password.hint", account.MinPasswordRunes), MaxLength: 256},
			{Name: "confirm", Label: lc.T("f.confirm_password"), Type: "password", Required: true, Autocomplete: "new-password", MaxLength: 256},
		}}
}

func (h *Handler) resetForm(w http.ResponseWriter, r *http.Request, lc *locale) error {
	token := r.URL.Query().Get("token")
	if err := h.acc.Accounts.CheckResetLink(r.Context(), token); err != nil {
		return h.linkProblem(w, r, lc, err, link{Label: lc.T("forgot.title"), URL: account.ForgotPath})
	}
	p, f := h.resetPage(r, lc, token)
	h.render(w, r, lc, http.StatusOK, formPage(p, f))
	return nil
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request, lc *locale) error {
	if err := parseForm(r); err != nil {
		return err
	}
	token := r.PostFormValue("token")
	p, f := h.resetPage(r, lc, token)
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("confirm") {
		return h.formError(w, r, lc, p, f, &fault.Invalid{Fields: map[string]string{"confirm": "does not match the new password"}})
	}
	u, err := h.acc.Accounts.ResetPassword(r.Context(), token, pw)
	if errors.Is(err, fault.ErrNotFound) {
		return h.linkProblem(w, r, lc, err, link{Label: lc.T("forgot.title"), URL: account.ForgotPath})
	}
	if err != nil {
		return h.formError(w, r, lc, p, f, err)
	}
	if err := h.signIn(r.Context(), u); err != nil {
		return err
	}
	h.sessions.Put(r.Context(), flashKey, lc.T("reset.done"))
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

// --- login ---

func (h *Handler) loginPage(r *http.Request, lc *locale) (*page, *form) {
	next := r.FormValue("next")
	p := h.accountPage(r, lc, lc.T("login.title"), "/login")
	f := &form{TestID: "login", Title: lc.T("login.title"), Action: "/login", Submit: lc.T("login.submit"),
		Fields: []field{
			{Name: "email", Label: lc.T("f.email"), Type: "email", Value: r.PostFormValue("email"), Required: true, Autocomplete: "username", MaxLength: 254},
			{Name: "password", Label: lc.T("f.password"), Type: "password", Required: true, Autocomplete: "current-password", MaxLength: 256},
			{Name: "next", Type: "hidden", Value: safeNext(next)},
		},
		Links: []link{
			{Label: lc.T("login.forgot"), URL: account.ForgotPath},
			{Label: lc.T("login.signup"), URL: "/signup"},
			{Label: lc.T("sent.resend"), URL: "/account/verify/resend"},
		}}
	f.Links = append(f.Links, h.socialLinks(lc)...)
	return p, f
}

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request, lc *locale) error {
	if _, ok, err := h.currentUser(r); err != nil {
		return err
	} else if ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	p, f := h.loginPage(r, lc)
	f.Error = h.sessions.PopString(r.Context(), flashKey)
	h.render(w, r, lc, http.StatusOK, formPage(p, f))
	return nil
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request, lc *locale) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p, f := h.loginPage(r, lc)
	u, err := h.acc.Accounts.Login(r.Context(), account.Login{Email: r.PostFormValue("email"), Password: r.PostFormValue("password"),
		IP: security.ClientIP(r), UserAgent: r.UserAgent()})
	if errors.Is(err, fault.ErrUnauthenticated) {
		f.Error = lc.T("login.wrong")
		h.render(w, r, lc, http.StatusUnauthorized, formPage(p, f))
		return nil
	}
	if b, ok := account.AsBlocked(err); ok {
		f.Error = lc.F("blocked.login", b.Reason)
		h.render(w, r, lc, http.StatusForbidden, formPage(p, f))
		return nil
	}
	if _, ok := account.AsDormant(err); ok {
		f.Error = lc.T("dormant.login")
		h.render(w, r, lc, http.StatusForbidden, formPage(p, f))
		return nil
	}
	if err != nil {
		return h.formError(w, r, lc, p, f, err)
	}
	if err := h.signIn(r.Context(), u); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, lc *locale) error {
	if err := h.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// --- the account area ---

func (h *Handler) accountHome(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	p := h.accountPage(r, lc, lc.T("account.title"), "/account")
	v := accountView{User: u, Flash: h.sessions.PopString(r.Context(), flashKey), Attendance: h.attendanceOn(r.Context()),
		Engage: h.engage != nil, Reviews: h.reviews != nil}
	var err error
	if v.Grade, err = h.gradeBox(r.Context(), lc, u.ID); err != nil {
		return err
	}
	if v.Coupons, err = h.ownCouponViews(r.Context(), lc, u.ID); err != nil {
		return err
	}
	if !u.Birthday.IsZero() {
		v.Birthday = birthdayShown(lc, u.Birthday)
	}
	h.render(w, r, lc, http.StatusOK, accountHomePage(p, &v))
	return nil
}

func (h *Handler) profilePage(r *http.Request, lc *locale, u account.User) (*page, *form) {
	p := h.accountPage(r, lc, lc.T("profile.title"), "/account/profile")
	name, tel, consent, birthday := u.Name, phone.Format(u.Phone), !u.MarketingConsentAt.IsZero(), u.Birthday.String()
	if r.Method == http.MethodPost {
		name, tel, consent, birthday = r.PostFormValue("name"), r.PostFormValue("phone"), r.PostFormValue("marketing") == "on", r.PostFormValue("birthday")
	}
	return p, &form{TestID: "profile", Title: lc.T("profile.title"), Action: "/account/profile", Submit: lc.T("save"),
		Fields: []field{
			{Name: "name", Label: lc.T("f.name"), Type: "text", Value: name, Required: true, Autocomplete: "name", MaxLength: 100},
			{Name: "phone", Label: lc.T("f.phone"), Type: "tel", Value: tel, Required: true, Autocomplete: "tel", InputMode: "tel", Hint: lc.T("f.phone.hint"), MaxLength: 32},
			birthdayField(lc, birthday),
			{Name: "marketing", Label: lc.T("f.marketing"), Type: "checkbox", Checked: consent},
		},
		Links: []link{{Label: lc.T("account.back"), URL: "/account"}}}
}

func (h *Handler) profileForm(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	p, f := h.profilePage(r, lc, u)
	h.render(w, r, lc, http.StatusOK, formPage(p, f))
	return nil
}

func (h *Handler) profile(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p, f := h.profilePage(r, lc, u)
	birthday, err := formBirthday(r)
	if err == nil {
		_, err = h.acc.Accounts.UpdateProfile(r.Context(), u.ID, account.Profile{
			Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), MarketingConsent: r.PostFormValue("marketing") == "on",
			Birthday: birthday})
	}
	if err != nil {
		return h.formError(w, r, lc, p, f, err)
	}
	h.sessions.Put(r.Context(), flashKey, lc.T("profile.saved"))
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

func (h *Handler) passwordPage(r *http.Request, lc *locale, u account.User) (*page, *form) {
	p := h.accountPage(r, lc, lc.T("password.title"), "/account/password")
	f := &form{TestID: "password", Title: lc.T("password.title"), Intro: lc.T("password.intro"), Action: "/account/password", Submit: lc.T("save"),
		Fields: []field{
			{Name: "current_password", Label: lc.T("f.current_password"), Type: "password", Required: true, Autocomplete: "current-password", MaxLength: 256},
			{Name: "password", Label: lc.T("f.new_password"), Type: "password", Required: true, Autocomplete: "new-password", Hint: lc.F("f.password.hint", account.MinPasswordRunes), MaxLength: 256},
			{Name: "confirm", Label: lc.T("f.confirm_password"), Type: "password", Required: true, Autocomplete: "new-password", MaxLength: 256},
		},
		Links: []link{{Label: lc.T("account.back"), URL: "/account"}}}
	if !u.HasPassword {
		f.Fields = f.Fields[1:]
	}
	return p, f
}

func (h *Handler) passwordForm(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	p, f := h.passwordPage(r, lc, u)
	h.render(w, r, lc, http.StatusOK, formPage(p, f))
	return nil
}

func (h *Handler) password(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p, f := h.passwordPage(r, lc, u)
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("confirm") {
		return h.formError(w, r, lc, p, f, &fault.Invalid{Fields: map[string]string{"confirm": "does not match the new password"}})
	}
	nu, err := h.acc.Accounts.ChangePassword(r.Context(), u.ID, r.PostFormValue("current_password"), pw)
	if err != nil {
		return h.formError(w, r, lc, p, f, err)
	}
	// Every other session ended; this one carries on with a new token.
	if err := h.signIn(r.Context(), nu); err != nil {
		return err
	}
	h.sessions.Put(r.Context(), flashKey, lc.T("password.saved"))
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

func (h *Handler) deletePage(r *http.Request, lc *locale, u account.User) (*page, *form) {
	p := h.accountPage(r, lc, lc.T("delete.title"), "/account/delete")
	fl := field{Name: "confirm", Label: lc.T("f.current_password"), Type: "password", Required: true, Autocomplete: "current-password", MaxLength: 256}
	if !u.HasPassword {
		fl = field{Name: "confirm", Label: lc.T("delete.type_email"), Type: "email", Required: true, MaxLength: 254}
	}
	return p, &form{TestID: "delete", Title: lc.T("delete.title"), Intro: lc.T("delete.intro"), Action: "/account/delete",
		Submit: lc.T("delete.submit"), Danger: true, Fields: []field{fl}, Links: []link{{Label: lc.T("account.back"), URL: "/account"}}}
}

func (h *Handler) deleteForm(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	p, f := h.deletePage(r, lc, u)
	h.render(w, r, lc, http.StatusOK, formPage(p, f))
	return nil
}

func (h *Handler) deleteAccount(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p, f := h.deletePage(r, lc, u)
	err := h.acc.Accounts.Delete(r.Context(), u.ID, r.PostFormValue("confirm"))
	if errors.Is(err, fault.ErrForbidden) {
		f.Error = lc.T("delete.staff")
		h.render(w, r, lc, http.StatusForbidden, formPage(p, f))
		return nil
	}
	if err != nil {
		return h.formError(w, r, lc, p, f, err)
	}
	if err := h.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/deleted", http.StatusSeeOther)
	return nil
}

func (h *Handler) deleted(w http.ResponseWriter, r *http.Request, lc *locale) error {
	p := h.accountPage(r, lc, lc.T("deleted.title"), "/account/deleted")
	h.render(w, r, lc, http.StatusOK, formPage(p, &form{TestID: "deleted", Title: lc.T("deleted.title"), Done: lc.T("deleted.body"),
		Links: []link{{Label: lc.T("nf.home"), URL: "/"}}}))
	return nil
}

// accountView is the account overview.
type accountView struct {
	User  account.User
	Flash string
	// Attendance: the shop runs the attendance check, so the menu links
	// to it.
	Attendance bool
	// Engage: the menu links to the wishlist, the recently viewed
	// products and the product questions.
	Engage bool
	// Grade is the grade box; nil when grades are not enabled.
	Grade *gradeView
	// Reviews: the shop takes reviews, so the menu links 내 리뷰 and
	// 작성할 리뷰.
	Reviews bool
	// Coupons are the customer's own coupons they can use now.
	Coupons []ownCouponView
	// Birthday is the birthday given, as shown; "" when none.
	Birthday string
}
