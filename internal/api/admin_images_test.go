package api_test

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/api"
)

func pngOf(t *testing.T, w int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, 5))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// imagesBody is a multipart body of files (name → bytes, in order).
func imagesBody(t *testing.T, files ...any) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		fw, err := w.CreateFormFile("images", files[i].(string))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(files[i+1].([]byte))
	}
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// countedBody yields data, then fails if cut (a dropped connection), and
// counts what was read.
type countedBody struct {
	data []byte
	cut  bool
	read int
}

func (b *countedBody) Read(p []byte) (int, error) {
	if len(b.data) == 0 {
		if b.cut {
			return 0, io.ErrUnexpectedEOF
		}
		return 0, io.EOF
	}
	n := copy(p, b.data)
	b.data, b.read = b.data[n:], b.read+n
	return n, nil
}

func (f *fixture) upload(t *testing.T, path, token string, body *countedBody, ct string, length int64) *httptest.ResponseRecorder {
	t.Helper()
	hr := httptest.NewRequestWithContext(t.Context(), http.MethodPost, path, nil)
	hr.Body, hr.ContentLength = io.NopCloser(body), length
	hr.Header.Set("Content-Type", ct)
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("User-Agent", testAgent)
	hr.RemoteAddr = testIP + ":51234"
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, hr)
	return rec
}

func (f *fixture) storedImages(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.d.Read().GetContext(t.Context(), &n, `SELECT (SELECT COUNT(*) FROM product_images) + (SELECT COUNT(*) FROM media_uploads)`); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAdminProductImages(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	admin := f.checkoutCustomer(t, "staff@example.com")
	f.staff(t, &admin, "staff", "catalog")
	clerk := f.checkoutCustomer(t, "clerk@example.com")
	f.staff(t, &clerk, "staff", "orders")
	variant := f.product(t, "말랑 머그", 25000, 10, false)
	cv, err := f.cat.CartVariants(t.Context(), []int64{variant})
	if err != nil || len(cv) != 1 {
		t.Fatal(err)
	}
	product := cv[variant].ProductID
	base := "/api/v1/admin/products/" + strconv.FormatInt(product, 10) + "/images"

	// Refusals first: each stores nothing.
	good, ct := imagesBody(t, "a.png", pngOf(t, 3), "b.png", pngOf(t, 4))
	bad, badCT := imagesBody(t, "a.png", pngOf(t, 3), "evil.png", []byte("<script>alert(1)</script>"))
	tests := []struct {
		name   string
		token  string
		body   *countedBody
		ct     string
		length int64
		status int
		want   string
	}{
		{"a file that is not an image", admin.token, &countedBody{data: bad}, badCT, int64(len(bad)), http.StatusUnprocessableEntity, "evil.png: not an image"},
		{"50 MB, refused before it is read", admin.token, &countedBody{data: good}, ct, 50 << 20, http.StatusRequestEntityTooLarge, "32 MB"},
		{"cut off", admin.token, &countedBody{data: good[:len(good)-100], cut: true}, ct, int64(len(good)), http.StatusBadRequest, "cut off"},
		{"a token without the catalog scope", clerk.token, &countedBody{data: good}, ct, int64(len(good)), http.StatusForbidden, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := wantProblem(t, f.upload(t, base, tt.token, tt.body, tt.ct, tt.length), tt.status)
			var msgs []string
			for _, e := range p.Errors {
				msgs = append(msgs, e.Location+" "+e.Message)
			}
			if !strings.Contains(p.Detail+strings.Join(msgs, ";"), tt.want) {
				t.Errorf("problem %+v lacks %q", p, tt.want)
			}
			if tt.status == http.StatusRequestEntityTooLarge && tt.body.read != 0 {
				t.Errorf("read %d bytes of a body declared too large", tt.body.read)
			}
			if n := f.storedImages(t); n != 0 {
				t.Errorf("%d rows stored", n)
			}
		})
	}

	imgs := decode[[]api.ProductImage](t, f.upload(t, base, admin.token, &countedBody{data: good}, ct, int64(len(good))), http.StatusCreated)
	if len(imgs) != 2 || !imgs[0].Main || imgs[1].Main || imgs[0].Width != 3 || !strings.Contains(imgs[0].URL, "/media/products/") {
		t.Fatalf("uploaded %+v", imgs)
	}
	a, b := imgs[0].ID, imgs[1].ID
	imgs = decode[[]api.ProductImage](t, f.do(t, req{method: "PUT", path: base + "/order", token: admin.token,
		body: map[string]any{"image_ids": []int64{b, a}}}), http.StatusOK)
	if imgs[0].ID != b || !imgs[0].Main {
		t.Fatalf("after ordering: %+v", imgs)
	}
	wantProblem(t, f.do(t, req{method: "PUT", path: base + "/order", token: admin.token,
		body: map[string]any{"image_ids": []int64{b}}}), http.StatusUnprocessableEntity, "body.image_ids")
	imgs = decode[[]api.ProductImage](t, f.do(t, req{method: "POST", path: base + "/" + strconv.FormatInt(a, 10) + "/main",
		token: admin.token}), http.StatusOK)
	if imgs[0].ID != a {
		t.Fatalf("after main: %+v", imgs)
	}
	imgs = decode[[]api.ProductImage](t, f.do(t, req{method: "PATCH", path: base + "/" + strconv.FormatInt(a, 10),
		token: admin.token, body: map[string]any{"alt": "앞면"}}), http.StatusOK)
	if imgs[0].Alt != "앞면" {
		t.Fatalf("after alt: %+v", imgs)
	}
	if rec := f.do(t, req{method: "DELETE", path: base + "/" + strconv.FormatInt(b, 10), token: admin.token}); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, f.do(t, req{method: "DELETE", path: base + "/" + strconv.FormatInt(b, 10), token: admin.token}), http.StatusNotFound)
	imgs = decode[[]api.ProductImage](t, f.do(t, req{method: "GET", path: base, token: admin.token}), http.StatusOK)
	if len(imgs) != 1 || imgs[0].ID != a {
		t.Fatalf("after delete: %+v", imgs)
	}
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/admin/products/999999/images", token: admin.token}), http.StatusNotFound)
}
