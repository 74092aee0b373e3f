package media

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/fault"
)

func TestStage(t *testing.T) {
	t.Parallel()
	pngData := testPNG(t, 40, 30)
	tests := []struct {
		name     string
		r        func() io.Reader
		limit    int64
		wantType string
		wantW    int
		wantMsg  string // the "image" message of a *fault.Invalid
		wantRead bool   // a failure to read, not the upload's fault
	}{
		{"png", func() io.Reader { return bytes.NewReader(pngData) }, MaxImageBytes, "image/png", 40, "", false},
		{"jpeg", func() io.Reader { return bytes.NewReader(testJPEG(t, 20, 10)) }, MaxImageBytes, "image/jpeg", 20, "", false},
		{"gif named .png by the client means nothing", func() io.Reader { return bytes.NewReader(testGIF(t, 8, 8)) }, MaxImageBytes, "image/gif", 8, "", false},
		{"too big", func() io.Reader { return bytes.NewReader(pngData) }, int64(len(pngData)) - 1, "", 0, "image is larger than", false},
		{"text", func() io.Reader { return strings.NewReader("hello") }, MaxImageBytes, "", 0, "not an image", false},
		{"svg", func() io.Reader {
			return strings.NewReader(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)
		}, MaxImageBytes, "", 0, "not an image", false},
		{"html", func() io.Reader { return strings.NewReader(`<html><script>alert(1)</script>`) }, MaxImageBytes, "", 0, "not an image", false},
		{"truncated png header", func() io.Reader { return bytes.NewReader(pngData[:20]) }, MaxImageBytes, "", 0, "not an image", false},
		{"connection cut", func() io.Reader { return &failingReader{n: 4096} }, MaxImageBytes, "", 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, err := Stage(tt.r(), tt.limit)
			switch {
			case tt.wantRead:
				if err == nil || errors.As(err, new(*fault.Invalid)) {
					t.Fatalf("Stage = %v, want a read error", err)
				}
				return
			case tt.wantMsg != "":
				inv, ok := fault.AsInvalid(err)
				if !ok || !strings.HasPrefix(inv.Fields["image"], tt.wantMsg) {
					t.Fatalf("Stage = %v, want image message %q", err, tt.wantMsg)
				}
				return
			case err != nil:
				t.Fatalf("Stage: %v", err)
			}
			defer st.Remove()
			if st.ContentType != tt.wantType || st.Width != tt.wantW {
				t.Fatalf("staged %s %dpx wide, want %s %dpx", st.ContentType, st.Width, tt.wantType, tt.wantW)
			}
			data, _ := io.ReadAll(tt.r())
			if st.Size != int64(len(data)) || st.Key("products") != ContentKey("products", data, st.ContentType) {
				t.Fatalf("staged %d bytes under %s, want %d under %s", st.Size, st.Key("products"), len(data), ContentKey("products", data, st.ContentType))
			}
			path := st.path
			st.Remove()
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Fatalf("temporary file left after Remove: %v", err)
			}
		})
	}
}

func TestPutStagedAndDelete(t *testing.T) {
	t.Parallel()
	data := testPNG(t, 10, 10)
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			st, err := Stage(bytes.NewReader(data), MaxImageBytes)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Remove()
			key := st.Key("editor")
			if err := s.PutStaged(ctx, key, st); err != nil {
				t.Fatal(err)
			}
			got, err := s.Get(ctx, key)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("Get = %d bytes, %v", len(got), err)
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
			if ok, _ := s.Exists(ctx, key); ok {
				t.Fatal("object still there after Delete")
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Fatalf("Delete of a missing object: %v", err)
			}
		})
	}
}
