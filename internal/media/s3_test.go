package media

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSignV4 checks the signature against the example of AWS's "Signature
// Version 4 for Amazon S3" documentation (GET Object with a Range header).
func TestSignV4(t *testing.T) {
	t.Parallel()
	req, err := http.NewRequest(http.MethodGet, "https://examplebucket.s3.amazonaws.com/test.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Range", "bytes=0-9")
	creds := s3Credentials{AccessKey: "AKIAIOSFODNN7EXAMPLE", SecretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	signV4(req, creds, "us-east-1", emptySHA256, time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC))
	want := "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," +
		"SignedHeaders=host;range;x-amz-content-sha256;x-amz-date," +
		"Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization =\n%s\nwant\n%s", got, want)
	}
}

// fakeS3 is an S3-compatible server for tests: path-style PUT, GET, HEAD
// and DELETE of objects in one bucket and multipart uploads, each request's
// signature checked against the test's credentials, payloads sent signed
// whole, unsigned (UNSIGNED-PAYLOAD) or in signed chunks
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), as "Signature Version 4" allows.
type fakeS3 struct {
	t       testing.TB
	bucket  string
	creds   s3Credentials
	mu      sync.Mutex
	objects map[string]fakeObject
	uploads map[string]*fakeUpload
	nextID  int
	calls   map[string]int // by method
}

type fakeObject struct {
	data                      []byte
	contentType, cacheControl string
	modified                  time.Time
}

type fakeUpload struct {
	key                       string
	contentType, cacheControl string
	parts                     map[int][]byte
}

// s3Credentials are an access key pair and, for temporary credentials, a
// session token.
type s3Credentials struct {
	AccessKey, SecretKey, SessionToken string
}

var testS3Creds = s3Credentials{AccessKey: "MALLANGTEST", SecretKey: "secret/for+tests", SessionToken: "session"}

// newFakeS3 starts a fake S3 and returns the media URL of its bucket and
// the environment that carries the credentials.
func newFakeS3(t testing.TB) (string, func(string) (string, bool)) {
	u, env, _ := startFakeS3(t)
	return u, env
}

func startFakeS3(t testing.TB) (string, func(string) (string, bool), *fakeS3) {
	f := &fakeS3{t: t, bucket: "shop-media", creds: testS3Creds, objects: map[string]fakeObject{},
		uploads: map[string]*fakeUpload{}, calls: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	env := map[string]string{
		"AWS_ACCESS_KEY_ID":     f.creds.AccessKey,
		"AWS_SECRET_ACCESS_KEY": f.creds.SecretKey,
		"AWS_SESSION_TOKEN":     f.creds.SessionToken,
	}
	u := "s3://" + f.bucket + "?region=ap-northeast-2&use_path_style=true&disable_https=true&endpoint=" + url.QueryEscape(srv.URL)
	return u, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, f
}

func s3Error(w http.ResponseWriter, code int, s3Code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(code)
	fmt.Fprintf(w, "<Error><Code>%s</Code><Message>%s</Message></Error>", s3Code, s3Code)
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := f.verify(r)
	if !ok {
		s3Error(w, http.StatusForbidden, "SignatureDoesNotMatch")
		return
	}
	key, ok := strings.CutPrefix(r.URL.Path, "/"+f.bucket+"/")
	if !ok {
		s3Error(w, http.StatusNotFound, "NoSuchBucket")
		return
	}
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[r.Method]++
	if q.Has("uploads") || q.Has("uploadId") {
		f.multipart(w, r, key, body)
		return
	}
	obj, found := f.objects[key]
	switch r.Method {
	case http.MethodPut:
		f.objects[key] = fakeObject{data: body, contentType: r.Header.Get("Content-Type"),
			cacheControl: r.Header.Get("Cache-Control"), modified: time.Now().UTC().Truncate(time.Second)}
		sum := md5.Sum(body)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
		return
	case http.MethodDelete:
		delete(f.objects, key)
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodGet, http.MethodHead:
		if !found {
			if r.Method == http.MethodHead {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			s3Error(w, http.StatusNotFound, "NoSuchKey")
			return
		}
		if obj.cacheControl != CacheControl {
			f.t.Errorf("object %s stored with Cache-Control %q", key, obj.cacheControl)
		}
		sum := md5.Sum(obj.data)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
		w.Header().Set("Content-Type", obj.contentType)
		w.Header().Set("Last-Modified", obj.modified.Format(http.TimeFormat))
		http.ServeContent(w, r, "", obj.modified, bytes.NewReader(obj.data))
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// multipart answers CreateMultipartUpload, UploadPart,
// CompleteMultipartUpload and AbortMultipartUpload.
func (f *fakeS3) multipart(w http.ResponseWriter, r *http.Request, key string, body []byte) {
	q := r.URL.Query()
	id := q.Get("uploadId")
	switch {
	case r.Method == http.MethodPost && q.Has("uploads"):
		f.nextID++
		id = fmt.Sprintf("upload-%d", f.nextID)
		f.uploads[id] = &fakeUpload{key: key, contentType: r.Header.Get("Content-Type"),
			cacheControl: r.Header.Get("Cache-Control"), parts: map[int][]byte{}}
		fmt.Fprintf(w, "<InitiateMultipartUploadResult><Bucket>%s</Bucket><Key>%s</Key><UploadId>%s</UploadId></InitiateMultipartUploadResult>",
			f.bucket, key, id)
		return
	}
	up, ok := f.uploads[id]
	if !ok || up.key != key {
		s3Error(w, http.StatusNotFound, "NoSuchUpload")
		return
	}
	switch r.Method {
	case http.MethodPut:
		n, err := strconv.Atoi(q.Get("partNumber"))
		if err != nil || n < 1 || n > 10000 {
			s3Error(w, http.StatusBadRequest, "InvalidArgument")
			return
		}
		up.parts[n] = body
		sum := md5.Sum(body)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
	case http.MethodDelete:
		delete(f.uploads, id)
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPost:
		var done struct {
			Parts []struct {
				PartNumber int
				ETag       string
			} `xml:"Part"`
		}
		if err := xml.Unmarshal(body, &done); err != nil || len(done.Parts) == 0 {
			s3Error(w, http.StatusBadRequest, "MalformedXML")
			return
		}
		var data []byte
		for i, p := range done.Parts {
			part, ok := up.parts[p.PartNumber]
			sum := md5.Sum(part)
			if !ok || strings.Trim(p.ETag, `"`) != hex.EncodeToString(sum[:]) || (i > 0 && p.PartNumber <= done.Parts[i-1].PartNumber) {
				s3Error(w, http.StatusBadRequest, "InvalidPart")
				return
			}
			data = append(data, part...)
		}
		delete(f.uploads, id)
		f.objects[key] = fakeObject{data: data, contentType: up.contentType, cacheControl: up.cacheControl,
			modified: time.Now().UTC().Truncate(time.Second)}
		sum := md5.Sum(data)
		fmt.Fprintf(w, `<CompleteMultipartUploadResult><Bucket>%s</Bucket><Key>%s</Key><ETag>"%s-%d"</ETag></CompleteMultipartUploadResult>`,
			f.bucket, key, hex.EncodeToString(sum[:]), len(done.Parts))
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// openUploads is the number of multipart uploads begun and neither
// completed nor aborted.
func (f *fakeS3) openUploads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.uploads)
}

const (
	amzDateFormat    = "20060102T150405Z"
	unsignedPayload  = "UNSIGNED-PAYLOAD"
	streamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	emptySHA256      = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// verify checks r's signature as S3 would and returns its payload: signed
// whole (X-Amz-Content-Sha256 is its hash), unsigned, or in chunks each
// signed after the one before.
func (f *fakeS3) verify(r *http.Request) ([]byte, bool) {
	auth := r.Header.Get("Authorization")
	when, err := time.Parse(amzDateFormat, r.Header.Get("X-Amz-Date"))
	if err != nil || r.Header.Get("X-Amz-Security-Token") != f.creds.SessionToken {
		return nil, false
	}
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	c := r.Clone(r.Context())
	c.Header.Del("Authorization")
	c.Host = r.Host
	c.URL.Host = r.Host
	// The Authorization fields may be separated by "," or ", ".
	fields := map[string]string{}
	algo, rest, _ := strings.Cut(auth, " ")
	for kv := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		fields[k] = v
	}
	scope := when.UTC().Format("20060102") + "/ap-northeast-2/s3/aws4_request"
	if algo != "AWS4-HMAC-SHA256" || fields["Credential"] != f.creds.AccessKey+"/"+scope {
		return nil, false
	}
	// Only the signed headers count; drop the rest as a proxy might add them.
	signed := map[string]bool{}
	for h := range strings.SplitSeq(fields["SignedHeaders"], ";") {
		signed[h] = true
	}
	if !signed["x-amz-content-sha256"] || !signed["x-amz-date"] || !signed["host"] {
		return nil, false
	}
	for h := range c.Header {
		if !signed[strings.ToLower(h)] {
			c.Header.Del(h)
		}
	}
	seed := signV4(c, f.creds, "ap-northeast-2", payloadHash, when)
	if want := "AWS4-HMAC-SHA256 Credential=" + fields["Credential"] + ",SignedHeaders=" + fields["SignedHeaders"] +
		",Signature=" + fields["Signature"]; c.Header.Get("Authorization") != want {
		return nil, false
	}
	switch payloadHash {
	case unsignedPayload:
		body, err := io.ReadAll(r.Body)
		return body, err == nil
	case streamingPayload:
		return f.readChunks(r, seed, when)
	}
	body, err := io.ReadAll(r.Body)
	return body, err == nil && payloadHash == hashHex(body)
}

// readChunks decodes an aws-chunked body, checking each chunk's signature
// (seeded with the request's) and the decoded length.
func (f *fakeS3) readChunks(r *http.Request, prev string, when time.Time) ([]byte, bool) {
	if !strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") {
		return nil, false
	}
	want, err := strconv.Atoi(r.Header.Get("X-Amz-Decoded-Content-Length"))
	if err != nil {
		return nil, false
	}
	br := bufio.NewReader(r.Body)
	scope := when.UTC().Format("20060102") + "/ap-northeast-2/s3/aws4_request"
	var body []byte
	for {
		line, err := br.ReadString('\n')
		if err != nil || !strings.HasSuffix(line, "\r\n") {
			return nil, false
		}
		sizeHex, sig, ok := strings.Cut(strings.TrimSuffix(line, "\r\n"), ";chunk-signature=")
		size, err := strconv.ParseInt(sizeHex, 16, 64)
		if !ok || err != nil || size < 0 || size > 64<<20 {
			return nil, false
		}
		chunk := make([]byte, size+2)
		if _, err := io.ReadFull(br, chunk); err != nil || string(chunk[size:]) != "\r\n" {
			return nil, false
		}
		chunk = chunk[:size]
		toSign := "AWS4-HMAC-SHA256-PAYLOAD\n" + when.UTC().Format(amzDateFormat) + "\n" + scope + "\n" + prev + "\n" +
			emptySHA256 + "\n" + hashHex(chunk)
		if got := hex.EncodeToString(hmacSHA256(signingKey(f.creds, "ap-northeast-2", when), toSign)); got != sig {
			return nil, false
		}
		prev = sig
		body = append(body, chunk...)
		if size == 0 {
			return body, len(body) == want
		}
	}
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

func signingKey(c s3Credentials, region string, at time.Time) []byte {
	key := hmacSHA256([]byte("AWS4"+c.SecretKey), at.UTC().Format("20060102"))
	key = hmacSHA256(key, region)
	key = hmacSHA256(key, "s3")
	return hmacSHA256(key, "aws4_request")
}

// signV4 signs req for S3 in region at time at, as "Signature Version 4"
// describes: it sets Host, X-Amz-Date and X-Amz-Content-Sha256
// (payloadHash), signs every header the request has then, puts the
// signature in Authorization and returns it. The fake checks requests with
// it.
func signV4(req *http.Request, c s3Credentials, region, payloadHash string, at time.Time) string {
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
	p := s3Escape(req.URL.Path)
	if p == "" {
		p = "/"
	}
	canonical := strings.Join([]string{req.Method, p, strings.Join(canonQuery, "&"), canonHeaders.String(), signed, payloadHash}, "\n")
	scope := at.Format("20060102") + "/" + region + "/s3/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + hashHex([]byte(canonical))
	sig := hex.EncodeToString(hmacSHA256(signingKey(c, region, at), toSign))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+c.AccessKey+"/"+scope+",SignedHeaders="+signed+",Signature="+sig)
	return sig
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

// TestOpenS3 refuses an s3 URL it cannot use, with a message naming what
// is missing, and accepts Amazon's and compatible services' forms.
func TestOpenS3(t *testing.T) {
	t.Parallel()
	keys := map[string]string{"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK"}
	withRegion := map[string]string{"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK", "AWS_REGION": "ap-northeast-2"}
	tests := []struct {
		name    string
		url     string
		env     map[string]string
		wantErr string
		wantURL string // of the object "a/b.jpg"
	}{
		{"amazon", "s3://media?region=ap-northeast-2", keys, "", "https://media.s3.ap-northeast-2.amazonaws.com/a/b.jpg"},
		{"region from the environment", "s3://media", withRegion, "", "https://media.s3.ap-northeast-2.amazonaws.com/a/b.jpg"},
		{"compatible, path style", "s3://media?region=kr&endpoint=http://127.0.0.1:9000&use_path_style=true", keys, "", "http://127.0.0.1:9000/media/a/b.jpg"},
		{"compatible, bare host", "s3://media?region=kr&endpoint=kr.object.example.com", keys, "", "https://media.kr.object.example.com/a/b.jpg"},
		// Without keys in the environment, ~/.aws and the instance role are asked at first use.
		{"no credentials", "s3://media?region=kr", nil, "", ""},
		{"no region", "s3://media", keys, "region", ""},
		{"no bucket", "s3://?region=kr", keys, "bucket", ""},
		{"unknown parameter", "s3://media?region=kr&profile=x", keys, `"profile"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := OpenWith(t.Context(), tt.url, func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("OpenWith(%q) error = %v, want one naming %s", tt.url, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if tt.wantURL == "" {
				return
			}
			b := s.bucket.(*s3Bucket)
			u, err := b.client.PresignedGetObject(t.Context(), b.bucket, "a/b.jpg", time.Minute, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := u.Scheme + "://" + u.Host + u.Path; got != tt.wantURL {
				t.Errorf("object URL = %s, want %s", got, tt.wantURL)
			}
		})
	}
}

// TestS3WrongSecret: the fake refuses a request signed with another
// secret, and the store reports it rather than "not found".
func TestS3WrongSecret(t *testing.T) {
	t.Parallel()
	u, env := newFakeS3(t)
	s, err := OpenWith(t.Context(), u, func(k string) (string, bool) {
		if k == "AWS_SECRET_ACCESS_KEY" {
			return "wrong", true
		}
		return env(k)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Put(t.Context(), "a/b.jpg", "image/jpeg", strings.NewReader("x")); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("Put with a wrong secret = %v, want a 403", err)
	}
	if _, err := s.Exists(t.Context(), "a/b.jpg"); err == nil {
		t.Error("Exists with a wrong secret: no error")
	}
}

// TestS3Streams: objects of unknown size go up in parts, a put whose
// reader fails leaves neither an object nor an open upload, and what is
// read back is what was put.
func TestS3Streams(t *testing.T) {
	t.Parallel()
	u, env, fake := startFakeS3(t)
	s, err := OpenWith(t.Context(), u, env)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	data := bytes.Repeat([]byte("mallang "), 100_000)
	tests := []struct {
		name string
		r    io.Reader
	}{
		{"known size", bytes.NewReader(data)},
		{"unknown size", io.MultiReader(bytes.NewReader(data[:1000]), bytes.NewReader(data[1000:]))},
	}
	for _, tt := range tests {
		key := "products/" + strings.ReplaceAll(tt.name, " ", "-") + ".png"
		if err := s.Put(ctx, key, "image/png", tt.r); err != nil {
			t.Fatalf("%s: Put: %v", tt.name, err)
		}
		got, err := s.Get(ctx, key)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s: Get = %d bytes, %v; want %d bytes", tt.name, len(got), err, len(data))
		}
	}
	if err := s.Put(ctx, "products/cut.png", "image/png", &failingReader{n: 100_000}); err == nil {
		t.Fatal("Put with a failing reader: no error")
	}
	if n := fake.openUploads(); n != 0 {
		t.Errorf("%d multipart uploads left open after a failed put", n)
	}
}

// TestS3Requests: a HEAD costs S3 one HEAD (no bytes), a GET one GET; a
// Range request (rare for pictures) the opening GET and a ranged one.
func TestS3Requests(t *testing.T) {
	t.Parallel()
	u, env, fake := startFakeS3(t)
	s, err := OpenWith(t.Context(), u, env)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	data := bytes.Repeat([]byte("0123456789"), 500)
	if err := s.Put(t.Context(), "products/a.png", "image/png", bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, rng       string
		wantCode          int
		wantBody          []byte
		wantGET, wantHEAD int
	}{
		{http.MethodHead, "", 200, nil, 0, 1},
		{http.MethodGet, "", 200, data, 1, 0},
		{http.MethodGet, "bytes=4990-", 206, data[4990:], 2, 0},
	}
	for _, tt := range tests {
		fake.mu.Lock()
		clear(fake.calls)
		fake.mu.Unlock()
		req := httptest.NewRequest(tt.method, URLPrefix+"products/a.png", nil)
		if tt.rng != "" {
			req.Header.Set("Range", tt.rng)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != tt.wantCode || !bytes.Equal(rec.Body.Bytes(), tt.wantBody) || rec.Header().Get("ETag") == "" {
			t.Errorf("%s %s = %d, %d bytes, ETag %q; want %d, %d bytes, an ETag", tt.method, tt.rng, rec.Code, rec.Body.Len(),
				rec.Header().Get("ETag"), tt.wantCode, len(tt.wantBody))
		}
		if tt.method == http.MethodHead && rec.Header().Get("Content-Length") != "5000" {
			t.Errorf("HEAD Content-Length = %q, want 5000", rec.Header().Get("Content-Length"))
		}
		fake.mu.Lock()
		if fake.calls[http.MethodGet] != tt.wantGET || fake.calls[http.MethodHead] != tt.wantHEAD {
			t.Errorf("%s %s sent S3 %d GET and %d HEAD, want %d and %d", tt.method, tt.rng,
				fake.calls[http.MethodGet], fake.calls[http.MethodHead], tt.wantGET, tt.wantHEAD)
		}
		fake.mu.Unlock()
	}
}
