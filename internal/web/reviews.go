package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/review"
	"github.com/mallang/mallang/internal/security"
)

// Reviews is the product review service; *review.Service implements it.
type Reviews interface {
	Rules(ctx context.Context) review.Rules
	PageOf(ctx context.Context, productID int64, sum review.Summary, sort review.Sort, page int, viewer int64) (review.Page, error)
	Create(ctx context.Context, in review.CreateInput) (review.Review, error)
	Delete(ctx context.Context, userID, id int64) error
	Like(ctx context.Context, userID, id int64) error
	Mine(ctx context.Context, userID int64) ([]review.Review, error)
	ToWrite(ctx context.Context, userID int64) ([]review.Line, error)
	Line(ctx context.Context, userID, id int64) (review.Line, error)
}

// EnableReviews adds the reviews section of the product page, the like
// button and the account's 내 리뷰 and 작성할 리뷰 pages (after
// EnableAccounts).
func (h *Handler) EnableReviews(r Reviews) *Handler {
	if r == nil {
		panic("web: EnableReviews without the review service")
	}
	h.reviews = r
	return h
}

func (h *Handler) registerReviews(mux *http.ServeMux) {
	s := h.private
	mux.Handle("POST /reviews/{id}/like", s(h.signedIn(h.likeReview)))
	mux.Handle("GET /account/reviews", s(h.signedIn(h.myReviews)))
	mux.Handle("POST /account/reviews/delete/{id}", s(h.signedIn(h.deleteReview)))
	mux.Handle("GET /account/reviews/write", s(h.signedIn(h.reviewsToWrite)))
	mux.Handle("GET /account/reviews/write/{line}", s(h.signedIn(h.reviewForm)))
	mux.Handle("POST /account/reviews/write/{line}", security.Limit(review.MaxRequestBytes, h.tooLarge, s(h.signedIn(h.reviewSubmit))))
}

// stars is an average in hundredths of a star with one decimal ("4.5").
func stars(avg int64) string {
	return strconv.FormatInt(avg/100, 10) + "." + strconv.FormatInt(avg%100/10, 10)
}

// reviewItem is a review as the pages show it.
type reviewItem struct {
	ID                   int64
	Author, Date, Rating string
	Stars                int
	Body                 string
	Product, ProductURL  string
	Photos               []reviewPhoto
	Likes                string
	Points               string // "적립금 500원" when it earned points
	Hidden               string // the staff's reason when hidden
	Deletable            bool
}

// reviewPhoto is a photo's thumbnail and full-size addresses.
type reviewPhoto struct{ Thumb, Full string }

func newReviewItem(lc *locale, r review.Review) reviewItem {
	it := reviewItem{ID: r.ID, Author: r.Author, Date: lc.Date(r.CreatedAt), Stars: r.Rating,
		Rating: lc.F("review.stars", r.Rating), Body: r.Body, Product: r.ProductName, ProductURL: productURL(r.ProductID),
		Likes: lc.F("review.likes", r.Likes), Deletable: r.Points == 0}
	if r.Options != "" {
		it.Product += " · " + r.Options
	}
	if r.Points > 0 {
		it.Points = lc.F("review.earned", lc.Points(r.Points))
	}
	if r.Hidden {
		it.Hidden = lc.F("review.hidden", r.HiddenReason)
	}
	for _, p := range r.Photos {
		full := media.URLPrefix + p.Key
		thumb := full
		if p.ThumbsReady {
			thumb = media.URLPrefix + media.ThumbKey(p.Key, media.Small)
		}
		it.Photos = append(it.Photos, reviewPhoto{Thumb: thumb, Full: full})
	}
	return it
}

// reviewSection is the product page's reviews: the figures, a page of
// reviews in the chosen order and the links to the others.
type reviewSection struct {
	Count, Average string
	Has            bool
	Notice         string
	Sorts          []link
	Items          []reviewItem
	Prev, Next     string
	PageOf         string
}

// productReviews loads the reviews section of product id, whose row gave
// the review figures sum, for the page r asks (rsort, rpage); nil when the shop
// has no reviews service.
func (h *Handler) productReviews(r *http.Request, lc *locale, id int64, sum review.Summary) (*reviewSection, error) {
	if h.reviews == nil {
		return nil, nil
	}
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("rpage"))
	pg := review.Page{Page: 1, Pages: 1, Sort: review.ParseSort(q.Get("rsort"))}
	if sum.Count > 0 { // the product's row counts its visible reviews: with none, there is nothing to read
		var err error
		if pg, err = h.reviews.PageOf(r.Context(), id, sum, pg.Sort, page, 0); err != nil {
			return nil, err
		}
	}
	base := productURL(id)
	at := func(s review.Sort, n int) string {
		return fmt.Sprintf("%s?rsort=%s&rpage=%d#reviews", base, s, n)
	}
	v := &reviewSection{Has: pg.Count > 0, Count: lc.F("review.count", pg.Count), Average: stars(pg.Average),
		PageOf: lc.F("review.page", pg.Page, pg.Pages)}
	switch q.Get("rl") {
	case "ok":
		v.Notice = lc.T("review.like.done")
	case "dup":
		v.Notice = lc.T("review.like.again")
	case "own":
		v.Notice = lc.T("review.like.own")
	}
	for _, s := range []review.Sort{review.SortNewest, review.SortRating, review.SortLikes} {
		l := link{Label: lc.T("review.sort." + string(s)), URL: at(s, 1)}
		if s == pg.Sort {
			l.URL = ""
		}
		v.Sorts = append(v.Sorts, l)
	}
	for _, rv := range pg.Reviews {
		v.Items = append(v.Items, newReviewItem(lc, rv))
	}
	if pg.Page > 1 {
		v.Prev = at(pg.Sort, pg.Page-1)
	}
	if pg.Page < pg.Pages {
		v.Next = at(pg.Sort, pg.Page+1)
	}
	return v, nil
}

// likeReview records the customer's like and goes back to the product's
// reviews, saying what happened.
func (h *Handler) likeReview(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fault.ErrNotFound
	}
	product, err := strconv.ParseInt(r.PostFormValue("product"), 10, 64)
	if err != nil {
		return fault.ErrNotFound
	}
	res := "ok"
	switch err := h.reviews.Like(r.Context(), u.ID, id); {
	case errors.Is(err, review.ErrLiked):
		res = "dup"
	case errors.Is(err, review.ErrOwn):
		res = "own"
	case err != nil:
		return err
	}
	http.Redirect(w, r, productURL(product)+"?rl="+res+"#reviews", http.StatusSeeOther)
	return nil
}

// myReviewsView is 내 리뷰.
type myReviewsView struct {
	Flash string
	Items []reviewItem
}

func (h *Handler) myReviews(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	rs, err := h.reviews.Mine(r.Context(), u.ID)
	if err != nil {
		return err
	}
	v := &myReviewsView{Flash: h.sessions.PopString(r.Context(), flashKey)}
	for _, rv := range rs {
		v.Items = append(v.Items, newReviewItem(lc, rv))
	}
	p := h.accountPage(r, lc, lc.T("review.mine"), "/account/reviews")
	h.render(w, r, lc, http.StatusOK, myReviewsPage(p, v))
	return nil
}

func (h *Handler) deleteReview(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fault.ErrNotFound
	}
	switch err := h.reviews.Delete(r.Context(), u.ID, id); {
	case errors.Is(err, review.ErrEarned):
		h.sessions.Put(r.Context(), flashKey, lc.T("review.delete.earned"))
	case err != nil:
		return err
	default:
		h.sessions.Put(r.Context(), flashKey, lc.T("review.deleted"))
	}
	http.Redirect(w, r, "/account/reviews", http.StatusSeeOther)
	return nil
}

// toWriteItem is a line waiting for its review.
type toWriteItem struct {
	Product, Order, Delivered, URL string
}

func (h *Handler) reviewsToWrite(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	ls, err := h.reviews.ToWrite(r.Context(), u.ID)
	if err != nil {
		return err
	}
	var items []toWriteItem
	for _, l := range ls {
		it := toWriteItem{Product: l.ProductName, Order: l.Number, URL: "/account/reviews/write/" + strconv.FormatInt(l.ID, 10)}
		if l.Options != "" {
			it.Product += " · " + l.Options
		}
		if !l.DeliveredAt.IsZero() {
			it.Delivered = lc.F("review.delivered", lc.Date(l.DeliveredAt))
		}
		items = append(items, it)
	}
	p := h.accountPage(r, lc, lc.T("review.towrite"), "/account/reviews/write")
	h.render(w, r, lc, http.StatusOK, reviewsToWritePage(p, items, h.rewardHint(r.Context(), lc)))
	return nil
}

// rewardHint says what a review earns, "" when nothing.
func (h *Handler) rewardHint(ctx context.Context, lc *locale) string {
	rules := h.reviews.Rules(ctx)
	if rules.TextPoints == 0 && rules.PhotoPoints == 0 {
		return ""
	}
	return lc.F("review.reward", lc.Points(rules.TextPoints), lc.Points(rules.PhotoPoints))
}

// reviewFormView is the form of a review of one line.
type reviewFormView struct {
	Action, Product, Hint string
	Rating                string
	Body                  string
	Error                 string
	Fields                map[string]string
}

func (h *Handler) reviewForm(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	l, err := h.reviewLine(r, u)
	if err != nil {
		return err
	}
	return h.renderReviewForm(w, r, lc, h.newReviewForm(r.Context(), lc, l), http.StatusOK)
}

// reviewLine is the line of the path's {line} the customer may review:
// one not delivered or reviewed already is not found here.
func (h *Handler) reviewLine(r *http.Request, u account.User) (review.Line, error) {
	id, err := strconv.ParseInt(r.PathValue("line"), 10, 64)
	if err != nil {
		return review.Line{}, fault.ErrNotFound
	}
	l, err := h.reviews.Line(r.Context(), u.ID, id)
	if errors.Is(err, review.ErrNotDelivered) || errors.Is(err, review.ErrReviewed) {
		return review.Line{}, fmt.Errorf("%w: %w", fault.ErrNotFound, err)
	}
	return l, err
}

func (h *Handler) newReviewForm(ctx context.Context, lc *locale, l review.Line) *reviewFormView {
	v := &reviewFormView{Action: "/account/reviews/write/" + strconv.FormatInt(l.ID, 10), Product: l.ProductName,
		Hint: h.rewardHint(ctx, lc), Rating: "5", Fields: map[string]string{}}
	if l.Options != "" {
		v.Product += " · " + l.Options
	}
	return v
}

func (h *Handler) renderReviewForm(w http.ResponseWriter, r *http.Request, lc *locale, v *reviewFormView, status int) error {
	p := h.accountPage(r, lc, lc.T("review.write"), "/account/reviews/write")
	h.render(w, r, lc, status, reviewFormPage(p, v))
	return nil
}

func (h *Handler) reviewSubmit(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	if err := r.ParseMultipartForm(maxReturnMemory); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return fmt.Errorf("%w: %w", errBadForm, err)
	} else if err != nil {
		if err := parseForm(r); err != nil {
			return err
		}
	}
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }()
	}
	l, err := h.reviewLine(r, u)
	if err != nil {
		return err
	}
	rating, _ := strconv.Atoi(r.PostFormValue("rating"))
	in := review.CreateInput{UserID: u.ID, LineID: l.ID, Rating: rating, Body: r.PostFormValue("body")}
	photos, err := formPhotos(r, review.MaxPhotos, review.MaxPhotoSize)
	if err != nil {
		return err
	}
	for _, data := range photos {
		in.Photos = append(in.Photos, review.Upload{Data: data})
	}
	rv, err := h.reviews.Create(r.Context(), in)
	if err == nil {
		msg := lc.T("review.saved")
		if rv.Points > 0 {
			msg = lc.F("review.saved.points", lc.Points(rv.Points))
		}
		h.sessions.Put(r.Context(), flashKey, msg)
		http.Redirect(w, r, "/account/reviews", http.StatusSeeOther)
		return nil
	}
	inv, ok := fault.AsInvalid(err)
	if !ok {
		return err
	}
	v := h.newReviewForm(r.Context(), lc, l)
	v.Rating, v.Body, v.Error = r.PostFormValue("rating"), in.Body, lc.T("ret.fix")
	for k, m := range inv.Fields {
		v.Fields[k] = reviewFieldText(lc, k, m)
	}
	return h.renderReviewForm(w, r, lc, v, http.StatusUnprocessableEntity)
}

// reviewFieldText is the page's message for the service's message m on k.
func reviewFieldText(lc *locale, k, m string) string {
	switch {
	case k == "rating":
		return lc.T("review.f.rating")
	case k == "body" && strings.Contains(m, "at least"):
		return lc.F("review.f.short", review.MinBody)
	case k == "body" && strings.Contains(m, "at most"):
		return lc.F("review.f.long", review.MaxBody)
	case k == "photos" && strings.Contains(m, "larger than"):
		return lc.F("ret.photo.big", review.MaxPhotoSize>>20)
	case k == "photos" && strings.Contains(m, "at most"):
		return lc.F("ret.photo.many", review.MaxPhotos)
	case k == "photos":
		return lc.T("ret.photo.type")
	}
	return lc.T(m)
}

// reviewText lists the texts of reviews.
func reviewText() []msg {
	return []msg{
		{key: "review.card", ko: "%[1]v (리뷰 %[2]v)", en: "%[1]v (%[2]v reviews)"},
		{key: "review.section", ko: "상품 리뷰", en: "Reviews"},
		{key: "review.count", ko: "리뷰 %[1]v개", en: "%[1]v reviews"},
		{key: "review.none", ko: "아직 리뷰가 없습니다. 구매하신 분은 첫 리뷰를 남겨 주세요.", en: "No reviews yet. If you bought it, be the first to review it."},
		{key: "review.average", ko: "평균 별점", en: "Average rating"},
		{key: "review.stars", ko: "별점 %[1]v점", en: "%[1]v of 5 stars"},
		{key: "review.likes", ko: "도움돼요 %[1]v", en: "Helpful %[1]v"},
		{key: "review.like", ko: "도움돼요", en: "Helpful"},
		{key: "review.like.done", ko: "리뷰에 공감했습니다.", en: "You found the review helpful."},
		{key: "review.like.again", ko: "이미 공감한 리뷰입니다.", en: "You already found this review helpful."},
		{key: "review.like.own", ko: "내가 쓴 리뷰에는 공감할 수 없습니다.", en: "You cannot like your own review."},
		{key: "review.sort.newest", ko: "최신순", en: "Newest"},
		{key: "review.sort.rating", ko: "별점순", en: "Highest rating"},
		{key: "review.sort.likes", ko: "도움순", en: "Most helpful"},
		{key: "review.page", ko: "%[1]v / %[2]v쪽", en: "Page %[1]v of %[2]v"},
		{key: "review.prev", ko: "이전 리뷰", en: "Previous"},
		{key: "review.next", ko: "다음 리뷰", en: "Next"},
		{key: "review.photo", ko: "리뷰 사진", en: "Review photo"},
		{key: "review.mine", ko: "내 리뷰", en: "My reviews"},
		{key: "review.mine.none", ko: "작성한 리뷰가 없습니다.", en: "You have not written any reviews."},
		{key: "review.towrite", ko: "작성할 리뷰", en: "Reviews to write"},
		{key: "review.towrite.none", ko: "리뷰를 작성할 상품이 없습니다.", en: "Nothing is waiting for your review."},
		{key: "review.write", ko: "리뷰 쓰기", en: "Write a review"},
		{key: "review.delivered", ko: "%[1]v 배송 완료", en: "Delivered %[1]v"},
		{key: "review.reward", ko: "리뷰를 쓰시면 적립금 %[1]v, 사진과 함께 쓰시면 %[2]v을(를) 드립니다.", en: "A review earns %[1]v points, a review with photos %[2]v."},
		{key: "review.earned", ko: "적립금 %[1]v 지급", en: "Earned %[1]v points"},
		{key: "review.hidden", ko: "운영 정책에 따라 숨겨진 리뷰입니다 (사유: %[1]v).", en: "Hidden by the shop (reason: %[1]v)."},
		{key: "review.delete", ko: "삭제", en: "Delete"},
		{key: "review.deleted", ko: "리뷰를 삭제했습니다.", en: "The review is deleted."},
		{key: "review.delete.earned", ko: "적립금을 받은 리뷰는 삭제할 수 없습니다.", en: "A review that earned points cannot be deleted."},
		{key: "review.rating", ko: "별점", en: "Rating"},
		{key: "review.rating.n", ko: "%[1]v점", en: "%[1]v stars"},
		{key: "review.body", ko: "리뷰 내용", en: "Your review"},
		{key: "review.body.hint", ko: "%[1]v자 이상 %[2]v자 이하로 써 주세요.", en: "From %[1]v to %[2]v characters."},
		{key: "review.photos", ko: "사진 (최대 %[1]v장)", en: "Photos (up to %[1]v)"},
		{key: "review.submit", ko: "리뷰 등록", en: "Post review"},
		{key: "review.saved", ko: "리뷰를 등록했습니다.", en: "Your review is posted."},
		{key: "review.saved.points", ko: "리뷰를 등록했습니다. 적립금 %[1]v을(를) 드렸습니다.", en: "Your review is posted and earned %[1]v points."},
		{key: "review.f.rating", ko: "별점을 1점에서 5점 사이로 골라 주세요.", en: "Choose from 1 to 5 stars."},
		{key: "review.f.short", ko: "리뷰를 %[1]v자 이상 써 주세요.", en: "Write at least %[1]v characters."},
		{key: "review.f.long", ko: "리뷰는 %[1]v자까지 쓸 수 있습니다.", en: "Write at most %[1]v characters."},
	}
}
