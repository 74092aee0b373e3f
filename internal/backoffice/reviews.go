package backoffice

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/review"
)

// The reviews section (상품 리뷰): the customers' reviews, newest first,
// visible or hidden, and hiding one with a reason that its author is
// mailed. Behind account.PermContent, the permission over what the shop
// shows customers ("pages, banners, reviews"): the least that lets staff
// moderate reviews without reaching orders or customers' data. The review
// service writes the audit entry and the mail in the hiding's transaction.

// Reviews is what the back office needs of the review service;
// *review.Service implements it.
type Reviews interface {
	List(ctx context.Context, f review.Filter) ([]review.Review, error)
	Hide(ctx context.Context, id int64, by audit.Actor, reason string) (review.Review, error)
	Show(ctx context.Context, id int64, by audit.Actor) (review.Review, error)
}

// registerReviews adds the reviews section.
func (h *Handler) registerReviews(mux Router) {
	p, s := h.cfg.Path, h.withSession
	content := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermContent, next))) }
	mux.Handle("GET "+p+"/reviews", content(h.reviewsList))
	mux.Handle("POST "+p+"/reviews/{id}/hide", content(h.hideReview))
	mux.Handle("POST "+p+"/reviews/{id}/show", content(h.showReview))
}

// reviewSections adds the reviews section to the menu for u.
func (h *Handler) reviewSections(u account.User, add func(key, path, hint string)) {
	if u.Can(account.PermContent) {
		add("reviews", "/reviews", "dash.reviews")
	}
}

// reviewRow is one review in the list.
type reviewRow struct {
	ID                                        int64
	HideURL, ShowURL, Product, ProductURL     string
	Author                                    string
	Rating, Body, Written, Likes, Points, Why string
	Photos                                    []string
}

// reviewsView is the list with its filter and the outcome of a hiding.
type reviewsView struct {
	Base          string
	Hidden        bool
	Filters       []option
	Rows          []reviewRow
	Notice, Error string
	// ErrorID is the review whose reason was wrong, ErrorText why.
	ErrorID   int64
	ErrorText string
}

func (h *Handler) reviewsList(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showReviews(w, r, m, u, http.StatusOK, reviewsView{Hidden: r.URL.Query().Get("show") == "hidden"})
}

func (h *Handler) showReviews(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, v reviewsView) error {
	rs, err := h.deps.Reviews.List(r.Context(), review.Filter{Hidden: v.Hidden, Limit: review.MaxList})
	if err != nil {
		return err
	}
	v.Base = h.url("/reviews")
	v.Filters = []option{{Value: "", Label: m.T("rev.show.visible"), Selected: !v.Hidden},
		{Value: "hidden", Label: m.T("rev.show.hidden"), Selected: v.Hidden}}
	for _, rv := range rs {
		row := reviewRow{ID: rv.ID, HideURL: h.url("/reviews/" + strconv.FormatInt(rv.ID, 10) + "/hide"),
			ShowURL: h.url("/reviews/" + strconv.FormatInt(rv.ID, 10) + "/show"),
			Product: rv.ProductName, ProductURL: "/products/" + strconv.FormatInt(rv.ProductID, 10), Author: rv.Author,
			Rating: m.F("rev.stars", rv.Rating), Body: rv.Body, Written: m.Time(rv.CreatedAt), Likes: strconv.FormatInt(rv.Likes, 10),
			Points: m.Won(rv.Points), Why: rv.HiddenReason}
		for _, ph := range rv.Photos {
			row.Photos = append(row.Photos, media.URLPrefix+ph.Key)
		}
		v.Rows = append(v.Rows, row)
	}
	p := h.page(r, m, u, m.T("rev.title"), "reviews")
	p.Notice = v.Notice
	h.render(w, r, status, reviewsListPage(p, v))
	return nil
}

// hideReview hides the review as the signed-in staff member and shows the
// list again with what happened.
func (h *Handler) hideReview(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	_, err := h.deps.Reviews.Hide(r.Context(), id, staffActor(r, u), r.PostFormValue("reason"))
	if err == nil {
		h.log.InfoContext(r.Context(), "review hidden in the back office", "actor_id", u.ID, "review_id", id)
		return h.showReviews(w, r, m, u, http.StatusOK, reviewsView{Notice: m.T("rev.hidden.done")})
	}
	if inv, ok := fault.AsInvalid(err); ok {
		return h.showReviews(w, r, m, u, http.StatusUnprocessableEntity, reviewsView{Error: m.T("form.fix"), ErrorID: id,
			ErrorText: fieldText(m, inv.Fields["reason"])})
	}
	if errors.Is(err, review.ErrHidden) {
		return h.showReviews(w, r, m, u, http.StatusConflict, reviewsView{Error: m.T("rev.hidden.already")})
	}
	return err
}

// showReview shows a hidden review again as the signed-in staff member and
// lists the hidden reviews with what happened.
func (h *Handler) showReview(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	_, err := h.deps.Reviews.Show(r.Context(), id, staffActor(r, u))
	switch {
	case err == nil:
		h.log.InfoContext(r.Context(), "review shown again in the back office", "actor_id", u.ID, "review_id", id)
		return h.showReviews(w, r, m, u, http.StatusOK, reviewsView{Hidden: true, Notice: m.T("rev.shown.done")})
	case errors.Is(err, review.ErrShown):
		return h.showReviews(w, r, m, u, http.StatusConflict, reviewsView{Hidden: true, Error: m.T("rev.shown.already")})
	}
	return err
}

// reviewTexts are the reviews section's texts, {Korean, English}.
var reviewTexts = map[string][2]string{
	"nav.reviews":        {"상품 리뷰", "Reviews"},
	"dash.reviews":       {"고객이 쓴 상품 리뷰: 부적절한 리뷰는 사유와 함께 숨깁니다", "Customers' product reviews: hide an unsuitable one with a reason"},
	"rev.title":          {"상품 리뷰", "Product reviews"},
	"rev.show":           {"보기", "Show"},
	"rev.show.visible":   {"공개된 리뷰", "Visible reviews"},
	"rev.show.hidden":    {"숨긴 리뷰", "Hidden reviews"},
	"rev.none":           {"리뷰가 없습니다.", "No reviews."},
	"rev.product":        {"상품", "Product"},
	"rev.author":         {"작성자", "Author"},
	"rev.rating":         {"별점", "Rating"},
	"rev.stars":          {"%d점", "%d stars"},
	"rev.body":           {"내용", "Review"},
	"rev.written":        {"작성일", "Written"},
	"rev.likes":          {"도움돼요", "Helpful"},
	"rev.points":         {"적립금", "Points"},
	"rev.reason":         {"숨기는 사유", "Reason to hide"},
	"rev.why":            {"숨긴 사유", "Why hidden"},
	"rev.hide":           {"숨기기", "Hide"},
	"rev.hidden.done":    {"리뷰를 숨기고 작성자에게 메일로 알렸습니다.", "The review is hidden and its author was told by mail."},
	"rev.hidden.already": {"이미 숨겨진 리뷰입니다.", "The review is hidden already."},
	"rev.unhide":         {"다시 공개", "Show again"},
	"rev.shown.done":     {"리뷰를 다시 공개했습니다.", "The review is shown again."},
	"rev.shown.already":  {"이미 공개된 리뷰입니다.", "The review is visible already."},
}
