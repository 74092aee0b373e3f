package media

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/fault"
)

type filePart struct {
	field, name string
	data        []byte
}

// multipartBody writes files and values as a multipart body; cut drops its
// last cut bytes, as a connection that ended early.
func multipartBody(t *testing.T, files []filePart, values map[string]string, cut int) (*http.Request, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range values {
		_ = w.WriteField(k, v)
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(f.data)
	}
	_ = w.Close()
	body := buf.Bytes()[:buf.Len()-cut]
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", w.FormDataContentType())
	return req, &buf
}

func TestStageMultipart(t *testing.T) {
	t.Parallel()
	a, b := testPNG(t, 12, 10), testJPEG(t, 8, 8)
	tests := []struct {
		name        string
		files       []filePart
		cut         int
		wantFiles   int
		wantRejects []string
		wantInvalid string
		wantCut     bool
	}{
		{"two images and a form field", []filePart{{"images", "a.png", a}, {"images", "b.jpg", b}}, 0, 2, nil, "", false},
		{"an empty input", []filePart{{"images", "", nil}}, 0, 0, nil, "", false},
		{"a script called .png", []filePart{{"images", "x.png", []byte("<script>alert(1)</script>")}, {"images", "b.jpg", b}}, 0, 1,
			[]string{"x.png: not an image"}, "", false},
		{"too big", []filePart{{"images", "big.png", bytes.Repeat([]byte{0x89}, 2000)}}, 0, 0, []string{"big.png: image is larger than"}, "", false},
		{"too many", []filePart{{"images", "1.png", a}, {"images", "2.png", a}, {"images", "3.png", a}, {"images", "4.png", a}}, 0, 0, nil, "images", false},
		{"cut off in a file", []filePart{{"images", "a.png", a}, {"images", "b.jpg", b}}, 300, 0, nil, "", true},
		{"other fields' files are skipped", []filePart{{"other", "a.png", a}}, 0, 0, nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, _ := multipartBody(t, tt.files, map[string]string{"note": "메모"}, tt.cut)
			up, err := StageMultipart(req, "images", 1500, 3)
			switch {
			case tt.wantCut:
				if !errors.Is(err, ErrIncomplete) || up != nil {
					t.Fatalf("StageMultipart = %v, %v; want ErrIncomplete", up, err)
				}
				return
			case tt.wantInvalid != "":
				if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[tt.wantInvalid] == "" {
					t.Fatalf("StageMultipart = %v, want a message on %s", err, tt.wantInvalid)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			defer up.Remove()
			if len(up.Files) != tt.wantFiles || len(up.Rejects) != len(tt.wantRejects) {
				t.Fatalf("%d files, rejects %v; want %d files, %v", len(up.Files), up.Rejects, tt.wantFiles, tt.wantRejects)
			}
			for i, w := range tt.wantRejects {
				if got := up.Rejects[i].Name + ": " + up.Rejects[i].Message; !strings.HasPrefix(got, w) {
					t.Errorf("reject %q, want %q", got, w)
				}
			}
			if up.Values.Get("note") != "메모" {
				t.Errorf("values %v", up.Values)
			}
			for _, f := range up.Files {
				if _, err := os.Stat(f.path); err != nil {
					t.Errorf("staged file missing: %v", err)
				}
			}
		})
	}
}

func TestStageMultipartNotMultipart(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("a=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, ok := fault.AsInvalid(func() error { _, err := StageMultipart(req, "images", 10, 1); return err }()); !ok {
		t.Fatal("want *fault.Invalid")
	}
	_ = io.Discard
}
