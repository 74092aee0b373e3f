package config

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mapEnv(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c, err := Load(mapEnv(map[string]string{"MALLANG_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "sqlite:"+filepath.Join(dir, "mallang.db") {
		t.Errorf("DatabaseURL = %q", c.DatabaseURL)
	}
	if c.BaseURL != "http://127.0.0.1:8080" {
		t.Errorf("BaseURL = %q", c.BaseURL)
	}
	if len(c.SecretKey) != 32 {
		t.Fatalf("secret key has %d bytes", len(c.SecretKey))
	}
	if _, err := os.Stat(filepath.Join(dir, "secret.key")); err != nil {
		t.Fatalf("secret key file: %v", err)
	}
	again, err := Load(mapEnv(map[string]string{"MALLANG_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.SecretKey, c.SecretKey) {
		t.Fatal("a second start made a new secret key")
	}
	if !strings.HasPrefix(c.AdminPath, "/manage-") || again.AdminPath != c.AdminPath {
		t.Errorf("AdminPath = %q, then %q", c.AdminPath, again.AdminPath)
	}
	other, err := Load(mapEnv(map[string]string{"MALLANG_DATA_DIR": t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	if other.AdminPath == c.AdminPath {
		t.Error("two shops share a back-office path")
	}
	if c.DBMaxConns != 0 {
		t.Errorf("DBMaxConns = %d by default, want 0 (the engine's default)", c.DBMaxConns)
	}
	if c.SMTP.Host != "" || len(c.Social) != 0 {
		t.Errorf("mail or social sign-in on by default: %+v %+v", c.SMTP, c.Social)
	}
	if c.ReturnFee != 6000 {
		t.Errorf("ReturnFee = %d by default, want 6000 (a round trip)", c.ReturnFee)
	}
}

func TestLoadMailAndSocial(t *testing.T) {
	t.Parallel()
	c, err := Load(mapEnv(map[string]string{
		"MALLANG_DATA_DIR":  t.TempDir(),
		"MALLANG_SMTP_HOST": "smtp.example.com", "MALLANG_SMTP_PORT": "2525", "MALLANG_SMTP_FROM": "말랑 <shop@example.com>", "MALLANG_SMTP_TLS": "TLS",
		"MALLANG_KAKAO_CLIENT_ID":  "kakao-rest-key",
		"MALLANG_GOOGLE_CLIENT_ID": "g-id", "MALLANG_GOOGLE_CLIENT_SECRET": "g-secret", "MALLANG_GOOGLE_ISSUER": "http://127.0.0.1:9999",
		"MALLANG_ADMIN_PATH": "/back-office_1", "MALLANG_DB_MAX_CONNS": "12",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP != (SMTP{Host: "smtp.example.com", Port: 2525, From: "말랑 <shop@example.com>", TLS: "tls"}) {
		t.Errorf("SMTP = %+v", c.SMTP)
	}
	want := []SocialProvider{
		{Name: "google", ClientID: "g-id", ClientSecret: "g-secret", Issuer: "http://127.0.0.1:9999"},
		{Name: "kakao", ClientID: "kakao-rest-key"},
	}
	if len(c.Social) != 2 || c.Social[0] != want[0] || c.Social[1] != want[1] {
		t.Errorf("Social = %+v", c.Social)
	}
	if c.AdminPath != "/back-office_1" {
		t.Errorf("AdminPath = %q", c.AdminPath)
	}
	if c.DBMaxConns != 12 {
		t.Errorf("DBMaxConns = %d, want 12", c.DBMaxConns)
	}
}

func TestLoadRejects(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, key, value string }{
		{"addr", "MALLANG_ADDR", "8080"},
		{"database", "MALLANG_DATABASE_URL", "mysql://x"},
		{"base url", "MALLANG_BASE_URL", "ftp://shop"},
		{"log level", "MALLANG_LOG_LEVEL", "loud"},
		{"log format", "MALLANG_LOG_FORMAT", "xml"},
		{"secret", "MALLANG_SECRET_KEY", "short"},
		{"demo", "MALLANG_DEMO", "maybe"},
		{"admin path honeypot", "MALLANG_ADMIN_PATH", "/admin"},
		{"admin path api", "MALLANG_ADMIN_PATH", "/api"},
		{"admin path nested", "MALLANG_ADMIN_PATH", "/back/office"},
		{"admin path short", "MALLANG_ADMIN_PATH", "/bo"},
		{"smtp port", "MALLANG_SMTP_PORT", "seventy"},
		{"db conns word", "MALLANG_DB_MAX_CONNS", "many"},
		{"db conns one", "MALLANG_DB_MAX_CONNS", "1"},
		{"smtp tls", "MALLANG_SMTP_TLS", "ssl3"},
		{"smtp from", "MALLANG_SMTP_FROM", ""},
		{"naver secret", "MALLANG_NAVER_CLIENT_SECRET", ""},
		{"trusted proxies", "MALLANG_TRUSTED_PROXIES", "10.0.0.0/8, nginx"},
		{"pay within", "MALLANG_ORDER_PAY_WITHIN", "soon"},
		{"pay within too short", "MALLANG_ORDER_PAY_WITHIN", "1m"},
		{"confirm after not a number", "MALLANG_ORDER_CONFIRM_AFTER_DAYS", "a week"},
		{"confirm after too long", "MALLANG_ORDER_CONFIRM_AFTER_DAYS", "90"},
		{"tracker id without a secret", "MALLANG_TRACKER_CLIENT_ID", "abc"},
		{"return fee not a number", "MALLANG_RETURN_FEE", "6천원"},
		{"return fee negative", "MALLANG_RETURN_FEE", "-3000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"MALLANG_DATA_DIR": t.TempDir(), tt.key: tt.value}
			// Some settings are only checked together with another one.
			switch tt.key {
			case "MALLANG_SMTP_TLS", "MALLANG_SMTP_FROM":
				env["MALLANG_SMTP_HOST"] = "smtp.example.com"
				if tt.key == "MALLANG_SMTP_TLS" {
					env["MALLANG_SMTP_FROM"] = "shop@example.com"
				}
			case "MALLANG_NAVER_CLIENT_SECRET":
				env["MALLANG_NAVER_CLIENT_ID"] = "naver-client"
			}
			_, err := Load(mapEnv(env))
			var ce *Error
			if !errors.As(err, &ce) || ce.Var != tt.key {
				t.Fatalf("Load = %v, want an error naming %s", err, tt.key)
			}
		})
	}
}

// TestBlobURLOfAnOddDataDir checks the default media store names the data
// directory's media folder even when the directory's name holds characters
// a URL reads as its own.
func TestBlobURLOfAnOddDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shop #1 100%?")
	c, err := Load(mapEnv(map[string]string{"MALLANG_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(c.BlobURL)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.ToSlash(filepath.Join(dir, "media")); u.Scheme != "file" || u.Path != want || u.Query().Get("create_dir") != "true" {
		t.Fatalf("blob URL %q: path %q, want %q", c.BlobURL, u.Path, want)
	}
}
