package media

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/mallang/mallang/internal/fault"
)

// bucket is where a Store keeps its objects: a folder, memory or S3. Keys
// have passed ValidKey. A missing object is an error wrapping
// fault.ErrNotFound.
type bucket interface {
	// put stores what r yields, size bytes or -1 when unknown, under key,
	// replacing what was there, without holding it all in memory; a failed
	// put leaves the key as it was.
	put(ctx context.Context, key, contentType string, r io.Reader, size int64) error
	// stat returns what is known about the object under key.
	stat(ctx context.Context, key string) (attributes, error)
	// open returns the object for reading, and its attributes. The caller
	// closes it.
	open(ctx context.Context, key string) (io.ReadSeekCloser, attributes, error)
	// remove deletes the object; a missing one is not an error.
	remove(ctx context.Context, key string) error
	close() error
}

// attributes describe a stored object.
type attributes struct {
	ContentType string
	ModTime     time.Time
	// ETag is the strong entity tag, quoted, or "".
	ETag string
	Size int64
}

// notFound wraps fault.ErrNotFound with the key.
func notFound(key string) error { return fmt.Errorf("media %s: %w", key, fault.ErrNotFound) }

// memBucket keeps objects in memory, for tests.
type memBucket struct {
	mu      sync.Mutex
	objects map[string]memObject
}

type memObject struct {
	data []byte
	attr attributes
}

func (b *memBucket) put(_ context.Context, key, contentType string, r io.Reader, _ int64) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	sum := md5.Sum(data)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.objects[key] = memObject{data: data, attr: attributes{ContentType: contentType,
		ModTime: time.Now().UTC(), ETag: fmt.Sprintf(`"%x"`, sum), Size: int64(len(data))}}
	return nil
}

func (b *memBucket) stat(_ context.Context, key string) (attributes, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.objects[key]
	if !ok {
		return attributes{}, notFound(key)
	}
	return o.attr, nil
}

func (b *memBucket) open(_ context.Context, key string) (io.ReadSeekCloser, attributes, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.objects[key]
	if !ok {
		return nil, attributes{}, notFound(key)
	}
	return nopCloser{bytes.NewReader(o.data)}, o.attr, nil
}

type nopCloser struct{ io.ReadSeeker }

func (nopCloser) Close() error { return nil }

func (b *memBucket) remove(_ context.Context, key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.objects, key)
	return nil
}

func (b *memBucket) close() error { return nil }

// fileBucket keeps each object as a file under dir, its content type
// taken from the key's extension (keys from ContentKey and ThumbKey have
// one). Files are written to a temporary name beside their place and
// renamed, so a reader never sees half an object. It reads buckets written
// by gocloud.dev's fileblob, whose ".attrs" sidecars it ignores.
type fileBucket struct{ dir string }

func (b *fileBucket) path(key string) string { return filepath.Join(b.dir, filepath.FromSlash(key)) }

func (b *fileBucket) put(_ context.Context, key, _ string, r io.Reader, _ int64) error {
	p := b.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o640)
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}

func (b *fileBucket) stat(_ context.Context, key string) (attributes, error) {
	fi, err := os.Stat(b.path(key))
	if errors.Is(err, fs.ErrNotExist) || (err == nil && fi.IsDir()) {
		return attributes{}, notFound(key)
	}
	if err != nil {
		return attributes{}, err
	}
	return fileAttributes(key, fi), nil
}

func fileAttributes(key string, fi fs.FileInfo) attributes {
	return attributes{ContentType: mime.TypeByExtension(path.Ext(key)), ModTime: fi.ModTime().UTC(), Size: fi.Size(),
		ETag: `"` + strconv.FormatInt(fi.ModTime().UnixNano(), 16) + "-" + strconv.FormatInt(fi.Size(), 16) + `"`}
}

// open returns the *os.File itself, so http.ServeContent reads it in
// pieces (Range requests seek in it).
func (b *fileBucket) open(_ context.Context, key string) (io.ReadSeekCloser, attributes, error) {
	f, err := os.Open(b.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, attributes{}, notFound(key)
	}
	if err != nil {
		return nil, attributes{}, err
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		err = notFound(key)
	}
	if err != nil {
		f.Close()
		return nil, attributes{}, err
	}
	return f, fileAttributes(key, fi), nil
}

func (b *fileBucket) remove(_ context.Context, key string) error {
	if err := os.Remove(b.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (b *fileBucket) close() error { return nil }

// maxGetBytes caps what Get reads into memory: originals are at most
// MaxImageBytes and thumbnails tens of KB. The handler streams objects of
// any size.
const maxGetBytes = 64 << 20
