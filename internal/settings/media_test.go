package settings_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
)

// The uploads' sweep keeps the image the settings name as the logo, and
// only that one: a replaced logo is swept like any unused upload. It asks
// the database, not a node's cache, so a change on another node counts.
func TestLogoInUse(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	clock := fake.NewClock(start)
	a := newService(t, d, clock, time.Hour)
	b := newService(t, d, clock, time.Hour)
	keys := []string{"editor/ab/logo1.png", "editor/cd/logo2.png", "editor/ef/other.png"}
	tests := []struct {
		name, logo string
		want       []string
	}{
		{"no logo", "", nil},
		{"the first", "/media/editor/ab/logo1.png", []string{"editor/ab/logo1.png"}},
		{"replaced", "/media/editor/cd/logo2.png", []string{"editor/cd/logo2.png"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := a.Current(t.Context())
			st.Logo = tt.logo
			if _, err := a.Update(t.Context(), staff, st); err != nil {
				t.Fatal(err)
			}
			got, err := b.InUse(t.Context(), keys)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("InUse = %v, want %v", got, tt.want)
			}
		})
	}
}
