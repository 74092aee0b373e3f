package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/phone"
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

func (h *Handler) addressList(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	as, err := h.acc.Addresses.List(r.Context(), u.ID)
	if err != nil {
		return err
	}
	p := h.accountPage(r, lc, lc.T("addr.title"), "/account/addresses")
	h.render(w, r, lc, http.StatusOK, addressesPage(p, as, h.sessions.PopString(r.Context(), flashKey), len(as) < address.MaxPerUser))
	return nil
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
	return p, &form{TestID: "address-form", Title: title, Action: action, Submit: lc.T("save"), Postcode: lc.T("addr.search"),
		Fields: []field{
			{Name: "label", Label: lc.T("f.addr_label"), Type: "text", Value: a.Label, MaxLength: address.MaxLabelRunes, Hint: lc.T("f.addr_label.hint")},
			{Name: "recipient", Label: lc.T("f.recipient"), Type: "text", Value: a.Recipient, Required: true, Autocomplete: "shipping name", MaxLength: address.MaxRecipientRunes},
			{Name: "phone", Label: lc.T("f.phone"), Type: "tel", Value: phone.Format(a.Phone), Required: true, Autocomplete: "shipping tel", InputMode: "tel", Hint: lc.T("f.phone.hint"), MaxLength: 32},
			{Name: "postcode", Label: lc.T("f.postcode"), Type: "text", Value: a.Postcode, Required: true, Autocomplete: "shipping postal-code", InputMode: "numeric", MaxLength: 5},
			{Name: "line1", Label: lc.T("f.line1"), Type: "text", Value: a.Line1, Required: true, Autocomplete: "shipping address-line1", MaxLength: address.MaxLineRunes},
			{Name: "line2", Label: lc.T("f.line2"), Type: "text", Value: a.Line2, Autocomplete: "shipping address-line2", MaxLength: address.MaxLineRunes},
			{Name: "note", Label: lc.T("f.note"), Type: "text", Value: a.Note, MaxLength: address.MaxNoteRunes, Hint: lc.T("f.note.hint")},
			{Name: "default", Label: lc.T("f.default"), Type: "checkbox", Checked: a.IsDefault},
		},
		Links: []link{{Label: lc.T("addr.back"), URL: "/account/addresses"}}}
}

// renderAddressForm sends the address form with the postcode widget
// allowed: with the messages of err when it is a form's error (formError),
// else as it is.
func (h *Handler) renderAddressForm(w http.ResponseWriter, r *http.Request, lc *locale, p *page, f *form, err error) error {
	h.allowPostcode(w, p)
	if err != nil {
		return h.formError(w, r, lc, p, f, err)
	}
	h.render(w, r, lc, http.StatusOK, formPage(p, f))
	return nil
}

func (h *Handler) addressNew(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	p, f := h.addressForm(r, lc, "/account/addresses/new", address.Address{})
	return h.renderAddressForm(w, r, lc, p, f, nil)
}

func addressInput(r *http.Request) address.Input {
	return address.Input{Label: r.PostFormValue("label"), Recipient: r.PostFormValue("recipient"), Phone: r.PostFormValue("phone"),
		Postcode: r.PostFormValue("postcode"), Line1: r.PostFormValue("line1"), Line2: r.PostFormValue("line2"),
		Note: r.PostFormValue("note"), MakeDefault: r.PostFormValue("default") == "on"}
}

func (h *Handler) addressCreate(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p, f := h.addressForm(r, lc, "/account/addresses/new", address.Address{})
	if _, err := h.acc.Addresses.Create(r.Context(), u.ID, addressInput(r)); err != nil {
		return h.renderAddressForm(w, r, lc, p, f, err)
	}
	h.sessions.Put(r.Context(), flashKey, lc.T("addr.saved"))
	http.Redirect(w, r, "/account/addresses", http.StatusSeeOther)
	return nil
}

// addressID reads the {id} of an address's path; a malformed one is
// fault.ErrNotFound.
func addressID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("address id %q: %w", r.PathValue("id"), fault.ErrNotFound)
	}
	return id, nil
}

// ownAddress reads the {id} address of u; another customer's id, or one
// that does not exist, is fault.ErrNotFound.
func (h *Handler) ownAddress(r *http.Request, u account.User) (address.Address, error) {
	id, err := addressID(r)
	if err != nil {
		return address.Address{}, err
	}
	return h.acc.Addresses.Get(r.Context(), u.ID, id)
}

func (h *Handler) addressEdit(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	a, err := h.ownAddress(r, u)
	if err != nil {
		return err
	}
	p, f := h.addressForm(r, lc, "/account/addresses/"+strconv.FormatInt(a.ID, 10)+"/edit", a)
	return h.renderAddressForm(w, r, lc, p, f, nil)
}

func (h *Handler) addressUpdate(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	if err := parseForm(r); err != nil {
		return err
	}
	a, err := h.ownAddress(r, u)
	if err != nil {
		return err
	}
	p, f := h.addressForm(r, lc, "/account/addresses/"+strconv.FormatInt(a.ID, 10)+"/edit", a)
	if _, err := h.acc.Addresses.Update(r.Context(), u.ID, a.ID, addressInput(r)); err != nil {
		return h.renderAddressForm(w, r, lc, p, f, err)
	}
	h.sessions.Put(r.Context(), flashKey, lc.T("addr.saved"))
	http.Redirect(w, r, "/account/addresses", http.StatusSeeOther)
	return nil
}

func (h *Handler) addressDelete(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	return h.addressAction(w, r, lc, u, h.acc.Addresses.Delete, "addr.deleted")
}

func (h *Handler) addressDefault(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	return h.addressAction(w, r, lc, u, h.acc.Addresses.SetDefault, "addr.defaulted")
}

// addressAction runs a one-button action on the {id} address of u.
func (h *Handler) addressAction(w http.ResponseWriter, r *http.Request, lc *locale, u account.User,
	do func(ctx context.Context, userID, id int64) error, done string) error {
	id, err := addressID(r)
	if err != nil {
		return err
	}
	if err := do(r.Context(), u.ID, id); err != nil {
		return err
	}
	h.sessions.Put(r.Context(), flashKey, lc.T(done))
	http.Redirect(w, r, "/account/addresses", http.StatusSeeOther)
	return nil
}
