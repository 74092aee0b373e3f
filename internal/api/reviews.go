package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/review"
)

// Reviews is the product review service; *review.Service implements it.
type Reviews interface {
	ForProduct(ctx context.Context, productID int64, sort review.Sort, page int, viewer int64) (review.Page, error)
	Create(ctx context.Context, in review.CreateInput) (review.Review, error)
	Mine(ctx context.Context, userID int64) ([]review.Review, error)
	ToWrite(ctx context.Context, userID int64) ([]review.Line, error)
	ReviewModeration
}

// Review is a customer's review of a product they bought.
type Review struct {
	ID        int64     `json:"id" example:"12"`
	ProductID int64     `json:"product_id" example:"3"`
	LineID    int64     `json:"line_id" doc:"The order line reviewed." example:"41"`
	Author    string    `json:"author" doc:"The author's name, masked." example:"김**"`
	Product   string    `json:"product" doc:"The product's name as ordered, with its options." example:"다크초콜릿세트"`
	Rating    int       `json:"rating" minimum:"1" maximum:"5" example:"5"`
	Body      string    `json:"body" example:"진하고 맛있어요."`
	Photos    []string  `json:"photos" nullable:"false" doc:"The photos' addresses." example:"[\"/media/reviews/3f/3fa9.png\"]"`
	Likes     int64     `json:"likes" example:"3"`
	Points    int64     `json:"points" doc:"Points the review earned; a review with points cannot be deleted by its author." example:"500"`
	Hidden    bool      `json:"hidden" doc:"Hidden by the shop; only its author sees it, with the reason."`
	Reason    string    `json:"hidden_reason,omitempty" doc:"Why the shop hid it."`
	CreatedAt time.Time `json:"created_at"`
}

func newReview(r review.Review) Review {
	out := Review{ID: r.ID, ProductID: r.ProductID, LineID: r.LineID, Author: r.Author, Product: r.ProductName, Rating: r.Rating,
		Body: r.Body, Photos: make([]string, 0, len(r.Photos)), Likes: r.Likes, Points: r.Points, Hidden: r.Hidden,
		Reason: r.HiddenReason, CreatedAt: r.CreatedAt.UTC()}
	if r.Options != "" {
		out.Product += " · " + r.Options
	}
	for _, p := range r.Photos {
		out.Photos = append(out.Photos, media.URLPrefix+p.Key)
	}
	return out
}

// ReviewPage is a page of a product's reviews with its figures.
type ReviewPage struct {
	Count   int64    `json:"count" doc:"Number of the product's visible reviews." example:"12"`
	Rating  int64    `json:"rating" doc:"Their average rating in hundredths of a star (450 is 4.5); 0 without reviews." example:"450"`
	Page    int      `json:"page" example:"1"`
	Pages   int      `json:"pages" example:"2"`
	Reviews []Review `json:"reviews" nullable:"false"`
}

// ReviewLine is an order line waiting for its review.
type ReviewLine struct {
	LineID      int64      `json:"line_id" example:"41"`
	OrderNumber string     `json:"order_number" example:"20261130-K7QX2M9A"`
	ProductID   int64      `json:"product_id" example:"3"`
	Product     string     `json:"product" example:"다크초콜릿세트"`
	DeliveredAt *time.Time `json:"delivered_at" doc:"When the order was delivered."`
}

type productReviewsInput struct {
	ID   int64  `path:"id" minimum:"1" example:"3"`
	Sort string `query:"sort" enum:"newest,rating,likes" default:"newest" doc:"newest first, highest rating first, or most liked first."`
	Page int    `query:"page" minimum:"1" default:"1"`
}

type reviewPageOutput struct{ Body ReviewPage }

type reviewsOutput struct{ Body []Review }

type reviewLinesOutput struct{ Body []ReviewLine }

type reviewOutput struct{ Body Review }

type createReviewInput struct {
	Body struct {
		LineID int64    `json:"line_id" minimum:"1" doc:"The delivered order line to review." example:"41"`
		Rating int      `json:"rating" doc:"1 to 5 stars." example:"5"`
		Body   string   `json:"body" doc:"10 to 2,000 characters." example:"진하고 맛있어요. 또 살게요."`
		Photos [][]byte `json:"photos,omitempty" maxItems:"5" doc:"Up to five photos (JPEG, PNG, GIF or WebP, at most 5 MB each), base64."`
	}
}

// reviewOps serves the review operations over s.
type reviewOps struct {
	a *API
	s Reviews
}

// EnableReviews adds the public GET /api/v1/products/{id}/reviews, the
// signed-in customer's reviews under /api/v1/me/reviews and the staff's
// hide and show under /api/v1/admin/reviews. Call it after
// EnableAccounts and before Register.
func (a *API) EnableReviews(s Reviews) {
	if a.acc == nil || s == nil {
		panic("api: EnableReviews needs EnableAccounts first, and the review service")
	}
	o := &reviewOps{a: a, s: s}
	doc := a.huma.OpenAPI()
	doc.Tags = append(doc.Tags, &huma.Tag{Name: "Reviews", Description: "Product reviews: customers review what was delivered to them, once per order line, and earn points."})
	huma.Register(a.huma, huma.Operation{
		OperationID:  "list-product-reviews",
		Method:       http.MethodGet,
		Path:         Prefix + "/products/{id}/reviews",
		Summary:      "List a product's reviews",
		Description:  "Returns the product's review count and average with one page of its visible reviews (10 a page). A page past the last gives the last; 404 for an id no product has.",
		Tags:         []string{"Reviews"},
		MaxBodyBytes: maxBodyBytes,
		// Likes and new reviews change it at any moment.
		Middlewares: huma.Middlewares{noStore},
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, o.productReviews)
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "list-my-reviews",
		Method:      http.MethodGet,
		Path:        Prefix + "/me/reviews",
		Summary:     "List my reviews",
		Description: "Returns the signed-in customer's reviews, newest first, hidden ones too with the shop's reason.",
	}, "Reviews", true), o.mine)
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "list-reviews-to-write",
		Method:      http.MethodGet,
		Path:        Prefix + "/me/reviews/to-write",
		Summary:     "List what I can review",
		Description: "Returns the signed-in customer's delivered or confirmed order lines not yet reviewed, newest order first.",
	}, "Reviews", true), o.toWrite)
	op := a.accountOp(huma.Operation{
		OperationID: "create-review",
		Method:      http.MethodPost,
		Path:        Prefix + "/me/reviews",
		Summary:     "Review a delivered item",
		Description: "Reviews one of the signed-in customer's delivered or confirmed order lines, once, and credits the points " +
			"the shop gives for it (more with photos) in the same transaction. Returns 201 with the review. Refusals: 422 " +
			"naming body.rating, body.body or body.photos; 404 for a line that is not the customer's; 409 when the line is " +
			"not delivered or is reviewed already (two requests at once: one is taken and earns the points).",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, "Reviews", true)
	op.MaxBodyBytes = review.MaxRequestBytes
	huma.Register(a.huma, op, o.create)
	o.registerAdminReviews(s)
	documentErrorHeaders(doc)
	a.renderSpec()
}

func (o *reviewOps) productReviews(ctx context.Context, in *productReviewsInput) (*reviewPageOutput, error) {
	pg, err := o.s.ForProduct(ctx, in.ID, review.ParseSort(in.Sort), in.Page, 0)
	if err != nil {
		return nil, o.a.problem(ctx, err, "path")
	}
	out := ReviewPage{Count: pg.Count, Rating: pg.Average, Page: pg.Page, Pages: pg.Pages, Reviews: make([]Review, 0, len(pg.Reviews))}
	for _, r := range pg.Reviews {
		out.Reviews = append(out.Reviews, newReview(r))
	}
	return &reviewPageOutput{Body: out}, nil
}

func (o *reviewOps) mine(ctx context.Context, _ *struct{}) (*reviewsOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := o.s.Mine(ctx, u.ID)
	if err != nil {
		return nil, o.a.problem(ctx, err, "query")
	}
	out := &reviewsOutput{Body: make([]Review, 0, len(rs))}
	for _, r := range rs {
		out.Body = append(out.Body, newReview(r))
	}
	return out, nil
}

func (o *reviewOps) toWrite(ctx context.Context, _ *struct{}) (*reviewLinesOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	ls, err := o.s.ToWrite(ctx, u.ID)
	if err != nil {
		return nil, o.a.problem(ctx, err, "query")
	}
	out := &reviewLinesOutput{Body: make([]ReviewLine, 0, len(ls))}
	for _, l := range ls {
		rl := ReviewLine{LineID: l.ID, OrderNumber: l.Number, ProductID: l.ProductID, Product: l.ProductName}
		if l.Options != "" {
			rl.Product += " · " + l.Options
		}
		if !l.DeliveredAt.IsZero() {
			t := l.DeliveredAt.UTC()
			rl.DeliveredAt = &t
		}
		out.Body = append(out.Body, rl)
	}
	return out, nil
}

func (o *reviewOps) create(ctx context.Context, in *createReviewInput) (*reviewOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	ups := make([]review.Upload, len(in.Body.Photos))
	for i, p := range in.Body.Photos {
		ups[i] = review.Upload{Data: p}
	}
	r, err := o.s.Create(ctx, review.CreateInput{UserID: u.ID, LineID: in.Body.LineID, Rating: in.Body.Rating, Body: in.Body.Body, Photos: ups})
	switch {
	case errors.Is(err, review.ErrNotDelivered):
		return nil, newProblem(http.StatusConflict, "Only a delivered or confirmed item can be reviewed.")
	case errors.Is(err, review.ErrReviewed):
		return nil, newProblem(http.StatusConflict, "This item is reviewed already.")
	case err != nil:
		return nil, o.a.problem(ctx, err, "body")
	}
	return &reviewOutput{Body: newReview(r)}, nil
}
