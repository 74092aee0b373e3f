package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/wishlist"
)

// Wishes is the wishlist (찜); *wishlist.Service implements it.
type Wishes interface {
	Add(ctx context.Context, userID, productID int64) (bool, error)
	Remove(ctx context.Context, userID, productID int64) (bool, error)
	List(ctx context.Context, userID int64, limit, offset int) ([]wishlist.Wish, error)
}

// Wish is one product on the customer's wishlist.
type Wish struct {
	ProductID int64     `json:"product_id" example:"42"`
	WishedAt  time.Time `json:"wished_at" doc:"When the product was wished (UTC)."`
}

// WishList is the customer's wishlist, the latest first.
type WishList struct {
	Items []Wish `json:"items" nullable:"false"`
}

type wishListOutput struct{ Body WishList }

type wishInput struct {
	ProductID int64 `path:"product_id" minimum:"1" doc:"The product's id." example:"42"`
}

// EnableWishlist adds the signed-in customer's wishlist under
// /api/v1/me/wishlist. Call it after EnableAccounts and before Register.
func (a *API) EnableWishlist(s Wishes) {
	if a.acc == nil || s == nil {
		panic("api: EnableWishlist needs EnableAccounts first, and the wishlist")
	}
	doc := a.huma.OpenAPI()
	doc.Tags = append(doc.Tags, &huma.Tag{Name: "Wishlist", Description: "The wishlist (찜): products the customer is mailed about when they come back in stock or their price falls."})
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "list-my-wishlist",
		Method:      http.MethodGet,
		Path:        Prefix + "/me/wishlist",
		Summary:     "List my wishlist",
		Description: "Returns the wished products' ids, the latest first (at most 100).",
	}, "Wishlist", true), func(ctx context.Context, _ *struct{}) (*wishListOutput, error) {
		u, err := signedIn(ctx)
		if err != nil {
			return nil, err
		}
		ws, err := s.List(ctx, u.ID, wishlist.MaxList, 0)
		if err != nil {
			return nil, a.problem(ctx, err, "query")
		}
		out := WishList{Items: make([]Wish, 0, len(ws))}
		for _, w := range ws {
			out.Items = append(out.Items, Wish{ProductID: w.ProductID, WishedAt: w.CreatedAt})
		}
		return &wishListOutput{Body: out}, nil
	})
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "wish-product",
		Method:      http.MethodPut,
		Path:        Prefix + "/me/wishlist/{product_id}",
		Summary:     "Wish a product",
		Description: "Puts the product on the wishlist. Wishing it again, or twice at once, changes nothing and answers the same. " +
			"404 for a product not on sale.",
		DefaultStatus: http.StatusNoContent,
		Errors:        []int{http.StatusNotFound},
	}, "Wishlist", true), func(ctx context.Context, in *wishInput) (*struct{}, error) {
		u, err := signedIn(ctx)
		if err != nil {
			return nil, err
		}
		if _, err := s.Add(ctx, u.ID, in.ProductID); err != nil {
			return nil, a.problem(ctx, err, "path")
		}
		return nil, nil
	})
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID:   "unwish-product",
		Method:        http.MethodDelete,
		Path:          Prefix + "/me/wishlist/{product_id}",
		Summary:       "Take a product off the wishlist",
		Description:   "Removes the product from the wishlist; one that is not on it changes nothing.",
		DefaultStatus: http.StatusNoContent,
	}, "Wishlist", true), func(ctx context.Context, in *wishInput) (*struct{}, error) {
		u, err := signedIn(ctx)
		if err != nil {
			return nil, err
		}
		if _, err := s.Remove(ctx, u.ID, in.ProductID); err != nil {
			return nil, a.problem(ctx, err, "path")
		}
		return nil, nil
	})
}
