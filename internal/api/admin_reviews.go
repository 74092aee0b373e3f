package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/review"
)

// ReviewModeration is what staff do to reviews; *review.Service implements
// it.
type ReviewModeration interface {
	Hide(ctx context.Context, id int64, by audit.Actor, reason string) (review.Review, error)
	Show(ctx context.Context, id int64, by audit.Actor) (review.Review, error)
}

type reviewIDInput struct {
	ID int64 `path:"id" minimum:"1" doc:"The review's id." example:"12"`
}

type hideReviewInput struct {
	ID   int64 `path:"id" minimum:"1" doc:"The review's id." example:"12"`
	Body struct {
		Reason string `json:"reason" maxLength:"1000" doc:"Why the review is hidden, mailed to its author; required, at most 200 characters." example:"광고성 내용이 있어 숨깁니다."`
	}
}

// registerAdminReviews adds the staff's hide and show operations under
// /api/v1/admin/reviews, behind the content scope (the back office's
// reviews section asks for the same permission).
func (o *reviewOps) registerAdminReviews(m ReviewModeration) {
	staff := func(id, path, summary, desc string, errs ...int) huma.Operation {
		return o.a.staffOp(huma.Operation{OperationID: id, Method: http.MethodPost, Path: Prefix + "/admin/reviews/{id}" + path,
			Summary: summary, Description: "For staff with the content permission, with a staff token carrying the content scope " +
				"(any other token gets 403). " + desc, Errors: append([]int{http.StatusForbidden, http.StatusNotFound}, errs...)}, account.PermContent)
	}
	huma.Register(o.a.huma, staff("hide-review", "/hide", "Hide a review",
		"Takes the review off its product and the product's rating; the author is mailed the reason. Audited. "+
			"409 when it is hidden already; 422 naming body.reason.", http.StatusConflict, http.StatusUnprocessableEntity),
		func(ctx context.Context, in *hideReviewInput) (*reviewOutput, error) {
			by, err := contentStaff(ctx)
			if err != nil {
				return nil, err
			}
			r, err := m.Hide(ctx, in.ID, by, in.Body.Reason)
			if err != nil {
				return nil, o.a.fieldProblem(ctx, err, map[string]string{"reason": "body.reason"}, "body")
			}
			return &reviewOutput{Body: newReview(r)}, nil
		})
	huma.Register(o.a.huma, staff("show-review", "/show", "Show a hidden review again",
		"Puts a hidden review back on its product and the product's rating and clears the reason. Audited; the author "+
			"is not mailed. 409 when it is not hidden.", http.StatusConflict),
		func(ctx context.Context, in *reviewIDInput) (*reviewOutput, error) {
			by, err := contentStaff(ctx)
			if err != nil {
				return nil, err
			}
			r, err := m.Show(ctx, in.ID, by)
			if err != nil {
				return nil, o.a.problem(ctx, err, "path")
			}
			return &reviewOutput{Body: newReview(r)}, nil
		})
}

// contentStaff is the signed-in staff member of ctx, once their token's
// content scope is checked.
func contentStaff(ctx context.Context) (audit.Actor, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return audit.Actor{}, err
	}
	if err := needScope(ctx, account.PermContent); err != nil {
		return audit.Actor{}, err
	}
	return apiActor(ctx, u), nil
}
