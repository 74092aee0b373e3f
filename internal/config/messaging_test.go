package config

import (
	"errors"
	"testing"
)

func TestLoadMessaging(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		env   map[string]string
		ready bool
		bad   string
	}{
		{"none", map[string]string{}, false, ""},
		{"both", map[string]string{"MALLANG_SOLAPI_API_KEY": "NCS1", "MALLANG_SOLAPI_API_SECRET": "s3cret"}, true, ""},
		{"key alone", map[string]string{"MALLANG_SOLAPI_API_KEY": "NCS1"}, false, "MALLANG_SOLAPI_API_KEY"},
		{"secret alone", map[string]string{"MALLANG_SOLAPI_API_SECRET": "s3cret"}, false, "MALLANG_SOLAPI_API_SECRET"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.env["MALLANG_DATA_DIR"] = t.TempDir()
			cfg, err := Load(mapEnv(c.env))
			var ce *Error
			if c.bad != "" {
				if !errors.As(err, &ce) || ce.Var != c.bad {
					t.Fatalf("Load = %v, want an error naming %s", err, c.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Messaging.Ready() != c.ready {
				t.Fatalf("ready %v, want %v", cfg.Messaging.Ready(), c.ready)
			}
		})
	}
}
