package media

import (
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
)

// Handler serves GET and HEAD of URLPrefix + key with the stored content
// type, an ETag, Cache-Control (see CacheControl), Range and conditional
// requests (through http.ServeContent). Keys that are missing or not valid
// (ValidKey: no "..", no absolute paths) get 404; other methods get 405.
// Mount it on the mux as URLPrefix (the pattern "/media/").
func (s *Store) Handler() http.Handler {
	return http.HandlerFunc(s.serve)
}

func (s *Store) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	key, ok := strings.CutPrefix(r.URL.Path, URLPrefix)
	if !ok || !ValidKey(key) {
		http.NotFound(w, r)
		return
	}
	var obj io.ReadSeekCloser
	var attrs attributes
	var err error
	if r.Method == http.MethodHead {
		// Attributes only: S3 is asked with a HEAD, not a GET.
		attrs, err = s.bucket.stat(r.Context(), key)
		obj = noBody{size: attrs.Size}
	} else {
		obj, attrs, err = s.bucket.open(r.Context(), key)
	}
	if err != nil {
		if isNotFound(err) {
			http.NotFound(w, r)
			return
		}
		http.Error(w, "media unavailable", http.StatusInternalServerError)
		return
	}
	defer obj.Close()
	h := w.Header()
	ct := attrs.ContentType
	if ct == "" {
		ct = mime.TypeByExtension(path.Ext(key))
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", CacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if attrs.ETag != "" {
		h.Set("ETag", attrs.ETag)
	}
	// ServeContent copies the object in pieces, seeking for Range requests:
	// a file is read from disk, an S3 object from its GET's body.
	http.ServeContent(w, r, "", attrs.ModTime, obj)
}

// noBody stands for an object of size bytes whose bytes are not read (a
// HEAD request): http.ServeContent only seeks in it.
type noBody struct{ size int64 }

func (b noBody) Read([]byte) (int, error) { return 0, io.EOF }
func (b noBody) Close() error             { return nil }
func (b noBody) Seek(offset int64, whence int) (int64, error) {
	if whence == io.SeekEnd {
		return b.size + offset, nil
	}
	return offset, nil
}
