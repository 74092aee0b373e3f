package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/app/apptest"
)

// zeros is a body of n zero bytes that counts what was read of it.
type zeros struct{ left, read int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.left == 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), z.left)
	clear(p[:n])
	z.left -= n
	z.read += n
	return int(n), nil
}

func (z *zeros) Close() error { return nil }

func TestBodyLimits(t *testing.T) {
	t.Parallel()
	shop := apptest.New(t, apptest.Options{})
	tests := []struct {
		name        string
		path        string
		contentType string
		size        int64
		chunked     bool
		wantType    string
		want        []string
	}{
		{"storefront return request of 50 MB", "/account/orders/20261130-0001/returns", "multipart/form-data; boundary=x",
			50 << 20, false, "text/html", []string{"최대 24MB", "보낸 내용이 너무 큽니다"}},
		{"API return request of 50 MB", "/api/v1/orders/20261130-0001/returns", "application/json",
			50 << 20, false, "application/problem+json", []string{"24MB", "24 MB"}},
		{"storefront form over the default", "/login", "application/x-www-form-urlencoded",
			2 << 20, false, "text/html", []string{"최대 1MB"}},
		{"API body sent without a length, over the operation's limit", "/api/v1/auth/token", "application/json",
			1 << 20, true, "application/problem+json", []string{"0.06 MB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := &zeros{left: tt.size}
			req := httptest.NewRequest(http.MethodPost, apptest.BaseURL+tt.path, nil)
			req.Body = body
			req.ContentLength = tt.size
			if tt.chunked {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", tt.contentType)
			req.Header.Set("Accept-Language", "ko")
			rec := httptest.NewRecorder()
			shop.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413; body %.300s", rec.Code, rec.Body.String())
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("Content-Type %q, want %s", ct, tt.wantType)
			}
			for _, w := range tt.want {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("body lacks %q: %.600s", w, rec.Body.String())
				}
			}
			if !tt.chunked && body.read != 0 {
				t.Errorf("read %d bytes of a body declared too large", body.read)
			}
		})
	}
}
