package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/fault"
)

// CacheControl is the Cache-Control of every object the handler serves and
// every object Put writes. Keys are content-addressed (ContentKey) or never
// rewritten, so a URL always names the same bytes and may be cached for a
// year.
const CacheControl = "public, max-age=31536000, immutable"

// Store is a bucket of media objects. It is safe for concurrent use.
type Store struct {
	bucket bucket
}

// Open opens the bucket named by bucketURL, taking S3 credentials from the
// process environment (OpenWith).
func Open(ctx context.Context, bucketURL string) (*Store, error) {
	return OpenWith(ctx, bucketURL, os.LookupEnv)
}

// OpenWith opens the bucket named by bucketURL. Three schemes are
// understood:
//
//	file:///abs/dir or file://./rel/dir  a folder (created when missing); the default
//	s3://bucket?region=…                 Amazon S3 or a compatible service
//	mem://                               an in-memory bucket, for tests
//
// An s3 URL takes endpoint= (an S3-compatible service's address),
// use_path_style=true (bucket in the path rather than the host name) and
// disable_https=true; its credentials come from env's AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, and the region, when the URL
// has none, from AWS_REGION or AWS_DEFAULT_REGION. A file URL's query
// (create_dir=true, written by older versions) is ignored: the folder is
// always created.
func OpenWith(_ context.Context, bucketURL string, env func(string) (string, bool)) (*Store, error) {
	u, err := url.Parse(bucketURL)
	if err != nil {
		return nil, fmt.Errorf("open media bucket: %w", err)
	}
	var b bucket
	switch u.Scheme {
	case "file":
		dir := filepath.FromSlash(u.Path)
		if u.Host == "." || u.Host == ".." {
			dir = filepath.Join(u.Host, dir)
		} else if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("open media bucket: file URL %q names a host; use file:///abs/dir or file://./rel/dir", bucketURL)
		}
		if dir == "" {
			return nil, fmt.Errorf("open media bucket: file URL %q names no folder", bucketURL)
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open media bucket: %w", err)
		}
		b = &fileBucket{dir: dir}
	case "s3":
		if b, err = openS3(u, env); err != nil {
			return nil, fmt.Errorf("open media bucket %s: %w", u.Redacted(), err)
		}
	case "mem":
		b = &memBucket{objects: map[string]memObject{}}
	default:
		return nil, fmt.Errorf("open media bucket: unknown scheme in %q (want file://, s3:// or mem://)", bucketURL)
	}
	return &Store{bucket: b}, nil
}

// Close releases the bucket. The Store must not be used afterwards.
func (s *Store) Close() error {
	if err := s.bucket.close(); err != nil {
		return fmt.Errorf("close media bucket: %w", err)
	}
	return nil
}

// Put stores what r yields under key with the given content type, replacing
// any object with that key. Callers should use keys from ContentKey so that a
// key never names different bytes over time (the handler tells browsers to
// cache forever). r is streamed to the bucket, never read whole into
// memory. An unusable key is a *fault.Invalid. When reading r fails,
// nothing is written: the key keeps what it had.
func (s *Store) Put(ctx context.Context, key, contentType string, r io.Reader) error {
	if !ValidKey(key) {
		return &fault.Invalid{Fields: map[string]string{"key": "is not a valid media key"}}
	}
	if err := s.bucket.put(ctx, key, contentType, r, sizeOf(r)); err != nil {
		return fmt.Errorf("put media %s: %w", key, err)
	}
	return nil
}

// Exists reports whether an object is stored under key.
func (s *Store) Exists(ctx context.Context, key string) (bool, error) {
	if !ValidKey(key) {
		return false, nil
	}
	_, err := s.bucket.stat(ctx, key)
	if errors.Is(err, fault.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check media %s: %w", key, err)
	}
	return true, nil
}

// sizeOf is the number of bytes r has left when r can tell (a
// bytes.Reader, a strings.Reader, a file), else -1.
func sizeOf(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case *os.File:
		fi, err := r.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		at, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return fi.Size() - at
	}
	return -1
}

// Get returns the bytes stored under key, at most 64 MB, or an error
// wrapping fault.ErrNotFound when there are none. It is for callers that
// need the whole object (thumbnails); the handler streams.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	if !ValidKey(key) {
		return nil, fmt.Errorf("get media %q: %w", key, fault.ErrNotFound)
	}
	rc, _, err := s.bucket.open(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("get media %s: %w", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxGetBytes+1))
	if err == nil && len(data) > maxGetBytes {
		err = fmt.Errorf("object larger than %d bytes", maxGetBytes)
	}
	if err != nil {
		return nil, fmt.Errorf("get media %s: %w", key, err)
	}
	return data, nil
}

// ContentKey is the key for data under prefix ("products", say): the SHA-256
// of the bytes plus the extension of contentType, fanned out over 256
// folders, e.g. "products/3f/3fa9…c1.png". The same bytes always get the same
// key, so storing them twice is harmless and caching forever is safe.
func ContentKey(prefix string, data []byte, contentType string) string {
	sum := sha256.Sum256(data)
	return keyOf(prefix, hex.EncodeToString(sum[:16]), contentType)
}

// keyOf is the key of ContentKey for the hex digest h.
func keyOf(prefix, h, contentType string) string {
	k := h[:2] + "/" + h + extension(contentType)
	if prefix = strings.Trim(prefix, "/"); prefix != "" {
		k = prefix + "/" + k
	}
	return k
}

func extension(contentType string) string {
	switch contentType {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	}
	return ""
}

// ValidKey reports whether key may name an object: a relative, clean,
// slash-separated UTF-8 path without "." or ".." segments, backslashes or
// control characters, at most 512 bytes. The handler and Put refuse any
// other key, which keeps requests from walking out of a file bucket.
func ValidKey(key string) bool {
	if key == "" || len(key) > 512 || !utf8.ValidString(key) || strings.HasPrefix(key, "/") ||
		strings.HasSuffix(key, "/") || path.Clean(key) != key {
		return false
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return false
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "." || seg == ".." || seg == "" || strings.HasSuffix(seg, ".attrs") {
			return false
		}
	}
	return true
}

func isNotFound(err error) bool { return errors.Is(err, fault.ErrNotFound) }
