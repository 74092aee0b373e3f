package db

import "testing"

func TestGenericPlansURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"postgres://u:p@h:5432/shop?sslmode=disable", "postgres://u:p@h:5432/shop?plan_cache_mode=force_generic_plan&sslmode=disable"},
		{"postgresql://h/shop", "postgresql://h/shop?plan_cache_mode=force_generic_plan"},
		{"postgres://h/shop?plan_cache_mode=auto", "postgres://h/shop?plan_cache_mode=auto"},
		{"postgres://h:bad/shop", "postgres://h:bad/shop"}, // the driver reports it
	}
	for _, tt := range tests {
		if got := genericPlans(tt.in); got != tt.want {
			t.Errorf("genericPlans(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
