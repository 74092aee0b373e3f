package backoffice

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/security"
)

// A product's images ({admin}/catalog/products/{id}/images), behind
// account.PermCatalog: upload several at once, order them (the first is
// the main image listings show), alt text, delete. And the rich-text
// editor's image upload ({admin}/media, PermCatalog or PermContent), which
// answers JSON with the image's URL. Uploads are read part by part and
// staged on disk (media.StageMultipart), never whole in memory; a file that
// is not a JPEG, PNG, WebP or GIF by its bytes, or is over
// media.MaxImageBytes, is named with the reason and nothing is stored; a
// body over media.MaxUploadBytes is refused before it is read.

// Images is what the back office needs to manage product images;
// *catalog.Images implements it.
type Images interface {
	List(ctx context.Context, productID int64) (catalog.ProductImages, error)
	Add(ctx context.Context, by audit.Actor, productID int64, files []*media.Staged) ([]catalog.Image, error)
	Reorder(ctx context.Context, by audit.Actor, productID int64, ids []int64) error
	SetMain(ctx context.Context, by audit.Actor, productID, imageID int64) error
	SetAlt(ctx context.Context, by audit.Actor, productID, imageID int64, alt string) error
	Delete(ctx context.Context, by audit.Actor, productID, imageID int64) error
}

// Uploads stores the rich-text editor's images; *media.Uploads implements
// it.
type Uploads interface {
	EditorImage(ctx context.Context, by audit.Actor, st *media.Staged) (string, error)
}

// registerImages adds the product images page and the editor's upload.
func (h *Handler) registerImages(mux Router) {
	p, s := h.cfg.Path, h.withSession
	cat := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermCatalog, next))) }
	base := p + "/catalog/products/{id}/images"
	mux.Handle("GET "+base, cat(h.imagesPage))
	mux.Handle("POST "+base, security.Limit(media.MaxUploadBytes, h.tooLarge, cat(h.uploadImages)))
	mux.Handle("POST "+base+"/{image}/{action}", cat(h.imageAction))
	mux.Handle("POST "+p+"/media", security.Limit(media.MaxUploadBytes, h.tooLarge, s(h.staff(h.editorUpload))))
	mux.HandleFunc("GET "+p+"/static/editor/{file}", h.editorStatic)
}

// tooLarge answers a body declared larger than its route's limit, before
// reading it: JSON for the editor's script, a page for a form.
func (h *Handler) tooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	m := h.lang(w, r)
	if wantsJSON(r) {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": m.F("img.too_large", security.Megabytes(limit))})
		return
	}
	h.serveError(w, r, m, nil, &http.MaxBytesError{Limit: limit})
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	privateHeaders(w)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// imageView is one image on the page.
type imageView struct {
	ID                int64
	URL, Alt, Size    string
	Main, First, Last bool
	Action            string // the base of its forms' actions
	AltError          string
}

// imagesView is the page of a product's images.
type imagesView struct {
	Name, Action, ProductURL string
	Images                   []imageView
	Notice, Error            string
	Problems                 []string // per file
	Status                   int
}

func (h *Handler) imagesPage(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showImages(w, r, m, u, imagesView{Status: http.StatusOK})
}

func (h *Handler) showImages(w http.ResponseWriter, r *http.Request, m *messages, u account.User, v imagesView) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	pi, err := h.deps.Images.List(r.Context(), id)
	if err != nil {
		return err
	}
	v.Name = pi.Name
	v.Action = h.url("/catalog/products/" + strconv.FormatInt(id, 10) + "/images")
	v.ProductURL = h.url("/catalog/products/" + strconv.FormatInt(id, 10))
	for i, img := range pi.Images {
		iv := imageView{ID: img.ID, URL: media.URLPrefix + img.Key, Alt: img.Alt, Main: i == 0, First: i == 0,
			Last: i == len(pi.Images)-1, Action: v.Action + "/" + strconv.FormatInt(img.ID, 10)}
		if img.Width > 0 {
			iv.Size = strconv.Itoa(img.Width) + "×" + strconv.Itoa(img.Height)
		}
		v.Images = append(v.Images, iv)
	}
	h.render(w, r, v.Status, imagesPage(h.page(r, m, u, m.F("img.title", pi.Name), "catalog"), v))
	return nil
}

// uploadImages stores the files of the form as the product's last images.
func (h *Handler) uploadImages(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	up, err := media.StageMultipart(r, "images", media.MaxImageBytes, media.MaxUploadFiles)
	if err != nil {
		v, ok := h.uploadProblem(m, err)
		if !ok {
			return err
		}
		return h.showImages(w, r, m, u, v)
	}
	defer up.Remove()
	if len(up.Rejects) > 0 {
		return h.showImages(w, r, m, u, imagesView{Status: http.StatusUnprocessableEntity, Error: m.T("img.rejected"),
			Problems: rejectTexts(m, up.Rejects)})
	}
	imgs, err := h.deps.Images.Add(r.Context(), staffActor(r, u), id, up.Files)
	if inv, ok := fault.AsInvalid(err); ok {
		return h.showImages(w, r, m, u, imagesView{Status: http.StatusUnprocessableEntity, Error: fieldText(m, firstMessage(inv))})
	}
	if err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "product images uploaded", "actor_id", u.ID, "product_id", id, "images", len(imgs))
	return h.showImages(w, r, m, u, imagesView{Status: http.StatusOK, Notice: m.F("img.added", len(imgs))})
}

// uploadProblem is the page's answer to an upload that could not be read
// (cut off: 400; over the limit: 413) or was not a form of files (422).
func (h *Handler) uploadProblem(m *messages, err error) (imagesView, bool) {
	if limit, ok := security.TooLarge(err); ok {
		return imagesView{Status: http.StatusRequestEntityTooLarge, Error: m.F("img.too_large", security.Megabytes(limit))}, true
	}
	if errors.Is(err, media.ErrIncomplete) {
		return imagesView{Status: http.StatusBadRequest, Error: m.T("img.incomplete")}, true
	}
	if inv, ok := fault.AsInvalid(err); ok {
		return imagesView{Status: http.StatusUnprocessableEntity, Error: fieldText(m, firstMessage(inv))}, true
	}
	return imagesView{}, false
}

func firstMessage(inv *fault.Invalid) string {
	keys := make([]string, 0, len(inv.Fields))
	for k := range inv.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return ""
	}
	return inv.Fields[keys[0]]
}

// rejectTexts are the refused files, each with its reason.
func rejectTexts(m *messages, rs []media.Reject) []string {
	out := make([]string, len(rs))
	for i, rj := range rs {
		out[i] = m.F("img.reject", rj.Name, fieldText(m, rj.Message))
	}
	return out
}

// imageAction changes one image: main, up, down, alt, delete.
func (h *Handler) imageAction(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	id := pathID(r)
	imageID, err := strconv.ParseInt(r.PathValue("image"), 10, 64)
	if id == 0 || err != nil || imageID < 1 {
		return fault.ErrNotFound
	}
	by := staffActor(r, u)
	action := r.PathValue("action")
	switch action {
	case "main":
		err = h.deps.Images.SetMain(ctx, by, id, imageID)
	case "up", "down":
		err = h.moveImage(ctx, by, id, imageID, action == "up")
	case "alt":
		err = h.deps.Images.SetAlt(ctx, by, id, imageID, r.PostFormValue("alt"))
	case "delete":
		err = h.deps.Images.Delete(ctx, by, id, imageID)
	default:
		return fault.ErrNotFound
	}
	if inv, ok := fault.AsInvalid(err); ok {
		return h.showImages(w, r, m, u, imagesView{Status: http.StatusUnprocessableEntity, Error: fieldText(m, firstMessage(inv))})
	}
	if err != nil {
		return err
	}
	return h.showImages(w, r, m, u, imagesView{Status: http.StatusOK, Notice: m.T("img.done." + action)})
}

// moveImage swaps an image with its neighbour, the order the page shows.
func (h *Handler) moveImage(ctx context.Context, by audit.Actor, productID, imageID int64, up bool) error {
	pi, err := h.deps.Images.List(ctx, productID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(pi.Images))
	for i, img := range pi.Images {
		ids[i] = img.ID
	}
	i := slices.Index(ids, imageID)
	if i < 0 {
		return fault.ErrNotFound
	}
	j := i + 1
	if up {
		j = i - 1
	}
	if j < 0 || j >= len(ids) {
		return nil // already first or last
	}
	ids[i], ids[j] = ids[j], ids[i]
	return h.deps.Images.Reorder(ctx, by, productID, ids)
}

// editorUpload stores one image from the rich-text editor and answers
// {"url": …}, or {"error": …} with the reason, for staff who edit products
// or content.
func (h *Handler) editorUpload(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	if !u.Can(account.PermCatalog) && !u.Can(account.PermContent) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": m.T("forbidden.body")})
		return nil
	}
	up, err := media.StageMultipart(r, "image", media.MaxImageBytes, 1)
	if err != nil {
		v, ok := h.uploadProblem(m, err)
		if !ok {
			return err
		}
		writeJSON(w, v.Status, map[string]string{"error": v.Error})
		return nil
	}
	defer up.Remove()
	if len(up.Rejects) > 0 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": rejectTexts(m, up.Rejects)[0]})
		return nil
	}
	if len(up.Files) == 0 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": m.T("img.none")})
		return nil
	}
	u2, err := h.deps.Uploads.EditorImage(r.Context(), staffActor(r, u), up.Files[0])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"url": u2})
	return nil
}

// editorFiles are the rich-text editor's files (static/editor): Quill,
// vendored at the version in static/editor/VERSION, and our editor.js.
var editorFiles = map[string]string{
	"quill.js":       "text/javascript; charset=utf-8",
	"quill.snow.css": "text/css; charset=utf-8",
	"editor.js":      "text/javascript; charset=utf-8",
	"editor.css":     "text/css; charset=utf-8",
}

func (h *Handler) editorStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	ct, ok := editorFiles[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	serveFile(w, "static/editor/"+name, ct)
}

// imageTexts are the images section's texts, {Korean, English}.
var imageTexts = map[string][2]string{
	"img.title":        {"상품 이미지 — %s", "Product images — %s"},
	"img.back":         {"← 상품으로", "← Back to the product"},
	"img.upload":       {"이미지 올리기", "Upload images"},
	"img.files":        {"이미지 파일 (여러 개 선택 가능)", "Image files (choose several at once)"},
	"img.hint":         {"JPEG, PNG, WebP, GIF만 올릴 수 있습니다. 파일당 최대 10MB, 한 번에 10개까지, 합쳐서 32MB까지입니다.", "JPEG, PNG, WebP and GIF only: at most 10 MB a file, 10 files and 32 MB at once."},
	"img.submit":       {"올리기", "Upload"},
	"img.none":         {"아직 이미지가 없습니다. 첫 번째 이미지가 목록과 검색 결과에 보이는 대표 이미지가 됩니다.", "No image yet. The first image is the main one, shown in listings and search results."},
	"img.main":         {"대표 이미지", "Main image"},
	"img.make_main":    {"대표로 지정", "Make main"},
	"img.up":           {"앞으로", "Move up"},
	"img.down":         {"뒤로", "Move down"},
	"img.alt":          {"대체 텍스트 (이미지를 볼 수 없는 분께 읽어 줄 설명)", "Alt text (read to those who cannot see the image)"},
	"img.alt.save":     {"저장", "Save"},
	"img.delete":       {"삭제", "Delete"},
	"img.order":        {"순서", "Order"},
	"img.added":        {"이미지 %d개를 올렸습니다. 썸네일은 잠시 뒤에 만들어집니다.", "%d images uploaded; their thumbnails follow shortly."},
	"img.rejected":     {"아래 파일을 올릴 수 없어 아무것도 저장하지 않았습니다. 고친 뒤 다시 올려 주세요.", "Nothing was stored: the files below cannot be uploaded. Fix them and upload again."},
	"img.reject":       {"%s: %s", "%s: %s"},
	"img.too_large":    {"한 번에 올릴 수 있는 크기는 최대 %sMB입니다. 파일 수를 줄여 나눠서 올려 주세요. 아무것도 저장하지 않았습니다.", "At most %s MB can be uploaded at once: upload fewer files at a time. Nothing was stored."},
	"img.incomplete":   {"업로드가 중간에 끊겨 아무것도 저장하지 않았습니다. 다시 올려 주세요.", "The upload was cut off, so nothing was stored. Please upload again."},
	"img.done.main":    {"대표 이미지를 바꿨습니다.", "The main image is changed."},
	"img.done.up":      {"순서를 바꿨습니다.", "The order is changed."},
	"img.done.down":    {"순서를 바꿨습니다.", "The order is changed."},
	"img.done.alt":     {"대체 텍스트를 저장했습니다.", "The alt text is saved."},
	"img.done.delete":  {"이미지를 삭제했습니다.", "The image is deleted."},
	"editor.uploading": {"이미지를 올리는 중…", "Uploading the image…"},
	"editor.failed":    {"이미지를 올리지 못했습니다.", "The image could not be uploaded."},
	"editor.labels": {`{"bold":"굵게","italic":"기울임","underline":"밑줄","strike":"취소선","link":"링크","blockquote":"인용","list: ordered":"번호 목록","list: bullet":"글머리 기호 목록","image":"이미지 넣기","clean":"서식 지우기"}`,
		`{"bold":"Bold","italic":"Italic","underline":"Underline","strike":"Strikethrough","link":"Link","blockquote":"Quote","list: ordered":"Numbered list","list: bullet":"Bulleted list","image":"Insert image","clean":"Clear formatting"}`},
	"too_large.title": {"보낸 내용이 너무 큽니다", "What was sent is too large"},
	"too_large.body":  {"한 번에 보낼 수 있는 크기는 최대 %sMB입니다. 아무것도 저장하지 않았습니다.", "At most %s MB can be sent at once. Nothing was stored."},

	"v.not an image (JPEG, PNG, GIF or WebP)":             {"이미지 파일이 아닙니다 (JPEG, PNG, WebP, GIF만 가능).", "Not an image (JPEG, PNG, WebP or GIF only)."},
	"v.image is larger than 10 MB":                        {"10MB보다 큽니다.", "Larger than 10 MB."},
	"v.image has too many pixels (at most 40 megapixels)": {"화소 수가 너무 많습니다 (최대 4천만 화소).", "Too many pixels (at most 40 megapixels)."},
	"v.choose at least one image":                         {"이미지를 하나 이상 고르세요.", "Choose at least one image."},
	"v.a product has at most 20 images":                   {"상품 하나에 이미지는 최대 20개입니다.", "A product has at most 20 images."},
	"v.at most 10 files at once":                          {"한 번에 10개까지 올릴 수 있습니다.", "At most 10 files at once."},
	"v.send the files as multipart/form-data":             {"파일 올리기 양식으로 보내 주세요.", "Send the files through the upload form."},
	"v.must list each of the product's images once":       {"상품의 이미지를 하나씩 모두 적어야 합니다.", "Must list each of the product's images once."},
}
