package backoffice_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/media"
)

// testPNG is a w×h PNG of one colour.
func testPNG(t *testing.T, w, h int, c uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = c
	}
	img.Set(0, 0, color.RGBA{c, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type upFile struct {
	name string
	data []byte
}

// multipartOf is a multipart body with files under field.
func multipartOf(t *testing.T, field string, files ...upFile) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range files {
		fw, err := w.CreateFormFile(field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(f.data)
	}
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// cutReader yields data and then fails as a dropped connection does.
type cutReader struct {
	data []byte
	read int64
}

func (c *cutReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := copy(p, c.data)
	c.data = c.data[n:]
	c.read += int64(n)
	return n, nil
}

func (c *cutReader) Close() error { return nil }

// direct sends req to the shop's handler in process, with the browser's
// cookies, so a test controls the body as a network cannot (cut off, or a
// length it never sends).
func (b *browser) direct(req *http.Request) (int, string) {
	b.t.Helper()
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.e.shop.Handler().ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func (b *browser) upload(path, field string, files ...upFile) (int, string) {
	b.t.Helper()
	body, ct := multipartOf(b.t, field, files...)
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "text/html")
	return b.do(req)
}

func (e *env) stored(t *testing.T) (images, uploads int) {
	t.Helper()
	q := e.d.Read()
	if err := q.GetContext(context.Background(), &images, `SELECT COUNT(*) FROM product_images`); err != nil {
		t.Fatal(err)
	}
	if err := q.GetContext(context.Background(), &uploads, `SELECT COUNT(*) FROM media_uploads`); err != nil {
		t.Fatal(err)
	}
	return images, uploads
}

// Staff with the catalog permission upload two images at once, see the
// first as the main image (and the listing shows it), make the second the
// main one, set its alt text, move and delete. Every step is audited.
func TestProductImages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	product := catalogtest.Seed(t, e.shop.Catalog, 1).Products[0]
	page := bo + "/catalog/products/" + strconv.FormatInt(product, 10) + "/images"
	b, _ := e.staffIn("boss@example.com")

	st, body := b.get(page)
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="no-images"`, `enctype="multipart/form-data"`, "JPEG, PNG, WebP, GIF")

	a, c := testPNG(t, 30, 20, 10), testPNG(t, 20, 30, 200)
	st, body = b.upload(page, "images", upFile{"앞면.png", a}, upFile{"뒷면.png", c})
	must(t, st, http.StatusOK, body)
	contains(t, body, "이미지 2개를 올렸습니다", `data-testid="main-image"`, "30×20")
	if n := strings.Count(body, `data-testid="image"`); n != 2 {
		t.Fatalf("%d images on the page, want 2", n)
	}
	p, err := e.shop.Catalog.Product(context.Background(), product)
	if err != nil || p.Image == nil || len(p.Images) != 2 || p.Image.Width != 30 {
		t.Fatalf("product = %+v, %v", p.Image, err)
	}
	first, second := p.Images[0].ID, p.Images[1].ID
	img := func(id int64, action string) string { return page + "/" + strconv.FormatInt(id, 10) + "/" + action }

	st, body = b.post(img(second, "main"), nil)
	must(t, st, http.StatusOK, body)
	contains(t, body, "대표 이미지를 바꿨습니다")
	if p, _ := e.shop.Catalog.Product(context.Background(), product); p.Image.ID != second {
		t.Fatalf("main image %d, want %d", p.Image.ID, second)
	}
	st, body = b.post(img(second, "alt"), url.Values{"alt": {"흰색 티셔츠 뒷면"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, `value="흰색 티셔츠 뒷면"`)
	st, body = b.post(img(second, "alt"), url.Values{"alt": {strings.Repeat("가", 201)}})
	must(t, st, http.StatusUnprocessableEntity, body)
	contains(t, body, "200자 이하여야 합니다")
	st, body = b.post(img(second, "down"), nil)
	must(t, st, http.StatusOK, body)
	if p, _ := e.shop.Catalog.Product(context.Background(), product); p.Image.ID != first {
		t.Fatalf("after moving the main image down, main is %d, want %d", p.Image.ID, first)
	}
	st, body = b.post(img(first, "delete"), nil)
	must(t, st, http.StatusOK, body)
	if n := strings.Count(body, `data-testid="image"`); n != 1 {
		t.Fatalf("%d images after delete, want 1", n)
	}
	st, body = b.post(img(first, "delete"), nil)
	must(t, st, http.StatusNotFound, body)

	e.user(t, "orders@example.com", account.Staff, account.PermOrders)
	o, _ := e.staffIn("orders@example.com")
	st, body = o.get(page)
	must(t, st, http.StatusForbidden, body)
	st, body = o.upload(page, "images", upFile{"a.png", a})
	must(t, st, http.StatusForbidden, body)
}

// An upload that is not an image, too large or cut off gets a clear
// message and stores nothing: no row and no object.
func TestProductImageUploadRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	product := catalogtest.Seed(t, e.shop.Catalog, 1).Products[0]
	page := bo + "/catalog/products/" + strconv.FormatInt(product, 10) + "/images"
	b, _ := e.staffIn("boss@example.com")
	good := testPNG(t, 10, 10, 50)
	body, ct := multipartOf(t, "images", upFile{"a.png", good}, upFile{"b.png", testPNG(t, 11, 11, 60)})

	tests := []struct {
		name   string
		req    func() (*http.Request, *cutReader)
		status int
		want   []string
	}{
		{"a script named .png beside a good file", func() (*http.Request, *cutReader) {
			body, ct := multipartOf(t, "images", upFile{"a.png", good}, upFile{"evil.png", []byte("<script>alert(1)</script>")})
			return post(t, e.srv.URL+page, body, ct), nil
		}, http.StatusUnprocessableEntity, []string{"evil.png: 이미지 파일이 아닙니다", "아무것도 저장하지 않았습니다"}},
		{"a file over 10 MB", func() (*http.Request, *cutReader) {
			body, ct := multipartOf(t, "images", upFile{"huge.png", append(good, make([]byte, media.MaxImageBytes)...)})
			return post(t, e.srv.URL+page, body, ct), nil
		}, http.StatusUnprocessableEntity, []string{"huge.png: 10MB보다 큽니다"}},
		{"a body of 50 MB, answered before it is read", func() (*http.Request, *cutReader) {
			cr := &cutReader{data: body}
			req := post(t, e.srv.URL+page, nil, ct)
			req.Body, req.ContentLength = cr, 50<<20
			return req, cr
		}, http.StatusRequestEntityTooLarge, []string{"최대 32MB"}},
		{"a body cut off in the second file", func() (*http.Request, *cutReader) {
			req := post(t, e.srv.URL+page, nil, ct)
			req.Body, req.ContentLength = &cutReader{data: body[:len(body)-200]}, int64(len(body))
			return req, nil
		}, http.StatusBadRequest, []string{"업로드가 중간에 끊겨 아무것도 저장하지 않았습니다"}},
		{"not multipart", func() (*http.Request, *cutReader) {
			return post(t, e.srv.URL+page, []byte("images=a.png"), "application/x-www-form-urlencoded"), nil
		}, http.StatusUnprocessableEntity, []string{"파일 올리기 양식으로 보내 주세요"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, cr := tt.req()
			st, body := b.direct(req)
			must(t, st, tt.status, body)
			contains(t, body, tt.want...)
			if cr != nil && cr.read != 0 {
				t.Errorf("read %d bytes of a body declared too large", cr.read)
			}
			if imgs, ups := e.stored(t); imgs != 0 || ups != 0 {
				t.Errorf("%d image rows and %d uploads stored, want none", imgs, ups)
			}
			for _, f := range [][]byte{good} {
				if ok, _ := e.shop.Media.Exists(context.Background(), media.ContentKey("products", f, "image/png")); ok {
					t.Error("object stored")
				}
			}
		})
	}
}

func post(t *testing.T, u string, body []byte, ct string) *http.Request {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("User-Agent", "backoffice-test/1.0")
	return req
}

// The editor's image button uploads to {admin}/media and gets the image's
// URL, for staff who edit products or content; others get 403.
func TestEditorUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "content@example.com", account.Staff, account.PermContent)
	e.user(t, "orders@example.com", account.Staff, account.PermOrders)
	data := testPNG(t, 12, 12, 90)
	browsers := map[string]*browser{}
	for _, email := range []string{"content@example.com", "orders@example.com"} {
		browsers[email], _ = e.staffIn(email)
	}
	tests := []struct {
		email  string
		file   upFile
		status int
		want   string
	}{
		{"content@example.com", upFile{"그림.png", data}, http.StatusCreated, media.URLPrefix + "editor/"},
		{"content@example.com", upFile{"x.png", []byte("<svg onload=alert(1)>")}, http.StatusUnprocessableEntity, "이미지 파일이 아닙니다"},
		{"orders@example.com", upFile{"그림.png", data}, http.StatusForbidden, "권한"},
	}
	for _, tt := range tests {
		t.Run(tt.email+"/"+tt.file.name, func(t *testing.T) {
			b := browsers[tt.email]
			body, ct := multipartOf(t, "image", tt.file)
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+bo+"/media", bytes.NewReader(body))
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Accept", "application/json")
			st, got := b.do(req)
			must(t, st, tt.status, got)
			var v map[string]string
			if err := json.Unmarshal([]byte(got), &v); err != nil {
				t.Fatalf("not JSON: %s", got)
			}
			if !strings.Contains(v["url"]+v["error"], tt.want) {
				t.Fatalf("answer %v, want %q", v, tt.want)
			}
			if tt.status == http.StatusCreated {
				st, img := b.get(v["url"])
				if st != http.StatusOK || img != string(data) {
					t.Fatalf("GET %s = %d, %d bytes", v["url"], st, len(img))
				}
			}
		})
	}
}

// The editor's files are served from the binary, and every page loads our
// script (which does nothing without a rich textarea) and tells it where to
// upload.
func TestEditorFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b, _ := e.staffIn("boss@example.com")
	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	contains(t, body, `<script src="`+bo+`/static/editor/editor.js" defer>`, `data-media-url="`+bo+`/media"`, "이미지를 올리는 중")
	tests := []struct {
		file, ct string
		status   int
		want     string
	}{
		{"editor.js", "text/javascript; charset=utf-8", 200, `textarea[data-editor="rich"]`},
		{"quill.js", "text/javascript; charset=utf-8", 200, `static version="2.0.3"`},
		{"quill.snow.css", "text/css; charset=utf-8", 200, ".ql-snow"},
		{"editor.css", "text/css; charset=utf-8", 200, ".rich-editor"},
		{"LICENSE.quill", "", 404, ""},
		{"..%2Fstyle.css", "", 404, ""},
	}
	for _, tt := range tests {
		st, body := b.get(bo + "/static/editor/" + tt.file)
		if st != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d, %.80q", tt.file, st, body)
		}
		if tt.ct != "" && b.last.Header.Get("Content-Type") != tt.ct {
			t.Errorf("%s: Content-Type %q", tt.file, b.last.Header.Get("Content-Type"))
		}
	}
}

// An image uploaded through the editor goes into the description the
// product form saves: the upload leaves nothing open that the save waits
// for, and the saved description keeps the image.
func TestEditorImageInASavedProduct(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := catalogtest.Categories(t, e.shop.Catalog)
	e.user(t, "md@example.com", account.Staff, account.PermCatalog)
	b, _ := e.staffIn("md@example.com")
	body, ct := multipartOf(t, "image", upFile{"니트.png", testPNG(t, 12, 12, 90)})
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+bo+"/media", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "application/json")
	st, got := b.do(req)
	must(t, st, http.StatusCreated, got)
	var v map[string]string
	if err := json.Unmarshal([]byte(got), &v); err != nil {
		t.Fatalf("not JSON: %s", got)
	}
	form := productForm(f.Leaves[0].ID, "캐시미어 니트", "KNIT-1")
	form.Set("description", `<p><img src="`+v["url"]+`"></p>`)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		st, got = b.post(bo+"/catalog/products/new", form)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("saving the product did not finish")
	}
	must(t, st, http.StatusOK, got)
	if !productPathRE.MatchString(b.path()) {
		t.Fatalf("saved at %s", b.path())
	}
	var desc string
	q := e.d.Read()
	if err := q.GetContext(t.Context(), &desc, q.Rebind(`SELECT description FROM products WHERE name = ?`), "캐시미어 니트"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(desc, `src="`+v["url"]+`"`) {
		t.Fatalf("description %q lost the image %s", desc, v["url"])
	}
}
