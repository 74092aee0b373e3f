package media

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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
// and DELETE of objects in one bucket, each request's signature checked
// against the test's credentials.
type fakeS3 struct {
	t       testing.TB
	bucket  string
	creds   s3Credentials
	mu      sync.Mutex
	objects map[string]fakeObject
}

type fakeObject struct {
	data                      []byte
	contentType, cacheControl string
	modified                  time.Time
}

var testS3Creds = s3Credentials{AccessKey: "MALLANGTEST", SecretKey: "secret/for+tests", SessionToken: "session"}

// newFakeS3 starts a fake S3 and returns the media URL of its bucket and
// the environment that carries the credentials.
func newFakeS3(t testing.TB) (string, func(string) (string, bool)) {
	f := &fakeS3{t: t, bucket: "shop-media", creds: testS3Creds, objects: map[string]fakeObject{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	env := map[string]string{
		"AWS_ACCESS_KEY_ID":     f.creds.AccessKey,
		"AWS_SECRET_ACCESS_KEY": f.creds.SecretKey,
		"AWS_SESSION_TOKEN":     f.creds.SessionToken,
	}
	u := "s3://" + f.bucket + "?region=ap-northeast-2&use_path_style=true&endpoint=" + url.QueryEscape(srv.URL)
	return u, func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !f.signedWell(r, body) {
		http.Error(w, "<Error><Code>SignatureDoesNotMatch</Code></Error>", http.StatusForbidden)
		return
	}
	key, ok := strings.CutPrefix(r.URL.Path, "/"+f.bucket+"/")
	if !ok {
		http.Error(w, "<Error><Code>NoSuchBucket</Code></Error>", http.StatusNotFound)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	obj, found := f.objects[key]
	switch r.Method {
	case http.MethodPut:
		f.objects[key] = fakeObject{data: body, contentType: r.Header.Get("Content-Type"),
			cacheControl: r.Header.Get("Cache-Control"), modified: time.Now().UTC().Truncate(time.Second)}
		return
	case http.MethodDelete:
		delete(f.objects, key)
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodGet, http.MethodHead:
		if !found {
			w.WriteHeader(http.StatusNotFound)
			if r.Method == http.MethodGet {
				io.WriteString(w, "<Error><Code>NoSuchKey</Code></Error>")
			}
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

// signedWell signs a copy of r as the client should have and compares.
func (f *fakeS3) signedWell(r *http.Request, body []byte) bool {
	auth := r.Header.Get("Authorization")
	when, err := time.Parse(amzDateFormat, r.Header.Get("X-Amz-Date"))
	if err != nil || r.Header.Get("X-Amz-Security-Token") != f.creds.SessionToken {
		return false
	}
	if r.Header.Get("X-Amz-Content-Sha256") != hashHex(body) {
		return false
	}
	c := r.Clone(r.Context())
	c.Header.Del("Authorization")
	c.Host = r.Host
	c.URL.Host = r.Host
	// Only the signed headers count; drop the rest as a proxy might add them.
	signed := map[string]bool{}
	if _, list, ok := strings.Cut(auth, "SignedHeaders="); ok {
		list, _, _ = strings.Cut(list, ",")
		for h := range strings.SplitSeq(list, ";") {
			signed[h] = true
		}
	}
	for h := range c.Header {
		if !signed[strings.ToLower(h)] {
			c.Header.Del(h)
		}
	}
	signV4(c, f.creds, "ap-northeast-2", hashHex(body), when)
	return c.Header.Get("Authorization") == auth
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
		{"no credentials", "s3://media?region=kr", nil, "AWS_ACCESS_KEY_ID", ""},
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
			if got := s.bucket.(*s3Bucket).objectURL("a/b.jpg").String(); got != tt.wantURL {
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
