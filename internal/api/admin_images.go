package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/security"
)

// Images is what the admin API needs to manage product images;
// *catalog.Images implements it.
type Images interface {
	List(ctx context.Context, productID int64) (catalog.ProductImages, error)
	Add(ctx context.Context, by audit.Actor, productID int64, files []*media.Staged) ([]catalog.Image, error)
	Reorder(ctx context.Context, by audit.Actor, productID int64, ids []int64) error
	SetMain(ctx context.Context, by audit.Actor, productID, imageID int64) error
	SetAlt(ctx context.Context, by audit.Actor, productID, imageID int64, alt string) error
	Delete(ctx context.Context, by audit.Actor, productID, imageID int64) error
}

// ProductImage is one of a product's images, in its order; the first is
// the main image listings show.
type ProductImage struct {
	ID          int64  `json:"id" example:"12"`
	Position    int    `json:"position" doc:"1 for the main image, then in order." example:"1"`
	URL         string `json:"url" doc:"The original's address." example:"https://shop.example.com/media/products/3f/3fa9.png"`
	ContentType string `json:"content_type" example:"image/png"`
	Width       int    `json:"width" example:"1200"`
	Height      int    `json:"height" example:"800"`
	Alt         string `json:"alt" example:"흰색 티셔츠 앞면"`
	Main        bool   `json:"main"`
}

type productImagesOutput struct {
	Body []ProductImage
}

type productIDInput struct {
	ID int64 `path:"id" minimum:"1" doc:"The product's id." example:"3"`
}

type productImageInput struct {
	ID      int64 `path:"id" minimum:"1" doc:"The product's id." example:"3"`
	ImageID int64 `path:"image_id" minimum:"1" doc:"The image's id." example:"12"`
}

type imageOrderInput struct {
	ID   int64 `path:"id" minimum:"1" doc:"The product's id." example:"3"`
	Body struct {
		ImageIDs []int64 `json:"image_ids" doc:"Every image of the product once, in the new order; the first becomes the main image." example:"[12, 10, 11]"`
	}
}

type imageAltInput struct {
	ID      int64 `path:"id" minimum:"1" doc:"The product's id." example:"3"`
	ImageID int64 `path:"image_id" minimum:"1" doc:"The image's id." example:"12"`
	Body    struct {
		Alt string `json:"alt" maxLength:"200" doc:"Read to those who cannot see the image." example:"흰색 티셔츠 앞면"`
	}
}

type requestKey struct{}

// withRequest hands the handler the raw request, for the upload that reads
// its body part by part itself.
func withRequest(ctx huma.Context, next func(huma.Context)) {
	r, _ := humago.Unwrap(ctx)
	next(huma.WithValue(ctx, requestKey{}, r))
}

// EnableImages adds the staff's product image endpoints
// (/api/v1/admin/products/{id}/images…), behind the catalog scope. Call it
// before Register.
func (a *API) EnableImages(im Images) {
	if a.acc == nil || im == nil {
		panic("api: EnableImages needs EnableAccounts first, and Images")
	}
	a.img = im
	staff := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return a.staffOp(huma.Operation{OperationID: id, Method: method, Path: Prefix + "/admin/products/{id}/images" + path,
			Summary: summary, Description: "For staff with the catalog permission, with a staff token carrying the catalog " +
				"scope (any other token gets 403). " + desc, Errors: append([]int{http.StatusForbidden, http.StatusNotFound}, errs...)},
			account.PermCatalog)
	}
	huma.Register(a.huma, staff("list-product-images", http.MethodGet, "", "List a product's images",
		"Returns the images in their order; the first is the main image."), a.listProductImages)

	up := staff("upload-product-images", http.MethodPost, "", "Upload product images",
		fmt.Sprintf("Adds the files of the multipart/form-data field images (several at once) as the product's last images, "+
			"in order, and returns all its images (201). Only JPEG, PNG, WebP and GIF, told by their bytes; at most %d MB a "+
			"file, %d files and %d MB a request (a larger declared body gets 413 before it is read). When any file is "+
			"refused (422, one error per file at body.images[i] naming it) or the body is cut off (400), nothing is stored.",
			media.MaxImageBytes>>20, media.MaxUploadFiles, media.MaxUploadBytes>>20),
		http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity)
	up.MaxBodyBytes = media.MaxUploadBytes
	up.DefaultStatus = http.StatusCreated
	up.Middlewares = append(up.Middlewares, withRequest)
	huma.Register(a.huma, up, a.uploadProductImages)
	// The body is documented only after registering: declared before, huma
	// would read and parse it itself, whole, instead of the handler part
	// by part.
	a.huma.OpenAPI().Paths[up.Path].Post.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"multipart/form-data": {Schema: &huma.Schema{Type: huma.TypeObject, Required: []string{"images"}, Properties: map[string]*huma.Schema{
			"images": {Type: huma.TypeArray, Items: &huma.Schema{Type: huma.TypeString, Format: "binary"}},
		}}},
	}}

	huma.Register(a.huma, staff("order-product-images", http.MethodPut, "/order", "Order a product's images",
		"Puts the images in the order of image_ids, which must name each of the product's images once (else 422 at "+
			"body.image_ids); the first becomes the main image. Returns the images.", http.StatusUnprocessableEntity), a.orderProductImages)
	huma.Register(a.huma, staff("set-main-product-image", http.MethodPost, "/{image_id}/main", "Make an image the main one",
		"Moves the image first, keeping the others in their order. Returns the images."), a.setMainProductImage)
	huma.Register(a.huma, staff("set-product-image-alt", http.MethodPatch, "/{image_id}", "Set an image's alt text",
		"Sets the alt text (at most 200 characters, else 422 at body.alt). Returns the images.", http.StatusUnprocessableEntity),
		a.setProductImageAlt)
	del := staff("delete-product-image", http.MethodDelete, "/{image_id}", "Delete a product image",
		"Removes the image from the product (204); its file is deleted later, once nothing refers to it.")
	del.DefaultStatus = http.StatusNoContent
	huma.Register(a.huma, del, a.deleteProductImage)
	documentErrorHeaders(a.huma.OpenAPI())
	a.renderSpec()
}

// catalogActor is the signed-in staff member of ctx, once their token's
// catalog scope is checked.
func catalogActor(ctx context.Context) (audit.Actor, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return audit.Actor{}, err
	}
	if err := needScope(ctx, account.PermCatalog); err != nil {
		return audit.Actor{}, err
	}
	return apiActor(ctx, u), nil
}

func (a *API) productImages(ctx context.Context, productID int64) (*productImagesOutput, error) {
	pi, err := a.img.List(ctx, productID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	out := &productImagesOutput{Body: make([]ProductImage, 0, len(pi.Images))}
	for i, img := range pi.Images {
		out.Body = append(out.Body, ProductImage{ID: img.ID, Position: i + 1, URL: a.absURL(media.URLPrefix + img.Key),
			ContentType: img.ContentType, Width: img.Width, Height: img.Height, Alt: img.Alt, Main: i == 0})
	}
	return out, nil
}

func (a *API) listProductImages(ctx context.Context, in *productIDInput) (*productImagesOutput, error) {
	if _, err := catalogActor(ctx); err != nil {
		return nil, err
	}
	return a.productImages(ctx, in.ID)
}

func (a *API) uploadProductImages(ctx context.Context, in *productIDInput) (*productImagesOutput, error) {
	by, err := catalogActor(ctx)
	if err != nil {
		return nil, err
	}
	r, _ := ctx.Value(requestKey{}).(*http.Request)
	if r == nil {
		return nil, a.problem(ctx, errors.New("upload without its request"), "body")
	}
	up, err := media.StageMultipart(r, "images", media.MaxImageBytes, media.MaxUploadFiles)
	if limit, ok := security.TooLarge(err); ok {
		return nil, tooLargeProblem(limit)
	}
	if errors.Is(err, media.ErrIncomplete) {
		return nil, newProblem(http.StatusBadRequest, "The upload was cut off before its end; nothing was stored.")
	}
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	defer up.Remove()
	if len(up.Rejects) > 0 {
		p := newProblem(http.StatusUnprocessableEntity, "Some files cannot be uploaded, so nothing was stored; see errors.")
		for i, rj := range up.Rejects {
			p.Errors = append(p.Errors, &huma.ErrorDetail{Location: fmt.Sprintf("body.images[%d]", i), Message: rj.Name + ": " + rj.Message})
		}
		return nil, p
	}
	if _, err := a.img.Add(ctx, by, in.ID, up.Files); err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return a.productImages(ctx, in.ID)
}

func (a *API) orderProductImages(ctx context.Context, in *imageOrderInput) (*productImagesOutput, error) {
	by, err := catalogActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.img.Reorder(ctx, by, in.ID, in.Body.ImageIDs); err != nil {
		return nil, a.fieldProblem(ctx, err, map[string]string{"order": "body.image_ids"}, "body")
	}
	return a.productImages(ctx, in.ID)
}

func (a *API) setMainProductImage(ctx context.Context, in *productImageInput) (*productImagesOutput, error) {
	by, err := catalogActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.img.SetMain(ctx, by, in.ID, in.ImageID); err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return a.productImages(ctx, in.ID)
}

func (a *API) setProductImageAlt(ctx context.Context, in *imageAltInput) (*productImagesOutput, error) {
	by, err := catalogActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.img.SetAlt(ctx, by, in.ID, in.ImageID, in.Body.Alt); err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return a.productImages(ctx, in.ID)
}

func (a *API) deleteProductImage(ctx context.Context, in *productImageInput) (*struct{}, error) {
	by, err := catalogActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.img.Delete(ctx, by, in.ID, in.ImageID); err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return nil, nil
}
