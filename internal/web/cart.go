package web

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"strconv"

	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
)

// Carts is what the cart pages need; *cart.Service implements it.
type Carts interface {
	Put(ctx context.Context, o cart.Owner, variantID, quantity int64) ([]cart.Notice, error)
	SetQuantity(ctx context.Context, o cart.Owner, lineID, quantity int64) (cart.Cart, error)
	Remove(ctx context.Context, o cart.Owner, lineID int64) (cart.Cart, error)
	SelectOnly(ctx context.Context, o cart.Owner, lineIDs []int64) (cart.Cart, error)
	Get(ctx context.Context, o cart.Owner) (cart.Cart, error)
	Merge(ctx context.Context, token string, userID int64) error
}

// cartTokenKey holds an anonymous visitor's cart token in the session; the
// cart table keeps only its hash.
const cartTokenKey = "cart_token"

func (h *Handler) registerCart(mux *http.ServeMux) {
	s := h.private
	mux.Handle("GET /cart", s(h.serve(h.cartPage)))
	mux.Handle("POST /cart/add", s(h.serve(h.cartAdd)))
	mux.Handle("POST /cart/lines/{id}/quantity", s(h.serve(h.cartQuantity)))
	mux.Handle("POST /cart/lines/{id}/remove", s(h.serve(h.cartRemove)))
	mux.Handle("POST /cart/select", s(h.serve(h.cartSelect)))
}

// cartOwner is whose cart the request works on: the signed-in customer's,
// or the visitor's by the token in the session, made when create is set.
func (h *Handler) cartOwner(r *http.Request, create bool) (cart.Owner, bool, error) {
	u, ok, err := h.currentUser(r)
	if err != nil {
		return cart.Owner{}, false, err
	}
	if ok {
		return cart.Owner{UserID: u.ID}, true, nil
	}
	token := h.sessions.GetString(r.Context(), cartTokenKey)
	if token == "" {
		if !create {
			return cart.Owner{}, false, nil
		}
		token = rand.Text()
		h.sessions.Put(r.Context(), cartTokenKey, token)
	}
	return cart.Owner{Token: token}, true, nil
}

// mergeCart moves the visitor's cart into the customer's at login.
func (h *Handler) mergeCart(ctx context.Context, userID int64) error {
	token := h.sessions.PopString(ctx, cartTokenKey)
	if token == "" {
		return nil
	}
	return h.acc.Carts.Merge(ctx, token, userID)
}

// cartView is the cart page.
type cartView struct {
	Cart     cart.Cart
	Lines    []cartLineView
	Subtotal string
	// Grade is the grade discount the checkout will take; "" when none.
	Grade    string
	Flash    string
	Error    string
	Checkout bool // at least one selected line can be checked out
}

type cartLineView struct {
	cart.Line
	Price, Total, Regular string
	Thumb                 string
	URL                   string
	Problem               string
}

func (h *Handler) newCartView(lc *locale, c cart.Cart) *cartView {
	v := &cartView{Cart: c, Subtotal: lc.Won(c.Subtotal)}
	for _, l := range c.Lines {
		lv := cartLineView{Line: l, Price: lc.Won(l.UnitPrice), Total: lc.Won(l.LineTotal), URL: productURL(l.ProductID)}
		if l.ListPrice > l.UnitPrice {
			lv.Regular = lc.Won(l.ListPrice)
		}
		if l.Thumb != "" {
			lv.Thumb = media.URLPrefix + media.ThumbKey(l.Thumb, media.Small)
		}
		if !l.Available {
			lv.Problem = cartProblem(lc, l)
		}
		if l.Selected && l.Available {
			v.Checkout = true
		}
		v.Lines = append(v.Lines, lv)
	}
	return v
}

// cartProblem says in the visitor's language why a line cannot be checked
// out.
func cartProblem(lc *locale, l cart.Line) string {
	switch {
	case l.Problem == cart.OnlyLeft(l.Stock) && l.Stock > 0:
		return lc.F("cart.only_left", l.Stock)
	case l.Stock <= 0 && l.Problem != "":
		return lc.T("cart.sold_out")
	}
	return lc.T("cart.unavailable")
}

func (h *Handler) cartPage(w http.ResponseWriter, r *http.Request, lc *locale) error {
	o, ok, err := h.cartOwner(r, false)
	if err != nil {
		return err
	}
	var c cart.Cart
	if ok {
		if c, err = h.acc.Carts.Get(r.Context(), o); err != nil {
			return err
		}
	}
	v := h.newCartView(lc, c)
	if ok && o.UserID != 0 {
		if v.Grade, err = h.cartGradeDiscount(r.Context(), lc, c, o.UserID); err != nil {
			return err
		}
	}
	v.Flash = h.sessions.PopString(r.Context(), flashKey)
	if v.Flash == "" && r.URL.Query().Get("added") == "1" {
		v.Flash = lc.T("cart.added")
	}
	v.Error = h.sessions.PopString(r.Context(), cartErrorKey)
	p := h.accountPage(r, lc, lc.T("cart.title"), "/cart")
	p.Scripts = []string{h.assets.url("htmx.min.js")}
	h.render(w, r, lc, http.StatusOK, cartPage(p, v))
	return nil
}

// cartErrorKey holds a cart action's refusal for the next cart page.
const cartErrorKey = "cart_error"

// cartDone answers a cart action: back to the cart, with done as the
// flash, or with what was wrong when err is bad input or a line that is no
// longer in the cart. Any other err is returned for serveError.
func (h *Handler) cartDone(w http.ResponseWriter, r *http.Request, lc *locale, err error, done string) error {
	ctx := r.Context()
	if inv, ok := fault.AsInvalid(err); ok {
		for _, m := range inv.Fields {
			h.sessions.Put(ctx, cartErrorKey, lc.T(m))
		}
	} else if errors.Is(err, fault.ErrNotFound) {
		return h.lineGone(w, r, lc)
	} else if err != nil {
		return err
	} else if done != "" {
		h.sessions.Put(ctx, flashKey, done)
	}
	http.Redirect(w, r, "/cart", http.StatusSeeOther)
	return nil
}

// lineGone answers an action on a cart line that is not in the cart (any
// more): back to the cart, which says so.
func (h *Handler) lineGone(w http.ResponseWriter, r *http.Request, lc *locale) error {
	h.sessions.Put(r.Context(), cartErrorKey, lc.T("cart.line_gone"))
	http.Redirect(w, r, "/cart", http.StatusSeeOther)
	return nil
}

func formInt(r *http.Request, name string) (int64, bool) {
	n, err := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	return n, err == nil
}

func (h *Handler) cartAdd(w http.ResponseWriter, r *http.Request, lc *locale) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if r.PostFormValue("variant") == "" && r.PostFormValue("product") != "" {
		return h.cartAddOptions(w, r, lc)
	}
	variant, ok := formInt(r, "variant")
	return h.putInCart(w, r, lc, variant, ok)
}

// putInCart adds quantity (1 when not given) of the variant to the
// request's cart; ok false means the form named no variant.
func (h *Handler) putInCart(w http.ResponseWriter, r *http.Request, lc *locale, variant int64, ok bool) error {
	qty := int64(1)
	if r.PostFormValue("quantity") != "" {
		var qok bool
		if qty, qok = formInt(r, "quantity"); !qok {
			ok = false
		}
	}
	if !ok {
		return h.cartDone(w, r, lc, &fault.Invalid{Fields: map[string]string{"quantity": "must be a whole number"}}, "")
	}
	o, _, err := h.cartOwner(r, true)
	if err != nil {
		return err
	}
	notices, err := h.acc.Carts.Put(r.Context(), o, variant, qty)
	if err == nil && len(notices) == 0 {
		// The common case says so in the address rather than in the
		// session, which then need not be written again.
		http.Redirect(w, r, "/cart?added=1", http.StatusSeeOther)
		return nil
	}
	done := ""
	if len(notices) > 0 {
		n := notices[0]
		done = lc.F("cart.added_capped", n.Added, n.Quantity)
	}
	return h.cartDone(w, r, lc, err, done)
}

// cartLine runs fn on the {id} line of the request's cart.
func (h *Handler) cartLine(w http.ResponseWriter, r *http.Request, lc *locale, fn func(ctx context.Context, o cart.Owner, id int64) error) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	o, ok, oerr := h.cartOwner(r, false)
	if oerr != nil {
		return oerr
	}
	if err != nil || id <= 0 || !ok {
		return h.lineGone(w, r, lc)
	}
	return h.cartDone(w, r, lc, fn(r.Context(), o, id), "")
}

func (h *Handler) cartQuantity(w http.ResponseWriter, r *http.Request, lc *locale) error {
	return h.cartLine(w, r, lc, func(ctx context.Context, o cart.Owner, id int64) error {
		qty, ok := formInt(r, "quantity")
		if !ok {
			return &fault.Invalid{Fields: map[string]string{"quantity": "must be a whole number"}}
		}
		_, err := h.acc.Carts.SetQuantity(ctx, o, id, qty)
		return err
	})
}

func (h *Handler) cartRemove(w http.ResponseWriter, r *http.Request, lc *locale) error {
	return h.cartLine(w, r, lc, func(ctx context.Context, o cart.Owner, id int64) error {
		_, err := h.acc.Carts.Remove(ctx, o, id)
		return err
	})
}

func (h *Handler) cartSelect(w http.ResponseWriter, r *http.Request, lc *locale) error {
	if err := parseForm(r); err != nil {
		return err
	}
	o, ok, err := h.cartOwner(r, false)
	if err != nil {
		return err
	}
	if !ok {
		return h.lineGone(w, r, lc)
	}
	var ids []int64
	for _, s := range r.PostForm["line"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return h.lineGone(w, r, lc)
		}
		ids = append(ids, id)
	}
	_, err = h.acc.Carts.SelectOnly(r.Context(), o, ids)
	if err == nil && r.PostFormValue("checkout") != "" {
		http.Redirect(w, r, "/checkout", http.StatusSeeOther)
		return nil
	}
	return h.cartDone(w, r, lc, err, "")
}
