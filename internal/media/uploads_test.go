package media_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/media"
)

// refs is a Referrer that names the keys in it.
type refs map[string]bool

func (r refs) InUse(_ context.Context, keys []string) ([]string, error) {
	var out []string
	for _, k := range keys {
		if r[k] {
			out = append(out, k)
		}
	}
	return out, nil
}

func pngOf(t *testing.T, w int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, 3))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSweep(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	store, err := media.Open(ctx, "mem://")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	clock := fake.NewClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	used := refs{}
	up := media.NewUploads(d, store, audit.New(d, clock.Now), clock.Now, slog.New(slog.DiscardHandler), used)
	staff := audit.Actor{Email: "staff@example.com"}
	upload := func(w int) string {
		st, err := media.Stage(bytes.NewReader(pngOf(t, w)), media.MaxImageBytes)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Remove()
		u, err := up.EditorImage(ctx, staff, st)
		if err != nil {
			t.Fatal(err)
		}
		return u[len(media.URLPrefix):]
	}
	attached, unattached := upload(1), upload(2)
	used[attached] = true
	// A return photo and a seed image: never uploads, never swept.
	for _, k := range []string{"returns/ab/photo.png", "products/cd/seed.png"} {
		if err := store.Put(ctx, k, "image/png", bytes.NewReader(pngOf(t, 4))); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.Put(ctx, media.ThumbKey(unattached, media.Small), "image/jpeg", bytes.NewReader([]byte("thumb"))); err != nil {
		t.Fatal(err)
	}
	clock.Advance(media.Grace + time.Minute)
	fresh := upload(3)

	n, err := up.Sweep(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1 deleted", n, err)
	}
	tests := []struct {
		key  string
		want bool
	}{
		{attached, true},
		{unattached, false},
		{media.ThumbKey(unattached, media.Small), false},
		{fresh, true},
		{"returns/ab/photo.png", true},
		{"products/cd/seed.png", true},
	}
	for _, tt := range tests {
		if ok, err := store.Exists(ctx, tt.key); err != nil || ok != tt.want {
			t.Errorf("after Sweep, %s exists = %v, %v; want %v", tt.key, ok, err, tt.want)
		}
	}
	var keys []string
	if err := d.Read().SelectContext(ctx, &keys, `SELECT blob_key FROM media_uploads ORDER BY blob_key`); err != nil {
		t.Fatal(err)
	}
	want := []string{attached, fresh}
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Errorf("uploads left %v, want %v", keys, want)
	}
	entries, _, err := audit.New(d, clock.Now).List(ctx, audit.Filter{Action: "media.upload"})
	if err != nil || len(entries) != 3 {
		t.Errorf("audit has %d uploads, %v; want 3", len(entries), err)
	}
	// A second run finds nothing more.
	if n, err := up.Sweep(ctx); err != nil || n != 0 {
		t.Fatalf("second Sweep = %d, %v", n, err)
	}
}

// failing is an Audit that refuses, to fail the upload's transaction.
type failing struct{}

func (failing) Record(context.Context, db.Querier, audit.Entry) error { return io.ErrUnexpectedEOF }

func TestEditorImageFailureLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	store, err := media.Open(ctx, "mem://")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	up := media.NewUploads(d, store, failing{}, time.Now, slog.New(slog.DiscardHandler), refs{})
	st, err := media.Stage(bytes.NewReader(pngOf(t, 5)), media.MaxImageBytes)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Remove()
	if _, err := up.EditorImage(ctx, audit.Actor{}, st); err == nil {
		t.Fatal("EditorImage with a failing audit: no error")
	}
	if ok, _ := store.Exists(ctx, st.Key("editor")); ok {
		t.Error("object left behind")
	}
	var n int
	if err := d.Read().GetContext(ctx, &n, `SELECT COUNT(*) FROM media_uploads`); err != nil || n != 0 {
		t.Errorf("%d upload rows, %v", n, err)
	}
}
