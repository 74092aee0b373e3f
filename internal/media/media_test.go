package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/fault"
)

// testPNG draws a w×h gradient with a transparent corner.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if x < w/4 && y < h/4 {
				a = 0
			}
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 160, a})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func testJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func testGIF(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, w, h), []color.Color{color.Black, color.White})
	var buf bytes.Buffer
	if err := gif.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// stores opens one Store per driver the tests cover.
func stores(t *testing.T) map[string]*Store {
	t.Helper()
	ctx := t.Context()
	out := map[string]*Store{}
	for name, u := range map[string]string{
		"memblob":  "mem://",
		"fileblob": (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(t.TempDir(), "media"))}).String(),
	} {
		s, err := Open(ctx, u)
		if err != nil {
			t.Fatalf("Open(%s): %v", u, err)
		}
		t.Cleanup(func() { s.Close() })
		out[name] = s
	}
	u, env := newFakeS3(t)
	s, err := OpenWith(ctx, u, env)
	if err != nil {
		t.Fatalf("Open(%s): %v", u, err)
	}
	t.Cleanup(func() { s.Close() })
	out["s3"] = s
	return out
}

func TestOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url     string
		wantErr bool
	}{
		{"mem://", false},
		{"file://" + filepath.ToSlash(t.TempDir()) + "/new/dir", false},
		{"gs://bucket", true},
		{"ftp://x", true},
		{"::", true},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			s, err := Open(t.Context(), tt.url)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Open(%q) error = %v, want error %v", tt.url, err, tt.wantErr)
			}
			if s != nil {
				s.Close()
			}
		})
	}
}

func TestSniff(t *testing.T) {
	t.Parallel()
	pngData := testPNG(t, 40, 30)
	tests := []struct {
		name    string
		data    []byte
		limit   int64
		want    string
		wantMsg string // the "image" field message of a *fault.Invalid
	}{
		{"png", pngData, MaxImageBytes, "image/png", ""},
		{"jpeg", testJPEG(t, 20, 10), MaxImageBytes, "image/jpeg", ""},
		{"gif", testGIF(t, 8, 8), MaxImageBytes, "image/gif", ""},
		{"exactly the limit", pngData, int64(len(pngData)), "image/png", ""},
		{"too big", pngData, int64(len(pngData)) - 1, "", "image is larger than"},
		{"ten megabytes", bytes.Repeat([]byte{0}, MaxImageBytes+1), MaxImageBytes, "", "image is larger than 10 MB"},
		{"text", []byte("hello, world"), MaxImageBytes, "", "not an image"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`), MaxImageBytes, "", "not an image"},
		{"empty", nil, MaxImageBytes, "", "not an image"},
		{"truncated png", pngData[:20], MaxImageBytes, "", "not an image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ct, data, err := Sniff(bytes.NewReader(tt.data), tt.limit)
			if tt.wantMsg == "" {
				if err != nil || ct != tt.want || !bytes.Equal(data, tt.data) {
					t.Fatalf("Sniff = %q, %d bytes, %v; want %q, %d bytes", ct, len(data), err, tt.want, len(tt.data))
				}
				return
			}
			inv, ok := fault.AsInvalid(err)
			if !ok {
				t.Fatalf("Sniff error = %v, want *fault.Invalid", err)
			}
			if msg := inv.Fields["image"]; !strings.HasPrefix(msg, tt.wantMsg) {
				t.Fatalf("Sniff message = %q, want prefix %q", msg, tt.wantMsg)
			}
		})
	}
}

func TestValidKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		want bool
	}{
		{"products/ab/abc.png", true},
		{"thumbs/sm/products/ab/abc.jpg", true},
		{"한글/상품.png", true},
		{"", false},
		{"/etc/passwd", false},
		{"../secret", false},
		{"a/../../b", false},
		{"a/./b", false},
		{"a//b", false},
		{"a/", false},
		{`a\..\b`, false},
		{"a\x00b", false},
		{"x.png.attrs", false},
		{strings.Repeat("a", 513), false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			if got := ValidKey(tt.key); got != tt.want {
				t.Fatalf("ValidKey(%q) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}

func TestContentKey(t *testing.T) {
	t.Parallel()
	a := ContentKey("products", []byte("a"), "image/png")
	if a != ContentKey("/products/", []byte("a"), "image/png") || !ValidKey(a) ||
		!strings.HasPrefix(a, "products/") || !strings.HasSuffix(a, ".png") {
		t.Fatalf("ContentKey = %q", a)
	}
	if a == ContentKey("products", []byte("b"), "image/png") {
		t.Fatal("different bytes got the same key")
	}
}

func TestMakeThumbnails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data func(t testing.TB) []byte
		// want is the width × height of each size, smallest first.
		want [3][2]int
	}{
		{"landscape png", func(t testing.TB) []byte { return testPNG(t, 1200, 800) }, [3][2]int{{200, 133}, {480, 320}, {960, 640}}},
		{"portrait jpeg", func(t testing.TB) []byte { return testJPEG(t, 600, 1000) }, [3][2]int{{120, 200}, {288, 480}, {576, 960}}},
		{"small gif is never enlarged", func(t testing.TB) []byte { return testGIF(t, 150, 100) }, [3][2]int{{150, 100}, {150, 100}, {150, 100}}},
	}
	for storeName, s := range stores(t) {
		for _, tt := range tests {
			t.Run(storeName+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				ctx := t.Context()
				data := tt.data(t)
				ct, _, err := Sniff(bytes.NewReader(data), MaxImageBytes)
				if err != nil {
					t.Fatal(err)
				}
				key := ContentKey("products", data, ct)
				if err := s.Put(ctx, key, ct, bytes.NewReader(data)); err != nil {
					t.Fatal(err)
				}
				if err := s.MakeThumbnails(ctx, key); err != nil {
					t.Fatalf("MakeThumbnails: %v", err)
				}
				for i, size := range Sizes {
					b, err := s.Get(ctx, ThumbKey(key, size))
					if err != nil {
						t.Fatalf("%s thumbnail: %v", size, err)
					}
					img, err := jpeg.Decode(bytes.NewReader(b))
					if err != nil {
						t.Fatalf("%s thumbnail is not a JPEG: %v", size, err)
					}
					if got := [2]int{img.Bounds().Dx(), img.Bounds().Dy()}; got != tt.want[i] {
						t.Errorf("%s thumbnail is %v, want %v", size, got, tt.want[i])
					}
				}
			})
		}
	}
}

func TestThumbnailFlattensTransparency(t *testing.T) {
	t.Parallel()
	src, err := png.Decode(bytes.NewReader(testPNG(t, 400, 400)))
	if err != nil {
		t.Fatal(err)
	}
	th := Thumbnail(src, 200)
	if got := th.RGBAAt(5, 5); got != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("transparent corner became %v, want white", got)
	}
	if got := th.RGBAAt(150, 150); got.A != 255 || got == (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("opaque middle became %v", got)
	}
}

func TestMakeThumbnailsErrors(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, err := Open(ctx, "mem://")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.MakeThumbnails(ctx, "missing.png"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("missing original: %v, want fault.ErrNotFound", err)
	}
	if err := s.Put(ctx, "bad.png", "image/png", strings.NewReader("not a png")); err != nil {
		t.Fatal(err)
	}
	if err := s.MakeThumbnails(ctx, "bad.png"); !errors.Is(err, ErrUnreadable) {
		t.Errorf("undecodable original: %v, want ErrUnreadable", err)
	}
	if _, ok := fault.AsInvalid(s.Put(ctx, "../x", "text/plain", strings.NewReader("x"))); !ok {
		t.Error("Put with a traversal key: want *fault.Invalid")
	}
}

// failingReader yields some bytes and then an error, like an upload cut off.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n > 0 {
		n := min(r.n, len(p))
		r.n -= n
		return n, nil
	}
	return 0, errors.New("connection reset")
}

func TestPutFailedReadStoresNothing(t *testing.T) {
	t.Parallel()
	for storeName, s := range stores(t) {
		t.Run(storeName, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			if err := s.Put(ctx, "products/cut.png", "image/png", &failingReader{n: 4096}); err == nil {
				t.Fatal("Put with a failing reader: no error")
			}
			if ok, err := s.Exists(ctx, "products/cut.png"); err != nil || ok {
				t.Fatalf("after a failed Put, Exists = %v, %v; want false", ok, err)
			}
			if fb, ok := s.bucket.(*fileBucket); ok {
				// No temporary file is left beside where the object would be.
				err := filepath.WalkDir(fb.dir, func(p string, d fs.DirEntry, err error) error {
					if err == nil && !d.IsDir() {
						t.Errorf("file %s left after a failed Put", p)
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestHandler(t *testing.T) {
	t.Parallel()
	data := testPNG(t, 64, 48)
	for storeName, s := range stores(t) {
		ctx := context.Background()
		key := ContentKey("products", data, "image/png")
		if err := s.Put(ctx, key, "image/png", bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s.Handler())
		t.Cleanup(srv.Close)
		first, err := http.Get(srv.URL + URLPrefix + key)
		if err != nil {
			t.Fatal(err)
		}
		first.Body.Close()
		etag := first.Header.Get("ETag")
		if etag == "" {
			t.Fatalf("%s: no ETag", storeName)
		}
		tests := []struct {
			name     string
			method   string
			path     string // raw, sent as is
			header   map[string]string
			wantCode int
			wantBody []byte
		}{
			{"get", "GET", URLPrefix + key, nil, 200, data},
			{"head", "HEAD", URLPrefix + key, nil, 200, nil},
			{"not modified", "GET", URLPrefix + key, map[string]string{"If-None-Match": etag}, 304, nil},
			{"range", "GET", URLPrefix + key, map[string]string{"Range": "bytes=0-3"}, 206, data[:4]},
			{"middle range", "GET", URLPrefix + key, map[string]string{"Range": "bytes=10-29"}, 206, data[10:30]},
			{"suffix range", "GET", URLPrefix + key, map[string]string{"Range": "bytes=-5"}, 206, data[len(data)-5:]},
			{"missing", "GET", URLPrefix + "products/00/none.png", nil, 404, nil},
			{"traversal", "GET", URLPrefix + "../../etc/passwd", nil, 404, nil},
			{"encoded traversal", "GET", URLPrefix + "%2e%2e/%2e%2e/etc/passwd", nil, 404, nil},
			{"sidecar", "GET", URLPrefix + key + ".attrs", nil, 404, nil},
			{"empty key", "GET", URLPrefix, nil, 404, nil},
			{"post", "POST", URLPrefix + key, nil, 405, nil},
		}
		for _, tt := range tests {
			t.Run(storeName+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				req := httptest.NewRequest(tt.method, tt.path, nil)
				for k, v := range tt.header {
					req.Header.Set(k, v)
				}
				rec := httptest.NewRecorder()
				s.Handler().ServeHTTP(rec, req)
				if rec.Code != tt.wantCode {
					t.Fatalf("%s %s = %d, want %d", tt.method, tt.path, rec.Code, tt.wantCode)
				}
				if tt.wantBody != nil && !bytes.Equal(rec.Body.Bytes(), tt.wantBody) {
					t.Errorf("body is %d bytes, want %d", rec.Body.Len(), len(tt.wantBody))
				}
				if tt.method == "HEAD" && rec.Body.Len() != 0 {
					t.Errorf("HEAD has a body of %d bytes", rec.Body.Len())
				}
				if tt.wantCode == 200 || tt.wantCode == 206 {
					h := rec.Header()
					if got := h.Get("Content-Type"); got != "image/png" {
						t.Errorf("Content-Type = %q", got)
					}
					if got := h.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
						t.Errorf("Cache-Control = %q", got)
					}
					if got := h.Get("ETag"); got != etag {
						t.Errorf("ETag = %q, want %q", got, etag)
					}
				}
			})
		}
	}
}

// discardWriter is a ResponseWriter that keeps nothing of the body.
type discardWriter struct {
	h    http.Header
	code int
	n    int64
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += int64(len(p))
	return len(p), nil
}

// allocated runs f and returns the bytes the process allocated meanwhile.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestStreaming: putting and serving a 20 MB object never holds it in
// memory. Not parallel: it counts the whole process's allocations.
func TestStreaming(t *testing.T) {
	const size = 20 << 20
	const most = 4 << 20
	for storeName, s := range stores(t) {
		t.Run(storeName, func(t *testing.T) {
			ctx := t.Context()
			key := "products/big.png"
			var err error
			put := allocated(func() {
				err = s.Put(ctx, key, "image/png", io.LimitReader(zeros{}, size))
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := s.bucket.(*fileBucket); ok && put > most {
				t.Errorf("Put of %d bytes allocated %d bytes", size, put)
			}
			w := &discardWriter{h: http.Header{}}
			served := allocated(func() {
				s.Handler().ServeHTTP(w, httptest.NewRequest("GET", URLPrefix+key, nil))
			})
			if w.code != 200 || w.n != size || w.h.Get("Content-Length") != strconv.Itoa(size) {
				t.Fatalf("GET = %d, %d bytes, Content-Length %q; want 200, %d bytes", w.code, w.n, w.h.Get("Content-Length"), size)
			}
			if served > most {
				t.Errorf("serving %d bytes allocated %d bytes", size, served)
			}
		})
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
