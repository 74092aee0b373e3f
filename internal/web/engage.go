package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/qna"
	"github.com/mallang/mallang/internal/wishlist"
)

// Wishes is the wishlist (찜); *wishlist.Service implements it.
type Wishes interface {
	Add(ctx context.Context, userID, productID int64) (bool, error)
	Remove(ctx context.Context, userID, productID int64) (bool, error)
	Has(ctx context.Context, userID, productID int64) (bool, error)
	List(ctx context.Context, userID int64, limit, offset int) ([]wishlist.Wish, error)
}

// Questions are the product questions (상품 문의); *qna.Service implements
// it.
type Questions interface {
	Ask(ctx context.Context, userID, productID int64, body string, private bool) (qna.Question, error)
	ForProduct(ctx context.Context, productID int64, v qna.Viewer, limit, offset int) ([]qna.Question, error)
	Mine(ctx context.Context, userID int64, limit, offset int) ([]qna.Question, error)
}

// Cards reads product cards by id in the order given (*catalog.Service).
type Cards interface {
	Cards(ctx context.Context, ids []int64) ([]catalog.Product, error)
}

// EngageDeps are what the wishlist, recently viewed and product question
// pages use; every one is required.
type EngageDeps struct {
	Wishes    Wishes
	Questions Questions
	Cards     Cards
}

// EnableEngagement adds the wishlist, the recently viewed products and the
// product questions (after EnableAccounts): a section at the end of the
// product page and their account pages.
func (h *Handler) EnableEngagement(d EngageDeps) *Handler {
	if d.Wishes == nil || d.Questions == nil || d.Cards == nil {
		panic("web: EnableEngagement without every dependency")
	}
	h.engage = &d
	return h
}

func (h *Handler) registerEngage(mux *http.ServeMux) {
	s := h.private
	mux.Handle("POST /products/{id}/wish", s(h.signedIn(h.wish)))
	mux.Handle("GET /account/wishlist", s(h.signedIn(h.wishlistPage)))
	mux.Handle("GET /recent", h.serve(h.recentPage))
	mux.Handle("GET /products/{id}/questions/new", s(h.signedIn(h.questionForm)))
	mux.Handle("POST /products/{id}/questions", s(h.signedIn(h.askQuestion)))
	mux.Handle("GET /account/questions", s(h.signedIn(h.myQuestions)))
}

// Recently viewed products live in a cookie of product ids, the latest
// first: a view costs the database nothing, for visitors and customers
// alike. The ids are only read as numbers, at most recentMax of them; a
// forged cookie can only list products that are on sale anyway.
const (
	recentCookie  = "mallang_recent"
	recentMax     = 20
	recentStrip   = 6 // products the product page's strip shows
	recentMaxAge  = 30 * 24 * time.Hour
	pageQuestions = 10 // questions the product page shows
)

// recentIDs reads the recently viewed ids from r's cookie, dropping what
// is not a positive number and repeats.
func recentIDs(r *http.Request) []int64 {
	c, err := r.Cookie(recentCookie)
	if err != nil {
		return nil
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, s := range strings.Split(c.Value, ".") {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 || seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
		if len(ids) == recentMax {
			break
		}
	}
	return ids
}

// noteViewed puts id first in the recently viewed cookie.
func (h *Handler) noteViewed(w http.ResponseWriter, ids []int64, id int64) {
	parts := []string{strconv.FormatInt(id, 10)}
	for _, x := range ids {
		if x != id && len(parts) < recentMax {
			parts = append(parts, strconv.FormatInt(x, 10))
		}
	}
	http.SetCookie(w, &http.Cookie{Name: recentCookie, Value: strings.Join(parts, "."), Path: "/",
		MaxAge: int(recentMaxAge / time.Second), HttpOnly: true, Secure: h.acc.Secure, SameSite: http.SameSiteLaxMode})
}

// engageView is the product page's section of wishes, questions and the
// products viewed before.
type engageView struct {
	ProductID  int64
	URL        string // the product page
	SignedIn   bool
	Wished     bool
	Wishes     string // "찜 3"
	Questions  []questionItem
	QCount     int
	More       bool // more questions than shown
	Recent     []catalog.Product
	RecentMore bool
}

// questionItem is one question as a page shows it.
type questionItem struct {
	Product, ProductURL string
	Author, Asked       string
	Body, Answer        string
	AnsweredAt          string
	Private, Hidden     bool
	Answered            bool
}

func newQuestionItem(lc *locale, q qna.Question) questionItem {
	it := questionItem{Product: q.ProductName, ProductURL: productURL(q.ProductID) + "#questions", Author: q.Author,
		Asked: lc.Date(q.CreatedAt), Body: q.Body, Answer: q.Answer, Private: q.Private, Hidden: q.Hidden, Answered: q.Answered()}
	if it.Answered {
		it.AnsweredAt = lc.Date(q.AnsweredAt)
	}
	return it
}

// viewer is the customer signed in on r, read from the session cookie
// without saving the session: the product page is served without the
// session middleware, and a view must not write a session.
func (h *Handler) viewer(r *http.Request) (account.User, bool) {
	c, err := r.Cookie(h.sessions.Cookie.Name)
	if err != nil || c.Value == "" {
		return account.User{}, false
	}
	ctx, err := h.sessions.Load(r.Context(), c.Value)
	if err != nil {
		return account.User{}, false
	}
	id := h.sessions.GetInt64(ctx, account.SessionUserID)
	if id == 0 {
		return account.User{}, false
	}
	u, err := h.acc.Accounts.SessionUser(ctx, id, h.sessions.GetInt64(ctx, account.SessionVersion))
	if err != nil {
		return account.User{}, false
	}
	return u, true
}

// engageSection loads the product page's section for product d (whose
// wish and question counts come with it) and notes the view in the
// recently viewed cookie; nil when the shop runs without it. A page of a
// signed-in customer is kept out of shared caches. What cannot be read is
// logged and left out: the product page stands.
func (h *Handler) engageSection(w http.ResponseWriter, r *http.Request, lc *locale, d *catalog.ProductDetail) *engageView {
	if h.engage == nil || h.sessions == nil {
		return nil
	}
	ctx, id := r.Context(), d.ID
	before := recentIDs(r)
	h.noteViewed(w, before, id)
	v := &engageView{ProductID: id, URL: productURL(id)}
	u, ok := h.viewer(r)
	viewer := qna.Viewer{}
	if ok {
		w.Header().Set("Cache-Control", "no-store")
		v.SignedIn, viewer = true, qna.Viewer{UserID: u.ID, Staff: u.Role.IsStaff()}
		if has, err := h.engage.Wishes.Has(ctx, u.ID, id); err == nil {
			v.Wished = has
		} else {
			h.log.WarnContext(ctx, "product page without the wish", "product_id", id, "err", err)
		}
	}
	v.Wishes = lc.F("wish.count", d.Wishes)
	v.QCount = int(d.Questions)
	if v.QCount > 0 {
		qs, err := h.engage.Questions.ForProduct(ctx, id, viewer, pageQuestions, 0)
		if err != nil {
			h.log.WarnContext(ctx, "product page without questions", "product_id", id, "err", err)
		}
		for _, q := range qs {
			v.Questions = append(v.Questions, newQuestionItem(lc, q))
		}
		v.More = v.QCount > len(v.Questions)
	}
	var others []int64
	for _, x := range before {
		if x != id {
			others = append(others, x)
		}
	}
	if len(others) > recentStrip {
		others, v.RecentMore = others[:recentStrip], true
	}
	var err error
	if v.Recent, err = h.engage.Cards.Cards(ctx, others); err != nil {
		h.log.WarnContext(ctx, "product page without recently viewed", "product_id", id, "err", err)
	}
	return v
}

// productID reads the {id} of r's path; anything else is not found.
func productID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fault.ErrNotFound
	}
	return id, nil
}

// localBack is the path a form asks to go back to, when it is a path of
// this site; def otherwise.
func localBack(s, def string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n") {
		return def
	}
	return s
}

// wish adds the product to the customer's wishlist (wish=1) or takes it
// off (wish=0), and goes back to the page the form was on.
func (h *Handler) wish(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	id, err := productID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if r.PostFormValue("wish") == "0" {
		_, err = h.engage.Wishes.Remove(r.Context(), u.ID, id)
	} else {
		_, err = h.engage.Wishes.Add(r.Context(), u.ID, id)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, localBack(r.PostFormValue("back"), productURL(id)+"#wish"), http.StatusSeeOther)
	return nil
}

// wishlistPage lists the customer's wished products (찜한 상품), the latest
// first, each with a button to take it off.
func (h *Handler) wishlistPage(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	ctx := r.Context()
	ws, err := h.engage.Wishes.List(ctx, u.ID, wishlist.MaxList, 0)
	if err != nil {
		return err
	}
	ids := make([]int64, len(ws))
	for i, x := range ws {
		ids[i] = x.ProductID
	}
	cards, err := h.engage.Cards.Cards(ctx, ids)
	if err != nil {
		return err
	}
	p := h.accountPage(r, lc, lc.T("wish.title"), "/account/wishlist")
	h.render(w, r, lc, http.StatusOK, wishlistPage(p, cards))
	return nil
}

// recentPage lists the products the visitor opened last (최근 본 상품),
// from the cookie.
func (h *Handler) recentPage(w http.ResponseWriter, r *http.Request, lc *locale) error {
	cards, err := h.engage.Cards.Cards(r.Context(), recentIDs(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store") // the page is the visitor's own
	p := h.accountPage(r, lc, lc.T("recent.title"), "/recent")
	h.render(w, r, lc, http.StatusOK, recentPage(p, cards))
	return nil
}

// questionView is the form of a new product question.
type questionView struct {
	ProductID     int64
	Product, URL  string
	Body, BodyErr string
	Private       bool
}

func (h *Handler) questionForm(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	id, err := productID(r)
	if err != nil {
		return err
	}
	d, err := h.activeProduct(r.Context(), id)
	if err != nil {
		return err
	}
	v := &questionView{ProductID: id, Product: lc.productName(d.Name, d.NameEN), URL: productURL(id)}
	return h.renderQuestionForm(w, r, lc, v, http.StatusOK)
}

func (h *Handler) renderQuestionForm(w http.ResponseWriter, r *http.Request, lc *locale, v *questionView, status int) error {
	p := h.accountPage(r, lc, lc.T("qna.ask"), "/products/"+strconv.FormatInt(v.ProductID, 10)+"/questions/new")
	h.render(w, r, lc, status, questionFormPage(p, v))
	return nil
}

// askQuestion stores the customer's question and goes back to the
// product's questions; a bad one shows the form again with its message.
func (h *Handler) askQuestion(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	id, err := productID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	body, private := r.PostFormValue("body"), r.PostFormValue("private") == "on"
	_, err = h.engage.Questions.Ask(r.Context(), u.ID, id, body, private)
	if err == nil {
		http.Redirect(w, r, productURL(id)+"#questions", http.StatusSeeOther)
		return nil
	}
	if _, ok := fault.AsInvalid(err); !ok {
		return err
	}
	d, derr := h.activeProduct(r.Context(), id)
	if derr != nil {
		return errors.Join(err, derr)
	}
	v := &questionView{ProductID: id, Product: lc.productName(d.Name, d.NameEN), URL: productURL(id), Body: body, Private: private,
		BodyErr: lc.F("qna.body.invalid", qna.MaxBody)}
	return h.renderQuestionForm(w, r, lc, v, http.StatusUnprocessableEntity)
}

// myQuestions lists the customer's product questions (상품 문의) with
// their answers.
func (h *Handler) myQuestions(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	qs, err := h.engage.Questions.Mine(r.Context(), u.ID, qna.MaxList, 0)
	if err != nil {
		return err
	}
	items := make([]questionItem, len(qs))
	for i, q := range qs {
		items[i] = newQuestionItem(lc, q)
	}
	p := h.accountPage(r, lc, lc.T("qna.mine"), "/account/questions")
	h.render(w, r, lc, http.StatusOK, myQuestionsPage(p, items))
	return nil
}
