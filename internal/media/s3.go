package media

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/fault"
)

// s3Bucket speaks the four object calls of the S3 REST API the shop needs
// (PUT, GET, HEAD and DELETE Object), signed with Signature Version 4, to
// Amazon S3 or any S3-compatible service (decision 0051: the AWS SDK and
// gocloud.dev made the binary twice the size for these four calls).
type s3Bucket struct {
	client    *http.Client
	endpoint  *url.URL // scheme and host; with the bucket in the path when pathStyle
	bucket    string
	region    string
	pathStyle bool
	creds     s3Credentials
}

// s3Credentials are an access key pair and, for temporary credentials, a
// session token.
type s3Credentials struct {
	AccessKey, SecretKey, SessionToken string
}

const (
	amzDateFormat = "20060102T150405Z"
	emptySHA256   = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// openS3 opens s3://bucket?region=…&endpoint=…&use_path_style=true with
// credentials from env: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// optionally AWS_SESSION_TOKEN; the region from the URL, else AWS_REGION or
// AWS_DEFAULT_REGION. endpoint (https://host[:port], or a bare host) names
// an S3-compatible service; without it the bucket is Amazon's
// (bucket.s3.region.amazonaws.com).
func openS3(u *url.URL, env func(string) (string, bool)) (*s3Bucket, error) {
	get := func(k string) string { v, _ := env(k); return v }
	q := u.Query()
	b := &s3Bucket{client: &http.Client{Timeout: time.Minute}, bucket: u.Host, region: q.Get("region"),
		creds: s3Credentials{AccessKey: get("AWS_ACCESS_KEY_ID"), SecretKey: get("AWS_SECRET_ACCESS_KEY"),
			SessionToken: get("AWS_SESSION_TOKEN")}}
	for k := range q {
		switch k {
		case "region", "endpoint", "use_path_style", "disable_https":
		default:
			return nil, fmt.Errorf("s3: unknown parameter %q (want region, endpoint, use_path_style, disable_https)", k)
		}
	}
	if b.bucket == "" {
		return nil, errors.New("s3: no bucket name (s3://bucket?region=…)")
	}
	if b.region == "" {
		b.region = get("AWS_REGION")
	}
	if b.region == "" {
		b.region = get("AWS_DEFAULT_REGION")
	}
	if b.region == "" {
		return nil, errors.New("s3: no region (add ?region=… or set AWS_REGION)")
	}
	if b.creds.AccessKey == "" || b.creds.SecretKey == "" {
		return nil, errors.New("s3: no credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
	}
	scheme := "https"
	if q.Get("disable_https") == "true" {
		scheme = "http"
	}
	b.pathStyle = q.Get("use_path_style") == "true"
	ep := q.Get("endpoint")
	if ep == "" {
		ep = "s3." + b.region + ".amazonaws.com"
	}
	if !strings.Contains(ep, "://") {
		ep = scheme + "://" + ep
	}
	e, err := url.Parse(ep)
	if err != nil || e.Host == "" {
		return nil, fmt.Errorf("s3: bad endpoint %q", ep)
	}
	b.endpoint = &url.URL{Scheme: e.Scheme, Host: e.Host}
	if !b.pathStyle {
		b.endpoint.Host = b.bucket + "." + e.Host
	}
	return b, nil
}

// objectURL is the address of key.
func (b *s3Bucket) objectURL(key string) *url.URL {
	u := *b.endpoint
	u.Path = "/" + key
	if b.pathStyle {
		u.Path = "/" + b.bucket + "/" + key
	}
	u.RawPath = s3Escape(u.Path)
	return &u
}

// do sends a signed request for key and returns the response, whose body
// the caller closes. 404 is an error wrapping fault.ErrNotFound; other
// answers outside 2xx are errors naming the status.
func (b *s3Bucket) do(ctx context.Context, method, key string, body []byte, hdr http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, b.objectURL(key).String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("s3 %s %s: %w", method, key, err)
	}
	if body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if b.creds.SessionToken != "" {
		req.Header.Set("X-Amz-Security-Token", b.creds.SessionToken)
	}
	signV4(req, b.creds, b.region, hashHex(body), time.Now())
	res, err := b.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("s3 %s %s: %w", method, key, err)
	}
	if res.StatusCode == http.StatusNotFound {
		res.Body.Close()
		return nil, notFound(key)
	}
	if res.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		res.Body.Close()
		return nil, fmt.Errorf("s3 %s %s: %s: %s", method, key, res.Status, strings.TrimSpace(string(msg)))
	}
	return res, nil
}

func (b *s3Bucket) put(ctx context.Context, key, contentType string, data []byte) error {
	if data == nil {
		data = []byte{}
	}
	res, err := b.do(ctx, http.MethodPut, key, data, http.Header{"Content-Type": {contentType}, "Cache-Control": {CacheControl}})
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	return res.Body.Close()
}

func (b *s3Bucket) stat(ctx context.Context, key string) (attributes, error) {
	res, err := b.do(ctx, http.MethodHead, key, nil, nil)
	if err != nil {
		return attributes{}, err
	}
	res.Body.Close()
	return s3Attributes(res), nil
}

func (b *s3Bucket) get(ctx context.Context, key string) ([]byte, attributes, error) {
	res, err := b.do(ctx, http.MethodGet, key, nil, nil)
	if err != nil {
		return nil, attributes{}, err
	}
	defer res.Body.Close()
	data, err := readAll(res.Body)
	if err != nil {
		return nil, attributes{}, fmt.Errorf("s3 GET %s: %w", key, err)
	}
	return data, s3Attributes(res), nil
}

func (b *s3Bucket) remove(ctx context.Context, key string) error {
	res, err := b.do(ctx, http.MethodDelete, key, nil, nil)
	if err != nil {
		if errors.Is(err, fault.ErrNotFound) {
			return nil
		}
		return err
	}
	return res.Body.Close()
}

func (b *s3Bucket) close() error {
	b.client.CloseIdleConnections()
	return nil
}

func s3Attributes(res *http.Response) attributes {
	a := attributes{ContentType: res.Header.Get("Content-Type"), ETag: res.Header.Get("ETag")}
	if t, err := http.ParseTime(res.Header.Get("Last-Modified")); err == nil {
		a.ModTime = t
	}
	return a
}

func hashHex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func hmacSHA256(key []byte, s string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(s))
	return h.Sum(nil)
}

// signV4 signs req for S3 in region at time at, as "Signature Version 4"
// describes: it sets Host, X-Amz-Date and X-Amz-Content-Sha256
// (payloadHash) and signs every header the request has then, and puts the
// signature in Authorization.
func signV4(req *http.Request, c s3Credentials, region, payloadHash string, at time.Time) {
	at = at.UTC()
	date := at.Format(amzDateFormat)
	req.Header.Set("X-Amz-Date", date)
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	host := req.URL.Host
	if req.Host != "" {
		host = req.Host
	}
	headers := map[string]string{"host": host}
	for k, v := range req.Header {
		headers[strings.ToLower(k)] = strings.TrimSpace(strings.Join(v, ","))
	}
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, k := range names {
		canonHeaders.WriteString(k + ":" + headers[k] + "\n")
	}
	signed := strings.Join(names, ";")
	query := req.URL.Query()
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var canonQuery []string
	for _, k := range keys {
		for _, v := range query[k] {
			canonQuery = append(canonQuery, strings.ReplaceAll(s3Escape(k), "/", "%2F")+"="+strings.ReplaceAll(s3Escape(v), "/", "%2F"))
		}
	}
	p := req.URL.EscapedPath()
	if p == "" {
		p = "/"
	}
	canonical := strings.Join([]string{req.Method, p, strings.Join(canonQuery, "&"), canonHeaders.String(), signed, payloadHash}, "\n")
	scope := at.Format("20060102") + "/" + region + "/s3/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + hashHex([]byte(canonical))
	key := hmacSHA256([]byte("AWS4"+c.SecretKey), at.Format("20060102"))
	key = hmacSHA256(key, region)
	key = hmacSHA256(key, "s3")
	key = hmacSHA256(key, "aws4_request")
	sig := hex.EncodeToString(hmacSHA256(key, toSign))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+c.AccessKey+"/"+scope+",SignedHeaders="+signed+",Signature="+sig)
}

// s3Escape percent-encodes s as S3 wants in paths: every byte but
// A–Z a–z 0–9 - _ . ~ and "/".
func s3Escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
