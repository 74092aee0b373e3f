package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(mapEnv(map[string]string{"MALLANG_DATA_DIR": t.TempDir(), tt.key: tt.value}))
			var ce *Error
			if !errors.As(err, &ce) || ce.Var != tt.key {
				t.Fatalf("Load = %v, want an error naming %s", err, tt.key)
			}
		})
	}
}
