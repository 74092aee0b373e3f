package media

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"os"

	"golang.org/x/image/webp"
)

// Staged is an upload copied to a temporary file on its way to the bucket:
// its bytes are never all in memory, its content type comes from its first
// bytes and its key from their hash. Remove it when done.
type Staged struct {
	ContentType   string
	Width, Height int
	Size          int64 // bytes
	sum           []byte
	path          string
}

// Stage copies an upload of at most limit bytes from r to a temporary file,
// hashing it on the way, and checks that it is a JPEG, PNG, GIF or WebP
// image by its bytes (what the client called it does not count) whose
// header decodes, with at most MaxImagePixels. An upload that is too big,
// not one of those formats or too large in pixels is a *fault.Invalid on
// the field "image" with a message for the user; a failure to read r (a
// body cut off, over its limit) is returned as it is. Either way nothing is
// left on disk.
func Stage(r io.Reader, limit int64) (st *Staged, err error) {
	f, err := os.CreateTemp("", "mallang-upload-*")
	if err != nil {
		return nil, fmt.Errorf("stage upload: %w", err)
	}
	st = &Staged{path: f.Name()}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("stage upload: %w", cerr)
		}
		if err != nil {
			st.Remove()
			st = nil
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("stage upload: %w", err)
	}
	if n > limit {
		return nil, invalidImage("image is larger than " + byteSize(limit))
	}
	st.Size, st.sum = n, sumOf(h)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("stage upload: %w", err)
	}
	br := bufio.NewReader(f)
	head, _ := br.Peek(512)
	st.ContentType = http.DetectContentType(head)
	cfg, err := decodeConfigFrom(br, st.ContentType)
	if err != nil {
		return nil, invalidImage("not an image (JPEG, PNG, GIF or WebP)")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return nil, invalidImage(fmt.Sprintf("image has too many pixels (at most %d megapixels)", MaxImagePixels/1_000_000))
	}
	st.Width, st.Height = cfg.Width, cfg.Height
	return st, nil
}

func sumOf(h hash.Hash) []byte { return h.Sum(nil) }

// Key is the staged upload's key under prefix, the same ContentKey gives
// its bytes.
func (st *Staged) Key(prefix string) string {
	return keyOf(prefix, hex.EncodeToString(st.sum[:16]), st.ContentType)
}

// Remove deletes the temporary file. It may be called more than once.
func (st *Staged) Remove() {
	if st != nil && st.path != "" {
		_ = os.Remove(st.path)
	}
}

func decodeConfigFrom(r io.Reader, contentType string) (image.Config, error) {
	switch contentType {
	case "image/jpeg":
		return jpeg.DecodeConfig(r)
	case "image/png":
		return png.DecodeConfig(r)
	case "image/gif":
		return gif.DecodeConfig(r)
	case "image/webp":
		return webp.DecodeConfig(r)
	}
	return image.Config{}, fmt.Errorf("unsupported image type %q", contentType)
}

// PutStaged stores a staged upload under key (see Put).
func (s *Store) PutStaged(ctx context.Context, key string, st *Staged) error {
	f, err := os.Open(st.path)
	if err != nil {
		return fmt.Errorf("put media %s: %w", key, err)
	}
	defer f.Close()
	return s.Put(ctx, key, st.ContentType, f)
}

// Delete removes the object stored under key; one that is not there is not
// an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if !ValidKey(key) {
		return nil
	}
	if err := s.bucket.remove(ctx, key); err != nil {
		return fmt.Errorf("delete media %s: %w", key, err)
	}
	return nil
}
