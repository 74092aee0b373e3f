package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// s3Bucket keeps objects in Amazon S3 or an S3-compatible service through
// minio-go (decision 0051).
type s3Bucket struct {
	client *minio.Client
	core   minio.Core // for GETs that return the body and the attributes at once
	bucket string
}

// s3PartSize is the size of the parts an object of unknown size is
// uploaded in, and so the most of it held in memory at once: minio-go's
// smallest.
const s3PartSize = 16 << 20

// openS3 opens s3://bucket?region=…&endpoint=…&use_path_style=true&disable_https=true.
// The region comes from the URL, else AWS_REGION or AWS_DEFAULT_REGION.
// endpoint (https://host[:port], or a bare host) names an S3-compatible
// service; without it the bucket is Amazon's. Credentials come from env's
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; without
// them, from the shared credentials file (~/.aws/credentials, AWS_PROFILE)
// and then the EC2 or ECS instance role, asked at first use.
func openS3(u *url.URL, env func(string) (string, bool)) (*s3Bucket, error) {
	get := func(k string) string { v, _ := env(k); return v }
	q := u.Query()
	for k := range q {
		switch k {
		case "region", "endpoint", "use_path_style", "disable_https":
		default:
			return nil, fmt.Errorf("s3: unknown parameter %q (want region, endpoint, use_path_style, disable_https)", k)
		}
	}
	bucket := u.Host
	if bucket == "" {
		return nil, errors.New("s3: no bucket name (s3://bucket?region=…)")
	}
	region := q.Get("region")
	if region == "" {
		region = get("AWS_REGION")
	}
	if region == "" {
		region = get("AWS_DEFAULT_REGION")
	}
	if region == "" {
		return nil, errors.New("s3: no region (add ?region=… or set AWS_REGION)")
	}
	secure := q.Get("disable_https") != "true"
	ep := q.Get("endpoint")
	if ep == "" {
		ep = "s3." + region + ".amazonaws.com"
	}
	if scheme, rest, ok := strings.Cut(ep, "://"); ok {
		switch scheme {
		case "https":
		case "http":
			secure = false
		default:
			return nil, fmt.Errorf("s3: bad endpoint %q (want https://host[:port])", ep)
		}
		ep = rest
	}
	e, err := url.Parse("//" + ep)
	if err != nil || e.Host == "" || strings.Trim(e.Path, "/") != "" {
		return nil, fmt.Errorf("s3: bad endpoint %q", q.Get("endpoint"))
	}
	var creds *credentials.Credentials
	if ak, sk := get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY"); ak != "" || sk != "" {
		if ak == "" || sk == "" {
			return nil, errors.New("s3: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither")
		}
		creds = credentials.NewStaticV4(ak, sk, get("AWS_SESSION_TOKEN"))
	} else {
		creds = credentials.NewChainCredentials([]credentials.Provider{
			&credentials.FileAWSCredentials{Profile: get("AWS_PROFILE")},
			&credentials.IAM{},
		})
	}
	lookup := minio.BucketLookupDNS
	if q.Get("use_path_style") == "true" {
		lookup = minio.BucketLookupPath
	}
	c, err := minio.New(e.Host, &minio.Options{Creds: creds, Secure: secure, Region: region, BucketLookup: lookup})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	c.SetS3EnableDualstack(false) // bucket.s3.region.amazonaws.com, as before
	return &s3Bucket{client: c, core: minio.Core{Client: c}, bucket: bucket}, nil
}

// s3Err turns minio-go's error into one naming the call, the key and the
// HTTP status; a missing object wraps fault.ErrNotFound.
func s3Err(call, key string, err error) error {
	resp := minio.ToErrorResponse(err)
	if resp.StatusCode == http.StatusNotFound && resp.Code != "NoSuchBucket" {
		return notFound(key)
	}
	if resp.StatusCode != 0 {
		return fmt.Errorf("s3 %s %s: %d %s: %w", call, key, resp.StatusCode, http.StatusText(resp.StatusCode), err)
	}
	return fmt.Errorf("s3 %s %s: %w", call, key, err)
}

func (b *s3Bucket) put(ctx context.Context, key, contentType string, r io.Reader, size int64) error {
	opts := minio.PutObjectOptions{ContentType: contentType, CacheControl: CacheControl}
	if size < 0 {
		opts.PartSize = s3PartSize
	}
	if _, err := b.client.PutObject(ctx, b.bucket, key, r, size, opts); err != nil {
		return s3Err("put", key, err)
	}
	return nil
}

func (b *s3Bucket) stat(ctx context.Context, key string) (attributes, error) {
	info, err := b.client.StatObject(ctx, b.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return attributes{}, s3Err("stat", key, err)
	}
	return s3Attributes(info), nil
}

// open sends one GET and reads the object from its body.
func (b *s3Bucket) open(ctx context.Context, key string) (io.ReadSeekCloser, attributes, error) {
	body, info, _, err := b.core.GetObject(ctx, b.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, attributes{}, s3Err("get", key, err)
	}
	return &s3Object{b: b, ctx: ctx, key: key, body: body, size: info.Size}, s3Attributes(info), nil
}

func (b *s3Bucket) remove(ctx context.Context, key string) error {
	if err := b.client.RemoveObject(ctx, b.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if err := s3Err("delete", key, err); !isNotFound(err) {
			return err
		}
	}
	return nil
}

func (b *s3Bucket) close() error { return nil }

func s3Attributes(info minio.ObjectInfo) attributes {
	a := attributes{ContentType: info.ContentType, ModTime: info.LastModified.UTC(), Size: info.Size}
	if info.ETag != "" {
		a.ETag = `"` + strings.Trim(info.ETag, `"`) + `"`
	}
	return a
}

// s3Object reads an object from the body of the GET that opened it, and
// from a ranged GET when a read starts elsewhere (a Range request):
// http.ServeContent's seeks to the end and back to learn the size cost
// nothing.
type s3Object struct {
	b         *s3Bucket
	ctx       context.Context
	key       string
	body      io.ReadCloser
	size, pos int64
	at        int64 // where body reads next
}

func (o *s3Object) Read(p []byte) (int, error) {
	if o.pos >= o.size {
		return 0, io.EOF
	}
	if o.pos != o.at {
		o.body.Close()
		var opts minio.GetObjectOptions
		if err := opts.SetRange(o.pos, 0); err != nil {
			return 0, err
		}
		body, _, _, err := o.b.core.GetObject(o.ctx, o.b.bucket, o.key, opts)
		if err != nil {
			o.body = io.NopCloser(strings.NewReader(""))
			return 0, s3Err("get", o.key, err)
		}
		o.body, o.at = body, o.pos
	}
	n, err := o.body.Read(p)
	o.pos += int64(n)
	o.at = o.pos
	return n, err
}

func (o *s3Object) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += o.pos
	case io.SeekEnd:
		offset += o.size
	}
	if offset < 0 {
		return 0, errors.New("s3: seek before the start")
	}
	o.pos = offset
	return offset, nil
}

func (o *s3Object) Close() error { return o.body.Close() }
