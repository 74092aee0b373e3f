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
	// put stores data under key, replacing what was there; a failed put
	// leaves the key as it was.
	put(ctx context.Context, key, contentType string, data []byte) error
	// stat returns what is known about the object under key.
	stat(ctx context.Context, key string) (attributes, error)
	// get returns the object's bytes and attributes.
	get(ctx context.Context, key string) ([]byte, attributes, error)
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

func (b *memBucket) put(_ context.Context, key, contentType string, data []byte) error {
	sum := md5.Sum(data)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.objects[key] = memObject{data: bytes.Clone(data), attr: attributes{ContentType: contentType,
		ModTime: time.Now().UTC(), ETag: fmt.Sprintf(`"%x"`, sum)}}
	return nil
}

func (b *memBucket) stat(ctx context.Context, key string) (attributes, error) {
	_, a, err := b.get(ctx, key)
	return a, err
}

func (b *memBucket) get(_ context.Context, key string) ([]byte, attributes, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.objects[key]
	if !ok {
		return nil, attributes{}, notFound(key)
	}
	return o.data, o.attr, nil
}

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

func (b *fileBucket) put(_ context.Context, key, _ string, data []byte) error {
	p := b.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
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
	return attributes{ContentType: mime.TypeByExtension(path.Ext(key)), ModTime: fi.ModTime().UTC(),
		ETag: `"` + strconv.FormatInt(fi.ModTime().UnixNano(), 16) + "-" + strconv.FormatInt(fi.Size(), 16) + `"`}, nil
}

func (b *fileBucket) get(ctx context.Context, key string) ([]byte, attributes, error) {
	a, err := b.stat(ctx, key)
	if err != nil {
		return nil, a, err
	}
	data, err := os.ReadFile(b.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, a, notFound(key)
	}
	return data, a, err
}

func (b *fileBucket) remove(_ context.Context, key string) error {
	if err := os.Remove(b.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (b *fileBucket) close() error { return nil }

// readAll reads r whole, up to maxObjectBytes.
func readAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxObjectBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxObjectBytes {
		return nil, fmt.Errorf("object larger than %d bytes", maxObjectBytes)
	}
	return data, nil
}

// maxObjectBytes caps one object: uploads are at most MaxImageBytes, and
// objects are held in memory while they are written and served.
const maxObjectBytes = 64 << 20
