package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/security"
)

// Addresses is what the address book pages need; *address.Service
// implements it.
type Addresses interface {
	List(ctx context.Context, userID int64) ([]address.Address, error)
	Get(ctx context.Context, userID, id int64) (address.Address, error)
	Create(ctx context.Context, userID int64, in address.Input) (address.Address, error)
	Update(ctx context.Context, userID, id int64, in address.Input) (address.Address, error)
	Delete(ctx context.Context, userID, id int64) error
	SetDefault(ctx context.Context, userID, id int64) error
}

func (h *Handler) registerAddresses(mux *http.ServeMux) {
	s := h.private
	mux.Handle("GET /account/addresses", s(h.signedIn(h.addressList)))
	mux.Handle("GET /account/addresses/new", s(h.signedIn(h.addressNew)))
	mux.Handle("POST /account/addresses/new", s(h.signedIn(h.addressCreate)))
	mux.Handle("GET /account/addresses/{id}/edit", s(h.signedIn(h.addressEdit)))
	mux.Handle("POST /account/addresses/{id}/edit", s(h.signedIn(h.addressUpdate)))
	mux.Handle("POST /account/addresses/{id}/delete", s(h.signedIn(h.addressDelete)))
	mux.Handle("POST /account/addresses/{id}/default", s(h.signedIn(h.addressDefault)))
}

func (h *Handler) addressList(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) {
	as, err := h.acc.Addresses.List(r.Context(), u.ID)
	if err != nil {
		h.serverError(w, r, lc, err)
		return
	}
	p := h.accountPage(r, lc, lc.T("addr.title"), "/account/addresses")
	h.render(w, r, lc, http.StatusOK, addressesPage(p, as, h.sessions.PopString(r.Context(), flashKey), len(as) < address.MaxPerUser))
}

func (h *Handler) addressForm(r *http.Request, lc *locale, action string, a address.Address) (*page, *form) {
	if r.Method == http.MethodPost {
		a = address.Address{Label: r.PostFormValue("label"), Recipient: r.PostFormValue("recipient"), Phone: r.PostFormValue("phone"),
			Postcode: r.PostFormValue("postcode"), Line1: r.PostFormValue("line1"), Line2: r.PostFormValue("line2"),
			Note: r.PostFormValue("note"), IsDefault: r.PostFormValue("default") == "on"}
	}
	title := lc.T("addr.new")
	if a.ID != 0 {
		title = lc.T("addr.edit")
	}
	p := h.accountPage(r, lc, title, action)
	p.Scripts = []string{h.assets.url("postcode.js")}
	return p, &form{TestID: "address-form", Title: title, Action: action, Submit: lc.T("save"), Postcode: lc.T("addr.search"),
		Fields: []field{
			{Name: "label", Label: lc.T("f.addr_label"), Type: "text", Value: a.Label, MaxLength: address.MaxLabelRunes, Hint: lc.T("f.addr_label.hint")},
			{Name: "recipient", Label: lc.T("f.recipient"), Type: "text", Value: a.Recipient, Required: true, Autocomplete: "shipping name", MaxLength: address.MaxRecipientRunes},
			{Name: "phone", Label: lc.T("f.phone"), Type: "tel", Value: a.Phone, Required: true, Autocomplete: "shipping tel", InputMode: "tel", Hint: lc.T("f.phone.hint"), MaxLength: 32},
			{Name: "postcode", Label: lc.T("f.postcode"), Type: "text", Value: a.Postcode, Required: true, Autocomplete: "shipping postal-code", InputMode: "numeric", MaxLength: 5},
			{Name: "line1", Label: lc.T("f.line1"), Type: "text", Value: a.Line1, Required: true, Autocomplete: "shipping address-line1", MaxLength: address.MaxLineRunes},
			{Name: "line2", Label: lc.T("f.line2"), Type: "text", Value: a.Line2, Autocomplete: "shipping address-line2", MaxLength: address.MaxLineRunes},
			{Name: "note", Label: lc.T("f.note"), Type: "text", Value: a.Note, MaxLength: address.MaxNoteRunes, Hint: lc.T("f.note.hint")},
			{Name: "default", Label: lc.T("f.default"), Type: "checkbox", Checked: a.IsDefault},
		},
		Links: []link{{Label: lc.T("addr.back"), URL: "/account/addresses"}}}
}

// renderAddressForm sends the address form with the postcode widget allowed.
func (h *Handler) renderAddressForm(w http.ResponseWriter, r *http.Request, lc *locale, status int, p *page, f *form, err error) {
	w.Header().Set("Content-Security-Policy", security.PostcodeCSP)
	if err != nil {
		h.formError(w, r, lc, p, f, err)
		return
	}
	h.render(w, r, lc, status, formPage(p, f))
}

func (h *Handler) addressNew(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) {
	p, f := h.addressForm(r, lc, "/account/addresses/new", address.Address{})
	h.renderAddressForm(w, r, lc, http.StatusOK, p, f, nil)
}

func addressInput(r *http.Request) address.Input {
	return address.Input{Label: r.PostFormValue("label"), Recipient: r.PostFormValue("recipient"), Phone: r.PostFormValue("phone"),
		Postcode: r.PostFormValue("postcode"), Line1: r.PostFormValue("line1"), Line2: r.PostFormValue("line2"),
		Note: r.PostFormValue("note"), MakeDefault: r.PostFormValue("default") == "on"}
}

func (h *Handler) addressCreate(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) {
	if !h.parseForm(w, r, lc) {
		return
	}
	p, f := h.addressForm(r, lc, "/account/addresses/new", address.Address{})
	if _, err := h.acc.Addresses.Create(r.Context(), u.ID, addressInput(r)); err != nil {
		h.renderAddressForm(w, r, lc, 0, p, f, err)
		return
	}
	h.sessions.Put(r.Context(), flashKey, lc.T("addr.saved"))
	http.Redirect(w, r, "/account/addresses", http.StatusSeeOther)
}

// ownAddress reads the {id} address of u; another customer's id, or one
// that does not exist, is the 404 page.
func (h *Handler) ownAddress(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) (address.Address, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFoundIn(w, r, lc)
		return address.Address{}, false
	}
	a, err := h.acc.Addresses.Get(r.Context(), u.ID, id)
	if errors.Is(err, fault.ErrNotFound) {
		h.notFoundIn(w, r, lc)
		return address.Address{}, false
	}
	if err != nil {
		h.serverError(w, r, lc, err)
		return address.Address{}, false
	}
	return a, true
}

func (h *Handler) addressEdit(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) {
	a, ok := h.ownAddress(w, r, lc, u)
	if !ok {
		return
	}
	p, f := h.addressForm(r, lc, "/account/addresses/"+strconv.FormatInt(a.ID, 10)+"/edit", a)
	h.renderAddressForm(w, r, lc, http.StatusOK, p, f, nil)
}

func (h *Handler) addressUpdate(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) {
	if !h.parseForm(w, r, lc) {
		return
	}
	a, ok := h.ownAddress(w, r, lc, u)
	if !ok {
		return
	}
	p, f := h.addressForm(r, lc, "/account/addresses/"+strconv.FormatInt(a.ID, 10)+"/edit", a)
	_, err := h.acc.Addresses.Update(r.Context(), u.ID, a.ID, addressInput(r))
	if errors.Is(err, fault.ErrNotFound) {
		h.notFoundIn(w, r, lc)
		return
	}
	if err != nil {
		h.renderAddressForm(w, r, lc, 0, p, f, err)
		return
	}
	h.sessions.Put(r.Context(), flashKey, lc.T("addr.saved"))
	http.Redirect(w, r, "/account/addresses", http.StatusSeeOther)
}

func (h *Handler) addressDelete(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) {
	h.addressAction(w, r, lc, u, h.acc.Addresses.Delete, "addr.deleted")
}

func (h *Handler) addressDefault(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) {
	h.addressAction(w, r, lc, u, h.acc.Addresses.SetDefault, "addr.defaulted")
}

// addressAction runs a one-button action on the {id} address of u.
func (h *Handler) addressAction(w http.ResponseWriter, r *http.Request, lc *locale, u account.User,
	do func(ctx context.Context, userID, id int64) error, done string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFoundIn(w, r, lc)
		return
	}
	err = do(r.Context(), u.ID, id)
	if errors.Is(err, fault.ErrNotFound) {
		h.notFoundIn(w, r, lc)
		return
	}
	if err != nil {
		h.serverError(w, r, lc, err)
		return
	}
	h.sessions.Put(r.Context(), flashKey, lc.T(done))
	http.Redirect(w, r, "/account/addresses", http.StatusSeeOther)
}
