package security

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// countingReader yields n bytes of 'x' and counts what was read of it.
type countingReader struct {
	left, read int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.left == 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	n = min(n, c.left)
	for i := range n {
		p[i] = 'x'
	}
	c.left -= n
	c.read += n
	return int(n), nil
}

func (c *countingReader) Close() error { return nil }

func TestBodyLimits(t *testing.T) {
	t.Parallel()
	const def = 100
	// readAll answers 200 with the number of bytes it read, or 413 naming
	// the limit when reading hit it.
	readAll := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		if limit, ok := TooLarge(err); ok {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			_, _ = io.WriteString(w, "limit "+strconv.FormatInt(limit, 10))
			return
		}
		if err != nil {
			t.Errorf("read body: %v", err)
		}
		_, _ = io.WriteString(w, strconv.FormatInt(n, 10))
	})
	early := func(w http.ResponseWriter, r *http.Request, limit int64) {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		_, _ = io.WriteString(w, "early "+strconv.FormatInt(limit, 10))
	}
	mux := http.NewServeMux()
	mux.Handle("POST /plain", readAll)
	mux.Handle("POST /upload", Limit(1000, early, readAll))
	h := BodyLimits(mux, def)
	tests := []struct {
		name     string
		path     string
		size     int64
		chunked  bool
		want     int
		wantBody string
		maxRead  int64 // of the body, by the handler
	}{
		{"default, under", "/plain", 100, false, 200, "100", 100},
		{"default, over: refused before reading", "/plain", 101, false, 413, "limit 100", 0},
		{"default, chunked over", "/plain", 500, true, 413, "limit 100", 101},
		{"declared, over the default", "/upload", 1000, false, 200, "1000", 1000},
		{"declared, over: answered at once", "/upload", 50 << 20, false, 413, "early 1000", 0},
		{"declared, chunked over", "/upload", 5000, true, 413, "limit 1000", 1001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := &countingReader{left: tt.size}
			req := httptest.NewRequest(http.MethodPost, tt.path, nil)
			req.Body = body
			req.ContentLength = tt.size
			if tt.chunked {
				req.ContentLength = -1
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want || rec.Body.String() != tt.wantBody {
				t.Fatalf("got %d %q, want %d %q", rec.Code, rec.Body.String(), tt.want, tt.wantBody)
			}
			if body.read > tt.maxRead+4096 || (tt.maxRead == 0 && body.read != 0) {
				t.Fatalf("read %d bytes of the body, want at most %d", body.read, tt.maxRead)
			}
		})
	}
}

func TestLimitWithoutBodyLimits(t *testing.T) {
	t.Parallel()
	h := Limit(10, func(w http.ResponseWriter, r *http.Request, limit int64) {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
	}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		var tooBig *http.MaxBytesError
		if !errors.As(err, &tooBig) || tooBig.Limit != 10 {
			t.Errorf("read = %v, want *http.MaxBytesError of 10", err)
		}
	}))
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", 20)))
	req.ContentLength = -1
	h.ServeHTTP(httptest.NewRecorder(), req)
}

func TestMegabytes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		n    int64
		want string
	}{{1 << 20, "1"}, {24 << 20, "24"}, {64 << 10, "0.06"}, {1536 << 10, "1.5"}} {
		if got := Megabytes(tt.n); got != tt.want {
			t.Errorf("Megabytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
